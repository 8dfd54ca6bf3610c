"""A text note: a sticky note on the canvas for a meeting's words (no semantics).

It mirrors a ``note`` node (its words in ``extra["text"]``); the analysis never sees it.
Its size is the node's ``w``/``h`` (saved in the file); selected, it shows four corner
grips like a container's, and the canvas resizes it from them (one undo step). The text
is laid out again for every size: it wraps to the width and is elided (whole in the
tooltip) when the height runs out.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...model import Node
from .. import style
from ..text import Fit, fit_text, tooltip_with
from .failstate import FailStateMixin
from .grips import GRIP, CornerGripsMixin

FOLD = 12.0
INSET = 9.0
TEXT_SPECS = ((8.5, False), (8.0, False), (7.5, False))
PLACEHOLDER = "Double-click to write a note"
MIN_SIZE = (80.0, 50.0)  # the smallest note a resize leaves: two lines of text


def note_text(node: Node) -> str:
    text = node.extra.get("text", "")
    return text if isinstance(text, str) else str(text)


class NoteItem(CornerGripsMixin, FailStateMixin, QGraphicsItem):
    """A yellow note with a folded corner; its text wraps, and what does not fit is elided
    (and shown whole in the tooltip)."""

    Type = QGraphicsItem.UserType + 5

    def __init__(self, node_id: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.kind = "note"
        self.name = ""
        self.text = ""
        self.w, self.h = 180.0, 110.0
        self.badges = []
        self.stale = False
        self.highlight: QColor | None = None
        self.state = style.NORMAL
        self.fail_badges = None
        self.in_scenario = False
        self.never_cut = False
        self.fits: list[Fit] = []
        self._fits: list[Fit] = []
        self._sig: tuple | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(9)

    def type(self) -> int:
        return self.Type

    def sync(self, node: Node, rect: tuple[float, float, float, float]) -> None:
        sig = (note_text(node), node.name, rect)
        if sig == self._sig:
            return
        self._sig = sig
        x, y, w, h = rect
        if (w, h) != (self.w, self.h):
            self.prepareGeometryChange()
            self.w, self.h = w, h
        self.text, self.name = sig[0], node.name
        self.setPos(x, y)
        self._layout()

    def set_badges(self, badges, stale: bool = False) -> None:  # noqa: ANN001
        """Notes carry no numbers."""

    def set_size(self, w: float, h: float) -> None:
        """A resize preview: the new size, the text wrapped to it (the model follows on release)."""
        self.prepareGeometryChange()
        self.w, self.h = w, h
        self._sig = None
        self._layout()

    def _layout(self) -> None:
        width = self.w - 2 * INSET
        line_h = 13.0
        paragraphs = (self.text or "").split("\n") if self.text else []
        room = max(1, int((self.h - 2 * INSET) // line_h))
        self._fits = []
        used = 0
        for k, para in enumerate(paragraphs):
            left = room - used
            if left <= 0:
                rest = "\n".join(paragraphs[k:])
                self._fits.append(Fit(rest, ("…",), TEXT_SPECS[-1], 10.0, cut=True))
                break
            # never wider than the note, in exports too: what does not fit is elided as on
            # the canvas (the picture shows the note as sized; enlarge it to show more)
            fit = fit_text(para, width, TEXT_SPECS[-1:], left)
            self._fits.append(fit)
            used += len(fit.lines)
        self.fits = list(self._fits)
        full = self.text if any(f.cut for f in self._fits) else ""
        self.setToolTip(tooltip_with("Note (not part of the analysis) — double-click to edit",
                                     [], [full]))
        self.update()

    def boundingRect(self) -> QRectF:
        m = GRIP + 2
        return self.rect().adjusted(-m, -m, m, m)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)
        path.addRect(self.rect())
        if self.isSelected():
            for p in self.grips().values():
                path.addRect(QRectF(p.x() - GRIP, p.y() - GRIP, 2 * GRIP, 2 * GRIP))
        return path

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedChange:
            self.prepareGeometryChange()  # the grips join or leave the shape
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.rect()
        body = QPolygonF([QPointF(0, 0), QPointF(r.width(), 0), QPointF(r.width(), r.height() - FOLD),
                          QPointF(r.width() - FOLD, r.height()), QPointF(0, r.height())])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(15, 23, 42, 20))
        painter.drawPolygon(body.translated(0, 2.5))
        if self.highlight is not None:
            pen = QPen(self.highlight, 3)
        elif self.isSelected():
            pen = QPen(style.SELECTION, 2.2)
        else:
            pen = QPen(style.NOTE_BORDER, 1.2)
        painter.setPen(pen)
        painter.setBrush(style.NOTE_FILL)
        painter.drawPolygon(body)
        fold = QPolygonF([QPointF(r.width(), r.height() - FOLD), QPointF(r.width() - FOLD, r.height() - FOLD),
                          QPointF(r.width() - FOLD, r.height())])
        painter.setBrush(style.NOTE_BORDER.lighter(140))
        painter.setPen(QPen(style.NOTE_BORDER, 1.0))
        painter.drawPolygon(fold)
        if self.isSelected():
            painter.setPen(QPen(style.SELECTION, 1.2))
            painter.setBrush(QColor("#ffffff"))
            for p in self.grips().values():
                painter.drawRect(QRectF(p.x() - GRIP / 2 - 1, p.y() - GRIP / 2 - 1, GRIP + 2, GRIP + 2))
        if not self.text:
            painter.setPen(QColor(style.NOTE_TEXT.red(), style.NOTE_TEXT.green(), style.NOTE_TEXT.blue(), 120))
            painter.setFont(style.font(8, False))
            painter.drawText(r.adjusted(INSET, INSET, -INSET, -INSET),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             PLACEHOLDER)
            return
        painter.setPen(style.NOTE_TEXT)
        y = INSET
        for fit in self._fits:
            painter.setFont(fit.font)
            lh = max(fit.line_height, 13.0)
            for line in fit.lines:
                painter.drawText(QRectF(INSET, y, max(self.w - 2 * INSET, fit.width), lh),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
                y += lh
