"""Issue 16 item 2: the live pass does work proportional to the design.

Deterministic measures of work (diagram sizes, which states run the load flow), never
timings: a tier chain's diagram grows linearly with its tiers (it grew quadratically
when each tier's variables sat below the rest of the chain), and states with every
region and zone up skip the load flow. Hand values check the vectorised importance
passes on the same chains.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from modeller.analysis import analyze
from modeller.analysis.compiled import compile_design
from modeller.analysis.exact import exact_availability
from modeller.model import load_design
from tests.bench.families import FAMILIES, regions, spread_tiers, tier_chain

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


@pytest.mark.parametrize("family", [tier_chain, spread_tiers])
def test_the_diagram_grows_linearly_with_the_chain(family) -> None:  # noqa: ANN001
    small = exact_availability(compile_design(family(250)))
    large = exact_availability(compile_design(family(1000)))
    # 4x the components: about 4x the diagram (was 16x: 49,602 -> 798,402 nodes)
    assert large.bdd_size <= 4.4 * small.bdd_size
    assert large.bdd_size <= 3 * 1001


def test_tier_chain_hand_values() -> None:
    """LB (0.9999) over 4 services (0.99 each, any one serves), each calling the next
    tier's LB: tiers are in series, so A = (0.9999 (1 - 0.01^4))^T."""
    design = tier_chain(51)  # 10 tiers of 1 LB + 4 services
    tiers = 10
    tier = 0.9999 * (1.0 - 0.01**4)
    res = exact_availability(compile_design(design))
    assert math.isclose(res.p_sys, tier**tiers, rel_tol=0, abs_tol=1e-12)
    q_expected = -math.expm1(tiers * math.log(tier))
    assert math.isclose(res.q_sys, q_expected, rel_tol=1e-9)
    # an LB is in series with everything: P(sys | LB up) = A / 0.9999, down: 0
    p_up, _, p_down, _ = res.conditional["lb3"]
    assert math.isclose(p_up, tier**tiers / 0.9999, abs_tol=1e-12) and p_down == 0.0
    # a service sits in its tier's OR: up -> the tier always has one; down -> 3 left
    p_up, _, p_down, _ = res.conditional["t3s1"]
    rest = tier**(tiers - 1) * 0.9999
    assert math.isclose(p_up, rest, abs_tol=1e-12)
    assert math.isclose(p_down, rest * (1.0 - 0.01**3), abs_tol=1e-12)
    report = analyze(design, simulation_years=0, sweeps=False)
    b = report.nodes["t3s1"].birnbaum
    assert math.isclose(b, rest * (1.0 - (1.0 - 0.01**3)), rel_tol=1e-6)


def test_all_up_states_skip_the_load_flow() -> None:
    """A chunk mixing all-up states and lost regions gets, state by state, the profile
    each would get alone; all-up states are the nominal profile (index 0)."""
    design = regions(3)
    design.nodes["users"].demand_rps = 300.0  # the DNS splits it over the live regions
    compiled = compile_design(design)
    up = {x: np.ones(5, dtype=bool) for x in compiled.containers}
    up["r1"][1] = False
    up["r2z0"][3] = False
    idx = compiled.profile_index(up, 5)
    assert idx[0] == idx[2] == idx[4] == 0
    for j in range(5):
        alone = compiled.profile_index({x: a[j:j + 1] for x, a in up.items()}, 1)
        assert int(alone[0]) == int(idx[j])
    assert idx[1] != 0  # the region's traffic moved to the others


def test_a_part_everything_needs_leaves_nothing_when_down() -> None:
    """P(sys | X down) = 0 is exactly 0 with Q exactly 1 (the swap's sums left
    0.9999999999999999 for the multi-AZ example's web tier: the Fail-it overlay said
    "0.00 %", not "0 %")."""
    design = load_design(EXAMPLES / "multi-az.arch.json")
    res = exact_availability(compile_design(design))
    for nid in ("lb", "web", "app", "db", "eu-west-1"):
        _, _, p_down, q_down = res.conditional[nid]
        assert p_down == 0.0 and q_down == 1.0, nid


def test_the_collector_pause_always_ends() -> None:
    """analyze() pauses Python's cyclic collector while it runs and resumes it after,
    also when it raises; a caller that paused it itself keeps it paused."""
    import gc

    from modeller.model import Design, DesignError, Link, Node

    seen: list[bool] = []
    design = tier_chain(26)
    original = exact_availability

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    import modeller.analysis.engine as engine
    engine.exact_availability, saved = spy, engine.exact_availability
    try:
        analyze(design, simulation_years=0, sweeps=False)
    finally:
        engine.exact_availability = saved
    assert seen == [False] and gc.isenabled()
    cyclic = Design("cycle", [Node("users", "client"), Node("a", "service"), Node("b", "service")],
                    [Link("users", "a"), Link("a", "b"), Link("b", "a")])
    with pytest.raises(DesignError):
        analyze(cyclic, simulation_years=0, sweeps=False)
    assert gc.isenabled()
    gc.disable()
    try:
        analyze(design, simulation_years=0, sweeps=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _pool_design():  # noqa: ANN202
    """A router over 12 targets of mixed capacities (numpy sums more than 8 pairwise),
    an active-passive router, a zero-capacity target and a target in a lost zone."""
    from modeller.model import Design, Link, Node

    d = Design(name="pools")
    d.add_node(Node("z1", "zone"))
    d.add_node(Node("users", "client", demand_rps=1234.5678))
    d.add_node(Node("lb", "load_balancer"))
    d.add_link(Link("users", "lb"))
    for i in range(12):
        d.add_node(Node(f"s{i}", "service", capacity_rps=[10.1, 33.3, 7.77, 0.0][i % 4] + i,
                        replicas=1 + i % 3))
        d.add_link(Link("lb", f"s{i}", calls=1.0))
    d.add_node(Node("ap", "load_balancer", failover="active-passive"))
    d.add_link(Link("s0", "ap", calls=2.5))
    for name in ("primary", "standby"):
        d.add_node(Node(name, "database", capacity_rps=0.0 if name == "primary" else 50.0))
        d.add_link(Link("ap", name))
    d.nodes["s3"].parent = "z1"
    return d


@pytest.mark.parametrize("make", [_pool_design, lambda: FAMILIES["architecture 135"](),
                                  lambda: load_design(EXAMPLES / "large-300.arch.json"),
                                  lambda: load_design(EXAMPLES / "two-regions.arch.json")])
def test_the_nominal_flow_in_floats_is_the_vectorised_flow_bit_for_bit(make) -> None:  # noqa: ANN001
    """compile_design runs the all-up load flow in plain floats (one-element arrays cost
    20 ms at 300 nodes); every load, direct load, k and pool load equals the vectorised
    flow's, with ==, key order included."""
    c = compile_design(make())
    fast, arrays = c._flow.nominal(), c._flow.nominal_by_arrays()
    assert list(fast.load.items()) == list(arrays.load.items())
    assert list(fast.direct.items()) == list(arrays.direct.items())
    assert list(fast.k.items()) == list(arrays.k.items())
    assert list(fast.pool_load.items()) == list(arrays.pool_load.items())
    assert fast.key == arrays.key
    assert any(v for v in fast.load.values())  # a flow ran: not two empty profiles
