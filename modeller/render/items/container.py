"""A region, zone or group: a labelled, tinted rounded rectangle that holds other boxes.

A group (VPC, subnet, account) is drawn the same way with a dotted slate border: it
holds parts on the canvas but is never a failure domain (it gets no badge).

Only its title strip and border catch the mouse, so a drag that starts on the
empty body draws a rubber band (as in draw.io's swimlanes). Corner grips resize it.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...model import KIND_LABELS, Node
from ...model.geometry import CONTAINER_TITLE
from .. import style
from ..badges import Badge
from ..text import Fit, fit_text, text_width, tooltip_with
from .failstate import FailStateMixin
from .grips import GRIP, CornerGripsMixin
from .node import paint_badge

BORDER_HIT = 7.0
RADIUS = 12.0
NAME_X = 32.0
NAME_SPECS = ((9.5, True), (9.0, True), (8.5, True), (8.0, True))
BADGE_SPECS = ((7.5, True), (7.0, True), (7.0, False))


class ContainerItem(CornerGripsMixin, FailStateMixin, QGraphicsItem):
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
        self.never_cut = False  # image exports: numbers and names are never cut
        self.fits: list[Fit] = []
        self._name_fit: Fit | None = None
        self._badge: tuple[QRectF, Badge, Fit] | None = None
        self._show_kind = False
        self._overflow = 0.0
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
        self._layout()

    def on_shown_badges_changed(self) -> None:
        self._layout()

    def _layout(self) -> None:
        """Fit the title strip: the badge at the right (shortened to the percentage when the
        zone is narrow), the name in what is left (two lines if need be)."""
        cut = self.never_cut
        self._badge = None
        badge_w = 0.0
        shown = self.shown_badges()
        name_natural = text_width(self.name, NAME_SPECS[0])
        if shown:
            b = shown[0]
            room = self.w - NAME_X - 16 - min(name_natural, 70.0) - 10
            variants = (b.short,) if b.short else ()
            fit = fit_text(b.text, room, BADGE_SPECS, 1, variants, never_cut=cut)
            badge_w = fit.width + 10
            self._badge = (QRectF(self.w - badge_w - 8, 6, badge_w, 18), b, fit)
        avail = self.w - NAME_X - badge_w - 16
        self._name_fit = fit_text(self.name, avail, NAME_SPECS, 2, never_cut=cut)
        kind = KIND_LABELS.get(self.kind, self.kind).lower()
        self._show_kind = len(self._name_fit.lines) == 1 and not self._name_fit.cut and \
            self._name_fit.spec == NAME_SPECS[0] and \
            self._name_fit.width + text_width("  " + kind, (8.0, False)) <= avail
        self.fits = [self._name_fit] + ([self._badge[2]] if self._badge else [])
        over = 0.0
        if self._badge is not None and self._badge[0].left() < NAME_X + self._name_fit.width:
            over = NAME_X + self._name_fit.width + 8 - self._badge[0].left()  # exports only
            r = self._badge[0]
            self._badge = (r.translated(over, 0), self._badge[1], self._badge[2])
        if over != self._overflow:
            self.prepareGeometryChange()
            self._overflow = over
        tips = [b.tooltip for b in shown if b.tooltip]
        self.setToolTip(tooltip_with(f"{KIND_LABELS.get(self.kind, self.kind)} {self.name} "
                                     f"({self.node_id})", self.fits, tips))
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
        elif self.kind == "group":
            pen.setStyle(Qt.PenStyle.DotLine)
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
        return QRectF(-m, -m, self.w + 2 * m + self._overflow, self.h + 2 * m)

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

    # -- painting ----------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        r = self.rect()
        colour = style.kind_colour(self.kind)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if style.drawn_small(lod):
            self._paint_simple(painter, colour, lod)
            return
        self.stale_drawn = True  # the badge is drawn (dimmed or not) at this zoom
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
        # badge at the right of the title strip, the name (and kind) in what is left
        if self._badge is not None:
            rect, badge, fit = self._badge
            paint_badge(painter, rect, badge, fit, self.stale)
        nf = self._name_fit
        if nf is not None:
            painter.setFont(nf.font)
            painter.setPen(style.FAIL_BORDER[self.state] if self.state in style.FAIL_BORDER
                           else colour.darker(140))
            lh = nf.line_height
            top = (CONTAINER_TITLE - lh * len(nf.lines)) / 2
            left_mid = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            for k, line in enumerate(nf.lines):
                painter.drawText(QRectF(NAME_X, top + k * lh, nf.width + 2, lh), left_mid, line)
            if self._show_kind:
                painter.setFont(style.font(8))
                painter.setPen(style.SUBTLE_TEXT)
                painter.drawText(QRectF(NAME_X + nf.width + 8, 0, 80, CONTAINER_TITLE), left_mid,
                                 KIND_LABELS.get(self.kind, self.kind).lower())
        if self.isSelected():
            painter.setPen(QPen(style.SELECTION, 1.2))
            painter.setBrush(QColor("#ffffff"))
            for p in self.grips().values():
                painter.drawRect(QRectF(p.x() - GRIP / 2 - 1, p.y() - GRIP / 2 - 1, GRIP + 2, GRIP + 2))
