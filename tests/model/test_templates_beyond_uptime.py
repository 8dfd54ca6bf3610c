"""Issue 14's three teaching templates: each loads, its variants load, its layout is tidy,
and the numbers its "Try:" text states are what the analysis gives (hand-derived here)."""

from __future__ import annotations

import pytest

from modeller.analysis import analyze
from modeller.model import load_design
from modeller.model.templates import list_templates, read_template

from .test_templates import _check_layout, design_path

MIN_YEAR = 525_960.0
IDS = ["bad-deploy-vs-replicas", "async-cross-region-rpo", "monitoring-pays"]


def _options(name: str):  # type: ignore[no-untyped-def]
    base = load_design(design_path(name))
    return {"Base": base, **{v.name: base.variant(v.name) for v in base.variants}}


@pytest.mark.parametrize("name", IDS)
def test_loads_listed_with_try_text_and_tidy_layout(name: str) -> None:
    t = read_template(design_path(name))
    assert name in [x.id for x in list_templates()]
    assert "Try:" in t.note and len(t.note) > 200
    for design in _options(name).values():
        _check_layout(design, name)


def test_bad_deploy_vs_three_replicas() -> None:
    opts = _options("bad-deploy-vs-replicas")
    base = analyze(opts["Base"])
    # all at once: P(bad-change window) = 20 x 12 x 0.1 x 30 / 525,960 = 720 / 525,960;
    # three replicas of 0.999 add 1e-9: A = (1 - 720/525960)(1 - 1e-9)
    assert base.system.availability == pytest.approx((1 - 720 / MIN_YEAR) * (1 - 1e-9), rel=1e-9)
    assert base.system.downtime_minutes_per_year == pytest.approx(720.0, rel=1e-5)  # "12 h a year"
    sw = base.resilience_summary["software"]
    assert sw.worst_rto_minutes == 30.0 and sw.meets_policy is False  # "RTO 30 min ... red"
    note = read_template(design_path("bad-deploy-vs-replicas")).note
    assert "99.86 %" in note and "12 h a year" in note
    zbz = analyze(opts["Zone by zone"])
    # a bad change takes zone a's replica only: the other two serve, so only all three
    # replicas failing (1e-9) or the first wave plus both others remain: about 99.9999998 %
    assert 1 - zbz.system.availability < 3e-9
    assert zbz.system.downtime_minutes_per_year < 1 / 60  # "under a second a year"
    assert zbz.resilience_summary["software"].worst_rto_minutes == 0.0
    assert zbz.resilience_summary["software"].meets_policy is True
    # Try: rollback 5 min -> 20 x 12 x 0.1 x 5 = 120 min = 2 h a year
    fast = opts["Base"]
    fast.set_node_fields("web", rollback_minutes=5.0)
    assert analyze(fast).system.downtime_minutes_per_year == pytest.approx(120.0, rel=1e-4)


def test_async_cross_region_rpo() -> None:
    opts = _options("async-cross-region-rpo")
    base = analyze(opts["Base"])
    eu = next(r for r in base.resilience_for("eu") if r.disruption == "region")
    # DNS detects in 1 min and fails over in 60 s; the async copy in the US is 5 s behind
    assert (eu.rto_minutes, eu.rpo_seconds, eu.meets_policy) == (2.0, 5.0, False)
    us = next(r for r in base.resilience_for("us") if r.disruption == "region")
    assert (us.rto_minutes, us.rpo_seconds, us.meets_policy) == (0.0, 0.0, True)
    sync = analyze(opts["Sync across regions"])
    eu = next(r for r in sync.resilience_for("eu") if r.disruption == "region")
    assert (eu.rto_minutes, eu.rpo_seconds, eu.meets_policy) == (2.0, 0.0, True)
    # Try: delete the replication link -> nothing else holds the data: RPO "everything"
    d = opts["Base"]
    d.remove_link("db-eu", "db-us")
    eu = next(r for r in analyze(d).resilience_for("eu") if r.disruption == "region")
    assert eu.rpo_seconds is None


def test_monitoring_pays() -> None:
    opts = _options("monitoring-pays")
    # failure rate from 99.9 % at the 1 h default MTTR: MTBF = 999 h; MTTR = detect + recover
    expect = {"Base": (60, 0.999, "8 h 46 min"),
              "1-min detection": (31, 999 / (999 + 31 / 60), "4 h 32 min"),
              "1-min detection + automated restart": (3, 999 / (999 + 3 / 60), "26.3 min")}
    note = read_template(design_path("monitoring-pays")).note
    for name, (mttr, a, words) in expect.items():
        r = analyze(opts[name])
        assert r.system.availability == pytest.approx(a, rel=1e-12), name
        hw = r.resilience_summary["hardware"]
        assert hw.worst_rto_minutes == pytest.approx(mttr, rel=1e-12)
        assert hw.meets_policy is (mttr <= 15)
        assert words in note
        assert r.clients["users"].meets_slo is (a >= 0.9995)
    assert "99.948 %" in note and "99.9950 %" in note
