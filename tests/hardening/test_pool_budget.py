"""Issue 17 item 2: a load balancer over 60-120 targets with varied, non-integer
capacities made the exact engine enumerate exponentially many capacity sums (37 s and
3.3 GB for 80 targets, an 11 KB file). Past a fixed number of distinct sums the check
is now made on a grid (capacities rounded down, the need up): bounded, never
optimistic, and said in one warning line."""

from __future__ import annotations

import tracemalloc

import pytest

from modeller.analysis import analyze, exact_diagram
from modeller.analysis.compiled import compile_design
from modeller.analysis.exact import exact_availability
from modeller.model import Design, Link, Node, design_from_dict, design_to_dict


def _pool(n: int, share: float) -> Design:
    caps = [round(10.0 + (i * 7.31) % 13.7 + i * 0.0137, 4) for i in range(n)]
    nodes = [Node(id="users", kind="client", demand_rps=share * sum(caps)),
             Node(id="lb", kind="load_balancer", availability=1.0)]
    links = [Link("users", "lb")]
    for i, c in enumerate(caps):
        nodes.append(Node(id=f"s{i}", kind="service", availability=0.97, capacity_rps=c))
        links.append(Link("lb", f"s{i}"))
    return design_from_dict(design_to_dict(Design(f"pool-{n}", nodes, links)))


@pytest.mark.parametrize("method", ["columns", "diagram"])
def test_eighty_varied_targets_are_bounded_and_say_so(method: str) -> None:
    compiled = compile_design(_pool(80, 0.9))
    tracemalloc.start()
    try:
        res = exact_availability(compiled, importances=True, method=method)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 400 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    assert any("lower bound" in w and "lb's pool of 80 targets" in w for w in res.warnings)
    # 80 targets at 97 %, the load needs 90 % of the capacity: about 72 of 80 up
    assert 0.5 < res.p_sys < 1.0


def test_the_grid_is_never_optimistic(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a pool small enough for the exact sums, forcing the grid gives a lower bound
    within a grid step's worth of the exact figure."""
    design = _pool(14, 0.75)
    exact = exact_availability(compile_design(design), method="diagram")
    assert not exact.warnings
    monkeypatch.setattr(exact_diagram, "POOL_STATE_BUDGET", 0)
    gridded = exact_availability(compile_design(design), method="diagram")
    assert gridded.warnings
    assert gridded.p_sys <= exact.p_sys + 1e-15
    assert exact.p_sys - gridded.p_sys < 1e-2


def test_the_report_carries_the_warning() -> None:
    rep = analyze(_pool(80, 0.9), simulation_years=0, sweeps=False, latency=False)
    assert any("counted in steps of" in w for w in rep.warnings)
