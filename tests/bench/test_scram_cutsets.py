"""Minimal cut sets and P(down) against SCRAM (a C++ fault-tree engine) on designs
translated to fault trees (``peers/scram_ft.py``). Skipped when ``scram`` is not
installed (Debian's ``scram`` package): a peer is never a test dependency.

Designs: routers pool by count (no capacities), so the translation is exact; they
have regions, zones, replicas spread over zones, quorums, min_targets and failover
windows.
"""

from __future__ import annotations

import random

import pytest

from modeller.analysis import analyze
from modeller.analysis.compiled import compile_design
from modeller.analysis.cutsets import minimal_cut_sets
from modeller.model import Design, Link, Node

from .generate import architecture
from .peers.scram_ft import fault_tree, run_scram, scram_available

pytestmark = pytest.mark.skipif(not scram_available(), reason="scram is not installed")


def _count_only(design: Design) -> Design:
    """The same design with no capacities or demand: every pool counts targets."""
    for n in design.nodes.values():
        n.capacity_rps = None
        n.demand_rps = None
    return design


def _small(seed: int) -> Design:
    """A seeded design: a region with 2-3 zones (sometimes a second region under a DNS),
    an LB over 1-3 services spread over the zones, a shared database with a quorum,
    sometimes active-passive with a failover window."""
    rng = random.Random(seed)
    nodes = [Node("users", "client", "Shoppers")]
    links = [Link("users", "dns")]
    nodes.append(Node("dns", "dns", availability=rng.choice((0.9999, 0.999))))
    for r in range(rng.choice((1, 2))):
        rid = f"r{r}"
        nodes.append(Node(rid, "region", availability=rng.choice((0.999, 0.99))))
        zones = [f"{rid}z{i}" for i in range(rng.choice((2, 3)))]
        nodes += [Node(z, "zone", parent=rid, availability=rng.choice((0.99, 0.995)))
                  for z in zones]
        lb = f"{rid}lb"
        nodes.append(Node(lb, "load_balancer", parent=rid, availability=0.999,
                          min_targets=rng.choice(("auto", 1, 2))))
        links.append(Link("dns", lb))
        db = Node(f"{rid}db", "database", parent=rid, replicas=3, availability=0.99,
                  spread=list(zones), min_healthy=rng.choice((1, 2)))
        if rng.random() < 0.5:
            db.failover, db.failover_seconds = "active-passive", 600.0
            db.mtbf_hours, db.mttr_hours = 200.0, 2.0
        nodes.append(db)
        services = rng.randint(2, 3)
        for s in range(services):
            sid = f"{rid}s{s}"
            reps = rng.choice((1, 2, 3))
            nodes.append(Node(sid, "service", parent=rid, replicas=reps,
                              availability=rng.choice((0.99, 0.995)),
                              spread=rng.sample(zones, min(reps, len(zones)))))
            links += [Link(lb, sid), Link(sid, db.id)]
    for n in nodes:
        if n.kind == "load_balancer" and n.min_targets == 2:
            n.min_targets = 2
    return Design(f"small-{seed}", nodes, links)


def _ours(design: Design) -> dict[frozenset[str], float]:
    res = minimal_cut_sets(design, compile_design(design), 1.0, min_share=0.0,
                           max_sets=10**9, max_listed=10**9)
    assert res.complete
    return {frozenset(u.id if u.kind != "failover_window" else f"{u.id}#failover"
                      for u in cs.units): cs.probability for cs in res.cut_sets}


DESIGNS = [(f"small-{s}", lambda s=s: _small(s)) for s in range(8)] + [
    ("architecture-2", lambda: _count_only(architecture(2, 0))),
    ("architecture-6", lambda: _count_only(architecture(6, 1))),
]


@pytest.mark.parametrize(("name", "make"), DESIGNS, ids=[d[0] for d in DESIGNS])
def test_minimal_cut_sets_equal_scrams(name: str, make) -> None:  # type: ignore[no-untyped-def]
    design = make()
    tree = fault_tree(design, "unit")
    assert tree.exact, tree.why_not_exact
    scram = run_scram(tree, limit_order=3)
    ours = _ours(design)
    assert set(ours) == set(scram.products), name
    # SCRAM's probability of each product is the product of its events' probabilities
    for keys, p in ours.items():
        want = 1.0
        for k in keys:
            want *= next(tree.probabilities[e] for e, key in tree.events.items() if key == k)
        assert p == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(("name", "make"), DESIGNS, ids=[d[0] for d in DESIGNS])
def test_replica_fault_tree_gives_our_unavailability(name: str, make) -> None:  # type: ignore[no-untyped-def]
    # the replica-level tree is the design's exact structure: SCRAM's BDD P(top) is
    # P(system down) (SCRAM prints 6 significant digits)
    design = make()
    tree = fault_tree(design, "replica")
    scram = run_scram(tree, products=False)
    q = analyze(design, simulation_years=0, sweeps=False, latency=False).system.unavailability
    assert scram.probability == pytest.approx(q, rel=1e-5)
