"""Files: save, reopen and compare; prompts; recent files; autosave and crash recovery; run()."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QFileDialog, QMessageBox

from modeller.model import load_design
from modeller.ui.files.locks import release_locks
from modeller.ui.files.saving import RecentFiles, find_recoveries, recovery_dir
from modeller.ui.window import app as ui_app

from .conftest import (
    centre_of,
    drag,
    drop_files,
    drop_kind,
    handle_point,
    make_window,
    wait_report,
)

SB = QMessageBox.StandardButton


def _build(window) -> None:  # noqa: ANN001
    """A small design made with gestures: a client, a zone with a node inside, links, one edit."""
    c = drop_kind(window, "client", QPointF(100, 100))
    zid = drop_kind(window, "zone", QPointF(400, 300))
    zone = window.scene.item_for(zid).scene_rect()  # dropped with its title under the cursor
    a = drop_kind(window, "service", zone.center())
    b = drop_kind(window, "database", QPointF(900, 300))
    drag(window, handle_point(window, a, "e"), centre_of(window, b))
    drag(window, handle_point(window, c, "s"), centre_of(window, a))
    assert len(window.editor.design.links) == 2
    window.scene.select_ids([a])
    assert window.properties.commit("availability", "99.95 %")
    assert window.editor.design.nodes[a].parent == zid


def test_save_reopen_and_compare(qtbot, tmp_path):
    w = make_window(qtbot)
    _build(w)
    report = wait_report(qtbot, w)
    assert w.isWindowModified() and w.windowTitle().startswith("Untitled[*]")
    path = tmp_path / "shop.arch.json"
    assert w.save_as(str(path))
    assert not w.isWindowModified() and w.windowTitle() == "shop.arch.json[*] — Modeller"
    saved = load_design(path)
    assert saved == w.editor.design
    release_locks(w)  # two windows on one file would (rightly) ask first
    w2 = make_window(qtbot)
    assert w2.open_file(str(path))
    assert w2.editor.design == w.editor.design
    report2 = wait_report(qtbot, w2)
    assert report2.system.availability == pytest.approx(report.system.availability, rel=1e-12)
    for nid in w.editor.design.nodes:
        assert w2.scene.badges(nid) == w.scene.badges(nid), nid
    assert w2.banner.texts() == w.banner.texts()
    # saving again writes in place (QSaveFile) and keeps unknown fields
    raw = json.loads(path.read_text())
    raw["nodes"][0]["owner"] = "team-a"
    path.write_text(json.dumps(raw))
    assert w2.open_file(str(path))
    w2.editor.set_design_fields(name="Renamed")
    assert w2.save()
    again = json.loads(path.read_text())
    assert again["name"] == "Renamed" and again["nodes"][0]["owner"] == "team-a"


def test_save_without_a_path_asks_for_one(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot)
    drop_kind(w, "service", QPointF(100, 100))
    target = tmp_path / "asked"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert w.save()
    assert (tmp_path / "asked.arch.json").exists() and w.path.endswith("asked.arch.json")


def test_unsaved_change_prompt_on_new_open_and_close(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot)
    drop_kind(w, "service", QPointF(100, 100))
    asked = []
    answer = [SB.Cancel]

    def question(*args, **kwargs):  # noqa: ANN002, ANN003
        asked.append(args[1])
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    assert not w.new_file()
    assert len(w.editor.design.nodes) == 1 and asked == ["Unsaved changes"]
    other = tmp_path / "other.arch.json"
    other.write_text(json.dumps({"format": "modeller.design", "version": 1, "name": "Other", "nodes": []}))
    assert not w.open_file(str(other))
    assert len(w.editor.design.nodes) == 1
    assert not w.close() and w.isVisible()
    answer[0] = SB.Discard
    assert w.open_file(str(other))
    assert w.editor.design.name == "Other" and not w.isWindowModified()
    # save from the prompt
    drop_kind(w, "cache", QPointF(100, 100))
    answer[0] = SB.Save
    assert w.new_file()
    assert len(load_design(other).nodes) == 1


def test_a_bad_file_is_refused_with_one_message(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot)
    drop_kind(w, "service", QPointF(100, 100))
    w.editor.undo_stack.setClean()
    bad = tmp_path / "bad.arch.json"
    bad.write_text('{"format": "modeller.design", "version": 1, "nodes": [{"id": "a", "kind": "robot"}]}')
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    assert not w.open_file(str(bad))
    assert len(shown) == 1 and "unknown kind" in shown[0] and "bad.arch.json" in shown[0]
    assert len(w.editor.design.nodes) == 1  # the canvas is untouched


def test_recent_files_are_bounded_and_drop_missing(tmp_path):
    recent = RecentFiles(limit=3)
    files = []
    for i in range(5):
        p = tmp_path / f"d{i}.arch.json"
        p.write_text("{}")
        files.append(p)
        recent.add(p)
    assert recent.list() == [str(f.resolve()) for f in reversed(files[2:])]
    files[4].unlink()
    assert recent.list() == [str(files[3].resolve()), str(files[2].resolve())]
    recent.add(files[2])
    assert recent.list()[0] == str(files[2].resolve())


def test_open_recent_menu_lists_saved_files(qtbot, tmp_path):
    w = make_window(qtbot)
    drop_kind(w, "service", QPointF(100, 100))
    assert w.save_as(str(tmp_path / "one.arch.json"))
    w._fill_recent()
    names = [a.text() for a in w.recent_menu.actions()]
    assert names[0] == "&1 one.arch.json"


def test_autosave_then_recover_after_a_crash(qtbot, tmp_path, monkeypatch, private_config):
    w = make_window(qtbot, autosave=True)
    w.autosaver.soon.setInterval(50)
    _build(w)
    expected = w.editor.design.copy()
    qtbot.waitUntil(lambda: w.autosaver.path.exists(), timeout=3000)
    qtbot.waitUntil(lambda: load_design(w.autosaver.path) == expected, timeout=3000)
    assert w.autosaver.path.parent == private_config / "recovery"
    # a crash: the process is gone and never cleaned up (fake a dead pid in the metadata)
    meta = json.loads(w.autosaver.meta_path.read_text())
    meta["pid"] = 2 ** 22 + 12345
    w.autosaver.meta_path.write_text(json.dumps(meta))
    w.autosaver.stop()
    found = find_recoveries()
    assert len(found) == 1 and found[0].name == expected.name
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or SB.Yes)
    fresh = make_window(qtbot, autosave=True)
    recovered = ui_app.offer_recovery(fresh, find_recoveries())
    assert recovered == [fresh] and "Recover" in asked[0]
    assert fresh.editor.design == expected
    assert fresh.isWindowModified()  # unsaved until the person saves it
    assert not found[0].path.exists()  # the old recovery file is consumed
    # a clean close removes this window's own recovery file
    assert fresh.autosaver.path.exists()
    fresh.editor.undo_stack.setClean()
    fresh.close()
    assert not fresh.autosaver.path.exists()
    w.editor.undo_stack.setClean()
    assert list(recovery_dir().glob("*.arch.json")) == [w.autosaver.path] or \
        not list(recovery_dir().glob("*.arch.json"))


def test_clean_save_removes_the_recovery_file(qtbot, tmp_path):
    w = make_window(qtbot, autosave=True)
    drop_kind(w, "service", QPointF(100, 100))
    assert w.autosaver.autosave()
    assert w.autosaver.path.exists()
    assert w.save_as(str(tmp_path / "x.arch.json"))
    assert not w.autosaver.path.exists()
    assert not w.autosaver.autosave()  # nothing unsaved: nothing written


def test_drop_a_file_on_the_window_opens_it(window, examples_dir):
    path = examples_dir / "three-tier.arch.json"
    assert drop_files(window, [str(path)])
    assert window.path == str(path.resolve())
    assert window.editor.design == load_design(path)


RUN_SCRIPT = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from modeller.ui.window import app as ui_app

seen = {}

def inspect():
    wins = getattr(QApplication.instance(), "_modeller_windows", [])
    seen["paths"] = [w.path for w in wins]
    seen["nodes"] = [len(w.editor.design.nodes) for w in wins]
    seen["visible"] = [w.isVisible() for w in wins]
    for w in wins:
        w.editor.undo_stack.setClean()
        w.close()
    QApplication.instance().quit()

ui_app.application()  # the timer needs the application's event loop
QTimer.singleShot(300, inspect)
code = ui_app.run(sys.argv[1:])
print(json.dumps({"code": code, **seen}))
"""


def test_run_opens_files_from_the_command_line(examples_dir, tmp_path):
    """The real entry point, in its own process (it runs and quits the event loop)."""
    path = examples_dir / "two-regions.arch.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MODELLER_CONFIG_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", RUN_SCRIPT, str(path)], capture_output=True,
                         text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0
    assert seen["paths"] == [str(path.resolve())]
    assert seen["nodes"] == [len(load_design(path).nodes)] and seen["visible"] == [True]


def test_example_shapes_load_without_overlap(window, examples_dir):
    """Every bundled example opens; no two component boxes overlap at the default size."""
    from modeller.model import geometry as geo

    for path in sorted(examples_dir.glob("*.arch.json")):
        assert window.open_file(str(path), ask=False), path
        comps = [geo.node_rect(n) for n in window.editor.design.components()]
        for i, a in enumerate(comps):
            for b in comps[i + 1:]:
                overlap = not (a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or
                               a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1])
                assert not overlap, (path.name, a, b)

