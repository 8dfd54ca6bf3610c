"""The diagram with its numbers as PNG, SVG or PDF, drawn exactly as the canvas draws it.

A private :class:`~modeller.render.scene.DiagramScene` (the items the canvas draws,
without its gestures) is built for a copy of the design and given the report the way
the main window gives it (``apply_report``), so every box wears the badges the canvas
shows and every spread node its replica chips; nothing is recomputed here. In an export
no text is cut: a name wraps, a badge shortens to its percentage or grows, and a
number is always whole. The scene is
rendered without the view (no grid, no selection, no hover handles) and a summary
legend (design name, system availability and nines, downtime a year, headroom, single
points of failure, date, file name) is drawn below or beside it in the banner's style.

Units: one document unit is one scene pixel, and every output device gets the screen's
logical DPI (96 offscreen) so a 9 pt label is as large against its box as on the
canvas. PNG scales the whole picture; SVG and PDF stay vector with real text (SVG
``<text>`` elements, PDF text objects), so names and nines can be searched and copied.

Qt is imported when this module is; ``modeller.export`` imports it only when an image
is asked for, so ``modeller analyze`` never loads Qt. :func:`ensure_app` makes the
QApplication a headless command needs (offscreen when there is no display).
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QGraphicsItem

from .. import __version__, formatting
from ..model import Design
from ..model.io import atomic_write_bytes
from .reports import when_text

__all__ = [
    "IMAGE_FORMATS", "DiagramError", "ensure_app", "needs_offscreen", "render_image", "png_bytes",
    "svg_text", "pdf_bytes", "image_bytes", "write_diagram", "atomic_write_bytes", "legend_content", "Legend", "diagram_scene",
]

IMAGE_FORMATS = ("png", "svg", "pdf")
MARGIN = 20.0  # around the whole picture
PAD = 4.0  # around the items' bounding rects (they already include handle and label slack)
GAP = 24.0  # between the diagram and the legend
LEGEND_MIN_W = 520.0
LEGEND_MAX_W = 980.0
LEGEND_SIDE_W = 300.0
MAX_PIXELS = 64_000_000  # a PNG larger than this is drawn at a smaller scale
MAX_SIDE_PX = 20_000
MAX_PDF_PT = 14_400.0  # 200 inches: the largest page PDF readers accept
MAX_SPOF_NAMES = 24
FALLBACK_DPI = 96.0

_app: QApplication | None = None  # the app this module created (kept alive)


class DiagramError(RuntimeError):
    """An image could not be made or written; the message is meant for a person."""


# -- the application -------------------------------------------------------------------
def needs_offscreen(environ: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """True where Qt would look for a display that is not there (Linux/BSD without X11/Wayland).

    An explicit ``QT_QPA_PLATFORM`` always wins; Windows and macOS always have a platform.
    """
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if env.get("QT_QPA_PLATFORM"):
        return False
    if plat.startswith(("win", "darwin", "cygwin")):
        return False
    return not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def ensure_app(prefer_offscreen: bool = False) -> QGuiApplication:
    """The running Qt application, or a new QApplication (offscreen when there is no display).

    Creating one on a display-less server with the default platform would abort the whole
    process, so the offscreen platform is chosen before that can happen. A headless command
    passes ``prefer_offscreen``: on Linux/BSD it then never talks to a display (a stale
    ``DISPLAY`` after an SSH session would abort it too) and renders at a fixed 96 DPI.
    An explicit ``QT_QPA_PLATFORM`` always wins.
    """
    global _app
    app = QGuiApplication.instance()
    if app is not None:
        if not isinstance(app, QGuiApplication):
            raise DiagramError("a non-GUI Qt application is running; images need a QGuiApplication")
        return app  # type: ignore[return-value]
    explicit = bool(os.environ.get("QT_QPA_PLATFORM"))
    if needs_offscreen() or (prefer_offscreen and not explicit and needs_offscreen({})):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QApplication([sys.argv[0] if sys.argv and sys.argv[0] else "modeller"])
    return _app


def _dpi() -> float:
    """The screen's logical DPI: the one canvas fonts are sized by (96 offscreen)."""
    app = QGuiApplication.instance()
    screen = app.primaryScreen() if isinstance(app, QGuiApplication) else None
    dpi = screen.logicalDotsPerInch() if screen is not None else 0.0
    return float(dpi) if dpi and math.isfinite(dpi) and dpi > 0 else FALLBACK_DPI


