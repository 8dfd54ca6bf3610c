"""Issue 17 items 3 and 4: analyses bounded in memory and work, with one line when a
budget cuts them short (docs/semantics.md, "Budgets").

Each input here is small and generated, and would have taken gigabytes or minutes
before: the "X down" scenarios and the single points of failure held an n x n array
per figure (a 20,000-part chain or 10,000 unlinked parts ended in MemoryError), the
simulation held every failure event of a year at once (10,000 replicas with a 1.2 h
MTBF: 9.3 GB) and looked up every input of a node on its whole grid (a client calling
1,000 services: 3 GB and 3 minutes for 17 years), and a replica sweep analysed
replicas + 2 designs. Memory is measured with tracemalloc (bytes allocated: the
same on every machine); no assertion depends on the clock.
"""

from __future__ import annotations

import math
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from analysis.random_designs import random_design  # tests/ is on sys.path (rootdir)

import modeller.analysis.scenarios as scen
import modeller.analysis.simulation as sim
from modeller.analysis import analyze
from modeller.analysis.compiled import EPS, Compiled, compile_design
from modeller.analysis.engine import _failure_scenarios, _spof_units
from modeller.analysis.report import FailureScenario
from modeller.analysis.structure import evaluate
from modeller.analysis.sweeps import replica_counts, sweep_replicas
from modeller.model import Design, Link, Node, Role

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "resources" / "examples")
                  .glob("*.arch.json"))
MB = 1 << 20


def peak_bytes(fn: Callable[[], Any]) -> tuple[Any, int]:
    """(result, peak bytes allocated while it ran)."""
    tracemalloc.start()
    try:
        out = fn()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@dataclass
class NoImportance:
    """An exact result without conditionals: the scenarios label themselves with the
    system figures and keep the design's order (the structure function alone decides
    every figure tested here; the exact engine is not what is measured)."""

    p_sys: float = 1.0
    q_sys: float = 0.0
    conditional: dict = field(default_factory=dict)


def chain(n: int) -> Design:
    """users -> s0 -> s1 -> ... -> s(n-1), one replica each."""
    d = Design("chain", [Node("users", "client", demand_rps=10.0)])
    for i in range(n):
        d.add_node(Node(f"s{i}", "service", availability=0.999))
        d.add_link(Link("users" if i == 0 else f"s{i - 1}", f"s{i}"))
    return d


def unlinked(n: int) -> Design:
    d = Design("unlinked", [Node("users", "client")])
    for i in range(n):
        d.add_node(Node(f"s{i}", "service", availability=0.999))
    return d


# -- item 3: scenarios and SPOFs -------------------------------------------------------


def _reference(compiled: Compiled) -> list[tuple]:
    """Every scenario the way the engine computed them before (all columns, all nodes
    at once: structure.evaluate over an n x n grid), as comparable tuples."""
    comp = [n for n, cn in compiled.nodes.items() if cn.role is not Role.SOURCE]
    lost = comp + list(compiled.containers)
    up = scen.full_up_counts(compiled, lost)
    profile = compiled.profile_index(scen.container_states(compiled, lost), len(lost))
    served = evaluate(compiled, up, profile=profile).serves
    loads = scen.scenario_loads(compiled, up, served, profile)
    out = []
    for i, x in enumerate(lost):
        clients = [c for c in compiled.clients if not served[c][i]]
        down = [n for n in comp if not served[n][i]]
        over, hot, moved = [], [], {}
        for nid, cn in compiled.nodes.items():
            u = scen.utilisation(cn, loads[nid], up[nid])
            if u is None:
                continue
            v = float(u[i])
            nominal = cn.load / cn.total_capacity if cn.total_capacity else math.nan
            if v > 1.0 + EPS:
                over.append(nid)
            elif v > compiled.target_utilization + EPS:
                hot.append(nid)
            if nid in over or nid in hot or (not math.isnan(v) and not abs(v - nominal) <= 1e-9):
                moved[nid] = v
        out.append((x, clients, down, over, list(moved.items()), hot))
    return out


