"""The vectorised structure function against hand truth tables and the oracle's worlds."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from modeller.analysis.compiled import compile_design
from modeller.analysis.structure import (
    contribution_array,
    evaluate,
    evaluate_once,
    raw_up_from_states,
    replica_groups,
    system_served,
)
from modeller.model import Design, Link, Node

from .oracle import _build, _world
from .random_designs import random_design


def _design(nodes: list[Node], links: list[tuple[str, str]] | list[Link]) -> Design:
    lks = [lk if isinstance(lk, Link) else Link(*lk) for lk in links]
    return Design("t", nodes, lks)


def _arr(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_worker_series_truth_table() -> None:
    d = _design([Node("c", "client", demand_rps=10), Node("a", "service", availability=0.9),
                 Node("b", "database", availability=0.9)], [("c", "a"), ("a", "b")])
    comp = compile_design(d)
    states = list(itertools.product((0, 1), repeat=2))
    ev = evaluate(comp, {"a": _arr([s[0] for s in states]), "b": _arr([s[1] for s in states])})
    assert ev.serves["b"].tolist() == [False, True, False, True]
    assert ev.serves["a"].tolist() == [False, False, False, True]  # needs b too
    assert ev.serves["c"].tolist() == [False, False, False, True]
    assert ev.system.tolist() == [False, False, False, True]


def test_optional_link_is_not_a_dependency() -> None:
    d = _design([Node("c", "client", demand_rps=10), Node("a", "service"), Node("b", "cache")],
                [Link("c", "a"), Link("a", "b", optional=True)])
    ev = evaluate(compile_design(d), {"a": _arr([1, 1]), "b": _arr([0, 1])})
    assert ev.system.tolist() == [True, True]


def test_min_healthy_threshold() -> None:
    d = _design([Node("c", "client", demand_rps=10),
                 Node("db", "database", replicas=3, min_healthy=2)], [("c", "db")])
    ev = evaluate(compile_design(d), {"db": _arr([0, 1, 2, 3])})
    assert ev.serves["db"].tolist() == [False, False, True, True]


def test_router_count_pool() -> None:
    d = _design([Node("c", "client", demand_rps=10),
                 Node("lb", "load_balancer", min_targets=2),
                 Node("x", "service"), Node("y", "service"), Node("z", "service")],
                [("c", "lb"), ("lb", "x"), ("lb", "y"), ("lb", "z")])
    comp = compile_design(d)
    assert comp.nodes["lb"].pool_rule.mode == "count"
    states = list(itertools.product((0, 1), repeat=3))
    up = {t: _arr([s[i] for s in states]) for i, t in enumerate("xyz")}
    up["lb"] = _arr([1] * 8)
    ev = evaluate(comp, up)
    assert ev.serves["lb"].tolist() == [sum(s) >= 2 for s in states]
    # the router's own replicas down: nothing is served whatever the pool does
    up["lb"] = _arr([0] * 8)
    assert not evaluate(comp, up).serves["lb"].any()


def test_router_capacity_pool() -> None:
    # 300 rps over two 2-replica tiers of 100 rps per replica: 3 of the 4 replicas needed
    d = _design([Node("c", "client", demand_rps=300), Node("lb", "load_balancer"),
                 Node("a", "service", replicas=2, capacity_rps=100),
                 Node("b", "service", replicas=2, capacity_rps=100)],
                [("c", "lb"), ("lb", "a"), ("lb", "b")])
    comp = compile_design(d)
    rule = comp.nodes["lb"].pool_rule
    assert (rule.mode, rule.load) == ("capacity", 300.0)
    states = list(itertools.product((0, 1, 2), repeat=2))
    ev = evaluate(comp, {"a": _arr([s[0] for s in states]), "b": _arr([s[1] for s in states])})
    assert ev.serves["lb"].tolist() == [s[0] + s[1] >= 3 for s in states]
    assert ev.serves["a"].tolist() == [s[0] >= 1 for s in states]


def test_router_capacity_pool_with_unlimited_target_and_failed_dependency() -> None:
    d = _design([Node("c", "client", demand_rps=300), Node("lb", "load_balancer"),
                 Node("a", "service", replicas=2, capacity_rps=100),
                 Node("u", "external"), Node("dep", "database")],
                [("c", "lb"), ("lb", "a"), ("lb", "u"), ("u", "dep")])
    comp = compile_design(d)
    assert comp.nodes["lb"].pool_rule.mode == "capacity"
    # u (unlimited) alone carries any load, but only while its dependency serves
    ev = evaluate(comp, {"a": _arr([0, 0, 2, 2]), "u": _arr([1, 1, 1, 0]),
                         "dep": _arr([1, 0, 0, 1])})
    assert ev.serves["u"].tolist() == [True, False, False, False]
    assert ev.serves["lb"].tolist() == [True, False, False, False]


def test_router_single_pool_active_passive() -> None:
    # active-passive router: one target alone must carry the 250 rps
    d = _design([Node("c", "client", demand_rps=250),
                 Node("lb", "load_balancer", failover="active-passive"),
                 Node("a", "service", replicas=2, capacity_rps=200),
                 Node("b", "service", replicas=3, capacity_rps=300, failover="active-passive")],
                [("c", "lb"), ("lb", "a"), ("lb", "b")])
    comp = compile_design(d)
    rule = comp.nodes["lb"].pool_rule
    assert (rule.mode, rule.load) == ("single", 250.0)
    a = [0, 1, 2, 0, 1, 2, 1]
    b = [0, 0, 0, 1, 1, 1, 3]
    ev = evaluate(comp, {"a": _arr(a), "b": _arr(b)})
    # a needs both replicas (2 x 200); b (active-passive) gives 300 with any replica up
    assert ev.serves["lb"].tolist() == [False, False, True, True, True, True, True]


def test_failover_window_takes_the_node_down() -> None:
    d = _design([Node("c", "client", demand_rps=10),
                 Node("db", "database", replicas=2, failover="active-passive",
                      availability=0.99, failover_seconds=30)], [("c", "db")])
    comp = compile_design(d)
    assert comp.nodes["db"].failover_p > 0
    ev = evaluate(comp, {"db": _arr([2, 2, 1, 0])},
                  window={"db": np.array([False, True, False, False])})
    assert ev.serves["db"].tolist() == [True, False, True, False]
    assert ev.system.tolist() == [True, False, True, False]


def test_router_window() -> None:
    d = _design([Node("c", "client", demand_rps=10),
                 Node("lb", "load_balancer", failover="active-passive", failover_seconds=60),
                 Node("x", "service"), Node("y", "service")],
                [("c", "lb"), ("lb", "x"), ("lb", "y")])
    comp = compile_design(d)
    ev = evaluate(comp, {}, window={"lb": np.array([False, True])})
    assert ev.serves["lb"].tolist() == [True, False]
    assert ev.serves["x"].tolist() == [True, True]


def test_overloaded_node_never_serves() -> None:
    d = _design([Node("c", "client", demand_rps=100),
                 Node("s", "service", replicas=2, capacity_rps=10)], [("c", "s")])
    comp = compile_design(d)
    assert comp.nodes["s"].k is None
    assert any("overloaded" in w for w in comp.warnings)
    ev = evaluate(comp, {"s": _arr([0, 1, 2])})
    assert ev.serves["s"].tolist() == [False, False, False]
    assert not ev.system.any()


def test_no_clients_means_system_up() -> None:
    d = _design([Node("s", "service", availability=0.9)], [])
    comp = compile_design(d)
    ev = evaluate(comp, {"s": _arr([0, 1])})
    assert ev.system.tolist() == [True, True]
    assert ev.serves["s"].tolist() == [False, True]
    assert system_served(comp, evaluate_once(comp, {"s"}))


def test_missing_raw_up_means_all_up_and_m_is_inferred() -> None:
    d = _design([Node("c", "client", demand_rps=10), Node("s", "service", replicas=2,
                                                           min_healthy=2)], [("c", "s")])
    comp = compile_design(d)
    ev = evaluate(comp, {}, m=3)
    assert ev.system.tolist() == [True, True, True]
    assert evaluate(comp, {}).system.shape == (1,)


def test_contribution_array_matches_scalar() -> None:
    nodes = [Node("a", "service", replicas=3, capacity_rps=50),
             Node("p", "service", replicas=3, capacity_rps=50, failover="active-passive"),
             Node("u", "service", replicas=3)]
    comp = compile_design(_design(nodes, []))
    ups = np.arange(4)
    for nid in ("a", "p", "u"):
        cn = comp.nodes[nid]
        assert contribution_array(cn, ups).tolist() == [cn.contribution(int(u)) for u in ups]
    assert contribution_array(comp.nodes["p"], ups).tolist() == [0.0, 50.0, 50.0, 50.0]
    assert math.isinf(contribution_array(comp.nodes["u"], ups)[0])


def _zoned() -> Design:
    return _design([
        Node("c", "client", demand_rps=100),
        Node("r", "region", availability=0.999),
        Node("z1", "zone", parent="r", availability=0.99),
        Node("z2", "zone", parent="r", availability=0.99),
        Node("lb", "load_balancer", parent="r"),
        Node("web", "service", parent="r", replicas=3, spread=["z1", "z2"], capacity_rps=60),
    ], [("c", "lb"), ("lb", "web")])


def test_raw_up_from_states_with_spread_replicas() -> None:
    comp = compile_design(_zoned())
    groups = replica_groups(comp.nodes["web"])
    # replicas 0 and 2 sit in z1, 1 in z2: the compiled groups hold 2 and 1
    # spread assigns replicas 0 and 2 to z1, 1 to z2; the groups hold 2 and 1 and the
    # structure function takes columns in group order: 0-1 in z1, 2 in z2
    assert [(tuple(sorted(c)), (sl.start, sl.stop)) for c, sl in groups] == [
        (("r", "z1"), (0, 2)), (("r", "z2"), (2, 3))]
    rep = np.array([[1, 1, 1], [1, 1, 1], [1, 1, 1], [0, 1, 1], [1, 1, 0], [1, 1, 1]],
                   dtype=bool)
    zone1 = np.array([True, False, True, True, False, True])
    zone2 = np.array([True, True, False, True, True, True])
    region = np.array([True, True, True, True, True, False])
    raw = raw_up_from_states(comp, {"web": rep}, {"z1": zone1, "z2": zone2, "r": region})
    assert raw["web"].tolist() == [3, 1, 2, 2, 0, 0]
    assert raw["lb"].tolist() == [1, 1, 1, 1, 1, 0]  # lb sits in the region
    assert raw["c"].tolist() == [1] * 6


def test_evaluate_once_zone_and_region() -> None:
    comp = compile_design(_zoned())
    # 100 rps, 60 per replica: web needs 2 of 3 replicas (checked at the pool)
    assert system_served(comp, evaluate_once(comp, set()))
    lost_z1 = evaluate_once(comp, {"z1"})  # leaves 1 replica: 60 < 100
    assert not lost_z1["lb"] and not system_served(comp, lost_z1)
    assert system_served(comp, evaluate_once(comp, {"z2"}))  # leaves 2 replicas
    assert not system_served(comp, evaluate_once(comp, {"r"}))
    assert not evaluate_once(comp, {"web"})["web"]
    with pytest.raises(KeyError, match="nope"):
        evaluate_once(comp, {"nope"})


@pytest.mark.parametrize("seed", range(40))
def test_matches_oracle_worlds(seed: int) -> None:
    """Random designs, random worlds: every node's serve state equals the oracle's."""
    design = random_design(seed)
    model = _build(design)
    comp = model.compiled
    rng = random.Random(seed)
    worlds = [[rng.random() < 0.7 for _ in model.components] for _ in range(64)]
    worlds.append([True] * len(model.components))
    m = len(worlds)
    state = np.array(worlds, dtype=bool).reshape(m, len(model.components))
    container_up = {cid: state[:, i] for cid, i in model.container_index.items()}
    replica_up = {nid: state[:, [i for i, _ in reps]] for nid, reps in model.replicas.items()}
    for nid, (i, hit) in model.change_index.items():  # (4b) a bad change takes replicas down
        cols = sorted(hit)
        replica_up[nid][:, cols] &= state[:, [i]]
    window = {nid: ~state[:, i] for nid, i in model.failover_index.items()}
    raw = raw_up_from_states(comp, replica_up, container_up)
    ev = evaluate(comp, raw, window, profile=comp.profile_index(container_up, m))
    for j, w in enumerate(worlds):
        serve, raw_o = _world(model, w)
        for nid in comp.nodes:
            assert bool(ev.serves[nid][j]) == serve[nid], (seed, j, nid)
            if nid in raw_o:
                assert int(raw[nid][j]) == raw_o[nid]
        assert bool(ev.system[j]) == all(serve[c] for c in comp.clients)
