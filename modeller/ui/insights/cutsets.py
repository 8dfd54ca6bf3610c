"""The "Cut sets" tab: which failures, together, take a client down.

Each row is one minimal cut set (``analysis.cutsets``): the failed parts, then the
sentence "these 2 failures together take Shoppers down: 41 % of the downtime".
Clicking a row fails all its parts on the canvas (Fail it). The list comes from the
full report when it has ``cut_sets``, else from a background job (the live pass leaves
them out); nothing here computes a number.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...analysis.cutsets import sentence
from .base import esc

LIMIT = 50  # rows listed (the report holds up to 200, most probable first)
CUT_ROLE = Qt.ItemDataRole.UserRole + 1


def row_text(cut: Any, client_names: dict[str, str]) -> tuple[str, str]:
    """(the failed parts joined with " + ", the sentence)."""
    return " + ".join(u.words for u in cut.units), sentence(cut, client_names)


class CutSetsView(QWidget):
    """A title, then the cut sets as a list (or a hint in its place).

    ``cut_set_clicked(cut)`` fires with the :class:`~modeller.analysis.report.CutSet`
    of a clicked row."""

    shown = Signal()
    cut_set_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self._stack = QStackedWidget(self)
        layout.addWidget(self._stack, 1)
        self.list = QListWidget(self)
        self.list.setObjectName("cutSetsList")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(False)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setStyleSheet("QListWidget#cutSetsList::item { padding: 3px 4px; }")
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._clicked)
        self._stack.addWidget(self.list)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setMargin(12)
        self._stack.addWidget(self.hint)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid);")
        self.note.hide()
        layout.addWidget(self.note)
        self.cuts: list[Any] = []
        self.updating = False
        self.set_title()
        self.show_hint("No analysis yet")

    # -- pages -------------------------------------------------------------------
    def set_title(self, extra: str = "") -> None:
        self.title.setText("<b>Cut sets</b> — failures that together take a client down"
                           + (f" ({esc(extra)})" if extra else "")
                           + ". Click one to fail all its parts on the canvas.")

    def show_hint(self, text: str) -> None:
        self.hint.setText(text)
        self._stack.setCurrentWidget(self.hint)
        self.note.hide()

    def set_updating(self, on: bool) -> None:
        """A newer list is being worked out: the old one stays, the title says so."""
        self.updating = on
        if on and not self.cuts:
            self.show_hint("Working out the cut sets…")

    def set_result(self, cuts: list[Any], summary: dict[str, Any],
                   client_names: dict[str, str], q_sys: float) -> None:
        """Show the cut sets (most probable first) and the search's summary."""
        self.updating = False
        self.cuts = list(cuts)
        self.list.clear()
        if q_sys <= 0.0:
            self.show_hint("The design never goes down: nothing takes a client down.")
            return
        if not cuts:
            note = summary.get("note") or ""
            self.show_hint("No failure of up to 3 parts takes a client down."
                           + (f" ({note})" if note else ""))
            return
        found = int(summary.get("found", len(cuts)))
        shown = min(LIMIT, len(cuts))
        self.set_title(f"the {shown} most probable of {found:,}" if found > shown
                       else f"{found}")
        for cut in cuts[:LIMIT]:
            parts, words = row_text(cut, client_names)
            item = QListWidgetItem(f"{parts}\n    {words}")
            item.setData(CUT_ROLE, cut)
            item.setToolTip(f"{parts}\n{words}\nprobability {cut.probability:.3g} "
                            "(the parts are independent: the product of theirs)\n"
                            "Click to fail all of them on the canvas.")
            self.list.addItem(item)
        lines = ["Shares of the downtime by the rare-event approximation: overlapping sets "
                 "do not add up to exactly 100 %."]
        if summary.get("note"):
            lines.append(str(summary["note"]))
        self.note.setText(" ".join(lines))
        self.note.show()
        self._stack.setCurrentWidget(self.list)

    def _clicked(self, item: QListWidgetItem) -> None:
        cut = item.data(CUT_ROLE)
        if cut is not None:
            self.cut_set_clicked.emit(cut)

    def showEvent(self, event: QEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.shown.emit()
