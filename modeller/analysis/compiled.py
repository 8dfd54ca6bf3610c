"""A design turned into what the semantics need: roles, loads, thresholds, placements.

Every number-producing module (exact availability, scenarios, simulation, latency)
reads this one structure, so they cannot disagree about what "enough replicas" or
"the load at the pool" means (DESIGN section 3).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from ..model import Design, DesignError, Role
from ..model.reliability import (
    bad_change_minutes,
    bad_change_probability,
    bad_changes_per_year,
    first_wave,
    has_change_risk,
)
from ..model.validation import dependency_cycle

EPS = 1e-9
DEFAULT_TARGET_UTILIZATION = 0.8


@dataclass(frozen=True)
class PoolRule:
    """How a router decides its targets are enough.

    mode "count": at least ``k`` targets serve.
    mode "capacity": at least ``k`` targets serve and the sum over serving targets of
    up capacity >= ``load``.
    mode "single": at least ``k`` targets serve and some serving target alone has up
    capacity >= ``load`` (active-passive: the survivor takes all the traffic).
    (v2) ``k`` is a floor (``min_targets`` int, else 1): whenever capacities and load
    are known the capacity must cover the load too.
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
    floor: int = 1  # min_healthy int (a floor), else 1
    failover_p: float = 0.0  # P(in a failover window) — an independent event
    # (4b) P(in a bad-change window), an independent event; the replica groups it takes
    # down (empty: every group, as an all-at-once rollout does)
    change_p: float = 0.0
    change_groups: tuple[int, ...] = ()
    load: float = 0.0  # nominal, all healthy
    direct_load: float = 0.0  # from non-router callers: checked at the node itself
    active_passive: bool = False

    @property
    def change_all(self) -> bool:
        """A bad change takes every replica down (all-at-once, or one wave holds all)."""
        return self.change_p > 0 and (not self.change_groups
                                      or len(self.change_groups) == len(self.groups))

    @property
    def wave_p(self) -> float:
        """P(a bad change has taken down the first wave only) — 0 unless a wave rollout
        leaves some replicas outside the first wave."""
        return 0.0 if self.change_all else self.change_p

    @property
    def window_p(self) -> float:
        """P(in a window that takes the whole node down): a failover window, or a bad
        change that hits every replica (independent events): pf + pc - pf pc."""
        pf = self.failover_p
        pc = self.change_p if self.change_all else 0.0
        return pf + pc - pf * pc

    def wave_replicas(self) -> int:
        """Replicas in the first wave of a wave rollout (0 when none)."""
        if self.wave_p <= 0:
            return 0
        return sum(self.groups[i][1] for i in self.change_groups)

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
    target_utilization: float = 0.8
    minutes_per_year: float = 525_960.0
    profiles: list = field(default_factory=list)  # Profile; 0 = every failure domain up
    _profile_index: dict = field(default_factory=dict, repr=False)
    _flow: object = field(default=None, repr=False)

    @property
    def order(self) -> list[str]:
        return list(self.nodes)

    def profile_index(self, container_up: Mapping[str, np.ndarray], m: int) -> np.ndarray:
        """Which load profile (:class:`Profile`) holds in each of M states, given the
        containers' up states (bool (M,) each; missing: up)."""
        return self._flow.index(container_up, m)  # type: ignore[union-attr]

    def profile_for(self, down: Iterable[str] = ()) -> Profile:
        """The load profile with the named containers down (everything else up)."""
        down = set(down)
        ups = {c: np.array([c not in down]) for c in self.containers}
        return self.profiles[int(self.profile_index(ups, 1)[0])]

    def k_table(self, nid: str) -> np.ndarray:
        """k of ``nid`` in every profile known so far (-1: can never serve)."""
        return np.array([-1 if p.k[nid] is None else p.k[nid] for p in self.profiles],
                        dtype=np.int64)

    def pool_load_table(self, nid: str) -> np.ndarray:
        return np.array([p.pool_load[nid] for p in self.profiles])

    def varies(self, nid: str) -> bool:
        """Does any known profile ask something else of ``nid`` than the nominal one?"""
        p0 = self.profiles[0]
        cn = self.nodes[nid]
        for p in self.profiles[1:]:
            if p.k[nid] != p0.k[nid]:
                return True
            if cn.role is Role.ROUTER and p.pool_load[nid] != p0.pool_load[nid]:
                return True
        return False

    def view(self, profile: Profile) -> Compiled:
        """This design with a profile's thresholds and pool loads in its nodes."""
        if profile is self.profiles[0]:
            return self
        nodes = {}
        for nid, cn in self.nodes.items():
            if cn.role is Role.SOURCE:
                nodes[nid] = cn
                continue
            new = replace(cn, k=profile.k[nid], load=profile.load[nid],
                          direct_load=profile.direct[nid])
            if cn.pool_rule is not None and cn.pool_rule.mode != "count":
                new.pool_rule = replace(cn.pool_rule, load=profile.pool_load[nid])
            nodes[nid] = new
        return replace(self, nodes=nodes)

    def reverse_order(self) -> list[str]:
        return list(reversed(self.nodes))


