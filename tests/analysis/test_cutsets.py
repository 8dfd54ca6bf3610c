"""Minimal cut sets (``analysis.cutsets``): brute force on random designs, hand-checked
examples, the budget and the report.

The brute force below shares only the structure function with the module: it lists
every failure unit of the design (not only those in a client's closure), evaluates
every subset of up to three units one at a time, and keeps the subsets no proper
subset of which is a cut. No pruning, no vectorising, no reuse of the scenarios.
"""

from __future__ import annotations

import json
import math
from itertools import combinations, product

import numpy as np
import pytest

from modeller.analysis import analyze
from modeller.analysis.compiled import compile_design
from modeller.analysis.cutsets import minimal_cut_sets
from modeller.analysis.structure import evaluate, raw_up_from_states
from modeller.model import Design, Link, Node, Role, design_to_dict

from .random_designs import random_design

SEEDS = range(60)


def _dropped(compiled, nodes: dict[str, np.ndarray], containers: set[str], windows: set[str]
             ) -> list[str]:
    """Clients not served with ``nodes[id]`` the own up state of each replica of the named
    nodes, the named containers down and the named failover windows open; everything
    else up."""
    replica_up = {n: np.asarray(up, dtype=bool)[None, :] for n, up in nodes.items()}
    cont = {c: np.zeros(1, dtype=bool) for c in containers}
    raw = raw_up_from_states(compiled, replica_up, cont)
    win = {n: np.ones(1, dtype=bool) for n in windows}
    ev = evaluate(compiled, raw, window=win, m=1, profile=compiled.profile_index(cont, 1))
    return [c for c in compiled.clients if not ev.serves[c][0]]


def _left(n: int, left: int) -> np.ndarray:
    return np.arange(n) < left


def _p_at_least_down(n: int, j: int, a: float) -> float:
    """By enumerating the 2^n replica states (independent of the module's sum)."""
    total = 0.0
    for states in product((True, False), repeat=n):
        if sum(not s for s in states) >= j:
            total += math.prod(a if s else 1.0 - a for s in states)
    return total


def brute_force(design: Design) -> dict[frozenset[str], tuple[float, list[str]]]:
    """{frozenset of unit keys: (probability, clients dropped)} for every minimal cut set
    of order <= 3, over every unit of the design."""
    compiled = compile_design(design)
    if _dropped(compiled, {}, set(), set()):
        return {}
    units: dict[str, tuple[str, str, np.ndarray | None, float]] = {}  # key -> (kind, target,
    # own replica states when it fails, probability)
    for nid, cn in compiled.nodes.items():
        if cn.role is Role.SOURCE:
            continue
        n, k = cn.replicas, cn.k or 0
        lost = next((j for j in range(1, n + 1)
                     if _dropped(compiled, {nid: _left(n, n - j)}, set(), set())), n - k + 1)
        units[nid] = ("node", nid, _left(n, n - lost), _p_at_least_down(n, lost, cn.availability))
        if cn.failover_p > 0:
            units[f"{nid}#failover"] = ("window", nid, None, cn.failover_p)
        if cn.change_p > 0:  # a bad change: the replicas of the groups it hits are down
            up = np.ones(n, dtype=bool)
            start = 0
            for gi, (_, count) in enumerate(cn.groups):
                if cn.change_all or gi in cn.change_groups:
                    up[start:start + count] = False
                start += count
            units[f"{nid}#change"] = ("change", nid, up, cn.change_p)
    for cid, cc in compiled.containers.items():
        units[cid] = ("container", cid, None, cc.unavailability)

    def drops(keys: tuple[str, ...]) -> list[str]:
        nodes: dict[str, np.ndarray] = {}
        conts, wins = set(), set()
        for key in keys:
            kind, target, up, _ = units[key]
            if kind in ("node", "change"):
                n = compiled.nodes[target].replicas
                nodes[target] = nodes.get(target, np.ones(n, dtype=bool)) & up
            elif kind == "window":
                wins.add(target)
            else:
                conts.add(target)
        return _dropped(compiled, nodes, conts, wins)

    cuts: dict[frozenset[str], tuple[float, list[str]]] = {}
    for order in (1, 2, 3):
        for keys in combinations(sorted(units), order):
            s = frozenset(keys)
            if any(frozenset(sub) in cuts for r in range(1, order)
                   for sub in combinations(keys, r)):
                continue
            clients = drops(keys)
            if clients:
                cuts[s] = (math.prod(units[k][3] for k in keys), clients)
    return cuts


def _key(u) -> str:  # type: ignore[no-untyped-def]
    return {"failover_window": f"{u.id}#failover", "bad_change": f"{u.id}#change"}.get(
        u.kind, u.id)


