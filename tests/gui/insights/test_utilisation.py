"""Chart 2: utilisation per node (%), busiest first, the 100 % line and the bottleneck."""

from __future__ import annotations

import math

import numpy as np
import pytest

from modeller.analysis import analyze
from modeller.formatting import fmt_util
from modeller.model import design_from_dict
from modeller.ui.insights import UtilisationChart

from .conftest import example


@pytest.fixture
def chart(qtbot):  # noqa: ANN001, ANN201
    c = UtilisationChart()
    qtbot.addWidget(c)
    c.resize(800, 500)
    c.show()
    qtbot.waitExposed(c)
    return c


@pytest.mark.parametrize("name", ["three-tier", "multi-az", "large-300"])
def test_bars_are_the_reports_utilisations(chart, name):  # noqa: ANN001
    design, report = example(name)
    chart.set_report(report)
    ranked = sorted(((nid, n.utilization) for nid, n in report.nodes.items()
                     if n.utilization is not None), key=lambda kv: -kv[1])[: chart.LIMIT]
    assert chart.bars.ids == [nid for nid, _ in ranked]
    np.testing.assert_allclose(chart.bars.item.opts["width"], [100 * u for _, u in ranked],
                               rtol=1e-12)
    texts = [t.toPlainText() for t in chart.bars.labels if t.isVisible()]
    assert [t.split(" · ")[0] for t in texts] == [fmt_util(u) for _, u in ranked]


@pytest.mark.parametrize("name", ["three-tier", "large-300"])
def test_bottleneck_is_coloured_and_labelled(chart, name):  # noqa: ANN001
    design, report = example(name)
    chart.set_report(report)
    b = report.system.bottleneck
    i = chart.bars.ids.index(b)
    assert i == 0
    assert chart.bars.item.opts["brushes"][i] == chart.style_.warning
    assert chart.bars.labels[i].toPlainText().endswith("bottleneck")
    others = [br for j, br in enumerate(chart.bars.item.opts["brushes"]) if j != i]
    assert all(br == chart.style_.bar for br in others)
    assert report.nodes[b].name in chart.title.text()


def test_the_100_percent_line_is_always_in_view(chart):  # noqa: ANN001
    design, report = example("three-tier")
    chart.set_report(report)
    assert chart.limit_line.value() == 100.0
    lo, hi = chart.plot.vb.viewRange()[0]
    assert lo == 0.0 and hi >= 100.0
    assert chart.limit_label.toPlainText() == "100 %"


def test_overloaded_nodes_are_red_and_the_axis_grows(chart):  # noqa: ANN001
    design = design_from_dict({"format": "modeller.design", "version": 1, "nodes": [
        {"id": "c", "kind": "client", "demand_rps": 300},
        {"id": "a", "kind": "service", "capacity_rps": 100, "replicas": 2},
        {"id": "b", "kind": "service", "capacity_rps": 1000}],
        "links": [{"from": "c", "to": "a"}, {"from": "a", "to": "b"}]})
    report = analyze(design, simulation_years=0, sweeps=False)
    chart.set_report(report)
    assert chart.bars.ids == ["a", "b"]
    assert math.isclose(chart.bars.item.opts["width"][0], 150.0)
    # the bottleneck is overloaded too: the bottleneck colour wins, the label says it
    assert chart.bars.labels[0].toPlainText() == "150 % · bottleneck"
    assert chart.plot.vb.viewRange()[0][1] > 150.0


def test_no_capacities_shows_a_hint(chart):  # noqa: ANN001
    design = design_from_dict({"format": "modeller.design", "version": 1, "nodes": [
        {"id": "c", "kind": "client", "demand_rps": 1}, {"id": "s", "kind": "service"}],
        "links": [{"from": "c", "to": "s"}]})
    chart.set_report(analyze(design, simulation_years=0, sweeps=False))
    assert chart.showing_hint and "capacity" in chart.hint.text()