def _topological(design: Design, ids: list[str]) -> list[str]:
    indeg = {i: 0 for i in ids}
    out: dict[str, list[str]] = {i: [] for i in ids}
    for lk in design.flow_links():  # (4b) a replicates link carries no load, no dependency
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


def compute_loads(design: Design, order: list[str] | None = None, demand_scale: float = 1.0
                  ) -> tuple[dict[str, float], dict[str, float]]:
    """Nominal loads (all healthy): (load, direct load from non-router callers), from
    the one load flow the engine uses (:class:`_Flow`)."""
    compiled = compile_design(design, demand_scale)
    return ({nid: cn.load for nid, cn in compiled.nodes.items()},
            {nid: cn.direct_load for nid, cn in compiled.nodes.items()})


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


def _failover_probability(design: Design, nid: str, pool: list[str],
                          warnings: list[str]) -> float:
    """(v2) P(in a failover window) = renewal rate 1/(MTBF + MTTR) of the active member
    x the window, an independent event. Nothing to fail over to (one replica, or a
    router with one target): no window, and a warning. Never capped silently."""
    n = design.nodes[nid]
    if n.failover != "active-passive" or n.failover_seconds <= 0:
        return 0.0
    mttr_default = design.settings.default_mttr_hours
    if n.role is Role.ROUTER:
        if len(pool) < 2:
            warnings.append(f"{n.name} is active-passive with {len(pool)} target"
                            f"{'' if len(pool) == 1 else 's'}: there is nothing to fail over to, "
                            "so no failover window is counted")
            return 0.0
        member = design.nodes[pool[0]]
    else:
        if n.replicas < 2:
            warnings.append(f"{n.name} is active-passive with one replica: there is no standby "
                            "to fail over to, so no failover window is counted (add a replica)")
            return 0.0
        member = n
    mtbf, mttr = member.mtbf_mttr(mttr_default)
    if not math.isfinite(mtbf):
        return 0.0
    window_h = n.failover_seconds / 3600.0
    cycle = mtbf + mttr
    if cycle <= 0:
        warnings.append(f"{n.name}'s active member fails continuously (MTBF and MTTR are 0): "
                        "it is in a failover window all the time")
        return 1.0
    p = window_h / cycle
    if mttr > 0 and window_h > mttr:
        warnings.append(f"{n.name}'s failover takes {n.failover_seconds:g} s, longer than the "
                        f"{mttr * 60:g} min it takes to repair the failed member: failing over "
                        "is slower than waiting")
    if p >= 1.0:
        warnings.append(f"{n.name}'s failover window ({n.failover_seconds:g} s) is longer than "
                        "its active member's whole failure cycle (MTBF + MTTR): it is in a "
                        "failover window all the time")
        return 1.0
    if p > 0.01:
        warnings.append(f"{n.name} spends {p:.1%} of the time failing over "
                        f"({n.failover_seconds:g} s after each failure, one every "
                        f"{cycle:g} h): shorten the failover or make the member fail less")
    return p


