"""The Rasa-style report of `leling nlu test`, written into one folder.

* `intent_report.json` — per language: per-intent precision/recall/F1/support (and
  `confused_with`), `accuracy`, `macro avg`, `weighted avg`, the gate and whether it passed,
  the ledger entries left out and any that now pass;
* `intent_errors.json` — every misclassified held-out example with its top-3 ranking;
* `intent_confusion_matrix.png` — one confusion matrix per language;
* `entity_report.json` — per-entity precision/recall/F1/support and their macro average;
* `entity_errors.json` — missed and spurious entities.
"""

from __future__ import annotations

import json
from pathlib import Path

from .evaluation import LangResult


def _dump(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_report(results: dict[str, LangResult], out_dir: Path) -> list[Path]:
    """Write the report files for `results` into `out_dir`; returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    intent = {
        lang: {
            **r.intent_report,
            "gate": {"macro_f1_min": r.gate, "macro_f1": round(r.macro_f1, 4), "passed": r.passed},
            "ledger": {"excluded": r.excluded, "now_passing": r.fixed},
            "safety": r.safety(),
        }
        for lang, r in results.items()
    }
    paths = [
        out_dir / n
        for n in (
            "intent_report.json",
            "intent_errors.json",
            "entity_report.json",
            "entity_errors.json",
            "intent_confusion_matrix.png",
        )
    ]
    _dump(paths[0], intent)
    _dump(paths[1], [e for r in results.values() for e in r.errors])
    _dump(paths[2], {lang: r.entity_report for lang, r in results.items()})
    _dump(paths[3], [e for r in results.values() for e in r.entity_errors])
    plot_confusion(results, paths[4])
    return paths


def plot_confusion(results: dict[str, LangResult], path: Path) -> None:
    """One confusion-matrix panel per language, saved as a PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    shown = [r for r in results.values() if r.gold]
    fig, axes = plt.subplots(
        1, max(1, len(shown)), figsize=(11 * max(1, len(shown)), 10), squeeze=False
    )
    for ax, r in zip(axes[0], shown, strict=False):
        matrix = confusion_matrix(r.gold, r.predicted, labels=r.labels)
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(r.labels)), r.labels, rotation=90, fontsize=8)
        ax.set_yticks(range(len(r.labels)), r.labels, fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("expected")
        ax.set_title(f"{r.lang}: macro-F1 {r.macro_f1:.3f} on {r.total} examples")
        peak = matrix.max() or 1
        for (i, j), n in _cells(matrix):
            ax.text(
                j,
                i,
                str(n),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if n > peak / 2 else "black",
            )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _cells(matrix):
    for i, row in enumerate(matrix):
        for j, n in enumerate(row):
            if n:
                yield (i, j), int(n)


def summary_lines(results: dict[str, LangResult]) -> list[str]:
    """Human-readable lines for the terminal: one per language, then the worst intents."""
    lines = []
    for lang, r in results.items():
        status = "ok" if r.passed else "FAILED"
        lines.append(
            f"{lang}: macro-F1 {r.macro_f1:.4f} (gate {r.gate}) "
            f"accuracy {r.intent_report.get('accuracy', 0):.4f} on {r.total} examples, "
            f"{len(r.errors)} errors, {len(r.excluded)} in ledger — {status}"
        )
        for entry in r.fixed:
            lines.append(f"  ledger entry now passes, remove it: {entry['text']!r}")
        weak = sorted(
            (v["f1-score"], k)
            for k, v in r.intent_report.items()
            if isinstance(v, dict)
            and "support" in v
            and k not in ("macro avg", "weighted avg")
            and v["f1-score"] < 0.9
        )
        for f1, name in weak:
            lines.append(f"  {name}: F1 {f1:.3f}")
        safety = ", ".join(
            f"{name} P {v['precision']:.2f} R {v['recall']:.2f} (n={int(v['support'])})"
            for name, v in r.safety().items()
        )
        if safety:
            lines.append(f"  safety: {safety}")
        ents = ", ".join(
            f"{k} {v['f1-score']:.2f}" for k, v in r.entity_report.items() if k != "macro avg"
        )
        if ents:
            lines.append(f"  entities F1: {ents}")
    return lines
