"""The GUI's writer and its recovery files (issue 17, item 8): a symlink is replaced as the
CLI replaces it, recovery copies are private (0600 in 0700), a full disk gives its reason,
and hostile files in the recovery folder (a FIFO, a device, junk) never hang the start."""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from modeller.model import load_design, save_design
from modeller.ui.files.saving import find_recoveries, recovery_dir, write_bytes, write_text

from ..helpers import hang_guard
from .conftest import EXAMPLES, make_window

posix_only = pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX modes and FIFOs")


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@posix_only
@pytest.mark.parametrize("writer", ["gui", "cli"])
def test_a_planted_symlink_is_replaced_never_written_through(tmp_path: Path, writer: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    link = tmp_path / "design.arch.json"
    link.symlink_to(victim)
    design = load_design(EXAMPLES / "three-tier.arch.json")
    if writer == "gui":
        from modeller.ui.files.saving import save_design_file

        save_design_file(design, link)  # was: QSaveFile wrote into victim.txt
    else:
        save_design(design, link)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not link.is_symlink() and load_design(link) == design


@posix_only
def test_recovery_copies_are_private_even_for_an_open_design(qtbot, tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        design_file = tmp_path / "shop.arch.json"
        save_design(load_design(EXAMPLES / "three-tier.arch.json"), design_file)
        design_file.chmod(0o644)
        folder = recovery_dir()
        folder.chmod(0o755)  # as an older Modeller left it
        w = make_window(qtbot, autosave=True)
        assert w.open_file(str(design_file))
        w.editor.set_design_fields(name="Unsaved")
        assert w.autosaver.autosave()
        assert _mode(recovery_dir()) == 0o700
        assert _mode(w.autosaver.path) == 0o600 and _mode(w.autosaver.meta_path) == 0o600
        assert _mode(design_file) == 0o644  # the design keeps its own mode when saved
        assert w.save()
        assert _mode(design_file) == 0o644
    finally:
        os.umask(old_umask)


def test_disk_full_gives_the_reason_not_unknown_error(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "x.arch.json"
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as info:
        write_bytes(target, b"{}")
    assert "No space left on device" in str(info.value) and info.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []  # the temp file is gone too


@posix_only
def test_a_fifo_or_junk_in_the_recovery_folder_never_hangs_the_start(tmp_path: Path) -> None:
    folder = recovery_dir()
    os.mkfifo(folder / "session-fifo.meta.json")
    (folder / "session-junk.meta.json").write_text("[1, 2]", encoding="utf-8")
    (folder / "session-junk.arch.json").write_text("{}", encoding="utf-8")
    (folder / "session-odd.meta.json").write_text(json.dumps({"pid": 0, "saved_at": "soon",
                                                              "original": 7}), encoding="utf-8")
    os.mkfifo(folder / "session-odd.arch.json")
    with hang_guard(30):
        found = find_recoveries()  # was: read_text() on the FIFO waited for a writer
    assert [r.path.name for r in found] == ["session-odd.arch.json"]
    assert found[0].saved_at == 0.0 and found[0].original is None
    with hang_guard(30), pytest.raises(ValueError, match="named pipe"):
        found[0].load()  # a DesignError, shown by the window as "Cannot recover"


def test_write_text_private_flag(tmp_path: Path) -> None:
    p = tmp_path / "r.json"
    write_text(p, "{}", private=True)
    if not sys.platform.startswith("win"):
        assert _mode(p) == 0o600