def _bad_change(design: Design, n, cn: CNode, ancestors: dict[str, list[str]],  # type: ignore[no-untyped-def]
                warnings: list[str]) -> None:
    """(4b) A bad change: deploys/month x 12 x CFR x window / 525,960 of the time the
    node is inside one (an independent event). All-at-once takes every replica down; a
    wave rollout only the replicas of the first wave (``model.reliability.first_wave``),
    i.e. the placement groups holding them. Never capped silently."""
    if not has_change_risk(n):
        return
    p = bad_change_probability(n, design.settings.default_mttr_hours)
    if p >= 1.0:
        warnings.append(f"{n.name} is inside a bad-change window all the time "
                        f"({bad_changes_per_year(n):g} bad changes a year, each "
                        f"{bad_change_minutes(n, design.settings.default_mttr_hours):g} min): "
                        "deploy less often, fail fewer changes or roll back faster")
        p = 1.0
    elif p > 0.01:
        warnings.append(f"{n.name} spends {p:.1%} of the time inside bad-change windows: "
                        "deploy less often, fail fewer changes or roll back faster")
    cn.change_p = p
    wave = set(first_wave(design, n))
    if len(wave) >= n.replicas or not n.spread:
        return
    place_of = [frozenset([z, *ancestors[z]])
                for z in (n.spread[i % len(n.spread)] for i in range(n.replicas))]
    index = {g: i for i, (g, _) in enumerate(cn.groups)}
    cn.change_groups = tuple(sorted({index[place_of[i]] for i in wave}))


def _target_utilization(design: Design, warnings: list[str]) -> float:
    raw = design.settings.extra.get("target_utilization", DEFAULT_TARGET_UTILIZATION)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw) \
            or not 0.0 < raw <= 1.0:
        warnings.append(f"settings.target_utilization {raw!r} is not a fraction in (0, 1]; "
                        f"{DEFAULT_TARGET_UTILIZATION:g} is used")
        return DEFAULT_TARGET_UTILIZATION
    return float(raw)


def compile_design(design: Design, demand_scale: float = 1.0) -> Compiled:
    """Derive the engine's view of a design (raises DesignError on a cycle)."""
    warnings: list[str] = []
    containers: dict[str, CContainer] = {}
    for c in design.containers():
        containers[c.id] = CContainer(c.id, c.replica_availability, c.replica_unavailability,
                                      tuple(design.ancestors(c.id)))
    comp_ids = [n.id for n in design.components()]
    order = _topological(design, comp_ids)
    links_from: dict[str, list] = {nid: [] for nid in order}
    for lk in design.flow_links():  # parts only (a note is never analysed), no replication
        if lk.source in links_from and lk.target in links_from:
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
            capacity=n.capacity_rps, active_passive=n.failover == "active-passive",
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
        if isinstance(n.min_healthy, int):
            if n.min_healthy > n.replicas:  # the loader refuses it too; never a silent 0
                raise DesignError(f"min_healthy {n.min_healthy} is more than its {n.replicas} replicas",
                                  place=f'node "{nid}"', fix="lower min_healthy or add replicas")
            cn.floor = max(1, n.min_healthy)
        if role is Role.ROUTER:
            cn.pool = [lk.target for lk in outs]
        else:
            cn.deps = [lk.target for lk in outs if not lk.optional]
        nodes[nid] = cn
    links = {nid: [(lk.target, lk.calls) for lk in outs] for nid, outs in links_from.items()}
    clients = [c for c in order if nodes[c].role is Role.SOURCE]
    compiled = Compiled(nodes, containers, clients, warnings, links,
                        target_utilization=_target_utilization(design, warnings))
    compiled._flow = _Flow(design, compiled, demand_scale)
    nominal = compiled._flow.nominal()
    for nid, cn in nodes.items():
        cn.load, cn.direct_load = nominal.load[nid], nominal.direct[nid]
        if cn.role is Role.SOURCE:
            continue
        n = design.nodes[nid]
        cn.k = nominal.k[nid]
        if cn.k is None:
            warnings.append(
                f"{n.name} is overloaded at nominal load: {cn.direct_load:g} rps against "
                f"{(n.capacity_rps or 0.0) * cn.active:g} rps of capacity; whatever needs it is down")
        if cn.role is Role.ROUTER:
            cn.pool_rule = _pool_rule(design, n, cn, warnings)
        cn.failover_p = _failover_probability(design, nid, cn.pool, warnings)
        _bad_change(design, n, cn, ancestors, warnings)
    compiled.profiles = [nominal]
    compiled._profile_index = {nominal.key: 0}
    return compiled


