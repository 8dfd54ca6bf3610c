"""The insight charts inside the main window: they follow the report and the canvas."""

from __future__ import annotations

from PySide6.QtCore import Qt

from modeller.model import load_design

from .conftest import wait_report


def test_clicking_a_ranking_bar_selects_that_node_on_the_canvas(window, qtbot, examples_dir):  # noqa: ANN001
    window.open_file(str(examples_dir / "multi-az.arch.json"), ask=False)
    report = wait_report(qtbot, window)
    chart = window.insights.ranking
    qtbot.waitUntil(lambda: chart.bars.ids != [])
    ranked = sorted((nid for nid, n in report.nodes.items() if n.downtime_contribution_minutes > 0),
                    key=lambda nid: -report.nodes[nid].downtime_contribution_minutes)
    assert chart.bars.ids[: len(ranked)] == ranked[: len(chart.bars.ids)]
    target = "db"
    vp = chart.graphics.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=chart.bar_point(target).toPoint())
    assert window.scene.selected_node_ids() == [target]
    assert window.properties.isVisible()
    # and the canvas selection comes back to the what-if chart
    assert window.insights.selected == target


def test_charts_follow_an_edit(window, qtbot, examples_dir):  # noqa: ANN001
    path = examples_dir / "three-tier.arch.json"
    window.open_file(str(path), ask=False)
    wait_report(qtbot, window)
    first = dict(zip(window.insights.ranking.bars.ids, window.insights.ranking.bars.values))
    node = next(n for n in load_design(path).components() if n.kind == "database")
    window.scene.select_ids([node.id])
    window.properties.commit("availability", "99.99 %")
    report = wait_report(qtbot, window)
    qtbot.waitUntil(lambda: dict(zip(window.insights.ranking.bars.ids,
                                     window.insights.ranking.bars.values)) != first)
    shown = dict(zip(window.insights.ranking.bars.ids, window.insights.ranking.bars.values))
    for nid, minutes in shown.items():
        assert minutes == report.nodes[nid].downtime_contribution_minutes
