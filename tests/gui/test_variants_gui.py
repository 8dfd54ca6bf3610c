"""Variants in the window (pytest-qt, real widgets): the bar, undoable switching and
editing, change marks, Compare, presentation mode keys."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from modeller.analysis import analyze
from modeller.model import load_design
from modeller.ui.variants.presentation import scenario_order

from .conftest import load

TEMPLATES = Path(__file__).resolve().parents[2] / "resources" / "templates"

# users -> web (one replica, a = 0.99) in zone za; variant "Two": web has 2 replicas
DESIGN = {
    "nodes": [
        {"id": "users", "kind": "client", "x": 0, "y": 0, "demand_rps": 200,
         "slo": {"availability": 0.999}},
        {"id": "za", "kind": "zone", "x": 0, "y": 150, "w": 300, "h": 200, "availability": 0.9995},
        {"id": "web", "kind": "service", "parent": "za", "x": 40, "y": 220,
         "availability": 0.99, "capacity_rps": 300, "cost_month": 100},
    ],
    "links": [{"from": "users", "to": "web"}],
    "variants": [{"name": "Two", "nodes": {"web": {"replicas": 2}}, "colour": "teal"}],
}


def wait_report(qtbot, window, design=None):  # noqa: ANN001, ANN201
    """Wait until the newest report is of the design the canvas shows."""
    d = design or window.editor.design
    qtbot.waitUntil(lambda: window.analysis.last_report is not None
                    and window.analysis.last_revision == window.editor.design.revision
                    and window.analysis.last_design is not None
                    and set(window.analysis.last_design.nodes) == set(d.nodes)
                    and not window.analysis.busy, timeout=10000)
    return window.analysis.last_report


def test_bar_lists_base_and_variants_and_switching_is_undoable(qtbot, window) -> None:
    load(window, DESIGN)
    bar, ctl = window.variants_ui.bar, window.variants
    assert bar.tab_names() == ["Base", "2  Two"]
    doc = window.editor.document
    # click the "Two" tab: the canvas shows the variant (web has 2 replicas)
    QTest.mouseClick(bar.tabs, Qt.MouseButton.LeftButton, pos=bar.tabs.tabRect(1).center())
    assert ctl.current == "Two"
    assert window.editor.design is not doc and window.editor.design.nodes["web"].replicas == 2
    assert window.editor.document is doc
    assert window.scene.design is window.editor.design
    assert bar.tabs.currentIndex() == 1
    # undo the switch: back to the base; redo: the variant again
    window.editor.undo_stack.undo()
    assert ctl.current is None and window.editor.design is doc
    assert window.scene.item_for("web") is not None
    window.editor.undo_stack.redo()
    assert ctl.current == "Two" and window.editor.design.nodes["web"].replicas == 2


def test_edits_go_to_the_variant_shown_and_are_undoable(qtbot, window, tmp_path) -> None:
    load(window, DESIGN)
    ctl = window.variants
    doc = window.editor.document
    ctl.switch("Two")
    live = window.editor.design
    window.editor.set_node_fields(["web"], {"cost_month": 150.0}, "Cost")
    assert doc.nodes["web"].cost_month == 100  # the base is untouched
    assert doc.variants[0].nodes == {"web": {"replicas": 2, "cost_month": 150}}
    assert doc.variants[0].extra == {"colour": "teal"}  # unknown field kept
    # the changed node carries the mark, drawn on the scene
    marks = window.scene._variant_marks
    assert [(m.parentItem().node_id, m.kind) for m in marks] == [("web", "changed")]
    window.editor.undo_stack.undo()  # the edit
    assert live.nodes["web"].cost_month == 100
    assert doc.variants[0].nodes == {"web": {"replicas": 2}}
    window.editor.undo_stack.undo()  # the switch
    assert ctl.current is None and window.scene._variant_marks == []
    window.editor.undo_stack.redo()
    window.editor.undo_stack.redo()
    assert ctl.current == "Two" and doc.variants[0].nodes["web"]["cost_month"] == 150
    # saving writes the document: base and variant, each as the file holds them
    assert window.save_as(str(tmp_path / "v.arch.json"))
    saved = load_design(tmp_path / "v.arch.json")
    assert saved.nodes["web"].cost_month == 100 and saved.nodes["web"].replicas == 1
    assert saved.variant("Two").nodes["web"].cost_month == 150
    raw = json.loads((tmp_path / "v.arch.json").read_text(encoding="utf-8"))
    assert raw["variants"][0]["colour"] == "teal"


def test_add_rename_duplicate_delete_are_undo_steps(qtbot, window) -> None:
    load(window, DESIGN)
    ctl, stack = window.variants, window.editor.undo_stack
    doc = window.editor.document
    start = stack.count()
    name = ctl.add()
    assert name == "Option B" and ctl.current == "Option B" and ctl.names() == ["Two", "Option B"]
    assert ctl.rename("Option B", "Bigger")
    assert ctl.names() == ["Two", "Bigger"] and ctl.current == "Bigger"
    copy = ctl.duplicate()
    assert ctl.names() == ["Two", "Bigger", copy] and ctl.current == copy
    ctl.delete(copy)
    assert ctl.names() == ["Two", "Bigger"] and ctl.current is None
    assert ctl.rename("Bigger", "two") is False  # a name in use is refused, nothing pushed
    assert stack.count() == start + 4
    for _ in range(4):
        stack.undo()
    assert ctl.names() == ["Two"] and ctl.current is None and window.editor.design is doc
    assert window.variants_ui.bar.tab_names() == ["Base", "2  Two"]


def test_compare_numbers_equal_each_option_analysed_alone(qtbot, window, tmp_path) -> None:
    load(window, json.loads((TEMPLATES / "vertical-vs-horizontal.arch.json").read_text("utf-8")))
    dialog = window.variants_ui.open_compare()
    assert dialog is not None and dialog.isVisible()
    cmp = dialog.comparison
    doc = load_design(TEMPLATES / "vertical-vs-horizontal.arch.json")
    alone = [doc.copy(), doc.variant("Horizontal"), doc.variant("Horizontal over two zones")]
    alone[0].variants = []
    for opt, d in zip(cmp.options, alone, strict=True):
        rep = analyze(d, simulation_years=0, sweeps=False)
        assert opt.values["availability"] == rep.system.availability
        assert opt.values["downtime_minutes_per_year"] == rep.system.downtime_minutes_per_year
        assert opt.values["cost_month"] == rep.system.cost_month
    assert dialog.cell_text("Cost a month", "Base") == "210  ★"
    assert dialog.cell_text("Cost a month", "Horizontal") == "230\n+20"
    assert len(dialog.chart.points) == 3
    assert dialog.chart.legend_texts()[0] == "Base: 210 a month · 2 d 1 h a year"
    assert dialog.export("html", str(tmp_path / "c.html"))
    assert "<svg" in (tmp_path / "c.html").read_text(encoding="utf-8")


def test_presentation_keys(qtbot, window) -> None:
    load(window, json.loads((TEMPLATES / "vertical-vs-horizontal.arch.json").read_text("utf-8")))
    report = wait_report(qtbot, window)
    assert window.presentation.action.shortcut().toString() == "F5"
    window.activateWindow()
    QTest.keyClick(window.view, Qt.Key.Key_F5)  # the F5 shortcut, as a person presses it
    screen = window.presentation.screen
    qtbot.waitExposed(screen)
    assert window.presentation.active
    assert screen.windowState() & Qt.WindowState.WindowFullScreen
    order = scenario_order(report)
    kinds = [f.kind for f in order]
    assert kinds[:2] == ["zone", "zone"] and kinds[2] == "region"  # zones first
    QTest.keyClick(screen, Qt.Key.Key_Right)
    assert screen.failed_id == order[0].down == "zone-a"
    assert window.scene.scenario_shown
    assert window.scene.item_for("big").state == "down"  # the big instance sits in zone a
    assert "does not survive" in screen.panel.text() or "drops" in screen.panel.text()
    QTest.keyClick(screen, Qt.Key.Key_Right)
    assert screen.failed_id == "zone-b"
    QTest.keyClick(screen, Qt.Key.Key_Left)
    assert screen.failed_id == "zone-a"
    # number keys switch the option: 2 = "Horizontal"
    QTest.keyClick(screen, Qt.Key.Key_2)
    assert window.variants.current == "Horizontal"
    wait_report(qtbot, window)
    assert "Horizontal" in screen.title.text()
    QTest.keyClick(screen, Qt.Key.Key_1)
    assert window.variants.current is None
    QTest.keyClick(screen, Qt.Key.Key_Escape)
    assert not window.presentation.active and not window.scene.scenario_shown
    QApplication.processEvents()


def test_a_base_edit_shows_through_where_the_variant_does_not_override(qtbot, window) -> None:
    load(window, DESIGN)
    ctl, stack = window.variants, window.editor.undo_stack
    doc = window.editor.document
    ctl.switch("Two")
    ctl.switch(None)
    window.editor.set_node_fields(["web"], {"availability": 0.995, "replicas": 3}, "Edit")
    ctl.switch("Two")
    web = window.editor.design.nodes["web"]
    assert (web.availability, web.replicas) == (0.995, 2)  # the variant's replicas win
    assert doc.variants[0].nodes == {"web": {"replicas": 2}}
    stack.undo()  # back to the base
    stack.undo()  # the base edit
    assert doc.nodes["web"].availability == 0.99
    stack.undo()
    stack.undo()
    assert ctl.current is None and window.editor.design is doc
    # renaming the design while a variant is shown renames the document
    ctl.switch("Two")
    window.editor.set_design_fields(name="Shop v2")
    assert doc.name == "Shop v2"
