"""The issue-16 bench families (``families.py``) and the peers' translations: sizes,
and, where a peer is installed, that it computes our P(down) on the small ones."""

from __future__ import annotations

import pytest

from modeller.analysis import analyze
from modeller.analysis.compiled import compile_design

from .families import FAMILIES, chain, microservices, regions, spread_tiers, tier_chain
from .peers import repyability_rbd, scram_ft


def test_family_sizes() -> None:
    # tier chain: 1 client + tiers of (1 LB + 4 services); 504: + region and 3 zones
    assert len(tier_chain(250).nodes) == 251 and len(tier_chain(500).nodes) == 501
    assert len(FAMILIES["tiers in 3 zones 504"]().nodes) == 505
    assert len(chain(2000).nodes) == 2000
    # DNS + client, and per region: region, 3 zones, LB, web, db
    assert len(regions(6).nodes) == 2 + 6 * 7 and len(regions(30).nodes) == 2 + 30 * 7
    assert len(microservices(135).nodes) == 135


@pytest.mark.parametrize("name", [n for n in FAMILIES if n not in
                                  ("regions 6x3", "regions 30x3")])
def test_every_family_compiles_without_warnings(name: str) -> None:
    design = FAMILIES[name]()
    warnings = compile_design(design).warnings
    assert not [w for w in warnings if "overloaded" in w], warnings


SMALL = {"tier chain": lambda: tier_chain(26), "spread tiers": lambda: spread_tiers(24),
         "microservices": lambda: microservices(24), "regions 2x3": lambda: regions(2)}


@pytest.mark.skipif(not repyability_rbd.available(), reason="repyability is not installed")
@pytest.mark.parametrize("name", list(SMALL))
def test_repyability_rbd_gives_our_unavailability(name: str) -> None:
    design = SMALL[name]()
    d = repyability_rbd.diagram(design)
    assert d.exact
    q = analyze(design, simulation_years=0, sweeps=False, latency=False).system.unavailability
    assert repyability_rbd.run(d).unavailability == pytest.approx(q, rel=1e-9)


@pytest.mark.skipif(not scram_ft.scram_available(), reason="scram is not installed")
@pytest.mark.parametrize("name", list(SMALL))
def test_scram_tree_gives_our_unavailability(name: str) -> None:
    design = SMALL[name]()
    tree = scram_ft.fault_tree(design, "replica")
    assert tree.exact
    q = analyze(design, simulation_years=0, sweeps=False, latency=False).system.unavailability
    res = scram_ft.run_scram(tree, importance=True, products=False, limit_order=2)
    assert res.probability == pytest.approx(q, rel=1e-5)  # SCRAM prints 6 digits
    assert set(res.seconds) >= {"probability", "importance"}


def test_comparison_table_ratios_and_notes() -> None:
    import io

    from .bench_families import Line, Peer, print_comparison

    exact = Line("tier chain 250", 251, ours=[0.010, 0.012, 0.011], q=1e-3)  # median 11 ms
    exact.peers = {"SCRAM": Peer("SCRAM", seconds=[0.002], wall=[0.2], bdd=[0.03],
                                 unavailability=1e-3),
                   "RePyability": Peer("RePyability", seconds=[0.044], wall=[0.044],
                                       unavailability=1e-3)}
    off = Line("regions 6x3", 44, error="refused: too many joint states")
    off.peers = {"SCRAM": Peer("SCRAM", seconds=[0.001], wall=[0.1], unavailability=2e-5,
                               exact=False),
                 "RePyability": Peer("RePyability", error="did not finish in 60 s")}
    buf = io.StringIO()
    print_comparison([exact, off], out=buf)
    rows = buf.getvalue().splitlines()
    # 11 ms against SCRAM's p+i 2 ms = 5.50 (its BDD 30 ms), its wall 200 ms = 0.06,
    # RePyability 44 ms = 0.25
    assert rows[2].split()[3:] == ["251", "11.0", "2.0", "5.50", "30.0", "200.0", "0.06",
                                   "44.0", "0.25"]
    assert "ours: refused" in rows[3] and "RePyability: did not finish in 60 s" in rows[3]
    assert "SCRAM ≈" in rows[3]