def _as_tuples(failures: list[FailureScenario]) -> list[tuple]:
    return [(f.down, f.clients_down, f.nodes_down, f.overloaded, list(f.utilization.items()),
             f.hot) for f in failures]


def _designs() -> Iterator[tuple[str, Design]]:
    from modeller.model import load_design
    for path in EXAMPLES:
        if path.stat().st_size < 20_000:
            yield path.name, load_design(path)
    for seed in range(30):
        yield f"random {seed}", random_design(seed)


@pytest.mark.parametrize("cells", [7, scen.CHUNK_CELLS])
def test_chunked_scenarios_equal_all_columns_at_once(monkeypatch: pytest.MonkeyPatch,
                                                     cells: int) -> None:
    """Chunks over the affected nodes give exactly the all-at-once figures (7 cells a
    chunk: every column on its own, over only what it can change)."""
    monkeypatch.setattr(scen, "CHUNK_CELLS", cells)
    monkeypatch.setattr(scen, "_MIN_CHUNK_CELLS", 0)
    for name, design in _designs():
        want = _reference(compile_design(design))
        compiled = compile_design(design)
        warnings: list[str] = []
        got = _failure_scenarios(design, compiled, NoImportance(), warnings)  # type: ignore[arg-type]
        assert _as_tuples(got) == want, name
        assert warnings == [], name


def test_unlinked_parts_cost_one_node_each() -> None:
    # 600 parts that nothing calls: each "X down" can change X only. Before: every
    # column over every node, 600 x 600 = 360,000 cells of up counts, serve states and
    # loads, twice (n^2: 10,000 parts ended in MemoryError).
    design = unlinked(600)
    compiled = compile_design(design)
    ss = scen.ScenarioSet(compiled)

    def run() -> tuple[list[FailureScenario], dict[str, str]]:
        failures = _failure_scenarios(design, compiled, NoImportance(), scenarios=ss)  # type: ignore[arg-type]
        return failures, _spof_units(design, compiled, failures, scenarios=ss)

    (failures, spofs), peak = peak_bytes(run)
    assert len(failures) == 600
    assert [f.nodes_down for f in failures[:3]] == [["s0"], ["s1"], ["s2"]]
    assert all(f.clients_down == [] and f.survives for f in failures)
    assert spofs == {}  # the client calls nothing: nothing can drop it
    # linear: a chunk grows while its waste stays under 4x its own cells + 16,384, so
    # about 130 columns x 130 nodes a chunk: at most ~130 cells per part, twice (the
    # scenarios, then the one-replica checks), against 600 per part before
    assert ss.cells <= 2 * 600 * 132, ss.cells
    assert ss.largest_chunk <= 4 * 132 + scen._MIN_CHUNK_CELLS
    assert peak < 4 * MB, peak


