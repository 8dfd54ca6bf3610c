"""A replica chip: where some of a spread node's replicas sit, inside their zone.

Drawn as a small pill with the kind's icon, the node's name and the replica count
there, joined to the node's box by a thin line (see :mod:`modeller.render.chips` for
where it goes). It mirrors the Design and holds nothing the file would lose.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .. import style
from ..text import Fit, fit_text, text_width, tooltip_with
from .failstate import FadeStateMixin
from .link import clip_to_rect

CHIP_SPECS = ((7.5, True), (7.0, True), (7.0, False))
ICON = 13.0
PAD = 6.0


def chip_count_text(count: int) -> str:
    return f"×{count}"


def chip_natural_width(name: str, count: int) -> float:
    """The width that shows the name (if any) and the count whole."""
    text = f"{name} {chip_count_text(count)}" if name else chip_count_text(count)
    return PAD + ICON + 4 + text_width(text, CHIP_SPECS[0]) + PAD + 1


class ChipItem(FadeStateMixin, QGraphicsItem):
    """Replicas of ``node_id`` in ``zone_id``."""

    Type = QGraphicsItem.UserType + 4

    def __init__(self, node_id: str, zone_id: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.zone_id = zone_id
        self.kind = "service"
        self.name = ""
        self.zone_name = ""
        self.count = 0
        self.replicas = 0
        self.compact = False  # a crowded zone: icon and count only (the name in the tooltip)
        self.w, self.h = 60.0, 22.0
        self.node_rect = QRectF()  # the node's box, scene coordinates (the line's other end)
        self.never_cut = False
        self.state = style.NORMAL  # "Fail it": failed / down when its zone (or node) is
        self.in_scenario = False
        self.fits: list[Fit] = []
        self._fit: Fit | None = None
        self._line = QLineF()
        self._sig: tuple | None = None
        self._bounds = self._measure()
        self.setAcceptHoverEvents(True)
        self.setZValue(7)  # over zones and arrows, under node boxes
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def type(self) -> int:
        return self.Type

    def rect(self) -> QRectF:
        return QRectF(0, 0, self.w, self.h)

    def scene_rect(self) -> QRectF:
        return self.rect().translated(self.pos())

    def sync(self, rect: tuple[float, float, float, float], node_rect: QRectF, kind: str, name: str,
             zone_name: str, count: int, replicas: int, compact: bool = False) -> None:
        sig = (rect, node_rect.getRect(), kind, name, zone_name, count, replicas, compact)
        if sig == self._sig:
            return
        self._sig = sig
        x, y, w, h = rect
        self.prepareGeometryChange()
        self.w, self.h = w, h
        self.setPos(x, y)
        self.kind, self.name, self.zone_name = kind, name, zone_name
        self.count, self.replicas = count, replicas
        self.compact = compact
        self.node_rect = QRectF(node_rect)
        self._layout()

    def follow(self, node_rect: QRectF) -> None:
        """The node's box moved (a drag preview): only the joining line changes."""
        self.prepareGeometryChange()
        self.node_rect = QRectF(node_rect)
        self._sig = None
        self._update_line()
        self.update()

    def _update_line(self) -> None:
        me = self.scene_rect()
        if me.intersects(self.node_rect):
            self._line = QLineF()
        else:
            a = clip_to_rect(me.center(), self.node_rect.center(), me)
            b = clip_to_rect(self.node_rect.center(), me.center(), self.node_rect)
            self._line = QLineF(self.mapFromScene(a), self.mapFromScene(b))
        self._bounds = self._measure()

    def _layout(self) -> None:
        count = chip_count_text(self.count)
        room = self.w - PAD - ICON - 4 - PAD - text_width(" " + count, CHIP_SPECS[-1])
        if self.compact:
            self._fit = Fit(self.name, ("",), CHIP_SPECS[0], -text_width(" ", CHIP_SPECS[0]), cut=True)
        else:
            self._fit = fit_text(self.name, room, CHIP_SPECS, 1, never_cut=self.never_cut)
        self.fits = [self._fit]
        self._update_line()
        where = self.zone_name or self.zone_id
        tip = (f"{self.name}: {self.count} of {self.replicas} replica{'s' if self.replicas != 1 else ''} "
               f"in {where}")
        self.setToolTip(tooltip_with(tip, self.fits, [
            "Drag this chip to another zone to move these replicas there; "
            "drop it outside any zone to stop using this one"]))
        self.update()

    # -- geometry and painting ---------------------------------------------------------
    def boundingRect(self) -> QRectF:
        # kept, not recomputed: Qt asks twice per chip per repaint (25 ms of a 300-node
        # canvas's repaint); every change of size, text or line goes through _update_line
        return self._bounds

    def _measure(self) -> QRectF:
        r = self.rect().adjusted(-2, -2, 2, 2)
        if self._fit is not None and self._fit.overflow:
            r = r.adjusted(0, 0, self._fit.width, 0)
        if not self._line.isNull():
            r = r.united(QRectF(self._line.p1(), self._line.p2()).normalized().adjusted(-2, -2, 2, 2))
        return r

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.rect(), self.h / 2, self.h / 2)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        small = style.drawn_small(option.levelOfDetailFromTransform(painter.worldTransform()))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = style.kind_colour(self.kind)
        lost = self.state in (style.FAILED, style.DOWN)
        if not self._line.isNull():
            tone = QColor(style.FAIL_BORDER[self.state] if lost else colour)
            tone.setAlpha(200 if lost else 120)
            if small:  # dashes a few pixels long cost 40 ms over ~700 chips: a plain line
                pen = QPen(tone, 0.0)  # cosmetic: one pixel
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            else:
                pen = QPen(tone, 1.0, Qt.PenStyle.DashLine)
                pen.setDashPattern([3, 3])
            painter.setPen(pen)
            painter.drawLine(self._line)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pen.color())
            painter.drawEllipse(self._line.p2(), 2.2, 2.2)
        r = self.rect()
        fill = QColor(style.FAIL_FILL[self.state]) if self.state in style.FAIL_FILL else QColor("#ffffff")
        border = style.FAIL_BORDER[self.state] if self.state in style.FAIL_BORDER else colour.lighter(130)
        painter.setPen(QPen(border, 1.6 if lost else 1.2))
        painter.setBrush(fill)
        painter.drawRoundedRect(r, self.h / 2, self.h / 2)
        if self.state == style.FAILED or (lost and self.state == style.DOWN):
            body = QPainterPath()
            body.addRoundedRect(r, self.h / 2, self.h / 2)
            style.draw_hatch(painter, body, spacing=8.0, width=1.2)
        if small:
            return  # too small to read: the pill and its line only (a zoomed-out 300-node
            # design has ~700 chips in view, and every edit repaints them)
        style.draw_icon(painter, self.kind, QRectF(PAD, (self.h - ICON) / 2, ICON, ICON))
        fit = self._fit
        if fit is None:
            return
        x = PAD + ICON + 4
        mid = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.setFont(fit.font)
        painter.setPen(style.TEXT)
        painter.drawText(QRectF(x, 0, fit.width + 2, self.h), mid, fit.shown)
        painter.setPen(style.FAIL_BORDER[self.state] if lost else colour.darker(130))
        painter.drawText(QRectF(x + fit.width + text_width(" ", fit.spec), 0, 40, self.h), mid,
                         chip_count_text(self.count))
