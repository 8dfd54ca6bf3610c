"""The "survives losing one zone?" panel: its rows are the report's zone scenarios, and a
click on a row fails that zone on the canvas."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget

from modeller.model import dumps_design, load_design
from modeller.ui.failit.mode import install_failit
from modeller.ui.failit.zone_check import (
    DROPS_COLOUR,
    HOT_COLOUR,
    NO_REPORT,
    NO_ZONES,
    SURVIVES_COLOUR,
    ZoneCheckPanel,
)

from .conftest import EXAMPLES, load, wait_report
from .test_failit import HOT, expected_states, shown_states


def open_example(window, qtbot, name: str):  # noqa: ANN001, ANN201
    window._replace(load_design(EXAMPLES / f"{name}.arch.json"), None)
    QApplication.processEvents()
    return wait_report(qtbot, window)


def click_row(panel: ZoneCheckPanel, row: int) -> None:
    """A real mouse click on a row of the table."""
    table = panel.table
    rect = table.visualItemRect(table.item(row, 1))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center())


def test_rows_equal_zone_survival_and_show_the_numbers(window, qtbot):
    fi = install_failit(window)
    panel = fi.zone_panel
    report = open_example(window, qtbot, "multi-az")
    rows = panel.rows()
    assert {r["id"]: r["survives"] for r in rows} == report.zone_survival() == {
        "eu-west-1": False, "eu-west-1a": True, "eu-west-1b": True, "eu-west-1c": True}
    assert [r["id"] for r in rows] == list(report.zone_survival())
    assert panel.table.rowCount() == 4
    by_id = {r["id"]: r for r in rows}
    assert by_id["eu-west-1"]["outcome"] == "✘ drops Shoppers"
    assert by_id["eu-west-1"]["p"] == "0 %"
    # (v2) losing a zone leaves Storefront on 2 x 700 rps for 1200: 86 %, above the target 80 %
    assert by_id["eu-west-1b"]["outcome"] == "⚠ survives, hot: Storefront (86 %)"
    assert by_id["eu-west-1b"]["outcome_kind"] == "hot"
    assert by_id["eu-west-1b"]["p"] == "97.40 %"
    assert by_id["eu-west-1c"]["p"] == "97.89 %"
    # by hand: region × LB × zones a, b × web and app replicas a, b × the db pair (1 − 0.005²)
    # × (1 − failover window), (v2) window p = (30 s / 3600) / (MTBF + MTTR = 200 h) (v1: / 199 h)
    hand = 0.9999 ** 2 * 0.9995 ** 2 * 0.995 ** 4 * (1 - 0.005 ** 2) * (1 - (30 / 3600) / 200)
    assert report.failure("eu-west-1c").availability_given_down == pytest.approx(hand, abs=1e-12)
    assert report.failure("eu-west-1c").availability_given_down == pytest.approx(0.9789085081, abs=1e-10)
    assert by_id["eu-west-1a"]["overloaded"] == "Storefront (86 %)"
    assert by_id["eu-west-1"]["outcome_kind"] == "drops"
    # what the table cells say is what rows() says
    for i, r in enumerate(rows):
        assert [panel.table.item(i, c).text() for c in range(4)] == [r["name"], r["outcome"], r["overloaded"], r["p"]]
    assert "1 of 4 would drop clients." in panel.summary.text()
    assert "⚠ 3 more survive hot." in panel.summary.text()
    assert panel.table.item(1, 1).foreground().color() == QColor(HOT_COLOUR)
    assert panel.table.item(0, 1).foreground().color() == QColor(DROPS_COLOUR)


def test_clicking_a_row_fails_that_zone_on_the_canvas(window, qtbot):
    fi = install_failit(window)
    panel = fi.zone_panel
    dock = QDockWidget("Survives losing one zone?", window)  # as the main window docks it
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.show()
    window.activateWindow()
    report = open_example(window, qtbot, "multi-az")
    before = dumps_design(window.editor.design)
    assert not fi.active
    with qtbot.waitSignal(panel.zone_clicked) as sig:
        click_row(panel, [r["id"] for r in panel.rows()].index("eu-west-1a"))
    assert sig.args == ["eu-west-1a"]
    assert fi.active and fi.failed_id == "eu-west-1a"  # the click entered the mode
    assert shown_states(window) == expected_states(window, report.failure("eu-west-1a"))
    assert window.scene.item_for("eu-west-1a").state == "failed"
    assert fi.overlay.text().splitlines()[0] == "Zone eu-west-1a down → survives, hot: Storefront (86 %)"
    assert panel.current() == "eu-west-1a"
    # the region's row fails the region: everything in it goes down, the client is dropped
    click_row(panel, 0)
    assert fi.failed_id == "eu-west-1"
    states = shown_states(window)
    assert states == expected_states(window, report.failure("eu-west-1"))
    assert states["users"] == "down" and states["cache"] == "down" and states["eu-west-1b"] == "down"
    assert fi.overlay.text().splitlines()[0] == "Region eu-west-1 down → drops: Shoppers"
    # Esc on the canvas restores, and the panel's row is no longer marked
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    assert fi.failed_id is None and panel.current() is None
    assert set(shown_states(window).values()) == {"normal"}
    assert dumps_design(window.editor.design) == before
    assert window.editor.undo_stack.count() == 0


def test_overloaded_nodes_and_the_panel_follows_new_reports(window, qtbot):
    fi = install_failit(window)
    panel = fi.zone_panel
    load(window, HOT)
    report = wait_report(qtbot, window)
    by_id = {r["id"]: r for r in panel.rows()}
    # (v2) web at 167 % after zone B's loss does not serve: the client drops (v1: survived)
    assert {k: v["survives"] for k, v in by_id.items()} == report.zone_survival() == {
        "r": False, "za": False, "zb": False}
    assert by_id["zb"]["overloaded"] == "web (167 %)"
    assert by_id["zb"]["outcome"] == "✘ drops Shoppers"
    assert by_id["za"]["outcome"] == "✘ drops Shoppers"
    assert by_id["zb"]["name"] == "zone B"
    # more capacity: zone B's loss no longer overloads web, which runs hot at 1000 / 1200
    window.editor.set_node_fields(["web"], {"capacity_rps": 1200}, "Edit capacity")
    report = wait_report(qtbot, window)
    assert report.failure("zb").overloaded == [] and report.failure("zb").hot == ["web"]
    row = {r["id"]: r for r in panel.rows()}["zb"]
    assert row["overloaded"] == "web (83 %)" and row["outcome"] == "⚠ survives, hot: web (83 %)"
    assert row["survives"]
    # and more still: below the 80 % target, it simply survives
    window.editor.set_node_fields(["web"], {"capacity_rps": 1300}, "Edit capacity")
    report = wait_report(qtbot, window)
    row = {r["id"]: r for r in panel.rows()}["zb"]
    assert report.failure("zb").hot == [] and row["overloaded"] == "—" and row["outcome"] == "✔ survives"
    assert panel.table.item([r["id"] for r in panel.rows()].index("zb"), 1).foreground().color() \
        == QColor(SURVIVES_COLOUR)


def test_empty_states(qtbot, window):
    panel = ZoneCheckPanel()
    qtbot.addWidget(panel)
    assert panel.rows() == [] and panel.summary.text() == NO_REPORT
    panel.set_report(None, None, "Analysis failed: boom")
    assert panel.summary.text() == "Analysis failed: boom"
    fi = install_failit(window)
    load(window, {"nodes": [{"id": "u", "kind": "client", "x": 0, "y": 0, "demand_rps": 1},
                            {"id": "s", "kind": "service", "x": 300, "y": 0}],
                  "links": [{"from": "u", "to": "s"}]})
    wait_report(qtbot, window)
    assert fi.zone_panel.rows() == [] and fi.zone_panel.summary.text() == NO_ZONES
    assert fi.zone_panel.table.isHidden()
