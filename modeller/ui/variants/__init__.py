"""Variants, Compare and presentation mode in a MainWindow (one call: :func:`install_variants`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction

from ...render.variant_marks import show_variant_marks
from .bar import VariantBar
from .controller import VariantController
from .presentation import install_presentation


class VariantsUi:
    """What :func:`install_variants` adds: the controller, the bar, the marks, Compare."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.controller = VariantController(window.editor, window)
        self.bar = VariantBar(self.controller)
        layout = window.centralWidget().layout()
        index = layout.indexOf(window.view)
        layout.insertWidget(max(index, 0), self.bar)
        self.compare_action = QAction("&Compare Options…", window)
        self.compare_action.setStatusTip("The base and every variant side by side")
        self.compare_action.triggered.connect(self.open_compare)
        self.bar.compareRequested.connect(self.open_compare)
        self.controller.refused.connect(window.show_status)
        self.controller.changed.connect(self.mark)
        window.scene.synced.connect(self.mark)
        self.dialog: Any = None
        for menu_action in window.menuBar().actions():
            if menu_action.text().replace("&", "") == "View" and menu_action.menu() is not None:
                menu_action.menu().addSeparator()
                menu_action.menu().addAction(self.compare_action)
                break
        self.mark()

    def mark(self) -> None:
        """Outline and tag the parts the shown variant adds or changes."""
        show_variant_marks(self.window.scene, self.controller.changed_ids())

    def open_compare(self) -> Any:
        from .compare_view import CompareDialog

        if not self.controller.names():
            self.window.show_status("Add a variant first (+ Variant above the canvas): there "
                                    "is nothing to compare the design with")
            return None
        if self.dialog is None:
            self.dialog = CompareDialog(self.window)
        if self.dialog.compare_document(self.window.editor.document):
            self.dialog.show()
            self.dialog.raise_()
        else:
            self.window.show_status(self.dialog.heading.text())
        return self.dialog


def install_variants(window: Any) -> VariantsUi:
    """The variant bar above the canvas, change marks, Compare (View menu and bar) and
    presentation mode (F5). ``window.variants`` is the controller."""
    existing = getattr(window, "variants_ui", None)
    if isinstance(existing, VariantsUi):
        return existing
    ui = VariantsUi(window)
    window.variants_ui = ui
    window.variants = ui.controller
    install_presentation(window)
    return ui


__all__ = ["VariantsUi", "install_variants"]
