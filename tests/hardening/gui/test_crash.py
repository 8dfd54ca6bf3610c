"""Crash safety with real processes: SIGKILL the app, then recover; interrupted saves.

A child process runs the real app offscreen (``MODELLER_CONFIG_DIR`` in tmp),
opens a design file, edits it through the editor API (each edit a QUndoCommand)
and lets autosave write its recovery file; the test SIGKILLs it (no cleanup runs)
and a fresh MainWindow in the test process is offered the recovery and must get
back exactly the autosaved design.
"""

from __future__ import annotations

import errno
import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSysInfo
from PySide6.QtWidgets import QMessageBox

from modeller.model import design_to_dict, dumps_design, load_design, loads_design
from modeller.ui.files.locks import lock_path
from modeller.ui.files.saving import find_recoveries, recovery_dir, write_text
from modeller.ui.window import app as ui_app

from .conftest import EXAMPLES, make_window

TESTS_DIR = Path(__file__).resolve().parents[2]
REPO = TESTS_DIR.parent
SEED = int(os.environ.get("MODELLER_SOAK_SEED", "20240611"))
STREAM_AUTOSAVE_MS = 300

CHILD = r'''
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
import modeller.ui
from modeller.model import dumps_design
from modeller.ui.files import locks
from modeller.ui.window.main_window import MainWindow
from hardening.gui.edits import RandomEdits

design_path, side, mode, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
w = MainWindow()  # autosave on, the real engine, as a person starts it
w.autosaver.soon.setInterval(50)
assert w.open_file(design_path, ask=False)
assert locks.check_and_lock(w, design_path)  # what open_file does once main_window calls it
ed = w.editor
edits = RandomEdits(ed, seed, max_nodes=24, allow_undo=True)

def write_side(text):
    tmp = side + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, side)

if mode == "settle":
    for _ in range(80):
        edits.step()
    ed.set_design_fields(name="Edited before the crash")
    deadline = time.time() + 60
    while time.time() < deadline:
        app.processEvents()
        try:
            # compare the file text: the file keeps coordinates to 0.01 px, memory keeps all digits
            if w.autosaver.meta_path.exists() and \
                    w.autosaver.path.read_text(encoding="utf-8") == dumps_design(ed.design):
                break
        except OSError:
            pass
        time.sleep(0.02)
    else:
        print("TIMEOUT", flush=True)
        sys.exit(3)
    write_side(dumps_design(ed.design))
    print("READY", ed.undo_stack.count(), flush=True)
    app.exec()
else:  # "stream": an edit every 15 ms until killed, every state logged before autosave can run
    w.autosaver.timer.setInterval(int(sys.argv[5]))
    log = open(side, "a", encoding="utf-8")
    def tick():
        edits.step()
        log.write(json.dumps({"t": time.time(), "design": dumps_design(ed.design)}) + "\n")
        log.flush()
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(15)
    w.autosaver.saved.connect(lambda _p: print("SAVED", flush=True))
    app.exec()
'''

WRITER = r'''
import sys
from PySide6.QtCore import QCoreApplication
from modeller.ui.files.saving import write_text
target, a, b = sys.argv[1:4]
texts = [open(a, encoding="utf-8").read(), open(b, encoding="utf-8").read()]
print("GO", flush=True)
i = 0
while True:
    write_text(target, texts[i % 2])
    i += 1
'''


