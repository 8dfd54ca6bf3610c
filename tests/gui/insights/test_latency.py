"""Chart 3: latency vs demand per client from ``sweep_demand``, the p99 SLO line and the
current demand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from modeller.analysis.sweeps import sweep_demand
from modeller.ui.insights import LatencyChart
from modeller.ui.insights.latency import DEMAND_FACTORS

from .conftest import example


def finite_or_nan(x):  # noqa: ANN001, ANN201
    return x if math.isfinite(x) else math.nan


@pytest.mark.parametrize("name", ["three-tier", "two-regions"])
def test_panel_curves_are_sweep_demand(qtbot, panel, name):  # noqa: ANN001
    design, report = example(name)
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.latency)
    chart = panel.latency
    qtbot.waitUntil(lambda: bool(chart.rows), timeout=20000)
    rows = sweep_demand(design, DEMAND_FACTORS)
    for cid in report.clients:
        mean, p99 = chart.curves[cid]
        x, y = p99.getData()
        np.testing.assert_allclose(x, [r["factor"] for r in rows])
        np.testing.assert_allclose(
            y, [finite_or_nan(r["latency_ms"][cid]["p99"]) for r in rows], rtol=1e-12)
        x, y = mean.getData()
        np.testing.assert_allclose(
            y, [finite_or_nan(r["latency_ms"][cid]["mean"]) for r in rows], rtol=1e-12)
    assert "computing" not in chart.title.text() and "updating" not in chart.title.text()


def test_markers_come_from_the_report(qtbot):  # noqa: ANN001
    design, report = example("three-tier")
    chart = LatencyChart()
    qtbot.addWidget(chart)
    chart.set_report(report, {"users": "Shoppers"})
    c = report.clients["users"]
    assert set(chart.slo_lines) == {"users"}
    assert chart.slo_lines["users"].value() == c.slo["latency_ms_p99"] == 250.0
    assert chart.slo_lines["users"].label.format == "SLO 250 ms"
    assert chart.now_line.value() == 1.0 and chart.now_line.label.format == "nominal"
    assert "nominal (300 rps)" in chart.title.text()
    key = chart.key.text()
    assert f"p99 {c.latency_ms.p99:.1f} ms" in key and f"mean {c.latency_ms.mean:.1f} ms" in key
    assert "SLO p99 ≤ 250 ms" in key
    pts = chart.now_points.data
    assert sorted(zip(pts["x"], pts["y"])) == sorted(
        [(1.0, c.latency_ms.mean), (1.0, c.latency_ms.p99)])
    assert chart.saturation_line.isVisible()
    assert chart.saturation_line.value() == pytest.approx(report.system.headroom)
    # the SLO and the nominal point are inside the view
    lo, hi = chart.plot.vb.viewRange()[1]
    assert lo == 0.0 and hi > 250.0
    assert "computing the curve" in chart.title.text()


def test_saturated_points_are_gaps_not_crashes(qtbot):  # noqa: ANN001
    design, report = example("three-tier")
    chart = LatencyChart()
    qtbot.addWidget(chart)
    chart.set_report(report, {})
    rows = sweep_demand(design, [0.0, 1.0, 1.9])
    assert math.isinf(rows[-1]["latency_ms"]["users"]["p99"])  # past the 1.67x headroom
    chart.set_rows(rows)
    x, y = chart.curves["users"][1].getData()
    assert np.isnan(y[-1]) and np.isfinite(y[:2]).all()
    assert "saturated" not in chart.title.text()  # at nominal demand it is not


def test_rows_from_the_full_report_are_used_without_the_worker(qtbot, panel):  # noqa: ANN001
    design, report = example("three-tier", full=True)
    panel.set_report(report, design)
    panel.tabs.setCurrentWidget(panel.latency)
    qtbot.wait(50)
    assert panel.latency.rows == report.extras["sweeps"]["demand"]
    assert panel.worker.started == 0


def test_removed_client_removes_its_items(qtbot):  # noqa: ANN001
    design, report = example("large-300")
    chart = LatencyChart()
    qtbot.addWidget(chart)
    chart.set_report(report, {})
    assert set(chart.curves) == {"users", "partners"}
    keep = chart.curves["users"]
    gone = [*chart.curves["partners"], chart.slo_lines["partners"]]
    assert all(item.scene() is not None for item in gone)
    _, small = example("three-tier")
    chart.set_report(small, {})
    assert set(chart.curves) == {"users"} and chart.curves["users"] is keep
    assert set(chart.slo_lines) == {"users"}
    assert all(item.scene() is None for item in gone)  # removed, not hidden
    items = chart.plot.listDataItems()
    assert len(items) == 3  # mean, p99 and the nominal points
