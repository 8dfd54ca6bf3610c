"""A component on the canvas: a rounded box with its kind's icon, name, and badges.

The item mirrors one ``Node`` (geometry, name, kind) and the latest badges; it
keeps nothing the file would lose.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ... import formatting as F
from ...model import KIND_LABELS, Node, Role
from .. import style
from ..badges import Badge, fmt_plain
from ..text import Fit, fit_text, tooltip_with
from .failstate import FailStateMixin

HANDLE_R = 5.0
HANDLE_HIT = 9.0
RADIUS = 10.0
BADGE_H = 16.0
BADGE_GAP = 2.0
TEXT_X = 41.0
NAME_SPECS = ((9.0, True), (8.5, True), (8.0, True))
SUB_SPECS = ((7.5, False), (7.0, False))
BADGE_SPECS = ((7.5, True), (7.0, True), (7.0, False), (6.5, False))


SHORT_LABELS = {"load_balancer": "LB", "dns": "DNS"}


def subtitle_for(node: Node, pool_size: int) -> str:
    """The second line, short enough for the box: what matters most about this node."""
    if node.role is Role.SOURCE:
        parts = []
        if node.demand_rps:
            parts.append(f"{fmt_plain(node.demand_rps)} rps")
        slo = node.slo.get("availability")
        if slo is not None:
            parts.append(f"SLO {F.fmt_percent(slo)}")
        return " · ".join(parts) or KIND_LABELS[node.kind]
    parts = [SHORT_LABELS.get(node.kind, KIND_LABELS.get(node.kind, node.kind))]
    if node.replicas != 1 or node.failover == "active-passive":
        parts.append(f"×{node.replicas}" + (" A/P" if node.failover == "active-passive" else ""))
    if node.role is Role.ROUTER:
        parts.append(f"pool of {pool_size}" if pool_size else "no targets")
    return " · ".join(parts)


class NodeItem(FailStateMixin, QGraphicsItem):
    """A component box. Handles on the four edge midpoints start a new link."""

    Type = QGraphicsItem.UserType + 1

    def __init__(self, node_id: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.kind = "service"
        self.name = ""
        self.subtitle = ""
        self.w = 200.0
        self.h = 80.0
        self.badges: list[Badge] = []
        self.stale = False  # the badges are from an older revision (analysis running)
        self.highlight: QColor | None = None  # link target feedback, pool members
        # "Fail it" mode: failed / down / overloaded / normal, and the badges the scenario shows
        self.state = style.NORMAL
        self.fail_badges: list[Badge] | None = None
        self.in_scenario = False
        self._hover = False
        self._sig: tuple | None = None
        self.never_cut = False  # image exports: numbers and names are never cut
        self.fits: list[Fit] = []  # every text drawn, as laid out (see _layout)
        self._name_fit: Fit | None = None
        self._sub_fit: Fit | None = None
        self._badge_rects: list[tuple[QRectF, Badge, Fit]] = []
        self._more: Fit | None = None  # badges with no room left: "…" and the tooltip
        self._overflow = 0.0  # exports: how far whole text runs past the right edge
        self._below = 0.0  # exports: how far badges run below the box
        self._sub_y = 22.0
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def type(self) -> int:
        return self.Type

    # -- mirror the model --------------------------------------------------------
    def sync(self, node: Node, rect: tuple[float, float, float, float], pool_size: int) -> None:
        sig = (node.kind, node.name, subtitle_for(node, pool_size), rect)
        if sig == self._sig:
            return
        self._sig = sig
        x, y, w, h = rect
        if (w, h) != (self.w, self.h):
            self.prepareGeometryChange()
            self.w, self.h = w, h
        self.kind, self.name, self.subtitle = node.kind, node.name, sig[2]
        self.setPos(x, y)
        self._layout()

    def _layout(self) -> None:
        """Fit the name (one or two lines), the subtitle and the badges into the box; every
        text that had to be cut goes whole into the tooltip."""
        cut = self.never_cut
        text_w = self.w - TEXT_X - 7
        if cut:  # an export: smaller and three lines rather than a cut name
            self._name_fit = fit_text(self.name, text_w, NAME_SPECS + ((7.5, True),), 3, never_cut=True)
        else:
            self._name_fit = fit_text(self.name, text_w, NAME_SPECS, 2)
        self._sub_fit = fit_text(self.subtitle, text_w, SUB_SPECS, 1, never_cut=cut)
        y = 5 + max(self._name_fit.height, 18.0 if len(self._name_fit.lines) == 1 else 0.0)
        self._sub_y = y - 1
        y += self._sub_fit.height + 3
        self._badge_rects = []
        self._more = None
        left, right = 6.0, self.w - 6
        rows: list[list[float]] = []  # per row: [y, next x]; a short badge fills an earlier row
        badges = self.shown_badges()
        for i, badge in enumerate(badges):
            row = next((r for r in rows  # whole, maybe a size smaller, in a row's gap
                        if not fit_text(badge.text, right - r[1] - 10, BADGE_SPECS).cut), None)
            if row is None:
                ry = y if not rows else rows[-1][0] + BADGE_H + BADGE_GAP
                if ry + BADGE_H > self.h - 2 and not cut:  # an export never hides a number
                    rest = badges[i:]
                    self._more = Fit(" · ".join(b.text for b in rest), ("…",), BADGE_SPECS[0], 10.0,
                                     cut=True)
                    break
                row = [ry, left]
                rows.append(row)
            variants = (badge.short,) if badge.short else ()
            fit = fit_text(badge.text, right - row[1] - 10, BADGE_SPECS, 1, variants, never_cut=cut)
            bw = fit.width + 10
            self._badge_rects.append((QRectF(row[1], row[0], bw, BADGE_H), badge, fit))
            row[1] += bw + 4
        self.fits = [self._name_fit, self._sub_fit] + [f for _r, _b, f in self._badge_rects]
        over = max([r.right() - self.w for r, _b, _f in self._badge_rects]
                   + [TEXT_X + f.width - self.w for f in (self._name_fit, self._sub_fit)] + [0.0])
        below = max([r.bottom() - self.h for r, _b, _f in self._badge_rects] + [0.0])
        if (over, below) != (self._overflow, self._below):
            self.prepareGeometryChange()
            self._overflow, self._below = over, below
        if self._more is not None:
            self.fits.append(self._more)
        tips = [b.tooltip for b in badges if b.tooltip]
        self.setToolTip(tooltip_with(f"{self.name} ({self.node_id})", self.fits, tips))
        self.update()

    def on_shown_badges_changed(self) -> None:
        self._layout()

    def body_brush(self) -> QBrush:
        """The box's fill: white, or the failure state's tint."""
        return QBrush(style.FAIL_FILL.get(self.state, QColor("#ffffff")))

    def body_pen(self, colour: QColor | None = None) -> QPen:
        """The box's border: feedback highlight, then failure state, then selection."""
        if self.highlight is not None:
            return QPen(self.highlight, 3)
        if self.state in style.FAIL_BORDER:
            return QPen(style.FAIL_BORDER[self.state], style.FAIL_BORDER_WIDTH[self.state])
        if self.isSelected():
            return QPen(style.SELECTION, 2.5)
        return QPen((colour or style.kind_colour(self.kind)).lighter(150), 1.3)

    # -- geometry ----------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        m = HANDLE_HIT + 2
        return QRectF(-m, -m, self.w + 2 * m + self._overflow, self.h + 2 * m + self._below)

    def handle_points(self) -> dict[str, QPointF]:
        return {"n": QPointF(self.w / 2, 0), "e": QPointF(self.w, self.h / 2),
                "s": QPointF(self.w / 2, self.h), "w": QPointF(0, self.h / 2)}

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)  # overlaps stay solid
        path.addRoundedRect(self.rect(), RADIUS, RADIUS)
        for p in self.handle_points().values():
            path.addEllipse(p, HANDLE_HIT, HANDLE_HIT)
        return path

    def handle_at(self, scene_pos: QPointF) -> str | None:
        """Which link handle (n/e/s/w) is under a scene point, if any."""
        local = self.mapFromScene(scene_pos)
        for side, p in self.handle_points().items():
            if (local - p).manhattanLength() <= HANDLE_HIT * 1.4:
                return side
        return None

    def hoverEnterEvent(self, event) -> None:  # noqa: N802, ANN001
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802, ANN001
        self._hover = False
        self.update()

    # -- painting ----------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        r = self.rect()
        colour = style.kind_colour(self.kind)
        selected = self.isSelected()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if style.drawn_small(lod):
            self._paint_simple(painter, colour, selected)
            return
        self.stale_drawn = True  # the badges are drawn (dimmed or not) at this zoom
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # soft shadow
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(15, 23, 42, 22))
        painter.drawRoundedRect(r.translated(0, 2.5), RADIUS, RADIUS)
        # body
        painter.setBrush(self.body_brush())
        painter.setPen(self.body_pen(colour))
        painter.drawRoundedRect(r, RADIUS, RADIUS)
        if self.state == style.FAILED:
            body = QPainterPath()
            body.addRoundedRect(r, RADIUS, RADIUS)
            style.draw_hatch(painter, body)
        # accent bar on the left edge
        accent = QPainterPath()
        accent.addRoundedRect(QRectF(0, 0, 12, self.h), RADIUS, RADIUS)
        clip = QPainterPath()
        clip.addRect(QRectF(0, 0, 5, self.h))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPath(accent.intersected(clip))
        # icon, name, subtitle
        style.draw_icon(painter, self.kind, QRectF(11, 9, 24, 24))
        text_w = self.w - TEXT_X - 7
        painter.setPen(style.TEXT)
        left_mid = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        nf = self._name_fit
        if nf is not None:
            painter.setFont(nf.font)
            lh = nf.line_height
            top = 5.0 if len(nf.lines) > 1 else 5.0 + (18.0 - lh) / 2
            for k, line in enumerate(nf.lines):
                painter.drawText(QRectF(TEXT_X, top + k * lh, max(text_w, nf.width), lh), left_mid, line)
        sf = self._sub_fit
        if sf is not None:
            painter.setFont(sf.font)
            painter.setPen(style.SUBTLE_TEXT)
            painter.drawText(QRectF(TEXT_X, self._sub_y, max(text_w, sf.width), sf.line_height),
                             left_mid, sf.shown)
        self._paint_badges(painter)
        # handles (on hover or when selected; never while a click means "fail it")
        if (self._hover or selected) and not getattr(self.scene(), "picking", False):
            painter.setPen(QPen(QColor("#ffffff"), 1.5))
            painter.setBrush(style.SELECTION)
            for p in self.handle_points().values():
                painter.drawEllipse(p, HANDLE_R, HANDLE_R)

    def _paint_simple(self, painter: QPainter, colour: QColor, selected: bool) -> None:
        """Zoomed far out: no text, the box tinted by its availability badge's colour."""
        level = self.badges[0].level if self.badges else "neutral"
        fill = QColor(style.LEVEL_COLOURS.get(level, style.LEVEL_COLOURS["neutral"])[0])
        failing = self.state in style.FAIL_BORDER
        if self.highlight is not None:
            pen = QPen(self.highlight, 4)
        elif failing:
            pen = QPen(style.FAIL_BORDER[self.state], 4)
        elif selected:
            pen = QPen(style.SELECTION, 4)
        else:
            pen = QPen(QColor(style.LEVEL_BORDER.get(level, "#cbd5e1")), 2)
        pen.setCosmetic(selected or failing or self.highlight is not None)
        painter.setPen(pen)
        if failing:
            painter.setBrush(self.body_brush())
        elif self.in_scenario:
            painter.setBrush(QColor("#ffffff"))
        else:
            painter.setBrush(fill if self.badges else QColor("#ffffff"))
        painter.drawRect(self.rect())
        if self.state == style.FAILED:
            body = QPainterPath()
            body.addRect(self.rect())
            style.draw_hatch(painter, body, spacing=40.0, width=8.0)
        painter.fillRect(QRectF(0, 0, 10, self.h), colour)

    def _paint_badges(self, painter: QPainter) -> None:
        """The badges as laid out by :meth:`_layout` (label lighter than the figure)."""
        for rect, badge, fit in self._badge_rects:
            paint_badge(painter, rect, badge, fit, self.stale)
        if self._more is not None and self._badge_rects:
            r = self._badge_rects[-1][0]
            painter.setPen(style.SUBTLE_TEXT)
            painter.setFont(style.font(8, True))
            painter.drawText(QRectF(r.right() + 2, r.top(), 14, r.height()), Qt.AlignmentFlag.AlignCenter, "…")


def paint_badge(painter: QPainter, rect: QRectF, badge: Badge, fit: Fit, stale: bool = False) -> None:
    """One pill: level colours, the label part lighter, the figure bold."""
    bg, fg = style.LEVEL_COLOURS.get(badge.level, style.LEVEL_COLOURS["neutral"])
    bgc, fgc = QColor(bg), QColor(fg)
    if stale:
        bgc.setAlpha(110)
        fgc.setAlpha(140)
    painter.setPen(QPen(QColor(style.LEVEL_BORDER.get(badge.level, "#cbd5e1")), 1))
    painter.setBrush(bgc)
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setFont(fit.font)
    text = fit.shown
    inner = rect.adjusted(5, 0, -5, 0)
    mid = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    if badge.label and text.startswith(badge.label + " "):
        fm = QFontMetricsF(fit.font)
        head = badge.label + " "
        light = QColor(fgc)
        light.setAlpha(int(fgc.alpha() * 0.62))
        painter.setPen(light)
        painter.drawText(inner, mid, head)
        painter.setPen(fgc)
        painter.drawText(inner.adjusted(fm.horizontalAdvance(head), 0, 0, 0), mid, text[len(head):])
    else:
        painter.setPen(fgc)
        painter.drawText(inner, mid, text)
