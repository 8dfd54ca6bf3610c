"""The draw.io import report: what was guessed, grouped, with a click to select each part.

Shown after File ▸ Import draw.io…: a one-line summary (parts mapped by library / by
label or shape / defaulted, presets, the client drawn or guessed), then the guesses
grouped the way the CLI prints them (defaults first: they say least about a part), then
the other notes (edges, skipped text). Clicking a guess selects that node on the canvas
and scrolls it into view, so a person can check it and fix it in the properties panel.
The dialog is not modal: the canvas stays usable while it is open.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...export.drawio_report import HOW_LABELS, ImportReport

NODE_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_SHOWN = 500  # rows per group; a larger group says how many more there are


class ImportReportDialog(QDialog):
    """The guesses of one import, grouped; ``select(node_id)`` is called on a click."""

    def __init__(self, parent: QWidget | None, name: str, nodes: int, links: int,
                 report: ImportReport, select: Callable[[str], None]) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.setWindowTitle("Imported draw.io diagram")
        self.setModal(False)
        self._select = select
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>{_esc(name)}</b>: {nodes} nodes, {links} links, opened as a new design.")
        head.setObjectName("importReportHead")
        head.setWordWrap(True)
        summary = QLabel(_esc(report.summary()))
        summary.setObjectName("importReportSummary")
        summary.setWordWrap(True)
        hint = QLabel("Click a part to select it on the canvas; fix a wrong guess in the "
                      "properties panel. Defaults first: they say least about a part.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #475569;")
        self.tree = QTreeWidget()
        self.tree.setObjectName("importReportTree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        for how, guesses in report.by_how().items():
            if not guesses or how == "ours":
                continue
            group = QTreeWidgetItem([f"{HOW_LABELS.get(how, how)} ({len(guesses)})"])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for g in guesses[:MAX_SHOWN]:
                row = QTreeWidgetItem([g.text])
                row.setData(0, NODE_ROLE, g.node_id)
                row.setToolTip(0, g.text)
                group.addChild(row)
            if len(guesses) > MAX_SHOWN:
                more = QTreeWidgetItem([f"… and {len(guesses) - MAX_SHOWN} more"])
                more.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.addChild(more)
            self.tree.addTopLevelItem(group)
            group.setExpanded(how in ("default", "label", "inferred"))
        said = {g.text for g in report.guesses}
        rest = [n for n in report.notes if n not in said]
        if rest:
            group = QTreeWidgetItem([f"other notes ({len(rest)})"])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for n in rest[:MAX_SHOWN]:
                row = QTreeWidgetItem([n])
                row.setFlags(Qt.ItemFlag.ItemIsEnabled)
                row.setToolTip(0, n)
                group.addChild(row)
            self.tree.addTopLevelItem(group)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        buttons.accepted.connect(self.close)
        layout.addWidget(head)
        layout.addWidget(summary)
        layout.addWidget(hint)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(760, 460)

    def rows(self) -> dict[str, QTreeWidgetItem]:
        """Every selectable row by node id (tests and keyboard users)."""
        out: dict[str, QTreeWidgetItem] = {}
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                row = group.child(j)
                nid = row.data(0, NODE_ROLE)
                if nid:
                    out[str(nid)] = row
        return out

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        nid = item.data(0, NODE_ROLE)
        if nid:
            self._select(str(nid))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["ImportReportDialog", "NODE_ROLE"]
