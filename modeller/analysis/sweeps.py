"""What-if sweeps: the data behind the "cost of the next nine" and latency-vs-load charts."""

from __future__ import annotations

import math
from typing import Any

from ..model import Design, DesignError, Role
from .compiled import compile_design
from .exact import exact_availability
from .report import MINUTES_PER_YEAR, nines


def _headroom(compiled) -> tuple[float, str | None]:  # type: ignore[no-untyped-def]
    worst, where = 0.0, None
    for nid, cn in compiled.nodes.items():
        cap = cn.total_capacity
        if cap and cn.load / cap > worst:
            worst, where = cn.load / cap, nid
    return (1.0 / worst if worst > 0 else math.inf), where


def sweep_replicas(design: Design, node_id: str, max_replicas: int = 6) -> list[dict[str, Any]]:
    """Availability, nines, downtime, monthly cost and headroom as one node's replicas go 1..N.

    An integer ``min_healthy`` above the swept count is lowered to it (the tier cannot
    need more replicas than it has).
    """
    if node_id not in design.nodes or design.nodes[node_id].is_container \
            or design.nodes[node_id].role is Role.SOURCE:
        raise DesignError(f'"{node_id}" has no replicas to sweep', place="sweep",
                          fix="pick a service, database, cache, queue, storage, external or router")
    rows = []
    for n in range(1, max(1, max_replicas) + 1):
        d = design.copy()
        node = d.nodes[node_id]
        node.replicas = n
        if isinstance(node.min_healthy, int) and node.min_healthy > n:
            node.min_healthy = n
        compiled = compile_design(d)
        ex = exact_availability(compiled, importances=False)
        headroom, bottleneck = _headroom(compiled)
        rows.append({
            "replicas": n,
            "availability": ex.p_sys,
            "unavailability": ex.q_sys,
            "nines": nines(ex.q_sys),
            "downtime_minutes_per_year": ex.q_sys * MINUTES_PER_YEAR,
            "cost_month": sum(x.cost_month * x.replicas for x in d.nodes.values()),
            "headroom": headroom,
            "bottleneck": bottleneck,
            "warnings": len(compiled.warnings),
        })
    return rows


def sweep_demand(design: Design, factors: list[float] | None = None,
                 latency: bool = True) -> list[dict[str, Any]]:
    """Utilisation, latency and capacity-aware availability as demand goes 0..2x nominal."""
    if factors is None:
        factors = [round(0.1 * i, 2) for i in range(0, 21)]  # 0..2x nominal
    analyze_latency = None
    if latency:
        try:
            from .latency import analyze_latency
        except ImportError:
            analyze_latency = None
    rows = []
    for f in factors:
        compiled = compile_design(design, demand_scale=f)
        ex = exact_availability(compiled, importances=False)
        util = {nid: cn.load / cn.total_capacity for nid, cn in compiled.nodes.items()
                if cn.total_capacity}
        headroom, bottleneck = _headroom(compiled)
        row: dict[str, Any] = {
            "factor": f,
            "demand_rps": {c: compiled.nodes[c].load for c in compiled.clients},
            "availability": ex.p_sys,
            "unavailability": ex.q_sys,
            "nines": nines(ex.q_sys),
            "max_utilization": max(util.values(), default=0.0),
            "utilization": util,
            "headroom": headroom,
            "bottleneck": bottleneck,
        }
        if analyze_latency is not None:
            lat = analyze_latency(design, compiled)
            row["latency_ms"] = {c: {"mean": v.mean, "p99": v.p99} for c, v in lat.clients.items()}
        rows.append(row)
    return rows
