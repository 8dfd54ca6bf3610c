"""Capacity-aware availability, failure scenarios and sweeps, against hand numbers."""

from __future__ import annotations

import math

import pytest

from modeller.analysis import analyze
from modeller.analysis.sweeps import sweep_demand, sweep_replicas
from modeller.model import Design, Link, Node


def tier(demand: float, a: float = 0.99) -> Design:
    """client -> service (3 replicas x 100 rps), "auto" replicas needed."""
    return Design("tier", [
        Node("users", "client", demand_rps=demand),
        Node("web", "service", replicas=3, availability=a, capacity_rps=100),
    ], [Link("users", "web")])


def test_running_hot_makes_a_redundant_tier_fragile() -> None:
    a = 0.99
    cool = analyze(tier(90, a), latency=False)  # 30 %: one replica carries it
    hot = analyze(tier(270, a), latency=False)  # 90 %: all three are needed
    assert cool.system.availability == pytest.approx(1 - (1 - a) ** 3, abs=1e-15)
    assert hot.system.availability == pytest.approx(a ** 3, abs=1e-15)
    # 6 nines against fewer than 2: "much lower"
    assert cool.system.nines > 5.9 and hot.system.nines < 1.6
    assert cool.nodes["web"].utilization == pytest.approx(0.3)
    assert hot.nodes["web"].utilization == pytest.approx(0.9)


def test_two_of_three_needed_in_between() -> None:
    a = 0.9
    r = analyze(tier(150, a), latency=False)  # needs 2 of 3
    assert r.system.availability == pytest.approx(3 * a**2 - 2 * a**3, abs=1e-15)


def test_overload_at_nominal_load_is_zero_with_a_warning() -> None:
    r = analyze(tier(301), latency=False)
    assert r.system.availability == 0.0
    assert r.system.unavailability == 1.0
    assert any("web" in w and "overloaded" in w for w in r.warnings)
    assert r.nodes["web"].utilization == pytest.approx(301 / 300)
    assert r.system.headroom == pytest.approx(300 / 301)


def pool(single: bool) -> Design:
    """LB over two services of 100 rps each; demand 150 rps."""
    lb = Node("lb", "load_balancer", availability=0.999,
              failover="active-passive" if single else "active-active")
    return Design("pool", [
        Node("users", "client", demand_rps=150),
        lb,
        Node("a", "service", availability=0.9, capacity_rps=100, replicas=1),
        Node("b", "service", availability=0.8, capacity_rps=200, replicas=1),
    ], [Link("users", "lb"), Link("lb", "a"), Link("lb", "b")])


def test_capacity_pool_needs_enough_serving_targets() -> None:
    # sum of capacities of serving targets >= 150: b alone (200) or a+b (300); a alone (100) no
    r = analyze(pool(single=False), latency=False)
    assert r.system.availability == pytest.approx(0.999 * 0.8, abs=1e-15)


def test_single_pool_needs_one_target_that_covers_the_load() -> None:
    # active-passive router: the survivor takes everything: only b (200 >= 150) can
    r = analyze(pool(single=True), latency=False)
    assert r.system.availability == pytest.approx(0.999 * 0.8, abs=1e-15)
    d = pool(single=True)
    d.nodes["a"].capacity_rps = 150  # now a alone covers it too
    r = analyze(d, latency=False)
    assert r.system.availability == pytest.approx(0.999 * (1 - 0.1 * 0.2), abs=1e-15)


def multi_az() -> Design:
    """LB in a region over web replicas spread over three zones (100 rps each)."""
    zones = ["za", "zb", "zc"]
    nodes = [Node("users", "client", demand_rps=240),
             Node("eu", "region", availability=0.9999)]
    nodes += [Node(z, "zone", parent="eu", availability=0.999) for z in zones]
    nodes += [Node("lb", "load_balancer", parent="eu", availability=0.9999),
              Node("web", "service", parent="eu", replicas=3, spread=zones,
                   availability=0.99, capacity_rps=100),
              Node("db", "database", parent="za", availability=0.999)]
    links = [Link("users", "lb"), Link("lb", "web"), Link("web", "db")]
    return Design("az", nodes, links)


def test_zone_loss_scenarios() -> None:
    r = analyze(multi_az(), latency=False)
    za, zb = r.failure("za"), r.failure("zb")
    # zb down: web keeps 2 replicas = 200 rps < 240 -> pool fails -> users down
    assert zb.clients_down == ["users"]
    assert zb.overloaded == ["web"]
    assert zb.utilization["web"] == pytest.approx(240 / 200)
    # za holds the database: down too
    assert za.clients_down == ["users"] and "db" in za.nodes_down
    assert r.zone_survival() == {"eu": False, "za": False, "zb": False, "zc": False}
    assert set(r.spofs) >= {"lb", "web", "db", "eu", "za", "zb", "zc"}
    # at 180 rps two replicas carry it: losing zb or zc is survived
    d = multi_az()
    d.nodes["users"].demand_rps = 180
    r2 = analyze(d, latency=False)
    assert r2.failure("zb").survives and r2.failure("zc").survives
    assert r2.failure("zb").utilization["web"] == pytest.approx(0.9)
    assert not r2.failure("za").survives
    assert r2.to_dict()["zones"]["zb"]["survives"] is True


def test_failure_availability_given_down_matches_conditioning() -> None:
    r = analyze(multi_az(), latency=False)
    # P(sys | db down) = 0, P(sys | za down) = 0 (holds the db)
    assert r.failure("db").availability_given_down == 0.0
    assert r.failure("za").availability_given_down == 0.0
    # downtime contributions are non-negative and the database's is its own share
    for n in r.nodes.values():
        assert n.downtime_contribution_minutes >= 0


def test_replica_sweep_is_the_cost_of_the_next_nine() -> None:
    d = Design("s", [Node("users", "client"),
                     Node("web", "service", availability=0.99, cost_month=100)],
               [Link("users", "web")])
    rows = sweep_replicas(d, "web", 4)
    assert [r["replicas"] for r in rows] == [1, 2, 3, 4]
    for r in rows:
        n = r["replicas"]
        assert r["unavailability"] == pytest.approx(0.01 ** n, rel=1e-9)
        assert r["nines"] == pytest.approx(2.0 * n, rel=1e-9)
        assert r["cost_month"] == 100 * n
    assert d.nodes["web"].replicas == 1  # the design itself is untouched


def test_demand_sweep_capacity_aware() -> None:
    rows = sweep_demand(tier(150, 0.9), [0.0, 0.5, 1.0, 2.0, 2.1], latency=False)
    by = {r["factor"]: r for r in rows}
    assert by[0.5]["availability"] == pytest.approx(1 - 0.1**3)  # 75 rps: one replica
    assert by[1.0]["availability"] == pytest.approx(3 * 0.81 - 2 * 0.729)  # 150: two
    # 300 rps needs all 3 x 100: exactly full is still feasible (the check is >=)
    assert by[2.0]["availability"] == pytest.approx(0.9**3)
    assert by[2.0]["max_utilization"] == pytest.approx(1.0)
    assert by[2.1]["availability"] == 0.0  # 315 rps: more than the tier has
    assert math.isinf(by[0.0]["headroom"])
