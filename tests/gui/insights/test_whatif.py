"""Chart 4: nines and monthly cost as the selected node's replicas go 1..N."""

from __future__ import annotations

import numpy as np
import pytest

from modeller.analysis.sweeps import sweep_replicas

from .conftest import example, fresh


def wait_rows(qtbot, panel, nid):  # noqa: ANN001
    qtbot.waitUntil(lambda: panel.whatif.node_id == nid and bool(panel.whatif.rows)
                    and not panel.whatif.showing_hint, timeout=20000)


@pytest.mark.parametrize("name,nid", [("three-tier", "app"), ("three-tier", "lb"),
                                      ("two-regions", "dns"), ("large-300", "dns")])
def test_points_are_sweep_replicas(qtbot, panel, name, nid):  # noqa: ANN001
    design, report = example(name)
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.whatif)
    panel.set_selected(nid)
    wait_rows(qtbot, panel, nid)
    n = max(6, design.nodes[nid].replicas + 2)
    rows = sweep_replicas(design, nid, n)
    w = panel.whatif
    x, y = w.nines_curve.getData()
    np.testing.assert_array_equal(x, np.arange(1, n + 1))
    np.testing.assert_allclose(y, [r["nines"] for r in rows], rtol=1e-12)
    x, y = w.cost_curve.getData()
    np.testing.assert_allclose(y, [r["cost_month"] for r in rows], rtol=1e-12)
    current = design.nodes[nid].replicas
    assert all(line.value() == current for line in w.current_lines)
    assert w.current_lines[0].label.format == f"now: {current}"
    assert design.nodes[nid].name in w.title.text()


def test_title_prices_the_next_replica(qtbot, panel):  # noqa: ANN001
    design, report = example("three-tier")
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.whatif)
    panel.set_selected("app")
    wait_rows(qtbot, panel, "app")
    rows = sweep_replicas(design, "app", 6)
    r = design.nodes["app"].replicas
    dn = rows[r]["nines"] - rows[r - 1]["nines"]
    dc = rows[r]["cost_month"] - rows[r - 1]["cost_month"]
    assert f"{r} → {r + 1} replicas: {dn:+.2f} nines for +{dc:,.0f} a month" in \
        panel.whatif.title.text()


@pytest.mark.parametrize("nid", [None, "users", "use1-az1", "us-east-1", "gone"])
def test_nothing_sweepable_selected_shows_a_hint(qtbot, panel, nid):  # noqa: ANN001
    design, report = example("three-tier")
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.whatif)
    panel.set_selected(nid)
    qtbot.wait(30)
    assert panel.whatif.showing_hint
    assert "Select a service" in panel.whatif.hint.text()
    assert panel.worker.started == 0


def test_selection_change_recomputes_and_old_node_is_not_shown(qtbot, panel):  # noqa: ANN001
    design, report = example("three-tier")
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.whatif)
    panel.set_selected("app")
    panel.set_selected("db")  # before app's sweep lands
    wait_rows(qtbot, panel, "db")
    panel.worker.wait(5000)
    qtbot.wait(30)
    assert panel.whatif.node_id == "db"
    np.testing.assert_allclose(panel.whatif.nines_curve.getData()[1],
                               [r["nines"] for r in sweep_replicas(design, "db", 6)])
    # back to app: computed fresh (or from the cache), never db's numbers
    panel.set_selected("app")
    wait_rows(qtbot, panel, "app")
    np.testing.assert_allclose(panel.whatif.nines_curve.getData()[1],
                               [r["nines"] for r in sweep_replicas(design, "app", 6)])


def test_design_change_recomputes(qtbot, panel):  # noqa: ANN001
    from modeller.analysis import analyze

    design = fresh("three-tier")
    panel.set_report(analyze(design, simulation_years=0, sweeps=False), design)
    panel.tabs.setCurrentWidget(panel.whatif)
    panel.set_selected("app")
    wait_rows(qtbot, panel, "app")
    before = panel.whatif.nines_curve.getData()[1].copy()
    design.nodes["app"].availability = 0.9999
    design.nodes["app"].replicas = 3
    design.changed()
    panel.set_report(analyze(design, simulation_years=0, sweeps=False), design)
    qtbot.waitUntil(lambda: panel.whatif.current == 3, timeout=20000)
    after = panel.whatif.nines_curve.getData()[1]
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, [r["nines"] for r in sweep_replicas(design, "app", 6)])
    assert panel.whatif.current_lines[0].value() == 3


def test_hidden_chart_costs_nothing_until_shown(qtbot, panel):  # noqa: ANN001
    design, report = example("three-tier")
    panel.set_report(report, design)
    panel.set_selected("app")  # the ranking tab is showing
    qtbot.wait(50)
    assert panel.worker.started == 0
    panel.tabs.setCurrentWidget(panel.whatif)
    wait_rows(qtbot, panel, "app")
    assert panel.worker.started == 1
