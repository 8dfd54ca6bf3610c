"""Exact availability: P(serve) for every node and client, importances, P(sys | X down).

Method (exact, no sampling, no independence shortcut):
1. Condition on the joint state of the failure domains (``domains.py``): each state
   is a column, evaluated side by side with numpy.
2. Given a column, every node's up count is Binomial(replicas in up placements, a),
   independent across nodes. A node enters the diagram through the thresholds its
   rules ask about ("at least k up", and each capacity step for pool targets), as
   nested Boolean events ("ladder" variables, tested in order).
3. Serve conditions are monotone AND/OR combinations of those events, built once as
   a reduced ordered BDD (``bdd.py``); shared dependencies and shared pools are
   therefore counted exactly once.
   Only what sits under a router needs the diagram: a serve condition is the AND of
   a set of "own" events (its dependency closure) and some router conditions; the
   own events outside every router's support are independent of the rest and
   multiply (one matrix product for all nodes), so chains of workers cost nothing.
4. One bottom-up pass gives P and (separately, for precision) Q = 1 - P of every
   diagram node per column; one top-down pass gives the probability of reaching each
   node, from which P(sys | X up/down) follows for every node X at once.
Unavailabilities are summed from failing paths directly, so twelve nines keep digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..model import DesignError, Role
from .bdd import BDD, FALSE, TRUE
from .compiled import EPS, Compiled, PoolRule
from .domains import MAX_COLUMNS, DomainColumns, build_columns, count_columns


@dataclass
class _Var:
    node: str
    thresholds: list[int]
    first_level: int


@dataclass
class ExactResult:
    p_sys: float
    q_sys: float
    p_serve: dict[str, float]
    q_serve: dict[str, float]
    # X -> (P(sys | X up), Q(sys | X up), P(sys | X down), Q(sys | X down))
    conditional: dict[str, tuple[float, float, float, float]]
    columns: int = 0
    bdd_size: int = 0
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=512)
def _binomial_table(n: int, a: float, q: float) -> np.ndarray:
    """pmf[N, j] = P(j of N up), for N in 0..n, in log space (large N safe)."""
    pmf = np.zeros((n + 1, n + 1))
    pmf[0, 0] = 1.0
    if n == 0:
        return pmf
    lfact = np.array([math.lgamma(x + 1) for x in range(n + 1)])
    la = math.log(a) if a > 0 else -math.inf
    lq = math.log(q) if q > 0 else -math.inf
    for big_n in range(1, n + 1):
        j = np.arange(big_n + 1)
        k = big_n - j
        with np.errstate(invalid="ignore"):
            lp = (lfact[big_n] - lfact[j] - lfact[k]
                  + np.where(j > 0, j * la, 0.0) + np.where(k > 0, k * lq, 0.0))
        pmf[big_n, : big_n + 1] = np.exp(lp)
    pmf.setflags(write=False)
    return pmf


def _scatter_add(target: np.ndarray, index: np.ndarray, rows: np.ndarray) -> None:
    """target[index] += rows, summing repeated indices (faster than np.add.at)."""
    order = np.argsort(index, kind="stable")
    index = index[order]
    starts = np.flatnonzero(np.concatenate([[True], index[1:] != index[:-1]]))
    target[index[starts]] += np.add.reduceat(rows[order], starts, axis=0)


@dataclass
class _Part:
    """serve(v) = AND(own events in ``free``) AND ``diagram`` (a BDD over the rest)."""

    free: int  # bitmask over atom indices, independent of the diagram
    diagram: int  # BDD node (TRUE when nothing is under a router)
    never: bool = False


class ExactEngine:
    """Builds the diagram for one compiled design and evaluates it."""

    def __init__(self, compiled: Compiled) -> None:
        self.c = compiled
        self.bdd = BDD()
        self.vars: dict[str, _Var] = {}
        self.atom_index: dict[str, int] = {}
        self.atom_ids: list[str] = []
        self.parts: dict[str, _Part] = {}
        self._plan_variables()
        self._build()

    # -- variables -----------------------------------------------------------
    def _thresholds(self) -> dict[str, list[int]]:
        th: dict[str, set[int]] = {}
        for nid, cn in self.c.nodes.items():
            if cn.role is Role.SOURCE or cn.k is None:
                continue
            th.setdefault(nid, set()).add(cn.k)
        for cn in self.c.nodes.values():
            rule = cn.pool_rule
            if rule is None or rule.mode == "count":
                continue
            for t in cn.pool:
                if t in th:
                    th[t].update(self.c.nodes[t].contribution_levels())
        return {k: sorted(v) for k, v in th.items()}

    def _plan_variables(self) -> None:
        thresholds = self._thresholds()
        order: list[str] = []
        seen: set[str] = set()
        children = {nid: cn.deps + cn.pool for nid, cn in self.c.nodes.items()}

        def visit(root: str) -> None:  # iterative post-order DFS
            stack = [(root, 0)]
            seen.add(root)
            while stack:
                nid, i = stack.pop()
                kids = children[nid]
                if i < len(kids):
                    stack.append((nid, i + 1))
                    nxt = kids[i]
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append((nxt, 0))
                else:
                    order.append(nid)

        for cid in self.c.clients:
            if cid not in seen:
                visit(cid)
        for nid in self.c.nodes:
            if nid not in seen:
                visit(nid)
        level = 0
        for nid in order:
            if nid not in thresholds:
                continue
            ths = thresholds[nid]
            self.vars[nid] = _Var(nid, ths, level)
            self.atom_index[nid] = len(self.atom_ids)
            self.atom_ids.append(nid)
            level += len(ths)
        self.n_levels = level

    def ge(self, nid: str, threshold: int) -> int:
        """BDD of "at least ``threshold`` replicas of nid up (and not failing over)"."""
        v = self.vars[nid]
        idx = v.thresholds.index(threshold)
        return self.bdd.ladder(v.first_level, idx + 1)

    def _chain(self, mask: int) -> int:
        """BDD of the AND of the own events of the atoms in ``mask``."""
        levels = sorted((self.vars[self.atom_ids[i]].first_level for i in _bits(mask)), reverse=True)
        node = TRUE
        for lv in levels:
            node = self.bdd.mk(lv, FALSE, node)
        return node

    # -- structure -------------------------------------------------------------
    def _build(self) -> None:
        """Closures as bitmasks; diagrams only for routers and what needs them."""
        self.atoms: dict[str, int] = {}
        self.routers: dict[str, frozenset[str]] = {}
        self.never: dict[str, bool] = {}
        self.router_bdd: dict[str, int] = {}
        self.support: dict[str, int] = {}  # router -> atoms its diagram mentions
        self._full: dict[str, int] = {}
        self._and_cache: dict[frozenset[str], int] = {}
        for nid in self.c.reverse_order():
            cn = self.c.nodes[nid]
            if cn.role is not Role.SOURCE and cn.k is None:
                self.atoms[nid], self.routers[nid], self.never[nid] = 0, frozenset(), True
                continue
            if cn.role is Role.ROUTER:
                self.atoms[nid], self.routers[nid], self.never[nid] = 0, frozenset([nid]), False
                self._build_router(nid, cn)
                continue
            mask = 0 if cn.role is Role.SOURCE else 1 << self.atom_index[nid]
            routers: set[str] = set()
            never = False
            for d in cn.deps:
                mask |= self.atoms[d]
                routers |= self.routers[d]
                never |= self.never[d]
            self.atoms[nid], self.routers[nid], self.never[nid] = mask, frozenset(routers), never
        for nid in self.c.nodes:
            self.parts[nid] = self._split(self.atoms[nid], self.routers[nid], self.never[nid])
        sys_mask, sys_routers, sys_never = 0, set(), False
        for c in self.c.clients:
            sys_mask |= self.atoms[c]
            sys_routers |= self.routers[c]
            sys_never |= self.never[c]
        self.system = self._split(sys_mask, frozenset(sys_routers), sys_never)

    def _routers_and(self, routers: frozenset[str]) -> int:
        if routers not in self._and_cache:
            self._and_cache[routers] = self.bdd.and_all([self.router_bdd[r] for r in routers])
        return self._and_cache[routers]

    def _support(self, routers: frozenset[str]) -> int:
        s = 0
        for r in routers:
            s |= self.support[r]
        return s

    def _split(self, mask: int, routers: frozenset[str], never: bool) -> _Part:
        if never:
            return _Part(0, FALSE, True)
        if not routers:
            return _Part(mask, TRUE)
        support = self._support(routers)
        bound = mask & support
        diagram = self.bdd.and_(self._chain(bound), self._routers_and(routers))
        return _Part(mask & ~support, diagram, diagram == FALSE)

    def _full_bdd(self, nid: str) -> int:
        """The whole serve condition of a pool target as one diagram."""
        if nid not in self._full:
            if self.never[nid]:
                self._full[nid] = FALSE
            else:
                self._full[nid] = self.bdd.and_(self._chain(self.atoms[nid]),
                                                self._routers_and(self.routers[nid]))
        return self._full[nid]

    def _build_router(self, nid: str, cn) -> None:  # type: ignore[no-untyped-def]
        support = 1 << self.atom_index[nid]
        for t in cn.pool:
            support |= self.atoms[t] | self._support(self.routers[t])
        self.support[nid] = support
        pool = self._pool(cn.pool, cn.pool_rule or PoolRule("count", 1))
        self.router_bdd[nid] = self.bdd.and_(self.ge(nid, cn.k), pool)

    def _options(self, t: str) -> list[tuple[float, int]]:
        """(capacity contributed, event) steps of a pool target, smallest first."""
        cn = self.c.nodes[t]
        s = self._full_bdd(t)
        if s == FALSE or cn.k is None:
            return []
        out = []
        for lv in cn.contribution_levels():
            event = s if lv == cn.k else self.bdd.and_(s, self.ge(t, lv))
            out.append((cn.contribution(lv), event))
        return out

    def _pool(self, targets: list[str], rule: PoolRule) -> int:
        b = self.bdd
        if rule.mode == "count":
            serves = [self._full_bdd(t) for t in targets]
            memo: dict[tuple[int, int], int] = {}

            def at_least(i: int, need: int) -> int:
                if need <= 0:
                    return TRUE
                if len(serves) - i < need:
                    return FALSE
                key = (i, need)
                if key not in memo:
                    memo[key] = b.or_(at_least(i + 1, need),
                                      b.and_(serves[i], at_least(i + 1, need - 1)))
                return memo[key]

            return at_least(0, rule.k)
        options = [self._options(t) for t in targets]
        if rule.mode == "single":
            events = []
            for opts in options:
                for contrib, event in opts:
                    if contrib >= rule.load - EPS:
                        events.append(event)
                        break
            return b.or_all(events)
        # capacity: sum of serving targets' up capacity covers the load
        best = [opts[-1][0] if opts else 0.0 for opts in options]
        rest = [0.0] * (len(options) + 1)
        for i in range(len(options) - 1, -1, -1):
            rest[i] = rest[i + 1] + best[i]
        memo2: dict[tuple[int, float], int] = {}

        def covers(i: int, need: float) -> int:
            if need <= EPS:
                return TRUE
            if i == len(options) or rest[i] < need - EPS:
                return FALSE
            key = (i, round(need, 6))
            if key in memo2:
                return memo2[key]
            r = covers(i + 1, need)
            for contrib, event in options[i]:
                r = b.or_(r, b.and_(event, covers(i + 1, need - contrib)))
            memo2[key] = r
            return r

        return covers(0, rule.load)

    # -- probabilities -----------------------------------------------------------
    def _used_containers(self) -> set[str]:
        used: set[str] = set()
        for cn in self.c.nodes.values():
            for group, _ in cn.groups:
                used |= group
        return used

    def _up_counts(self, cols: DomainColumns) -> dict[str, np.ndarray]:
        cache: dict[frozenset[str], np.ndarray] = {}
        counts: dict[str, np.ndarray] = {}
        for nid in self.vars:
            total = np.zeros(cols.n, dtype=np.int64)
            for group, n in self.c.nodes[nid].groups:
                if group not in cache:
                    up = np.ones(cols.n, dtype=bool)
                    for x in group:
                        up &= cols.up(x)
                    cache[group] = up
                total += n * cache[group]
            counts[nid] = total
        return counts

    def _level_distribution(self, nid: str, n_up: np.ndarray) -> np.ndarray:
        """D[l, col] = P(exactly l thresholds met), l = 0..m, computed without cancellation."""
        cn = self.c.nodes[nid]
        ths = self.vars[nid].thresholds
        table = _binomial_table(cn.replicas, cn.availability, cn.unavailability)
        pf = cn.failover_p
        m = len(ths)
        edges = [0] + ths + [cn.replicas + 1]
        per_n = np.zeros((m + 1, table.shape[0]))
        for lvl in range(m + 1):
            lo, hi = edges[lvl], edges[lvl + 1]
            # sum of pmf over [lo, hi) — summed directly, not as a difference of CDFs near 1
            per_n[lvl] = table[:, lo:hi].sum(axis=1) if hi > lo else 0.0
        if pf > 0:
            met = per_n[1:].sum(axis=0)
            per_n[1:] *= (1.0 - pf)
            per_n[0] = per_n[0] + pf * met
        return per_n[:, n_up]

    def _masks(self, masks: list[int]) -> np.ndarray:
        """Bitmasks as a bool matrix (len(masks), n_atoms)."""
        n = len(self.atom_ids)
        nbytes = max(1, (n + 7) // 8)
        raw = b"".join(m.to_bytes(nbytes, "little") for m in masks)
        bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")
        return bits.reshape(len(masks), nbytes * 8)[:, :n].astype(bool)

    def evaluate(self) -> ExactResult:
        n_cols = count_columns(self.c)
        if n_cols > MAX_COLUMNS:
            raise DesignError(
                f"exact analysis would need {n_cols:,} joint region/zone states",
                place="regions and zones",
                fix="set availability 1 on containers whose failures you don't need, or merge zones")
        cols = build_columns(self.c, self._used_containers())
        counts = self._up_counts(cols)
        b = self.bdd
        n_nodes = len(b)
        C = cols.n
        n_atoms = len(self.atom_ids)
        # branch probabilities per level: hi = P(bit | previous bits of the ladder)
        hp = np.zeros((self.n_levels, C))
        lp = np.zeros((self.n_levels, C))
        dists: dict[str, np.ndarray] = {}
        log_p = np.zeros((n_atoms, C))  # log P(own event), 0 where it is impossible
        zero = np.zeros((n_atoms, C))  # 1 where the own event is impossible
        errstate = np.errstate(invalid="ignore", divide="ignore")
        errstate.__enter__()
        for nid, var in self.vars.items():
            D = self._level_distribution(nid, counts[nid])
            dists[nid] = D
            surv = np.cumsum(D[::-1], axis=0)[::-1]  # surv[l] = P(L >= l)
            for i in range(1, len(var.thresholds) + 1):
                lvl = var.first_level + i - 1
                denom = surv[i - 1]
                ok = denom > 0
                safe = np.where(ok, denom, 1.0)
                hp[lvl] = np.where(ok, surv[i] / safe, 0.0)
                lp[lvl] = np.where(ok, D[i - 1] / safe, 1.0)
            a = self.atom_index[nid]
            impossible = D[0] >= 1.0
            zero[a] = impossible
            log_p[a] = np.where(impossible, 0.0, np.log1p(-np.minimum(D[0], 1.0)))
        errstate.__exit__(None, None, None)
        # the diagram: bottom-up P / Q, top-down reach from the system's diagram
        level = np.array(b.level, dtype=np.int64)
        lo = np.array(b.lo, dtype=np.int64)
        hi = np.array(b.hi, dtype=np.int64)
        internal = np.arange(2, n_nodes)
        by_level: dict[int, np.ndarray] = {}
        if len(internal):
            order = internal[np.argsort(level[internal], kind="stable")]
            lv_sorted = level[order]
            bounds = np.flatnonzero(np.diff(lv_sorted)) + 1
            for chunk in np.split(order, bounds):
                by_level[int(level[chunk[0]])] = chunk
        PQ = np.zeros((n_nodes, 2 * C))
        PQ[0, C:] = 1.0
        PQ[1, :C] = 1.0
        for lv in sorted(by_level, reverse=True):
            ids = by_level[lv]
            h2 = np.concatenate([hp[lv], hp[lv]])
            l2 = np.concatenate([lp[lv], lp[lv]])
            PQ[ids] = h2 * PQ[hi[ids]] + l2 * PQ[lo[ids]]
        reach = np.zeros((n_nodes, C))
        reach[self.system.diagram] = 1.0
        for lv in sorted(by_level):
            ids = by_level[lv]
            r = reach[ids]
            _scatter_add(reach, np.concatenate([hi[ids], lo[ids]]),
                         np.concatenate([r * hp[lv], r * lp[lv]]))
        # the independent parts: one matrix product for every node and the system
        names = list(self.parts)
        parts = [self.parts[n] for n in names] + [self.system]
        M = self._masks([p.free for p in parts]).astype(float)
        free_log = M @ log_p
        free_zero = M @ zero
        w = cols.weights

        def combine(k: int, part: _Part) -> np.ndarray:
            """(2C,) per-column P and Q of a part: free product x diagram."""
            if part.never:
                return np.concatenate([np.zeros(C), np.ones(C)])
            pf = np.where(free_zero[k] > 0, 0.0, np.exp(free_log[k]))
            qf = np.where(free_zero[k] > 0, 1.0, -np.expm1(free_log[k]))
            pb, qb = PQ[part.diagram, :C], PQ[part.diagram, C:]
            return np.concatenate([pf * pb, qf + qb - qf * qb])

        p_serve, q_serve = {}, {}
        for k, nid in enumerate(names):
            pq = combine(k, parts[k])
            p_serve[nid], q_serve[nid] = float(pq[:C] @ w), float(pq[C:] @ w)
        sys_k = len(parts) - 1
        sys_pq = combine(sys_k, self.system)
        p_sys, q_sys = float(sys_pq[:C] @ w), float(sys_pq[C:] @ w)
        conditional: dict[str, tuple[float, float, float, float]] = {}
        sys_free = self.system.free
        for nid, var in self.vars.items():
            a = self.atom_index[nid]
            if self.system.never:
                conditional[nid] = (0.0, 1.0, 0.0, 1.0)
            elif sys_free >> a & 1:
                conditional[nid] = self._free_conditionals(
                    nid, a, counts[nid], free_log[sys_k], free_zero[sys_k], log_p, zero,
                    PQ[self.system.diagram], w, C)
            else:
                conditional[nid] = self._node_conditionals(
                    var, dists[nid], counts[nid], PQ, reach, by_level, lo, hi, level, sys_pq,
                    free_log[sys_k], free_zero[sys_k], w, C)
        for nid, cn in self.c.nodes.items():
            if nid not in conditional and cn.role is not Role.SOURCE:
                conditional[nid] = (p_sys, q_sys, p_sys, q_sys)
        for x, cc in self.c.containers.items():
            conditional[x] = self._container_conditionals(x, cc.availability, cc.unavailability,
                                                          cols, sys_pq, w, C, p_sys, q_sys)
        return ExactResult(p_sys, q_sys, p_serve, q_serve, conditional, C, n_nodes)

    def _free_conditionals(self, nid, a, n_up, sys_log, sys_zero, log_p, zero,  # type: ignore[no-untyped-def]
                           diagram_pq, w, C):
        """A free own event of the system: down kills it, up removes one factor."""
        cn = self.c.nodes[nid]
        up_ok = n_up >= self.vars[nid].thresholds[0]
        rest_log = sys_log - log_p[a]
        rest_zero = sys_zero - zero[a]
        alive = up_ok & (rest_zero <= 0)
        pf = np.where(alive, np.exp(rest_log), 0.0)
        qf = np.where(alive, -np.expm1(rest_log), 1.0)
        pb, qb = diagram_pq[:C], diagram_pq[C:]
        del cn
        p_up = float((pf * pb) @ w)
        q_up = float((qf + qb - qf * qb) @ w)
        return (p_up, q_up, 0.0, 1.0)

    def _node_conditionals(self, var, D, n_up, PQ, reach, by_level, lo, hi, level,  # type: ignore[no-untyped-def]
                           sys_pq, sys_log, sys_zero, w, C):
        """A node inside the system's diagram: swap its distribution at every entry."""
        m = len(var.thresholds)
        entries = by_level.get(var.first_level)
        if entries is None or not len(entries):
            p, q = float(sys_pq[:C] @ w), float(sys_pq[C:] @ w)
            return (p, q, p, q)
        entries = entries[reach[entries].max(axis=1) > 0]
        last = var.first_level + m - 1
        exits = np.zeros((len(entries), m + 1), dtype=np.int64)
        for k, e in enumerate(entries):
            cur = int(e)
            for lvl in range(m + 1):
                node = cur
                if level[node] == var.first_level + lvl and level[node] <= last:
                    node = int(lo[node])
                exits[k, lvl] = node
                if level[cur] == var.first_level + lvl and level[cur] <= last:
                    cur = int(hi[cur])
            exits[k, m] = cur
        up_level = np.searchsorted(np.array(var.thresholds), n_up, side="right")  # thresholds met
        d_up = np.zeros_like(D)
        d_up[up_level, np.arange(C)] = 1.0
        d_down = np.zeros_like(D)
        d_down[0] = 1.0
        vals = PQ[exits]  # (E, m+1, 2C)
        r = reach[entries]  # (E, C)
        base = PQ[self.system.diagram]
        pf = np.where(sys_zero > 0, 0.0, np.exp(sys_log))
        qf = np.where(sys_zero > 0, 1.0, -np.expm1(sys_log))
        out = []
        for target in (d_up, d_down):
            delta = target - D  # (m+1, C)
            dd = np.concatenate([delta, delta], axis=1)  # (m+1, 2C)
            change = np.einsum("elc,lc->ec", vals, dd)  # (E, 2C)
            change = (np.concatenate([r, r], axis=1) * change).sum(axis=0)
            pq = base + change
            pb = np.minimum(np.maximum(pq[:C], 0.0), 1.0)
            qb = np.minimum(np.maximum(pq[C:], 0.0), 1.0)
            p = float((pf * pb) @ w)
            q = float((qf + qb - qf * qb) @ w)
            # the update cancels a term of order 1: below 1e-14 what is left is rounding
            p = 0.0 if p < 1e-14 else min(p, 1.0)
            out.extend([p, min(max(q, 0.0), 1.0)])
        return tuple(out)

    def _container_conditionals(self, x, a, q_x, cols, sys_pq, w, C, p_sys, q_sys):  # type: ignore[no-untyped-def]
        if x in cols.forced:
            sl = cols.forced[x]
            wb = w[: cols.n_base]
            p_down = float(sys_pq[:C][sl] @ wb)
            q_down = float(sys_pq[C:][sl] @ wb)
            return (p_sys, q_sys, p_down, q_down)
        if x not in cols.enumerated:
            return (p_sys, q_sys, p_sys, q_sys)
        st = cols.state[x]
        f_down = np.where(st == 0, 1.0, np.where(st == -1, q_x, 0.0)) * w
        f_up = np.where(st == 1, 1.0, np.where(st == -1, a, 0.0)) * w
        p_up = float(sys_pq[:C] @ f_up) / a if a > 0 else p_sys
        q_up = float(sys_pq[C:] @ f_up) / a if a > 0 else q_sys
        p_down = float(sys_pq[:C] @ f_down) / q_x
        q_down = float(sys_pq[C:] @ f_down) / q_x
        return (p_up, q_up, p_down, q_down)


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def exact_availability(compiled: Compiled) -> ExactResult:
    """Exact P(serve) of every node and the system, and P(sys | X up/down) for every X."""
    return ExactEngine(compiled).evaluate()
