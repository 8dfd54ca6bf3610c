"""DESIGN section 3 (v2) reading rules, each checked against a hand derivation."""

from __future__ import annotations

import math

import pytest

from modeller.analysis import analyze
from modeller.model import Design, Link, Node


def _report(design: Design):  # type: ignore[no-untyped-def]
    return analyze(design, simulation_years=0, sweeps=False)


def _tier(replicas: int, min_healthy: int | str = "auto", capacity: float | None = None,
          demand: float = 100.0, zones: int = 3) -> Design:
    """users -> lb -> web (replicas spread over `zones` zones of one perfect region)."""
    nodes = [Node("users", "client", demand_rps=demand),
             Node("r", "region", availability=1.0, w=900, h=400)]
    zone_ids = [f"z{i}" for i in range(zones)]
    nodes += [Node(z, "zone", parent="r", availability=0.999) for z in zone_ids]
    nodes += [Node("lb", "load_balancer", parent="r", availability=0.9999),
              Node("web", "service", parent="r", replicas=replicas, availability=0.99,
                   capacity_rps=capacity, min_healthy=min_healthy, spread=zone_ids)]
    return Design("tier", nodes, [Link("users", "lb"), Link("lb", "web")])


def test_three_replicas_over_three_zones_is_not_a_spof() -> None:
    # demand 100, 100 rps a replica: any one replica carries it; losing one drops nobody
    r = _report(_tier(3, capacity=100.0))
    assert "web" not in r.spofs
    assert r.spofs == ["lb", "r"] and r.spof_units["lb"] == "its only replica"
    assert r.spof_units["r"] == "region r (assumed perfect: availability 100 %)"
    assert r.zone_survival() == {"r": False, "z0": True, "z1": True, "z2": True}


def test_a_tier_that_needs_all_replicas_is_a_spof() -> None:
    r = _report(_tier(3, min_healthy=3))
    assert r.spof_units["web"] == "needs all 3 replicas"
    # and each zone is one too: losing it takes a replica
    assert all(r.spof_units[z] == f"zone {z}" for z in ("z0", "z1", "z2"))


def test_a_single_replica_is_a_spof_and_a_perfect_one_is_marked() -> None:
    r = _report(_tier(1, zones=1))
    assert r.spof_units["web"] == "its only replica"
    d = _tier(1, zones=1)
    d.nodes["web"].availability = 1.0
    assert _report(d).spof_units["web"] == \
        "its only replica (assumed perfect: availability 100 %)"


def test_capacity_counts_whatever_min_healthy_says() -> None:
    # demand 250, 100 rps a replica: the lb's pool needs all 3 replicas up even though
    # min_healthy says 1. Per zone (a = 0.999) and replica (a = 0.99), lb 0.9999:
    # P(sys) = 0.9999 * (0.999 * 0.99)^3.
    r = _report(_tier(3, min_healthy=1, capacity=100.0, demand=250.0))
    assert r.system.availability == pytest.approx(0.9999 * (0.999 * 0.99) ** 3, rel=1e-12)
    assert r.spof_units["web"] == "any one of its 3 replicas (the rest cannot carry the load)"


def test_zone_loss_that_overloads_the_rest_does_not_survive() -> None:
    # demand 250, 3 x 100 rps over 3 zones: losing a zone leaves 200 < 250
    r = _report(_tier(3, capacity=100.0, demand=250.0))
    for z in ("z0", "z1", "z2"):
        f = r.failure(z)
        assert f is not None and not f.survives
        assert f.clients_down == ["users"] and f.overloaded == ["web"]
        assert f.utilization["web"] == pytest.approx(250.0 / 200.0)


def test_zone_loss_above_target_survives_hot() -> None:
    # demand 170: two zones left carry 200 rps at 85 % > 80 %: survives, hot
    r = _report(_tier(3, capacity=100.0, demand=170.0))
    f = r.failure("z0")
    assert f.survives and f.hot == ["web"] and f.overloaded == []
    assert r.to_dict()["zones"]["z0"]["hot"] == ["web"]


def _two_regions(capacity: float) -> Design:
    """users -> dns -> {lb-a -> web-a in region a, lb-b -> web-b in region b}, demand 1000."""
    nodes = [Node("users", "client", demand_rps=1000.0), Node("dns", "dns")]
    links = [Link("users", "dns")]
    for x in "ab":
        nodes += [Node(f"r{x}", "region", availability=0.9999, w=400, h=300),
                  Node(f"lb-{x}", "load_balancer", parent=f"r{x}"),
                  Node(f"web-{x}", "service", parent=f"r{x}", replicas=2, availability=0.99,
                       capacity_rps=capacity)]
        links += [Link("dns", f"lb-{x}"), Link(f"lb-{x}", f"web-{x}")]
    return Design("two regions", nodes, links)


def test_region_loss_moves_its_load_to_the_other_region() -> None:
    # 500 rps a region nominally. web x2 at 300 rps: 600 per region, 1000 after a loss.
    r = _report(_two_regions(300.0))
    f = r.failure("ra")
    assert not f.survives and f.clients_down == ["users"] and f.overloaded == ["web-b"]
    assert f.utilization["web-b"] == pytest.approx(1000.0 / 600.0)
    # exact: with both regions up each pool gets 500 and needs both its replicas
    # (500 > 300), and the dns needs one region: 1 - (1 - 0.99^2)^2; with one region
    # down the other's pool gets 1000 > 600: never. P = 0.9999^2 (1 - (1 - 0.99^2)^2).
    assert r.system.availability == pytest.approx(
        0.9999 ** 2 * (1 - (1 - 0.99 ** 2) ** 2), rel=1e-12)
    # with 600 rps a replica, one region carries everything: a region loss survives
    r2 = _report(_two_regions(600.0))
    assert r2.failure("ra").survives and r2.failure("rb").survives


