"""Colours, fonts and cached icons: how a design looks, in the window and in image exports."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QLineF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ..resources import resource_path
from .badges import BAD, GOOD, NEUTRAL, WARN

KIND_COLOURS: dict[str, str] = {
    "client": "#475569",
    "service": "#2563eb",
    "database": "#7c3aed",
    "cache": "#dc2626",
    "queue": "#d97706",
    "storage": "#0d9488",
    "external": "#64748b",
    "load_balancer": "#059669",
    "dns": "#0891b2",
    "region": "#1d4ed8",
    "zone": "#7e22ce",
    "note": "#ca8a04",
    "group": "#64748b",
}

CONTAINER_FILL = {"region": "#eff6ff", "zone": "#faf5ff", "group": "#f8fafc"}
CONTAINER_TITLE_FILL = {"region": "#dbeafe", "zone": "#f3e8ff", "group": "#f1f5f9"}

# badge background, text
LEVEL_COLOURS: dict[str, tuple[str, str]] = {
    GOOD: ("#dcfce7", "#166534"),
    WARN: ("#fef3c7", "#92400e"),
    BAD: ("#fee2e2", "#991b1b"),
    NEUTRAL: ("#f1f5f9", "#334155"),
}
LEVEL_BORDER = {GOOD: "#86efac", WARN: "#fcd34d", BAD: "#fca5a5", NEUTRAL: "#cbd5e1"}

SELECTION = QColor("#2563eb")
LINK_COLOUR = QColor("#475569")
POOL_COLOUR = QColor("#059669")
TEXT = QColor("#0f172a")
SUBTLE_TEXT = QColor("#475569")
CANVAS_BG = QColor("#f8fafc")
GRID_DOT = QColor("#d5dbe3")
OK_TARGET = QColor("#16a34a")
BAD_TARGET = QColor("#dc2626")
GUIDE_COLOUR = QColor("#db2777")  # alignment guides and equal-spacing hints while dragging
NOTE_FILL = QColor("#fef9c3")  # a sticky note
NOTE_BORDER = QColor("#eab308")
NOTE_TEXT = QColor("#422006")


def icon_path(kind: str):  # noqa: ANN201
    """The SVG icon of a node kind (or the app icon, ``"modeller"``)."""
    return resource_path("icons", f"{kind}.svg")


def kind_colour(kind: str) -> QColor:
    return QColor(KIND_COLOURS.get(kind, "#475569"))


@cache
def font(point_size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


@cache
def _renderer(kind: str) -> QSvgRenderer | None:
    path = icon_path(kind)
    if not path.exists():
        return None
    r = QSvgRenderer(str(path))
    return r if r.isValid() else None


@cache
def icon_pixmap(kind: str, size: int) -> QPixmap:
    """The kind's SVG icon rendered once at ``size`` px (x2 for sharp zooming)."""
    scale = 2
    pm = QPixmap(size * scale, size * scale)
    pm.fill(Qt.GlobalColor.transparent)
    r = _renderer(kind)
    if r is not None:
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r.render(p, QRectF(0, 0, size * scale, size * scale))
        p.end()
    pm.setDevicePixelRatio(scale)
    return pm


def kind_icon(kind: str) -> QIcon:
    icon = QIcon()
    for s in (16, 24, 32, 48):
        icon.addPixmap(icon_pixmap(kind, s))
    return icon


def draw_icon(painter: QPainter, kind: str, rect: QRectF) -> None:
    r = _renderer(kind)
    if r is None:
        return
    pm = icon_pixmap(kind, int(rect.width()))
    painter.drawPixmap(rect, pm, QRectF(0, 0, pm.width(), pm.height()))


def icon_size() -> QSize:
    return QSize(28, 28)


# -- "Fail it" mode: how a part looks in a failure scenario ---------------------------
FAILED, DOWN, OVERLOADED, NORMAL = "failed", "down", "overloaded", "normal"
FAIL_STATES = (FAILED, DOWN, OVERLOADED, NORMAL)

# state -> (body fill, border); the failed part also gets a dark red hatch over its fill
FAIL_FILL: dict[str, QColor] = {
    FAILED: QColor("#fecaca"),
    DOWN: QColor("#fee2e2"),
    OVERLOADED: QColor("#fef3c7"),
}
FAIL_BORDER: dict[str, QColor] = {
    FAILED: QColor("#7f1d1d"),
    DOWN: QColor("#dc2626"),
    OVERLOADED: QColor("#d97706"),
}
FAIL_HATCH = QColor(127, 29, 29, 150)  # dark red, translucent so the name stays legible
FAIL_BORDER_WIDTH = {FAILED: 3.5, DOWN: 2.5, OVERLOADED: 2.5}
UNAFFECTED_OPACITY = 0.65  # everything the loss leaves alone fades back
FAIL_MODE_COLOUR = QColor("#b91c1c")  # the mode's frame, label and hover outline

# Below this zoom boxes, zones and chips are drawn without text and the view names the
# regions and zones like a map. One rule for all of them, with a tolerance: at a zoom of
# exactly 0.4 Qt gives some items 0.39999999999999 and others 0.40000000000000036, and
# zones lost their titles while the view's map names stayed off.
LOD_SIMPLE = 0.4


def drawn_small(lod: float) -> bool:
    """Whether a level of detail (or the view's zoom) is below :data:`LOD_SIMPLE`."""
    return lod < LOD_SIMPLE - 1e-9


def draw_hatch(painter: QPainter, area: QPainterPath, colour: QColor = FAIL_HATCH,
               spacing: float = 14.0, width: float = 2.0) -> None:
    """Diagonal stripes clipped to ``area`` (item coordinates, so they scale with zoom,
    unlike Qt's pixel pattern brushes)."""
    r = area.boundingRect()
    painter.save()
    painter.setClipPath(area, Qt.ClipOperation.IntersectClip)
    painter.setPen(QPen(colour, width))
    span = r.width() + r.height()
    x = -r.height()
    while x < span:
        painter.drawLine(QLineF(r.left() + x, r.bottom(), r.left() + x + r.height(), r.top()))
        x += spacing
    painter.restore()
