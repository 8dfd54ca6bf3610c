"""A region or zone: a labelled, tinted rounded rectangle that holds other boxes.

Only its title strip and border catch the mouse, so a drag that starts on the
empty body draws a rubber band (as in draw.io's swimlanes). Corner grips resize it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ....model import KIND_LABELS, Node
from ....model.geometry import CONTAINER_TITLE
from ...badges import Badge
from .. import style
from .failstate import FailStateMixin

BORDER_HIT = 7.0
GRIP = 7.0
RADIUS = 12.0


class ContainerItem(FailStateMixin, QGraphicsItem):
    Type = QGraphicsItem.UserType + 2

    def __init__(self, node_id: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.kind = "region"
        self.name = ""
        self.w = 400.0
        self.h = 300.0
        self.depth = 0
        self.badges: list[Badge] = []
        self.stale = False
        self.highlight: QColor | None = None  # drop-target feedback
        self.state = style.NORMAL  # "Fail it" mode: failed / down / normal
        self.fail_badges: list[Badge] | None = None
        self.in_scenario = False
        self._sig: tuple | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptHoverEvents(True)

    def type(self) -> int:
        return self.Type

    def sync(self, node: Node, rect: tuple[float, float, float, float], depth: int) -> None:
        sig = (node.kind, node.name, rect, depth)
        if sig == self._sig:
            return
        self._sig = sig
        x, y, w, h = rect
        if (w, h) != (self.w, self.h):
            self.prepareGeometryChange()
            self.w, self.h = w, h
        self.kind, self.name, self.depth = node.kind, node.name, depth
        self.setPos(x, y)
        self.setZValue(-100 + depth)
        self.setToolTip(f"{KIND_LABELS.get(node.kind, node.kind)} {node.name} ({node.id})")
        self.update()

    def set_badges(self, badges: list[Badge], stale: bool = False) -> None:
        if badges == self.badges and stale == self.stale:
            return
        self.badges, self.stale = list(badges), stale
        self.update()

    def body_brush(self) -> QBrush:
        """The body's fill: the kind's tint, or the failure state's (translucent: what it
        holds stays visible)."""
        fill = QColor(style.FAIL_FILL[self.state]) if self.state in style.FAIL_FILL \
            else QColor(style.CONTAINER_FILL.get(self.kind, "#f8fafc"))
        fill.setAlpha(200)
        return QBrush(fill)

    def body_pen(self, colour: QColor | None = None) -> QPen:
        """The border: feedback highlight, then failure state, then selection; zones dashed."""
        if self.highlight is not None:
            pen = QPen(self.highlight, 3)
        elif self.state in style.FAIL_BORDER:
            pen = QPen(style.FAIL_BORDER[self.state], style.FAIL_BORDER_WIDTH[self.state])
        elif self.isSelected():
            pen = QPen(style.SELECTION, 2.5)
        else:
            pen = QPen((colour or style.kind_colour(self.kind)).lighter(130), 1.5)
        if self.kind == "zone" and self.state != style.FAILED:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen

    def _paint_simple(self, painter: QPainter, colour: QColor, lod: float) -> None:
        """Zoomed far out: a plain tinted box."""
        pen = self.body_pen(colour)
        if self.highlight is None and self.state not in style.FAIL_BORDER:
            pen.setWidthF(1.5)
        pen.setCosmetic(True)
        painter.setPen(pen)
        fill = self.body_brush().color()
        fill.setAlpha(255)
        painter.setBrush(fill)
        painter.drawRect(self.rect())
        if self.state == style.FAILED:
            body = QPainterPath()
            body.addRect(self.rect())
            style.draw_hatch(painter, body, spacing=60.0, width=10.0)
        # the name is drawn by the view on top of everything (see CanvasView.drawForeground)

    # -- geometry ----------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        m = GRIP + 2
        return QRectF(-m, -m, self.w + 2 * m, self.h + 2 * m)

    def grips(self) -> dict[str, QPointF]:
        return {"tl": QPointF(0, 0), "tr": QPointF(self.w, 0),
                "bl": QPointF(0, self.h), "br": QPointF(self.w, self.h)}

    def shape(self) -> QPainterPath:
        """Title strip, border band and grips: the body lets clicks through."""
        b = BORDER_HIT
        w, h = self.w, self.h
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)  # a union of the pieces
        path.addRoundedRect(QRectF(-b / 2, -b / 2, w + b, CONTAINER_TITLE + b / 2), RADIUS, RADIUS)
        path.addRect(QRectF(-b / 2, 0, b, h + b / 2))  # left
        path.addRect(QRectF(w - b / 2, 0, b, h + b / 2))  # right
        path.addRect(QRectF(-b / 2, h - b / 2, w + b, b))  # bottom
        for p in self.grips().values():
            path.addRect(QRectF(p.x() - GRIP, p.y() - GRIP, 2 * GRIP, 2 * GRIP))
        return path

    def grip_at(self, scene_pos: QPointF) -> str | None:
        if not self.isSelected():
            return None
        local = self.mapFromScene(scene_pos)
        for name, p in self.grips().items():
            if abs(local.x() - p.x()) <= GRIP + 1 and abs(local.y() - p.y()) <= GRIP + 1:
                return name
        return None

    # -- painting ----------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        r = self.rect()
        colour = style.kind_colour(self.kind)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod < 0.4:
            self._paint_simple(painter, colour, lod)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.body_pen(colour))
        painter.setBrush(self.body_brush())
        painter.drawRoundedRect(r, RADIUS, RADIUS)
        if self.state == style.FAILED:
            body = QPainterPath()
            body.addRoundedRect(r, RADIUS, RADIUS)
            style.draw_hatch(painter, body, spacing=18.0, width=2.5)
        # title strip
        title = QPainterPath()
        title.addRoundedRect(QRectF(r.x(), r.y(), r.width(), CONTAINER_TITLE + RADIUS), RADIUS, RADIUS)
        clip = QPainterPath()
        clip.addRect(QRectF(r.x(), r.y(), r.width(), CONTAINER_TITLE))
        painter.setPen(Qt.PenStyle.NoPen)
        tf = QColor(style.CONTAINER_TITLE_FILL.get(self.kind, "#e2e8f0"))
        if self.state in style.FAIL_FILL:
            tf = QColor("#fca5a5") if self.state == style.FAILED else QColor("#fecaca")
        painter.setBrush(tf)
        painter.drawPath(title.intersected(clip).translated(0.75, 0.75))
        style.draw_icon(painter, self.kind, QRectF(9, 6, 18, 18))
        # badge at the right of the title strip
        badge_w = 0.0
        shown = self.shown_badges()
        if shown:
            b = shown[0]
            bf = style.font(7.5, True)
            bfm = QFontMetricsF(bf)
            badge_w = min(bfm.horizontalAdvance(b.text) + 12, max(self.w - 140, 40))
            bg, fg = style.LEVEL_COLOURS.get(b.level, style.LEVEL_COLOURS["neutral"])
            br = QRectF(self.w - badge_w - 8, 6, badge_w, 18)
            bgc, fgc = QColor(bg), QColor(fg)
            if self.stale:
                bgc.setAlpha(120)
                fgc.setAlpha(150)
            painter.setPen(QPen(QColor(style.LEVEL_BORDER.get(b.level, "#cbd5e1")), 1))
            painter.setBrush(bgc)
            painter.drawRoundedRect(br, 9, 9)
            painter.setFont(bf)
            painter.setPen(fgc)
            painter.drawText(br, Qt.AlignmentFlag.AlignCenter,
                             bfm.elidedText(b.text, Qt.TextElideMode.ElideRight, badge_w - 10))
        f = style.font(9.5, True)
        painter.setFont(f)
        painter.setPen(style.FAIL_BORDER[self.state] if self.state in style.FAIL_BORDER
                       else colour.darker(140))
        label = f"{self.name}"
        kind = KIND_LABELS.get(self.kind, self.kind).lower()
        avail_w = self.w - 34 - badge_w - 16
        fm = QFontMetricsF(f)
        text = label if fm.horizontalAdvance(f"{label}  {kind}") > avail_w else f"{label}  "
        text = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(avail_w, 10))
        painter.drawText(QRectF(32, 0, avail_w, CONTAINER_TITLE),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        if not text.endswith("…") and text.endswith("  "):
            painter.setFont(style.font(8))
            painter.setPen(style.SUBTLE_TEXT)
            painter.drawText(QRectF(32 + fm.horizontalAdvance(text), 0, avail_w, CONTAINER_TITLE),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, kind)
        if self.isSelected():
            painter.setPen(QPen(style.SELECTION, 1.2))
            painter.setBrush(QColor("#ffffff"))
            for p in self.grips().values():
                painter.drawRect(QRectF(p.x() - GRIP / 2 - 1, p.y() - GRIP / 2 - 1, GRIP + 2, GRIP + 2))