def _pool_rule(design: Design, n, cn: CNode, warnings: list[str]) -> PoolRule:  # type: ignore[no-untyped-def]
    k = 1
    if isinstance(n.min_targets, int):
        k = n.min_targets
        if n.min_targets > len(cn.pool):
            warnings.append(f"{n.name} needs {n.min_targets} targets but has {len(cn.pool)}; it never serves")
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
        return PoolRule(mode, k=k, load=cn.load)
    return PoolRule("count", k=k)


@dataclass
class Profile:
    """What the capacity rules ask in one set of failure-domain states (v2).

    Loads move at the routers: a router splits its load over the targets that are
    *alive* (placements up in this state, enough of them, and — for a target that is
    itself a router — alive targets of its own), so losing a zone or a region sends
    its traffic to what survives, and each router's pool must carry what reaches it
    (a DNS that loses a region sends everything to the other region's load balancer,
    whose pool must carry all of it). What the targets forward further down is counted
    at its nominal (all-up) value, so ``k[node]`` — the up replicas the node needs,
    max of its floor and ceil(direct load / capacity), None when even all its active
    replicas cannot carry it — is the nominal one; ``pool_load[router]`` is the load
    its pool must cover in this state.
    """

    k: dict[str, int | None]
    pool_load: dict[str, float]
    load: dict[str, float]
    direct: dict[str, float]
    key: tuple = ()


