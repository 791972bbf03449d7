"""Charts for the console: bot/report/charts.py's SVG, shown as an image beside its table.

The page's Content-Security-Policy forbids inline styles, and matplotlib's SVG is styled inline,
so an SVG pasted into the page would draw black boxes (and log a CSP error per element). As an
image (`<img src="data:image/svg+xml;base64,…">`, allowed by `img-src data:`) the SVG is its own
document: its styles apply, nothing is fetched, no script can run. The image's `alt` names the
chart; the table beside it has the numbers. Charts are cached by their data (matplotlib takes a
tenth of a second each).
"""

from __future__ import annotations

import base64
import functools
import html

# Inches at matplotlib's 72 pt: about a phone's width, so the charts' 11 pt text stays
# readable when the image is shrunk to fit (the report draws them wider).
WIDTH = 5.0
_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '


def _as_image(svg: str, alt: str) -> str:
    if "xmlns=" not in svg[:400]:
        svg = svg.replace("<svg ", "<svg " + _NS, 1)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}">'


@functools.lru_cache(maxsize=128)
def _bar(labels: tuple, series: tuple, title: str, horizontal: bool) -> str:
    from bot.report.charts import bar_svg

    values = {name: list(vals) for name, vals in series}
    if len(values) == 1 and "" in values:
        values = values[""]
    height = max(2.2, 0.36 * len(labels) + 0.7) if horizontal else 2.8
    return bar_svg(list(labels), values, title, horizontal=horizontal, width=WIDTH, height=height)


@functools.lru_cache(maxsize=128)
def _line(x: tuple, series: tuple, title: str) -> str:
    from bot.report.charts import line_svg

    return line_svg(
        list(x), {name: list(vals) for name, vals in series}, title, width=WIDTH, height=2.8
    )


def bar_image(labels, values, alt: str, horizontal: bool = False) -> str:
    """A bar chart as an <img> described by `alt` (the page's heading names it, so the chart
    has no title of its own); `values` a list, or {series: list} for grouped bars."""
    series = values.items() if isinstance(values, dict) else [("", values)]
    frozen = tuple((name, tuple(vals)) for name, vals in series)
    return _as_image(_bar(tuple(labels), frozen, "", horizontal), alt)


def line_image(x, series: dict, alt: str) -> str:
    """A line chart (one line per series) as an <img> described by `alt`."""
    frozen = tuple((name, tuple(vals)) for name, vals in series.items())
    return _as_image(_line(tuple(x), frozen, ""), alt)