def _font(point_size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


# -- the legend's words (pure: what it says) -------------------------------------------
@dataclass
class Metric:
    value: str
    caption: str
    colour: str = "#0f172a"


@dataclass
class LegendContent:
    title: str
    state: str  # "ok", "miss" or "none" (the banner's colours)
    metrics: list[Metric] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (bold label, text)
    footer: str = ""
    message: str = ""  # why there are no numbers


def _node_name(design: Design, report: Any, node_id: str) -> str:
    node = design.nodes.get(node_id)
    if node is not None and node.name:
        return node.name
    res = (getattr(report, "nodes", None) or {}).get(node_id)
    return getattr(res, "name", "") or node_id


def legend_content(design: Design, report: Any, *, source: str = "",
                   generated: _dt.datetime | _dt.date | str | None = None) -> LegendContent:
    """What the legend says: the banner's headline numbers, the SPOFs by name, date and file.

    Numbers are formatted as the banner formats them so the legend reads like the canvas.
    """
    F = _Formats

    title = design.name or (Path(source).name if source else "Untitled design")
    footer = " · ".join(x for x in (source or "unsaved design", when_text(generated),
                                    f"Modeller {__version__}") if x)
    clients = getattr(report, "clients", None) or {}
    if report is None or not clients:
        why = ("No numbers yet: add a client (it sends the requests) and analyse the design"
               if not design.clients() else "No analysis result for this design")
        return LegendContent(title, "none", footer=footer, message=why)
    s = report.system
    ok, bad = "#166534", "#991b1b"
    metrics = [
        Metric(f"{F.fmt_percent(s.availability, s.unavailability)} · {F.fmt_nines(s.nines)}",
               "system availability", ok if s.meets_slo else bad),
        Metric(F.fmt_downtime(s.downtime_minutes_per_year), "downtime a year"),
    ]
    head_colour = bad if s.headroom is not None and s.headroom < 1 else (
        "#92400e" if s.headroom is not None and s.headroom < 1 / 0.7 else "#0f172a")
    metrics.append(Metric(F.fmt_headroom(s.headroom), "headroom (demand ×)", head_colour))
    spofs = list(getattr(report, "spofs", []) or [])
    metrics.append(Metric(str(len(spofs)), "single points of failure", bad if spofs else ok))
    met = sum(1 for c in clients.values() if c.meets_slo)
    metrics.append(Metric(f"{met} of {len(clients)} met", "client SLOs",
                          ok if met == len(clients) else bad))
    lines: list[tuple[str, str]] = []
    if spofs:
        names = [_node_name(design, report, x) for x in spofs]
        shown = ", ".join(names[:MAX_SPOF_NAMES])
        if len(names) > MAX_SPOF_NAMES:
            shown += f" … and {len(names) - MAX_SPOF_NAMES} more"
        lines.append(("Single points of failure:", shown))
    else:
        lines.append(("Single points of failure:", "none — no single loss drops a client"))
    if s.bottleneck:
        res = (getattr(report, "nodes", None) or {}).get(s.bottleneck)
        util = getattr(res, "utilization", None)
        lines.append(("Bottleneck:", _node_name(design, report, s.bottleneck)
                      + (f" (util {F.fmt_utilization(util)} at nominal demand)" if util is not None else "")))
    warnings = list(getattr(report, "warnings", []) or [])
    if warnings:
        lines.append((f"⚠ {len(warnings)} warning(s):", warnings[0] + (" …" if len(warnings) > 1 else "")))
    return LegendContent(title, "ok" if s.meets_slo else "miss", metrics, lines, footer)


class _Formats:
    """The banner's number formats (the shared rules of :mod:`modeller.formatting`)."""

    @staticmethod
    def fmt_percent(a: float, u: float | None = None) -> str:
        return formatting.fmt_percent(a, u)

    @staticmethod
    def fmt_nines(n: float) -> str:
        return f"{formatting.fmt_nines(n)} nines"

    @staticmethod
    def fmt_downtime(minutes: float) -> str:
        return formatting.fmt_duration(minutes)

    @staticmethod
    def fmt_headroom(h: float | None) -> str:
        return formatting.fmt_headroom(h).split(" — ")[0]

    @staticmethod
    def fmt_utilization(u: float | None) -> str:
        return "" if u is None else formatting.fmt_util(u)


# -- the legend's drawing --------------------------------------------------------------
STATE_COLOURS = {"ok": ("#f0fdf4", "#bbf7d0"), "miss": ("#fef2f2", "#fecaca"),
                 "none": ("#f8fafc", "#e2e8f0")}
KEY = (("good", "within SLO · util ≤ 70 %"), ("warn", "≤ 10× SLO budget · util ≤ 100 %"),
       ("bad", "beyond · overloaded"), ("neutral", "no SLO"))
_WRAP = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class Legend:
    """The summary box: lays itself out for a width, then paints at a position."""

    INSET = 14.0
    CELL_PAD = 10.0
    PILL_H = 18.0

    def __init__(self, content: LegendContent) -> None:
        self.content = content
        self.f_title = _font(11.5, True)
        self.f_value = _font(13, True)
        self.f_caption = _font(8)
        self.f_body = _font(8.5)
        self.f_bold = _font(8.5, True)
        self.f_pill = _font(7.5, True)
        self.f_footer = _font(7.5)
        self.width = 0.0
        self.height = 0.0
        self._cells: list[tuple[QRectF, Metric, bool]] = []  # rect, metric, starts a row
        self._blocks: list[tuple[str, Any, QRectF]] = []  # (kind, payload, rect)

    @staticmethod
    def _fm(f: QFont) -> QFontMetricsF:
        return QFontMetricsF(f)

    def natural_width(self) -> float:
        """The width that puts every metric on one row (the legend never needs more)."""
        w = sum(self._cell_w(m) for m in self.content.metrics)
        return w + 2 * self.INSET + 1

    def _cell_w(self, m: Metric) -> float:
        return max(self._fm(self.f_value).horizontalAdvance(m.value),
                   self._fm(self.f_caption).horizontalAdvance(m.caption)) + 2 * self.CELL_PAD

    def layout(self, width: float) -> float:
        """Place everything inside ``width``; returns the height."""
        c = self.content
        self.width = width
        inner = width - 2 * self.INSET
        x0, y = self.INSET, self.INSET
        self._blocks = []
        fm_t = self._fm(self.f_title)
        th = fm_t.boundingRect(QRectF(0, 0, inner, 1e6), _WRAP, c.title).height()
        self._blocks.append(("title", c.title, QRectF(x0, y, inner, th)))
        y += th + 6
        if c.message:
            fm = self._fm(self.f_body)
            h = fm.boundingRect(QRectF(0, 0, inner, 1e6), _WRAP, c.message).height()
            self._blocks.append(("message", c.message, QRectF(x0, y, inner, h)))
            y += h + 8
        # metrics flow left to right, wrapping like words
        self._cells = []
        vh = self._fm(self.f_value).height()
        ch = self._fm(self.f_caption).height()
        cell_h = vh + ch + 4
        x = x0
        for m in c.metrics:
            w = self._cell_w(m) - (self.CELL_PAD if x == x0 else 0.0)
            if x > x0 and x + w > x0 + inner + 0.5:
                x, y = x0, y + cell_h + 6
                w -= self.CELL_PAD  # a row's first cell lines up with the text
            w = min(w, inner)
            self._cells.append((QRectF(x, y, w, cell_h), m, x == x0))
            x += w
        if c.metrics:
            y += cell_h + 8
        fm_b, fm_bold = self._fm(self.f_body), self._fm(self.f_bold)
        for label, text in c.lines:
            lw = fm_bold.horizontalAdvance(label + " ")
            if lw > inner * 0.45:  # a long label goes on its own line
                lh = fm_bold.boundingRect(QRectF(0, 0, inner, 1e6), _WRAP, label).height()
                self._blocks.append(("label", label, QRectF(x0, y, inner, lh)))
                y += lh
                lw = 0.0
            else:
                self._blocks.append(("label", label, QRectF(x0, y, lw, fm_bold.height())))
            h = fm_b.boundingRect(QRectF(0, 0, inner - lw, 1e6), _WRAP, text).height()
            self._blocks.append(("text", text, QRectF(x0 + lw, y, inner - lw, h)))
            y += max(h, fm_bold.height()) + 4
        if c.metrics:  # what the badge colours mean
            y += 2
            fm_p = self._fm(self.f_pill)
            x = x0
            cap = "Badges:"
            cw = self._fm(self.f_caption).horizontalAdvance(cap) + 8
            self._blocks.append(("caption", cap, QRectF(x, y, cw, self.PILL_H)))
            x += cw
            for level, text in KEY:
                w = fm_p.horizontalAdvance(text) + 14
                if x > x0 + cw and x + w > x0 + inner:
                    x, y = x0 + cw, y + self.PILL_H + 4
                self._blocks.append(("pill", level, QRectF(x, y, w, self.PILL_H)))
                self._blocks.append(("pilltext", text, QRectF(x, y, w, self.PILL_H)))
                x += w + 6
            y += self.PILL_H + 8
        fm_f = self._fm(self.f_footer)
        fh = fm_f.boundingRect(QRectF(0, 0, inner, 1e6), _WRAP, c.footer).height()
        self._blocks.append(("footer", c.footer, QRectF(x0, y, inner, fh)))
        y += fh + self.INSET - 2
        self.height = y
        return y

    def paint(self, painter: QPainter, at: QPointF) -> None:
        from ..render import style

        painter.save()
        painter.translate(at)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        bg, border = STATE_COLOURS.get(self.content.state, STATE_COLOURS["none"])
        painter.setPen(QPen(QColor(border), 1.2))
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(QRectF(0.5, 0.5, self.width - 1, self.height - 1), 10, 10)
        for rect, m, first in self._cells:
            if not first:  # the banner's thin separators
                painter.setPen(QPen(QColor("#cbd5e1"), 1))
                painter.drawLine(QPointF(rect.left(), rect.top() + 3), QPointF(rect.left(), rect.bottom() - 3))
            vh = self._fm(self.f_value).height()
            inner = rect.adjusted(0.0 if first else self.CELL_PAD, 0, -self.CELL_PAD, 0)
            painter.setFont(self.f_value)
            painter.setPen(QColor(m.colour))
            painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), vh), _LEFT,
                             self._fm(self.f_value).elidedText(m.value, Qt.TextElideMode.ElideRight,
                                                               inner.width()))
            painter.setFont(self.f_caption)
            painter.setPen(QColor("#64748b"))
            painter.drawText(QRectF(inner.left(), inner.top() + vh + 2, inner.width(), rect.height() - vh - 2),
                             _LEFT, self._fm(self.f_caption).elidedText(m.caption, Qt.TextElideMode.ElideRight,
                                                                        inner.width()))
        for kind, payload, rect in self._blocks:
            if kind == "pill":
                bgc, _fg = style.LEVEL_COLOURS.get(payload, style.LEVEL_COLOURS["neutral"])
                painter.setPen(QPen(QColor(style.LEVEL_BORDER.get(payload, "#cbd5e1")), 1))
                painter.setBrush(QColor(bgc))
                painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
                continue
            if kind == "pilltext":
                continue
            font, colour, flags = {
                "title": (self.f_title, "#0f172a", _WRAP),
                "message": (self.f_body, "#92400e", _WRAP),
                "label": (self.f_bold, "#0f172a", _WRAP),
                "text": (self.f_body, "#0f172a", _WRAP),
                "caption": (self.f_caption, "#64748b", _LEFT),
                "footer": (self.f_footer, "#64748b", _WRAP),
            }[kind]
            painter.setFont(font)
            painter.setPen(QColor(colour))
            painter.drawText(rect, flags, payload)
        # pill texts last, over their pills
        painter.setFont(self.f_pill)
        levels = [p for k, p, _r in self._blocks if k == "pill"]
        texts = [(p, r) for k, p, r in self._blocks if k == "pilltext"]
        for level, (text, rect) in zip(levels, texts):
            _bg, fg = style.LEVEL_COLOURS.get(level, style.LEVEL_COLOURS["neutral"])
            painter.setPen(QColor(fg))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


