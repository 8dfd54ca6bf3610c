"""Ctrl+C while the app is still loading: remembered, never lost, never inside Qt's import."""

from __future__ import annotations

import os
import signal

import pytest

from modeller import interrupts


@pytest.fixture(autouse=True)
def restore():  # noqa: ANN201
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)
    interrupts._noted.clear()


def test_before_the_gui_ctrl_c_still_raises_and_is_remembered() -> None:
    interrupts.note_interrupts()
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        signal.pthread_sigmask(signal.SIG_BLOCK, [])  # a bytecode boundary to run the handler
    assert interrupts.interrupted_early()


def test_while_qt_loads_ctrl_c_is_only_noted() -> None:
    interrupts.note_interrupts()
    interrupts.hold_interrupts()
    os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt anywhere
    signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert interrupts.interrupted_early()
    assert interrupts.release_interrupts() is True  # the CLI turns it into exit code 130
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_an_ignored_sigint_stays_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # nohup, a shell's background job
    interrupts.note_interrupts()
    interrupts.hold_interrupts()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    os.kill(os.getpid(), signal.SIGINT)
    assert not interrupts.interrupted_early()
