"""The properties panel: good values are applied as one undo step, bad ones refused inline."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from modeller.ui.panels import fields as F

from .conftest import centre_of, click, load

DESIGN = {
    "nodes": [
        {"id": "users", "kind": "client", "x": 0, "y": 0, "demand_rps": 100, "slo": {"availability": 0.999}},
        {"id": "web", "kind": "service", "name": "Web", "x": 300, "y": 0, "availability": 0.999,
         "replicas": 2},
        {"id": "db", "kind": "database", "x": 600, "y": 0, "availability": 0.9995},
        {"id": "lb", "kind": "load_balancer", "x": 300, "y": 300},
    ],
    "links": [{"from": "users", "to": "web"}, {"from": "web", "to": "db"}],
}


@pytest.mark.parametrize("text, fields", [
    ("99.95 %", {"availability": 0.9995, "mtbf_hours": None, "mttr_hours": None}),
    ("0.9995", {"availability": 0.9995, "mtbf_hours": None, "mttr_hours": None}),
    ("99.95", {"availability": 0.9995, "mtbf_hours": None, "mttr_hours": None}),
    ("3 nines", {"availability": 0.999, "mtbf_hours": None, "mttr_hours": None}),
    ("720/1", {"availability": 1.0, "mtbf_hours": 720.0, "mttr_hours": 1.0}),
    ("MTBF 8760 h / MTTR 4 h", {"availability": 1.0, "mtbf_hours": 8760.0, "mttr_hours": 4.0}),
])
def test_availability_parser_accepts_what_people_type(text, fields):
    got = F.parse_availability(text)
    assert got.keys() == fields.keys()
    for k, v in fields.items():
        assert got[k] == pytest.approx(v) if v is not None else got[k] is None


@pytest.mark.parametrize("text", ["", "abc", "150 %", "0", "-0.5", "101", "99.9.9", "0/1", "5/-1", "nan"])
def test_availability_parser_refuses_nonsense(text):
    with pytest.raises(ValueError):
        F.parse_availability(text)


def test_percent_format_keeps_significant_digits():
    # two significant digits of the unavailability, as in the reports and the CLI
    assert F.fmt_percent(0.999, 0.001) == "99.90 %"
    assert F.fmt_percent(0.99953, 0.00047) == "99.953 %"
    assert F.fmt_percent(0.9999999, 1e-7) == "99.999990 %"
    assert F.fmt_percent(1.0, 0.0) == "100 %"
    assert F.fmt_nines(3.0) == "3.00 nines"
    assert F.fmt_downtime(525.96) == "8 h 46 min" and F.fmt_downtime(0.5) == "30 s"


def _select(window, node_id):  # noqa: ANN001
    click(window, centre_of(window, node_id))
    assert window.scene.selected_node_ids() == [node_id]


def _type(window, key: str, text: str) -> QLineEdit:  # noqa: ANN001
    """Type into a field of the panel and press Enter, like a person."""
    edit = window.properties.editors[key]
    assert isinstance(edit, QLineEdit)
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)
    return edit


def test_edit_availability_good_value_is_applied_and_undoable(window):
    load(window, DESIGN)
    d = window.editor.design
    _select(window, "web")
    assert window.properties.title.text() == "Web"
    assert window.properties.editors["availability"].text() == "99.9 %"
    _type(window, "availability", "99.95 %")
    assert d.nodes["web"].availability == pytest.approx(0.9995)
    assert window.editor.undo_stack.undoText() == "Set availability of Web to 99.95 %"
    assert window.properties.error_text("availability") == ""
    _type(window, "availability", "720/1")
    assert (d.nodes["web"].mtbf_hours, d.nodes["web"].mttr_hours) == (720.0, 1.0)
    assert window.properties.editors["availability"].text() == "720 h / 1 h"
    window.editor.undo_stack.undo()
    assert d.nodes["web"].mtbf_hours is None and d.nodes["web"].availability == pytest.approx(0.9995)
    assert window.properties.editors["availability"].text() == "99.95 %"


def test_edit_availability_bad_value_is_refused_inline_and_never_applied(window):
    load(window, DESIGN)
    d = window.editor.design
    _select(window, "web")
    count = window.editor.undo_stack.count()
    rev = d.revision
    edit = _type(window, "availability", "150 %")
    assert d.nodes["web"].availability == 0.999
    assert window.editor.undo_stack.count() == count and d.revision == rev
    assert "at most 100 %" in window.properties.error_text("availability")
    assert "#dc2626" in edit.styleSheet()
    assert edit.text() == "150 %"  # left for the person to fix
    assert "Not applied" in window.statusBar().currentMessage()
    _type(window, "availability", "abc")
    assert "is not an availability" in window.properties.error_text("availability")
    # fixing it clears the error and applies the value
    _type(window, "availability", "0.995")
    assert d.nodes["web"].availability == pytest.approx(0.995)
    assert window.properties.error_text("availability") == "" and edit.styleSheet() == ""


def test_kind_specific_fields(window):
    load(window, DESIGN)
    _select(window, "users")
    assert {"demand_rps", "slo_availability", "slo_latency"} <= set(window.properties.editors)
    assert "replicas" not in window.properties.editors and "availability" not in window.properties.editors
    _type(window, "slo_availability", "99.99 %")
    assert window.editor.design.nodes["users"].slo == {"availability": pytest.approx(0.9999)}
    _type(window, "demand_rps", "-5")
    assert "at least 0" in window.properties.error_text("demand_rps")
    assert window.editor.design.nodes["users"].demand_rps == 100
    _select(window, "lb")
    assert "min_targets" in window.properties.editors
    assert isinstance(window.properties.editors["failover"], QComboBox)


def test_replicas_and_min_healthy_stay_consistent(window):
    load(window, DESIGN)
    d = window.editor.design
    _select(window, "web")
    _type(window, "min_healthy", "3")
    assert "only 2 replica" in window.properties.error_text("min_healthy")
    assert d.nodes["web"].min_healthy == "auto"
    _type(window, "min_healthy", "2")
    assert d.nodes["web"].min_healthy == 2
    _type(window, "replicas", "1")
    assert "lower “min healthy” first" in window.properties.error_text("replicas")
    assert d.nodes["web"].replicas == 2
    _type(window, "replicas", "2.5")
    assert d.nodes["web"].replicas == 2 and window.properties.error_text("replicas")


def test_multi_selection_edits_common_fields_in_one_step(window):
    load(window, DESIGN)
    d = window.editor.design
    window.scene.select_ids(["web", "db"])
    props = window.properties
    assert props.title.text() == "2 nodes selected"
    assert "name" not in props.editors  # names are per node
    assert props.editors["availability"].text() == ""  # mixed values
    assert props.editors["availability"].placeholderText() == "mixed"
    assert props.editors["replicas"].text() == ""
    _type(window, "replicas", "3")
    assert d.nodes["web"].replicas == 3 and d.nodes["db"].replicas == 3
    assert window.editor.undo_stack.undoText() == "Set replicas of 2 nodes to 3"
    window.editor.undo_stack.undo()
    assert (d.nodes["web"].replicas, d.nodes["db"].replicas) == (2, 1)
    # a client and a service share only the name-less fields they both have: none of the kind ones
    window.scene.select_ids(["users", "web"])
    assert set(props.editors) == set()


def test_link_properties_calls_and_optional(window):
    load(window, DESIGN)
    d = window.editor.design
    window.scene.select_ids([], [("web", "db")])
    props = window.properties
    assert props.title.text() == "Web → db"
    _type(window, "calls", "2.5")
    assert d.link("web", "db").calls == 2.5
    _type(window, "calls", "0")
    assert "greater than 0" in props.error_text("calls") and d.link("web", "db").calls == 2.5
    _type(window, "calls", "20000")  # more than a design file may hold: refused, not applied
    assert "at most 10000" in props.error_text("calls") and d.link("web", "db").calls == 2.5
    box = props.editors["optional"]
    assert isinstance(box, QCheckBox)
    box.click()
    assert d.link("web", "db").optional
    assert window.scene.link_item("web", "db").optional  # drawn dashed
    window.editor.undo_stack.undo()
    assert not d.link("web", "db").optional


def test_design_settings_when_nothing_is_selected(window):
    load(window, DESIGN)
    window.scene.clearSelection()
    _type(window, "default_mttr_hours", "4")
    assert window.editor.design.settings.default_mttr_hours == 4.0
    _type(window, "design_name", "Checkout")
    assert window.editor.design.name == "Checkout"
    _type(window, "default_mttr_hours", "soon")
    assert window.properties.error_text("default_mttr_hours")
    assert window.editor.design.settings.default_mttr_hours == 4.0
