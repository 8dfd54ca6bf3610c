"""A design turned into what the semantics need: roles, loads, thresholds, placements.

Every number-producing module (exact availability, scenarios, simulation, latency)
reads this one structure, so they cannot disagree about what "enough replicas" or
"the load at the pool" means (DESIGN section 3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..model import Design, DesignError, Role
from ..model.validation import dependency_cycle

EPS = 1e-9


@dataclass(frozen=True)
class PoolRule:
    """How a router decides its targets are enough.

    mode "count": at least ``k`` targets serve.
    mode "capacity": sum over serving targets of up capacity >= ``load``.
    mode "single": some serving target alone has up capacity >= ``load``
    (active-passive: the survivor takes all the traffic).
    """

    mode: str
    k: int = 1
    load: float = 0.0


@dataclass
class CNode:
    """One component (client, worker or router) as the engine sees it."""

    id: str
    role: Role
    replicas: int
    availability: float  # per replica
    unavailability: float  # per replica, computed without cancellation
    active: int  # replicas that carry load (1 when active-passive)
    capacity: float | None  # per replica rps, None = unlimited
    # placement groups: (containers around the placement, replicas placed there)
    groups: list[tuple[frozenset[str], int]] = field(default_factory=list)
    k: int | None = 1  # raw up replicas needed; None = can never serve (overloaded)
    deps: list[str] = field(default_factory=list)  # required targets (workers, clients)
    pool: list[str] = field(default_factory=list)  # router targets, in link order
    pool_rule: PoolRule | None = None
    failover_p: float = 0.0  # P(in a failover window) — an independent event
    load: float = 0.0  # nominal, all healthy
    direct_load: float = 0.0  # from non-router callers: checked at the node itself
    active_passive: bool = False

    @property
    def total_capacity(self) -> float | None:
        return None if self.capacity is None else self.capacity * self.active

    def contribution_levels(self) -> list[int]:
        """Up-replica counts at which this node's pool contribution steps up."""
        if self.k is None:
            return []
        if self.active_passive or self.capacity is None:
            return [self.k]
        return list(range(self.k, self.replicas + 1))

    def contribution(self, up: int) -> float:
        """Capacity this node adds to a pool with ``up`` replicas up (and serving)."""
        if self.capacity is None:
            return math.inf
        return self.capacity * (min(up, 1) if self.active_passive else up)


@dataclass
class CContainer:
    id: str
    availability: float
    unavailability: float
    ancestors: tuple[str, ...]  # enclosing containers, innermost first


@dataclass
class Compiled:
    nodes: dict[str, CNode]  # components in topological order (callers before callees)
    containers: dict[str, CContainer]
    clients: list[str]
    warnings: list[str]
    links: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # every outgoing link
    minutes_per_year: float = 525_960.0

    @property
    def order(self) -> list[str]:
        return list(self.nodes)

    def reverse_order(self) -> list[str]:
        return list(reversed(self.nodes))


def _topological(design: Design, ids: list[str]) -> list[str]:
    indeg = {i: 0 for i in ids}
    out: dict[str, list[str]] = {i: [] for i in ids}
    for lk in design.links:
        if lk.source in indeg and lk.target in indeg:
            out[lk.source].append(lk.target)
            indeg[lk.target] += 1
    ready = [i for i in ids if indeg[i] == 0]
    order: list[str] = []
    while ready:
        cur = ready.pop(0)
        order.append(cur)
        for nxt in out[cur]:
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                ready.append(nxt)
    if len(order) != len(ids):
        cycle = dependency_cycle(design) or []
        raise DesignError("dependency cycle " + " → ".join(cycle), place="links",
                          fix="remove one of these links: a request cannot loop back")
    return order


def compute_loads(design: Design, order: list[str], demand_scale: float = 1.0
                  ) -> tuple[dict[str, float], dict[str, float]]:
    """Nominal loads (all healthy): (load, direct load from non-router callers)."""
    load = {i: 0.0 for i in order}
    direct = {i: 0.0 for i in order}
    links_from: dict[str, list] = {i: [] for i in order}
    for lk in design.links:
        if lk.source in links_from:
            links_from[lk.source].append(lk)
    for nid in order:
        n = design.nodes[nid]
        if n.role is Role.SOURCE:
            load[nid] = (n.demand_rps or 0.0) * demand_scale
        out = links_from[nid]
        if not out:
            continue
        if n.role is Role.ROUTER:
            shares = router_shares(design, nid, [lk.target for lk in out], None)
            for lk in out:
                load[lk.target] += load[nid] * shares[lk.target]
        else:
            for lk in out:
                load[lk.target] += load[nid] * lk.calls
                direct[lk.target] += load[nid] * lk.calls
    return load, direct


def router_shares(design: Design, router: str, targets: list[str],
                  capacity_of: dict[str, float] | None) -> dict[str, float]:
    """How a router splits its load: by capacity, equally when unknown, all to the
    first when active-passive. ``capacity_of`` overrides total capacity (survivors)."""
    if not targets:
        return {}
    n = design.nodes[router]
    if n.failover == "active-passive":
        return {t: (1.0 if i == 0 else 0.0) for i, t in enumerate(targets)}
    caps = []
    for t in targets:
        if capacity_of is not None:
            caps.append(capacity_of.get(t))
        else:
            tn = design.nodes[t]
            caps.append(None if tn.capacity_rps is None else tn.capacity_rps * tn.active_replicas)
    if all(c is not None for c in caps) and sum(caps) > 0:  # type: ignore[arg-type]
        total = float(sum(caps))  # type: ignore[arg-type]
        return {t: c / total for t, c in zip(targets, caps)}  # type: ignore[operator]
    return {t: 1.0 / len(targets) for t in targets}