def test_a_long_chain_keeps_the_scenarios_that_fit_and_says_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # users -> s0 -> ... -> s1199: losing s_k drops s_0..s_k and the client, so the
    # scenario lists k + 1 parts and its affected set is k + 2 nodes (the client too).
    # All 1,200: sum(k + 2) = 719,400 + 2,400 = 721,800 node states; with a budget of
    # 100,000 the first K with K(K+3)/2 <= 100,000 fit: K = 445 (445*448/2 = 99,680;
    # 446*449/2 = 100,127). The scenarios are kept in the design's order here (no
    # importances), so s0..s444. (A 20,000-part chain would list 200 million parts.)
    monkeypatch.setattr(scen, "SCENARIO_CELLS", 100_000)
    monkeypatch.setattr("modeller.analysis.engine.SCENARIO_CELLS", 100_000)
    design = chain(1200)
    compiled = compile_design(design)
    ss = scen.ScenarioSet(compiled)
    warnings: list[str] = []

    def run() -> tuple[list[FailureScenario], dict[str, str]]:
        failures = _failure_scenarios(design, compiled, NoImportance(), warnings, ss)  # type: ignore[arg-type]
        return failures, _spof_units(design, compiled, failures, warnings, ss)

    (failures, spofs), peak = peak_bytes(run)
    assert [f.down for f in failures] == [f"s{k}" for k in range(445)]
    for k in (0, 1, 444):
        assert failures[k].clients_down == ["users"]
        assert failures[k].nodes_down == [f"s{j}" for j in range(k + 1)]
    assert warnings == [
        "failure scenarios: 445 of 1,200 single-part checks done (all of them would take "
        "721,800 node states, beyond the budget of 100,000; those adding the most "
        "downtime were kept)",
        "single points of failure: 630 of 1,200 single-part checks done (all of them would "
        "take 721,800 node states, beyond the budget of 100,000; those adding the most "
        "downtime were kept)"]
    # losing s0..s444's only replica is their "X down" scenario: read, not evaluated, so
    # the budget goes to s445 on: K more with sum_{k=445}^{444+K} (k + 2) <= 100,000,
    # K = 185 (185*447 + 185*184/2 = 99,715; 186: 100,347)
    assert list(spofs) == [f"s{k}" for k in range(630)]
    assert set(spofs.values()) == {"its only replica"}
    # before: 1200 x 1200 cells, twice; now at most ~4x what the kept columns need
    assert ss.cells <= 2 * 4 * 99_680 + 2 * 445 * scen._MIN_CHUNK_CELLS
    assert ss.largest_chunk <= scen.CHUNK_CELLS
    assert peak < 16 * MB, peak


def test_analyze_says_it_in_one_warning_each(monkeypatch: pytest.MonkeyPatch) -> None:
    # 40 parts in a chain: 40*39/2 + 80 = 860 node states; a budget of 300 holds
    # K(K+3)/2 <= 300 -> K = 23 (23*26/2 = 299) if the importances tie, fewer otherwise
    monkeypatch.setattr(scen, "SCENARIO_CELLS", 300)
    monkeypatch.setattr("modeller.analysis.engine.SCENARIO_CELLS", 300)
    report = analyze(chain(40), simulation_years=0, sweeps=False)
    lines = [w for w in report.warnings if "single-part checks done" in w]
    assert len(lines) == 2
    assert lines[0].startswith("failure scenarios: ")
    assert lines[1].startswith("single points of failure: ")
    assert "860 node states, beyond the budget of 300" in lines[0]
    kept = len(report.failures)
    assert 0 < kept <= 23 and f"{kept} of 40 single-part checks done" in lines[0]
    assert all(f.clients_down == ["users"] for f in report.failures)


# -- item 4: the simulation ------------------------------------------------------------


def test_a_year_too_big_for_memory_is_refused_in_one_line() -> None:
    # 10,000 replicas failing every 1.2 h (repaired in 6 min): 2 x 10,000 x 525,960 /
    # 78 min = 134,861,538 events a year. Before: 9.3 GB and 27 s, for one year.
    d = Design("flaky", [Node("users", "client", demand_rps=10.0),
                         Node("s", "service", replicas=10_000, mtbf_hours=1.2, mttr_hours=0.1)],
               [Link("users", "s")])
    compiled = compile_design(d)

    def run() -> str:
        with pytest.raises(sim.SimulationTooLarge) as info:
            sim.simulate(d, compiled, years=1000)
        return str(info.value)

    message, peak = peak_bytes(run)
    assert message == ("one simulated year needs 134,861,538 failure/repair events, more than "
                       "the 3,000,000 that fit its memory budget; the exact figures stand "
                       "without it")
    assert "\n" not in message
    assert peak < 1 * MB


def _fan_in(n: int) -> Design:
    """A client calling n services, each failing every 100 h for 1 h."""
    d = Design("fan-in", [Node("users", "client")])
    for i in range(n):
        d.add_node(Node(f"s{i}", "service", mtbf_hours=100.0, mttr_hours=1.0))
        d.add_link(Link("users", f"s{i}"))
    return d


