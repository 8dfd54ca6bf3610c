"""What each node's badges say and which colour they wear (pure Python, no Qt).

The numbers come from the ``Report``; this module only decides how to show them:
availability is judged against the strictest availability SLO of the clients the
node serves, utilisation against fixed thresholds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Design, Role
from .fields import fmt_nines, fmt_percent, fmt_utilization

GOOD, WARN, BAD, NEUTRAL = "good", "warn", "bad", "neutral"
UTIL_WARN = 0.70
UTIL_BAD = 1.00


@dataclass(frozen=True)
class Badge:
    text: str
    level: str  # GOOD, WARN, BAD or NEUTRAL
    tooltip: str = ""


def strictest_slo(design: Design) -> dict[str, float]:
    """For every node, the highest availability SLO among the clients that reach it.

    A container gets the strictest SLO of anything placed inside it.
    """
    adj: dict[str, list[str]] = {}
    for lk in design.links:
        adj.setdefault(lk.source, []).append(lk.target)
    out: dict[str, float] = {}
    for client in design.clients():
        slo = client.slo.get("availability")
        if slo is None:
            continue
        todo, seen = [client.id], {client.id}
        while todo:
            cur = todo.pop()
            out[cur] = max(out.get(cur, 0.0), slo)
            for nxt in adj.get(cur, []):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
    for node in design.nodes.values():
        if node.id in out and not node.is_container:
            for anc in design.ancestors(node.id):
                out[anc] = max(out.get(anc, 0.0), out[node.id])
            for zone in node.spread:
                if zone in design.nodes:
                    out[zone] = max(out.get(zone, 0.0), out[node.id])
    return out


def availability_level(unavailability: float, slo: float | None) -> str:
    """Green within the SLO's unavailability budget, amber within 10x of it, red beyond."""
    if slo is None:
        return NEUTRAL
    budget = 1.0 - slo
    if unavailability <= budget * (1 + 1e-9):
        return GOOD
    if unavailability <= 10.0 * budget * (1 + 1e-9):
        return WARN
    return BAD


def utilization_level(u: float | None) -> str:
    if u is None:
        return NEUTRAL
    if not math.isfinite(u) or u > UTIL_BAD:
        return BAD
    if u > UTIL_WARN:
        return WARN
    return GOOD


def availability_badge(availability: float, unavailability: float, nines: float,
                       slo: float | None) -> Badge:
    level = availability_level(unavailability, slo)
    text = f"{fmt_percent(availability, unavailability)} · {fmt_nines(nines)}"
    tip = f"P(serves) = {availability:.9g}"
    if slo is not None:
        tip += f"; strictest client SLO it serves: {fmt_percent(slo)}"
    return Badge(text, level, tip)


def utilization_badge(u: float | None, load: float | None, capacity: float | None) -> Badge | None:
    if u is None:
        return None
    tip = ""
    if load is not None and capacity is not None:
        tip = f"load {load:.4g} rps of {capacity:.4g} rps capacity"
    return Badge(f"util {fmt_utilization(u)}", utilization_level(u), tip)


def node_badges(design: Design, report: object) -> dict[str, list[Badge]]:
    """Badges for every node in the report: availability first, then utilisation."""
    slos = strictest_slo(design)
    out: dict[str, list[Badge]] = {}
    nodes = getattr(report, "nodes", {}) or {}
    for nid, res in nodes.items():
        if nid not in design.nodes:
            continue
        badges: list[Badge] = []
        node = design.nodes[nid]
        if node.role is not Role.SOURCE:
            badges.append(availability_badge(res.availability, res.unavailability, res.nines,
                                             slos.get(nid)))
        ub = utilization_badge(res.utilization, res.load_rps, res.capacity_rps)
        if ub is not None:
            badges.append(ub)
        out[nid] = badges
    clients = getattr(report, "clients", {}) or {}
    for cid, res in clients.items():
        if cid not in design.nodes:
            continue
        slo = res.slo.get("availability") if res.slo else None
        level = NEUTRAL if slo is None else (GOOD if res.meets_slo else BAD)
        text = f"{fmt_percent(res.availability, res.unavailability)} · {fmt_nines(res.nines)}"
        tip = "served " + text + (f"; SLO {fmt_percent(slo)}" if slo is not None else "")
        out[cid] = [Badge(text, level, tip)] + [b for b in out.get(cid, []) if "util" in b.text]
    return out