# -- the scene and the page layout -----------------------------------------------------
def diagram_scene(design: Design, report: Any) -> Any:
    """A private DiagramScene for a copy of ``design`` showing ``report`` as the canvas does.

    Items are uncached (a cached item would reach SVG/PDF as a bitmap) and nothing is
    selected; the scene paints no background (the exporter chooses it). Text is never
    cut (``export=True``).
    """
    ensure_app()
    from ..render.scene import DiagramScene

    copy = design.copy()
    scene = DiagramScene(copy, export=True)
    scene.sync()
    if report is not None:
        scene.apply_report(report, copy.revision)
    scene.clearSelection()
    scene.setBackgroundBrush(Qt.BrushStyle.NoBrush)
    for item in scene.items():
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    return scene


@dataclass
class _Page:
    """Where things go, in document units (scene pixels at the screen's logical DPI)."""

    width: float
    height: float
    source: QRectF  # the part of the scene shown
    target: QRectF  # where it goes on the page
    legend: Legend | None
    legend_at: QPointF


def _page(scene: Any, content: LegendContent | None) -> _Page:
    items = scene.itemsBoundingRect()
    if items.isEmpty():
        source = QRectF(0, 0, 0, 0)
    else:
        source = items.adjusted(-PAD, -PAD, PAD, PAD)
    target = QRectF(MARGIN, MARGIN, source.width(), source.height())
    legend = Legend(content) if content is not None else None
    at = QPointF(MARGIN, MARGIN)
    width = MARGIN * 2 + source.width()
    height = MARGIN * 2 + source.height()
    if legend is not None:
        beside = source.height() > source.width() * 1.15 and source.width() > 0
        if beside:
            lw = LEGEND_SIDE_W
            lh = legend.layout(lw)
            at = QPointF(target.right() + GAP, MARGIN)
            width = at.x() + lw + MARGIN
            height = max(height, MARGIN * 2 + lh)
        else:
            lw = min(max(source.width(), LEGEND_MIN_W), LEGEND_MAX_W, max(legend.natural_width(), LEGEND_MIN_W))
            if source.width() > lw:
                lw = min(source.width(), max(lw, legend.natural_width()))
            lh = legend.layout(lw)
            top = target.bottom() + GAP if not source.isEmpty() else MARGIN
            at = QPointF(MARGIN, top)
            width = max(width, MARGIN * 2 + lw)
            height = top + lh + MARGIN
    return _Page(math.ceil(width), math.ceil(height), source, target, legend, at)