def test_a_wide_client_is_one_sweep_and_the_same_numbers(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    # 300 services x 87 failures a year x 2 years: the client's grid holds ~105,000
    # change points. Before, all 300 of its inputs were looked up on that whole grid
    # and held at once: 32 MB at the peak for this input (old code, measured once; a
    # client of 1,000 services over 17 years: 3 GB and 3 minutes).
    monkeypatch.setattr(sim, "CHUNK_WORK", 10**12)  # one chunk either way: same numbers
    d = _fan_in(300)
    compiled = compile_design(d)
    wide, peak = peak_bytes(lambda: sim.simulate(d, compiled, years=2, seed=5))
    monkeypatch.setattr(sim, "WIDE", 10**9)  # the grid path, on the same random numbers
    dense = sim.simulate(d, compiled, years=2, seed=5)
    for key in ("availability", "downtime_minutes", "outages_per_year", "nodes", "clients"):
        assert wide[key] == dense[key], key
    # P(all 300 up) = (100/101)^300 = 0.0506: mostly down, as the exact engine says
    assert wide["availability"] == pytest.approx((100 / 101) ** 300, abs=0.03)
    assert wide["work"] < dense["work"] / 20  # inputs' changes, not grid x 300 inputs
    assert peak < 16 * MB, peak


def _dense_dag(n: int, p: float = 0.5, seed: int = 1) -> Design:
    """users -> s0, and s_i -> s_j (i < j) with probability p: every failure climbs
    through many callers."""
    rng = np.random.default_rng(seed)
    d = Design("dag", [Node("users", "client")])
    for i in range(n):
        d.add_node(Node(f"s{i}", "service", mtbf_hours=100.0, mttr_hours=1.0))
    d.add_link(Link("users", "s0"))
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() < p:
                d.add_link(Link(f"s{i}", f"s{j}"))
    return d


def test_a_dense_design_stops_at_the_work_limit_and_says_how_far(
        monkeypatch: pytest.MonkeyPatch) -> None:
    d = _dense_dag(16)
    compiled = compile_design(d)
    one = sim.simulate(d, compiled, years=1, seed=2)
    per_year = one["work"]
    assert per_year > 0 and one["limit"] is None
    # a limit of ten years' work: fewer than 1,000 years run, the result says how many
    monkeypatch.setattr(sim, "MAX_WORK", 10 * per_year)
    limited = sim.simulate(d, compiled, years=1000, seed=2)
    # years differ in cost (random outages): about ten fit, never more than the limit
    assert 3 <= limited["years"] <= 30 and limited["requested_years"] == 1000
    assert limited["work"] <= sim.MAX_WORK
    assert limited["limit"] == (f"the work limit ({sim.MAX_WORK:,} change points evaluated) "
                                f"allowed {limited['years']:,} of 1,000 years")
    assert limited["stopped_by_budget"] is False
    assert sim.simulate(d, compiled, years=1000, seed=2) == limited  # the same on any machine
    # and not even one year fits: refused, in one line
    monkeypatch.setattr(sim, "MAX_WORK", per_year / 10)
    with pytest.raises(sim.SimulationTooLarge, match=r"^one simulated year needs more than "):
        sim.simulate(d, compiled, years=1000, seed=2)


def test_a_chunk_over_its_limits_runs_again_smaller(monkeypatch: pytest.MonkeyPatch) -> None:
    d = _dense_dag(15)
    compiled = compile_design(d)
    whole = sim.simulate(d, compiled, years=30, seed=3)
    assert whole["years"] == 30 and whole["limit"] is None
    monkeypatch.setattr(sim, "CHUNK_WORK", whole["work"] / 10)  # about three years a chunk
    small = sim.simulate(d, compiled, years=30, seed=3)
    assert small["years"] == 30 and small["limit"] is None
    # other chunks, other random numbers: the same availability within the intervals
    lo, hi = whole["ci99"]
    assert lo - 0.01 < small["availability"] < hi + 0.01
    monkeypatch.setattr(sim, "HELD_BYTES", 1)  # nothing fits: refused, naming memory
    with pytest.raises(sim.SimulationTooLarge, match="MiB of state changes"):
        sim.simulate(d, compiled, years=40, seed=3)


def test_a_chain_keeps_only_what_is_still_needed() -> None:
    # a 300-part chain: each serve state holds the outages of everything below it, so
    # keeping all of them is quadratic; a part's state is dropped once its caller is done
    d = chain(300)
    compiled = compile_design(d)
    kept = sim._Chunk(d, compiled, np.random.default_rng(1), years=2, trace=True)
    lean = sim._Chunk(d, compiled, np.random.default_rng(1), years=2)
    total = sum(s.t.nbytes + s.v.nbytes for s in kept.serves.values())
    assert lean.peak_held < total / 20, (lean.peak_held, total)
    assert set(lean.serves) == {"users"}  # only the client's state outlives the chunk
    assert lean.node_down == pytest.approx(kept.node_down, rel=0, abs=0)
    assert np.array_equal(lean.system().t, kept.system().t)


def test_the_cli_analysis_warns_once_when_no_year_fits() -> None:
    d = Design("flaky", [Node("users", "client", demand_rps=10.0),
                         Node("s", "service", replicas=2000, mtbf_hours=0.2, mttr_hours=0.1)],
               [Link("users", "s")])
    # 2 x 2,000 x 525,960 / 18 min = 116,880,000 events a year
    report = analyze(d, sweeps=False)
    lines = [w for w in report.warnings if "simulat" in w]
    assert lines == ["no simulation: one simulated year needs 116,880,000 failure/repair "
                     "events, more than the 3,000,000 that fit its memory budget; the exact "
                     "figures stand without it"]
    assert "simulation" not in report.extras


# -- item 4: the replica sweep ---------------------------------------------------------


def test_replica_counts_are_every_one_to_twelve_then_a_few() -> None:
    assert replica_counts(6, 4) == [1, 2, 3, 4, 5, 6]  # small sweeps: unchanged
    assert replica_counts(12, 10) == list(range(1, 13))
    big = replica_counts(10_002, 10_000)
    assert big == [*range(1, 13), 37, 113, 346, 1063, 3260, 9999, 10000, 10001, 10002]
    assert all(len(replica_counts(n, n - 2)) <= 22 for n in range(1, 3000, 7))


def test_a_sweep_of_thousands_of_replicas_evaluates_a_few_designs() -> None:
    # before: 3,002 exact analyses (one per count); now 21, each row saying its count
    d = Design("big tier", [Node("users", "client", demand_rps=10.0),
                            Node("s", "service", replicas=3000, availability=0.9)],
               [Link("users", "s")])
    rows = sweep_replicas(d, "s", 3002)
    assert [r["replicas"] for r in rows] == replica_counts(3002, 3000)
    assert len(rows) == 21
    # one replica: 0.9; two: 1 - 0.1^2
    assert rows[0]["availability"] == pytest.approx(0.9, rel=1e-12)
    assert rows[1]["availability"] == pytest.approx(0.99, rel=1e-12)


def test_what_if_says_which_counts_it_swept() -> None:
    from modeller.analysis.engine import what_if
    d = Design("tier", [Node("users", "client", demand_rps=10.0),
                        Node("s", "service", replicas=40, min_healthy=40, availability=0.9999)],
                  [Link("users", "s")])
    report = analyze(d, simulation_years=0, sweeps=False)
    sweeps = what_if(d, report)
    assert [r["replicas"] for r in sweeps["replicas"]["s"]] == replica_counts(42, 40)
    assert sweeps["replica_counts"] == {"s": {"swept": len(replica_counts(42, 40)), "of": 42}}
