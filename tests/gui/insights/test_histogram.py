"""Chart 5: the simulated annual downtime histogram, its SLO budget line and P(miss)."""

from __future__ import annotations

import numpy as np
import pytest

from modeller.analysis.simulation import simulate
from modeller.formatting import fmt_duration, fmt_percent
from modeller.ui.insights import DowntimeHistogramChart

from .conftest import example, fresh


@pytest.fixture
def chart(qtbot):  # noqa: ANN001, ANN201
    c = DowntimeHistogramChart()
    qtbot.addWidget(c)
    c.resize(800, 500)
    c.show()
    return c


@pytest.mark.parametrize("name", ["three-tier", "multi-az"])
def test_bars_are_the_simulations_histogram(chart, name):  # noqa: ANN001
    design, report = example(name, full=True)
    sim = report.extras["simulation"]
    chart.set_simulation(sim)
    edges = np.array(sim["histogram"]["edges"])
    opts = chart.bars.opts
    np.testing.assert_array_equal(opts["height"], sim["histogram"]["counts"])
    np.testing.assert_allclose(opts["x0"], edges[:-1])
    np.testing.assert_allclose(np.asarray(opts["x0"]) + opts["width"], edges[1:])
    assert sum(opts["height"]) == sim["years"] == 1000
    title = chart.title.text()
    assert f"P(a year misses the {fmt_percent(sim['slo'])} SLO) = <b>{fmt_percent(sim['p_miss_slo'])}</b>" in title
    assert "(1,000 years)" in title


def test_budget_line_sits_at_the_allowed_minutes(chart):  # noqa: ANN001
    design, report = example("three-tier", full=True)
    sim = report.extras["simulation"]
    chart.set_simulation(sim)
    assert chart.budget_line.isVisible()
    assert chart.budget_line.value() == pytest.approx(sim["allowed_minutes"])
    assert chart.budget_line.label.toPlainText() == f"SLO budget {fmt_duration(sim['allowed_minutes'])}"
    lo, hi = chart.plot.vb.viewRange()[0]
    assert lo <= 0 and hi >= sim["allowed_minutes"]


def test_far_budget_is_named_at_the_edge_instead(chart):  # noqa: ANN001
    sim = simulate(fresh("large-300"), years=50)
    top = sim["histogram"]["edges"][-1]
    assert sim["allowed_minutes"] > 1.5 * top  # the shipped design is far inside its SLO
    chart.set_simulation(sim)
    assert not chart.budget_line.isVisible()
    assert chart.off_chart.isVisible()
    assert fmt_duration(sim["allowed_minutes"]) in chart.off_chart.toPlainText()
    assert chart.plot.vb.viewRange()[0][1] < 1.1 * top


def test_no_slo_says_so(chart):  # noqa: ANN001
    sim = dict(example("three-tier", full=True)[1].extras["simulation"])
    sim.update(slo=None, allowed_minutes=None, p_miss_slo=None)
    chart.set_simulation(sim)
    assert not chart.budget_line.isVisible()
    assert "no availability SLO" in chart.title.text()


def test_panel_simulates_when_the_report_has_none(qtbot, panel):  # noqa: ANN001
    design, report = example("two-regions")
    assert "simulation" not in report.extras
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.histogram)
    qtbot.waitUntil(lambda: panel.histogram.simulation is not None, timeout=20000)
    want = simulate(design, years=300)
    got = panel.histogram.bars.opts
    np.testing.assert_array_equal(got["height"], want["histogram"]["counts"])
    np.testing.assert_allclose(got["x0"], want["histogram"]["edges"][:-1])
    assert panel.histogram.budget_line.value() == pytest.approx(want["allowed_minutes"])
    assert "(300 years)" in panel.histogram.title.text()


def test_panel_uses_the_full_reports_simulation(qtbot, panel):  # noqa: ANN001
    design, report = example("multi-az", full=True)
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.histogram)
    qtbot.wait(50)
    assert panel.histogram.simulation is report.extras["simulation"]
    assert panel.worker.started == 0  # nothing recomputed
