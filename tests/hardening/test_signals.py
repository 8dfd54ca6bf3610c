"""SIGINT and SIGTERM end the real app like File ▸ Quit without the dialogs.

Each run starts the app the way a person does (``modeller FILE``, offscreen) on a copy of
the 300-node example, lets it edit in bursts with the live analysis running in the
pauses (signal_child.py), and sends the signal after a fixed delay; the delays step
through the edit/analysis cycle so the signal lands in different slots. The process
must exit with 130 (SIGINT) or 143 (SIGTERM), print no traceback, release the design
file's lock, and leave a recovery file that loads and holds exactly the design as it
was in memory when the app ended; the next start offers it.

CI runs 6 delays per signal; ``MODELLER_SIGNAL_RUNS=20`` runs 20 each (by hand).
The 20-second wait is a hang guard, not a speed requirement.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from modeller.model import design_to_dict, load_design, loads_design

TESTS_DIR = Path(__file__).resolve().parents[1]
REPO = TESTS_DIR.parent
CHILD = Path(__file__).with_name("signal_child.py")
EXAMPLE = REPO / "resources" / "examples" / "large-300.arch.json"
RUNS = int(os.environ.get("MODELLER_SIGNAL_RUNS", "6"))
CYCLE_S = 0.72  # the child's edit burst + analysis pause
HANG_GUARD_S = 20.0
START_GUARD_S = 180.0  # a loaded 2-core machine opens the 300-node design slowly

# fixed delays after the first edit, spread over three edit/analysis cycles
DELAYS = [round(i * 3 * CYCLE_S / RUNS, 3) for i in range(RUNS)]
CASES = [(name, code, d) for name, code in (("SIGINT", 130), ("SIGTERM", 143)) for d in DELAYS]


class App:
    """The child process; stdout lines arrive on a queue so waiting never blocks the test."""

    def __init__(self, tmp: Path, mode: str = "edit") -> None:
        self.design = tmp / "work" / "large.arch.json"
        self.design.parent.mkdir()
        shutil.copy(EXAMPLE, self.design)
        self.config = tmp / "config"
        self.logs = tmp / "log"
        self.side = tmp / "side.json"
        env = {k: v for k, v in os.environ.items() if k != "MODELLER_DEBUG"}
        env.update(QT_QPA_PLATFORM="offscreen", MODELLER_CONFIG_DIR=str(self.config),
                   MODELLER_LOG_DIR=str(self.logs),
                   PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]))
        self.proc = subprocess.Popen([sys.executable, str(CHILD), str(self.design), str(self.side), mode],
                                     cwd=str(REPO), env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.err.append), daemon=True).start()

    @staticmethod
    def _pump(stream, put) -> None:  # noqa: ANN001
        for line in stream:
            put(line)

    def stderr(self) -> str:
        return "".join(self.err)

    def expect(self, word: str) -> None:
        end = time.monotonic() + START_GUARD_S
        while time.monotonic() < end:
            try:
                if self.lines.get(timeout=0.2).strip() == word:
                    return
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
        self.kill()
        raise AssertionError(f"the app never said {word}; stderr:\n{self.stderr()[-3000:]}")

    def wait(self) -> int:
        try:
            return self.proc.wait(timeout=HANG_GUARD_S)
        except subprocess.TimeoutExpired:
            if hasattr(signal, "SIGUSR1"):  # the child dumps every thread's stack
                self.proc.send_signal(signal.SIGUSR1)
                time.sleep(2)
            self.kill()
            time.sleep(0.5)
            raise AssertionError(f"the app hung after the signal; stderr:\n{self.stderr()[-8000:]}") \
                from None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


def _recoveries(monkeypatch, config: Path):  # noqa: ANN001, ANN202
    from modeller.ui.files.saving import find_recoveries

    monkeypatch.setenv("MODELLER_CONFIG_DIR", str(config))
    return find_recoveries()


@pytest.mark.parametrize(("name", "code", "delay"), CASES,
                         ids=[f"{n}-{d:.2f}s" for n, _c, d in CASES])
def test_a_signal_ends_the_app_keeping_the_edits(tmp_path, monkeypatch, name, code, delay) -> None:  # noqa: ANN001
    app = App(tmp_path)
    app.expect("EDITING")
    time.sleep(delay)
    sent = time.monotonic()
    app.proc.send_signal(getattr(signal, name))
    rc = app.wait()
    took = time.monotonic() - sent  # reported, not asserted: the machine's load decides it
    err = app.stderr()
    assert rc == code, (rc, err[-2000:])
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]

    side = json.loads(app.side.read_text(encoding="utf-8"))
    assert side["edits"] >= 1
    in_memory = loads_design(side["design"])
    found = _recoveries(monkeypatch, app.config)
    assert len(found) == 1, [r.path.name for r in found]
    rec = found[0]
    assert rec.original == str(app.design.resolve())
    recovered = load_design(rec.path)  # the model's own loader: complete, valid JSON
    assert design_to_dict(recovered) == design_to_dict(in_memory)
    assert recovered.name == in_memory.name and len(recovered.nodes) == 300
    assert not (app.design.parent / f".~{app.design.name}.lock").exists()  # lock released
    assert load_design(app.design) == load_design(EXAMPLE)  # the file itself untouched
    log = (app.logs / "modeller.log").read_text(encoding="utf-8")
    assert f"{name} received" in log and f"exit code {code}" in log
    assert "Traceback" not in log
    print(f"{name} after {delay:.2f} s: {side['edits']} edits, analysis running at the signal: "
          f"{side['busy_at_signal']}, exited {took:.2f} s after the signal")


def test_file_quit_still_exits_zero_and_leaves_nothing(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    app = App(tmp_path, mode="quit")
    app.expect("EDITING")
    rc = app.wait()
    err = app.stderr()
    assert rc == 0, (rc, err[-2000:])
    assert "Traceback" not in err
    saved = load_design(app.design)
    assert saved.name == "Edited 2"  # the save before Quit reached the file
    assert _recoveries(monkeypatch, app.config) == []
    assert not (app.design.parent / f".~{app.design.name}.lock").exists()
    log = (app.logs / "modeller.log").read_text(encoding="utf-8")
    assert "Modeller ended (exit code 0)" in log and "received" not in log