class Child:
    """A child Python process with a line reader that never blocks the test."""

    def __init__(self, code: str, args: list[str], cfg: Path, log: Path) -> None:
        env = dict(os.environ)
        env["MODELLER_CONFIG_DIR"] = str(cfg)
        env["QT_QPA_PLATFORM"] = "offscreen"
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(TESTS_DIR), env.get("PYTHONPATH", "")])
        self.err = log.open("w")
        self.proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=str(REPO), env=env,
                                     stdout=subprocess.PIPE, stderr=self.err, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.log = log
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def expect(self, prefix: str, timeout: float = 120.0) -> str:
        end = time.time() + timeout
        while time.time() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if line.startswith(prefix):
                return line
        self.kill()
        raise AssertionError(f"child never said {prefix!r}; stderr:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.err.close()


def _holder_pid(path: Path) -> int:
    return int(lock_path(path).read_text().split("\n")[0])


@pytest.fixture
def design_file(tmp_path: Path) -> Path:
    p = tmp_path / "work" / "shop.arch.json"
    p.parent.mkdir()
    shutil.copy(EXAMPLES / "two-regions.arch.json", p)
    return p


def test_sigkilled_app_recovers_exactly_the_autosaved_design(qtbot, tmp_path, design_file,
                                                             private_config, dialogs):
    original = design_file.read_bytes()
    side = tmp_path / "expected.arch.json"
    child = Child(CHILD, [str(design_file), str(side), "settle", str(SEED)], private_config,
                  tmp_path / "child.err")
    try:
        ready = child.expect("READY")
        assert int(ready.split()[1]) > 20  # it really edited through the undo stack
    finally:
        child.kill()
    assert child.proc.returncode == -signal.SIGKILL
    expected = load_design(side)
    assert expected.name == "Edited before the crash"
    assert design_file.read_bytes() == original  # the crash never touched the file itself

    found = find_recoveries()
    assert len(found) == 1
    assert found[0].original == str(design_file.resolve())
    fresh = make_window(qtbot, autosave=True)
    dialogs.answer(QMessageBox.StandardButton.Yes)
    assert ui_app.offer_recovery(fresh, found) == [fresh]
    assert "Recover" in dialogs.texts("question")[-1]
    assert design_to_dict(fresh.editor.design) == design_to_dict(expected)
    assert fresh.editor.design == expected
    assert fresh.path == str(design_file.resolve()) and fresh.isWindowModified()
    # the dead process's lock was stale: the recovered window took it without asking
    assert _holder_pid(design_file) == os.getpid()
    assert len(dialogs.seen) == 1
    # nothing of the killed session is left in the recovery folder
    own = {fresh.autosaver.path.name, fresh.autosaver.meta_path.name, fresh.autosaver.lock_path.name}
    assert {p.name for p in recovery_dir().iterdir()} <= own
    assert find_recoveries() == []
    # saving writes exactly the recovered design over the original
    assert fresh.save()
    assert load_design(design_file) == expected and not fresh.isWindowModified()


def test_a_running_app_holds_its_file_until_it_dies(qtbot, tmp_path, design_file, private_config,
                                                    dialogs):
    child = Child(CHILD, [str(design_file), str(tmp_path / "side.json"), "settle", str(SEED)],
                  private_config, tmp_path / "child.err")
    try:
        child.expect("READY")
        probe = make_window(qtbot)
        dialogs.answer("Cancel")
        assert not probe.open_file(str(design_file))
        assert f"process {child.proc.pid}" in dialogs.texts("box")[-1]
        assert probe.path is None
    finally:
        child.kill()
    assert probe.open_file(str(design_file))  # killed: its stale lock is taken over silently
    assert len(dialogs.seen) == 1 and _holder_pid(design_file) == os.getpid()


def test_sigkill_mid_session_recovers_a_recent_state_never_a_torn_one(qtbot, tmp_path, design_file,
                                                                     private_config, dialogs):
    log = tmp_path / "states.jsonl"
    child = Child(CHILD, [str(design_file), str(log), "stream", str(SEED), str(STREAM_AUTOSAVE_MS)],
                  private_config, tmp_path / "child.err")
    try:
        child.expect("SAVED")
        time.sleep(random.Random(SEED).uniform(0.4, 1.6))  # edits keep coming meanwhile
    finally:
        child.kill()
    states = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            states.append(json.loads(line))
        except ValueError:  # the line the kill cut short: its state was never autosaved
            continue
    assert len(states) > 20
    found = find_recoveries()
    assert len(found) == 1
    text = found[0].path.read_text(encoding="utf-8")
    recovered = loads_design(text)  # complete JSON: temp-then-rename never exposes a torn file
    matches = [i for i, s in enumerate(states) if s["design"] == text]
    assert matches, "the recovery file holds a state the session never had"
    lag = states[-1]["t"] - states[matches[-1]]["t"]
    print(f"killed after {len(states)} logged states; recovered state {matches[-1] + 1}, "
          f"{lag:.2f} s of edits lost")
    # continuous editing postpones the after-edit autosave, so the periodic one bounds the loss
    assert lag < STREAM_AUTOSAVE_MS / 1000 + 2.5, f"recovery lags the session by {lag:.2f} s"
    fresh = make_window(qtbot, autosave=True)
    dialogs.answer(QMessageBox.StandardButton.Yes)
    assert ui_app.offer_recovery(fresh, found) == [fresh]
    assert fresh.editor.design == recovered


def test_recovery_is_offered_when_the_dead_sessions_pid_was_reused(qtbot, tmp_path, private_config,
                                                                  dialogs):
    """After a crash or reboot another program may get the pid; the recovery must still show."""
    w = make_window(qtbot, autosave=True)
    assert w.open_example(str(EXAMPLES / "three-tier.arch.json"))
    w.editor.set_design_fields(name="Unsaved work")
    assert w.autosaver.autosave()
    expected = w.editor.design.copy()
    w.autosaver.stop()  # this window "dies": its session lock goes...
    other = subprocess.Popen(["sleep", "60"])  # ...and its pid now belongs to another program
    try:
        meta = json.loads(w.autosaver.meta_path.read_text())
        meta["pid"] = other.pid
        w.autosaver.meta_path.write_text(json.dumps(meta))
        w.autosaver.lock_path.write_text(f"{other.pid}\npython3\n{QSysInfo.machineHostName()}\n")
        found = find_recoveries()
        assert [r.name for r in found] == ["Unsaved work"]
        assert found[0].load() == expected
        assert find_recoveries()[0].path == found[0].path  # the verdict sticks (meta rewritten)
    finally:
        other.kill()
        other.wait()
    w.autosaver.discard()


def test_a_live_sessions_recovery_is_not_offered(qtbot, tmp_path, private_config):
    w = make_window(qtbot, autosave=True)
    w.editor.set_design_fields(name="Still open")
    assert w.autosaver.autosave()
    assert find_recoveries() == []  # our own live session
    assert [r.name for r in find_recoveries(include_own=True)] == ["Still open"]


# -- interrupted saves -------------------------------------------------------------
def _fail(exc: BaseException):  # noqa: ANN202
    def fail(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise exc
    return fail


@pytest.mark.parametrize("failure", ["rename", "disk_full", "cannot_create", "exception"])
def test_interrupted_gui_save_leaves_the_previous_file_intact(qtbot, design_file, monkeypatch,
                                                             dialogs, failure):
    """The GUI writes like the CLI (temp file, fsync, rename): whatever fails on the way,
    the old file stays, no temp file is left, and the message gives the system's reason."""
    before = design_file.read_bytes()
    w = make_window(qtbot)
    assert w.open_file(str(design_file))
    w.editor.set_design_fields(name="Changed")
    w.editor.add_node("service", 40, 40)
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    with monkeypatch.context() as mp:
        if failure == "rename":  # e.g. an AV scanner holds the old file
            mp.setattr(os, "replace", _fail(PermissionError(errno.EACCES, "Permission denied")))
        elif failure == "disk_full":  # the data did not fit: fsync reports it
            mp.setattr(os, "fsync", _fail(full))
        elif failure == "cannot_create":
            mp.setattr(tempfile, "mkstemp", _fail(PermissionError(errno.EACCES, "Permission denied")))
        else:  # the process dies inside the write (an exception escapes mid-way)
            mp.setattr(os, "fsync", _fail(MemoryError("simulated crash mid-write")))
        if failure == "exception":
            with pytest.raises(MemoryError):
                w.save()
        else:
            dialogs.answer(None)
            assert not w.save()
    if failure != "exception":
        warning = dialogs.texts("warning")[0]
        assert "Cannot save" in warning
        reason = "No space left on device" if failure == "disk_full" else "Permission denied"
        assert reason in warning and "Unknown error" not in warning, warning
    import gc

    gc.collect()
    assert design_file.read_bytes() == before
    names = sorted(p.name for p in design_file.parent.iterdir() if p != lock_path(design_file))
    assert names == [design_file.name], names  # no temp debris
    assert w.isWindowModified() and w.path == str(design_file.resolve())
    assert w.save()
    assert load_design(design_file) == w.editor.design and not w.isWindowModified()


def test_failed_autosave_keeps_the_previous_recovery_file(qtbot, monkeypatch, dialogs):
    w = make_window(qtbot, autosave=True)
    w.editor.set_design_fields(name="First")
    assert w.autosaver.autosave()
    saved = w.autosaver.path.read_bytes()
    errors: list[str] = []
    w.autosaver.error.connect(errors.append)
    monkeypatch.setattr(os, "replace", _fail(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    w.editor.set_design_fields(name="Second")
    assert not w.autosaver.autosave()
    assert errors and "Autosave failed" in errors[0]
    assert w.autosaver.path.read_bytes() == saved
    assert [p.name for p in recovery_dir().iterdir() if ".arch.json." in p.name] == []


def test_sigkill_during_save_never_leaves_a_torn_file(tmp_path, private_config):
    """A real process writes a 300-node design over and over with write_text; killed at
    random moments, the file is always one complete version, never a mix."""
    a, b = tmp_path / "a.arch.json", tmp_path / "b.arch.json"
    big = load_design(EXAMPLES / "large-300.arch.json")
    a.write_text(dumps_design(big), encoding="utf-8")
    big.name = "Other version"
    b.write_text(dumps_design(big), encoding="utf-8")
    target = tmp_path / "target.arch.json"
    write_text(target, a.read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    versions = {a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")}
    for round_ in range(3):
        child = Child(WRITER, [str(target), str(a), str(b)], private_config, tmp_path / "w.err")
        try:
            child.expect("GO")
            time.sleep(rng.uniform(0.05, 0.4))
        finally:
            child.kill()
        assert target.read_text(encoding="utf-8") in versions, f"torn after kill {round_}"
        assert loads_design(target.read_text(encoding="utf-8")).nodes
