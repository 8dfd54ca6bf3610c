"""The app's log, crash reports and diagnostics for bug reports.

The log is a rotating file, ``modeller.log`` (1 MB, three old copies kept), in the
platform's log folder: QStandardPaths' AppLocalDataLocation ``/log``, or
``$MODELLER_LOG_DIR``, or ``$MODELLER_CONFIG_DIR/log`` when only that is set (tests).
``MODELLER_DEBUG=1`` also prints every record, tracebacks included, on the terminal.

An exception that no code catches — in a slot, a Qt virtual method, a worker thread
(Python's or a QThread) — reaches :class:`CrashReporter`: the full traceback goes to
the log with the version, the platform and the last actions (each window's undo-stack
texts), every window's unsaved changes are written to its recovery file at once, and
a non-modal dialog says in one sentence what happened and where the details are. The
app keeps running: a failed slot leaves the design as the last complete edit made it
(edits are undo commands, applied whole or not at all).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal, Slot, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

LOG_ENV = "MODELLER_LOG_DIR"
CONFIG_ENV = "MODELLER_CONFIG_DIR"
DEBUG_ENV = "MODELLER_DEBUG"
LOG_NAME = "modeller.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
RECENT_ACTIONS = 12
RECENT_LINES = 60
LOGGER = "modeller"

log = logging.getLogger(LOGGER)


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0", "false", "no")


def log_dir() -> Path:
    """The folder the log lives in (created on demand)."""
    env = os.environ.get(LOG_ENV)
    if env:
        p = Path(env)
    elif os.environ.get(CONFIG_ENV):
        p = Path(os.environ[CONFIG_ENV]) / "log"
    else:
        loc = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
        p = (Path(loc) if loc else Path.home() / ".modeller") / "log"
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return p


def log_file() -> Path:
    return log_dir() / LOG_NAME


# -- logging -------------------------------------------------------------------------
class _Handlers:
    file: logging.Handler | None = None
    terminal: logging.Handler | None = None
    path: Path | None = None


def setup_logging() -> logging.Logger:
    """Attach the rotating file handler (and, with MODELLER_DEBUG=1, the terminal) to the
    ``modeller`` logger. Calling it again moves the log if the folder changed."""
    path = log_file()
    if _Handlers.file is not None and _Handlers.path != path:
        log.removeHandler(_Handlers.file)
        _Handlers.file.close()
        _Handlers.file = None
    if _Handlers.file is None:
        try:
            handler: logging.Handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        except OSError:  # an unwritable folder: keep running without a file
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s [%(threadName)s] %(message)s"))
        log.addHandler(handler)
        _Handlers.file, _Handlers.path = handler, path
    if debug_enabled() and _Handlers.terminal is None:
        term = logging.StreamHandler(sys.stderr)
        term.setFormatter(logging.Formatter("modeller: %(levelname)s %(message)s"))
        log.addHandler(term)
        _Handlers.terminal = term
    log.setLevel(logging.INFO)
    log.propagate = False
    return log


def close_logging() -> None:
    """Detach the handlers (tests; the app keeps them until it exits)."""
    for h in (_Handlers.file, _Handlers.terminal):
        if h is not None:
            log.removeHandler(h)
            h.close()
    _Handlers.file = _Handlers.terminal = _Handlers.path = None


def flush_logging() -> None:
    for h in log.handlers:
        try:
            h.flush()
        except (OSError, ValueError):
            pass


# -- what a bug report needs -----------------------------------------------------------
def versions() -> dict[str, str]:
    from ... import __version__

    try:
        import PySide6

        pyside = PySide6.__version__
    except (ImportError, AttributeError):  # pragma: no cover
        pyside = "?"
    app = QGuiApplication.instance()
    return {
        "Modeller": __version__,
        "Qt": qVersion(),
        "PySide6": pyside,
        "Python": platform.python_version(),
        "Platform": platform.platform(),
        "Qt platform": QGuiApplication.platformName() if app is not None else "-",
    }


def versions_line() -> str:
    return ", ".join(f"{k} {v}" for k, v in versions().items())


def main_windows() -> list[Any]:
    """Every main window of this process (open or not yet deleted)."""
    from .main_window import MainWindow

    app = QApplication.instance()
    if app is None:
        return []
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def recent_actions(limit: int = RECENT_ACTIONS) -> list[str]:
    """The last edits of every window, oldest first (their undo-stack texts)."""
    out: list[str] = []
    for w in main_windows():
        stack = w.editor.undo_stack
        name = Path(w.path).name if w.path else (w.editor.design.name or "Untitled")
        top = stack.index()
        start = max(0, top - limit)
        texts = [stack.text(i) for i in range(start, top)]
        undone = stack.count() - top
        line = f"{name}: " + (" · ".join(texts) if texts else "(no edits)")
        if undone:
            line += f" ({undone} undone)"
        if not stack.isClean():
            line += " [unsaved]"
        out.append(line)
    return out


def recent_log_lines(n: int = RECENT_LINES) -> list[str]:
    try:
        text = log_file().read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return text.splitlines()[-n:]


def diagnostics() -> str:
    """Plain text for a bug report: versions, the log's place, last actions, recent log lines."""
    flush_logging()
    lines = ["Modeller diagnostics", ""]
    lines += [f"{k}: {v}" for k, v in versions().items()]
    lines += [f"Log: {log_file()}", "", "Last actions:"]
    lines += [f"  {a}" for a in recent_actions()] or ["  (no window)"]
    lines += ["", f"Recent log lines ({log_file().name}):"]
    lines += recent_log_lines() or ["(the log is empty)"]
    return "\n".join(lines) + "\n"


