"""The panel: five charts in tabs, redrawn in place from each new report, following the
palette and the font, forwarding clicks, and dropping work for stale revisions."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from modeller.analysis import analyze

from .conftest import example, fresh


def test_six_tabs(panel):  # noqa: ANN001
    assert [panel.tabs.tabText(i) for i in range(panel.tabs.count())] == \
        ["Downtime", "Utilisation", "Latency", "What-if", "Simulation", "Cut sets"]


def test_redraws_update_items_in_place(qtbot, panel):  # noqa: ANN001
    design = fresh("three-tier")
    panel.set_report(analyze(design, simulation_years=0, sweeps=False), design)
    charts = (panel.ranking, panel.utilisation, panel.latency, panel.whatif, panel.histogram)
    items = {id(c): list(c.graphics.scene().items()) for c in charts}
    bars = panel.ranking.bars.item
    design.nodes["db"].availability = 0.9999
    design.changed()
    report = analyze(design, simulation_years=0, sweeps=False)
    panel.set_report(report, design)
    assert panel.ranking.bars.item is bars
    for c in charts:  # no item removed or added: setData/setOpts only
        assert list(c.graphics.scene().items()) == items[id(c)]
    want = sorted((n.downtime_contribution_minutes for n in report.nodes.values()
                   if n.downtime_contribution_minutes > 0), reverse=True)
    assert list(bars.opts["width"]) == pytest.approx(want)


def test_bar_clicks_reach_the_panel_signal(qtbot, panel):  # noqa: ANN001
    design, report = example("three-tier")
    panel.set_report(report, design)
    chart = panel.ranking
    with qtbot.waitSignal(panel.node_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(chart.graphics.viewport(), Qt.MouseButton.LeftButton,
                         pos=chart.bar_point("lb").toPoint())
    assert blocker.args == ["lb"]
    panel.tabs.setCurrentWidget(panel.utilisation)
    chart = panel.utilisation
    with qtbot.waitSignal(panel.node_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(chart.graphics.viewport(), Qt.MouseButton.LeftButton,
                         pos=chart.bar_point("db").toPoint())
    assert blocker.args == ["db"]


def test_selection_reaches_the_bar_charts(panel):  # noqa: ANN001
    design, report = example("three-tier")
    panel.set_report(report, design)
    panel.set_selected("db")
    for chart in (panel.ranking, panel.utilisation):
        i = chart.bars.ids.index("db")
        assert chart.bars.item.opts["pens"][i].widthF() == 2.0
        assert chart.bars.item.opts["pens"][i].color().alpha() == 255


def test_follows_the_palette(qtbot, panel):  # noqa: ANN001
    design, report = example("three-tier")
    panel.set_report(report, design)
    app = QApplication.instance()
    old = app.palette()
    dark = QPalette(old)
    dark.setColor(QPalette.ColorRole.Base, QColor("#101418"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#1b1f24"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: panel.ranking.style_.dark, timeout=2000)
        for chart in (panel.ranking, panel.utilisation, panel.latency, panel.whatif,
                      panel.histogram):
            assert chart.style_.dark, chart
            assert chart.graphics.backgroundBrush().color() == QColor("#101418")
        axis = panel.ranking.plot.getAxis("bottom")
        assert axis.textPen().color() == QColor("#e6e6e6")
        label = panel.ranking.bars.labels[0]
        assert label.color == QColor("#e6e6e6")
        assert panel.ranking.bars.item.opts["brushes"][0] == panel.ranking.style_.bar
        assert panel.ranking.style_.bar == QColor("#7c9cf0")  # the dark bar colour
    finally:
        app.setPalette(old)
    qtbot.waitUntil(lambda: not panel.ranking.style_.dark, timeout=2000)
    assert panel.ranking.graphics.backgroundBrush().color() == \
        old.color(QPalette.ColorRole.Base)


def test_sizes_follow_the_widget_font(qtbot, panel):  # noqa: ANN001
    design, report = example("three-tier")
    panel.set_report(report, design)
    big = QFont(panel.font())
    big.setPointSizeF(17.0)
    panel.ranking.setFont(big)
    qtbot.waitUntil(lambda: panel.ranking.style_.point_size == 17.0, timeout=2000)
    axis = panel.ranking.plot.getAxis("bottom")
    assert axis.style["tickFont"].pointSizeF() == 17.0
    assert panel.ranking.bars.labels[0].textItem.font().pointSizeF() == 17.0
    assert "17.0pt" in axis.labelStyle["font-size"]


def test_results_for_an_old_revision_are_dropped(qtbot, panel, monkeypatch):  # noqa: ANN001
    import modeller.ui.insights.panel as panel_mod

    gate = threading.Event()
    real = panel_mod.replicas_job

    def slow(design, nid, n):  # noqa: ANN001, ANN202
        job = real(design, nid, n)

        def run(cancelled):  # noqa: ANN001, ANN202
            assert gate.wait(10)
            return job(cancelled)
        return run

    monkeypatch.setattr(panel_mod, "replicas_job", slow)
    design = fresh("three-tier")
    panel.set_report(analyze(design, simulation_years=0, sweeps=False), design)
    panel.tabs.setCurrentWidget(panel.whatif)
    panel.set_selected("app")
    qtbot.waitUntil(lambda: panel.worker.in_flight("replicas") is not None, timeout=2000)
    design.nodes["app"].replicas = 7  # edited while the sweep for revision 0 runs
    design.changed()
    shown: list[int] = []
    panel.whatif.nines_curve.sigPlotChanged.connect(
        lambda item: shown.append(len(item.getData()[0])))
    panel.set_report(analyze(design, simulation_years=0, sweeps=False), design)
    gate.set()
    qtbot.waitUntil(lambda: bool(panel.whatif.rows) and not panel.worker.busy, timeout=20000)
    assert panel.whatif.current == 7
    assert len(panel.whatif.rows) == 9  # max(6, 7 + 2) for the new revision ...
    assert shown == [9]  # ... and revision 0's six rows were never drawn
    assert panel.worker.dropped + panel.dropped == 1


def test_a_report_for_an_older_revision_starts_no_work(qtbot, panel):  # noqa: ANN001
    design = fresh("three-tier")
    report = analyze(design, simulation_years=0, sweeps=False)
    design.changed()  # the design moved on; a newer report is on its way
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.latency)
    qtbot.wait(50)
    assert panel.worker.started == 0
    assert panel.ranking.bars.ids  # the report itself is still shown


def test_failed_analysis_shows_hints(panel):  # noqa: ANN001
    design, report = example("three-tier")
    panel.set_report(report, design)
    panel.set_report(None, design)
    for chart in (panel.ranking, panel.utilisation, panel.latency, panel.whatif,
                  panel.histogram):
        assert chart.showing_hint, chart


def test_engine_error_in_a_sweep_is_shown(qtbot, panel, monkeypatch):  # noqa: ANN001
    import modeller.ui.insights.panel as panel_mod

    def broken(design, factors):  # noqa: ANN001, ANN202
        def run(cancelled):  # noqa: ANN001, ANN202
            raise RuntimeError("engine exploded")
        return run

    monkeypatch.setattr(panel_mod, "demand_job", broken)
    design, report = example("three-tier")
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.latency)
    qtbot.waitUntil(lambda: panel.latency.showing_hint, timeout=5000)
    assert "engine exploded" in panel.latency.hint.text()
