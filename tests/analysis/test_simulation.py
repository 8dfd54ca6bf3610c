"""The time view: renewal-process simulation against closed forms and the exact engine."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from modeller.analysis.compiled import compile_design
from modeller.analysis.simulation import (
    MINUTES_PER_YEAR,
    _Chunk,
    _count_step,
    _merge,
    _union_small,
    _window_step,
    simulate,
)
from modeller.analysis.structure import evaluate, raw_up_from_states
from modeller.model import Design, Link, Node, load_design

from .random_designs import random_design

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "resources" / "examples")
                  .glob("*.arch.json"))
HOURS_PER_YEAR = MINUTES_PER_YEAR / 60.0  # 8766


def _analyze(design: Design):  # type: ignore[no-untyped-def]
    try:
        from modeller.analysis import analyze
    except ImportError as exc:  # the engine is written in parallel with these tests
        pytest.skip(f"engine not available: {exc}")
    return analyze(design)


def _single(a: float = 0.99, replicas: int = 1, **kw: object) -> Design:
    return Design("t", [Node("c", "client", demand_rps=10, slo={"availability": 0.99}),
                        Node("s", "service", availability=a, replicas=replicas, **kw)],
                  [Link("c", "s")])


def _inside(ci: list[float], value: float) -> bool:
    return ci[0] <= value <= ci[1]


# -- closed forms ------------------------------------------------------------------------

def test_single_node_mean_outages_and_spread() -> None:
    d = _single(0.99)
    r = simulate(d, compile_design(d), years=2000, seed=1, keep_years=True)
    assert r["years"] == 2000 and r["seed"] == 1
    assert _inside(r["ci99"], 0.99), r["ci99"]
    assert r["ci95"][0] > r["ci99"][0] and r["ci95"][1] < r["ci99"][1]
    # MTBF = 0.99 * 1 h / 0.01 = 99 h: one cycle per 100 h -> 87.66 outages a year
    assert r["outages_per_year"] == pytest.approx(HOURS_PER_YEAR / 100.0, abs=1.0)
    # compound Poisson: sd of annual downtime = sqrt(rate * E[D^2]) = sqrt(87.66 * 2 * 60^2)
    sd = math.sqrt(HOURS_PER_YEAR / 100.0 * 2 * 60.0**2)
    assert r["downtime_minutes"]["sd"] == pytest.approx(sd, rel=0.08)
    dm = r["downtime_minutes"]
    assert dm["mean"] == pytest.approx(0.01 * MINUTES_PER_YEAR, rel=0.01)
    assert dm["p50"] < dm["p95"] < dm["p99"] <= dm["max"]
    assert dm["p95"] == pytest.approx(dm["mean"] + 1.645 * sd, rel=0.05)  # near normal
    assert r["nodes"]["s"]["availability"] == pytest.approx(r["availability"], abs=1e-12)
    # SLO 0.99 = the mean: about half the years miss it
    assert r["slo"] == 0.99
    assert r["allowed_minutes"] == pytest.approx(0.01 * MINUTES_PER_YEAR)
    assert 0.4 < r["p_miss_slo"] < 0.6
    annual = np.array(r["annual_downtime_minutes"])
    assert r["p_miss_slo"] == pytest.approx(np.mean(annual > r["allowed_minutes"]))
    h = r["histogram"]
    assert len(h["edges"]) == len(h["counts"]) + 1 and sum(h["counts"]) == 2000
    assert h["edges"][0] == 0.0 and h["edges"][-1] == pytest.approx(dm["max"])


def test_parallel_pair() -> None:
    d = _single(0.99, replicas=2)
    r = simulate(d, compile_design(d), years=2000, seed=2)
    assert _inside(r["ci99"], 1 - 1e-4), (r["unavailability"], r["ci99"])
    # entering "both down": 2 * P(one up, other down) * (1 / 99 h)
    rate = 2 * 0.99 * 0.01 / 99.0 * HOURS_PER_YEAR
    assert r["outages_per_year"] == pytest.approx(rate, abs=4 * math.sqrt(rate / 2000))
    # an outage ends with the first of two repairs: 30 minutes on average
    per_outage = r["downtime_minutes"]["mean"] / r["outages_per_year"]
    assert per_outage == pytest.approx(30.0, rel=0.1)


def test_mtbf_mttr_fields_and_default_mttr() -> None:
    d = Design("t", [Node("c", "client"), Node("s", "service", mtbf_hours=48, mttr_hours=2)],
               [Link("c", "s")])
    r = simulate(d, compile_design(d), years=1000, seed=3)
    assert _inside(r["ci99"], 48 / 50)
    assert r["outages_per_year"] == pytest.approx(HOURS_PER_YEAR / 50, rel=0.03)
    d = _single(0.99)
    d.settings.default_mttr_hours = 4.0  # same availability, 4x longer and 4x rarer outages
    r = simulate(d, compile_design(d), years=2000, seed=4)
    assert r["outages_per_year"] == pytest.approx(HOURS_PER_YEAR / 400, rel=0.05)
    assert _inside(r["ci99"], 0.99)


def test_mtbf_without_mttr_keeps_the_availability() -> None:
    # DESIGN: availability plus MTBF -> availability wins, MTBF sets the failure rate
    d = _single(0.99, mtbf_hours=198.0)
    r = simulate(d, compile_design(d), years=2000, seed=12)
    assert _inside(r["ci99"], 0.99)
    assert r["outages_per_year"] == pytest.approx(HOURS_PER_YEAR / 200.0, abs=0.7)


def test_perfect_replicas_with_mtbf_still_fail_over() -> None:
    d = _single(1.0, replicas=2, mtbf_hours=100.0, failover="active-passive",
                failover_seconds=360)
    comp = compile_design(d)
    assert comp.nodes["s"].failover_p == pytest.approx(0.1 / 100.0)
    r = simulate(d, comp, years=2000, seed=13)
    assert _inside(r["ci99"], 1 - 0.1 / 100.0), r["unavailability"]
    assert r["outages_per_year"] == pytest.approx(HOURS_PER_YEAR / 100.0, abs=1.0)


def _zone_region() -> Design:
    return Design("zr", [
        Node("c", "client", demand_rps=100, slo={"availability": 0.999}),
        Node("r", "region", availability=0.999),
        Node("za", "zone", parent="r", availability=0.99),
        Node("zb", "zone", parent="r", availability=0.99),
        Node("lb", "load_balancer", parent="r", availability=0.999),
        Node("web", "service", parent="r", replicas=2, spread=["za", "zb"], availability=0.98),
    ], [Link("c", "lb"), Link("lb", "web")])


def test_zone_and_region() -> None:
    d = _zone_region()
    # replicas fail with their zone, everything with the region
    web = 1 - (1 - 0.99 * 0.98) ** 2
    exact = 0.999 * 0.999 * web
    r = simulate(d, compile_design(d), years=2000, seed=5)
    assert _inside(r["ci99"], exact), (1 - r["availability"], 1 - exact, r["ci99"])
    assert r["clients"]["c"]["availability"] == r["availability"]
    assert r["nodes"]["web"]["unavailability"] == pytest.approx(1 - 0.999 * web, rel=0.05)
    # ignoring the shared region would be visibly wrong
    independent = 0.999 * (0.999 * (1 - (1 - 0.999 * 0.99 * 0.98) ** 2))
    assert not _inside(r["ci99"], independent)


# -- failover windows ---------------------------------------------------------------------

def test_worker_failover_window_opens_on_the_active_replica() -> None:
    d = _single(0.999, replicas=2, failover="active-passive", failover_seconds=600)
    comp = compile_design(d)
    p = comp.nodes["s"].failover_p
    assert p == pytest.approx((600 / 3600) / 1000)  # (v2) rate 1/(MTBF + MTTR)
    exact = (1 - p) * (1 - 0.001**2)
    r = simulate(d, comp, years=2000, seed=6)
    assert _inside(r["ci99"], exact), (1 - r["availability"], 1 - exact)
    # one outage per failure of replica 0 (MTBF 999 h), not per failure of either replica
    assert r["outages_per_year"] == pytest.approx(HOURS_PER_YEAR / 1000, abs=0.3)


def test_router_failover_window_follows_the_first_target() -> None:
    d = Design("rf", [
        Node("c", "client", demand_rps=10),
        Node("lb", "load_balancer", failover="active-passive", failover_seconds=300),
        Node("a", "service", availability=0.999), Node("b", "service", availability=0.99),
    ], [Link("c", "lb"), Link("lb", "a"), Link("lb", "b")])
    comp = compile_design(d)
    p = comp.nodes["lb"].failover_p
    assert p == pytest.approx((300 / 3600) / 1000)  # from a, at 1/(MTBF + MTTR)
    exact = (1 - p) * (1 - 0.001 * 0.01)
    r = simulate(d, comp, years=2000, seed=7)
    assert _inside(r["ci99"], exact), (1 - r["availability"], 1 - exact)
    # windows follow a's ~8.8 failures a year, not b's ~88
    assert r["outages_per_year"] == pytest.approx(HOURS_PER_YEAR / 1000, abs=0.4)


def test_window_step() -> None:
    w = _window_step(np.array([10.0, 12.0, 100.0, 300.0]), elapsed0=50.0, length=5.0,
                     horizon=200.0)
    assert w.t.tolist() == [0.0, 10.0, 17.0, 100.0, 105.0]
    assert w.v.tolist() == [False, True, False, True, False]
    w = _window_step(np.array([10.0]), elapsed0=2.0, length=5.0, horizon=200.0)
    assert w.t.tolist() == [0.0, 3.0, 10.0, 15.0]
    assert w.v.tolist() == [True, False, True, False]


# -- interval machinery --------------------------------------------------------------------

def test_merge_and_union_small() -> None:
    s, e = _merge(np.array([5.0, 1.0, 2.0, 10.0]), np.array([6.0, 3.0, 4.0, 11.0]))
    assert s.tolist() == [1.0, 5.0, 10.0] and e.tolist() == [4.0, 6.0, 11.0]
    own = (np.array([1.0, 5.0, 20.0, 40.0]), np.array([2.0, 8.0, 22.0, 41.0]))
    cont = (np.array([7.0, 30.0]), np.array([21.0, 35.0]))
    want_s, want_e = [1.0, 5.0, 30.0, 40.0], [2.0, 22.0, 35.0, 41.0]
    s, e = _union_small(*own, *cont)  # as many container outages as own: one sweep
    assert s.tolist() == pytest.approx(want_s) and e.tolist() == pytest.approx(want_e)
    # a long own list with two container outages: only the touched intervals re-merge
    far_s = 100.0 + 10.0 * np.arange(40)
    s, e = _union_small(np.concatenate((own[0], far_s)), np.concatenate((own[1], far_s + 1)),
                        *cont)
    assert s.tolist() == want_s + far_s.tolist()
    assert e.tolist() == want_e + (far_s + 1).tolist()
    s, e = _union_small(np.array([1.0, 50.0]), np.array([2.0, 60.0]), np.array([3.0]),
                        np.array([4.0]))
    assert s.tolist() == pytest.approx([1.0, 3.0, 50.0])
    assert e.tolist() == pytest.approx([2.0, 4.0, 60.0])


def test_count_step() -> None:
    rows = [(np.array([0.0, 10.0]), np.array([5.0, 20.0])),
            (np.array([3.0]), np.array([12.0])),
            (np.array([]), np.array([]))]
    st = _count_step(rows, horizon=100.0)
    pts = np.array([0.0, 2.9, 3.5, 6.0, 11.0, 15.0, 50.0])
    assert st.at(pts).tolist() == [1, 1, 2, 1, 2, 1, 0]


@pytest.mark.parametrize("seed", [0, 3, 8, 11, 19, 27])
def test_chunk_matches_dense_structure_function(seed: int) -> None:
    """Every instant of a simulated run, re-evaluated densely from the raw component
    states with structure.evaluate, gives the same serve states."""
    design = random_design(seed)
    comp = compile_design(design)
    chunk = _Chunk(design, comp, np.random.default_rng(seed), years=2, trace=True)
    assert chunk.own is not None
    marks = np.unique(np.concatenate(
        [s.t for s in chunk.serves.values()]
        + [np.concatenate(iv) for rows in chunk.own.values() for iv in rows]
        + [np.concatenate(iv) for iv in chunk.containers.values()]
        + [w.t for w in chunk.windows.values()] + [np.array([chunk.horizon])]))
    rng = np.random.default_rng(seed)
    wide = np.diff(marks) > 1e-6  # the sweep shifts event times by one ulp (~1e-13 here)
    mids = ((marks[:-1] + marks[1:]) / 2)[wide]
    times = np.concatenate((rng.choice(mids, size=min(4000, mids.size), replace=False),
                            rng.uniform(0, chunk.horizon, 500)))

    def down_at(iv: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        s, e = iv
        j = np.searchsorted(s, times, side="right") - 1
        return (j >= 0) & (e[np.maximum(j, 0)] > times) if s.size else np.zeros(times.size, bool)

    replica_up = {nid: np.stack([~down_at(iv) for iv in rows], axis=1)
                  for nid, rows in chunk.own.items()}
    container_up = {cid: ~down_at(iv) for cid, iv in chunk.containers.items()}
    window = {nid: w.at(times).astype(bool) for nid, w in chunk.windows.items()}
    raw = raw_up_from_states(comp, replica_up, container_up)
    ev = evaluate(comp, raw, window)
    for nid in comp.nodes:
        got = chunk.serves[nid].at(times).astype(bool)
        assert np.array_equal(got, ev.serves[nid]), (seed, nid, int(np.sum(got != ev.serves[nid])))
    assert np.array_equal(chunk.system().at(times).astype(bool), ev.system)


# -- output contract -------------------------------------------------------------------------

def test_deterministic_json_ready_and_years() -> None:
    d = _zone_region()
    comp = compile_design(d)
    a = simulate(d, comp, years=50, seed=9)
    assert a == simulate(d, comp, years=50, seed=9)
    assert a["availability"] != simulate(d, comp, years=50, seed=10)["availability"]
    json.dumps(a, allow_nan=False)
    assert a["years"] == a["requested_years"] == 50 and "annual_downtime_minutes" not in a
    assert len(simulate(d, comp, years=50, seed=9, keep_years=True)["annual_downtime_minutes"]) == 50
    assert simulate(d, None, years=3)["years"] == 3
    with pytest.raises(ValueError):
        simulate(d, comp, years=0)


def test_chunked_runs_and_event_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    import modeller.analysis.simulation as sim

    d = _single(0.99, replicas=2)
    monkeypatch.setattr(sim, "CHUNK_EVENTS", 2000)  # ~5-year chunks: 400 independent runs
    r = simulate(d, compile_design(d), years=2000, seed=14)
    assert r["years"] == 2000
    assert _inside(r["ci99"], 1 - 1e-4)
    rate = 2 * 0.99 * 0.01 / 99.0 * HOURS_PER_YEAR
    assert r["outages_per_year"] == pytest.approx(rate, abs=4 * math.sqrt(rate / 2000))
    monkeypatch.setattr(sim, "MAX_EVENTS", 50_000)  # ~350 change points a year
    r = simulate(d, compile_design(d), years=2000, seed=14)
    assert r["requested_years"] == 2000 and r["years"] == 142


def test_slo_override_and_strictest_client() -> None:
    d = _single(0.99)
    d.add_node(Node("c2", "client", slo={"availability": 0.999}))
    d.add_link(Link("c2", "s"))
    r = simulate(d, compile_design(d), years=200, seed=1)
    assert r["slo"] == 0.999 and r["p_miss_slo"] == 1.0
    assert r["clients"]["c"]["slo"] == 0.99 and r["clients"]["c2"]["p_miss_slo"] == 1.0
    r = simulate(d, compile_design(d), years=200, seed=1, slo=0.9)
    assert r["slo"] == 0.9 and r["p_miss_slo"] == 0.0
    r = simulate(_zone_region(), None, years=20)
    assert r["slo"] == 0.999


def test_perfect_overloaded_and_clientless_designs() -> None:
    perfect = Design("p", [Node("c", "client"), Node("s", "service")], [Link("c", "s")])
    r = simulate(perfect, None, years=10)
    assert r["availability"] == 1.0 and r["outages_per_year"] == 0.0
    assert r["downtime_minutes"]["p99"] == 0.0
    assert r["histogram"] == {"edges": [0.0, 1.0], "counts": [10]}
    over = Design("o", [Node("c", "client", demand_rps=100),
                        Node("s", "service", capacity_rps=10)], [Link("c", "s")])
    r = simulate(over, None, years=10)
    assert r["availability"] == 0.0
    assert r["downtime_minutes"]["mean"] == pytest.approx(MINUTES_PER_YEAR)
    nobody = Design("n", [Node("s", "service", availability=0.5)], [])
    r = simulate(nobody, None, years=10)
    assert r["availability"] == 1.0 and r["clients"] == {}
    assert r["nodes"]["s"]["availability"] == pytest.approx(0.5, abs=0.02)


# -- the built-in cross-check with the exact engine -------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_agree_with_exact_engine(path: Path) -> None:
    design = load_design(path)
    report = _analyze(design)
    comp = compile_design(design)
    years = 1000 if len(design.nodes) > 100 else 2000
    r = simulate(design, comp, years=years, seed=0)
    assert _inside(r["ci99"], report.system.availability), (
        report.system.unavailability, r["unavailability"], r["stderr"])
    for cid, c in r["clients"].items():
        assert _inside(c["ci99"], report.clients[cid].availability), cid


@pytest.mark.parametrize("seed", range(12))
def test_random_designs_agree_with_exact_engine(seed: int) -> None:
    """Awkward small designs (nested domains, capacity pools, thresholds) without
    failover windows, whose simulated and exact models are then identical."""
    design = random_design(seed)
    for n in design.nodes.values():
        n.failover_seconds = 0.0
    report = _analyze(design)
    r = simulate(design, compile_design(design), years=300, seed=seed)
    exact = report.system.availability
    if r["stderr"] == 0.0:
        assert r["availability"] == pytest.approx(exact, abs=1e-12)
    else:
        assert abs(r["availability"] - exact) < 4 * r["stderr"], (seed, exact, r["availability"])
