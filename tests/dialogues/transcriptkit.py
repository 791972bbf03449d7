"""YAML conversation transcripts: loading, running (in-process or through `leling chat --json`),
and checking each turn.

A transcript file holds a list of conversations:

    - name: nearest elder university from a shared location
      lang: zh                       # optional: `leling chat --lang`
      now: 2026-12-04T15:00:00+08:00 # optional (default: dialoguekit.NOW)
      subprocess: true               # also run through a real `leling chat --json` process
      turns:
        - user: 离我最近的老年大学在哪儿?
          intent: find_center
          says: [发送我的位置]
          buttons: [/share_location]
        - location: [39.88, 116.41]
          items: [lc-dongcheng-2, fe-fengtai, lc-chaoyang-2]
        - restart: true              # a new process (in-process: a new Assistant, same DB)
        - user_repeat: [字, 5000]     # a 5,000-character message
        - user: 继续上次的
          guide: {id: wechat_video_call, step: 3}

Checks per turn: intent, entities (subset), says / says_any / not_says (reply text fragments),
items (exact ids in order), items_include, buttons (payloads; "x*" is a prefix), titles,
calls (the tap-to-call numbers, in order),
no_buttons, guide (subset), voice, skipped (a blank line produces no turn).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from dialoguekit import NOW, ROOT, TRANSCRIPTS, check_reply_rules

from dialogues.payload import MAX_BYTES


def load_all(folder: Path = TRANSCRIPTS) -> list[dict]:
    """Every conversation of every transcript file, with `file` and a unique `id`."""
    out = []
    for path in sorted(folder.glob("*.yml")):
        for i, conv in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            conv = dict(conv)
            conv["file"] = path.name
            conv["id"] = f"{path.stem}:{i + 1}:{conv['name']}"
            out.append(conv)
    return out


def _line(turn: dict) -> str | None:
    if "location" in turn:
        lat, lon = turn["location"]
        return f"/location {lat},{lon}"
    if "user_repeat" in turn:  # a very long message: [text, times]
        text, times = turn["user_repeat"]
        return str(text) * int(times)
    if "user" in turn:
        return str(turn["user"])
    return None


def segments(conv: dict) -> list[list[dict]]:
    """The turns split at `restart: true` (each segment is one process / one Assistant)."""
    parts: list[list[dict]] = [[]]
    for turn in conv["turns"]:
        if turn.get("restart"):
            parts.append([])
        else:
            parts[-1].append(turn)
    return [p for p in parts if p]


def _now(conv: dict) -> str:
    return str(conv.get("now") or NOW.isoformat())


def _user(conv: dict) -> str:
    return str(conv.get("user") or "tester")


def run_in_process(conv: dict, parser, cat, db) -> list[dict | None]:
    """Run through the terminal channel in this process; one JSON turn (or None) per turn.

    Every reply is also checked against the reply rules (`dialoguekit.check_reply_rules`).
    """
    from datetime import datetime

    from bot.channels.terminal import TerminalChannel
    from dialogues import Assistant

    now = datetime.fromisoformat(_now(conv))
    user = f"terminal:{_user(conv)}"
    results: list[dict | None] = []
    for n, segment in enumerate(segments(conv)):
        assistant = Assistant(
            db, cat, parser, clock=lambda: now, default_lang=conv.get("lang") or "zh"
        )
        if n == 0 and conv.get("lang"):
            assistant.set_language(user, conv["lang"])
        out = io.StringIO()
        channel = TerminalChannel(assistant, user, json_mode=True, out=out, lang=conv.get("lang"))
        for turn in segment:
            before = out.tell()
            result = channel.send(_line(turn) or "")
            if result is not None:
                check_reply_rules(result.replies)
            written = out.getvalue()[before:].strip()
            results.append(json.loads(written) if written else None)
    return results


def run_subprocess(conv: dict, db_path: Path, model_dir: Path) -> list[dict | None]:
    """Run through real `leling chat --json` processes (one per segment) on `db_path`."""
    env = dict(
        os.environ,
        LELING_DB=str(db_path),
        LELING_NLU_MODEL_DIR=str(model_dir),
        PYTHONIOENCODING="utf-8",
    )
    env.pop("LELING_CONTENT", None)
    results: list[dict | None] = []
    for n, segment in enumerate(segments(conv)):
        args = [
            sys.executable,
            "-m",
            "bot.cli",
            "chat",
            "--json",
            "--now",
            _now(conv),
            "--user",
            _user(conv),
        ]
        if n == 0 and conv.get("lang"):
            args += ["--lang", conv["lang"]]
        lines = [_line(t) or "" for t in segment]
        proc = subprocess.run(
            args,
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=ROOT,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        outputs = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
        it = iter(outputs)
        for line in lines:
            results.append(next(it) if line.strip() else None)
        assert next(it, None) is None, "more turns printed than lines sent"
    return results


def _all_text(turn: dict) -> str:
    return "\n".join(r["text"] for r in turn["replies"])


def check_turn(spec: dict, got: dict | None, where: str) -> None:
    """Assert one turn's expectations against its `--json` object."""
    if spec.get("skipped"):
        assert got is None, f"{where}: a blank line must produce no turn"
        return
    assert got is not None, f"{where}: no turn was printed"
    text = _all_text(got)
    ctx = f"{where}\n--- reply ---\n{text}\n--- buttons ---\n" + json.dumps(
        [b for r in got["replies"] for b in r["buttons"]], ensure_ascii=False
    )
    assert got["replies"], f"{where}: no replies"
    for r in got["replies"]:
        assert r["text"].strip(), ctx
        for b in r["buttons"]:
            assert len(b["payload"].encode("utf-8")) <= MAX_BYTES, f"{ctx}\n{b}"
    if "intent" in spec:
        assert got["nlu"]["intent"]["name"] == spec["intent"], (
            f"{ctx}\nintent {got['nlu']['intent']} != {spec['intent']}"
        )
    for name, value in (spec.get("entities") or {}).items():
        values = [e["value"] for e in got["nlu"]["entities"] if e["entity"] == name]
        assert value in values or (value is True and values), f"{ctx}\nentity {name}: {values}"
    for frag in spec.get("says") or []:
        assert str(frag) in text, f"{ctx}\nmissing {frag!r}"
    if spec.get("says_any"):
        assert any(str(f) in text for f in spec["says_any"]), f"{ctx}\nnone of {spec['says_any']}"
    for frag in spec.get("not_says") or []:
        assert str(frag) not in text, f"{ctx}\nunexpected {frag!r}"
    items = [i["id"] for r in got["replies"] for i in r["items"]]
    if "items" in spec:
        assert items == list(spec["items"]), f"{ctx}\nitems {items}"
    for ident in spec.get("items_include") or []:
        assert ident in items, f"{ctx}\nitems {items} lack {ident}"
    for ident in spec.get("items_exclude") or []:
        assert ident not in items, f"{ctx}\nitems {items} include {ident}"
    payloads = [b["payload"] for r in got["replies"] for b in r["buttons"]]
    for want in spec.get("buttons") or []:
        ok = (
            any(p.startswith(want[:-1]) for p in payloads)
            if want.endswith("*")
            else want in payloads
        )
        assert ok, f"{ctx}\nno button {want}"
    for want in spec.get("not_buttons") or []:
        assert not any(p.startswith(want.rstrip("*")) for p in payloads), f"{ctx}\nbutton {want}"
    calls = [b["call"] for r in got["replies"] for b in r["buttons"] if b.get("call")]
    if "calls" in spec:
        assert calls == [str(c) for c in spec["calls"]], f"{ctx}\ncall buttons {calls}"
    titles = [b["title"] for r in got["replies"] for b in r["buttons"]]
    for want in spec.get("titles") or []:
        assert want in titles, f"{ctx}\nno button titled {want}"
    if spec.get("no_buttons"):
        assert not payloads, ctx
    if "guide" in spec:
        guides = [r["guide"] for r in got["replies"] if r.get("guide")]
        if spec["guide"] is None:
            assert not guides, ctx
        else:
            assert guides, f"{ctx}\nno guide step"
            for k, v in spec["guide"].items():
                assert guides[-1][k] == v, f"{ctx}\nguide {guides[-1]}"
    if "voice" in spec:
        assert all(r["voice"] == spec["voice"] for r in got["replies"]), ctx


def check_conversation(conv: dict, results: list[dict | None]) -> None:
    """Every turn of a conversation against its results."""
    specs = [t for t in conv["turns"] if not t.get("restart")]
    assert len(results) == len(specs)
    for n, (spec, got) in enumerate(zip(specs, results, strict=True), 1):
        check_turn(spec, got, f"{conv['id']} turn {n} ({_line(spec)!r})")
