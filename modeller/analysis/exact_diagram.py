"""Exact availability: P(serve) for every node and client, importances, P(sys | X down).

Method (exact, no sampling, no independence shortcut, nothing enumerated):
1. Every independent two-state event is a decision-diagram variable: each region
   and zone (up with its availability); each node's replicas, per placement, as a
   "ladder" of nested events "at least t of the n replicas there are up" (Binomial
   masses, tested in order: a deeper rung is only ever reached through the one
   above it, so its probability is the conditional one); a spread node's failover
   window. A one-placement node's failover window is folded into its first rung
   ("at least k up and not failing over"). The number of regions and zones is thus
   limited by the diagram's size, not by enumerating their joint states (v3).
2. Serve conditions are AND/OR combinations of those events, built once as a
   reduced ordered BDD (``bdd.py``): shared dependencies, shared pools and shared
   failure domains are counted exactly once. A spread node's "at least k up" is a
   threshold over its placements (each counted when its containers are up).
   Loads move at the routers (v2): where losing containers changes what a router
   receives, its load is a function of the containers, built as an algebraic
   decision diagram (``_LoadFlow``); the pool condition is then, exactly,
   OR over the loads L it can receive of ([load = L] AND capacity covers L).
3. Only what sits under a router or a spread node needs the diagram: a serve
   condition is the AND of independent "atoms" (a node's first rung, a container)
   and some diagram events; atoms outside every diagram event's support multiply
   (one matrix product for all nodes), so chains of workers cost nothing.
4. One bottom-up pass gives P and (separately, for precision) Q = 1 - P of every
   diagram node; one top-down pass gives the probability of reaching each node;
   P(sys | X up/down) for a variable X follows by swapping X's distribution at the
   nodes that test it (reach x change x exit values); a spread node's several
   ladders are swapped in extra evaluation columns.
Unavailabilities are summed from failing paths directly, so twelve nines keep digits.

Budgets: a capacity pool over many targets with varied capacities has exponentially
many distinct partial sums; past ``POOL_STATE_BUDGET`` the sums are taken on a grid of
``POOL_GRID`` steps of the load (capacities rounded down, the need up: a lower bound,
with a warning). A diagram larger than ``DIAGRAM_BUDGET`` nodes is refused with one line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..model import DesignError, Role
from .bdd import BDD, FALSE, TRUE, deep_recursion
from .compiled import EPS, Compiled, PoolRule
from .exact_shared import ClosureDiagrams, Part

POOL_STATE_BUDGET = 20_000  # distinct (target, remaining need) pairs before the grid
POOL_GRID = 2_048  # grid steps of the load when the budget is exceeded
DIAGRAM_BUDGET = 3_000_000  # decision-diagram nodes (about 100 bytes each)
LOAD_DIAGRAM_BUDGET = 200_000  # load-flow diagram nodes


@dataclass
class _Var:
    owner: str  # node id, container id, or "<node>#g<i>" / "<node>#w"
    thresholds: list[int]
    first_level: int
    dist: np.ndarray  # (m + 1,) P(exactly l rungs met), without cancellation


@dataclass
class ExactResult:
    p_sys: float
    q_sys: float
    p_serve: dict[str, float]
    q_serve: dict[str, float]
    # X -> (P(sys | X up), Q(sys | X up), P(sys | X down), Q(sys | X down))
    conditional: dict[str, tuple[float, float, float, float]]
    columns: int = 1
    bdd_size: int = 0
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=4096)
def _level_masses(n: int, a: float, q: float, thresholds: tuple[int, ...]) -> np.ndarray:
    """P(the up count of n replicas lies in [0, t1), [t1, t2), ..., [tm, n]), each mass
    summed from the binomial pmf directly (log space, large n safe), never as 1 - x."""
    pmf = np.zeros(n + 1)
    if n == 0:
        pmf[0] = 1.0
    else:
        j = np.arange(n + 1)
        k = n - j
        lfact = np.array([math.lgamma(x + 1) for x in range(n + 1)])
        la = math.log(a) if a > 0 else -math.inf
        lq = math.log(q) if q > 0 else -math.inf
        with np.errstate(invalid="ignore"):
            lp = (lfact[n] - lfact - lfact[::-1]
                  + np.where(j > 0, j * la, 0.0) + np.where(k > 0, k * lq, 0.0))
        pmf = np.exp(lp)
    edges = [0, *thresholds, n + 1]
    out = np.array([pmf[lo:hi].sum() if hi > lo else 0.0
                    for lo, hi in zip(edges[:-1], edges[1:])])
    out.setflags(write=False)
    return out


def _scatter_add(target: np.ndarray, index: np.ndarray, rows: np.ndarray) -> None:
    """target[index] += rows, summing repeated indices (faster than np.add.at)."""
    order = np.argsort(index, kind="stable")
    index = index[order]
    starts = np.flatnonzero(np.concatenate([[True], index[1:] != index[:-1]]))
    target[index[starts]] += np.add.reduceat(rows[order], starts, axis=0)


def _fold_window(dist: np.ndarray, p_window: float) -> np.ndarray:
    """Rung 0 also holds "enough up but in a window" (an independent event)."""
    if p_window <= 0:
        return dist
    d = np.array(dist, dtype=float)
    met = d[1:].sum()
    d[1:] *= (1.0 - p_window)
    d[0] = d[0] + p_window * met
    return d


class _Add:
    """A small algebraic decision diagram (float terminals) over container levels:
    what a router receives as a function of which containers are up."""

    def __init__(self) -> None:
        self.level: list[int] = []
        self.lo: list[int] = []
        self.hi: list[int] = []
        self.value: list[float] = []
        self._unique: dict[tuple, int] = {}
        self._memo: dict[tuple, int] = {}

    def const(self, v: float) -> int:
        key = ("c", round(v, 9) if math.isfinite(v) else v)
        node = self._unique.get(key)
        if node is None:
            node = len(self.level)
            self.level.append(1 << 60)
            self.lo.append(-1)
            self.hi.append(-1)
            self.value.append(float(v))
            self._unique[key] = node
        return node

    def mk(self, level: int, lo: int, hi: int) -> int:
        if lo == hi:
            return lo
        key = (level, lo, hi)
        node = self._unique.get(key)
        if node is None:
            node = len(self.level)
            if node > LOAD_DIAGRAM_BUDGET:
                raise DesignError(
                    f"where the load goes after a zone or region loss needs more than "
                    f"{LOAD_DIAGRAM_BUDGET:,} decision-diagram nodes",
                    place="regions and zones",
                    fix="set availability 1 on containers whose failures you don't need")
            self.level.append(level)
            self.lo.append(lo)
            self.hi.append(hi)
            self.value.append(math.nan)
            self._unique[key] = node
        return node

    def var(self, level: int) -> int:
        return self.mk(level, self.const(0.0), self.const(1.0))

    def apply(self, name: str, fn, *ops: int) -> int:  # type: ignore[no-untyped-def]
        key = (name, *ops)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        top = min(self.level[o] for o in ops)
        if top == 1 << 60:
            r = self.const(fn(*(self.value[o] for o in ops)))
        else:
            lows = [self.lo[o] if self.level[o] == top else o for o in ops]
            highs = [self.hi[o] if self.level[o] == top else o for o in ops]
            r = self.mk(top, self.apply(name, fn, *lows), self.apply(name, fn, *highs))
        self._memo[key] = r
        return r

    def add(self, a: int, b: int) -> int:
        return self.apply("+", lambda x, y: x + y, a, b)

    def mul(self, a: int, b: int) -> int:
        return self.apply("*", lambda x, y: x * y, a, b)

    def where(self, c: int, a: int, b: int) -> int:
        return self.apply("?", lambda x, y, z: y if x > 0.5 else z, c, a, b)

    def terminals(self, root: int) -> list[float]:
        seen: set[int] = set()
        out: dict[float, float] = {}
        stack = [root]
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            if self.level[n] == 1 << 60:
                out.setdefault(round(self.value[n], 9), self.value[n])
            else:
                stack.extend((self.lo[n], self.hi[n]))
        return sorted(out.values())


class ExactEngine(ClosureDiagrams):
    """Builds the diagram for one compiled design and evaluates it."""

    def __init__(self, compiled: Compiled) -> None:
        self.c = compiled
        self.bdd = BDD()
        self.warnings: list[str] = []
        self.vars: dict[str, _Var] = {}  # node (one placement) or container -> its ladder
        self.node_vars: dict[str, list[_Var]] = {}  # spread node -> its ladders (+ window)
        self.atom_index: dict[str, int] = {}
        self.atom_ids: list[str] = []
        self.own_atoms: dict[str, int] = {}  # one-placement node -> its atoms (rung + containers)
        self.parts: dict[str, Part] = {}
        self._plan_variables()
        with deep_recursion():
            self._build()

    # -- variables -----------------------------------------------------------
    def _new_var(self, owner: str, thresholds: list[int], dist: np.ndarray,
                 atom: bool) -> _Var:
        v = _Var(owner, thresholds, self.n_levels, dist)
        self.n_levels += len(thresholds)
        self.all_vars.append(v)
        if atom:
            self.atom_index[owner] = len(self.atom_ids)
            self.atom_ids.append(owner)
        return v

    def _place_containers(self, group: frozenset[str]) -> None:
        """Containers get their variable just above the first node placed in them,
        outermost first, so a region's parts sit together in the order."""
        for x in sorted(group, key=lambda c: len(self.c.containers[c].ancestors)):
            if x in self.vars:
                continue
            cc = self.c.containers[x]
            dist = np.array([cc.unavailability, cc.availability])
            dist.setflags(write=False)
            self.vars[x] = self._new_var(x, [1], dist, atom=True)

    def _plan_variables(self) -> None:
        thresholds = self._thresholds()
        self.n_levels = 0
        self.all_vars: list[_Var] = []
        self.spread: set[str] = set()
        for nid in self._dfs_order():
            if nid not in thresholds:
                continue
            cn = self.c.nodes[nid]
            ths = thresholds[nid]
            for group, _ in cn.groups:
                self._place_containers(group)
            if len(cn.groups) == 1:
                dist = _fold_window(_level_masses(cn.replicas, cn.availability,
                                                  cn.unavailability, tuple(ths)), cn.window_p)
                self.vars[nid] = self._new_var(nid, ths, dist, atom=True)
                mask = 1 << self.atom_index[nid]
                for x in cn.groups[0][0]:
                    mask |= 1 << self.atom_index[x]
                self.own_atoms[nid] = mask
                continue
            # a spread node: one ladder per placement (+ its window), a threshold over them
            self.spread.add(nid)
            ladders: list[_Var] = []
            if cn.window_p > 0:  # failover, or a bad change that hits every replica
                d = np.array([cn.window_p, 1.0 - cn.window_p])
                ladders.append(self._new_var(f"{nid}#w", [1], d, atom=False))
            if cn.wave_p > 0:  # (4b) a bad change that takes the first wave down
                d = np.array([cn.wave_p, 1.0 - cn.wave_p])
                ladders.append(self._new_var(f"{nid}#v", [1], d, atom=False))
            top = max(ths)
            for i, (_group, n_g) in enumerate(cn.groups):
                rungs = list(range(1, min(n_g, top) + 1))
                if not rungs:
                    continue
                d = _level_masses(n_g, cn.availability, cn.unavailability, tuple(rungs))
                ladders.append(self._new_var(f"{nid}#g{i}", rungs, d, atom=False))
            self.node_vars[nid] = ladders
        # containers that hold only parts without rungs still shape the load flow
        for cn in self.c.nodes.values():
            for group, _ in cn.groups:
                self._place_containers(group)

    def _ladder(self, var: _Var, t: int) -> int:
        return self.bdd.ladder(var.first_level, var.thresholds.index(t) + 1)

    def ge(self, nid: str, threshold: int) -> int:
        """BDD of "at least ``threshold`` replicas of nid up (placements included) and
        not failing over"."""
        key = (nid, threshold)
        hit = self._ge_cache.get(key)
        if hit is not None:
            return hit
        if nid not in self.spread:
            r = self.bdd.and_(self._chain(self.own_atoms[nid] & ~(1 << self.atom_index[nid])),
                              self._ladder(self.vars[nid], threshold))
        else:
            r = self._spread_ge(nid, threshold)
        self._ge_cache[key] = r
        return r

    def _spread_ge(self, nid: str, threshold: int) -> int:
        """Sum over placements of (containers up) x (up replicas there) >= threshold."""
        b = self.bdd
        cn = self.c.nodes[nid]
        ladders = {v.owner: v for v in self.node_vars[nid]}
        groups = []
        wave = ladders.get(f"{nid}#v")
        for i, (group, _n) in enumerate(cn.groups):
            lad = ladders.get(f"{nid}#g{i}")
            if lad is None:
                continue
            place = self._chain(sum(1 << self.atom_index[x] for x in group))
            if wave is not None and i in cn.change_groups:
                place = b.and_(place, b.var(wave.first_level))
            groups.append((place, lad))
        memo: dict[tuple[int, int], int] = {}

        def f(i: int, need: int) -> int:
            if need <= 0:
                return TRUE
            if i == len(groups):
                return FALSE
            key = (i, need)
            if key not in memo:
                place, lad = groups[i]
                r = f(i + 1, need)
                for t in lad.thresholds:
                    if t > need:
                        break
                    r = b.or_(r, b.and_(place, b.and_(self._ladder(lad, t), f(i + 1, need - t))))
                memo[key] = r
            return memo[key]

        r = f(0, threshold)
        window = ladders.get(f"{nid}#w")
        if window is not None:
            r = b.and_(b.var(window.first_level), r)
        return r

    # -- structure -------------------------------------------------------------
    def _build(self) -> None:
        """Closures as bitmasks; diagrams only for routers, spread nodes and what needs them."""
        self._ge_cache: dict[tuple[str, int], int] = {}
        self._start_closures()
        self._loads: _LoadFlow | None = None
        for nid in self.c.reverse_order():
            cn = self.c.nodes[nid]
            if self._close_fixed(nid, cn):
                self._check_size()
                continue
            events: set[str] = set()
            if cn.role is Role.SOURCE:
                mask = 0
            elif nid in self.spread:
                mask = 0
                events.add(nid)
                self.event_bdd[nid] = self.ge(nid, cn.k)
                self.support[nid] = self._container_atoms(nid)
            else:
                mask = self.own_atoms[nid]
            self._close(nid, cn.deps, mask, events)
        self._finish_parts()
        self._check_size()

    def _check_size(self) -> None:
        if len(self.bdd) > DIAGRAM_BUDGET:
            raise DesignError(
                f"exact analysis needs more than {DIAGRAM_BUDGET:,} decision-diagram nodes",
                place="the design",
                fix="split very large pools, or set availability 1 on parts whose failures "
                    "you don't need")

    def _container_atoms(self, nid: str) -> int:
        mask = 0
        for group, _ in self.c.nodes[nid].groups:
            for x in group:
                mask |= 1 << self.atom_index[x]
        return mask

    def _build_router(self, nid: str, cn) -> None:  # type: ignore[no-untyped-def]
        support = self._container_atoms(nid)
        if nid in self.atom_index:
            support |= 1 << self.atom_index[nid]
        for t in cn.pool:
            support |= self.atoms[t] | self._support(self.events[t])
        rule = cn.pool_rule or PoolRule("count", 1)
        pool = self._pool(nid, cn.pool, rule)
        if rule.mode != "count":  # the load-flow conditions mention containers
            support |= self._all_container_atoms()
        self.support[nid] = support
        self.event_bdd[nid] = self.bdd.and_(self.ge(nid, cn.k), pool)

    def _all_container_atoms(self) -> int:
        mask = 0
        for x in self.c.containers:
            if x in self.atom_index:
                mask |= 1 << self.atom_index[x]
        return mask

    def _pool(self, nid: str, targets: list[str], rule: PoolRule) -> int:
        """(v2) at least ``rule.k`` targets serve, and for capacity pools the capacity
        of the serving ones covers the load the router receives — in every state of
        the containers (loads move at the routers)."""
        count = self._at_least(targets, rule.k)
        if rule.mode == "count" or count == FALSE:
            return count
        if not getattr(self.c._flow, "moves", False):
            return self.bdd.and_(count, self._capacity_pool(nid, targets, rule, rule.load))
        if self._loads is None:
            self._loads = _LoadFlow(self)
        options = [self._options(t) for t in targets]
        covers: dict[float, int] = {}

        def covered(load: float) -> int:
            key = round(load, 9)
            if key not in covers:
                covers[key] = self._capacity_pool(nid, targets, rule, load, options)
            return covers[key]

        return self.bdd.and_(count, self._loads.compose(nid, covered))

    def _capacity_pool(self, nid: str, targets: list[str], rule: PoolRule, load: float,
                       options: list[list[tuple[float, int]]] | None = None) -> int:
        b = self.bdd
        if options is None:
            options = [self._options(t) for t in targets]
        if load <= EPS:
            return TRUE
        if rule.mode == "single":
            events = []
            for opts in options:
                for contrib, event in opts:
                    if contrib >= load - EPS:
                        events.append(event)
                        break
            return b.or_all(events)
        return capacity_covers(b, options, load, nid, len(targets), self.warnings)

    # -- probabilities -----------------------------------------------------------
    def _free_sums(self, masks: list[int], log_p: np.ndarray, zero: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Per mask: sum of log P over its atoms, and how many are impossible (in row
        blocks, so memory stays bounded for long chains)."""
        n = max(1, len(self.atom_ids))
        step = max(1, (1 << 22) // n)
        f_log = np.zeros(len(masks))
        f_zero = np.zeros(len(masks))
        for start in range(0, len(masks), step):
            block = self._masks(masks[start:start + step]).astype(float)
            f_log[start:start + step] = block @ log_p
            f_zero[start:start + step] = block @ zero
        return f_log, f_zero

    def evaluate(self, importances: bool = True) -> ExactResult:
        """P and Q of every node and the system; with ``importances`` also
        P(sys | X up / down) for every node and container."""
        b = self.bdd
        n_nodes = len(b)
        level = np.array(b.level, dtype=np.int64)
        lo = np.array(b.lo, dtype=np.int64)
        hi = np.array(b.hi, dtype=np.int64)
        # only what the parts' diagrams reach (building leaves intermediate results)
        live = np.zeros(n_nodes, dtype=bool)
        live[[p.diagram for p in self.parts.values()] + [self.system.diagram]] = True
        for nid in range(n_nodes - 1, 1, -1):  # children are always created first
            if live[nid]:
                live[lo[nid]] = live[hi[nid]] = True
        internal = np.flatnonzero(live[2:]) + 2
        by_level: dict[int, np.ndarray] = {}
        if len(internal):
            order = internal[np.argsort(level[internal], kind="stable")]
            bounds = np.flatnonzero(np.diff(level[order])) + 1
            for chunk in np.split(order, bounds):
                by_level[int(level[chunk[0]])] = chunk
        levels_down = sorted(by_level, reverse=True)
        # per-level conditional probabilities of each rung
        hp = np.zeros(self.n_levels)
        lp = np.zeros(self.n_levels)
        with np.errstate(invalid="ignore", divide="ignore"):
            for var in self.all_vars:
                D = var.dist
                surv = np.cumsum(D[::-1])[::-1]
                for i in range(1, len(var.thresholds) + 1):
                    lvl = var.first_level + i - 1
                    if surv[i - 1] > 0:
                        hp[lvl] = surv[i] / surv[i - 1]
                        lp[lvl] = D[i - 1] / surv[i - 1]
                    else:
                        hp[lvl], lp[lvl] = 0.0, 1.0
        P, Q = self._bottom_up(by_level, levels_down, hp[:, None], lp[:, None], lo, hi, n_nodes)
        P, Q = P[:, 0], Q[:, 0]
        # atoms: independent events multiplied in the free parts
        n_atoms = len(self.atom_ids)
        log_p = np.zeros(n_atoms)
        zero = np.zeros(n_atoms)
        for a, owner in enumerate(self.atom_ids):
            d0 = float(self.vars[owner].dist[0])
            if d0 >= 1.0:
                zero[a] = 1.0
            else:
                log_p[a] = math.log1p(-d0)
        names = list(self.parts)
        parts = [self.parts[n] for n in names] + [self.system]
        f_log, f_zero = self._free_sums([p.free for p in parts], log_p, zero)
        pf = np.where(f_zero > 0, 0.0, np.exp(f_log))
        qf = np.where(f_zero > 0, 1.0, -np.expm1(f_log))
        diagram_ids = np.array([p.diagram for p in parts], dtype=np.int64)
        never = np.array([p.never for p in parts])
        pb, qb = P[diagram_ids], Q[diagram_ids]
        p_all = np.where(never, 0.0, pf * pb)
        q_all = np.where(never, 1.0, qf + qb - qf * qb)
        p_serve = {n: float(p_all[i]) for i, n in enumerate(names)}
        q_serve = {n: float(q_all[i]) for i, n in enumerate(names)}
        p_sys, q_sys = float(p_all[-1]), float(q_all[-1])
        res = ExactResult(p_sys, q_sys, p_serve, q_serve, {}, 1, n_nodes, list(self.warnings))
        if not importances:
            return res
        cond: dict[str, tuple[float, float, float, float]] = {}
        owners = [nid for nid, cn in self.c.nodes.items() if cn.role is not Role.SOURCE]
        if self.system.never:
            for x in [*owners, *self.c.containers]:
                cond[x] = (0.0, 1.0, 0.0, 1.0)
            res.conditional = cond
            return res
        sys_free = self.system.free
        sys_support = self._support_of_system()
        root = self.system.diagram
        reach = np.zeros(n_nodes)
        reach[root] = 1.0
        for lv in levels_down[::-1]:
            ids = by_level[lv]
            r = reach[ids]
            _scatter_add(reach, np.concatenate([hi[ids], lo[ids]]),
                         np.concatenate([r * hp[lv], r * lp[lv]]))
        pfs, qfs = float(pf[-1]), float(qf[-1])
        p_base, q_base = float(P[root]), float(Q[root])
        swappable = [o for o in [*owners, *self.c.containers] if o in self.vars]
        for owner in swappable:
            var = self.vars[owner]
            a = self.atom_index[owner]
            if sys_free >> a & 1:
                rest = f_log[-1] - log_p[a]
                alive = f_zero[-1] - zero[a] <= 0
                pr = math.exp(rest) if alive else 0.0
                qr = -math.expm1(rest) if alive else 1.0
                cond[owner] = (pr * p_base, qr + q_base - qr * q_base, 0.0, 1.0)
            elif sys_support >> a & 1 and var.first_level in by_level:
                entries = by_level[var.first_level]
                exits = self._exits(var, entries)
                m = len(var.thresholds)
                up = np.zeros(m + 1)
                up[m] = 1.0
                down = np.zeros(m + 1)
                down[0] = 1.0
                out = []
                for target in (up, down):
                    delta = target - var.dist
                    dp = float(reach[entries] @ (P[exits] @ delta))
                    dq = float(reach[entries] @ (Q[exits] @ delta))
                    pb_ = min(max(p_base + dp, 0.0), 1.0)
                    qb_ = min(max(q_base + dq, 0.0), 1.0)
                    out.extend([pfs * pb_, qfs + qb_ - qfs * qb_])
                cond[owner] = tuple(out)  # type: ignore[assignment]
        for nid, ups, downs in self._spread_columns(by_level, levels_down, hp, lp, lo, hi,
                                                    n_nodes, root):
            cond[nid] = (pfs * ups[0], qfs + ups[1] - qfs * ups[1],
                         pfs * downs[0], qfs + downs[1] - qfs * downs[1])
        for x in [*owners, *self.c.containers]:
            if x not in cond:  # nothing the system needs tests it
                cond[x] = (p_sys, q_sys, p_sys, q_sys)
        for x, (p_up, q_up, p_down, q_down) in cond.items():
            # the update cancels a term of order 1: below 1e-14 what is left is rounding
            p_up = 0.0 if p_up < 1e-14 else min(p_up, 1.0)
            p_down = 0.0 if p_down < 1e-14 else min(p_down, 1.0)
            # Q near 1 is P's complement: 1 exactly where P is 0
            q_up = 1.0 if p_up == 0.0 else min(max(q_up, 0.0), 1.0)
            q_down = 1.0 if p_down == 0.0 else min(max(q_down, 0.0), 1.0)
            cond[x] = (p_up, q_up, p_down, q_down)
        res.conditional = cond
        return res

    def _support_of_system(self) -> int:
        events: set[str] = set()
        for c in self.c.clients:
            events |= self.events[c]
        return self._support(frozenset(events))

    @staticmethod
    def _bottom_up(by_level, levels_down, hp, lp, lo, hi, n_nodes):  # type: ignore[no-untyped-def]
        """P and Q of every diagram node, one column per probability assignment."""
        c = hp.shape[1]
        P = np.zeros((n_nodes, c))
        Q = np.zeros((n_nodes, c))
        Q[0] = 1.0
        P[1] = 1.0
        for lv in levels_down:
            ids = by_level[lv]
            h, low = hp[lv], lp[lv]
            P[ids] = h * P[hi[ids]] + low * P[lo[ids]]
            Q[ids] = h * Q[hi[ids]] + low * Q[lo[ids]]
        return P, Q

    def _spread_columns(self, by_level, levels_down, hp, lp, lo, hi, n_nodes, root):  # type: ignore[no-untyped-def]
        """P/Q of the system's diagram with each spread node all up, then all down: its
        ladders sit at several levels, so each case is one more evaluation column."""
        names = [nid for nid in self.node_vars if self.node_vars[nid]]
        if not names:
            return
        step = max(1, (1 << 21) // max(1, n_nodes))
        for start in range(0, len(names), step):
            chunk = names[start:start + step]
            cols = 2 * len(chunk)
            H = np.repeat(hp[:, None], cols, axis=1)
            L = np.repeat(lp[:, None], cols, axis=1)
            for j, nid in enumerate(chunk):
                for var in self.node_vars[nid]:
                    lv = slice(var.first_level, var.first_level + len(var.thresholds))
                    H[lv, 2 * j], L[lv, 2 * j] = 1.0, 0.0  # all up, no window
                    if not var.owner.endswith(("#w", "#v")):
                        H[lv, 2 * j + 1], L[lv, 2 * j + 1] = 0.0, 1.0  # all down
            P, Q = self._bottom_up(by_level, levels_down, H, L, lo, hi, n_nodes)
            for j, nid in enumerate(chunk):
                yield nid, (P[root, 2 * j], Q[root, 2 * j]), (P[root, 2 * j + 1], Q[root, 2 * j + 1])


class _TooManySums(Exception):
    pass


def capacity_covers(b: BDD, options: list[list[tuple[float, int]]], load: float, nid: str,
                    n_targets: int, warnings: list[str]) -> int:
    """BDD of "the serving targets' up capacity covers ``load``" (``options``: per target,
    (capacity contributed, event) steps). Exact while the distinct partial sums stay
    under ``POOL_STATE_BUDGET``; past it, counted on a grid (a lower bound, warned)."""
    try:
        return _covers(b, options, load, None)
    except _TooManySums:
        step = load / POOL_GRID
        line = (f"{nid}'s pool of {n_targets} targets has too many distinct capacity sums for "
                f"an exact check; capacities are counted in steps of {step:.4g} rps (rounded "
                "down), so its availability is a lower bound")
        if line not in warnings:
            warnings.append(line)
        return _covers(b, options, load, step)


def _covers(b: BDD, options: list[list[tuple[float, int]]], load: float,
            step: float | None) -> int:
    """Sum of serving targets' up capacity covers ``load``. With ``step``, sums are
    counted in whole steps (capacities floored, the need ceiled): never optimistic."""
    if step is not None:
        options = [[(math.floor(c / step + 1e-9) if math.isfinite(c) else math.inf, e)
                    for c, e in opts] for opts in options]
        load = math.ceil(load / step - 1e-9)
        eps = 0.0
    else:
        eps = EPS
    best = [opts[-1][0] if opts else 0.0 for opts in options]
    rest = [0.0] * (len(options) + 1)
    for i in range(len(options) - 1, -1, -1):
        rest[i] = rest[i + 1] + best[i]
    memo: dict[tuple[int, float], int] = {}

    def covers(i: int, need: float) -> int:
        if need <= eps:
            return TRUE
        if i == len(options) or rest[i] < need - eps:
            return FALSE
        key = (i, round(need, 6))
        if key in memo:
            return memo[key]
        if step is None and len(memo) >= POOL_STATE_BUDGET:
            raise _TooManySums
        r = covers(i + 1, need)
        for contrib, event in options[i]:
            r = b.or_(r, b.and_(event, covers(i + 1, need - contrib)))
        memo[key] = r
        return r

    return covers(0, load)


class _LoadFlow:
    """What each router receives, as a function of the containers (v2 semantics of
    ``compiled._Flow.loads``, symbolically): alive = placed replicas >= floor (and
    enough alive targets / every dependency alive); routers split over alive targets
    by up capacity (active-passive: the first alive one); workers pass load x calls."""

    def __init__(self, engine: ExactEngine) -> None:
        self.e = engine
        c = engine.c
        flow = c._flow
        A = self.add = _Add()
        zero, one = A.const(0.0), A.const(1.0)
        group_up: dict[frozenset[str], int] = {}

        def up_of(group: frozenset[str]) -> int:
            if group not in group_up:
                r = one
                for x in group:
                    r = A.mul(r, A.var(engine.vars[x].first_level))
                group_up[group] = r
            return group_up[group]

        placed: dict[str, int] = {}
        for nid, cn in c.nodes.items():
            total = zero
            for group, count in cn.groups:
                total = A.add(total, A.mul(A.const(float(count)), up_of(group)))
            placed[nid] = total
        alive: dict[str, int] = {}
        for nid in c.reverse_order():
            cn = c.nodes[nid]
            if cn.role is Role.SOURCE:
                continue
            floor = float(cn.floor)
            ok = A.apply(f"ge{floor}", lambda v, f=floor: 1.0 if v >= f else 0.0, placed[nid])
            if cn.role is Role.ROUTER:
                count = zero
                for t in cn.pool:
                    count = A.add(count, alive[t])
                need = float(max(1, flow.min_targets[nid]))
                ok = A.mul(ok, A.apply(f"ge{need}", lambda v, f=need: 1.0 if v >= f else 0.0,
                                       count))
            else:
                for d in cn.deps:
                    ok = A.mul(ok, alive[d])
            alive[nid] = ok
        load = {nid: zero for nid in c.nodes}
        for nid, cn in c.nodes.items():
            if cn.role is Role.SOURCE:
                load[nid] = A.add(load[nid], A.const(flow.demand[nid]))
            here = load[nid]
            if cn.role is Role.ROUTER:
                if not cn.pool:
                    continue
                if nid in flow.ap_router:
                    taken = zero
                    for t in cn.pool:
                        first = A.apply("andnot", lambda x, y: 1.0 if x > 0.5 and y < 0.5 else 0.0,
                                        alive[t], taken)
                        load[t] = A.add(load[t], A.where(first, here, zero))
                        taken = A.apply("or", lambda x, y: 1.0 if x > 0.5 or y > 0.5 else 0.0,
                                        taken, alive[t])
                    continue
                caps = [c.nodes[t].capacity for t in cn.pool]
                if all(x is not None for x in caps):
                    weights = []
                    for t in cn.pool:
                        tn = c.nodes[t]
                        act = float(tn.active)
                        w = A.apply(f"w{tn.capacity}:{act}",
                                    lambda p, cap=tn.capacity, a=act: cap * min(p, a), placed[t])
                        weights.append(A.where(alive[t], w, zero))
                else:
                    weights = [alive[t] for t in cn.pool]
                total = zero
                for wt in weights:
                    total = A.add(total, wt)
                for t, wt in zip(cn.pool, weights):
                    share = A.apply("share", lambda h, w, tot: h * w / tot if tot > 0 else 0.0,
                                    here, wt, total)
                    load[t] = A.add(load[t], share)
            else:
                for target, calls in c.links.get(nid, []):
                    load[target] = A.add(load[target],
                                         A.apply(f"x{calls}", lambda v, k=calls: v * k, here))
        self.load = load

    def compose(self, router: str, leaf) -> int:  # type: ignore[no-untyped-def]
        """The BDD of "the pool covers what the router receives": the load diagram with
        each terminal L replaced by ``leaf(L)`` (if-then-else on each container)."""
        A, b = self.add, self.e.bdd
        memo: dict[int, int] = {}

        def comp(node: int) -> int:
            hit = memo.get(node)
            if hit is not None:
                return hit
            if A.level[node] == 1 << 60:
                r = leaf(A.value[node])
            else:
                lv = A.level[node]
                hi, lo = comp(A.hi[node]), comp(A.lo[node])
                r = hi if hi == lo else b.or_(b.and_(b.mk(lv, FALSE, TRUE), hi),
                                              b.and_(b.mk(lv, TRUE, FALSE), lo))
            memo[node] = r
            return r

        return comp(self.load[router])


def exact_by_diagram(compiled: Compiled, importances: bool = True) -> ExactResult:
    """Exact P(serve) of every node and the system, and (with ``importances``)
    P(sys | X up/down) for every node and container X (v3: containers are diagram
    variables; loads move with them through exact conditions, see the module)."""
    return ExactEngine(compiled).evaluate(importances)
