"""What each node's badges say and which colour they wear (pure Python, no Qt).

The numbers come from the ``Report``; this module only decides how to show them:
availability is judged against the strictest availability SLO of the clients the
node serves, utilisation against fixed thresholds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .. import formatting as F
from ..model import Design, Role
from ..model.design import MINUTES_PER_YEAR


def fmt_percent(availability: float, unavailability: float | None = None) -> str:
    return F.fmt_percent(availability, unavailability)


def fmt_nines(nines: float) -> str:
    return f"{F.fmt_nines(nines)} nines"


def fmt_plain(value: float | None, blank: str = "") -> str:
    """A number as people write it: 1200, 0.5, 12.25 (no float noise)."""
    if value is None:
        return blank
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.6g}"


def fmt_utilization(u: float | None) -> str:
    return "" if u is None else F.fmt_util(u)

GOOD, WARN, BAD, NEUTRAL = "good", "warn", "bad", "neutral"
UTIL_WARN = 0.70
UTIL_BAD = 1.00


@dataclass(frozen=True)
class Badge:
    """One pill on a box. ``text`` is all it says; ``label`` is the prefix of ``text`` that
    names the figure ("own", "serves", "util": drawn lighter); ``short`` a shorter form for
    a narrow box (the full text then goes to the tooltip); ``tooltip`` the full figures."""

    text: str
    level: str  # GOOD, WARN, BAD or NEUTRAL
    tooltip: str = ""
    label: str = ""
    short: str = ""


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
                       slo: float | None, label: str = "serves") -> Badge:
    """What the node serves (with its dependencies and the containers around it)."""
    level = availability_level(unavailability, slo)
    value = f"{fmt_percent(availability, unavailability)} · {fmt_nines(nines)}"
    text = f"{label} {value}" if label else value
    tip = (f"{label}: " if label else "") + f"P(serves) = {availability:.9g} ({value}; " \
        f"{F.fmt_duration(unavailability * MINUTES_PER_YEAR)} down a year) — with what it " \
        "depends on and the zones/regions around it"
    if slo is not None:
        tip += f"; strictest client SLO it serves: {fmt_percent(slo)}"
    short = f"{label} {fmt_percent(availability, unavailability)}" if label else \
        fmt_percent(availability, unavailability)
    return Badge(text, level, tip, label, short)


def own_badge(availability: float, unavailability: float, slo: float | None,
              replicas: int = 1) -> Badge:
    """The part's own figure: enough of its own replicas up (no dependencies, no containers)."""
    level = availability_level(unavailability, slo)
    nines = -math.log10(unavailability) if unavailability > 0 else math.inf
    value = fmt_percent(availability, unavailability)
    what = "its replica is up" if replicas == 1 else f"enough of its {replicas} replicas are up"
    tip = (f"own: P({what}) = {availability:.9g} ({value} · {fmt_nines(nines)}; "
           f"{F.fmt_duration(unavailability * MINUTES_PER_YEAR)} down a year) — "
           "the part alone, without what it depends on or the zones around it")
    return Badge(f"own {value}", level, tip, "own", "")


def container_badge(availability: float, unavailability: float, nines: float,
                    slo: float | None) -> Badge:
    """A region's or zone's own availability (P(it is up))."""
    level = availability_level(unavailability, slo)
    pct = fmt_percent(availability, unavailability)
    text = f"{pct} · {fmt_nines(nines)}"
    tip = f"P(up) = {availability:.9g} ({text}; " \
        f"{F.fmt_duration(unavailability * MINUTES_PER_YEAR)} down a year)"
    if slo is not None:
        tip += f"; strictest client SLO it serves: {fmt_percent(slo)}"
    return Badge(text, level, tip, "", pct)


def utilization_badge(u: float | None, load: float | None, capacity: float | None) -> Badge | None:
    if u is None:
        return None
    tip = "utilisation at nominal demand"
    if load is not None and capacity is not None:
        tip = f"util: load {load:.4g} rps of {capacity:.4g} rps capacity ({fmt_utilization(u)})"
    return Badge(f"util {fmt_utilization(u)}", utilization_level(u), tip, "util")


def node_badges(design: Design, report: object) -> dict[str, list[Badge]]:
    """Badges for every node in the report: the part's own availability first, what it
    serves second (both labelled), then utilisation; containers show their own figure;
    clients what they are served."""
    slos = strictest_slo(design)
    out: dict[str, list[Badge]] = {}
    nodes = getattr(report, "nodes", {}) or {}
    for nid, res in nodes.items():
        if nid not in design.nodes:
            continue
        badges: list[Badge] = []
        node = design.nodes[nid]
        if node.is_container:
            badges.append(container_badge(res.availability, res.unavailability, res.nines,
                                          slos.get(nid)))
        elif node.role is not Role.SOURCE:
            own = getattr(res, "own_availability", None)
            own_u = getattr(res, "own_unavailability", None)
            if own is not None:
                if own_u is None:
                    own_u = 1.0 - own
                badges.append(own_badge(own, own_u, slos.get(nid), node.replicas))
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
        if not design.links_from(cid):
            out[cid] = [Badge("no links yet", NEUTRAL, "link this client to what it calls to see "
                              "how much of the time it is served")]
            continue
        slo = res.slo.get("availability") if res.slo else None
        level = NEUTRAL if slo is None else (GOOD if res.meets_slo else BAD)
        value = f"{fmt_percent(res.availability, res.unavailability)} · {fmt_nines(res.nines)}"
        tip = "served: " + value + (f"; SLO {fmt_percent(slo)}" if slo is not None else "") \
            + f"; {F.fmt_duration(res.unavailability * MINUTES_PER_YEAR)} not served a year"
        short = f"served {fmt_percent(res.availability, res.unavailability)}"
        out[cid] = [Badge(f"served {value}", level, tip, "served", short)] + \
            [b for b in out.get(cid, []) if b.label == "util"]
    return out
