"""An arrow from one node's box to another's; dashed when optional, green from a router,
violet long dashes with its mode and lag when it replicates data (DESIGN 4b).

The arrow follows its end boxes: the scene calls :meth:`LinkItem.adjust` with the
current boxes whenever either one moves.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...model import Link
from .. import style
from ..badges import fmt_plain as fmt_number
from .failstate import FadeStateMixin

ARROW = 11.0


def clip_to_rect(inside: QPointF, outside: QPointF, rect: QRectF) -> QPointF:
    """Where the segment from a box's centre towards ``outside`` leaves the box."""
    dx, dy = outside.x() - inside.x(), outside.y() - inside.y()
    if dx == 0 and dy == 0:
        return QPointF(inside)
    hw, hh = rect.width() / 2, rect.height() / 2
    tx = hw / abs(dx) if dx else math.inf
    ty = hh / abs(dy) if dy else math.inf
    t = min(tx, ty, 1.0)
    return QPointF(inside.x() + dx * t, inside.y() + dy * t)


def arrow_path(start: QPointF, end: QPointF) -> tuple[QLineF, QPolygonF]:
    line = QLineF(start, end)
    angle = math.atan2(-line.dy(), line.dx())
    p1 = end - QPointF(math.sin(angle + math.pi / 3) * ARROW, math.cos(angle + math.pi / 3) * ARROW)
    p2 = end - QPointF(math.sin(angle + math.pi - math.pi / 3) * ARROW,
                       math.cos(angle + math.pi - math.pi / 3) * ARROW)
    return line, QPolygonF([end, p1, p2])


REPLICATION_COLOUR = "#7c3aed"  # a replication link (4b): violet, long dashes, "copy async 5 s"


_STROKES: dict[tuple, tuple[QColor, QPen, QPen]] = {}  # LinkItem._strokes


