"""A brute-force availability oracle: enumerate every component state (DESIGN section 3).

However the exact engine gets its numbers, this module does it the dumb way on
purpose. It lists every up/down combination of every replica, container and
failover event, evaluates who serves in that one world, and adds up the probabilities.
It is slow and exponential on purpose, so that it is easy to believe and independent
of the engine's algorithm. It only shares ``compile_design`` with the engine (the
thresholds, placements, pool rules and the load profile of each set of lost
containers), which is the contract both sides implement.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from modeller.analysis.compiled import Compiled, compile_design
from modeller.model import MINUTES_PER_YEAR, Design, Role

MAX_COMPONENTS = 16
CAPACITY_EPS = 1e-9


@dataclass(frozen=True)
class Component:
    """One independent two-state component; ``good`` is the up / not-in-window state."""

    label: str
    p_good: float
    p_bad: float


@dataclass
class _Model:
    """Component indices the world evaluation needs, built once per design."""

    compiled: Compiled
    components: list[Component]
    container_index: dict[str, int]
    # node id -> list of (replica component index, containers around it)
    replicas: dict[str, list[tuple[int, frozenset[str]]]]
    failover_index: dict[str, int]
    # (4b) node id -> (component index of its bad-change event, replica indices it takes down)
    change_index: dict[str, tuple[int, frozenset[int]]]


def _build(design: Design) -> _Model:
    compiled = compile_design(design)
    components: list[Component] = []
    container_index: dict[str, int] = {}
    for cid in compiled.containers:
        c = design.nodes[cid]
        container_index[cid] = len(components)
        components.append(Component(f"container {cid}", c.replica_availability,
                                    c.replica_unavailability))
    replicas: dict[str, list[tuple[int, frozenset[str]]]] = {}
    failover_index: dict[str, int] = {}
    change_index: dict[str, tuple[int, frozenset[int]]] = {}
    for nid, cn in compiled.nodes.items():
        if cn.role is Role.SOURCE:
            continue
        n = design.nodes[nid]
        reps: list[tuple[int, frozenset[str]]] = []
        i = 0
        for place, count in cn.groups:
            for _ in range(count):
                reps.append((len(components), place))
                components.append(Component(f"{nid} replica {i}", n.replica_availability,
                                            n.replica_unavailability))
                i += 1
        assert i == n.replicas, f"{nid}: groups place {i} replicas, node has {n.replicas}"
        replicas[nid] = reps
        if cn.failover_p > 0:
            failover_index[nid] = len(components)
            components.append(Component(f"{nid} failover window", 1.0 - cn.failover_p,
                                        cn.failover_p))
        if cn.change_p > 0:  # (4b) a bad change: every replica, or the first wave's groups
            hit: set[int] = set()
            start = 0
            for gi, (_place, count) in enumerate(cn.groups):
                if cn.change_all or gi in cn.change_groups:
                    hit.update(range(start, start + count))
                start += count
            change_index[nid] = (len(components), frozenset(hit))
            components.append(Component(f"{nid} bad change", 1.0 - cn.change_p, cn.change_p))
    if len(components) > MAX_COMPONENTS:
        raise ValueError(f"the oracle enumerates 2^n worlds; {len(components)} components "
                         f"is more than {MAX_COMPONENTS}")
    return _Model(compiled, components, container_index, replicas, failover_index, change_index)


def count_components(design: Design) -> int:
    """Binary components the oracle would enumerate (replicas, containers, failover events)."""
    compiled = compile_design(design)
    n = len(compiled.containers)
    for cn in compiled.nodes.values():
        if cn.role is not Role.SOURCE:
            n += cn.replicas + (1 if cn.failover_p > 0 else 0) + (1 if cn.change_p > 0 else 0)
    return n


def _world(model: _Model, state: Sequence[bool]) -> tuple[dict[str, bool], dict[str, int]]:
    """Who serves in one world (state[i] True = component i good)."""
    container_up = {cid: state[i] for cid, i in model.container_index.items()}
    # (v2) loads move with the failure domains: this world's thresholds and pool loads
    compiled = model.compiled.view(
        model.compiled.profile_for([c for c, up in container_up.items() if not up]))
    nodes = compiled.nodes
    serve: dict[str, bool] = {}
    raw_up: dict[str, int] = {}
    for nid in compiled.reverse_order():
        cn = nodes[nid]
        if cn.role is Role.SOURCE:
            serve[nid] = all(serve[d] for d in cn.deps)
            continue
        up = 0
        change = model.change_index.get(nid)
        for r, (idx, place) in enumerate(model.replicas[nid]):
            if change is not None and not state[change[0]] and r in change[1]:
                continue  # inside a bad-change window that took this replica down
            if state[idx] and all(container_up[c] for c in place):
                up += 1
        raw_up[nid] = up
        if cn.k is None:
            serve[nid] = False
            continue
        fo = model.failover_index.get(nid)
        own_ok = up >= cn.k and (fo is None or state[fo])
        if cn.role is Role.WORKER:
            serve[nid] = own_ok and all(serve[d] for d in cn.deps)
        elif cn.role is Role.ROUTER:
            rule = cn.pool_rule
            assert rule is not None, f"router {nid} has no pool rule"
            serving = [t for t in cn.pool if serve[t]]
            pool_ok = len(serving) >= rule.k  # (v2) a floor in every mode
            if rule.mode == "count":
                pass
            elif rule.mode == "capacity":
                total = 0.0
                for t in serving:
                    total += nodes[t].contribution(raw_up[t])
                pool_ok = pool_ok and total >= rule.load - CAPACITY_EPS
            elif rule.mode == "single":
                pool_ok = pool_ok and any(
                    nodes[t].contribution(raw_up[t]) >= rule.load - CAPACITY_EPS for t in serving)
            else:
                raise AssertionError(f"unknown pool mode {rule.mode!r}")
            serve[nid] = own_ok and pool_ok
        else:
            raise AssertionError(f"unexpected role {cn.role} for {nid}")
    return serve, raw_up


def _system(model: _Model, serve: Mapping[str, bool]) -> bool:
    return all(serve[c] for c in model.compiled.clients)


def _subjects(model: _Model) -> dict[str, tuple[list[int], list[int]]]:
    """For every component node and container: (indices that must be good for "X up",
    indices that must be bad for "X down")."""
    out: dict[str, tuple[list[int], list[int]]] = {}
    for nid, reps in model.replicas.items():
        idx = [i for i, _ in reps]
        up = idx + ([model.failover_index[nid]] if nid in model.failover_index else []) \
            + ([model.change_index[nid][0]] if nid in model.change_index else [])
        out[nid] = (up, idx)
    for cid, i in model.container_index.items():
        out[cid] = ([i], [i])
    return out


def _enumerate(model: _Model, fixed: Mapping[int, bool] | None = None
               ) -> tuple[float, float, float]:
    """(P(sys), P(not sys), total mass) over all worlds, with ``fixed`` components held
    at a value (their probability is then left out: this is P(. | fixed))."""
    fixed = fixed or {}
    choices = [((fixed[i],) if i in fixed else (True, False)) for i in range(len(model.components))]
    sys_terms: list[float] = []
    fail_terms: list[float] = []
    for state in itertools.product(*choices):
        p = 1.0
        for i, good in enumerate(state):
            if i in fixed:
                continue
            c = model.components[i]
            p *= c.p_good if good else c.p_bad
        if p == 0.0:
            continue
        serve, _ = _world(model, state)
        (sys_terms if _system(model, serve) else fail_terms).append(p)
    p_sys, p_fail = math.fsum(sys_terms), math.fsum(fail_terms)
    return p_sys, p_fail, math.fsum(sys_terms + fail_terms)


def oracle(design: Design, *, condition_by_fixing: bool = False) -> dict[str, Any]:
    """Every exact number the engine promises, by enumerating all 2^n worlds.

    Returns ``{"system": {availability, unavailability}, "clients": {id: {...}},
    "nodes": {id: {availability, availability_given_up, availability_given_down,
    birnbaum, downtime_contribution_minutes}}, "components": n}``. Containers are in
    ``nodes`` (availability = P(container up)). Conditionals come from the same single
    enumeration (joint mass / marginal mass); with ``condition_by_fixing`` (or when the
    condition has probability zero) they are instead re-enumerated with X held fixed.
    """
    model = _build(design)
    compiled = model.compiled
    n = len(model.components)
    subjects = _subjects(model)
    comp_ids = [nid for nid, cn in compiled.nodes.items() if cn.role is not Role.SOURCE]

    # terms are collected and added with math.fsum: 2^n additions in a row would
    # otherwise cost up to n * 2^n ulps, close to the tolerances the tests use
    sys_terms: list[float] = []
    fail_terms: list[float] = []
    client_ok: dict[str, list[float]] = {c: [] for c in compiled.clients}
    client_fail: dict[str, list[float]] = {c: [] for c in compiled.clients}
    node_ok: dict[str, list[float]] = {nid: [] for nid in comp_ids}
    # per subject: [mass up, sys & up, mass down, sys & down]
    acc: dict[str, tuple[list[float], ...]] = {x: ([], [], [], []) for x in subjects}

    for state in itertools.product((True, False), repeat=n):
        p = 1.0
        for i, good in enumerate(state):
            c = model.components[i]
            p *= c.p_good if good else c.p_bad
        serve, _ = _world(model, state)
        ok = _system(model, serve)
        (sys_terms if ok else fail_terms).append(p)
        for c in compiled.clients:
            (client_ok[c] if serve[c] else client_fail[c]).append(p)
        for nid in comp_ids:
            if serve[nid]:
                node_ok[nid].append(p)
        for x, (up_idx, down_idx) in subjects.items():
            a = acc[x]
            if all(state[i] for i in up_idx):
                a[0].append(p)
                if ok:
                    a[1].append(p)
            if not any(state[i] for i in down_idx):
                a[2].append(p)
                if ok:
                    a[3].append(p)

    p_sys, p_fail = math.fsum(sys_terms), math.fsum(fail_terms)
    sums = {x: [math.fsum(t) for t in a] for x, a in acc.items()}
    if not compiled.clients:  # nobody to serve: the system is trivially up
        p_sys, p_fail = 1.0, 0.0

    def given(x: str, up: bool) -> float:
        if not compiled.clients:
            return 1.0
        up_idx, down_idx = subjects[x]
        mass, joint = (sums[x][0], sums[x][1]) if up else (sums[x][2], sums[x][3])
        if condition_by_fixing or mass == 0.0:
            fixed = {i: up for i in (up_idx if up else down_idx)}
            s, _, m = _enumerate(model, fixed)
            return s / m if m > 0 else s
        return joint / mass

    nodes_out: dict[str, dict[str, float]] = {}
    for x in subjects:
        if x in compiled.containers:
            avail = design.nodes[x].replica_availability
        else:
            avail = math.fsum(node_ok[x])
        g_up, g_down = given(x, True), given(x, False)
        nodes_out[x] = {
            "availability": avail,
            "availability_given_up": g_up,
            "availability_given_down": g_down,
            "birnbaum": g_up - g_down,
            "downtime_contribution_minutes": (g_up - p_sys) * MINUTES_PER_YEAR,
        }
    return {
        "system": {"availability": p_sys, "unavailability": p_fail},
        "clients": {c: {"availability": math.fsum(client_ok[c]),
                        "unavailability": math.fsum(client_fail[c])}
                    for c in compiled.clients},
        "nodes": nodes_out,
        "components": n,
        "warnings": list(compiled.warnings),
    }

