"""Analysis off the UI thread: debounced, newest edit wins, stale results dropped.

Every design change restarts a short timer; when it fires, a copy of the design
(tagged with its revision) goes to a worker thread. While the worker is busy,
newer requests replace the one waiting, so only the newest edit is analysed
next. A result whose revision is older than the design's is dropped. An engine
error becomes a message, never a crash.

Two results per analysis with the real engine: first ``badgesReady`` with the
engine's preliminary report (exact availability and utilisation: what the canvas
badges show, bit-for-bit the full report's), then ``reportReady`` with the full
one. Between the two the worker waits (at most ``PAINT_WAIT_S``) until the UI
thread has painted the badges, so the rest of the pass does not compete with that
paint for the interpreter lock.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from ...model import Design, DesignError

AnalyzeFn = Callable[[Design], Any]
UNAVAILABLE = "Analysis unavailable: the engine is not installed"
PAINT_WAIT_S = 0.25  # the longest the worker waits for the UI to paint the first badges


def default_analyze(design: Design, preliminary: Callable[[Any], None] | None = None) -> Any:
    """The real engine's live pass (no simulation, no sweeps), imported lazily so the
    editor works while the engine is missing. ``preliminary`` gets the engine's first,
    partial report (the badges) before the rest of the pass runs."""
    try:
        from ...analysis import analyze
    except ImportError as exc:
        raise _Unavailable(f"{UNAVAILABLE} ({exc})") from None
    try:
        return analyze(design, simulation_years=0, sweeps=False, preliminary=preliminary)
    except TypeError as exc:  # an engine without those switches
        if "unexpected keyword" not in str(exc):
            raise
        return analyze(design)


class _Unavailable(RuntimeError):
    pass


class _Worker(QObject):
    done = Signal(object, object, float)  # token, report, seconds
    first = Signal(object, object)  # token, preliminary report (the badges)
    failed = Signal(object, str, bool)  # token, message, engine missing

    def __init__(self, analyze: AnalyzeFn) -> None:
        super().__init__()
        self.analyze = analyze
        # the UI thread notes which analysis's first badges it has painted (or that the
        # window is closing); the worker waits for its own token, not any earlier one
        self._painted = threading.Condition()
        self._painted_token: tuple[int, int] | None = None
        self.closing = False

    def painted(self, token: tuple[int, int]) -> None:
        """(UI thread) The first badges of ``token`` are on screen (or were dropped)."""
        with self._painted:
            self._painted_token = token
            self._painted.notify_all()

    def close(self) -> None:
        """(UI thread) No more waiting: the window is going."""
        with self._painted:
            self.closing = True
            self._painted.notify_all()

    @Slot(object, object)
    def run(self, revision: tuple[int, int], design: Design) -> None:
        t0 = time.perf_counter()

        def preliminary(report: Any) -> None:
            if self.closing:
                return
            self.first.emit(revision, report)
            with self._painted:
                self._painted.wait_for(lambda: self.closing or self._painted_token == revision,
                                       PAINT_WAIT_S)

        try:
            if self.analyze is default_analyze:
                report = default_analyze(design, preliminary)
            else:  # a stand-in engine (tests): one result
                report = self.analyze(design)
        except _Unavailable as exc:
            self.failed.emit(revision, str(exc), True)
            return
        except DesignError as exc:
            self.failed.emit(revision, f"Cannot analyse: {exc}", False)
            return
        except Exception as exc:  # noqa: BLE001 - an engine bug must not crash the editor
            tb = traceback.extract_tb(exc.__traceback__)
            where = f" (at {tb[-1].name}, line {tb[-1].lineno})" if tb else ""
            self.failed.emit(revision, f"Analysis failed: {type(exc).__name__}: {exc}{where}", False)
            return
        self.done.emit(revision, report, time.perf_counter() - t0)


class AnalysisController(QObject):
    """Schedules analyses of the editor's design and announces fresh reports."""

    reportReady = Signal(object, int)  # report, revision
    badgesReady = Signal(object, int)  # the preliminary report (badges only), revision
    failed = Signal(str)
    busyChanged = Signal(bool)
    _request = Signal(object, object)  # (generation, revision), design copy

    def __init__(self, design_source: Callable[[], Design], analyze: AnalyzeFn | None = None,
                 delay_ms: int = 150, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._design_source = design_source
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._submit)
        self._thread = QThread()
        self._thread.setObjectName("modeller-analysis")
        self._worker = _Worker(analyze or default_analyze)
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._worker.first.connect(self._on_first)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        self._busy_rev: tuple[int, int] | None = None
        self._generation = 0
        self._pending = False
        self.unavailable = False
        self.last_report: Any = None
        self.last_revision: int | None = None
        self.last_design: Design | None = None  # the copy that was analysed (nobody edits it)
        self._inflight: Design | None = None
        self.last_seconds = 0.0
        self.last_error = ""
        self.dropped = 0  # stale results thrown away (for tests and the bench)
        self.enabled = True

    @property
    def busy(self) -> bool:
        return self._busy_rev is not None

    def schedule(self) -> None:
        """A change happened: (re)start the debounce timer."""
        if self.enabled:
            self._timer.start()

    def run_now(self) -> None:
        self._timer.stop()
        self._submit()

    def _submit(self) -> None:
        if self._busy_rev is not None:
            self._pending = True  # newest wins: the design is copied when the worker is free
            return
        design = self._design_source()
        snapshot = design.copy()
        self._busy_rev = (self._generation, design.revision)
        self._inflight = snapshot
        self._pending = False
        self.busyChanged.emit(True)
        self._request.emit(self._busy_rev, snapshot)

    def _finish(self) -> None:
        self._busy_rev = None
        if self._pending:
            self._pending = False
            self._submit()
        else:
            self.busyChanged.emit(False)

    def reset(self) -> None:
        """A different design was opened: results for the old one are now stale."""
        self._generation += 1
        self.last_report = None
        self.last_revision = None
        self.schedule()

    def _current(self) -> tuple[int, int]:
        return (self._generation, self._design_source().revision)

    @Slot(object, object)
    def _on_first(self, token: tuple[int, int], report: Any) -> None:
        """The badges of the analysis in flight: shown (and painted, by the slots of
        ``badgesReady``) if still current; then the worker goes on."""
        try:
            if token == self._current():
                self.badgesReady.emit(report, token[1])
        finally:
            self._worker.painted(token)

    @Slot(object, object, float)
    def _on_done(self, token: tuple[int, int], report: Any, seconds: float) -> None:
        revision = token[1]
        self.last_seconds = seconds
        if token != self._current():
            self.dropped += 1
            if not self._pending and not self._timer.isActive():
                self._pending = True
        else:
            self.unavailable = False
            self.last_report, self.last_revision, self.last_error = report, revision, ""
            self.last_design = self._inflight
            self.reportReady.emit(report, revision)
        self._finish()

    @Slot(object, str, bool)
    def _on_failed(self, token: tuple[int, int], message: str, missing: bool) -> None:
        if token == self._current():
            self.unavailable = missing
            self.last_error = message
            self.last_report = None
            self.failed.emit(message)
        elif not self._timer.isActive():
            self._pending = True
        self._finish()

    def shutdown(self) -> None:
        """Stop the thread (waits for an analysis in flight to end)."""
        self.enabled = False
        self._timer.stop()
        self._pending = False
        self._worker.close()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