class LinkItem(FadeStateMixin, QGraphicsItem):
    Type = QGraphicsItem.UserType + 3

    def __init__(self, source: str, target: str) -> None:
        super().__init__()
        self.source = source
        self.target = target
        self.optional = False
        self.calls = 1.0
        self.replicates: tuple[str, float] | None = None  # (mode, lag s) of a replication link
        self.from_router = False
        self.pool_index = (0, 0)  # (position, pool size) when from a router
        self.line = QLineF()
        self.head = QPolygonF()
        self._path = QPainterPath()
        self._shape = QPainterPath()
        self._bounds = QRectF(-40, -14, 80, 28)  # the empty shape's, as boundingRect gave
        self._label = ""
        self.label_t = 0.5  # where along the arrow the "×calls" label sits (the scene picks it)
        self._ends: tuple | None = None
        self.show_label = True  # busy diagrams show "×calls" labels only on the selected arrow
        self.route = "straight"  # or "orthogonal" (the link's or the design's choice)
        self.points: list[QPointF] = []  # the drawn route, start to end
        self.state = style.NORMAL  # "Fail it" mode: "down" when an end is failed or down
        self.in_scenario = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(5)

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.target)

    def type(self) -> int:
        return self.Type

    def sync(self, link: Link, from_router: bool, pool_index: tuple[int, int]) -> None:
        replicates = (link.mode, link.lag_seconds) if getattr(link, "replicates", False) else None
        state = (link.optional, link.calls, from_router, pool_index)
        if state == (self.optional, self.calls, self.from_router, self.pool_index) and \
                replicates == self.replicates:
            return
        self.optional, self.calls, self.from_router, self.pool_index = state
        self.replicates = replicates
        if replicates is not None:  # (4b) a copy of the data, not a dependency: no calls
            mode, lag = replicates
            self._label = f"copy {mode}" + (f" {fmt_number(lag)} s" if lag else "")
            self.setToolTip(f"{link.source} → {link.target}: replicates its data ({mode}"
                            + (f", about {fmt_number(lag)} s behind" if lag else "")
                            + "); carries no requests and is not a dependency")
            self.update()
            return
        label = []
        if link.calls != 1.0:
            label.append(f"×{fmt_number(link.calls)}")
        if link.optional:
            label.append("optional")
        self._label = " ".join(label)
        tip = "optional (soft) dependency" if link.optional else "required dependency"
        if from_router:
            tip = f"pool target {pool_index[0]} of {pool_index[1]}: the router sends to any serving target"
        self.setToolTip(f"{link.source} → {link.target}: {tip}; {fmt_number(link.calls)} call(s) per request")
        self.update()

    def line_colour(self) -> QColor:
        if self.isSelected():
            return QColor(style.SELECTION)
        if self.state in style.FAIL_BORDER:
            return QColor(style.FAIL_BORDER[self.state])
        if self.replicates is not None:
            return QColor(REPLICATION_COLOUR)
        return QColor(style.POOL_COLOUR if self.from_router else style.LINK_COLOUR)

    def _strokes(self) -> tuple[QColor, QPen, QPen]:
        """(colour, shaft pen, head pen) for this arrow's look; made once per look and
        shared (a 1,000-arrow canvas repaints them all on every edit)."""
        selected = self.isSelected()
        key = (selected, self.state, self.replicates is not None, self.from_router, self.optional)
        found = _STROKES.get(key)
        if found is None:
            colour = self.line_colour()
            pen = QPen(colour, 3.0 if selected else 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            if self.optional:
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setDashPattern([5, 4])
            elif self.replicates is not None:  # long dashes: data copied, not requests sent
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setDashPattern([8, 4])
            found = _STROKES[key] = (colour, pen, QPen(colour, 1.0))
        return found

    def adjust(self, src: QRectF, dst: QRectF, points: list[QPointF] | None = None) -> None:
        """Re-route between two boxes (scene coordinates): straight from edge to edge, or
        along ``points`` (an orthogonal route); a no-op when nothing moved."""
        ends = (src.getRect(), dst.getRect(), tuple((p.x(), p.y()) for p in points) if points else None)
        if ends == self._ends:
            return
        self._ends = ends
        if points and len(points) >= 2:
            pts = [QPointF(p) for p in points]
        else:
            a, b = src.center(), dst.center()
            pts = [clip_to_rect(a, b, src), clip_to_rect(b, a, dst)]
        self.prepareGeometryChange()
        self.points = pts
        self.line, self.head = arrow_path(pts[-2], pts[-1])
        self.line = QLineF(pts[0], pts[-1])
        # stop the shaft at the head's base so the tip stays sharp
        last = QLineF(pts[-2], pts[-1])
        if last.length() > ARROW:
            last.setLength(last.length() - ARROW * 0.8)
        path = QPainterPath(pts[0])
        for p in pts[1:-1]:
            path.lineTo(p)
        path.lineTo(last.p2())
        self._path = path
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        full = QPainterPath(pts[0])
        for p in pts[1:]:
            full.lineTo(p)
        self._shape = stroker.createStroke(full)
        self._shape.addPolygon(self.head)
        self._bounds = self._shape.boundingRect().adjusted(-40, -14, 40, 14)

    def point_at(self, t: float) -> QPointF:
        """The point a fraction ``t`` of the way along the drawn route."""
        pts = self.points or [self.line.p1(), self.line.p2()]
        lengths = [QLineF(pts[i], pts[i + 1]).length() for i in range(len(pts) - 1)]
        total = sum(lengths)
        if total <= 0:
            return QPointF(pts[0])
        want = t * total
        for i, seg in enumerate(lengths):
            if want <= seg or i == len(lengths) - 1:
                return QLineF(pts[i], pts[i + 1]).pointAt(want / seg if seg else 0.0)
            want -= seg
        return QPointF(pts[-1])

    @property
    def has_label(self) -> bool:
        return bool(self._label)

    def place_label(self, avoid: list[QRectF]) -> None:
        """Put the label at the middle, or nearer an end when the middle would cover a
        region's or zone's title strip (its name and badge)."""
        if not self._label:
            return
        for t in (0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85):
            p = self.point_at(t)
            box = QRectF(p.x() - 45, p.y() - 9, 90, 18)
            if not any(box.intersects(r) for r in avoid):
                break
        else:
            t = 0.5
        if t != self.label_t:
            self.label_t = t
            self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds  # set with the route (adjust): Qt asks on every repaint

    def shape(self) -> QPainterPath:
        return self._shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        if self.line.length() < 1:
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not style.drawn_small(lod))
        colour, pen, head_pen = self._strokes()
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        if self.from_router:  # a small dot at the router: "one of a pool"
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(self.points[0] if self.points else self.line.p1(), 3.5, 3.5)
        painter.setPen(head_pen)
        painter.setBrush(colour)
        painter.drawPolygon(self.head)
        if self._label and not style.drawn_small(lod) and (self.show_label or self.isSelected()):
            f = style.font(7.5)
            painter.setFont(f)
            mid = self.point_at(self.label_t)
            fm = painter.fontMetrics()
            tw = fm.horizontalAdvance(self._label) + 10
            rect = QRectF(mid.x() - tw / 2, mid.y() - 9, tw, 18)
            painter.setPen(QPen(QColor("#cbd5e1"), 1))
            painter.setBrush(QColor("#ffffff"))
            painter.drawRoundedRect(rect, 8, 8)
            painter.setPen(style.SUBTLE_TEXT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._label)