def _failover_probability(design: Design, nid: str, pool: list[str]) -> float:
    n = design.nodes[nid]
    if n.failover != "active-passive" or n.failover_seconds <= 0:
        return 0.0
    mttr_default = design.settings.default_mttr_hours
    if n.role is Role.ROUTER:
        if not pool:
            return 0.0
        member = design.nodes[pool[0]]
    else:
        member = n
    mtbf, _ = member.mtbf_mttr(mttr_default)
    if not math.isfinite(mtbf) or mtbf <= 0:
        return 0.0 if not math.isfinite(mtbf) else 1.0
    return min(1.0, (n.failover_seconds / 3600.0) / mtbf)


def compile_design(design: Design, demand_scale: float = 1.0) -> Compiled:
    """Derive the engine's view of a design (raises DesignError on a cycle)."""
    warnings: list[str] = []
    containers: dict[str, CContainer] = {}
    for c in design.containers():
        containers[c.id] = CContainer(c.id, c.replica_availability, c.replica_unavailability,
                                      tuple(design.ancestors(c.id)))
    comp_ids = [n.id for n in design.components()]
    order = _topological(design, comp_ids)
    load, direct = compute_loads(design, order, demand_scale)
    links_from: dict[str, list] = {nid: [] for nid in order}
    for lk in design.links:
        if lk.source in links_from:
            links_from[lk.source].append(lk)
    ancestors = {nid: design.ancestors(nid) for nid in design.nodes}
    nodes: dict[str, CNode] = {}
    for nid in order:
        n = design.nodes[nid]
        role = n.role
        outs = links_from[nid]
        cn = CNode(
            id=nid, role=role, replicas=n.replicas, availability=n.replica_availability,
            unavailability=n.replica_unavailability, active=n.active_replicas,
            capacity=n.capacity_rps, load=load[nid], direct_load=direct[nid],
            active_passive=n.failover == "active-passive",
        )
        if role is Role.SOURCE:
            cn.replicas, cn.availability, cn.unavailability, cn.active = 1, 1.0, 0.0, 1
            cn.groups = [(frozenset(), 1)]
            cn.deps = [lk.target for lk in outs if not lk.optional]
            cn.k = 1
            nodes[nid] = cn
            continue
        # replica i sits in spread[i mod len] (and what holds it) instead of the parent
        if n.spread:
            counts: dict[frozenset[str], int] = {}
            for i in range(n.replicas):
                z = n.spread[i % len(n.spread)]
                place = frozenset([z, *ancestors[z]])
                counts[place] = counts.get(place, 0) + 1
            cn.groups = list(counts.items())
        else:
            cn.groups = [(frozenset(ancestors[nid]), n.replicas)]
        # how many raw replicas must be up
        if isinstance(n.min_healthy, int):
            if n.min_healthy > n.replicas:  # the loader refuses it too; never a silent 0
                raise DesignError(f"min_healthy {n.min_healthy} is more than its {n.replicas} replicas",
                                  place=f'node "{nid}"', fix="lower min_healthy or add replicas")
            cn.k = n.min_healthy
        elif n.capacity_rps is not None and cn.direct_load > EPS:
            ratio = cn.direct_load / n.capacity_rps
            need = max(1, math.ceil(ratio - EPS)) if math.isfinite(ratio) else cn.active + 1
            if need > cn.active:
                cn.k = None
                warnings.append(
                    f"{n.name} is overloaded at nominal load: {cn.direct_load:g} rps against "
                    f"{n.capacity_rps * cn.active:g} rps of capacity; whatever needs it is down")
            else:
                cn.k = need
        else:
            cn.k = 1
        if role is Role.ROUTER:
            cn.pool = [lk.target for lk in outs]
            cn.pool_rule = _pool_rule(design, n, cn, warnings)
        else:
            cn.deps = [lk.target for lk in outs if not lk.optional]
        cn.failover_p = _failover_probability(design, nid, cn.pool)
        nodes[nid] = cn
    links = {nid: [(lk.target, lk.calls) for lk in outs] for nid, outs in links_from.items()}
    clients = [c for c in order if nodes[c].role is Role.SOURCE]
    return Compiled(nodes, containers, clients, warnings, links)


def _pool_rule(design: Design, n, cn: CNode, warnings: list[str]) -> PoolRule:  # type: ignore[no-untyped-def]
    if isinstance(n.min_targets, int):
        if n.min_targets > len(cn.pool):
            warnings.append(f"{n.name} needs {n.min_targets} targets but has {len(cn.pool)}; it never serves")
        return PoolRule("count", k=n.min_targets)
    caps = [design.nodes[t].capacity_rps for t in cn.pool]
    if cn.load > EPS and any(c is not None for c in caps):
        mode = "single" if cn.active_passive else "capacity"
        total = 0.0
        for t in cn.pool:
            tn = design.nodes[t]
            if tn.capacity_rps is None:
                total = math.inf
                break
            total = max(total, tn.capacity_rps * tn.active_replicas) if mode == "single" \
                else total + tn.capacity_rps * tn.active_replicas
        if total < cn.load - EPS:
            warnings.append(
                f"{n.name}'s targets are overloaded at nominal load: {cn.load:g} rps against "
                f"{total:g} rps of capacity; whatever needs it is down")
        return PoolRule(mode, load=cn.load)
    return PoolRule("count", k=1)
