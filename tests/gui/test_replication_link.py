"""Issue 14 GUI: a link between two data stores becomes a replication link in the properties
panel (one undo step), is drawn violet with long dashes and "copy async 5 s", and its lag is
refused inline unless async."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from modeller.render.items.link import REPLICATION_COLOUR

from .conftest import load, wait_report

DESIGN = {
    "nodes": [
        {"id": "users", "kind": "client", "x": 40, "y": 40, "demand_rps": 10},
        {"id": "eu", "kind": "region", "x": 20, "y": 180, "w": 300, "h": 200},
        {"id": "us", "kind": "region", "x": 380, "y": 180, "w": 300, "h": 200},
        {"id": "web", "kind": "service", "x": 300, "y": 40},
        {"id": "db-eu", "kind": "database", "name": "DB eu", "parent": "eu", "x": 90, "y": 250},
        {"id": "db-us", "kind": "database", "name": "DB us", "parent": "us", "x": 450, "y": 250},
    ],
    "links": [{"from": "users", "to": "web"}, {"from": "web", "to": "db-eu"},
              {"from": "db-eu", "to": "db-us"}],
}


def _select_link(window, key):  # noqa: ANN001, ANN202
    window.scene.clearSelection()
    window.scene.link_item(*key).setSelected(True)
    assert window.scene.selected_link_keys() == [key]
    return window.properties.recovery


def test_make_replication_link_one_step_drawn_dashed_with_lag(window, qtbot):
    load(window, DESIGN)
    d = window.editor.design
    assert _select_link(window, ("web", "db-eu")) is None  # a service -> database link: no section
    rep = _select_link(window, ("db-eu", "db-us"))
    count = window.editor.undo_stack.count()
    rep.box.click()  # a real click on "Replicates data"
    lk = d.link("db-eu", "db-us")
    assert (lk.replicates, lk.mode, lk.lag_seconds) == (True, "async", 0.0)
    assert window.editor.undo_stack.count() == count + 1
    assert not window.properties.editors["calls"].isEnabled()
    edit = window.properties.editors["Replication lag"]
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, "5")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert d.link("db-eu", "db-us").lag_seconds == 5.0
    item = window.scene.link_item("db-eu", "db-us")
    assert item.replicates == ("async", 5.0) and item._label == "copy async 5 s"
    assert item.line_colour().name() == REPLICATION_COLOUR or item.isSelected()
    # the analysis reads it: losing eu, the async copy in us is 5 s behind
    report = wait_report(qtbot, window)
    row = next(r for r in report.resilience_for("eu") if r.disruption == "region")
    assert row.rpo_seconds == 5.0
    # sync drops the lag in the same step; a lag on sync is refused inline
    rep = window.properties.recovery
    rep.mode.setCurrentText("sync")
    rep.mode.activated.emit(rep.mode.currentIndex())
    assert (d.link("db-eu", "db-us").mode, d.link("db-eu", "db-us").lag_seconds) == ("sync", 0.0)
    assert not window.properties.recovery.commit_lag("3")
    assert "only to async" in window.properties.error_text("Replication lag")
    window.scene.clearSelection()
    window.view.fit()
    window.resize(1280, 800)
    qtbot.wait(50)
    window.grab().save("/tmp/shots/issue-14-gui/replication-link.png")
    # undo back to a plain dependency
    for _ in range(3):
        window.editor.undo_stack.undo()
    lk = d.link("db-eu", "db-us")
    assert (lk.replicates, lk.lag_seconds) == (False, 0.0)
    assert window.scene.link_item("db-eu", "db-us").replicates is None
