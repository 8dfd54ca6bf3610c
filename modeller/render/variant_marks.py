"""Marks on the parts a variant changes: a pink outline and a "changed" / "new" tag.

Drawn as child items of the boxes (they move with them) by :func:`show_variant_marks`,
which the window calls after every sync of its scene; an image export of a scene can
call it too. The marks take no clicks and sit above the box they mark.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

MARK_COLOUR = QColor("#db2777")  # pink: not a status colour, selection blue or zone violet
TAG_TEXT = {"changed": "changed", "new": "new"}
PAD = 5.0


class VariantMark(QGraphicsItem):
    """The mark on one box (a child of the box item)."""

    def __init__(self, parent: QGraphicsItem, kind: str, scale: float = 1.0) -> None:
        super().__init__(parent)
        self.kind = kind
        self.text = TAG_TEXT.get(kind, kind)
        self.scale_factor = scale
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setZValue(5)
        self.font = QFont()
        self.font.setPointSizeF(8.0 * scale)
        self.font.setBold(True)
        fm = QFontMetricsF(self.font)
        self.tag_w = fm.horizontalAdvance(self.text) + 10 * scale
        self.tag_h = fm.height() + 2 * scale

    def _box(self) -> QRectF:
        p = self.parentItem()
        return QRectF(0, 0, float(getattr(p, "w", 0.0)), float(getattr(p, "h", 0.0)))

    def tag_rect(self) -> QRectF:
        box = self._box()
        return QRectF(box.right() - self.tag_w - 6, -self.tag_h / 2 - PAD, self.tag_w, self.tag_h)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._box().adjusted(-PAD - 2, -PAD - 2, PAD + 2, PAD + 2).united(
            self.tag_rect().adjusted(-1, -1, 1, 1))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(MARK_COLOUR, 2.0 * self.scale_factor)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self._box().adjusted(-PAD, -PAD, PAD, PAD), 10, 10)
        tag = self.tag_rect()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(MARK_COLOUR)
        painter.drawRoundedRect(tag, tag.height() / 2, tag.height() / 2)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(self.font)
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, self.text)


def show_variant_marks(scene: object, marks: dict[str, str], scale: float = 1.0) -> list[VariantMark]:
    """Replace the marks on ``scene`` (a DiagramScene): one per node id in ``marks``
    ("changed" or "new"); ids the scene does not show are skipped."""
    for old in getattr(scene, "_variant_marks", []):
        try:
            holder = old.scene()
            old.setParentItem(None)
            if holder is not None:
                holder.removeItem(old)
        except RuntimeError:  # its box was deleted, and the mark with it
            pass
    made: list[VariantMark] = []
    item_for = scene.item_for
    for nid, kind in marks.items():
        box = item_for(nid)
        if box is not None:
            made.append(VariantMark(box, kind, scale))
    scene._variant_marks = made  # type: ignore[attr-defined]
    return made


__all__ = ["MARK_COLOUR", "VariantMark", "show_variant_marks"]
