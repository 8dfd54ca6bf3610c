"""Tiny static SVG charts for the HTML report: no plotting library, no script, no Qt.

The report must open anywhere (mail attachment, wiki upload, air-gapped laptop), so the
charts are plain inline SVG text. Every label is escaped; values that are not finite
are drawn as a full bar with their formatted text rather than breaking the scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

__all__ = ["bar_chart", "histogram"]

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
BAR = "#2563eb"
OVER = "#dc2626"
REFERENCE = "#0f172a"
GRID = "#e2e8f0"
TEXT = "#0f172a"
SUBTLE = "#475569"


def _n(v: float) -> str:
    """Coordinates with two decimals at most (small files, stable output)."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _open(width: float, height: float, title: str) -> list[str]:
    t = escape(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{_n(width)}" '
        f'height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
        f'aria-label="{t}" font-family="{escape(FONT)}" font-size="12">',
        f"<title>{t}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="600" fill="{TEXT}">{t}</text>',
    ]


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    value_text: Callable[[float], str] = lambda v: f"{v:g}",
    reference: float | None = None,
    reference_text: str = "",
    width: float = 680.0,
    bar_height: float = 20.0,
    label_width: float = 190.0,
    empty_text: str = "nothing to show",
) -> str:
    """Horizontal bars, one per (label, value), in the given order.

    ``reference`` draws a vertical line (e.g. 100 % utilisation); bars beyond it turn red.
    """
    rows = [(str(label), float(v)) for label, v in items if not math.isnan(float(v))]
    top = 26.0
    gap = 6.0
    value_room = 90.0
    plot_w = max(width - label_width - value_room, 60.0)
    height = top + max(len(rows), 1) * (bar_height + gap) + 24.0
    out = _open(width, height, title)
    if not rows:
        out.append(f'<text x="0" y="{_n(top + 16)}" fill="{SUBTLE}">{escape(empty_text)}</text>')
        out.append("</svg>")
        return "\n".join(out)
    finite = [v for _, v in rows if math.isfinite(v)]
    scale_max = max([*finite, reference or 0.0, 0.0])
    if scale_max <= 0.0:
        scale_max = 1.0
    scale_max *= 1.05
    x0 = label_width

    def x_of(v: float) -> float:
        if not math.isfinite(v):
            return x0 + plot_w if v > 0 else x0
        return x0 + plot_w * max(v, 0.0) / scale_max

    for i, (label, v) in enumerate(rows):
        y = top + i * (bar_height + gap)
        over = reference is not None and v > reference
        colour = OVER if over else BAR
        w = x_of(v) - x0
        out.append(
            f'<text x="{_n(x0 - 8)}" y="{_n(y + bar_height * 0.7)}" text-anchor="end" '
            f'fill="{TEXT}">{escape(_clip(label, 30))}</text>')
        out.append(
            f'<rect x="{_n(x0)}" y="{_n(y)}" width="{_n(max(w, 0.0))}" height="{_n(bar_height)}" '
            f'rx="2" fill="{colour}"><title>{escape(label)}: {escape(value_text(v))}</title></rect>')
        out.append(
            f'<text x="{_n(x0 + max(w, 0.0) + 6)}" y="{_n(y + bar_height * 0.7)}" '
            f'fill="{SUBTLE}">{escape(value_text(v))}</text>')
    bottom = top + len(rows) * (bar_height + gap)
    out.append(f'<line x1="{_n(x0)}" y1="{_n(top - 4)}" x2="{_n(x0)}" y2="{_n(bottom)}" '
               f'stroke="{GRID}"/>')
    if reference is not None and math.isfinite(reference):
        xr = x_of(reference)
        out.append(f'<line x1="{_n(xr)}" y1="{_n(top - 4)}" x2="{_n(xr)}" y2="{_n(bottom)}" '
                   f'stroke="{REFERENCE}" stroke-dasharray="4 3"/>')
        if reference_text:
            out.append(f'<text x="{_n(xr)}" y="{_n(bottom + 14)}" text-anchor="middle" '
                       f'fill="{TEXT}">{escape(reference_text)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _ticks(top: float, count: int = 5) -> list[float]:
    """Round tick positions from 0 to about ``top``."""
    if top <= 0 or not math.isfinite(top):
        return [0.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = int(math.floor(top / step + 1e-9))
    return [i * step for i in range(n + 1)]


def histogram(
    edges: Sequence[float],
    counts: Sequence[int | float],
    *,
    title: str,
    x_text: str = "",
    y_text: str = "",
    markers: Sequence[tuple[float, str]] = (),
    width: float = 680.0,
    height: float = 260.0,
) -> str:
    """Vertical bars over bins [edges[i], edges[i+1]) with optional labelled marker lines."""
    left, right, top, bottom = 52.0, 16.0, 30.0, 44.0
    plot_w = width - left - right
    plot_h = height - top - bottom
    out = _open(width, height, title)
    pairs = list(zip(edges[:-1], edges[1:], counts))
    lo = float(edges[0]) if len(edges) else 0.0
    hi = float(edges[-1]) if len(edges) else 1.0
    if not pairs or not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        out.append(f'<text x="0" y="{_n(top + 16)}" fill="{SUBTLE}">no data</text>')
        out.append("</svg>")
        return "\n".join(out)
    c_max = max(float(c) for _, _, c in pairs) or 1.0
    y_ticks = _ticks(c_max * 1.1, 4)
    y_max = max(c_max * 1.1, y_ticks[-1])

    def x_of(v: float) -> float:
        return left + plot_w * (v - lo) / (hi - lo)

    def y_of(c: float) -> float:
        return top + plot_h * (1.0 - c / y_max)

    for t in y_ticks:
        y = y_of(t)
        out.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}" '
                   f'stroke="{GRID}"/>')
        out.append(f'<text x="{_n(left - 6)}" y="{_n(y + 4)}" text-anchor="end" '
                   f'fill="{SUBTLE}">{t:g}</text>')
    for a, b, c in pairs:
        xa, xb = x_of(float(a)), x_of(float(b))
        y = y_of(float(c))
        out.append(f'<rect x="{_n(xa + 0.5)}" y="{_n(y)}" width="{_n(max(xb - xa - 1.0, 0.5))}" '
                   f'height="{_n(top + plot_h - y)}" fill="{BAR}"><title>{float(a):.4g}–'
                   f'{float(b):.4g}: {float(c):g}</title></rect>')
    base = top + plot_h
    out.append(f'<line x1="{_n(left)}" y1="{_n(base)}" x2="{_n(left + plot_w)}" y2="{_n(base)}" '
               f'stroke="{SUBTLE}"/>')
    for t in _ticks(hi - lo, 6):
        v = lo + t
        if v > hi + 1e-9:
            continue
        x = x_of(v)
        out.append(f'<line x1="{_n(x)}" y1="{_n(base)}" x2="{_n(x)}" y2="{_n(base + 4)}" '
                   f'stroke="{SUBTLE}"/>')
        out.append(f'<text x="{_n(x)}" y="{_n(base + 16)}" text-anchor="middle" '
                   f'fill="{SUBTLE}">{v:g}</text>')
    if x_text:
        out.append(f'<text x="{_n(left + plot_w / 2)}" y="{_n(height - 6)}" text-anchor="middle" '
                   f'fill="{TEXT}">{escape(x_text)}</text>')
    if y_text:
        out.append(f'<text x="12" y="{_n(top + plot_h / 2)}" text-anchor="middle" fill="{TEXT}" '
                   f'transform="rotate(-90 12 {_n(top + plot_h / 2)})">{escape(y_text)}</text>')
    for i, (value, text) in enumerate(markers):
        try:
            v = float(value)
        except (TypeError, ValueError):
            continue
        if not math.isfinite(v) or v < lo or v > hi:
            continue
        x = x_of(v)
        out.append(f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(base)}" '
                   f'stroke="{OVER if i else REFERENCE}" stroke-dasharray="4 3"/>')
        anchor = "end" if x > left + plot_w * 0.75 else "start"
        dx = -4 if anchor == "end" else 4
        out.append(f'<text x="{_n(x + dx)}" y="{_n(top + 12 + 14 * i)}" text-anchor="{anchor}" '
                   f'fill="{TEXT}">{escape(text)}</text>')
    out.append("</svg>")
    return "\n".join(out)
