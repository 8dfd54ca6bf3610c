"""Ending the app well: SIGINT, SIGTERM, SIGHUP and the session ending.

A signal ends the app the way File ▸ Quit does, minus the dialogs: each window's
unsaved changes go to its recovery file (marked so the next start offers them), its
file locks are released, its background work stops, and the process exits with the
code a shell expects (128 + the signal: 130 for SIGINT, 143 for SIGTERM, 129 for
SIGHUP). A normal quit still exits 0. A signal the parent set to be ignored (``nohup``,
a non-interactive shell's background job) stays ignored. When an analysis is running (seconds, on a big
design, and not interruptible) the process leaves once the recovery files, locks and
log are on disk, without waiting for it.

How a signal reaches Qt: Python runs a signal handler only between bytecodes, and the
event loop sleeps in C++, so a bare handler would wait for the next Python slot and,
for SIGINT, raise KeyboardInterrupt inside it (the traceback the issue saw). Instead
the handlers only note the signal; ``signal.set_wakeup_fd`` writes its number to one
end of a socket pair whose other end a QSocketNotifier watches, so the event loop wakes
at once, the handler runs, and the ending happens in an ordinary slot from the event
loop (never in the middle of another slot). Three signals in a row (a person pressing
Ctrl+C again while the ending waits on a worker) end the process at once.

The session ending (logout, shutdown) reaches Qt as ``commitDataRequest``: the
unsaved changes are written to the recovery files then, without a dialog. The desktop
then sends SIGTERM, which ends the app as above; ``aboutToQuit`` ends any window still
open however the event loop was left.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication

from ...interrupts import interrupted_early
from .crashlog import flush_logging, log, main_windows

SIGNALS = [s for s in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, s)]
FORCE_AFTER = 3  # signals: the third one ends the process without waiting


def exit_code(signum: int) -> int:
    return 128 + int(signum)


def _name(window: Any) -> str:
    return Path(window.path).name if getattr(window, "path", None) else \
        (window.editor.design.name or "Untitled")


def workers_busy(window: Any) -> bool:
    """An analysis or a chart's sweep is running in the background for this window."""
    analysis = getattr(window, "analysis", None)
    sweeps = getattr(getattr(window, "insights", None), "worker", None)
    return bool(getattr(analysis, "busy", False) or getattr(sweeps, "busy", False))


def end_window(window: Any, stop_workers: bool = True) -> bool:
    """End one window without asking: unsaved changes kept for recovery, locks released,
    workers stopped (``stop_workers``: waiting for what runs). Returns True when it had
    unsaved changes. A window that was closed normally is left alone; calling it again
    only writes edits made since."""
    from ..files.locks import release_locks

    saver = getattr(window, "autosaver", None)
    again = getattr(window, "_ended_quietly", False)
    if saver is not None and saver.stopped and not again:
        return False  # closed through closeEvent: it asked, and it cleaned up
    if saver is None:  # nothing to keep (tests make such windows): just stop its work
        release_locks(window)
        if stop_workers:
            window.analysis.shutdown()
            window.insights.shutdown()
        return False
    unsaved = not window.editor.undo_stack.isClean()
    if saver is not None:
        try:
            saver.leave_for_recovery()
        except Exception:  # noqa: BLE001 - keep ending the others
            log.exception("Could not write the recovery file of %s", _name(window))
    if again:
        return unsaved
    window._ended_quietly = True
    if saver is not None:
        saver.stop()  # releases the session lock and the design file's lock
    release_locks(window)
    if stop_workers:
        window.analysis.shutdown()
        window.insights.shutdown()
    return unsaved


def end_all(reason: str, stop_workers: bool = True) -> list[str]:
    """End every main window without dialogs; returns the names kept for recovery."""
    kept = []
    for w in main_windows():
        if end_window(w, stop_workers):
            kept.append(_name(w))
    if kept:
        log.info("%s: unsaved changes of %s kept in the recovery folder; the next start offers "
                 "them", reason, ", ".join(kept))
    return kept


def keep_for_session_end() -> list[str]:
    """The session is ending (commitDataRequest): write unsaved changes, ask nothing, and
    stay usable in case the logout is cancelled."""
    kept = []
    for w in main_windows():
        saver = getattr(w, "autosaver", None)
        if saver is None or saver.stopped:
            continue
        if saver.needed():
            saver.autosave()
            kept.append(_name(w))
    log.info("Session ending: %s", ("unsaved changes of " + ", ".join(kept) + " written to the "
                                    "recovery folder") if kept else "nothing unsaved")
    flush_logging()
    return kept


def _hard_exit(code: int) -> None:
    flush_logging()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    os._exit(code)


