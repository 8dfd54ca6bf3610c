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


SWEEP_EVERY = 12  # replica counts 1..12 are all swept
SWEEP_BEYOND = 6  # then at most this many log-spaced counts up to the last one


def replica_counts(max_replicas: int, current: int | None = None) -> list[int]:
    """The replica counts a sweep to ``max_replicas`` evaluates (one design each).

    Every count 1..min(N, :data:`SWEEP_EVERY`); beyond that :data:`SWEEP_BEYOND`
    log-spaced counts up to N (N itself included), and the counts around ``current``
    (current - 1 .. current + 2, within 1..N) so "one more replica" is always there:
    at most 22 designs whatever N is (a 10,000-replica node swept to 10,002: 1..12,
    37, 113, 346, 1063, 3260, 9999..10002: 21 designs instead of 10,002)."""
    top = max(1, int(max_replicas))
    counts = set(range(1, min(top, SWEEP_EVERY) + 1))
    if top > SWEEP_EVERY:
        ratio = (top / SWEEP_EVERY) ** (1.0 / SWEEP_BEYOND)
        counts.update(min(top, round(SWEEP_EVERY * ratio ** i)) for i in range(1, SWEEP_BEYOND + 1))
        counts.add(top)
        if current is not None:
            counts.update(n for n in range(current - 1, current + 3) if 1 <= n <= top)
    return sorted(counts)


def sweep_replicas(design: Design, node_id: str, max_replicas: int = 6) -> list[dict[str, Any]]:
    """Availability, nines, downtime, monthly cost and headroom as one node's replicas go
    1..N: every count up to 12, then a few log-spaced ones (:func:`replica_counts`; each
    row's ``replicas`` says which count it is).

    An integer ``min_healthy`` above the swept count is lowered to it (the tier cannot
    need more replicas than it has).
    """
    if node_id not in design.nodes or design.nodes[node_id].is_container \
            or design.nodes[node_id].role is Role.SOURCE:
        raise DesignError(f'"{node_id}" has no replicas to sweep', place="sweep",
                          fix="pick a service, database, cache, queue, storage, external or router")
    rows = []
    for n in replica_counts(max_replicas, design.nodes[node_id].replicas):
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
