"""The benchmark generator makes valid, feasible, viewable designs of the asked size."""

from __future__ import annotations

from pathlib import Path

import pytest

from modeller.analysis.compiled import compile_design
from modeller.model import Design, dumps_design, load_design, loads_design, validate

from .generate import NODE_H, NODE_W, REGIONS, ZONES, architecture, nodes_for, plan, sized

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "large-300.arch.json"


def _rect(design: Design, nid: str) -> tuple[float, float, float, float]:
    n = design.nodes[nid]
    w = n.w if n.w is not None else NODE_W
    h = n.h if n.h is not None else NODE_H
    return n.x, n.y, n.x + w, n.y + h


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("total", [40, 130, 300, 500])
def test_sized_lands_on_the_requested_node_count(total: int) -> None:
    design = sized(total)
    assert abs(len(design.nodes) - total) <= 2
    assert len(design.nodes) == nodes_for(plan_services(design))


def plan_services(design: Design) -> int:
    return sum(1 for nid in design.nodes if "-svc" in nid)


@pytest.mark.parametrize("n_services", [2, 5, 17, 105])
def test_architecture_shape(n_services: int) -> None:
    design = architecture(n_services, seed=3)
    validate(design)
    kinds: dict[str, int] = {}
    for n in design.nodes.values():
        kinds[n.kind] = kinds.get(n.kind, 0) + 1
    p = plan(n_services)
    assert kinds["region"] == 2 and kinds["zone"] == 6
    assert kinds["dns"] == 1 and kinds["load_balancer"] == 2 and kinds["cache"] == 2
    assert kinds["service"] == n_services + len(REGIONS) * len(ZONES)  # + zonal web tier
    assert kinds["database"] == sum(p.databases)
    assert kinds["client"] == p.clients
    assert all(n.availability == 0.9999 for n in design.nodes.values() if n.kind == "region")
    assert all(n.availability == 0.9995 for n in design.nodes.values() if n.kind == "zone")
    for n in design.nodes.values():
        if "-svc" in n.id:
            region = n.id.rsplit("-svc", 1)[0]
            assert n.replicas in (2, 3) and n.parent == region
            assert len(set(n.spread)) == n.replicas
            assert all(design.nodes[z].parent == region for z in n.spread)
            assert n.capacity_rps and n.service_time_ms > 0 and n.cost_month > 0
            deps = [lk for lk in design.links_from(n.id)]
            assert sum(1 for lk in deps if design.nodes[lk.target].kind == "database"
                       and not lk.optional) == 1
            assert sum(1 for lk in deps if design.nodes[lk.target].kind == "cache") == 1
        if n.kind == "database":
            assert (n.replicas, n.min_healthy, len(set(n.spread))) == (3, 2, 3)
    # services only call services of their own region
    for lk in design.links:
        s, t = design.nodes[lk.source], design.nodes[lk.target]
        if s.kind in ("service", "database", "cache") and s.parent and t.parent:
            top = lambda nid: design.ancestors(nid)[-1]  # noqa: E731
            assert top(s.id) == top(t.id)


@pytest.mark.parametrize("total", [40, 130, 500])
def test_nominal_load_is_feasible(total: int) -> None:
    compiled = compile_design(sized(total, seed=1))
    assert compiled.warnings == []
    utils = {cn.id: cn.load / (cn.capacity * cn.active)
             for cn in compiled.nodes.values() if cn.capacity is not None}
    # every worker but the clients, DNS and LBs has a capacity, and carries load
    assert len(utils) == sum(1 for cn in compiled.nodes.values()
                             if cn.role.value == "worker")
    assert all(0.3 <= u <= 0.8 for u in utils.values()), \
        {k: round(u, 3) for k, u in utils.items() if not 0.3 <= u <= 0.8}
    # "auto" keeps a spare replica everywhere: k < replicas
    assert all(cn.k is not None and cn.k < cn.replicas
               for cn in compiled.nodes.values() if cn.capacity is not None)


def test_layout_is_viewable() -> None:
    design = sized(300, seed=2)
    for n in design.nodes.values():
        if n.is_container:
            assert n.w and n.h and n.w >= NODE_W and n.h >= NODE_H
        if n.parent is not None:  # inside its container
            inner, outer = _rect(design, n.id), _rect(design, n.parent)
            assert outer[0] < inner[0] and outer[1] < inner[1]
            assert inner[2] < outer[2] and inner[3] < outer[3], n.id
    by_parent: dict[str | None, list[str]] = {}
    for n in design.nodes.values():
        by_parent.setdefault(n.parent, []).append(n.id)
    for siblings in by_parent.values():  # siblings never overlap
        rects = [_rect(design, s) for s in siblings]
        for i, a in enumerate(rects):
            assert not any(_overlap(a, b) for b in rects[i + 1:]), siblings[i]
    regions = [_rect(design, n.id) for n in design.nodes.values() if n.kind == "region"]
    assert not _overlap(regions[0], regions[1])
    # a canvas, not a ribbon: neither side more than 3x the other
    xs = [r[2] for r in map(lambda i: _rect(design, i), design.nodes)]
    ys = [r[3] for r in map(lambda i: _rect(design, i), design.nodes)]
    assert 1 / 3 < max(xs) / max(ys) < 3


def test_reproducible_per_seed_and_round_trips() -> None:
    a, b, c = architecture(30, seed=7), architecture(30, seed=7), architecture(30, seed=8)
    assert a == b and a != c
    assert loads_design(dumps_design(a)) == a


def test_shipped_example_is_the_generated_300_node_design() -> None:
    example = load_design(EXAMPLE)
    assert len(example.nodes) == 300
    assert example == sized(300), "regenerate: python -m tests.bench.generate 300 " + str(EXAMPLE)


def test_analyses_without_warnings() -> None:
    try:
        from modeller.analysis import analyze
    except ImportError:
        pytest.skip("engine not there yet")
    report = analyze(sized(40))
    assert report.warnings == []
    # two regions behind DNS: only the DNS takes a client down on its own
    assert report.spofs == ["dns"]
    assert 1e-7 < report.system.unavailability < 1e-4
    assert 1.2 < report.system.headroom < 3.0
    utils = [n.utilization for n in report.nodes.values() if n.utilization is not None]
    assert len(utils) >= 17 + 6 + 2 + 2 and all(0.3 <= u <= 0.8 for u in utils)


def test_bench_helpers() -> None:
    from .bench_analysis import percentile, target_for, time_call

    assert percentile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 90) == 9
    assert percentile([3.0], 90) == 3.0
    assert (target_for(40), target_for(130), target_for(500), target_for(300)) == (16, 50, 250, None)
    calls: list[int] = []
    assert len(time_call(lambda: calls.append(1), repeat=4, warmup=2)) == 4
    assert len(calls) == 6