class Lifecycle(QObject):
    """Owns the signal handlers and the socket pair; one per process (see :func:`install`)."""

    ending = Signal(int)  # the exit code, just before the windows are ended

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.app = app
        self.exit = app.exit  # leaves the event loop; a test replaces it
        self.hard_exit = _hard_exit  # ends the process at once; a test replaces it
        self.code: int | None = None
        self.received: list[int] = []
        self._previous: dict[int, Any] = {}
        self._old_wakeup = -1
        self._rsock: socket.socket | None = None
        self._wsock: socket.socket | None = None
        self.notifier: QSocketNotifier | None = None
        self._installed = False

    # -- installing ------------------------------------------------------------------
    def install(self) -> Lifecycle:
        if self._installed:
            return self
        self._installed = True
        app = self.app
        if isinstance(app, QApplication):
            app.commitDataRequest.connect(self._on_commit_data)
        app.aboutToQuit.connect(self._on_about_to_quit)
        try:
            self._rsock, self._wsock = socket.socketpair()
            for s in (self._rsock, self._wsock):
                s.setblocking(False)
            self._old_wakeup = signal.set_wakeup_fd(self._wsock.fileno(), warn_on_full_buffer=False)
            self.notifier = QSocketNotifier(self._rsock.fileno(), QSocketNotifier.Type.Read, self)
            self.notifier.activated.connect(self._on_wakeup)
        except (OSError, ValueError) as exc:  # not the main thread, or no sockets: poll instead
            log.warning("No signal wake-up socket (%s); polling for signals", exc)
            self._poll = QTimer(self)
            self._poll.timeout.connect(lambda: None)  # lets Python run its handlers
            self._poll.start(200)
        for name in SIGNALS:
            num = getattr(signal, name)
            try:
                if signal.getsignal(num) is signal.SIG_IGN:
                    continue  # ignored by whoever started us (nohup, a shell's background job)
                self._previous[num] = signal.signal(num, self._handler)
            except (OSError, ValueError):  # pragma: no cover - not the main thread
                pass
        if interrupted_early() and not self.received:  # Ctrl+C while the app was loading
            self.received.append(int(signal.SIGINT))
            QTimer.singleShot(0, self._process)
        return self

    def uninstall(self) -> None:
        """Put back the previous handlers (tests)."""
        if not self._installed:
            return
        self._installed = False
        for num, old in self._previous.items():
            try:
                signal.signal(num, old)
            except (OSError, ValueError, TypeError):
                pass
        self._previous.clear()
        try:
            signal.set_wakeup_fd(self._old_wakeup)
        except (OSError, ValueError):
            pass
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = None
        for s in (self._rsock, self._wsock):
            if s is not None:
                s.close()
        self._rsock = self._wsock = None
        try:
            self.app.aboutToQuit.disconnect(self._on_about_to_quit)
            if isinstance(self.app, QApplication):
                self.app.commitDataRequest.disconnect(self._on_commit_data)
        except (RuntimeError, TypeError):
            pass

    # -- the Python-level handler: note it, nothing else -------------------------------
    def _handler(self, signum: int, _frame: Any) -> None:
        self.received.append(signum)
        if len(self.received) >= FORCE_AFTER:
            _hard_exit(exit_code(self.received[0]))
        # the wake-up socket has the byte already; this covers a handler run before the
        # event loop (a nested dialog's loop wakes the notifier just the same)
        QTimer.singleShot(0, self._process)

    @Slot()
    def _on_wakeup(self) -> None:
        if self._rsock is not None:
            try:
                while self._rsock.recv(64):
                    pass
            except (BlockingIOError, InterruptedError, OSError):
                pass
        self._process()

    @Slot()
    def _process(self) -> None:
        if self.received and self.code is None:
            self.end(exit_code(self.received[0]), f"SIG{signal.Signals(self.received[0]).name[3:]}")

    # -- ending ------------------------------------------------------------------------
    def end(self, code: int, reason: str) -> None:
        """End every window without dialogs and leave the event loop with ``code``."""
        if self.code is not None:
            return
        self.code = code
        log.info("%s received: ending without dialogs (exit code %d)", reason, code)
        self.ending.emit(code)
        busy = any(workers_busy(w) for w in main_windows())
        end_all(reason, stop_workers=not busy)
        for w in main_windows():
            w.hide()
        if busy:
            # everything that must outlive the process is on disk now (recovery files,
            # released locks, the log); an analysis of a big design can take seconds and
            # cannot be interrupted, and Qt aborts when a thread outlives the app: leave
            # without waiting for it, as a shell expects of a signal
            log.info("%s: an analysis is still running; exiting without waiting for it", reason)
            self.hard_exit(code)
            return
        flush_logging()
        self.exit(code)
        # if no event loop runs yet (a start-up dialog's loop was left), leave the next one
        QTimer.singleShot(0, lambda: self.exit(code))

    @Slot()
    def _on_about_to_quit(self) -> None:
        from ..files.locks import release_locks

        end_all("Quit" if self.code is None else "Exit")
        for w in main_windows():
            # the interpreter's teardown clears each undo stack; an unsaved one then turns
            # "clean", and its listeners would take the file's lock again and retitle a
            # window that is half gone: nobody may react any more
            w.editor.undo_stack.blockSignals(True)
            release_locks(w)
        flush_logging()

    @Slot(object)
    def _on_commit_data(self, _manager: Any) -> None:
        keep_for_session_end()

    def interrupted(self) -> None:
        """A KeyboardInterrupt slipped through (before the handler was installed)."""
        if self.code is None:
            self.end(exit_code(signal.SIGINT), "Interrupt")


_LIFECYCLE: Lifecycle | None = None


def install(app: QCoreApplication | None = None) -> Lifecycle:
    """The process's lifecycle handler, installed once."""
    global _LIFECYCLE
    app = app or QCoreApplication.instance()
    assert app is not None, "make the QApplication first"
    if _LIFECYCLE is None or _LIFECYCLE.app is not app:
        _LIFECYCLE = Lifecycle(app)
    return _LIFECYCLE.install()


def exit_status(default: int) -> int:
    """The code to exit with: the signal's when one ended the app, else ``default``."""
    if _LIFECYCLE is not None and _LIFECYCLE.code is not None:
        return _LIFECYCLE.code
    return default


__all__ = ["Lifecycle", "end_all", "end_window", "exit_code", "exit_status", "install",
           "keep_for_session_end"]
