"""DESIGN 4b: a bad change is a correlated outage that replicas do not help against.

P(inside a bad-change window) = deploys/month x 12 x change failure rate x window /
525,960. All-at-once takes every replica down for the window; a zone-by-zone (region-
by-region) rollout only the replicas of the first wave's zone (region). Hand values.
"""

from __future__ import annotations

import pytest

from modeller.analysis import analyze
from modeller.analysis.compiled import compile_design
from modeller.analysis.exact import exact_availability
from modeller.model import Design, Link, Node, design_from_dict, design_to_dict

P_HAND = 20 * 12 * 0.1 * 30 / 525_960  # 720 / 525,960 = 0.0013689254...


def _one(**fields) -> Design:  # type: ignore[no-untyped-def]
    nodes = [Node(id="users", kind="client"),
             Node(id="api", kind="service", availability=1.0, deploys_per_month=20.0,
                  change_failure_rate=0.1, rollback_minutes=30.0, **fields)]
    return design_from_dict(design_to_dict(Design("one", nodes, [Link("users", "api")])))


def test_all_at_once_hand_value() -> None:
    rep = analyze(_one(), simulation_years=0, sweeps=False, latency=False)
    assert rep.system.availability == pytest.approx(0.998631, abs=5e-7)
    assert rep.system.unavailability == pytest.approx(P_HAND, rel=1e-12)
    assert rep.nodes["api"].own_availability == pytest.approx(1 - P_HAND, rel=1e-12)
    assert "a bad change" in rep.spof_units["api"]


def test_replicas_do_not_help_against_an_all_at_once_change() -> None:
    rep = analyze(_one(replicas=3), simulation_years=0, sweeps=False, latency=False)
    assert rep.system.unavailability == pytest.approx(P_HAND, rel=1e-12)


def _spread(rollout: str, demand: float) -> Design:
    zones = [Node(id=f"z{i}", kind="zone", availability=1.0) for i in range(3)]
    web = Node(id="web", kind="service", replicas=3, spread=["z0", "z1", "z2"],
               availability=1.0, capacity_rps=100.0, deploys_per_month=20.0,
               change_failure_rate=0.1, rollback_minutes=30.0, rollout=rollout)
    nodes = [Node(id="users", kind="client", demand_rps=demand), *zones, web]
    return design_from_dict(design_to_dict(Design("spread", nodes, [Link("users", "web")])))


@pytest.mark.parametrize("method", ["columns", "diagram"])
@pytest.mark.parametrize("rollout,demand,unavailable", [
    ("all-at-once", 150.0, P_HAND),  # every replica down for the window
    ("zone-by-zone", 150.0, 0.0),  # the first wave's zone only: 2 of 3 carry 150 rps
    ("zone-by-zone", 250.0, P_HAND),  # ... but not 250 rps: all 3 are needed
])
def test_a_wave_rollout_takes_down_the_first_zone_only(rollout: str, demand: float,
                                                        unavailable: float, method: str) -> None:
    compiled = compile_design(_spread(rollout, demand))
    res = exact_availability(compiled, method=method)
    assert res.q_sys == pytest.approx(unavailable, rel=1e-12, abs=1e-15)


def test_wave_bookkeeping() -> None:
    cn = compile_design(_spread("zone-by-zone", 150.0)).nodes["web"]
    assert cn.wave_p == pytest.approx(P_HAND, rel=1e-12) and not cn.change_all
    assert cn.wave_replicas() == 1
    whole = compile_design(_spread("all-at-once", 150.0)).nodes["web"]
    assert whole.change_all and whole.window_p == pytest.approx(P_HAND, rel=1e-12)


def test_own_availability_of_a_wave_rollout() -> None:
    """Own figure, replicas at 0.9, k = 2 of 3 (150 rps at 100 each):
    (1 - p) P(Bin(3, .9) >= 2) + p P(Bin(2, .9) >= 2) = (1 - p) 0.972 + p 0.81."""
    d = _spread("zone-by-zone", 150.0)
    d.nodes["web"].availability = 0.9
    rep = analyze(d, simulation_years=0, sweeps=False, latency=False)
    want = (1 - P_HAND) * 0.972 + P_HAND * 0.81
    assert rep.nodes["web"].own_availability == pytest.approx(want, rel=1e-12)


def test_a_window_longer_than_the_year_is_warned_not_capped_silently() -> None:
    d = _one()
    d.nodes["api"].deploys_per_month = 1000.0
    d.nodes["api"].change_failure_rate = 1.0
    d.nodes["api"].rollback_minutes = 100.0
    rep = analyze(d, simulation_years=0, sweeps=False, latency=False)
    assert rep.system.availability == 0.0
    assert any("bad-change window all the time" in w for w in rep.warnings)


@pytest.mark.parametrize("rollout,demand", [("all-at-once", 150.0), ("zone-by-zone", 250.0),
                                            ("zone-by-zone", 150.0)])
def test_the_simulation_follows_the_same_rule(rollout: str, demand: float) -> None:
    """Windows of fixed length with exponential gaps: the long-run share of time inside
    is exactly p, so the simulated mean agrees with the exact figure (seeded, 400 years,
    within 4 standard errors; 0 stays exactly 0)."""
    from modeller.analysis.simulation import simulate

    d = _spread(rollout, demand)
    d.nodes["web"].rollback_minutes = 600.0  # p = 0.0274: many windows a year
    exact = exact_availability(compile_design(d)).q_sys
    sim = simulate(d, years=400, seed=3)
    if exact == 0.0:
        assert sim["unavailability"] == 0.0
    else:
        assert abs(sim["unavailability"] - exact) <= 4 * sim["stderr"] + 1e-12
        assert sim["stderr"] < 0.2 * exact  # the check has teeth