def test_own_availability_is_the_part_alone() -> None:
    # a load balancer entered at 99.99 % shows 99.99 % as its own figure, whatever it
    # depends on; "serves" (availability) includes its pool and container
    d = _tier(3, capacity=100.0)
    r = _report(d)
    assert r.nodes["lb"].own_availability == pytest.approx(0.9999, rel=1e-15)
    assert r.nodes["lb"].availability < 0.9999
    # web: 1 of 3 replicas up, no containers counted: 1 - 0.01^3
    assert r.nodes["web"].own_availability == pytest.approx(1 - 0.01 ** 3, rel=1e-15)
    assert r.nodes["web"].own_unavailability == pytest.approx(0.01 ** 3, rel=1e-12)
    assert r.to_dict()["nodes"]["lb"]["own_availability"] == pytest.approx(0.9999)


def test_one_replica_active_passive_pays_no_window() -> None:
    d = Design("ap", [Node("users", "client"),
                      Node("db", "database", availability=0.999, failover="active-passive",
                           failover_seconds=600)], [Link("users", "db")])
    r = _report(d)
    assert r.system.availability == pytest.approx(0.999, rel=1e-15)
    assert r.nodes["db"].own_availability == pytest.approx(0.999, rel=1e-15)
    assert any("nothing to fail over to" in w or "no standby" in w for w in r.warnings)


def test_failover_window_at_renewal_rate_and_warned_when_large() -> None:
    # a = 0.9, MTTR 1 h: MTBF 9 h, cycle 10 h; window 1800 s = 0.5 h: p = 0.05 (> 1 %)
    d = Design("ap", [Node("users", "client"),
                      Node("db", "database", availability=0.9, replicas=2,
                           failover="active-passive", failover_seconds=1800)],
               [Link("users", "db")])
    r = _report(d)
    assert r.system.availability == pytest.approx((1 - 0.1 ** 2) * (1 - 0.05), rel=1e-12)
    assert any("5.0% of the time failing over" in w for w in r.warnings), r.warnings
    # a window longer than the whole cycle is warned, never silently capped
    d.nodes["db"].failover_seconds = 40 * 3600
    r = _report(d)
    assert r.system.availability == 0.0
    assert any("failover window all the time" in w for w in r.warnings)


def test_unwired_client_is_not_counted() -> None:
    d = Design("lonely", [Node("users", "client", slo={"availability": 0.999})])
    r = _report(d)
    assert r.clients["users"].connected is False
    assert any("not connected" in w for w in r.warnings)


def test_tiny_contributions_are_zero() -> None:
    # twelve nines of a redundant pair: differences below 1e-12 of a year are 0
    d = _tier(3, capacity=100.0)
    r = _report(d)
    for n in r.nodes.values():
        assert n.downtime_contribution_minutes == 0.0 or \
            n.downtime_contribution_minutes > 1e-12 * 525_960
    assert math.isfinite(r.system.nines)


def test_simulation_budget_stops_after_one_chunk_and_says_so() -> None:
    # a budget of 0 s: the first chunk (one year, which measures what a year costs)
    # runs, then the budget stops it and says so
    from modeller.analysis.simulation import simulate
    d = _tier(3, capacity=100.0)
    sim = simulate(d, years=1000, seed=1, budget_seconds=0.0)
    assert sim["years"] == 1 and sim["requested_years"] == 1000
    assert sim["stopped_by_budget"] is True
    assert sim["limit"] == "the time budget stopped it after 1 of 1,000 years"
    assert sim["ci95"][0] <= sim["availability"] <= sim["ci95"][1]
    # a budget far beyond what 300 years of three replicas take (well under a second)
    roomy = simulate(d, years=300, seed=1, budget_seconds=600.0)
    assert roomy["years"] == 300 and roomy["stopped_by_budget"] is False
    assert roomy["ci95"][0] < roomy["availability"] < roomy["ci95"][1]
    full = simulate(d, years=60, seed=1)
    assert full["years"] == 60 and full["stopped_by_budget"] is False and full["limit"] is None


def test_sweeps_past_their_deadline_say_incomplete() -> None:
    import time

    from modeller.analysis.engine import what_if
    d = _tier(3, capacity=100.0)
    r = _report(d)
    assert what_if(d, r, deadline=time.perf_counter() - 1.0) == \
        {"demand": [], "replicas": {}, "replica_counts": {}, "complete": False}
    assert what_if(d, r)["complete"] is True


def test_notes_are_never_analysed_and_never_linked() -> None:
    from modeller.model import DesignError
    from modeller.model.io import design_from_dict
    doc = {"format": "modeller.design", "version": 1,
           "nodes": [{"id": "c", "kind": "client"}, {"id": "s", "kind": "service"},
                     {"id": "n", "kind": "note", "text": "meeting: ask about the DR plan"}],
           "links": [{"from": "c", "to": "s"}]}
    r = _report(design_from_dict(doc))
    assert "n" not in r.nodes and r.system.availability == 1.0
    doc["links"].append({"from": "s", "to": "n"})
    with pytest.raises(DesignError, match="a note is only text"):
        design_from_dict(doc)


def test_every_hot_or_overloaded_node_carries_its_figure() -> None:
    # demand 170 on 3 x 100 rps: web is at 57 % nominally; losing a zone
    # makes it 85 % (hot), and the scenario's utilisation names that figure
    r = _report(_tier(3, capacity=100.0, demand=170.0))
    for f in r.failures:
        for nid in [*f.hot, *f.overloaded]:
            assert nid in f.utilization, (f.down, nid)
