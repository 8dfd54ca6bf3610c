"""Issue 14 GUI: the "Monitoring & recovery", "Changes" and "Data" sections of the properties
panel edit the 4b fields through the undo stack and refuse bad values inline."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit

from modeller.ui.panels.recovery_fields import RECOVERY_PRESETS

from .conftest import centre_of, click, load

DESIGN = {
    "nodes": [
        {"id": "users", "kind": "client", "x": 0, "y": 0, "demand_rps": 100},
        {"id": "web", "kind": "service", "name": "Web", "x": 300, "y": 0, "availability": 0.995},
        {"id": "db", "kind": "database", "name": "DB", "x": 600, "y": 0, "availability": 0.9995},
    ],
    "links": [{"from": "users", "to": "web"}, {"from": "web", "to": "db"}],
}


def _select(window, node_id):  # noqa: ANN001
    click(window, centre_of(window, node_id))
    assert window.scene.selected_node_ids() == [node_id]


def _type(window, key: str, text: str) -> QLineEdit:  # noqa: ANN001
    edit = window.properties.editors[key]
    assert isinstance(edit, QLineEdit)
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)
    return edit


def test_sections_by_kind(window):
    load(window, DESIGN)
    _select(window, "web")
    rec = window.properties.recovery
    assert list(rec.sections) == ["Monitoring & recovery", "Changes"]  # no Data for a service
    assert {"detect_minutes", "recover_minutes", "error_rate", "deploys_per_month",
            "change_failure_rate", "rollback_minutes", "rollout"} <= set(window.properties.editors)
    assert "replication" not in window.properties.editors
    _select(window, "db")
    assert list(window.properties.recovery.sections) == ["Monitoring & recovery", "Changes", "Data"]
    assert isinstance(window.properties.editors["replication"], QComboBox)


def test_typed_detect_changes_model_and_undo_restores(window):
    load(window, DESIGN)
    d = window.editor.design
    _select(window, "web")
    _type(window, "detect_minutes", "5")
    assert d.nodes["web"].detect_minutes == 5.0
    assert window.editor.undo_stack.undoText() == "Set detect (min) of Web to 5"
    _type(window, "recover_minutes", "7")
    # MTTR = 5 + 7 min; failure rate from 0.995 at the default 1 h MTTR:
    # MTBF = 0.995/0.005 h = 199 h -> A = 199 / (199 + 0.2) = 0.998996 (the hand value)
    assert d.nodes["web"].replica_availability == pytest.approx(199 / 199.2, rel=1e-12)
    assert window.properties.recovery.preset_combo.currentText() == "custom"
    window.editor.undo_stack.undo()
    assert d.nodes["web"].recover_minutes is None and d.nodes["web"].detect_minutes == 5.0
    assert window.properties.editors["recover_minutes"].text() == ""
    window.editor.undo_stack.undo()
    assert d.nodes["web"].detect_minutes is None
    assert window.properties.editors["detect_minutes"].text() == ""


def test_preset_combo_sets_detect_and_recover_in_one_step(window):
    load(window, DESIGN)
    d = window.editor.design
    _select(window, "web")
    combo = window.properties.recovery.preset_combo
    count = window.editor.undo_stack.count()
    label, det, rec = RECOVERY_PRESETS[1]
    assert label == "automated restart: detect 1 min, recover 2 min"
    combo.activated.emit(combo.findText(label))
    assert (d.nodes["web"].detect_minutes, d.nodes["web"].recover_minutes) == (1.0, 2.0)
    assert window.editor.undo_stack.count() == count + 1
    assert window.properties.editors["detect_minutes"].text() == "1"
    assert window.properties.editors["recover_minutes"].text() == "2"
    assert combo.currentText() == label
    window.editor.undo_stack.undo()
    assert (d.nodes["web"].detect_minutes, d.nodes["web"].recover_minutes) == (None, None)
    assert combo.currentText() == "custom"


def test_bad_values_refused_inline(window):
    load(window, DESIGN)
    d = window.editor.design
    _select(window, "web")
    rev = d.revision
    _type(window, "error_rate", "100 %")
    assert "below 100 %" in window.properties.error_text("error_rate")
    _type(window, "detect_minutes", "-3")
    assert "at least 0" in window.properties.error_text("detect_minutes")
    assert d.revision == rev and d.nodes["web"].error_rate == 0.0
    _type(window, "error_rate", "0.1 %")
    assert d.nodes["web"].error_rate == pytest.approx(0.001)
    assert window.properties.editors["error_rate"].text() == "0.1 %"
    _type(window, "change_failure_rate", "10 %")
    _type(window, "deploys_per_month", "20")
    _type(window, "rollback_minutes", "30")
    assert (d.nodes["web"].change_failure_rate, d.nodes["web"].deploys_per_month,
            d.nodes["web"].rollback_minutes) == (pytest.approx(0.1), 20.0, 30.0)
    window.properties.commit("rollout", "zone-by-zone")
    assert d.nodes["web"].rollout == "zone-by-zone"


def test_data_section_lag_needs_async(window):
    load(window, DESIGN)
    d = window.editor.design
    _select(window, "db")
    _type(window, "replication_lag_seconds", "5")
    assert "async" in window.properties.error_text("replication_lag_seconds")
    assert d.nodes["db"].replication_lag_seconds == 0.0
    window.properties.commit("replication", "async")
    _type(window, "replication_lag_seconds", "5")
    assert (d.nodes["db"].replication, d.nodes["db"].replication_lag_seconds) == ("async", 5.0)
    # switching to sync drops the lag in the same step (sync with a lag cannot be saved)
    window.properties.commit("replication", "sync")
    assert (d.nodes["db"].replication, d.nodes["db"].replication_lag_seconds) == ("sync", 0.0)
    window.editor.undo_stack.undo()
    assert (d.nodes["db"].replication, d.nodes["db"].replication_lag_seconds) == ("async", 5.0)
    _type(window, "backup_hours", "0")
    assert "greater than 0" in window.properties.error_text("backup_hours")
    _type(window, "backup_hours", "24")
    assert d.nodes["db"].backup_hours == 24.0


def test_screenshot_sections(window, qtbot):
    load(window, DESIGN)
    window.resize(1280, 800)
    _select(window, "db")
    for s in window.properties.recovery.sections.values():
        s.button.setChecked(True)
    qtbot.wait(50)
    window.properties.scroll.ensureWidgetVisible(window.properties.recovery.sections["Data"])
    qtbot.wait(50)
    window.grab().save("/tmp/shots/issue-14-gui/properties-groups.png")
    window.properties.grab().save("/tmp/shots/issue-14-gui/properties-panel.png")
    sb = window.properties.scroll.horizontalScrollBar()
    assert not sb.isVisible() or sb.maximum() == 0


def test_policy_editor_in_design_settings_is_one_undo_step(window, qtbot):
    load(window, DESIGN)
    d = window.editor.design
    window.scene.select_ids([])
    pol = window.properties.recovery
    assert pol.title == "Recovery policy"
    count = window.editor.undo_stack.count()
    edit = pol.edits[("zone", "rto_minutes")]
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, "15")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert d.settings.extra["policy"] == {"zone": {"rto_minutes": 15.0}}
    assert window.editor.undo_stack.count() == count + 1
    assert window.editor.undo_stack.undoText() == "Set zone RTO target to 15 minutes"
    assert pol.commit("region", "rpo_seconds", "10")
    assert d.settings.policy == {"zone": {"rto_minutes": 15.0}, "region": {"rpo_seconds": 10.0}}
    # a bad value is refused inline, never applied
    assert not pol.commit("hardware", "rto_minutes", "-1")
    assert "at least 0" in window.properties.message_text()
    assert "hardware" not in d.settings.extra["policy"]
    window.editor.undo_stack.undo()
    assert d.settings.extra["policy"] == {"zone": {"rto_minutes": 15.0}}
    assert pol.edits[("region", "rpo_seconds")].text() == ""
    window.editor.undo_stack.undo()
    assert "policy" not in d.settings.extra
    assert pol.edits[("zone", "rto_minutes")].text() == ""
    # the report reads it: the Recovery tab's title names the policy
    pol.commit("zone", "rto_minutes", "15")
    qtbot.waitUntil(lambda: "zone RTO ≤ 15.0 min" in window.recovery.title.text(), timeout=8000)
    window.resize(1280, 800)
    qtbot.wait(50)
    window.properties.grab().save("/tmp/shots/issue-14-gui/policy-editor.png")
