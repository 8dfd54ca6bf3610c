"""Chart 1: the downtime ranking shows the report's contributions, biggest first, and a
click on a bar names its node."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from modeller.analysis import analyze
from modeller.formatting import fmt_duration
from modeller.model import MINUTES_PER_YEAR
from modeller.ui.insights import DowntimeRankingChart

from .conftest import example, small_design


def expected(report, limit=10):  # noqa: ANN001, ANN201
    ranked = sorted(((nid, n.downtime_contribution_minutes) for nid, n in report.nodes.items()
                     if n.downtime_contribution_minutes > 0), key=lambda kv: -kv[1])
    return ranked[:limit]


@pytest.fixture
def chart(qtbot):  # noqa: ANN001, ANN201
    c = DowntimeRankingChart()
    qtbot.addWidget(c)
    c.resize(800, 500)
    c.show()
    qtbot.waitExposed(c)
    return c


@pytest.mark.parametrize("name", ["three-tier", "two-regions", "large-300"])
def test_bars_are_the_reports_contributions_sorted(chart, name):  # noqa: ANN001
    design, report = example(name)
    chart.set_report(report)
    want = expected(report)
    opts = chart.bars.item.opts
    assert chart.bars.ids == [nid for nid, _ in want]
    np.testing.assert_allclose(opts["width"], [m for _, m in want], rtol=1e-12)
    np.testing.assert_array_equal(opts["x0"], np.zeros(len(want)))
    np.testing.assert_array_equal(opts["y"], np.arange(len(want)))  # row 0 is the top
    assert list(opts["width"]) == sorted(opts["width"], reverse=True)
    ticks = chart.plot.getAxis("left")._tickLevels[0]
    assert len(ticks) == len(want)
    for i, ((y, label), (nid, _)) in enumerate(zip(ticks, want)):
        assert y == i and label.startswith(report.nodes[nid].name[:20])
    shown = [t.toPlainText() for t in chart.bars.labels if t.isVisible()]
    assert shown == [fmt_duration(m) for _, m in want]
    assert not chart.showing_hint


def test_large_design_keeps_the_top_ten(chart):  # noqa: ANN001
    design, report = example("large-300")
    chart.set_report(report)
    assert len(chart.bars.ids) == 10
    # (v2) the single points of failure lead: the region us-east (losing it drops the clients,
    # its traffic cannot move) and the one-replica DNS
    assert sorted(report.spofs) == ["dns", "us-east"]
    assert chart.bars.ids[:2] == ["us-east", "dns"]
    # the count is the report's parts with a contribution; (v2) the engine makes contributions
    # within 1e-12 of a year exactly 0, and the smallest real one is far above that, so the
    # count is the same on any BLAS: 256 of the 298 parts, the other 42 being services with
    # 2 or 3 replicas whose loss of any one changes nothing
    contributions = [n.downtime_contribution_minutes for n in report.nodes.values()]
    positive = [m for m in contributions if m > 0.0]
    assert all(m == 0.0 or m > 1e-12 * MINUTES_PER_YEAR for m in contributions)
    assert min(positive) > 1e3 * 1e-12 * MINUTES_PER_YEAR
    zero = [nid for nid, n in report.nodes.items() if n.downtime_contribution_minutes == 0.0]
    assert {(report.nodes[nid].kind, design.nodes[nid].replicas > 1) for nid in zero} == {("service", True)}
    assert len(positive) == 256 and len(report.nodes) == 298
    assert f"top 10 of {len(positive)}" in chart.title.text()


def test_containers_are_labelled_and_coloured_apart(chart):  # noqa: ANN001
    design, report = example("three-tier")
    chart.set_report(report)
    i = chart.bars.ids.index("use1-az1")
    brushes = chart.bars.item.opts["brushes"]
    assert brushes[i] == chart.style_.container
    assert brushes[chart.bars.ids.index("db")] == chart.style_.bar
    labels = dict(chart.plot.getAxis("left")._tickLevels[0])
    assert labels[float(i)].endswith("(zone)")


@pytest.mark.parametrize("name", ["three-tier", "large-300"])
def test_clicking_a_bar_emits_its_node(qtbot, chart, name):  # noqa: ANN001
    design, report = example(name)
    chart.set_report(report)
    vp = chart.graphics.viewport()
    for nid in (chart.bars.ids[0], chart.bars.ids[2], chart.bars.ids[-1]):
        with qtbot.waitSignal(chart.node_clicked, timeout=1000) as blocker:
            qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=chart.bar_point(nid).toPoint())
        assert blocker.args == [nid]


def test_clicking_the_name_selects_too_and_empty_rows_do_not(qtbot, chart):  # noqa: ANN001
    report = analyze(small_design(), simulation_years=0, sweeps=False)
    chart.set_report(report)
    assert chart.bars.ids == ["api", "z"] or chart.bars.ids == ["z", "api"]
    vp = chart.graphics.viewport()
    name_pos = chart.scene_point(chart.plot, 0.0, 1.0).toPoint()
    name_pos.setX(name_pos.x() - 20)  # on the axis label, left of the bars
    with qtbot.waitSignal(chart.node_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=name_pos)
    assert blocker.args == [chart.bars.ids[1]]
    seen: list[str] = []
    chart.node_clicked.connect(seen.append)
    empty = chart.scene_point(chart.plot, 0.1, 3.0).toPoint()  # row 3 has no bar
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=empty)
    qtbot.mouseClick(vp, Qt.MouseButton.RightButton, pos=chart.bar_point("api").toPoint())
    assert seen == []


def test_selection_outlines_its_bar(chart):  # noqa: ANN001
    design, report = example("three-tier")
    chart.set_report(report)
    chart.set_selected("lb")
    pens = chart.bars.item.opts["pens"]
    i = chart.bars.ids.index("lb")
    assert pens[i].color() == chart.style_.foreground and pens[i].widthF() == 2.0
    assert all(p.color().alpha() == 0 for j, p in enumerate(pens) if j != i)
    chart.set_selected(None)
    assert all(p.color().alpha() == 0 for p in chart.bars.item.opts["pens"])


def test_value_labels_fit_right_of_their_bars(chart):  # noqa: ANN001
    design, report = example("three-tier")
    chart.set_report(report)
    chart.graphics.grab()  # text items place themselves when painted
    vb = chart.plot.vb
    view = vb.sceneBoundingRect()
    for label in chart.bars.labels:
        if label.isVisible():
            r = label.sceneBoundingRect()
            assert r.right() <= view.right() + 1, (label.toPlainText(), r, view)


def test_no_report_and_perfect_designs_show_a_hint(chart):  # noqa: ANN001
    chart.set_report(None)
    assert chart.showing_hint
    from modeller.model import design_from_dict
    perfect = design_from_dict({"format": "modeller.design", "version": 1, "nodes": [
        {"id": "c", "kind": "client", "demand_rps": 1}, {"id": "s", "kind": "service"}],
        "links": [{"from": "c", "to": "s"}]})
    chart.set_report(analyze(perfect, simulation_years=0, sweeps=False))
    assert chart.showing_hint and "never goes down" in chart.hint.text()
