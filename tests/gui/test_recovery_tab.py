"""Issue 14 GUI: the insights' Recovery tab lists the report's RTO/RPO rows coloured against
the policy, worst first per disruption; a click fails the row's target in Fail it, whose
overlay then states its RTO and RPO."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modeller.export.resilience import fmt_rpo, fmt_rto
from modeller.render.style import LEVEL_COLOURS

from .conftest import load, wait_report

DEMO = Path(__file__).resolve().parents[1] / "export" / "fixtures" / "recovery-demo.arch.json"


def _demo(window, qtbot):  # noqa: ANN001, ANN202
    data = json.loads(DEMO.read_text())
    load(window, {k: v for k, v in data.items() if k not in ("format", "version")})
    report = wait_report(qtbot, window)
    window.insights.tabs.setCurrentWidget(window.recovery)  # the table fills when it shows
    qtbot.waitUntil(lambda: window.recovery.table.rowCount() == len(report.resilience), timeout=5000)
    return report


def test_a_hidden_tab_fills_its_table_when_it_shows(window, qtbot):
    """Each report fills the table only once the tab shows (2,000 cells at 300 parts took
    40 ms of every report on the UI thread); the title is current at once."""
    data = json.loads(DEMO.read_text())
    window.insights.tabs.setCurrentIndex(0)
    assert window.insights.tabs.currentWidget() is not window.recovery
    load(window, {k: v for k, v in data.items() if k not in ("format", "version")})
    report = wait_report(qtbot, window)
    view = window.recovery
    assert not view.isVisible() and view.table.rowCount() == 0  # not built while hidden
    assert "policy" in view.title.text() and len(view.rows) == len(report.resilience) > 0
    window.insights.tabs.setCurrentWidget(view)
    assert view.isVisible() and view.table.rowCount() == len(report.resilience)
    assert view.table.item(0, 2).text() == fmt_rto(view.rows[0].rto_minutes)


def test_rows_are_the_reports_worst_first_and_coloured(window, qtbot):
    report = _demo(window, qtbot)
    view = window.recovery
    rows = view.cell_texts()
    assert len(rows) == len(report.resilience) > 0
    # every report row is shown once, with the CLI's cells
    shown = {(r[0].split(" ")[0], r[1], r[2], r[3]) for r in rows}
    names = {n.id: n.name for n in window.editor.design.nodes.values()}
    assert shown == {(r.disruption, names[r.target], fmt_rto(r.rto_minutes), fmt_rpo(r.rpo_seconds))
                     for r in report.resilience}
    # grouped hardware, software, zone, region; the worst of each type first
    kinds = [r[0].split(" ")[0] for r in rows]
    assert kinds == sorted(kinds, key=["hardware", "software", "zone", "region"].index)
    summary = report.resilience_summary
    first_hw = view.rows[0]
    assert first_hw.disruption == "hardware"
    assert first_hw.rto_minutes == summary["hardware"].worst_rto_minutes == 60.0  # dns: 1 h
    assert rows[0][2] == "1 h 0 min" and rows[0][5] == "NO"
    assert view.row_colour(0) == LEVEL_COLOURS["bad"][0]  # policy hardware RTO <= 15 min: missed
    region = next(i for i, r in enumerate(view.rows) if r.disruption == "region")
    assert view.rows[region].target == summary["region"].worst_rto_target == "eu"
    assert rows[region][2:4] == ["2.0 min", "5 s"]  # the async copy in us is 5 s behind
    assert view.row_colour(region) == LEVEL_COLOURS["good"][0]  # RTO <= 60 min, RPO <= 10 s
    assert "policy" in view.title.text()


def test_click_fails_the_target_and_the_overlay_states_rto_rpo(window, qtbot):
    _demo(window, qtbot)
    view = window.recovery
    region = next(i for i, r in enumerate(view.rows) if r.disruption == "region" and r.target == "eu")
    view.click_row(region)
    assert window.failit.active and window.failit.failed_id == "eu"
    assert window.failit.scenario is not None and window.failit.scenario.down == "eu"
    text = window.failit.overlay.text()
    assert "Recovery: region RTO 2.0 min, RPO 5 s (policy met)" in text
    # a node: its hardware and software rows
    dns = next(i for i, r in enumerate(view.rows) if r.target == "dns" and r.disruption == "hardware")
    view.click_row(dns)
    assert window.failit.failed_id == "dns"
    # the overlay shows the node down; its row says which disruption it is
    assert "Recovery: hardware, one replica lost: RTO 1 h 0 min, RPO 0 s (policy MISSED)" in \
        window.failit.overlay.text()


def test_screenshot_recovery_tab(window, qtbot):
    _demo(window, qtbot)
    window.resize(1280, 800)
    window.insights_dock.show()
    window.insights_dock.raise_()
    window.insights.tabs.setCurrentWidget(window.recovery)
    qtbot.wait(100)
    assert window.recovery.isVisible()
    window.grab().save("/tmp/shots/issue-14-gui/recovery-tab.png")
    window.recovery.grab().save("/tmp/shots/issue-14-gui/recovery-tab-only.png")
    view = window.recovery
    region = next(i for i, r in enumerate(view.rows) if r.disruption == "region")
    view.click_row(region)
    qtbot.wait(100)
    window.grab().save("/tmp/shots/issue-14-gui/recovery-failit.png")


def test_f1_help_explains_the_4b_formulas(window, qtbot):
    from modeller.ui.window.help import show_help

    dlg = show_help(window, "numbers")
    text = dlg.text("numbers")
    for must in ("Time to repair = time to notice + time to fix", "MTTR becomes detect",
                 "deploys a month × 12 × change failure rate × rollback minutes / 525,960",
                 "12 hours a year", "zone by zone", "Success ratio", "availability × the success",
                 "RTO (recovery time)", "RPO (recovery point)", "lag of the best surviving",
                 "Error budget", "(1 − SLO) × 43,830", "Recovery"):
        assert must in text, must
    # the worked numbers are the engine's: 999 / (999 + 3/60) and 20 x 12 x 0.1 x 30
    assert "99.995 %" in text and f"{999 / (999 + 3 / 60) * 100:.3f} %" == "99.995 %"
    assert "720 min" in text and 20 * 12 * 0.1 * 30 == 720
    dlg.resize(900, 700)
    qtbot.wait(50)
    dlg.grab().save("/tmp/shots/issue-14-gui/help-numbers.png")
    dlg.close()


def test_client_numbers_show_success_ratio_and_error_budget(window, qtbot):
    report = _demo(window, qtbot)
    window.scene.select_ids(["users"])
    qtbot.waitUntil(lambda: "Error budget" in window.properties.numbers.text(), timeout=5000)
    text = window.properties.numbers.text()
    c = report.clients["users"]
    # SLO 99.9 %: (1 - 0.999) x 43,830 = 43.83 min a month
    assert c.error_budget_minutes_per_month == pytest.approx(43.83, rel=1e-12)
    assert "43.8 min a month" in text
    assert "Success ratio" in text and "99.90 %" in text and "4.99 % degraded" in text
    assert "&lt; 0.01 % used" in text or "< 0.01 % used" in text
