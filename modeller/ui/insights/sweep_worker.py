"""Sweeps and simulations off the UI thread: newest request wins, stale results dropped.

The charts need numbers that take from milliseconds to a second or two on a big design
(a demand sweep is one exact analysis per demand level). Each request has a *kind*
("demand", "replicas", "simulation", "cut_sets"); per kind at most one job runs and at most one
waits. A new request replaces the waiting one and asks the running one to stop at its
next checkpoint; when a job ends, its result is delivered only if it answers the
newest request of its kind. Jobs run on a private one-thread QThreadPool (the machine's
other core belongs to the live analysis), interactive kinds first.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from ...model import Design

Cancelled = Callable[[], bool]
JobFn = Callable[[Cancelled], Any]

PRIORITY = {"replicas": 2, "demand": 1, "simulation": 0, "cut_sets": 0}


class JobCancelled(Exception):
    """Raised inside a job that noticed a newer request of its kind."""


def demand_job(design: Design, factors: list[float]) -> JobFn:
    """``sweep_demand`` one factor at a time so a newer request can cut it short."""
    def run(cancelled: Cancelled) -> list[dict[str, Any]]:
        from ...analysis.sweeps import sweep_demand

        rows: list[dict[str, Any]] = []
        for f in factors:
            if cancelled():
                raise JobCancelled
            rows.extend(sweep_demand(design, [f]))
        return rows
    return run


def replicas_job(design: Design, node_id: str, max_replicas: int) -> JobFn:
    def run(cancelled: Cancelled) -> list[dict[str, Any]]:
        from ...analysis.sweeps import sweep_replicas

        if cancelled():
            raise JobCancelled
        return sweep_replicas(design, node_id, max_replicas)
    return run


def simulation_job(design: Design, years: int, seed: int = 0) -> JobFn:
    def run(cancelled: Cancelled) -> dict[str, Any]:
        from ...analysis.simulation import simulate

        if cancelled():
            raise JobCancelled
        return simulate(design, years=years, seed=seed)
    return run


def cut_sets_job(design: Design, q_sys: float, failures: Any) -> JobFn:
    """Minimal cut sets (``analysis.cutsets``) with the live report's P(down) and
    scenarios: what the full report would list."""
    def run(cancelled: Cancelled) -> dict[str, Any]:
        from ...analysis.cutsets import cut_sets_for

        if cancelled():
            raise JobCancelled
        res = cut_sets_for(design, q_sys, failures)
        return {"cut_sets": res.cut_sets, "summary": res.summary(), "q": q_sys}
    return run


class _Relay(QObject):
    """Carries a job's end from the pool thread to the UI thread (queued connection)."""

    ended = Signal(str, int, object, object, str)  # kind, seq, key, result, error


class _Job(QRunnable):
    def __init__(self, kind: str, seq: int, key: Hashable, fn: JobFn, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the worker keeps it until its end is delivered
        self.kind, self.seq, self.key, self.fn, self.relay = kind, seq, key, fn, relay
        self.cancel = threading.Event()

    def run(self) -> None:
        result: Any = None
        error = ""
        try:
            if self.cancel.is_set():
                raise JobCancelled
            result = self.fn(self.cancel.is_set)
        except JobCancelled:
            error = "cancelled"
        except Exception as exc:  # noqa: BLE001 - an engine error must reach the UI, not kill the pool
            tb = traceback.extract_tb(exc.__traceback__)
            where = f" (at {tb[-1].name}, line {tb[-1].lineno})" if tb else ""
            error = f"{type(exc).__name__}: {exc}{where}"
        try:
            self.relay.ended.emit(self.kind, self.seq, self.key, result, error)
        except RuntimeError:  # the worker was deleted while this ran
            pass


class SweepWorker(QObject):
    """Runs chart jobs in the background; see the module docstring for the rules.

    ``resultReady(kind, key, result)`` and ``failed(kind, key, message)`` fire on the UI
    thread for the newest request of a kind only; ``dropped`` counts results thrown away.
    """

    resultReady = Signal(str, object, object)
    failed = Signal(str, object, str)
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max(1, threads))
        self._relay = _Relay(self)
        self._relay.ended.connect(self._on_ended)
        self._seq: dict[str, int] = {}
        self._keys: dict[str, Hashable] = {}
        self._running: dict[str, _Job] = {}
        self._pending: dict[str, _Job] = {}
        self._closed = False
        self.dropped = 0
        self.started = 0  # jobs handed to the pool (for tests: newest-wins skips some)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def busy(self) -> bool:
        return bool(self._running or self._pending)

    def latest_key(self, kind: str) -> Hashable | None:
        """The key of the newest request of ``kind`` (what a delivered result answers)."""
        return self._keys.get(kind)

    def in_flight(self, kind: str) -> Hashable | None:
        """The key of the request of ``kind`` that is running or waiting, if any."""
        job = self._pending.get(kind) or self._running.get(kind)
        if job is None or job.seq != self._seq.get(kind):
            return None
        return job.key

    def request(self, kind: str, key: Hashable, fn: JobFn) -> None:
        """Run ``fn(cancelled)`` off the UI thread; it supersedes older requests of ``kind``."""
        if self._closed:
            return
        was_busy = self.busy
        seq = self._seq.get(kind, 0) + 1
        self._seq[kind] = seq
        self._keys[kind] = key
        job = _Job(kind, seq, key, fn, self._relay)
        running = self._running.get(kind)
        if running is None:
            self._start(job)
        else:
            running.cancel.set()
            self._pending[kind] = job  # replaces (never starts) an older waiting one
        if not was_busy:
            self.busyChanged.emit(True)

    def cancel(self, kind: str) -> None:
        """Forget ``kind``: nothing of it will be delivered."""
        self._seq[kind] = self._seq.get(kind, 0) + 1
        self._keys.pop(kind, None)
        self._pending.pop(kind, None)
        running = self._running.get(kind)
        if running is not None:
            running.cancel.set()

    def _start(self, job: _Job) -> None:
        self._running[job.kind] = job
        self.started += 1
        self.pool.start(job, PRIORITY.get(job.kind, 0))

    @Slot(str, int, object, object, str)
    def _on_ended(self, kind: str, seq: int, key: Hashable, result: Any, error: str) -> None:
        self._running.pop(kind, None)
        nxt = self._pending.pop(kind, None)
        if nxt is not None and not self._closed:
            self._start(nxt)
        if seq != self._seq.get(kind) or self._closed:
            self.dropped += 1
        elif error == "cancelled":
            pass
        elif error:
            self.failed.emit(kind, key, error)
        else:
            self.resultReady.emit(kind, key, result)
        if not self.busy:
            self.busyChanged.emit(False)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (tests, shutdown); True when it is."""
        return self.pool.waitForDone(msecs)

    def shutdown(self) -> None:
        """Stop taking work, cancel what runs and wait for it (call before quitting)."""
        if self._closed:
            return
        self._closed = True
        self._pending.clear()
        for job in self._running.values():
            job.cancel.set()
        self.pool.clear()
        self.pool.waitForDone()
        self._running.clear()