class _Flow:
    """Vectorised load flow over M failure-domain states (containers up or down)."""

    def __init__(self, design: Design, compiled: Compiled, demand_scale: float) -> None:
        self.c = compiled
        self.demand = {cid: (design.nodes[cid].demand_rps or 0.0) * demand_scale
                       for cid in compiled.nodes if compiled.nodes[cid].role is Role.SOURCE}
        self.min_targets = {nid: (design.nodes[nid].min_targets
                                  if isinstance(design.nodes[nid].min_targets, int) else 1)
                            for nid, cn in compiled.nodes.items() if cn.role is Role.ROUTER}
        self.ap_router = {nid for nid, cn in compiled.nodes.items()
                          if cn.role is Role.ROUTER and cn.active_passive}
        # a state only matters when it changes where some router sends its load
        self.moves = any(len(cn.pool) > 1 for cn in compiled.nodes.values()
                         if cn.role is Role.ROUTER) and bool(compiled.containers)

    def _placed_up(self, container_up: Mapping[str, np.ndarray], m: int) -> dict[str, np.ndarray]:
        cache: dict[frozenset[str], np.ndarray] = {}
        out: dict[str, np.ndarray] = {}
        for nid, cn in self.c.nodes.items():
            total = np.zeros(m, dtype=np.int64)
            for group, count in cn.groups:
                if group not in cache:
                    up = np.ones(m, dtype=bool)
                    for x in group:
                        cu = container_up.get(x)
                        if cu is not None:
                            up &= cu
                    cache[group] = up
                total += count * cache[group]
            out[nid] = total
        return out

    def loads(self, container_up: Mapping[str, np.ndarray], m: int
              ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
        """(load, direct load, placed-up replicas) per node over M states."""
        c = self.c
        placed = self._placed_up(container_up, m)
        alive: dict[str, np.ndarray] = {}
        for nid in c.reverse_order():
            cn = c.nodes[nid]
            if cn.role is Role.SOURCE:
                continue
            ok = placed[nid] >= cn.floor
            if cn.role is Role.ROUTER:
                count = np.zeros(m, dtype=np.int64)
                for t in cn.pool:
                    count += alive[t]
                ok &= count >= max(1, self.min_targets[nid])
            else:
                for d in cn.deps:
                    ok &= alive[d]
            alive[nid] = ok
        load = {nid: np.zeros(m) for nid in c.nodes}
        direct = {nid: np.zeros(m) for nid in c.nodes}
        for nid, cn in c.nodes.items():
            if cn.role is Role.SOURCE:
                load[nid] += self.demand[nid]
            here = load[nid]
            if cn.role is Role.ROUTER:
                if not cn.pool:
                    continue
                if nid in self.ap_router:
                    taken = np.zeros(m, dtype=bool)
                    for t in cn.pool:
                        first = alive[t] & ~taken
                        load[t] += np.where(first, here, 0.0)
                        taken |= alive[t]
                    continue
                caps = [c.nodes[t].capacity for t in cn.pool]
                if all(x is not None for x in caps):
                    weights = [np.where(alive[t], c.nodes[t].capacity *  # type: ignore[operator]
                                        np.minimum(placed[t], c.nodes[t].active), 0.0)
                               for t in cn.pool]
                else:
                    weights = [alive[t].astype(float) for t in cn.pool]
                total = np.sum(weights, axis=0)
                safe = np.where(total > 0, total, 1.0)
                for t, wt in zip(cn.pool, weights):
                    load[t] += np.where(total > 0, here * wt / safe, 0.0)
            else:
                for target, calls in c.links.get(nid, []):
                    load[target] += here * calls
                    direct[target] += here * calls
        return load, direct, placed

    def thresholds(self, direct: dict[str, np.ndarray], m: int) -> dict[str, np.ndarray]:
        """k per node over M states; -1 = can never serve (overloaded even when all up)."""
        out: dict[str, np.ndarray] = {}
        for nid, cn in self.c.nodes.items():
            if cn.role is Role.SOURCE:
                continue
            k = np.full(m, cn.floor, dtype=np.int64)
            if cn.capacity is not None:
                d = direct[nid]
                with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                    ratio = d / cn.capacity
                finite = np.isfinite(ratio)
                need = np.where(finite, np.ceil(np.where(finite, ratio, 0.0) - EPS), cn.active + 1)
                need = np.maximum(need, 1).astype(np.float64)
                need = np.where(d > EPS, need, 1.0)
                k = np.maximum(k, np.minimum(need, cn.active + 1).astype(np.int64))
                k = np.where(k > cn.active, -1, k)
            out[nid] = k
        return out

    def _make(self, i: int, load, direct, k) -> Profile:  # type: ignore[no-untyped-def]
        ks = {nid: (None if int(v[i]) < 0 else int(v[i])) for nid, v in k.items()}
        pool_load = {nid: float(load[nid][i]) for nid, cn in self.c.nodes.items()
                     if cn.role is Role.ROUTER}
        prof = Profile(ks, pool_load, {nid: float(v[i]) for nid, v in load.items()},
                       {nid: float(v[i]) for nid, v in direct.items()})
        prof.key = _profile_key(prof)
        return prof

    def nominal(self) -> Profile:
        """The all-up profile: :meth:`loads` and :meth:`thresholds` for the one state with
        every container up, in plain floats (one-element arrays cost 20 ms of a 300-node
        design's compile). The same operations in the same order, so the same bits
        (tests/analysis/test_live_pass_work.py checks it against the vectorised flow)."""
        c = self.c
        placed = {nid: sum(count for _group, count in cn.groups) for nid, cn in c.nodes.items()}
        alive: dict[str, bool] = {}
        for nid in c.reverse_order():
            cn = c.nodes[nid]
            if cn.role is Role.SOURCE:
                continue
            ok = placed[nid] >= cn.floor
            if cn.role is Role.ROUTER:
                ok = ok and sum(alive[t] for t in cn.pool) >= max(1, self.min_targets[nid])
            else:
                ok = ok and all(alive[d] for d in cn.deps)
            alive[nid] = ok
        load = dict.fromkeys(c.nodes, 0.0)
        direct = dict.fromkeys(c.nodes, 0.0)
        for nid, cn in c.nodes.items():
            if cn.role is Role.SOURCE:
                load[nid] += self.demand[nid]
            here = load[nid]
            if cn.role is Role.ROUTER:
                if not cn.pool:
                    continue
                if nid in self.ap_router:
                    first = next((t for t in cn.pool if alive[t]), None)
                    if first is not None:
                        load[first] += here
                    continue
                caps = [c.nodes[t].capacity for t in cn.pool]
                if all(x is not None for x in caps):
                    weights = [c.nodes[t].capacity * min(placed[t], c.nodes[t].active)  # type: ignore[operator]
                               if alive[t] else 0.0 for t in cn.pool]
                else:
                    weights = [1.0 if alive[t] else 0.0 for t in cn.pool]
                # numpy's own reduction (pairwise beyond 8 targets), as the flow does it
                total = float(np.sum([[w] for w in weights], axis=0)[0])
                for t, wt in zip(cn.pool, weights):
                    load[t] += here * wt / total if total > 0 else 0.0
            else:
                for target, calls in c.links.get(nid, []):
                    load[target] += here * calls
                    direct[target] += here * calls
        ks: dict[str, int | None] = {}
        for nid, cn in c.nodes.items():
            if cn.role is Role.SOURCE:
                continue
            k = cn.floor
            if cn.capacity is not None:
                d = direct[nid]
                ratio = d / cn.capacity if cn.capacity else (math.inf if d > 0 else math.nan)
                need = float(math.ceil(ratio - EPS)) if math.isfinite(ratio) else cn.active + 1
                need = max(need, 1)
                if not d > EPS:
                    need = 1.0
                k = max(k, int(min(need, cn.active + 1)))
                if k > cn.active:
                    k = -1
            ks[nid] = None if k < 0 else k
        pool_load = {nid: load[nid] for nid, cn in c.nodes.items() if cn.role is Role.ROUTER}
        prof = Profile(ks, pool_load, load, direct)
        prof.key = _profile_key(prof)
        return prof

    def nominal_by_arrays(self) -> Profile:
        """:meth:`nominal` through the vectorised flow (the oracle it is checked against)."""
        load, direct, _ = self.loads({}, 1)
        return self._make(0, load, direct, self.thresholds(direct, 1))

    def index(self, container_up: Mapping[str, np.ndarray], m: int) -> np.ndarray:
        """Profile index of each of M states, registering new profiles. States with every
        container up hold the nominal profile (index 0): only the others run the flow."""
        if not self.moves:
            return np.zeros(m, dtype=np.int64)
        down = np.zeros(m, dtype=bool)
        for cu in container_up.values():
            down |= ~np.asarray(cu, dtype=bool)
        if not down.any():
            return np.zeros(m, dtype=np.int64)
        if not down.all():
            sel = np.flatnonzero(down)
            out = np.zeros(m, dtype=np.int64)
            out[sel] = self.index({x: np.asarray(cu, dtype=bool)[sel]
                                   for x, cu in container_up.items()}, len(sel))
            return out
        load, _, _ = self.loads(container_up, m)
        # loads move at the routers: a router's pool must carry what it receives in this
        # state; what its targets forward further down is counted at its nominal value,
        # so thresholds stay the nominal ones (and few states differ: only where some
        # router receives another load)
        nominal = self.c.profiles[0]
        direct = {nid: np.full(m, v) for nid, v in nominal.direct.items()}
        k = {nid: np.full(m, -1 if v is None else v, dtype=np.int64) for nid, v in nominal.k.items()}
        load = {nid: (load[nid] if cn.role is Role.ROUTER else np.full(m, nominal.load[nid]))
                for nid, cn in self.c.nodes.items()}
        routers = [nid for nid, cn in self.c.nodes.items() if cn.role is Role.ROUTER]
        cols = [np.round(load[r], 9) for r in routers]
        if not cols:
            return np.zeros(m, dtype=np.int64)
        mat = np.stack([np.asarray(x, dtype=np.float64) for x in cols], axis=1)
        uniq, first, inverse = np.unique(mat, axis=0, return_index=True, return_inverse=True)
        out = np.empty(len(uniq), dtype=np.int64)
        for u, i in enumerate(first):
            prof = self._make(int(i), load, direct, k)
            idx = self.c._profile_index.get(prof.key)
            if idx is None:
                idx = len(self.c.profiles)
                self.c.profiles.append(prof)
                self.c._profile_index[prof.key] = idx
            out[u] = idx
        return out[np.asarray(inverse).reshape(-1)]


def _profile_key(p: Profile) -> tuple:
    return (tuple(-1 if v is None else v for v in p.k.values()),
            tuple(round(v, 9) for v in p.pool_load.values()))
