"""Deterministic "X down, everything else up" scenarios, all evaluated at once.

Each scenario is a column: the up-replica counts when one node (all its replicas) or
one container is lost. Serve status comes from the structure function
(``structure.evaluate`` with the column's load profile: the same rules as the exact
engine), and the loads shown are the ones it judged (:func:`scenario_loads`), so a
scenario never shows a node above 100 % while calling itself survived.
"""

from __future__ import annotations

import numpy as np

from ..model import Role
from .compiled import CNode, Compiled
from .structure import contribution_array


def full_up_counts(compiled: Compiled, lost: list[str]) -> dict[str, np.ndarray]:
    """Up replicas of every node in each scenario (one column per lost item)."""
    idx = {x: i for i, x in enumerate(lost)}
    counts: dict[str, np.ndarray] = {}
    for nid, cn in compiled.nodes.items():
        col = np.full(len(lost), cn.replicas, dtype=np.int64)
        if nid in idx:
            col[idx[nid]] = 0
        for group, n in cn.groups:
            for x in group:
                if x in idx:
                    col[idx[x]] -= n
        counts[nid] = np.maximum(col, 0)
    return counts


def container_states(compiled: Compiled, lost: list[str]) -> dict[str, np.ndarray]:
    """Up state of every container in each scenario column (one lost item per column)."""
    return {c: np.array([x != c for x in lost], dtype=bool) for c in compiled.containers}


def scenario_loads(compiled: Compiled, up: dict[str, np.ndarray], served: dict[str, np.ndarray],
                   profile: np.ndarray) -> dict[str, np.ndarray]:
    """(v2) The loads the structure function judges, per column.

    Every node carries its direct load from the column's load profile (loads moved
    by the routers when failure domains are lost). A router's pool targets carry, on
    top, the router's profile load split over the targets that still *serve*, in
    proportion to their surviving capacity (equally when a capacity is unknown;
    active-passive: the first serving target), so a target's utilisation is the
    pool's load over the pool's serving capacity: the pool rule's own test.
    """
    size = len(profile)
    profiles = compiled.profiles
    load = {nid: np.array([p.direct[nid] for p in profiles], dtype=float)[profile]
            for nid in compiled.nodes}
    for nid, cn in compiled.nodes.items():
        if cn.role is not Role.ROUTER or not cn.pool:
            continue
        here = np.array([p.load[nid] for p in profiles], dtype=float)[profile]
        alive = [served[t] for t in cn.pool]
        if cn.active_passive:
            taken = np.zeros(size, dtype=bool)
            for t, a in zip(cn.pool, alive):
                first = a & ~taken
                load[t] += np.where(first, here, 0.0)
                taken |= a
            continue
        caps = [compiled.nodes[t].capacity for t in cn.pool]
        if all(c is not None for c in caps):
            weights = [np.where(a, contribution_array(compiled.nodes[t], up[t]), 0.0)
                       for t, a in zip(cn.pool, alive)]
        else:
            weights = [a.astype(float) for a in alive]
        total = np.sum(weights, axis=0)
        safe = np.where(total > 0, total, 1.0)
        for t, wt in zip(cn.pool, weights):
            load[t] += np.where(total > 0, here * wt / safe, 0.0)
    return load


def utilisation(cn: CNode, load: np.ndarray, up: np.ndarray) -> np.ndarray | None:
    """Load over surviving capacity; NaN where nothing of the node survives (it is down,
    not overloaded)."""
    if cn.capacity is None:
        return None
    cap = contribution_array(cn, up)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cap > 0, load / np.where(cap > 0, cap, 1.0), np.nan)
