"""The sweep worker: off the UI thread, newest request per kind wins, stale results dropped,
errors reported, shutdown waits."""

from __future__ import annotations

import threading

import pytest

from modeller.analysis.sweeps import sweep_demand
from modeller.ui.insights.sweep_worker import JobCancelled, SweepWorker, demand_job

from .conftest import example


@pytest.fixture
def worker(qtbot):  # noqa: ANN001, ANN201
    w = SweepWorker()
    yield w
    w.shutdown()


def gated(gate: threading.Event, value, seen: list | None = None):  # noqa: ANN001, ANN201
    def run(cancelled):  # noqa: ANN001, ANN202
        if seen is not None:
            seen.append(threading.current_thread() is threading.main_thread())
        assert gate.wait(10)
        return value
    return run


def test_runs_off_the_ui_thread_and_delivers_on_it(qtbot, worker):  # noqa: ANN001
    gate = threading.Event()
    gate.set()
    on_main: list[bool] = []
    delivered: list[bool] = []
    worker.resultReady.connect(
        lambda *a: delivered.append(threading.current_thread() is threading.main_thread()))
    with qtbot.waitSignal(worker.resultReady, timeout=5000) as blocker:
        worker.request("demand", "k1", gated(gate, 42, on_main))
    assert blocker.args == ["demand", "k1", 42]
    assert on_main == [False] and delivered == [True]


def test_newest_request_wins(qtbot, worker):  # noqa: ANN001
    gate = threading.Event()
    results: list = []
    worker.resultReady.connect(lambda kind, key, value: results.append((key, value)))
    worker.request("replicas", "a", gated(gate, "A"))  # starts, blocks on the gate
    worker.request("replicas", "b", gated(gate, "B"))  # waits
    worker.request("replicas", "c", gated(gate, "C"))  # replaces b, which never runs
    assert worker.in_flight("replicas") == "c"
    gate.set()
    qtbot.waitUntil(lambda: not worker.busy, timeout=5000)
    assert results == [("c", "C")]
    assert worker.dropped == 1  # a ran but answered an old request
    assert worker.started == 2  # a and c; b was replaced before it started


def test_kinds_are_independent(qtbot, worker):  # noqa: ANN001
    gate = threading.Event()
    gate.set()
    results: dict = {}
    worker.resultReady.connect(lambda kind, key, value: results.__setitem__(kind, value))
    worker.request("simulation", 1, gated(gate, "sim"))
    worker.request("demand", 1, gated(gate, "dem"))
    worker.request("replicas", 1, gated(gate, "rep"))
    qtbot.waitUntil(lambda: not worker.busy, timeout=5000)
    assert results == {"simulation": "sim", "demand": "dem", "replicas": "rep"}


def test_errors_are_reported_not_raised(qtbot, worker):  # noqa: ANN001
    def boom(cancelled):  # noqa: ANN001, ANN202
        raise ValueError("no such node")
    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        worker.request("replicas", "x", boom)
    kind, key, message = blocker.args
    assert (kind, key) == ("replicas", "x") and "ValueError: no such node" in message


def test_demand_job_stops_between_factors_when_superseded(qtbot, worker):  # noqa: ANN001
    design, _ = example("three-tier")
    calls = {"n": 0}
    flag = threading.Event()

    def cancelled() -> bool:
        calls["n"] += 1
        return flag.is_set() and calls["n"] > 2

    flag.set()
    with pytest.raises(JobCancelled):
        demand_job(design, [0.0, 0.5, 1.0, 1.5])(cancelled)
    assert calls["n"] == 3  # two factors done, stopped before the third
    rows = demand_job(design, [0.0, 1.0])(lambda: False)
    assert rows == sweep_demand(design, [0.0, 1.0])


def test_cancel_and_shutdown_deliver_nothing(qtbot, worker):  # noqa: ANN001
    gate = threading.Event()
    results: list = []
    worker.resultReady.connect(lambda *a: results.append(a))
    worker.request("demand", "k", gated(gate, 1))
    worker.cancel("demand")
    gate.set()
    qtbot.waitUntil(lambda: not worker.busy, timeout=5000)
    assert results == [] and worker.dropped == 1
    worker.shutdown()
    worker.request("demand", "late", gated(gate, 2))
    qtbot.wait(50)
    assert results == [] and worker.started == 1