def _module(design: Design, **kw) -> dict[frozenset[str], tuple[float, list[str]]]:  # type: ignore[no-untyped-def]
    compiled = compile_design(design)
    kw.setdefault("min_share", 0.0)
    kw.setdefault("max_sets", 10**9)
    kw.setdefault("max_listed", 10**9)
    res = minimal_cut_sets(design, compiled, 1.0, **kw)
    assert res.complete, res.note
    return {frozenset(_key(u) for u in cs.units): (cs.probability, cs.clients)
            for cs in res.cut_sets}


@pytest.mark.parametrize("seed", SEEDS)
def test_cut_sets_equal_brute_force(seed: int) -> None:
    design = random_design(seed)
    want = brute_force(design)
    got = _module(design)
    dump = json.dumps(design_to_dict(design))
    assert set(got) == set(want), dump
    for s, (p, clients) in want.items():
        assert got[s][0] == pytest.approx(p, rel=1e-12, abs=1e-300), (sorted(s), dump)
        assert sorted(got[s][1]) == sorted(clients), (sorted(s), dump)


def test_scenarios_reused_for_order_one_give_the_same_answer() -> None:
    for seed in range(12):
        design = random_design(seed)
        rep = analyze(design, simulation_years=0, sweeps=False, latency=False)
        compiled = compile_design(design)
        a = minimal_cut_sets(design, compiled, 1.0, failures=rep.failures, min_share=0.0)
        b = minimal_cut_sets(design, compiled, 1.0, min_share=0.0)
        assert [(cs.probability, [u.id for u in cs.units], cs.clients) for cs in a.cut_sets] \
            == [(cs.probability, [u.id for u in cs.units], cs.clients) for cs in b.cut_sets]


def _lb_web_db() -> Design:
    """Shoppers -> lb (1 replica, 0.9995) -> web (2 replicas over z1, z2; 0.99) -> db
    (2 replicas over z1, z2; 0.995); zones 0.999 in region r 0.9999; no capacities."""
    return Design("cut", [
        Node("users", "client", "Shoppers", demand_rps=100.0),
        Node("r", "region", availability=0.9999),
        Node("z1", "zone", parent="r", availability=0.999),
        Node("z2", "zone", parent="r", availability=0.999),
        Node("lb", "load_balancer", "LB", parent="r", availability=0.9995),
        Node("web", "service", parent="r", replicas=2, availability=0.99, spread=["z1", "z2"]),
        Node("db", "database", "DB", parent="r", replicas=2, availability=0.995,
             spread=["z1", "z2"]),
    ], [Link("users", "lb"), Link("lb", "web"), Link("web", "db")])


def test_hand_checked_lb_web_db() -> None:
    rep = analyze(_lb_web_db(), simulation_years=0, sweeps=False, cut_sets=True)
    # P(up) = r * lb * [z1 z2 (1 - 0.01^2)(1 - 0.005^2) + 2 z (1 - z) 0.99 * 0.995]
    zz, z1 = 0.999 ** 2, 2 * 0.999 * 0.001
    p_up = 0.9999 * 0.9995 * (zz * (1 - 0.01 ** 2) * (1 - 0.005 ** 2) + z1 * 0.99 * 0.995)
    q = rep.system.unavailability
    assert q == pytest.approx(1 - p_up, rel=1e-9)
    got = {tuple(u.words for u in cs.units): (cs.order, cs.probability) for cs in rep.cut_sets}
    # order 1: LB 5e-4, region 1e-4, web's both replicas 0.01^2 = 1e-4, db's 0.005^2;
    # a zone alone is not a cut (the other zone holds a replica of each); both zones are
    assert got == {
        ("LB (its only replica)",): (1, pytest.approx(5e-4, rel=1e-12)),
        ("region r",): (1, pytest.approx(1e-4, rel=1e-12)),
        ("web (all 2 replicas)",): (1, pytest.approx(1e-4, rel=1e-12)),
        ("DB (all 2 replicas)",): (1, pytest.approx(2.5e-5, rel=1e-12)),
        ("zone z1", "zone z2"): (2, pytest.approx(1e-6, rel=1e-12)),
    }
    probs = [cs.probability for cs in rep.cut_sets]
    assert probs == sorted(probs, reverse=True)  # the most probable first
    shares = [cs.share_of_downtime for cs in rep.cut_sets]
    assert shares == pytest.approx([p / q for p in probs], rel=1e-12)
    assert shares[0] == pytest.approx(5e-4 / q, rel=1e-9)  # LB: 5e-4 / 7.555e-4 = 66 %
    # the shares add up to 96 %, not 100 %: a zone with the other zone's web (or db)
    # replica (1e-3 x 1e-2 or 5e-3, four such ~3.0e-5 = 4 %) is not a cut of units in
    # the grouped view (a replica alone is no unit); and the rare-event sum is approximate
    assert sum(shares) == pytest.approx((5e-4 + 1e-4 + 1e-4 + 2.5e-5 + 1e-6) / q, rel=1e-9)
    assert 0.96 < sum(shares) < 0.962
    assert all(cs.clients == ["users"] for cs in rep.cut_sets)
    pair = rep.cut_sets[-1]
    assert set(pair.nodes_down) == {"lb", "web", "db"}
    assert rep.cut_sets_summary["complete"] is True


