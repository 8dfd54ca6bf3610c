"""Two windows on one file are warned; locks follow the window's file; stale locks are taken over."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest
from PySide6.QtCore import QSysInfo
from PySide6.QtWidgets import QApplication

from modeller.model import load_design
from modeller.ui.files import locks
from modeller.ui.files.locks import ACQUIRED, BUSY, DesignLock, lock_path

from .conftest import EXAMPLES, make_window

HOST = QSysInfo.machineHostName()
DEAD_PID = 2 ** 22 + 12345  # above Linux's pid_max: never a live process


@pytest.fixture
def design_file(tmp_path):  # noqa: ANN001, ANN201
    p = tmp_path / "shop.arch.json"
    shutil.copy(EXAMPLES / "three-tier.arch.json", p)
    return p


def _holder_pid(path) -> int:  # noqa: ANN001
    return int(lock_path(path).read_text().split("\n")[0])


def _fake_lock(path, pid: int, host: str = HOST, app: str = "python3") -> None:  # noqa: ANN001
    lock_path(path).write_text(f"{pid}\n{app}\n{host}\n")


def test_lock_file_name_and_holder(design_file):
    assert lock_path(design_file).name == ".~shop.arch.json.lock"
    a, b = DesignLock(design_file), DesignLock(design_file)
    assert a.acquire() == ACQUIRED and a.held
    assert _holder_pid(design_file) == os.getpid()
    assert b.acquire() == BUSY and not b.held
    h = b.holder()
    assert h is not None and h.pid == os.getpid() and h.this_process
    assert "another window of this Modeller" in h.describe()
    a.release()
    assert not lock_path(design_file).exists()
    assert b.acquire() == ACQUIRED
    b.release()


def test_second_window_is_warned_and_can_cancel_copy_or_go_on(qtbot, design_file, dialogs):
    w1 = make_window(qtbot)
    assert w1.open_file(str(design_file))
    assert dialogs.seen == []  # the first opener is not asked anything
    assert _holder_pid(design_file) == os.getpid()

    w2 = make_window(qtbot)
    dialogs.answer("Cancel")
    assert not w2.open_file(str(design_file))
    assert len(dialogs.texts("box")) == 1
    text = dialogs.texts("box")[0]
    assert "shop.arch.json" in text and "another window of this Modeller" in text
    assert w2.path is None and not w2.editor.design.nodes  # nothing opened

    dialogs.answer("Open a copy")
    assert not w2.open_file(str(design_file))  # the file itself is not opened...
    assert w2.path is None and w2.editor.design == load_design(design_file)  # ...a copy is

    dialogs.answer("Open anyway")
    assert w2.open_file(str(design_file))
    assert w2.path == str(design_file.resolve())
    assert len(dialogs.texts("box")) == 3
    # w1 still holds the lock; saving in w2 does not ask again (the person already chose)
    w2.editor.set_design_fields(name="From w2")
    assert w2.save()
    assert len(dialogs.texts("box")) == 3
    assert load_design(design_file).name == "From w2"
    assert _holder_pid(design_file) == os.getpid() and locks.keeper(w1).held_paths()
    assert not locks.keeper(w2).held_paths()


def test_after_the_first_window_closes_no_warning(qtbot, design_file, dialogs):
    w1 = make_window(qtbot)
    assert w1.open_file(str(design_file))
    w1.close()  # clean: no unsaved-changes prompt
    assert not lock_path(design_file).exists()
    w2 = make_window(qtbot)
    assert w2.open_file(str(design_file))
    assert dialogs.seen == []
    assert locks.keeper(w2).held_paths() == [str(design_file.resolve())]


def test_opening_another_file_or_new_releases_the_lock(qtbot, design_file, tmp_path, dialogs):
    other = tmp_path / "other.arch.json"
    shutil.copy(EXAMPLES / "multi-az.arch.json", other)
    w = make_window(qtbot)
    assert w.open_file(str(design_file))
    assert lock_path(design_file).exists()
    assert w.open_file(str(other))
    assert not lock_path(design_file).exists() and lock_path(other).exists()
    assert w.open_file(str(other))  # reopening its own file: no warning
    assert w.new_file()
    assert not lock_path(other).exists()
    assert dialogs.seen == []


def test_stale_lock_of_a_dead_process_is_taken_over_silently(qtbot, design_file, dialogs):
    _fake_lock(design_file, DEAD_PID)
    w = make_window(qtbot)
    assert w.open_file(str(design_file))
    assert dialogs.seen == []
    assert _holder_pid(design_file) == os.getpid()


def test_lock_with_a_reused_pid_is_stale(qtbot, design_file, dialogs):
    """After a crash the pid may belong to another program: its name gives it away."""
    other = subprocess.Popen(["sleep", "60"])
    try:
        _fake_lock(design_file, other.pid, app="python3.11")
        w = make_window(qtbot)
        assert w.open_file(str(design_file))
        assert dialogs.seen == [] and _holder_pid(design_file) == os.getpid()
    finally:
        other.kill()
        other.wait()


def test_lock_from_a_live_process_elsewhere_warns_until_it_dies(qtbot, design_file, dialogs):
    code = ("import sys,time; from PySide6.QtCore import QLockFile; "
            f"lk=QLockFile({str(lock_path(design_file))!r}); lk.setStaleLockTime(0); "
            "print(lk.tryLock(0), flush=True); time.sleep(120)")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "True"
        w = make_window(qtbot)
        dialogs.answer("Cancel")
        assert not w.open_file(str(design_file))
        text = dialogs.texts("box")[0]
        assert f"process {child.pid}" in text and "this computer" in text
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert w.open_file(str(design_file))  # its holder is gone: taken over without a word
    assert len(dialogs.seen) == 1 and _holder_pid(design_file) == os.getpid()


def test_lock_from_another_host_is_never_guessed_stale(qtbot, design_file, dialogs):
    _fake_lock(design_file, DEAD_PID, host="some-other-host")
    os.utime(lock_path(design_file), (1_000_000_000, 1_000_000_000))  # years old
    w = make_window(qtbot)
    dialogs.answer("Cancel")
    assert not w.open_file(str(design_file))
    assert "some-other-host" in dialogs.texts("box")[0]


def test_save_as_onto_a_file_open_elsewhere_asks(qtbot, design_file, tmp_path, dialogs):
    w1 = make_window(qtbot)
    assert w1.open_file(str(design_file))
    before = design_file.read_bytes()
    w2 = make_window(qtbot)
    assert w2.open_file(str(EXAMPLES / "multi-az.arch.json"))  # bundled: never locked
    assert not list(EXAMPLES.glob(".~*"))
    dialogs.answer("Cancel")
    assert not w2.save_as(str(design_file))
    assert design_file.read_bytes() == before and w2.path == str(
        (EXAMPLES / "multi-az.arch.json").resolve())
    assert len(dialogs.texts("box")) == 1 and "shop.arch.json" in dialogs.texts("box")[0]
    dialogs.answer("Save anyway")
    assert w2.save_as(str(design_file))
    assert load_design(design_file) == w2.editor.design
    assert len(dialogs.texts("box")) == 2


def test_failed_save_as_keeps_the_old_lock_and_drops_the_new(qtbot, design_file, tmp_path,
                                                             monkeypatch, dialogs):
    w = make_window(qtbot)
    assert w.open_file(str(design_file))
    target = tmp_path / "elsewhere.arch.json"
    def refuse(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as mp:
        mp.setattr(os, "replace", refuse)  # the rename over the target fails
        dialogs.answer(None)  # the "Cannot save" warning
        assert not w.save_as(str(target))
    assert "Cannot save" in dialogs.texts("warning")[0]
    QApplication.processEvents()  # the keeper settles once the save has returned
    assert not lock_path(target).exists()
    assert locks.keeper(w).held_paths() == [str(design_file.resolve())]
    assert w.save_as(str(target))
    QApplication.processEvents()
    assert locks.keeper(w).held_paths() == [str(target.resolve())]
    assert not lock_path(design_file).exists() and lock_path(target).exists()


def test_unreadable_lock_file_is_debris_only_once_it_is_old(design_file):
    lock_path(design_file).write_text("garbage")
    lk = DesignLock(design_file)
    assert lk.acquire() == BUSY  # could be a holder writing it this very moment
    h = lk.holder()
    assert h is not None and h.pid == 0 and "unreadable" in h.describe()
    old = os.stat(lock_path(design_file)).st_mtime - 60
    os.utime(lock_path(design_file), (old, old))
    assert lk.acquire() == ACQUIRED and _holder_pid(design_file) == os.getpid()
    lk.release()


def test_bundled_examples_are_never_locked():
    lk = DesignLock(EXAMPLES / "three-tier.arch.json")
    assert lk.acquire() == locks.UNLOCKABLE and not lk.held
    assert not list(EXAMPLES.glob(".~*"))
