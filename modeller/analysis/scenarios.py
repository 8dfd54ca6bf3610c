"""Deterministic "X down, everything else up" scenarios, evaluated in bounded chunks.

Each scenario is a *column*: the up-replica counts (and failover windows) when one
item is lost — a node (all its replicas), one replica of a node, a node's failover
window, or one container. Serve status comes from the structure function
(:func:`structure.node_serves` with the column's load profile: the same rules as the
exact engine), and the loads shown are the ones it judged (:func:`scenario_loads`), so
a scenario never shows a node above 100 % while calling itself survived.

Budgets (docs/semantics.md, "Budgets"):

- memory: columns are evaluated in chunks of at most :data:`CHUNK_CELLS` node x column
  cells (a cell holds an up count, a serve state, a load and a utilisation: about
  40 bytes), never all columns of all nodes at once;
- work: losing one node (or a replica, or a window) can only change the nodes that
  depend on it, directly or through others, and — through the routers among them —
  the loads of those routers' pool targets: its *affected set* (:class:`Affected`,
  computed once as bitsets in one pass over the dependency graph). A chunk evaluates
  the union of its columns' affected sets; every other node keeps its nominal value
  (one all-up evaluation). A lost container changes load profiles everywhere: its
  affected set is every node;
- size: a scenario set costs the sum over its columns of the affected set plus the
  nodes that are down or hot in the nominal state (each column lists them). Up to
  :data:`SCENARIO_CELLS` cells every column is evaluated; beyond it the columns are
  taken in the caller's priority order until the budget is spent and the caller says
  how many were left out (a 20,000-part chain would list 200 million down parts).
  Above :data:`CLOSURE_NODES` nodes affected sets are not computed (their bitsets
  would need n^2/16 bytes) and single-node columns are left out with the same line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import Role
from .compiled import CNode, Compiled
from .structure import contribution_array, evaluate, node_serves

CHUNK_CELLS = 1 << 20  # node x column cells evaluated at once (~40 bytes each: ~40 MiB)
SCENARIO_CELLS = 4_000_000  # node states evaluated (and listed) over one scenario set
CLOSURE_NODES = 40_000  # above this, no affected sets (bitsets of n^2/16 bytes)
_MIN_CHUNK_CELLS = 1 << 14  # a chunk may waste cells up to this before it is closed


@dataclass
class Column:
    """One scenario: ``lost`` is a node or container id; ``what``: "node" (all its
    replicas down), "replica" (one replica down), "window" (its failover window open)
    or "container"."""

    lost: str
    what: str


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


class _Filled(Mapping):
    """Per-node arrays over M columns: the computed ones, else the nominal value
    broadcast (a read-only view that costs no memory)."""

    def __init__(self, arrays: dict[str, np.ndarray], nominal: Mapping[str, object],
                 m: int) -> None:
        self.arrays, self.nominal, self.m = arrays, nominal, m
        self._views: dict[object, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        a = self.arrays.get(key)
        if a is not None:
            return a
        value = self.nominal[key]
        tag = (type(value), value)
        view = self._views.get(tag)
        if view is None:
            view = self._views[tag] = np.broadcast_to(value, (self.m,))
        return view

    def __iter__(self) -> Iterator[str]:
        return iter(self.nominal)

    def __len__(self) -> int:
        return len(self.nominal)


def scenario_loads(compiled: Compiled, up: Mapping[str, np.ndarray],
                   served: Mapping[str, np.ndarray], profile: np.ndarray,
                   only: Sequence[str] | None = None, routers: Sequence[str] | None = None
                   ) -> dict[str, np.ndarray]:
    """(v2) The loads the structure function judges, per column.

    Every node carries its direct load from the column's load profile (loads moved
    by the routers when failure domains are lost). A router's pool targets carry, on
    top, the router's profile load split over the targets that still *serve*, in
    proportion to their surviving capacity (equally when a capacity is unknown;
    active-passive: the first serving target), so a target's utilisation is the
    pool's load over the pool's serving capacity: the pool rule's own test.

    ``only``: the nodes whose loads are wanted (default every node) and ``routers``
    (in ``compiled.nodes`` order) every router with a target among them. The
    arithmetic, and its order, is the same either way, so a node's load does not
    depend on which others were asked for.
    """
    size = len(profile)
    profiles = compiled.profiles
    if only is None:
        only = list(compiled.nodes)
        routers = None
    load = {nid: np.array([p.direct[nid] for p in profiles], dtype=float)[profile]
            for nid in only}
    if routers is None:
        routers = [nid for nid, cn in compiled.nodes.items()
                   if cn.role is Role.ROUTER and cn.pool]
    for nid in routers:
        cn = compiled.nodes[nid]
        here = np.array([p.load[nid] for p in profiles], dtype=float)[profile]
        alive = [served[t] for t in cn.pool]
        if cn.active_passive:
            taken = np.zeros(size, dtype=bool)
            for t, a in zip(cn.pool, alive):
                first = a & ~taken
                if t in load:
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
            if t in load:
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


def _bits_to_index(bits: int, n: int) -> np.ndarray:
    """Positions of the set bits of ``bits`` (an int bitset over n positions), sorted."""
    if bits == 0:
        return np.zeros(0, dtype=np.int64)
    nbytes = (n + 7) // 8
    raw = np.frombuffer(bits.to_bytes(nbytes, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")[:n])


class Affected:
    """Which nodes a single-node column can change, as int bitsets over
    ``compiled.nodes`` positions (callers first).

    A(x) = {x} ∪ pool(x) if x is a router ∪ A(p) for every p that needs x (as a
    required dependency or a pool target): the nodes whose serve state can change when
    x (or part of it) is lost, and the pool targets whose load can move. One pass in
    topological order (callers first); the bitset of x only has bits up to its own
    position and its pool, so all of them hold at most about n^2/16 bytes.
    """

    def __init__(self, compiled: Compiled) -> None:
        self.ids = list(compiled.nodes)
        self.pos = {nid: i for i, nid in enumerate(self.ids)}
        self.n = len(self.ids)
        self.everything = (1 << self.n) - 1
        self.enabled = self.n <= CLOSURE_NODES
        self.bits: dict[str, int] = {}
        self.size: dict[str, int] = {}
        if not self.enabled:
            return
        parents: dict[str, list[str]] = {nid: [] for nid in self.ids}
        for nid, cn in compiled.nodes.items():
            for t in (*cn.deps, *cn.pool):
                if t in parents:
                    parents[t].append(nid)
        for nid in self.ids:  # callers first: every parent is done before its target
            cn = compiled.nodes[nid]
            b = 1 << self.pos[nid]
            if cn.role is Role.ROUTER:
                for t in cn.pool:
                    b |= 1 << self.pos[t]
            for p in parents[nid]:
                b |= self.bits[p]
            self.bits[nid] = b
            self.size[nid] = b.bit_count()

    def of(self, column: Column) -> int:
        if column.what == "container":
            return self.everything
        return self.bits[column.lost]

    def count(self, column: Column) -> int:
        return self.n if column.what == "container" else self.size[column.lost]


@dataclass
class Chunk:
    """The evaluated part of a chunk of columns: ``nodes`` (in ``compiled.nodes``
    order) were evaluated over the chunk's columns; every other node is nominal."""

    columns: list[Column]
    nodes: list[str]
    serves: dict[str, np.ndarray]
    up: Mapping[str, np.ndarray]
    profile: np.ndarray
    system: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