def _paint(painter: QPainter, scene: Any, page: _Page) -> None:
    """Paint the page in document units (the caller scales the painter to its device)."""
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                           | QPainter.RenderHint.SmoothPixmapTransform)
    if not page.source.isEmpty():
        scene.render(painter, page.target, page.source, Qt.AspectRatioMode.KeepAspectRatio)
    if page.legend is not None:
        page.legend.paint(painter, page.legend_at)


@dataclass
class _Job:
    scene: Any
    page: _Page
    title: str


def _job(design: Design, report: Any, legend: bool, source: str,
         generated: _dt.datetime | _dt.date | str | None) -> _Job:
    ensure_app()
    scene = diagram_scene(design, report)
    content = legend_content(design, report, source=source, generated=generated) if legend else None
    return _Job(scene, _page(scene, content), design.name or "Modeller diagram")


# -- the three formats -----------------------------------------------------------------
def _fit_scale(width: float, height: float, scale: float) -> float:
    if not (scale > 0 and math.isfinite(scale)):
        raise DiagramError(f"scale {scale!r} is not a positive number — use e.g. 1, 2 or 3")
    limit = min(MAX_SIDE_PX / max(width, 1.0), MAX_SIDE_PX / max(height, 1.0),
                math.sqrt(MAX_PIXELS / max(width * height, 1.0)))
    return min(scale, limit)


