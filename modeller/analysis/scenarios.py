"""Deterministic "X down, everything else up" scenarios, all evaluated at once.

Each scenario is a column: the up-replica counts when one node (all its replicas) or
one container is lost. Serve status comes from the structure function
(``structure.evaluate``, the same rules as the exact engine); loads are then re-routed: routers split over the targets that still serve, in
proportion to their surviving capacity, and utilisation is load over surviving
capacity.
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


def loads_after(compiled: Compiled, up: dict[str, np.ndarray],
                served: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Loads per column after routers redistribute over the targets that still serve."""
    size = len(next(iter(up.values()))) if up else 0
    load = {nid: np.zeros(size) for nid in compiled.nodes}
    links = compiled.links
    for nid, cn in compiled.nodes.items():
        if cn.role is Role.SOURCE:
            load[nid] += cn.load
            running = np.ones(size, dtype=bool)
        else:
            running = up[nid] >= max(cn.k or 1, 1)
        here = np.where(running, load[nid], 0.0)
        if cn.role is Role.ROUTER:
            if not cn.pool:
                continue
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
        else:
            for target, calls in links.get(nid, []):
                load[target] += here * calls
    return load


def utilisation(cn: CNode, load: np.ndarray, up: np.ndarray) -> np.ndarray | None:
    """Load over surviving capacity; NaN where nothing of the node survives (it is down,
    not overloaded)."""
    if cn.capacity is None:
        return None
    cap = contribution_array(cn, up)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cap > 0, load / np.where(cap > 0, cap, 1.0), np.nan)
