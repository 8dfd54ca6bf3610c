"""The structure function: which components serve, given which parts are up.

DESIGN section 3 as vectorised numpy over M *states* (rows: time intervals of a
simulation, scenarios, sampled states). The exact engine answers "with what
probability"; this module answers "in this state, yes or no" — the same rules in
one place so the simulation and the "X down" scenarios cannot drift from them.

The per-node pieces (:func:`own_ok`, :func:`deps_ok`, :func:`pool_ok`,
:func:`node_serves`) take only the arrays they need, so a caller may evaluate a
node on its own local set of states (the simulation evaluates each node on the
change points of its own inputs only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from ..model import Role
from .compiled import EPS, CNode, Compiled


@dataclass
class Evaluation:
    """``serves[node]``: bool (M,) for every component; ``system``: all clients served."""

    serves: dict[str, np.ndarray]
    system: np.ndarray

    def clients(self, compiled: Compiled) -> dict[str, np.ndarray]:
        return {c: self.serves[c] for c in compiled.clients}


def contribution_array(cn: CNode, up: np.ndarray) -> np.ndarray:
    """:meth:`CNode.contribution` over an array of up-replica counts (float, inf = unlimited)."""
    up = np.asarray(up)
    if cn.capacity is None:
        return np.full(up.shape, np.inf)
    if cn.active_passive:
        return cn.capacity * np.minimum(up, 1).astype(float)
    return cn.capacity * up.astype(float)


def own_ok(cn: CNode, raw_up: np.ndarray, window: np.ndarray | None = None,
           k: np.ndarray | None = None) -> np.ndarray:
    """Enough raw replicas up and not in a failover window (clients are perfect).

    ``k``: the replicas needed in each state (its load profile; -1 = can never serve);
    default the nominal ``cn.k``.
    """
    raw_up = np.asarray(raw_up)
    if cn.role is Role.SOURCE:
        ok = np.ones(raw_up.shape, dtype=bool)
    elif k is not None:
        k = np.asarray(k)
        ok = (k >= 0) & (raw_up >= k)
    elif cn.k is None:  # overloaded at nominal load: never serves
        return np.zeros(raw_up.shape, dtype=bool)
    else:
        ok = raw_up >= cn.k
    if window is not None:
        ok = ok & ~np.asarray(window, dtype=bool)
    return ok


def deps_ok(cn: CNode, serves: Mapping[str, np.ndarray], m: int,
            out: np.ndarray | None = None) -> np.ndarray:
    """Workers and clients: every required dependency serves. ``out`` (bool (M,), owned
    by the caller): narrowed in place and returned — ``own & deps`` without a second
    array."""
    ok = np.ones(m, dtype=bool) if out is None else out
    for d in cn.deps:
        ok &= serves[d]
    return ok


def pool_ok(cn: CNode, compiled: Compiled, serves: Mapping[str, np.ndarray],
            raw_up: Mapping[str, np.ndarray], m: int, load: np.ndarray | None = None
            ) -> np.ndarray:
    """Routers: at least ``k`` targets serve (a floor) and, for capacity pools, their up
    capacity covers the load (``load``: per state from the load profile; default the
    nominal ``rule.load``)."""
    rule = cn.pool_rule
    k = 1 if rule is None else rule.k
    count = np.zeros(m, dtype=np.int64)
    for t in cn.pool:
        count += serves[t]
    ok = count >= k
    if rule is None or rule.mode == "count":
        return ok
    need = (rule.load if load is None else np.asarray(load)) - EPS
    if rule.mode == "capacity":
        total = np.zeros(m)
        for t in cn.pool:
            contrib = contribution_array(compiled.nodes[t], raw_up[t])
            total += np.where(serves[t], contrib, 0.0)
        return ok & (total >= need)
    if rule.mode == "single":
        one = np.zeros(m, dtype=bool)
        for t in cn.pool:
            contrib = contribution_array(compiled.nodes[t], raw_up[t])
            one |= serves[t] & (contrib >= need)
        return ok & one
    raise ValueError(f"unknown pool rule {rule.mode!r} at {cn.id}")


def node_serves(cn: CNode, compiled: Compiled, serves: Mapping[str, np.ndarray],
                raw_up: Mapping[str, np.ndarray], window: np.ndarray | None = None,
                profile: np.ndarray | None = None) -> np.ndarray:
    """One node's serve state; its dependencies' states must already be in ``serves``.
    ``profile``: the load-profile index of each state (default: all nominal)."""
    k = load = None
    if profile is not None and cn.role is not Role.SOURCE and compiled.varies(cn.id):
        k = compiled.k_table(cn.id)[profile]
        if cn.role is Role.ROUTER:
            load = compiled.pool_load_table(cn.id)[profile]
    own = own_ok(cn, raw_up[cn.id], window, k)  # a fresh array: safe to narrow in place
    if cn.role is Role.ROUTER:
        return own & pool_ok(cn, compiled, serves, raw_up, own.shape[0], load)
    return deps_ok(cn, serves, own.shape[0], out=own)


def _state_count(arrays: Iterable[np.ndarray]) -> int | None:
    for a in arrays:
        return int(np.asarray(a).shape[0])
    return None


def evaluate(compiled: Compiled, raw_up: Mapping[str, np.ndarray],
             window: Mapping[str, np.ndarray] | None = None, m: int | None = None,
             profile: np.ndarray | None = None) -> Evaluation:
    """Serve state of every component over M states.

    ``raw_up[node]``: int (M,) up replicas, containers already accounted (missing:
    all replicas up); ``window[node]``: bool (M,) in a failover window (missing:
    False); ``profile``: int (M,) load-profile index of each state, from
    ``compiled.profile_index`` on the states' containers (missing: nominal, every
    failure domain up). ``m`` is only needed when no mapping holds an array.
    """
    window = window or {}
    if m is None:
        m = _state_count(raw_up.values()) or _state_count(window.values()) or 1
    up: dict[str, np.ndarray] = {}
    for nid, cn in compiled.nodes.items():
        arr = raw_up.get(nid)
        up[nid] = np.full(m, cn.replicas, dtype=np.int64) if arr is None else np.asarray(arr)
    serves: dict[str, np.ndarray] = {}
    for nid in compiled.reverse_order():
        serves[nid] = node_serves(compiled.nodes[nid], compiled, serves, up, window.get(nid),
                                  profile)
    system = np.ones(m, dtype=bool)
    for c in compiled.clients:
        system &= serves[c]
    return Evaluation(serves, system)


def replica_groups(cn: CNode) -> list[tuple[frozenset[str], slice]]:
    """Which replica indices sit in which placement: groups take replicas in order."""
    out = []
    start = 0
    for containers, count in cn.groups:
        out.append((containers, slice(start, start + count)))
        start += count
    return out


def raw_up_from_states(compiled: Compiled, replica_up: Mapping[str, np.ndarray],
                       container_up: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Up replicas per node from own replica states and container states.

    ``replica_up[node]``: bool (M, replicas) (missing: all up); ``container_up[c]``:
    bool (M,) (missing: up). A replica counts when it and every container around
    its placement are up.
    """
    m = _state_count(replica_up.values()) or _state_count(container_up.values()) or 1
    out: dict[str, np.ndarray] = {}
    for nid, cn in compiled.nodes.items():
        if cn.role is Role.SOURCE:
            out[nid] = np.ones(m, dtype=np.int64)
            continue
        states = replica_up.get(nid)
        if states is None:
            states = np.ones((m, cn.replicas), dtype=bool)
        states = np.asarray(states, dtype=bool).reshape(m, cn.replicas)
        total = np.zeros(m, dtype=np.int64)
        for containers, rows in replica_groups(cn):
            count = states[:, rows].sum(axis=1)
            for c in containers:
                cu = container_up.get(c)
                if cu is not None:
                    count = np.where(cu, count, 0)
            total += count
        out[nid] = total
    return out


def evaluate_once(compiled: Compiled, down: Iterable[str] = ()) -> dict[str, bool]:
    """Everything up except the named nodes (all replicas down) and containers.

    Returns serve state per component; the system is served when every client is
    (:func:`system_served`). Unknown ids are refused so a typo cannot pass as "no
    impact".
    """
    down = set(down)
    unknown = down - set(compiled.nodes) - set(compiled.containers)
    if unknown:
        raise KeyError(f"unknown node or container: {', '.join(sorted(unknown))}")
    replica_up = {n: np.zeros((1, compiled.nodes[n].replicas), dtype=bool)
                  for n in down if n in compiled.nodes}
    container_up = {c: np.zeros(1, dtype=bool) for c in down if c in compiled.containers}
    raw = raw_up_from_states(compiled, replica_up, container_up)
    ev = evaluate(compiled, raw, m=1, profile=compiled.profile_index(container_up, 1))
    return {nid: bool(v[0]) for nid, v in ev.serves.items()}


def system_served(compiled: Compiled, serves: Mapping[str, bool]) -> bool:
    """All clients served (True when there are no clients)."""
    return all(serves[c] for c in compiled.clients)
