"""The variant bar above the canvas: Base and every variant as tabs, and what to do with them.

A tab click switches the canvas to that option (one undo step); "+ Variant" adds a
variant (a copy of what is shown); "Variant ▾" (and a tab's context menu) duplicates,
renames or deletes the shown one; "Compare…" opens the comparison. Double-clicking a
tab renames it. Every change is an undo step of the
window's stack (see :mod:`.controller`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QMessageBox,
    QTabBar,
    QToolButton,
    QWidget,
)

from .controller import BASE, VariantController

BAR_STYLE = """
#variantBar { background: #f1f5f9; border-bottom: 1px solid #cbd5e1; }
#variantBar QTabBar::tab { padding: 4px 10px; margin-right: 2px; border: 1px solid #cbd5e1;
    border-bottom: none; border-top-left-radius: 6px; border-top-right-radius: 6px;
    background: #e2e8f0; color: #0f172a; }
#variantBar QTabBar::tab:selected { background: #ffffff; font-weight: 600; border-color: #db2777; }
#variantBar QToolButton { padding: 3px 8px; border-radius: 4px; }
#variantBar QToolButton:hover { background: #e2e8f0; }
"""


class VariantBar(QWidget):
    """Tabs (Base, variants) and Add / Duplicate / Rename / Delete / Compare buttons."""

    compareRequested = Signal()

    def __init__(self, controller: VariantController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("variantBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(BAR_STYLE)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 0)
        lay.setSpacing(4)
        self.tabs = QTabBar()
        self.tabs.setObjectName("variantTabs")
        self.tabs.setToolTip("Options: the base design and its named variants (each a set of "
                             "changes to the base). The canvas shows the selected one; edits "
                             "go to it.")
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)  # names whole; scroll arrows if many
        self.tabs.setUsesScrollButtons(True)
        self.tabs.tabBarClicked.connect(self._clicked)
        self.tabs.tabBarDoubleClicked.connect(self._double_clicked)
        lay.addWidget(self.tabs, 0, Qt.AlignmentFlag.AlignBottom)
        lay.addStretch(1)
        self.buttons: dict[str, QToolButton] = {}
        self.menu = QMenu(self)
        self.actions_: dict[str, QAction] = {}
        for key, text, tip, slot in (
                ("duplicate", "Duplicate", "Duplicate the shown variant", self._duplicate),
                ("rename", "Rename…", "Rename the shown variant (or double-click its tab)",
                 self._rename),
                ("delete", "Delete", "Delete the shown variant (undoable)", self._delete)):
            a = self.menu.addAction(text)
            a.setToolTip(tip)
            a.triggered.connect(lambda _c=False, f=slot: f())
            self.actions_[key] = a
        for key, text, tip, slot in (
                ("add", "+ Variant", "Add a variant: a copy of what the canvas shows, to change",
                 self._add),
                ("more", "Variant ▾", "Duplicate, rename or delete the shown variant", None),
                ("compare", "Compare…", "Compare the base and every variant side by side",
                 self.compareRequested.emit)):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setObjectName(f"variant_{key}")
            if slot is None:
                b.setMenu(self.menu)
                b.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
                b.setStyleSheet("QToolButton::menu-indicator { image: none; }")
            else:
                b.clicked.connect(slot)
            lay.addWidget(b)
            self.buttons[key] = b
        self.tabs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tabs.customContextMenuRequested.connect(self._context_menu)
        controller.changed.connect(self.refresh)
        self.refresh()

    # -- state -> widgets --------------------------------------------------------------
    def refresh(self) -> None:
        names = [BASE, *self.controller.names()]
        self.tabs.blockSignals(True)
        while self.tabs.count() > len(names):
            self.tabs.removeTab(self.tabs.count() - 1)
        for i, name in enumerate(names):
            label = name if i == 0 else f"{i + 1}  {name}"
            if i < self.tabs.count():
                self.tabs.setTabText(i, label)
            else:
                self.tabs.addTab(label)
            self.tabs.setTabData(i, None if i == 0 else name)
            self.tabs.setTabToolTip(i, f"{name} (key {i + 1} in presentation mode)")
        current = self.controller.current
        self.tabs.setCurrentIndex(0 if current is None else names.index(current))
        self.tabs.blockSignals(False)
        shown = current is not None
        for key in ("duplicate", "rename", "delete"):
            self.actions_[key].setEnabled(shown)
        self.buttons["more"].setEnabled(shown)
        self.buttons["compare"].setEnabled(bool(self.controller.names()))

    def tab_names(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    # -- gestures ------------------------------------------------------------------------
    def _clicked(self, index: int) -> None:
        if index >= 0:
            self.controller.switch(self.tabs.tabData(index))

    def _double_clicked(self, index: int) -> None:
        name = self.tabs.tabData(index) if index >= 0 else None
        if name is not None:
            self._rename(name)

    def _context_menu(self, pos) -> None:  # noqa: ANN001
        index = self.tabs.tabAt(pos)
        if index > 0:
            self._clicked(index)
            self.menu.popup(self.tabs.mapToGlobal(pos))

    def _add(self) -> None:
        self.controller.add()

    def _duplicate(self) -> None:
        if self.controller.current is not None:
            self.controller.duplicate()

    def _rename(self, name: str | None = None) -> None:
        name = name if isinstance(name, str) else self.controller.current
        if name is None:
            return
        new, ok = QInputDialog.getText(self, "Rename variant", "Name:", text=name)
        if ok:
            self.controller.rename(name, new)

    def _delete(self) -> None:
        name = self.controller.current
        if name is None:
            return
        answer = QMessageBox.question(
            self, "Delete variant", f"Delete the variant “{name}”? (Edit ▸ Undo brings it back.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.delete(name)


__all__ = ["VariantBar"]