def copy_diagnostics() -> str:
    text = diagnostics()
    QGuiApplication.clipboard().setText(text)
    return text


# opens a folder in the file manager; a test replaces it
open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl


def show_log_folder() -> bool:
    folder = log_dir()
    return bool(open_url(QUrl.fromLocalFile(str(folder))))


# -- crash reports ---------------------------------------------------------------------
def where(tb: TracebackType | None) -> str:
    """The innermost frame in Modeller's own code (else the innermost), as "file, line N"."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    if not frames:
        return ""
    package = str(Path(__file__).resolve().parents[1]) + os.sep
    ours = [f for f in frames if str(Path(f.filename).resolve()).startswith(package)]
    f = (ours or frames)[-1]
    return f"{Path(f.filename).name}, line {f.lineno}, in {f.name}"


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 120:
        text = text[:117] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def sentence(exc: BaseException, place: str, path: Path) -> str:
    """What the dialog says: what happened and where the details are, in one sentence."""
    at = f" ({place})" if place else ""
    return (f"An internal error ({one_line(exc)}) stopped what Modeller was doing{at}; "
            f"your design is as your last edit left it and the details are in {path}.")


class CrashDialog(QDialog):
    """Non-modal: the app goes on; a second error while it shows only counts up."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Modeller hit an internal error")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(14)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMinimumWidth(420)
        top.addWidget(self.message, 1)
        lay.addLayout(top)
        self.hint = QLabel("Copy Diagnostics puts the version, the platform and the recent log "
                           "lines on the clipboard, ready for a bug report.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #475569;")
        lay.addWidget(self.hint)
        self.count = QLabel()
        self.count.setStyleSheet("color: #475569;")
        self.count.hide()
        lay.addWidget(self.count)
        buttons = QDialogButtonBox()
        self.folder_button = QPushButton("Show Log Folder")
        self.copy_button = QPushButton("Copy Diagnostics")
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.folder_button.clicked.connect(show_log_folder)
        self.copy_button.clicked.connect(self._copy)
        buttons.rejected.connect(self.close)
        self.close_button.clicked.connect(self.close)
        lay.addWidget(buttons)
        self.times = 0

    def _copy(self) -> None:
        copy_diagnostics()
        self.hint.setText("Diagnostics copied: paste them into the bug report.")

    def report(self, text: str) -> None:
        self.times += 1
        if self.times == 1 or not self.isVisible():
            self.times = 1
            self.message.setText(text)
            self.count.hide()
        else:
            self.count.setText(f"It happened again ({self.times} times in all); each is in the log.")
            self.count.show()
        self.adjustSize()
        self.show()
        self.raise_()