def render_image(design: Design, report: Any, *, scale: float = 2.0, transparent: bool = False,
                 legend: bool = True, source: str = "",
                 generated: _dt.datetime | _dt.date | str | None = None) -> QImage:
    """The picture as a QImage, ``scale`` device pixels per scene pixel (reduced for a huge
    design so the image stays under :data:`MAX_PIXELS`); white or transparent around it."""
    job = _job(design, report, legend, source, generated)
    k = _fit_scale(job.page.width, job.page.height, float(scale))
    rnd = math.ceil if k == scale else math.floor  # a reduced scale must stay under the limits
    size_w, size_h = max(1, rnd(job.page.width * k)), max(1, rnd(job.page.height * k))
    image = QImage(size_w, size_h, QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise DiagramError(f"not enough memory for a {size_w}×{size_h} image — try a smaller --scale")
    dpm = round(_dpi() / 0.0254)
    image.setDotsPerMeterX(dpm)  # fonts resolve at the canvas's DPI; the scale is a transform
    image.setDotsPerMeterY(dpm)
    image.fill(Qt.GlobalColor.transparent if transparent else Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        painter.scale(k, k)
        _paint(painter, job.scene, job.page)
    finally:
        painter.end()
    image.setText("Title", job.title)
    image.setText("Software", f"Modeller {__version__}")
    return image


def png_bytes(design: Design, report: Any, **options: Any) -> bytes:
    """The picture as PNG file bytes (options as :func:`render_image`)."""
    image = render_image(design, report, **options)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise DiagramError("the PNG encoder failed")
    buf.close()
    return bytes(data.data())


def _css_family(family: str) -> str:
    """A Qt family name as a CSS font-family list a browser understands."""
    real = QFontInfo(QFont(family)).family() or family
    names = [real] if real == family else [real, family]
    generic = "monospace" if "mono" in real.lower() else "sans-serif"
    return ", ".join("'" + n.replace("'", "") + "'" for n in names) + ", " + generic


def _fix_svg_fonts(svg: str) -> str:
    """Qt writes the family it was asked for ("Sans Serif", a fontconfig alias browsers do
    not know); name the font Qt really used, then a generic fallback."""
    cache: dict[str, str] = {}

    def repl(m: re.Match[str]) -> str:
        fam = m.group(1)
        if fam not in cache:
            cache[fam] = _css_family(fam).replace('"', "")
        return f'font-family="{cache[fam]}"'

    return re.sub(r'font-family="([^"]*)"', repl, svg)


def svg_text(design: Design, report: Any, *, legend: bool = True, transparent: bool = False,
             source: str = "", generated: _dt.datetime | _dt.date | str | None = None) -> str:
    """The picture as SVG text: vector shapes and ``<text>`` elements (icons are images)."""
    job = _job(design, report, legend, source, generated)
    w, h = job.page.width, job.page.height
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setResolution(round(_dpi()))
    gen.setSize(QSizeF(w, h).toSize())
    gen.setViewBox(QRectF(0, 0, w, h))
    gen.setTitle(job.title)
    gen.setDescription(f"{job.title}: architecture diagram with computed availability "
                       f"(Modeller {__version__})")
    painter = QPainter(gen)
    try:
        if not transparent:
            painter.fillRect(QRectF(0, 0, w, h), QColor("#ffffff"))
        _paint(painter, job.scene, job.page)
    finally:
        painter.end()
    buf.close()
    return _fix_svg_fonts(bytes(data.data()).decode("utf-8"))


def pdf_bytes(design: Design, report: Any, *, legend: bool = True, source: str = "",
              generated: _dt.datetime | _dt.date | str | None = None) -> bytes:
    """The picture as a one-page vector PDF; the page is the picture's size (at the
    screen's DPI, shrunk to fit 200 inches), landscape when the picture is wider."""
    job = _job(design, report, legend, source, generated)
    dpi = _dpi()
    w, h = job.page.width, job.page.height
    w_pt, h_pt = w * 72.0 / dpi, h * 72.0 / dpi
    fit = min(1.0, MAX_PDF_PT / max(w_pt, h_pt))
    w_pt, h_pt = math.ceil(w_pt * fit), math.ceil(h_pt * fit)
    landscape = w_pt > h_pt
    size = QPageSize(QSizeF(min(w_pt, h_pt), max(w_pt, h_pt)), QPageSize.Unit.Point,
                     "Modeller diagram", QPageSize.SizeMatchPolicy.ExactMatch)
    layout = QPageLayout(size, QPageLayout.Orientation.Landscape if landscape
                         else QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                         QPageLayout.Unit.Point)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(round(dpi))  # device units = canvas pixels: fonts keep their size
    writer.setPageLayout(layout)
    writer.setTitle(job.title)
    writer.setCreator(f"Modeller {__version__}")
    painter = QPainter()
    if not painter.begin(writer):
        raise DiagramError("the PDF writer could not start")
    try:
        painter.scale(fit, fit)
        _paint(painter, job.scene, job.page)
    finally:
        painter.end()
    buf.close()
    return bytes(data.data())


def image_bytes(fmt: str, design: Design, report: Any, *, scale: float = 2.0,
                transparent: bool = False, legend: bool = True, source: str = "",
                generated: _dt.datetime | _dt.date | str | None = None) -> bytes:
    """The bytes of a ``png``, ``svg`` or ``pdf`` picture."""
    if fmt == "png":
        return png_bytes(design, report, scale=scale, transparent=transparent, legend=legend,
                         source=source, generated=generated)
    if fmt == "svg":
        return svg_text(design, report, legend=legend, transparent=transparent, source=source,
                        generated=generated).encode("utf-8")
    if fmt == "pdf":
        return pdf_bytes(design, report, legend=legend, source=source, generated=generated)
    raise ValueError(f"unknown image format {fmt!r}")


def write_diagram(path: str | os.PathLike[str], fmt: str, design: Design, report: Any,
                  **options: Any) -> None:
    """Render and write atomically; ``OSError`` when the file cannot be written."""
    atomic_write_bytes(path, image_bytes(fmt, design, report, **options))
