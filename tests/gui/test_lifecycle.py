"""Ending without dialogs, in-process: a real signal through the wake-up socket, the
session ending, and a window that was already closed. (The real app under SIGINT and
SIGTERM: tests/hardening/test_signals.py.)"""

from __future__ import annotations

import json
import os
import shutil
import signal

import pytest

from modeller.model import design_to_dict, loads_design
from modeller.ui.files.locks import lock_path
from modeller.ui.files.saving import find_recoveries
from modeller.ui.window import lifecycle

from .conftest import EXAMPLES, make_window


@pytest.fixture(autouse=True)
def private_log(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("MODELLER_LOG_DIR", str(tmp_path / "log"))


@pytest.fixture
def edited(qtbot, tmp_path):  # noqa: ANN001, ANN201
    path = tmp_path / "work" / "shop.arch.json"
    path.parent.mkdir()
    shutil.copy(EXAMPLES / "multi-az.arch.json", path)
    w = make_window(qtbot, autosave=True)
    assert w.open_file(str(path), ask=False)
    w.editor.move({"web": (40.0, 0.0)})
    assert lock_path(path).exists() and not w.editor.undo_stack.isClean()
    # the move's analysis lands first: a signal during a running analysis leaves at once
    # (Lifecycle.end: hard exit), which these tests do not exercise
    qtbot.waitUntil(lambda: not w.analysis.busy and w.analysis.last_revision == w.editor.design.revision,
                    timeout=10000)
    return w, path


def _meta(w) -> dict:  # noqa: ANN001
    return json.loads(w.autosaver.meta_path.read_text(encoding="utf-8"))


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_a_real_sigint_ends_every_window_without_a_dialog(qtbot, edited) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QApplication

    w, path = edited
    expected = design_to_dict(w.editor.design)
    app = QApplication.instance()
    lc = lifecycle.Lifecycle(app)
    exits: list[int] = []
    lc.exit = exits.append  # the test's event loop must go on
    before = signal.getsignal(signal.SIGINT)
    lc.install()
    try:
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt: the handler only notes it
        qtbot.waitUntil(lambda: lc.code is not None, timeout=5000)
    finally:
        lc.uninstall()
    assert lc.code == 130 and exits and exits[0] == 130
    assert signal.getsignal(signal.SIGINT) is before  # put back
    assert w.autosaver.stopped and not w.isVisible()
    assert not lock_path(path).exists()  # the design file's lock is released
    assert not w.autosaver.lock_path.exists()  # and the session's
    assert _meta(w)["pid"] == 0  # "this session is gone": offered next start
    found = find_recoveries()
    assert [r.path for r in found] == [w.autosaver.path]
    assert design_to_dict(found[0].load()) == expected
    assert found[0].original == str(path.resolve())


def test_edits_after_the_end_still_reach_the_recovery_file(qtbot, edited) -> None:  # noqa: ANN001
    w, _path = edited
    assert lifecycle.end_window(w) is True
    w.editor.move({"app": (0.0, 40.0)})  # an input event that was already queued
    assert lifecycle.end_window(w) is True  # aboutToQuit ends them again: writes only news
    saved = loads_design(w.autosaver.path.read_text(encoding="utf-8"))
    assert design_to_dict(saved) == design_to_dict(w.editor.design)


def test_a_clean_window_leaves_no_recovery_file(qtbot, edited) -> None:  # noqa: ANN001
    w, path = edited
    assert w.save()
    assert lifecycle.end_window(w) is False
    assert not w.autosaver.path.exists() and not lock_path(path).exists()
    assert find_recoveries() == []


def test_a_window_closed_normally_is_left_alone(qtbot, edited, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox

    w, _path = edited
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert w.close()  # File ▸ Quit, "Discard"
    assert lifecycle.end_window(w) is False
    assert not w.autosaver.path.exists()  # the discarded edit is not resurrected
    assert find_recoveries() == []


def test_the_session_ending_writes_the_recovery_file_and_keeps_the_window(qtbot, edited) -> None:  # noqa: ANN001
    w, path = edited
    assert lifecycle.keep_for_session_end() == ["shop.arch.json"]
    assert design_to_dict(loads_design(w.autosaver.path.read_text(encoding="utf-8"))) == \
        design_to_dict(w.editor.design)
    assert _meta(w)["pid"] == os.getpid()  # still running: a logout may be cancelled
    assert not w.autosaver.stopped and lock_path(path).exists()
    assert find_recoveries() == []  # our own, live session is not offered to ourselves


def test_exit_codes() -> None:
    assert lifecycle.exit_code(signal.SIGINT) == 130
    assert lifecycle.exit_code(signal.SIGTERM) == 143


def test_a_signal_during_a_long_analysis_does_not_wait_for_it(qtbot, tmp_path) -> None:  # noqa: ANN001
    import threading

    from PySide6.QtWidgets import QApplication

    release = threading.Event()

    def slow(design):  # noqa: ANN001, ANN202 - an analysis that takes as long as the test says
        release.wait(30)
        raise RuntimeError("never reported")

    path = tmp_path / "shop.arch.json"
    shutil.copy(EXAMPLES / "multi-az.arch.json", path)
    w = make_window(qtbot, analyze=slow, autosave=True)
    assert w.open_file(str(path), ask=False)
    w.editor.move({"web": (40.0, 0.0)})
    qtbot.waitUntil(lambda: w.analysis.busy, timeout=5000)
    lc = lifecycle.Lifecycle(QApplication.instance())
    hard: list[int] = []
    lc.hard_exit = hard.append
    lc.exit = lambda code: pytest.fail("waited for the event loop instead of leaving")
    try:
        lc.end(143, "SIGTERM")
        assert hard == [143] and w.analysis.busy  # left while the analysis still ran
        assert not lock_path(path).exists() and _meta(w)["pid"] == 0
        assert design_to_dict(find_recoveries()[0].load()) == design_to_dict(w.editor.design)
    finally:
        release.set()


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
def test_a_signal_ignored_by_the_parent_stays_ignored(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QApplication

    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # `nohup modeller &`
    lc = lifecycle.Lifecycle(QApplication.instance())
    try:
        lc.install()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) == lc._handler
    finally:
        lc.uninstall()
        signal.signal(signal.SIGHUP, before)
