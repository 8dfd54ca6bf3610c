"""Issue 14's teaching templates in the window: each opens from the start page as a new
design, its Recovery tab shows the rows its "Try:" text describes; screenshots at 1280x800."""

from __future__ import annotations

import pytest

import modeller.ui.window.start_page as sp
from modeller.render.style import LEVEL_COLOURS

from .conftest import wait_report

CASES = {
    # template id -> (row disruption, target, RTO cell, RPO cell, level)
    "bad-deploy-vs-replicas": ("software", "web", "30.0 min", "0 s", "bad"),
    "async-cross-region-rpo": ("region", "eu", "2.0 min", "5 s", "bad"),
    "monitoring-pays": ("hardware", "app", "1 h 0 min", "0 s", "bad"),
}


@pytest.mark.parametrize("template_id", list(CASES))
def test_template_opens_and_recovery_tab_shows_its_row(window, qtbot, template_id):
    page = sp.install_start_page(window, show=True)
    page.choose(template_id)
    window.resize(1280, 800)
    report = wait_report(qtbot, window)
    view = window.recovery
    qtbot.waitUntil(lambda: len(view.rows) == len(report.resilience), timeout=5000)
    disruption, target, rto, rpo, level = CASES[template_id]
    i = next(i for i, r in enumerate(view.rows) if r.disruption == disruption and r.target == target)
    cells = view.cell_texts()[i]
    assert cells[2:4] == [rto, rpo]
    assert view.row_colour(i) == LEVEL_COLOURS[level][0]
    window.insights_dock.show()
    window.insights_dock.raise_()
    window.insights.tabs.setCurrentWidget(view)
    window.view.fit()
    qtbot.wait(100)
    window.grab().save(f"/tmp/shots/issue-14-gui/template-{template_id}.png")
