"""The analysis worker waits for the canvas to paint the first badges before it goes on
(so the rest of the pass does not compete with that paint), for its own analysis only,
and never once the window is closing."""

from __future__ import annotations

import threading

import pytest

import modeller.ui.window.worker as W


@pytest.fixture
def fake_engine(monkeypatch):  # noqa: ANN001, ANN201
    """The real engine's entry point replaced by one that reports a first result and
    notes when the worker let it go on; the wait has no time limit here."""
    monkeypatch.setattr(W, "PAINT_WAIT_S", None)
    events: list[str] = []

    def engine(design, preliminary=None):  # noqa: ANN001, ANN202
        preliminary({"first": design})
        events.append("went on")
        return {"full": design}

    monkeypatch.setattr(W, "default_analyze", engine)
    return events


def _start(worker, token):  # noqa: ANN001, ANN202
    firsts: list = []
    worker.first.connect(lambda tok, report: firsts.append(tok))  # queued to this thread
    t = threading.Thread(target=worker.run, args=(token, "design"), daemon=True)
    t.start()
    return t, firsts


def _wait_for(firsts: list, qapp) -> None:  # noqa: ANN001
    for _ in range(3000):
        qapp.processEvents()
        if firsts:
            return
        threading.Event().wait(0.01)
    raise AssertionError("no first result in 30 s")


def test_the_worker_goes_on_when_its_own_badges_are_painted(qapp, fake_engine) -> None:  # noqa: ANN001
    worker = W._Worker(W.default_analyze)
    t, firsts = _start(worker, (0, 7))
    _wait_for(firsts, qapp)  # the first result was handed over; now it waits
    worker.painted((0, 6))  # a late note about an older analysis does not release it
    t.join(0.2)
    assert t.is_alive() and fake_engine == []
    worker.painted((0, 7))
    t.join(30)
    assert not t.is_alive() and fake_engine == ["went on"] and firsts == [(0, 7)]


def test_a_closing_window_never_keeps_the_worker_waiting(qapp, fake_engine) -> None:  # noqa: ANN001
    worker = W._Worker(W.default_analyze)
    t, firsts = _start(worker, (0, 1))
    _wait_for(firsts, qapp)
    worker.close()
    t.join(30)
    assert not t.is_alive() and fake_engine == ["went on"]
    # once closed, later analyses do not even hand over a first result
    t, firsts = _start(worker, (0, 2))
    t.join(30)
    qapp.processEvents()
    assert not t.is_alive() and firsts == [] and fake_engine == ["went on", "went on"]
