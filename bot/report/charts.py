"""Charts as inline SVG strings (matplotlib's SVG backend): nothing external, no scripts.

The SVG keeps its text as text (`svg.fonttype = none`: selectable, read by screen readers, small)
with a CJK font first in the font list, and carries a <title> for assistive technology. The XML
header, the namespace declarations and matplotlib's metadata are removed: the strings are meant
to sit inside an HTML page (the report, /admin), where they need none of them and where any
"http" in the page would look like an external reference.

matplotlib is imported on first use only (`leling --help` stays fast); it is the optional
`report` dependency of pyproject.toml.
"""

from __future__ import annotations

import html
import io
import re
import threading
from collections.abc import Sequence

FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "DejaVu Sans"]
COLORS = ["#1f5fa8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#7f8c8d"]
_lock = threading.Lock()  # pyplot's state is global: one chart at a time


def _plt():
    import matplotlib

    matplotlib.use("svg", force=True)
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "leling",  # the same ids for the same chart (stable output)
            "font.family": "sans-serif",
            "font.sans-serif": FONTS,
            "font.size": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.unicode_minus": False,
        }
    )
    return plt


def _clean(svg: str, title: str) -> str:
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(r"<svg ", '<svg role="img" ', svg, count=1)
    svg = re.sub(r"(<svg[^>]*>)", rf"\1<title>{html.escape(title)}</title>", svg, count=1)
    return svg.strip()


def _save(plt, fig, title: str) -> str:
    buf = io.StringIO()
    fig.savefig(
        buf,
        format="svg",
        bbox_inches="tight",
        metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
    )
    plt.close(fig)
    return _clean(buf.getvalue(), title)


def bar_svg(
    labels: Sequence[str],
    values: Sequence[float] | dict[str, Sequence[float]],
    title: str = "",
    *,
    horizontal: bool = False,
    width: float = 7.0,
    height: float = 3.2,
) -> str:
    """A bar chart as an SVG string. `values` is one series, or {series name: values} for
    grouped bars (with a legend)."""
    series = (
        {k: list(v) for k, v in values.items()} if isinstance(values, dict) else {"": list(values)}
    )
    with _lock:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(width, height))
        n = max(1, len(series))
        step = 0.8 / n
        positions = range(len(labels))
        for i, (name, vals) in enumerate(series.items()):
            offsets = [p - 0.4 + step * (i + 0.5) for p in positions]
            draw = ax.barh if horizontal else ax.bar
            draw(offsets, list(vals), step * 0.95, label=name or None, color=COLORS[i % 6])
        if horizontal:
            ax.set_yticks(list(positions), list(labels))
            ax.invert_yaxis()
        else:
            ax.set_xticks(list(positions), list(labels), rotation=30 if len(labels) > 8 else 0)
        if title:
            ax.set_title(title, loc="left")
        if len(series) > 1:
            ax.legend(frameon=False)
        ax.grid(axis="x" if horizontal else "y", alpha=0.3)
        _counts_axis(ax.xaxis if horizontal else ax.yaxis, series.values(), horizontal, ax)
        return _save(plt, fig, title or "chart")


def _counts_axis(axis, series, horizontal: bool, ax) -> None:
    """Whole numbers from 0; an empty chart still shows 0 to 1, not ±0.04."""
    from matplotlib.ticker import MaxNLocator

    top = max((max(vals, default=0) for vals in series), default=0)
    axis.set_major_locator(MaxNLocator(integer=True))
    (ax.set_xlim if horizontal else ax.set_ylim)(0, max(1, top) * 1.05)


def line_svg(
    x: Sequence[str],
    series: dict[str, Sequence[float]],
    title: str = "",
    *,
    width: float = 7.0,
    height: float = 3.2,
) -> str:
    """A line chart (one line per series, e.g. per channel) as an SVG string; `x` labels the
    points (days), thinned out when there are many."""
    with _lock:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(width, height))
        for i, (name, vals) in enumerate(series.items()):
            ax.plot(
                range(len(x)), list(vals), marker="o", markersize=3, label=name, color=COLORS[i % 6]
            )
        every = max(1, len(x) // 8)
        ticks = list(range(0, len(x), every))
        ax.set_xticks(ticks, [str(x[i])[5:] if len(str(x[i])) == 10 else x[i] for i in ticks])
        _counts_axis(ax.yaxis, [list(v) for v in series.values()], False, ax)
        if title:
            ax.set_title(title, loc="left")
        if len(series) > 1:
            ax.legend(frameon=False)
        ax.grid(axis="y", alpha=0.3)
        return _save(plt, fig, title or "chart")
