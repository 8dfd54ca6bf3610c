"""The GUI entry point the CLI calls: ``run(files) -> exit code``."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from .files import APPLICATION, ORGANISATION, Recovery, find_recoveries
from .main_window import MainWindow
from .paths import icon_path


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), named so QSettings has its own place."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setWindowIcon(QIcon(str(icon_path("modeller"))))
    return app  # type: ignore[return-value]


def offer_recovery(window: MainWindow, recoveries: list[Recovery]) -> list[MainWindow]:
    """Ask about each design a crashed session left behind; recover accepted ones."""
    windows: list[MainWindow] = []
    for rec in recoveries:
        answer = QMessageBox.question(
            window, "Recover unsaved work?",
            f"Modeller did not close cleanly last time.\n\nRecover {rec.describe()}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Ignore, QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            target = window if not windows and window.editor.undo_stack.isClean() and \
                not window.editor.design.nodes else MainWindow()
            if target.recover(rec):
                windows.append(target)
        elif answer == QMessageBox.StandardButton.Discard:
            rec.discard()
    return windows


def run(files: list[str]) -> int:
    """Open the main window (one per file given), offer crash recovery, run the event loop."""
    app = application()
    windows: list[MainWindow] = []
    first = MainWindow()
    windows.append(first)
    recovered = offer_recovery(first, find_recoveries())
    windows.extend(w for w in recovered if w is not first)
    for i, f in enumerate(files):
        target = first if i == 0 and not recovered else MainWindow()
        if target is not first:
            windows.append(target)
        if not Path(f).exists():
            target.show_error("Cannot open the design", f"{f}: no such file — check the path")
            continue
        target.open_file(f, ask=False)
    for w in windows:
        w.show()
    first.raise_()
    app._modeller_windows = windows  # type: ignore[attr-defined]  # keep them alive
    return app.exec()