class CrashReporter(QObject):
    """Installs ``sys.excepthook`` and ``threading.excepthook``; see the module doc.

    ``show`` (text -> None) replaces the dialog (tests); by default a :class:`CrashDialog`
    shows, non-modal, over the active window.
    """

    crashed = Signal(str)  # the dialog's sentence; emitted on the thread this object lives in
    interrupted = Signal()  # a KeyboardInterrupt reached the hook (handled as SIGINT)
    _report = Signal(object, object, object, str)  # type, value, traceback, thread name

    def __init__(self, show: Callable[[str], None] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.show = show
        self.dialog: CrashDialog | None = None
        self.count = 0
        self._installed = False
        self._previous: tuple[Any, Any] | None = None
        self._busy = threading.local()
        self._report.connect(self._on_report, Qt.ConnectionType.QueuedConnection)

    # -- hooks -------------------------------------------------------------------
    def install(self) -> CrashReporter:
        if not self._installed:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self.excepthook
            threading.excepthook = self.thread_excepthook
            self._installed = True
        return self

    def uninstall(self) -> None:
        if self._installed and self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._installed = False

    def excepthook(self, exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        self.handle(exc_type, exc, tb, threading.current_thread().name)

    def thread_excepthook(self, args: Any) -> None:  # threading.ExceptHookArgs
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "thread"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, name)

    def handle(self, exc_type: type[BaseException], exc: BaseException | None,
               tb: TracebackType | None, thread: str) -> None:
        """Log now (any thread); autosave and the dialog follow on this object's thread."""
        if exc is None:
            exc = exc_type()
        if isinstance(exc, KeyboardInterrupt):
            self.interrupted.emit()  # a Ctrl+C that slipped past the signal handler: quit
            return
        if getattr(self._busy, "on", False):  # the hook itself failed: say so the plain way
            sys.__excepthook__(exc_type, exc, tb)
            return
        self._busy.on = True
        try:
            self.count += 1
            place = where(tb)
            details = "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()
            actions = "\n".join(f"  {a}" for a in self._safe_actions()) or "  (none)"
            log.error("Unhandled exception in thread %s (%s)\n%s\n%s\nLast actions:\n%s",
                      thread, place or "?", versions_line(), details, actions)
            flush_logging()
            if not debug_enabled():  # the terminal gets one line; MODELLER_DEBUG=1 gets it all
                try:
                    print(f"modeller: internal error: {one_line(exc)} (details in {log_file()})",
                          file=sys.stderr)
                except (OSError, ValueError):
                    pass
            self._report.emit(exc_type, exc, tb, place)
        except Exception:  # noqa: BLE001 - never let the hook raise
            sys.__excepthook__(exc_type, exc, tb)
        finally:
            self._busy.on = False

    def _safe_actions(self) -> list[str]:
        if threading.current_thread() is not threading.main_thread():
            return []  # widgets belong to the UI thread; the dialog path logs them instead
        try:
            return recent_actions()
        except Exception:  # noqa: BLE001
            return []

    # -- on the UI thread ------------------------------------------------------------------
    @Slot(object, object, object, str)
    def _on_report(self, exc_type: Any, exc: BaseException, tb: Any, place: str) -> None:
        kept = keep_unsaved_work()
        if kept:
            log.info("Unsaved changes written to the recovery file of %s", ", ".join(kept))
        text = sentence(exc, place, log_file())
        self.crashed.emit(text)
        if self.show is not None:
            self.show(text)
            return
        if self.dialog is None:
            parent = QApplication.activeWindow()
            if parent is None:
                wins = [w for w in main_windows() if w.isVisible()]
                parent = wins[0] if wins else None
            self.dialog = CrashDialog(parent)
        self.dialog.report(text)


def keep_unsaved_work() -> list[str]:
    """Write every open window's unsaved changes to its recovery file now (after a crash)."""
    kept = []
    for w in main_windows():
        saver = getattr(w, "autosaver", None)
        if saver is None or saver.stopped:
            continue
        try:
            if saver.autosave() or (saver.needed() and saver.path.exists()):
                kept.append(Path(w.path).name if w.path else (w.editor.design.name or "Untitled"))
        except Exception:  # noqa: BLE001 - the report must go on
            log.exception("Autosave after the error failed")
    return kept


_REPORTER: CrashReporter | None = None


def install_crash_reporter(show: Callable[[str], None] | None = None) -> CrashReporter:
    """The process's reporter (made and installed once; logging set up first)."""
    global _REPORTER
    setup_logging()
    if _REPORTER is None:
        _REPORTER = CrashReporter(show)
    elif show is not None:
        _REPORTER.show = show
    return _REPORTER.install()


def install_diagnostics(window: Any) -> None:
    """Help ▸ Show Log Folder and Help ▸ Copy Diagnostics."""
    from PySide6.QtGui import QAction

    menu = None
    for top in window.menuBar().actions():
        if top.menu() is not None and top.text().replace("&", "") == "Help":
            menu = top.menu()
    if menu is None:
        menu = window.menuBar().addMenu("&Help")
    about = next((a for a in menu.actions() if a.text().replace("&", "").startswith("About")), None)
    folder = QAction("Show &Log Folder", window)
    folder.setStatusTip(f"Open the folder that holds {LOG_NAME} (errors and their details)")
    folder.triggered.connect(lambda: _show_folder(window))
    copy = QAction("Copy &Diagnostics", window)
    copy.setStatusTip("Copy the version, Qt, platform and recent log lines, for a bug report")
    copy.triggered.connect(lambda: _copy(window))
    if about is not None:
        sep = menu.insertSeparator(about)
        menu.insertAction(sep, folder)
        menu.insertAction(sep, copy)
        menu.insertSeparator(folder)
    else:
        menu.addSeparator()
        menu.addAction(folder)
        menu.addAction(copy)
    window.act_show_log_folder = folder
    window.act_copy_diagnostics = copy


def _show_folder(window: Any) -> None:
    if not show_log_folder() and hasattr(window, "show_status"):
        window.show_status(f"The log is in {log_dir()}")


def _copy(window: Any) -> None:
    copy_diagnostics()
    if hasattr(window, "show_status"):
        window.show_status("Diagnostics copied to the clipboard (version, Qt, platform, recent log lines)")


__all__ = ["CrashDialog", "CrashReporter", "copy_diagnostics", "diagnostics", "install_crash_reporter",
           "install_diagnostics", "keep_unsaved_work", "log_dir", "log_file", "setup_logging",
           "show_log_folder"]
