"""The GUI entry point the CLI calls: ``run(files) -> exit code``."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QFileOpenEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ..files.paths import icon_path
from ..files.saving import APPLICATION, ORGANISATION, Recovery, find_recoveries
from . import lifecycle
from .crashlog import install_crash_reporter, log, versions_line
from .main_window import MainWindow


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), named so QSettings has its own place."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setWindowIcon(QIcon(str(icon_path("modeller"))))
        QGuiApplication.setDesktopFileName("modeller")  # the dock/taskbar finds our icon
    return app  # type: ignore[return-value]


class FileOpenFilter(QObject):
    """macOS hands files opened from Finder to a running app as QFileOpenEvent."""

    def __init__(self, windows: list[MainWindow]) -> None:
        super().__init__()
        self.windows = windows

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path:
                target = self.windows[0] if self.windows and not self.windows[0].editor.design.nodes \
                    and self.windows[0].editor.undo_stack.isClean() else MainWindow()
                if target not in self.windows:
                    self.windows.append(target)
                target.open_file(path, ask=False)
                target.show()
                target.raise_()
            return True
        return False


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
    """Open the main window (one per file given), offer crash recovery, run the event loop.

    Returns 0 after a normal quit, 128 + the signal's number after SIGINT, SIGTERM or
    SIGHUP (see :mod:`.lifecycle`); errors no code catches go to the log (:mod:`.crashlog`).
    """
    app = application()
    reporter = install_crash_reporter()
    ending = lifecycle.install(app)
    reporter.interrupted.connect(ending.interrupted)
    log.info("Modeller starting (%s)", versions_line())
    if ending.received:  # Ctrl+C while the app was loading: there is nothing to keep yet
        log.info("Interrupted while starting")
        return lifecycle.exit_code(ending.received[0])
    windows: list[MainWindow] = []
    first = MainWindow()
    windows.append(first)
    recovered = offer_recovery(first, find_recoveries())
    if ending.code is not None:  # a signal came while a recovery question was open
        return ending.code
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
    opener = FileOpenFilter(windows)
    app.installEventFilter(opener)
    code = lifecycle.exit_status(app.exec())
    log.info("Modeller ended (exit code %d)", code)
    return code
