"""The live pass's preliminary report (``analyze(..., preliminary=)``): what the canvas
badges show, before the scenarios, latency and importances are done.

Every figure it holds must be bit-for-bit the full report's (the badges then do not
change when the full report lands), it holds nothing the badges do not show, and asking
for it changes nothing in the full report.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from modeller.analysis import analyze
from modeller.model import load_design, loads_design
from tests.analysis.random_designs import random_design
from tests.bench.families import regions

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _both(design):  # noqa: ANN001, ANN202
    got = []
    full = analyze(design, simulation_years=0, sweeps=False, preliminary=got.append)
    assert len(got) == 1, "called exactly once"
    return got[0], full


def _same_badge_figures(pre, full) -> None:  # noqa: ANN001
    assert pre.preliminary and not full.preliminary
    assert set(pre.nodes) == set(full.nodes) and set(pre.clients) == set(full.clients)
    for nid, f in full.nodes.items():
        p = pre.nodes[nid]
        # == on floats on purpose: the same compiled design and the same exact method
        assert (p.availability, p.unavailability, p.nines) == (f.availability, f.unavailability, f.nines), nid
        assert (p.own_availability, p.own_unavailability) == (f.own_availability, f.own_unavailability), nid
        assert (p.utilization, p.load_rps, p.capacity_rps) == (f.utilization, f.load_rps, f.capacity_rps), nid
    for cid, f in full.clients.items():
        p = pre.clients[cid]
        assert (p.availability, p.unavailability, p.nines) == (f.availability, f.unavailability, f.nines), cid
        if cid not in pre.pending:  # no latency SLO: the verdict is already the full one
            assert p.meets_slo == f.meets_slo, cid
    assert (pre.system.availability, pre.system.unavailability) == \
        (full.system.availability, full.system.unavailability)


@pytest.mark.parametrize("name", ["multi-az", "three-tier", "two-regions", "large-300"])
def test_the_examples_badges_are_the_full_reports(name: str) -> None:
    pre, full = _both(load_design(EXAMPLES / f"{name}.arch.json"))
    _same_badge_figures(pre, full)
    # it holds no scenario, importance, latency or 4b figure (they would be made up)
    assert pre.failures == [] and pre.spofs == [] and pre.resilience == [] and pre.cut_sets == []
    for n in pre.nodes.values():  # not known yet: not a number, never a made-up 0
        assert math.isnan(n.birnbaum) and math.isnan(n.downtime_contribution_minutes)
        assert math.isnan(n.availability_given_up) and math.isnan(n.availability_given_down)
        assert n.latency_ms is None and n.end_to_end_ms is None
    assert all(c.latency_ms is None for c in pre.clients.values())
    # the connected clients whose verdict needs the latency wait for it
    assert pre.pending == [cid for cid, c in full.clients.items()
                           if "latency_ms_p99" in c.slo and c.connected]


@pytest.mark.parametrize("seed", range(0, 60, 3))
def test_random_designs_badges_are_the_full_reports(seed: int) -> None:
    _same_badge_figures(*_both(random_design(seed)))


def test_many_regions_take_the_diagram_and_agree() -> None:
    pre, full = _both(regions(6, 3))  # 729 joint states: the diagram method
    assert full.extras["engine"]["diagram_nodes"] > 0
    _same_badge_figures(pre, full)


def test_asking_for_it_changes_nothing_in_the_full_report() -> None:
    design = load_design(EXAMPLES / "multi-az.arch.json")
    plain = analyze(design, simulation_years=0, sweeps=False)
    _, full = _both(design)
    assert full.to_dict() == plain.to_dict()


def test_a_client_without_a_latency_slo_has_its_verdict_at_once() -> None:
    """web at 99.5 % misses the client's 99.9 %: the preliminary says so already."""
    design = loads_design("""{"format": "modeller.design", "version": 1, "nodes": [
        {"id": "users", "kind": "client", "demand_rps": 80, "slo": {"availability": 0.999}},
        {"id": "web", "kind": "service", "availability": 0.995, "capacity_rps": 100}],
        "links": [{"from": "users", "to": "web"}]}""")
    pre, full = _both(design)
    assert pre.pending == [] and pre.clients["users"].meets_slo is False
    assert pre.clients["users"].availability == full.clients["users"].availability == 0.995
    assert pre.nodes["web"].utilization == full.nodes["web"].utilization == 0.8


def test_an_unconnected_client_or_no_latency_pass_leaves_nothing_pending() -> None:
    """A client that links to nothing already has its final badge ("no links yet"); a
    pass without latency judges no latency SLO: neither waits."""
    design = loads_design("""{"format": "modeller.design", "version": 1, "nodes": [
        {"id": "users", "kind": "client", "demand_rps": 10, "slo": {"latency_ms_p99": 100}},
        {"id": "lonely", "kind": "client", "demand_rps": 10, "slo": {"latency_ms_p99": 100}},
        {"id": "web", "kind": "service", "service_time_ms": 10}],
        "links": [{"from": "users", "to": "web"}]}""")
    got: list = []
    analyze(design, simulation_years=0, sweeps=False, preliminary=got.append)
    assert got[0].pending == ["users"]
    got.clear()
    analyze(design, simulation_years=0, sweeps=False, latency=False, preliminary=got.append)
    assert got[0].pending == []