class ScenarioSet:
    """Evaluates scenario columns within the budgets of the module docstring.

    ``nominal``: the all-up evaluation (one state), the value of every node a column
    does not affect. ``cells`` counts the node x column cells evaluated so far and
    ``largest_chunk`` the most held at once (the work and the memory the budgets bound).
    """

    def __init__(self, compiled: Compiled) -> None:
        self.c = compiled
        self.affected = Affected(compiled)
        nominal = evaluate(compiled, {}, m=1, profile=compiled.profile_index({}, 1))
        self.nominal_serves = {nid: bool(v[0]) for nid, v in nominal.serves.items()}
        self.nominal_up = {nid: np.int64(cn.replicas) for nid, cn in compiled.nodes.items()}
        self.cells = 0
        self.largest_chunk = 0
        self.routers_of: dict[str, list[str]] = {}
        for nid, cn in compiled.nodes.items():
            if cn.role is Role.ROUTER and cn.pool:
                for t in cn.pool:
                    self.routers_of.setdefault(t, []).append(nid)

    # -- planning ------------------------------------------------------------------
    def select(self, columns: Sequence[Column], priority: Sequence[Column],
               per_column: int = 0, budget: int | None = None) -> list[Column]:
        """The columns that fit ``budget`` cells (default :data:`SCENARIO_CELLS`):
        all of them when they fit, else the ones of ``priority`` order that fit.
        ``per_column``: cells every column costs on top of its affected set (what it
        lists whatever it affects). Returned in ``columns`` order."""
        budget = SCENARIO_CELLS if budget is None else budget
        if not self.affected.enabled:
            columns = [c for c in columns if c.what == "container"]
            priority = [c for c in priority if c.what == "container"]
        cost = {id(c): self.affected.count(c) + per_column for c in columns}
        if sum(cost.values()) <= budget:
            return list(columns)
        keep: set[int] = set()
        spent = 0
        for c in priority:
            if id(c) in cost and spent + cost[id(c)] <= budget:
                keep.add(id(c))
                spent += cost[id(c)]
        return [c for c in columns if id(c) in keep]

    def chunks(self, columns: Sequence[Column], profile: bool = True) -> Iterator[Chunk]:
        """Evaluate ``columns`` chunk by chunk: containers first (their load profiles
        are then known to every later column, as when all columns ran at once), then
        single-node columns in the nodes' order, so neighbours share most of their
        affected sets. A chunk closes before it would hold more than
        :data:`CHUNK_CELLS` cells, or waste (evaluate outside its columns' own affected
        sets) more than three times what they need. ``profile``: evaluate with the
        columns' load profiles (the failure scenarios) or without (nominal rules)."""
        aff = self.affected
        order = sorted(range(len(columns)), key=lambda i: (
            columns[i].what != "container",
            0 if columns[i].what == "container" else aff.pos[columns[i].lost], i))
        batch: list[Column] = []
        union, own = 0, 0
        for i in order:
            col = columns[i]
            bits, count = aff.of(col), aff.count(col)
            grown = union | bits
            grown_count = grown.bit_count()
            cells = grown_count * (len(batch) + 1)
            if batch and (cells > CHUNK_CELLS or cells > 4 * (own + count) + _MIN_CHUNK_CELLS):
                yield self._run(batch, union, profile)
                batch, own = [], 0
                grown = bits
            batch.append(col)
            union = grown
            own += count
        if batch:
            yield self._run(batch, union, profile)

    # -- evaluation ----------------------------------------------------------------
    def _run(self, columns: list[Column], union: int, use_profile: bool) -> Chunk:
        c = self.c
        m = len(columns)
        nodes = [self.affected.ids[i] for i in _bits_to_index(union, self.affected.n)]
        self.cells += len(nodes) * m
        self.largest_chunk = max(self.largest_chunk, len(nodes) * m)
        up: dict[str, np.ndarray] = {}
        window: dict[str, np.ndarray] = {}
        containers = [col.lost for col in columns if col.what == "container"]
        for j, col in enumerate(columns):
            if col.what == "node":
                up.setdefault(col.lost, np.full(m, c.nodes[col.lost].replicas, dtype=np.int64))
                up[col.lost][j] = 0
            elif col.what == "replica":
                up.setdefault(col.lost, np.full(m, c.nodes[col.lost].replicas, dtype=np.int64))
                up[col.lost][j] -= 1
            elif col.what == "window":
                window.setdefault(col.lost, np.zeros(m, dtype=bool))[j] = True
        if containers:
            lost = [col.lost if col.what == "container" else "" for col in columns]
            counts = full_up_counts(c, lost)
            for nid, arr in counts.items():
                if nid in up:
                    up[nid] = np.minimum(up[nid], arr)
                elif np.any(arr != c.nodes[nid].replicas):
                    up[nid] = arr
            states = {x: np.array([y != x for y in lost], dtype=bool) for x in containers}
            profile = c.profile_index(states, m)
        else:
            profile = c.profile_index({}, m)
        judged = profile if use_profile else None
        up_view = _Filled(up, self.nominal_up, m)
        serves: dict[str, np.ndarray] = {}
        serve_view = _Filled(serves, self.nominal_serves, m)
        for nid in reversed(nodes):  # callees first
            serves[nid] = node_serves(c.nodes[nid], c, serve_view, up_view, window.get(nid),
                                      judged)
        system = np.ones(m, dtype=bool)
        for cid in c.clients:
            system &= serve_view[cid]
        return Chunk(columns, nodes, serves, up_view, profile, system)

    def loads(self, chunk: Chunk) -> dict[str, np.ndarray]:
        """:func:`scenario_loads` of the chunk's evaluated nodes."""
        serves = _Filled(chunk.serves, self.nominal_serves, len(chunk.columns))
        routers = {r for t in chunk.nodes for r in self.routers_of.get(t, ())}
        pos = self.affected.pos
        return scenario_loads(self.c, chunk.up, serves, chunk.profile, only=chunk.nodes,
                              routers=sorted(routers, key=pos.__getitem__))

    def nominal_loads(self) -> dict[str, np.ndarray]:
        """:func:`scenario_loads` of the all-up state (one column)."""
        serves = _Filled({}, self.nominal_serves, 1)
        up = _Filled({}, self.nominal_up, 1)
        return scenario_loads(self.c, up, serves, self.c.profile_index({}, 1))
