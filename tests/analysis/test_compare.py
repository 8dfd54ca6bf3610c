"""Options side by side (analysis/compare.py): every figure equals analysing the option alone."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from modeller.analysis import analyze
from modeller.analysis.compare import compare_files, compare_variants, read_values
from modeller.model import load_design, loads_design, save_design

MIN_YEAR = 525_960.0
REPO = Path(__file__).resolve().parents[2]

# users -> web (one replica, a = 0.99, 300 rps per replica, 100 a month each) in zone a.
# Base:   A = z a = 0.9995 * 0.99; cost 100.
# "Two":  two replicas both in zone a (1 of 2 needed: demand 200 < 300):
#         A = z (1 - (1 - a)^2) = 0.9995 * 0.9999; cost 200.
# "Spread": two replicas spread over zones a and b:
#         A = 1 - (1 - z a)^2; cost 200; survives losing either zone.
DESIGN = {
    "format": "modeller.design", "version": 1, "name": "Shop",
    "nodes": [
        {"id": "users", "kind": "client", "x": 0, "y": 0, "demand_rps": 200,
         "slo": {"availability": 0.999}},
        {"id": "za", "kind": "zone", "x": 0, "y": 100, "w": 300, "h": 200, "availability": 0.9995},
        {"id": "zb", "kind": "zone", "x": 400, "y": 100, "w": 300, "h": 200,
         "availability": 0.9995},
        {"id": "web", "kind": "service", "parent": "za", "x": 20, "y": 150,
         "availability": 0.99, "capacity_rps": 300, "cost_month": 100, "service_time_ms": 10},
    ],
    "links": [{"from": "users", "to": "web"}],
    "variants": [
        {"name": "Two", "nodes": {"web": {"replicas": 2}}},
        {"name": "Spread", "nodes": {"web": {"replicas": 2, "spread": ["za", "zb"]}}},
    ],
}
a, z = 0.99, 0.9995


def exact(design):  # type: ignore[no-untyped-def]
    return analyze(design, simulation_years=0, sweeps=False)


def test_variant_columns_equal_each_variant_analysed_as_its_own_file(tmp_path: Path) -> None:
    design = loads_design(json.dumps(DESIGN))
    cmp = compare_variants(design)
    assert [o.name for o in cmp.options] == ["Base", "Two", "Spread"]
    for opt, name in zip(cmp.options, [None, "Two", "Spread"], strict=True):
        alone = design.copy()
        alone.variants = []
        if name is not None:
            alone = design.variant(name)
        path = tmp_path / f"{opt.name}.arch.json"
        save_design(alone, path)
        values, lost = read_values(exact(load_design(path)))
        assert opt.values == values  # exact equality, figure by figure
        assert opt.zones_lost == lost
    # the hand-derived figures
    avail = [o.values["availability"] for o in cmp.options]
    assert avail[0] == pytest.approx(z * a, rel=1e-12)
    assert avail[1] == pytest.approx(z * (1 - (1 - a) ** 2), rel=1e-12)
    assert avail[2] == pytest.approx(1 - (1 - z * a) ** 2, rel=1e-12)
    assert [o.values["cost_month"] for o in cmp.options] == [100, 200, 200]
    assert [o.values["zone_survival"] for o in cmp.options] == [False, False, True]
    assert cmp.options[0].zones_lost == ["za"]
    assert [o.values["spofs"] for o in cmp.options] == [2, 1, 0]  # web+za, za, none


def test_deltas_and_best_marks() -> None:
    cmp = compare_variants(loads_design(json.dumps(DESIGN)))
    u = [o.unavailability for o in cmp.options]
    # deltas are against the base: availability from the unavailabilities
    assert cmp.deltas["availability"] == [0.0, u[0] - u[1], u[0] - u[2]]
    assert cmp.deltas["cost_month"] == [0.0, 100.0, 100.0]
    down = [o.values["downtime_minutes_per_year"] for o in cmp.options]
    assert down[0] == pytest.approx((1 - z * a) * MIN_YEAR, rel=1e-12)
    assert cmp.deltas["downtime_minutes_per_year"][2] == down[2] - down[0]
    assert cmp.best["availability"] == [2]  # Spread
    assert cmp.best["cost_month"] == [0]  # Base
    assert cmp.best["spofs"] == [2]
    assert cmp.best["zone_survival"] == [2]
    assert cmp.best["headroom"] == [1, 2]  # both have 600 rps for 200: a tie, both marked
    assert cmp.best["meets_slo"] == [1, 2]  # Base misses 99.9 %; Two: 0.9995*0.9999 > 0.999


def test_rows_without_figures_are_left_out_and_new_report_keys_are_read() -> None:
    design = loads_design(json.dumps(DESIGN))
    cmp = compare_variants(design)
    keys = [r.key for r in cmp.rows]
    for key in ("success_ratio", "rto_minutes", "rpo_seconds"):  # present once reported
        assert (key in keys) == any(o.values[key] is not None for o in cmp.options)
    # a report carrying success ratios and a resilience summary (issue 12's keys)
    report = exact(design.variant("Two"))
    for c in report.clients.values():
        c.success_ratio = 0.998  # type: ignore[attr-defined]
    report.resilience_summary = {  # type: ignore[attr-defined]
        "hardware": {"rto_minutes": 0.0, "rpo_seconds": 0.0, "meets_policy": True},
        "zone": {"rto_minutes": 65.0, "rpo_seconds": None, "meets_policy": False},
    }
    values, _ = read_values(report)
    assert values["success_ratio"] == 0.998
    assert values["rto_minutes"] == 65.0
    assert math.isinf(values["rpo_seconds"])  # null: everything since the last backup lost
    listed = SimpleNamespace(**vars(report))
    listed.resilience_summary = [{"disruption": "zone", "rto_minutes": 5, "rpo_seconds": 30}]
    assert read_values(listed)[0]["rpo_seconds"] == 30.0  # type: ignore[arg-type]
    # the report's own ResilienceSummary objects (worst per disruption type)
    from modeller.analysis.report import ResilienceSummary

    real = SimpleNamespace(**vars(report))
    real.resilience_summary = {
        "hardware": ResilienceSummary("hardware", 2, 0.0, None, 0.0, None),
        "zone": ResilienceSummary("zone", 1, 62.0, "za", 5.0, "db"),
        "region": ResilienceSummary("region", 1, 30.0, None, None, None, rpo_everything=False),
    }
    v = read_values(real)[0]  # type: ignore[arg-type]
    assert (v["rto_minutes"], v["rpo_seconds"]) == (62.0, 5.0)
    real.resilience_summary["region"].rpo_everything = True
    assert math.isinf(read_values(real)[0]["rpo_seconds"])  # type: ignore[arg-type]


def test_two_files(tmp_path: Path) -> None:
    single = REPO / "resources" / "templates" / "single-instance.arch.json"
    multi = REPO / "resources" / "templates" / "multi-az-active-active.arch.json"
    cmp = compare_files([str(single), str(multi)])
    assert [o.source for o in cmp.options] == [str(single), str(multi)]
    for opt, path in zip(cmp.options, (single, multi), strict=True):
        assert opt.values == read_values(exact(load_design(path)))[0]
    data = cmp.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["reference"] == cmp.options[0].name
    assert data["options"][1]["deltas"]["cost_month"] == \
        cmp.options[1].values["cost_month"] - cmp.options[0].values["cost_month"]
    # one name twice: the file names tell them apart
    same = compare_files([str(single), str(single)])
    assert [o.name for o in same.options] == ["Single instance (single-instance.arch.json)"] * 2
