"""The properties panel's editor for a note: its words, and nothing else.

A note has no semantics (no availability, replicas or cost), so the panel shows one
multi-line box. The text is kept when the box loses the focus or on Ctrl+Enter, as one
``SetNodeFieldsCommand`` labelled "Edit note" — the same undo step the in-place editor
on the canvas pushes; Esc puts back what the note says now.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ...model import Design
from ...render.items.note import note_text
from ..editing.commands import SetNodeFieldsCommand
from ..editing.editor import Editor

HINT = "Kept when you leave the box or press Ctrl+Enter (one undo step); Esc puts it back."


class NoteTextEdit(QPlainTextEdit):
    """A note's text; :attr:`finished` fires when the edit should be kept."""

    finished = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteText")
        self.setPlainText(text)
        self.shown = text  # what the model says (an edit is what differs from it)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setPlaceholderText("Write the note here")
        self.setMinimumHeight(8 * self.fontMetrics().lineSpacing() + 12)
        self.setToolTip(HINT)

    def show_text(self, text: str) -> None:
        """Show the model's text (after an undo, or an edit on the canvas), not mid-edit."""
        if self.hasFocus() and self.toPlainText() != self.shown:
            self.shown = text
            return
        self.shown = text
        if self.toPlainText() != text:
            self.setPlainText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.setPlainText(self.shown)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.finished.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.finished.emit()


def commit_note_text(editor: Editor, design: Design, node_id: str, text: str) -> bool:
    """Set the note's words as one undo step; False when nothing changed (or it is gone)."""
    node = design.nodes.get(node_id)
    if node is None or not node.is_note or note_text(node) == text:
        return False
    editor.push(SetNodeFieldsCommand(design, {node_id: {"text": text}}, "Edit note"))
    return True
