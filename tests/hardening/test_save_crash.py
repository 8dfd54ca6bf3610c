"""A save killed at any moment leaves the previous file intact (DESIGN section 2).

A child process saves a 10 000-node design over the same path in a loop, alternating
two versions; the parent SIGKILLs it at random moments. After every kill the target
must load as a complete design equal to one of the two versions. Stray temp files are
allowed (a killed process cannot clean up) but must never be the target. Every other
child gets a slow fsync (a slow disk), so kills also land between the temp file's
write and its rename.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from modeller.model import Design, dumps_design, load_design, loads_design, save_design

from .helpers import REPO, chain_doc, cli_env

KILLS = 15

_CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from modeller.model import loads_design, save_design
    target, old, new = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if sys.argv[4] == "slow-disk":  # widen the written-but-not-renamed window
        import os, stat, time
        real_fsync = os.fsync
        def slow_fsync(fd):
            if stat.S_ISREG(os.fstat(fd).st_mode):  # the temp file, not the directory
                print("fsync", flush=True)  # written, not yet renamed
                time.sleep(0.15)
            real_fsync(fd)
        os.fsync = slow_fsync
    versions = [loads_design(new.read_text("utf-8")), loads_design(old.read_text("utf-8"))]
    print("ready", flush=True)
    i = 0
    while True:
        save_design(versions[i % 2], target)
        i += 1
        print("saved", flush=True)  # after save 1 the target is new, after save 2 old
""")


def _versions() -> tuple[Design, Design]:
    import json

    old = loads_design(json.dumps(chain_doc(10_000, 0.9999)))
    doc = chain_doc(10_000, 0.99999)
    doc["name"] = "chain 10000, second version"
    for i, node in enumerate(doc["nodes"]):
        node["x"] = float(i)  # every node differs: a torn mix cannot equal either version
    new = loads_design(json.dumps(doc))
    return old, new


def _expect(proc: subprocess.Popen, word: str) -> None:
    """Read the child's lines until ``word`` (a hang guard: the child prints often)."""
    assert proc.stdout is not None
    for _ in range(1000):
        line = proc.stdout.readline()
        assert line, "the saving child ended early"
        if line.strip() == word:
            return
    raise AssertionError(f"no {word!r} from the child")


def test_sigkill_during_saves_never_tears_the_file(tmp_path: Path) -> None:
    old, new = _versions()
    assert old != new
    target = tmp_path / "big.arch.json"
    old_file, new_file = tmp_path / "old.json", tmp_path / "new.json"
    old_file.write_text(dumps_design(old), encoding="utf-8")
    new_file.write_text(dumps_design(new), encoding="utf-8")
    save_design(old, target)
    rng = random.Random(20)
    seen = {"old": 0, "new": 0}
    for kill in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(target), str(old_file), str(new_file),
             "slow-disk" if kill % 2 else "fast"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=cli_env())
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
            # wait for 0, 1 or 2 whole saves first: the kill then lands in the first save
            # (target as before), or after new (1 save) or old (2 saves) was written,
            # so both versions are seen however slow the machine is
            for _ in range(kill % 3):
                _expect(proc, "saved")
            if kill % 2 and kill % 3 == 0:  # slow disk: kill inside the write window itself
                _expect(proc, "fsync")
            else:
                time.sleep(rng.uniform(0.0, 0.4))
            assert proc.poll() is None, "the saving child died by itself"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
        assert proc.returncode == -signal.SIGKILL
        loaded = load_design(target)  # complete JSON and a valid design, or this raises
        if loaded == old:
            seen["old"] += 1
        elif loaded == new:
            seen["new"] += 1
        else:
            pytest.fail(f"kill {kill}: the target is a design equal to neither version")
        strays = [p.name for p in tmp_path.iterdir()
                  if p.name not in ("big.arch.json", "old.json", "new.json")]
        for name in strays:  # left by a killed save: temp names only, next to the target
            assert name.startswith(".big.arch.json.") and name.endswith(".tmp"), name
    # the kills landed at different points of the loop: both versions were seen
    assert seen["old"] and seen["new"], seen
    # with a slow fsync most kills land after the temp file is written: some are left over
    assert strays, "no kill landed inside a save's write window"
    print(f"{KILLS} kills: target was {seen}; {len(strays)} stray temp files left")
