"""The comparison of options (``modeller.analysis.compare``) as text, Markdown, HTML and PDF.

One formatted table serves every output: rows are the compared figures, columns the
options (the first is the reference); a cell holds the value and, for the other
options, its delta against the reference; ``★`` marks the best value in a row (only
when the options differ). The HTML page also holds an inline SVG chart of cost a
month against downtime a year, one labelled dot per option (down and to the left is
better). The PDF is drawn with Qt (the table as rich text, the chart from the same
SVG), like the diagram's PDF; nothing is recomputed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

from ..formatting import fmt_duration, fmt_money, fmt_ms, fmt_nines, fmt_percent
from .reports import _CSP, _CSS, md_escape, when_text
from .svgcharts import GRID, SUBTLE, TEXT, _n, _open, _ticks

__all__ = ["BEST", "cell_text", "delta_text", "table", "text_table", "markdown_compare",
           "html_compare", "cost_downtime_svg", "pdf_compare", "chart_points", "export_compare",
           "COMPARE_FORMATS"]

BEST = "★"
MINUS = "−"
COLOURS = ("#2563eb", "#d97706", "#059669", "#7c3aed", "#dc2626", "#0891b2", "#be185d", "#4d7c0f")


def _signed(x: float, text: str) -> str:
    return ("+" if x > 0 else MINUS if x < 0 else "±") + text


def cell_text(key: str, value: Any, option: Any = None) -> str:
    """One compared figure for people (``option`` gives availability its exact digits)."""
    if value is None:
        return "—"
    if key == "availability":
        u = getattr(option, "unavailability", None)
        return fmt_percent(value, u)
    if key == "nines":
        return fmt_nines(value)
    if key in ("downtime_minutes_per_year", "rto_minutes"):
        return fmt_duration(value) if math.isfinite(value) else "∞"
    if key == "success_ratio":
        return fmt_percent(value)
    if key == "rpo_seconds":
        return "everything" if math.isinf(value) else f"{value:g} s"
    if key == "cost_month":
        return fmt_money(value)
    if key == "headroom":
        return "unlimited" if math.isinf(value) else f"{value:.2f}×"
    if key == "p99_ms":
        text = fmt_ms(value)
        return text if text == "saturated" else f"{text} ms"
    if key == "spofs":
        return str(int(value))
    if key == "zone_survival":
        if value:
            return "yes"
        lost = getattr(option, "zones_lost", [])
        return "no: " + ", ".join(lost) if lost else "no"
    if key == "meets_slo":
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, float) else str(value)


def delta_text(key: str, delta: float | None) -> str:
    """A delta against the reference ("+0.39 pp", "−3 h 12 min", "+140"); "" when none."""
    if delta is None:
        return ""
    if delta == 0:
        return "same"
    mag = abs(delta)
    if math.isinf(mag):
        return _signed(delta, "∞")
    if key in ("availability", "success_ratio"):
        return _signed(delta, f"{mag * 100:.3g} pp")
    if key == "nines":
        return _signed(delta, f"{mag:.2f}" if mag >= 0.005 else f"{mag:.2g}")
    if key in ("downtime_minutes_per_year", "rto_minutes"):
        return _signed(delta, fmt_duration(mag))
    if key == "rpo_seconds":
        return _signed(delta, f"{mag:g} s")
    if key == "cost_month":
        return _signed(delta, fmt_money(mag))
    if key == "headroom":
        return _signed(delta, f"{mag:.2f}×")
    if key == "p99_ms":
        return _signed(delta, f"{mag:.1f} ms" if mag >= 0.05 else f"{mag:.2g} ms")
    if key == "spofs":
        return _signed(delta, str(int(mag)))
    return _signed(delta, f"{mag:g}")


@dataclass
class Cell:
    value: str
    delta: str
    best: bool


@dataclass
class Table:
    header: list[str]  # "" then the option names
    rows: list[tuple[str, list[Cell]]]  # row label, one cell per option


def table(comparison: Any) -> Table:
    """The formatted table every output shares."""
    header = [""] + [o.name for o in comparison.options]
    rows: list[tuple[str, list[Cell]]] = []
    for row in comparison.rows:
        cells = []
        for i, o in enumerate(comparison.options):
            value = o.values.get(row.key)
            delta = comparison.deltas[row.key][i] if i else None
            cells.append(Cell(cell_text(row.key, value, o), delta_text(row.key, delta),
                              i in comparison.best[row.key]))
        rows.append((row.label, cells))
    return Table(header, rows)


def _cell_line(c: Cell) -> str:
    text = c.value + (f" {BEST}" if c.best else "")
    return text + (f" ({c.delta})" if c.delta else "")


def text_table(comparison: Any) -> str:
    """A plain-text table for a terminal."""
    t = table(comparison)
    grid = [t.header] + [[label] + [_cell_line(c) for c in cells] for label, cells in t.rows]
    widths = [max(len(r[i]) for r in grid) for i in range(len(t.header))]
    lines = []
    for n, r in enumerate(grid):
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    ref = comparison.options[0].name if comparison.options else ""
    title = f"Options compared: {comparison.title}" if comparison.title else "Options compared"
    return "\n".join([title, "=" * min(len(title), 100), "", *lines, "",
                      f"{BEST} best in its row; (deltas) against {ref}."])


def markdown_compare(comparison: Any, *, generated: Any = None) -> str:
    """The comparison as GitHub-flavoured Markdown."""
    t = table(comparison)
    out = [f"# {md_escape('Options compared: ' + comparison.title)}", "",
           f"Generated: {md_escape(when_text(generated))}", ""]
    out.append("| " + " | ".join(md_escape(h) or " " for h in t.header) + " |")
    out.append("|---|" + "|".join("---:" for _ in t.header[1:]) + "|")
    for label, cells in t.rows:
        parts = []
        for c in cells:
            text = md_escape(c.value)
            text = f"**{text}** {BEST}" if c.best else text
            parts.append(text + (f" ({md_escape(c.delta)})" if c.delta else ""))
        out.append("| " + md_escape(label) + " | " + " | ".join(parts) + " |")
    ref = comparison.options[0].name if comparison.options else ""
    out += ["", f"{BEST} best in its row; deltas in brackets are against {md_escape(ref)}.", ""]
    out += ["## Cost against downtime", ""]
    out += [f"- **{md_escape(name)}:** {md_escape(fmt_money(x))} a month, "
            f"{md_escape(fmt_duration(y))} of downtime a year" for name, x, y in chart_points(comparison)]
    return "\n".join(out) + "\n"


def chart_points(comparison: Any) -> list[tuple[str, float, float]]:
    """(option, cost a month, downtime minutes a year) for every option with both figures."""
    pts = []
    for o in comparison.options:
        x, y = o.values.get("cost_month"), o.values.get("downtime_minutes_per_year")
        if x is not None and y is not None and math.isfinite(x) and math.isfinite(y):
            pts.append((o.name, float(x), float(y)))
    return pts


def label_places(points: list[tuple[float, float, str]], plot: tuple[float, float, float, float],
                 char_w: float = 8.0, line_h: float = 14.0) -> list[tuple[float, float, str]]:
    """Where each dot's label goes: (x, baseline y, text-anchor), greedily picking the first
    of eight spots around the dot (right, left, above, below ...) whose box stays inside
    the plot and overlaps no label placed before and no dot."""
    x0, y0, x1, y1 = plot
    boxes: list[tuple[float, float, float, float]] = [(cx - 7, cy - 7, cx + 7, cy + 7)
                                                       for cx, cy, _ in points]
    out = []

    def clash(b: tuple[float, float, float, float], own: int) -> float:
        """Overlap area with other labels and dots, plus any part outside the plot."""
        total = 0.0
        for k, o in enumerate(boxes):
            if k != own:
                total += max(0.0, min(b[2], o[2]) - max(b[0], o[0])) * \
                    max(0.0, min(b[3], o[3]) - max(b[1], o[1]))
        outside = max(0.0, x0 - 40 - b[0]) + max(0.0, b[2] - x1 - 20) + \
            max(0.0, y0 - 20 - b[1]) + max(0.0, b[3] - y1)
        return total + outside * 1000.0

    for i, (cx, cy, text) in enumerate(points):
        w = char_w * len(text) + 4
        spots = [(cx + 10, cy + 4, "start"), (cx - 10, cy + 4, "end"),
                 (cx - w / 2 + 2, cy - 12, "start"), (cx - w / 2 + 2, cy + 22, "start"),
                 (cx + 8, cy - 10, "start"), (cx - 8, cy - 10, "end"),
                 (cx + 8, cy + 20, "start"), (cx - 8, cy + 20, "end"),
                 (cx - w / 2 + 2, cy - 28, "start"), (cx + 8, cy - 26, "start"),
                 (cx - 8, cy - 26, "end"), (cx - w / 2 + 2, cy - 44, "start")]
        best = math.inf
        chosen = spots[0]
        for sx, sy, anchor in spots:
            left_x = sx if anchor == "start" else sx - w
            cost = clash((left_x, sy - line_h + 3, left_x + w, sy + 3), i)
            if cost < best:
                best, chosen = cost, (sx, sy, anchor)
            if cost == 0.0:
                break
        sx, sy, anchor = chosen
        left_x = sx if anchor == "start" else sx - w
        boxes.append((left_x, sy - line_h + 3, left_x + w, sy + 3))
        out.append(chosen)
    return out


def _downtime_unit(top: float) -> tuple[float, str]:
    """Minutes per axis unit and its name: hours when the largest value is 2 h or more."""
    return (60.0, "h") if top >= 120 else (1.0, "min")


def cost_downtime_svg(comparison: Any, *, width: float = 680.0, height: float = 340.0) -> str:
    """An SVG scatter: cost a month (x) against downtime a year (y), one labelled dot per
    option; down and to the left is better. Axes start at zero."""
    pts = chart_points(comparison)
    title = "Cost a month against downtime a year"
    out = _open(width, height, title)
    if not pts:
        out += [f'<text x="0" y="46" fill="{SUBTLE}">no option has both figures</text>', "</svg>"]
        return "\n".join(out)
    left, right, top, bottom = 64.0, 24.0, 34.0, 48.0
    plot_w, plot_h = width - left - right, height - top - bottom
    x_max = max(p[1] for p in pts) * 1.15 or 1.0
    per, unit = _downtime_unit(max(p[2] for p in pts))
    y_max = max(p[2] for p in pts) / per * 1.15 or 1.0
    x_ticks, y_ticks = _ticks(x_max, 5), _ticks(y_max, 4)
    x_max, y_max = max(x_max, x_ticks[-1]), max(y_max, y_ticks[-1])

    def px(v: float) -> float:
        return left + plot_w * v / x_max

    def py(v: float) -> float:
        return top + plot_h * (1.0 - v / y_max)

    for t in y_ticks:
        out.append(f'<line x1="{_n(left)}" y1="{_n(py(t))}" x2="{_n(left + plot_w)}" '
                   f'y2="{_n(py(t))}" stroke="{GRID}"/>')
        out.append(f'<text x="{_n(left - 6)}" y="{_n(py(t) + 4)}" text-anchor="end" '
                   f'fill="{SUBTLE}">{t:g}</text>')
    for t in x_ticks:
        out.append(f'<line x1="{_n(px(t))}" y1="{_n(top)}" x2="{_n(px(t))}" '
                   f'y2="{_n(top + plot_h)}" stroke="{GRID}"/>')
        out.append(f'<text x="{_n(px(t))}" y="{_n(top + plot_h + 16)}" text-anchor="middle" '
                   f'fill="{SUBTLE}">{escape(fmt_money(t))}</text>')
    out.append(f'<text x="{_n(left + plot_w / 2)}" y="{_n(height - 8)}" text-anchor="middle" '
               f'fill="{TEXT}">cost a month</text>')
    mid = top + plot_h / 2
    out.append(f'<text x="14" y="{_n(mid)}" text-anchor="middle" fill="{TEXT}" '
               f'transform="rotate(-90 14 {_n(mid)})">downtime a year ({unit})</text>')
    placed = label_places([(px(x), py(y / per), name) for name, x, y in pts],
                          (left, top, left + plot_w, top + plot_h))
    for i, (name, x, y) in enumerate(pts):
        cx, cy = px(x), py(y / per)
        colour = COLOURS[i % len(COLOURS)]
        lx, ly, anchor = placed[i]
        out.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="6" fill="{colour}">'
                   f'<title>{escape(name)}: {escape(fmt_money(x))} a month, '
                   f'{escape(fmt_duration(y))} a year</title></circle>')
        out.append(f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" '
                   f'font-weight="600" fill="{colour}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


_EXTRA_CSS = """
td.best { font-weight: 600; background: #ecfdf5; }
td .delta { display: block; color: #475569; font-size: 0.85em; font-weight: 400; }
th.opt { text-align: right; }
"""


def html_compare(comparison: Any, *, generated: Any = None) -> str:
    """One self-contained HTML page: the table and the chart (inline CSS and SVG, no script)."""
    t = table(comparison)
    title = "Options compared: " + comparison.title
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<meta name="generator" content="Modeller">',
           f"<title>{escape(title)}</title>", f"<style>{_CSS}{_EXTRA_CSS}</style>", "</head>",
           "<body>", f"<h1>{escape(title)}</h1>",
           f'<p class="meta">Generated: {escape(when_text(generated))}</p>',
           '<div class="scroll"><table>', "<thead><tr>", '<th scope="col"></th>']
    out += [f'<th class="opt" scope="col">{escape(h)}</th>' for h in t.header[1:]]
    out.append("</tr></thead><tbody>")
    for label, cells in t.rows:
        tds = []
        for c in cells:
            cls = ' class="num best"' if c.best else ' class="num"'
            mark = f" {BEST}" if c.best else ""
            delta = f'<span class="delta">{escape(c.delta)}</span>' if c.delta else ""
            tds.append(f"<td{cls}>{escape(c.value)}{mark}{delta}</td>")
        out.append(f'<tr><th scope="row">{escape(label)}</th>{"".join(tds)}</tr>')
    out.append("</tbody></table></div>")
    ref = comparison.options[0].name if comparison.options else ""
    out.append(f'<p class="note">{BEST} best in its row; the small figures are deltas against '
               f"{escape(ref)}.</p>")
    out.append("<h2>Cost against downtime</h2>")
    out.append('<div class="charts">' + cost_downtime_svg(comparison) + "</div>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _rich_text(comparison: Any, generated: Any) -> str:
    """The table as the rich-text subset Qt's QTextDocument draws (for the PDF)."""
    t = table(comparison)
    head = "".join(f'<th align="right" bgcolor="#f1f5f9">{escape(h)}</th>' for h in t.header[1:])
    rows = []
    for label, cells in t.rows:
        tds = []
        for c in cells:
            bg = ' bgcolor="#ecfdf5"' if c.best else ""
            value = f"<b>{escape(c.value)} {BEST}</b>" if c.best else escape(c.value)
            delta = f'<br><span style="color:#475569; font-size:8pt">{escape(c.delta)}</span>' \
                if c.delta else ""
            tds.append(f'<td align="right"{bg}>{value}{delta}</td>')
        rows.append(f"<tr><th align=\"left\">{escape(label)}</th>{''.join(tds)}</tr>")
    ref = comparison.options[0].name if comparison.options else ""
    return (f'<h2>{escape("Options compared: " + comparison.title)}</h2>'
            f'<p style="color:#475569">Generated: {escape(when_text(generated))}</p>'
            '<table border="1" cellspacing="0" cellpadding="5" style="border-color:#cbd5e1" '
            f'width="100%"><tr><th bgcolor="#f1f5f9"></th>{head}</tr>{"".join(rows)}</table>'
            f'<p style="color:#475569">{BEST} best in its row; the small figures are deltas '
            f"against {escape(ref)}.</p>")


def pdf_compare(comparison: Any, *, generated: Any = None) -> bytes:
    """A landscape A4 PDF: the table, then the cost-against-downtime chart (vector), on
    as many pages as they need. Needs Qt (``ImportError`` without it)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
    from PySide6.QtSvg import QSvgRenderer

    from .diagram import DiagramError, ensure_app

    ensure_app(prefer_offscreen=True)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(96)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Landscape,
                                     QMarginsF(36, 36, 36, 36), QPageLayout.Unit.Point))
    writer.setTitle("Options compared: " + comparison.title)
    writer.setCreator("Modeller")
    page = writer.pageLayout().paintRectPixels(96)
    doc = QTextDocument()
    doc.setDefaultStyleSheet("th, td { font-size: 10pt; }")
    doc.setHtml(_rich_text(comparison, generated))
    doc.setTextWidth(page.width())
    painter = QPainter()
    if not painter.begin(writer):
        raise DiagramError("the PDF writer could not start")
    try:
        doc.drawContents(painter, QRectF(0, 0, page.width(), doc.size().height()))
        used = doc.size().height() + 16
        svg = cost_downtime_svg(comparison).encode("utf-8")
        renderer = QSvgRenderer(QByteArray(svg))
        size = renderer.defaultSize()
        w = min(page.width(), size.width() * 1.3)
        h = w * size.height() / max(size.width(), 1)
        room = page.height() - used
        if h > room and room >= 0.85 * h:  # shrink a little to stay on the page
            w, h = w * room / h, room
        elif h > room:
            writer.newPage()
            used = 0.0
        renderer.render(painter, QRectF(0, used, w, h))
    finally:
        painter.end()
    buf.close()
    return bytes(data.data())


def export_compare(fmt: str, comparison: Any, *, generated: Any = None) -> bytes:
    """The bytes of one comparison export: ``html``, ``markdown``, ``pdf`` or ``json``."""
    if fmt == "html":
        return html_compare(comparison, generated=generated).encode("utf-8")
    if fmt == "markdown":
        return markdown_compare(comparison, generated=generated).encode("utf-8")
    if fmt == "pdf":
        return pdf_compare(comparison, generated=generated)
    if fmt == "json":
        import json

        return (json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False,
                           allow_nan=False) + "\n").encode("utf-8")
    raise ValueError(f"unknown comparison export {fmt!r}")


COMPARE_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
                   ".pdf": "pdf", ".json": "json"}


# ----------------------------------------------------------------- the command

EXIT_OK, EXIT_NONE_MEETS, EXIT_REFUSED = 0, 1, 2


def compare_command(args: Any) -> int:
    """``modeller compare A B [--json] [-o OUT]`` (two files) or ``modeller compare FILE``
    (the base and its variants). Exit 0 when some option meets every SLO, 1 when none
    does, 2 when an input or the output is refused (one line on stderr)."""
    import json
    import sys
    from pathlib import Path

    from ..model import DesignError, atomic_write_bytes, load_design
    from ..textsafe import for_terminal, shorten

    def refuse(message: str) -> int:
        line = for_terminal(" ".join(str(message).split()), keep_newlines=False)
        print("modeller: " + shorten(line, 2000), file=sys.stderr)
        return EXIT_REFUSED

    files = [str(f) for f in args.files]
    out = str(getattr(args, "output", "") or "")
    fmt = None
    if out:
        fmt = COMPARE_FORMATS.get(Path(out.lower()).suffix)
        if fmt is None:
            return refuse(f"{out}: unknown type {Path(out).suffix or '(none)'} — use .html, "
                          ".md, .pdf or .json")
    from ..analysis.compare import compare_files, compare_variants

    try:
        if len(files) == 1:
            design = load_design(files[0])
            if not design.variants:
                return refuse(f"{files[0]}: has no variants to compare — add one with the "
                              "variant bar above the canvas, or compare two files: "
                              "modeller compare A B")
            comparison = compare_variants(design)
        elif len(files) == 2:
            comparison = compare_files(files)
        else:
            return refuse("compare takes one file (its variants) or two files (A B)")
    except DesignError as err:
        return refuse(str(err) if err.file or len(files) != 1 else str(err.in_file(files[0])))
    if out and fmt is not None:
        try:
            data = export_compare(fmt, comparison)
        except ImportError:
            return refuse("a PDF needs Qt: install PySide6-Essentials (pip install PySide6-Essentials)")
        try:
            atomic_write_bytes(out, data)
        except OSError as exc:
            return refuse(f"{out}: cannot be written ({exc.strerror or exc}) — check the folder "
                          "exists and is writable")
    elif args.json:
        from ..cli import json_for_terminal

        print(json_for_terminal(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False,
                                           allow_nan=False)))
    else:
        print(for_terminal(text_table(comparison)))
    meets = any(o.values.get("meets_slo") for o in comparison.options)
    return EXIT_OK if meets else EXIT_NONE_MEETS


def add_command(sub: Any) -> None:
    """Add ``compare`` to the CLI's sub-parsers (``func`` is set)."""
    cmp = sub.add_parser(
        "compare", help="compare options side by side: a file's variants, or two files",
        description="With one FILE, compare its base design with each of its variants; with "
                    "two, compare file A (the reference) with file B. Rows: availability, "
                    "nines, downtime, success ratio and RTO/RPO (when analysed), cost a "
                    "month, headroom, p99, single points of failure, zone survival; deltas "
                    "against the first option, the best value in each row marked. Exit 0 "
                    "some option meets every SLO, 1 none does, 2 refused.")
    cmp.add_argument("files", nargs="+", metavar="FILE", help="one design with variants, or A B")
    cmp.add_argument("--json", action="store_true", help="print the comparison as JSON")
    cmp.add_argument("-o", "--output", metavar="OUT",
                     help="write the comparison to OUT (.html with a chart, .md, .pdf, .json)")
    cmp.set_defaults(func=compare_command)