def test_a_pool_that_needs_every_replica_cuts_at_one_replica() -> None:
    # demand 250, 100 rps a replica: the lb's pool needs all 3 web replicas, so the web
    # unit is "1 of its 3 replicas": P = 1 - 0.99^3; each zone (0.999) holds one
    nodes = [Node("users", "client", demand_rps=250.0),
             Node("r", "region", availability=1.0),
             *[Node(f"z{i}", "zone", parent="r", availability=0.999) for i in range(3)],
             Node("lb", "load_balancer", parent="r", availability=0.9999),
             Node("web", "service", parent="r", replicas=3, availability=0.99,
                  capacity_rps=100.0, min_healthy=1, spread=["z0", "z1", "z2"])]
    design = Design("pool", nodes, [Link("users", "lb"), Link("lb", "web")])
    rep = analyze(design, simulation_years=0, sweeps=False, cut_sets=True)
    got = {tuple(u.words for u in cs.units): cs.probability for cs in rep.cut_sets}
    assert got == {
        ("web (1 of its 3 replicas)",): pytest.approx(1 - 0.99 ** 3, rel=1e-12),
        ("zone z0",): pytest.approx(1e-3, rel=1e-12),
        ("zone z1",): pytest.approx(1e-3, rel=1e-12),
        ("zone z2",): pytest.approx(1e-3, rel=1e-12),
        ("lb (its only replica)",): pytest.approx(1e-4, rel=1e-12),
        ("region r",): 0.0,  # assumed perfect: a cut, with no probability
    }


def test_failover_window_is_a_unit() -> None:
    # db active-passive, 2 replicas, MTBF 20 h, MTTR 1 h, 1 h failover: window
    # probability 1 / (20 + 1) = 1/21, a cut alone
    design = Design("ap", [
        Node("users", "client"),
        Node("db", "database", replicas=2, availability=0.9, failover="active-passive",
             failover_seconds=3600.0, mtbf_hours=20.0, mttr_hours=1.0)],
        [Link("users", "db")])
    rep = analyze(design, simulation_years=0, sweeps=False, cut_sets=True)
    got = {tuple(u.words for u in cs.units): cs.probability for cs in rep.cut_sets}
    q = 1 / 21  # replica unavailability MTTR / (MTBF + MTTR)
    assert got == {("db's failover window",): pytest.approx(1 / 21, rel=1e-12),
                   ("db (all 2 replicas)",): pytest.approx(q * q, rel=1e-12)}


def _two_regions() -> Design:
    """DNS over two regions, each an LB over one web: any unit of one region with any
    unit of the other is a pair."""
    nodes = [Node("users", "client", "Shoppers"),
             Node("dns", "dns", availability=0.99998)]
    links = [Link("users", "dns")]
    for r in ("a", "b"):
        nodes += [Node(r, "region", availability=0.999),
                  Node(f"lb-{r}", "load_balancer", parent=r, availability=0.999),
                  Node(f"web-{r}", "service", parent=r, availability=0.99)]
        links += [Link("dns", f"lb-{r}"), Link(f"lb-{r}", f"web-{r}")]
    return Design("two", nodes, links)


def test_two_regions_pairs_and_budget() -> None:
    design = _two_regions()
    full = _module(design)
    assert set(full) == {frozenset(["dns"])} | {
        frozenset([x, y]) for x in ("a", "lb-a", "web-a") for y in ("b", "lb-b", "web-b")}
    compiled = compile_design(design)
    # a budget of 4 sets: the 4 most probable pairs (web x web 1e-4 first), and it says so
    res = minimal_cut_sets(design, compiled, 1e-4, max_sets=4, min_share=0.0)
    assert not res.complete and "4 of 15 pairs evaluated" in res.note
    assert [sorted(u.id for u in cs.units) for cs in res.cut_sets][:2] == \
        [["web-a", "web-b"], ["dns"]]
    assert res.summary()["evaluated"] == 4
    # the floor: with P(down) 1e-4 and min_share 0.5, pairs below 5e-5 are not searched
    # (web x lb and web x region, 1e-5, are cuts but below it)
    res = minimal_cut_sets(design, compiled, 1e-4, min_share=0.5)
    assert [sorted(u.id for u in cs.units) for cs in res.cut_sets] == \
        [["web-a", "web-b"], ["dns"]]
    assert res.complete and res.summary()["probability_floor"] == pytest.approx(5e-5)
    # listing: the most probable first, the rest counted
    res = minimal_cut_sets(design, compiled, 1e-4, min_share=0.0, max_listed=3)
    assert len(res.cut_sets) == 3 and res.found == 10
    assert "the 3 most probable of 10 cut sets listed" in res.note


def test_report_keys_and_live_pass() -> None:
    design = _lb_web_db()
    live = analyze(design, simulation_years=0, sweeps=False)
    assert live.cut_sets == [] and live.to_dict()["cut_sets"] == []
    full = analyze(design, simulation_years=0).to_dict()
    first = full["cut_sets"][0]
    assert first["units"][0]["id"] == "lb" and first["order"] == 1
    assert first["clients"] == ["users"]
    assert first["probability"] == pytest.approx(5e-4, rel=1e-12)
    assert full["cut_sets_summary"]["complete"] is True
    json.dumps(full)  # plain JSON


def test_nothing_to_cut_when_a_client_is_down_with_everything_up() -> None:
    design = Design("over", [Node("users", "client", demand_rps=500.0),
                             Node("web", "service", capacity_rps=100.0)],
                    [Link("users", "web")])
    res = minimal_cut_sets(design, compile_design(design), 1.0)
    assert res.cut_sets == [] and "every part up" in res.note


def test_cut_sets_for_matches_analyze() -> None:
    from modeller.analysis.cutsets import cut_sets_for

    design = _two_regions()
    live = analyze(design, simulation_years=0, sweeps=False)
    full = analyze(design, simulation_years=0, sweeps=False, cut_sets=True)
    res = cut_sets_for(design, live.system.unavailability, live.failures)
    assert [cs.to_dict() for cs in res.cut_sets] == [cs.to_dict() for cs in full.cut_sets]
    assert res.summary() == full.cut_sets_summary


def test_bad_changes_are_units() -> None:
    # web: 3 replicas over z0, z1, z2 (0.999 each), 2 needed. Deploys 20 a month, a
    # quarter bad, 300 min to roll back: P(in a bad-change window) = 20 x 12 x 0.25 x 300
    # / 525,960 = 0.034223. Zone by zone, a bad change takes the first wave's replica:
    # alone nothing drops (2 left); with another zone lost, 1 is left: a pair.
    def design(rollout: str) -> Design:
        return Design("bc", [
            Node("users", "client"),
            Node("r", "region", availability=1.0),
            *[Node(f"z{i}", "zone", parent="r", availability=0.999) for i in range(3)],
            Node("web", "service", parent="r", replicas=3, availability=0.99, min_healthy=2,
                 spread=["z0", "z1", "z2"], deploys_per_month=20.0, change_failure_rate=0.25,
                 rollback_minutes=300.0, rollout=rollout)],
            [Link("users", "web")])

    p = 20 * 12 * 0.25 * 300 / 525_960
    rep = analyze(design("all-at-once"), simulation_years=0, sweeps=False, cut_sets=True)
    got = {tuple(u.words for u in cs.units): cs.probability for cs in rep.cut_sets}
    assert got[("web's bad change",)] == pytest.approx(p, rel=1e-12)
    rep = analyze(design("zone-by-zone"), simulation_years=0, sweeps=False, cut_sets=True)
    got = {tuple(sorted(u.words for u in cs.units)): cs.probability for cs in rep.cut_sets}
    wave = "web's bad change (first wave: 1 of its 3 replicas)"
    waves = {k: v for k, v in got.items() if wave in k}
    # the wave with either of the two other zones (1e-3 each); with its own zone it
    # loses only that one replica
    assert len(waves) == 2 and all(len(k) == 2 for k in waves)
    assert all(v == pytest.approx(p * 1e-3, rel=1e-12) for v in waves.values())
    # web alone: 2 of its 3 replicas (3 x 0.01^2 x 0.99 + 0.01^3); any two zones
    assert got[("web (2 of its 3 replicas)",)] == pytest.approx(3e-4 * 0.99 + 1e-6, rel=1e-12)
    assert sum(1 for k in got if len(k) == 2 and all(w.startswith("zone") for w in k)) == 3
