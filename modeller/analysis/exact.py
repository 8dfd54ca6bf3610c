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


class ExactEngine:
    """Builds the diagram for one compiled design and evaluates it."""

    def __init__(self, compiled: Compiled) -> None:
        self.c = compiled
        self.bdd = BDD()
        self.vars: dict[str, _Var] = {}
        self.level_owner: list[tuple[str, int]] = []  # level -> (node, bit index 1..m)
        self.serve: dict[str, int] = {}
        self.system = TRUE
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
            for i in range(len(ths)):
                self.level_owner.append((nid, i + 1))
            level += len(ths)

    def ge(self, nid: str, threshold: int) -> int:
        """BDD of "at least ``threshold`` replicas of nid up (and not failing over)"."""
        v = self.vars[nid]
        idx = v.thresholds.index(threshold)
        return self.bdd.ladder(v.first_level, idx + 1)

    # -- structure -------------------------------------------------------------
    def _build(self) -> None:
        b = self.bdd
        for nid in self.c.reverse_order():
            cn = self.c.nodes[nid]
            if cn.role is Role.SOURCE:
                self.serve[nid] = b.and_all([self.serve[d] for d in cn.deps])
                continue
            if cn.k is None:
                self.serve[nid] = FALSE
                continue
            own = self.ge(nid, cn.k)
            if cn.role is Role.ROUTER:
                pool = self._pool(cn.pool, cn.pool_rule or PoolRule("count", 1))
                self.serve[nid] = b.and_(own, pool)
            else:
                self.serve[nid] = b.and_all([own] + [self.serve[d] for d in cn.deps])
        self.system = b.and_all([self.serve[c] for c in self.c.clients])

    def _options(self, t: str) -> list[tuple[float, int]]:
        """(capacity contributed, event) steps of a pool target, smallest first."""
        cn = self.c.nodes[t]
        s = self.serve[t]
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
            serves = [self.serve[t] for t in targets]
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
        n_levels = len(self.level_owner)
        C = cols.n
        # branch probabilities per level: hi = P(bit | previous bits of the ladder)
        hp = np.zeros((n_levels, C))
        lp = np.zeros((n_levels, C))
        dists: dict[str, np.ndarray] = {}
        for nid, var in self.vars.items():
            D = self._level_distribution(nid, counts[nid])
            dists[nid] = D
            surv = np.cumsum(D[::-1], axis=0)[::-1]  # surv[l] = P(L >= l)
            for i in range(1, len(var.thresholds) + 1):
                lvl = var.first_level + i - 1
                denom = surv[i - 1]
                ok = denom > 0
                with np.errstate(invalid="ignore", divide="ignore"):
                    hp[lvl] = np.where(ok, surv[i] / np.where(ok, denom, 1.0), 0.0)
                    lp[lvl] = np.where(ok, D[i - 1] / np.where(ok, denom, 1.0), 1.0)
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
        # bottom-up: PQ[:, :C] = P(function true), PQ[:, C:] = P(function false)
        PQ = np.zeros((n_nodes, 2 * C))
        PQ[0, C:] = 1.0
        PQ[1, :C] = 1.0
        for lv in sorted(by_level, reverse=True):
            ids = by_level[lv]
            h2 = np.concatenate([hp[lv], hp[lv]])
            l2 = np.concatenate([lp[lv], lp[lv]])
            PQ[ids] = h2 * PQ[hi[ids]] + l2 * PQ[lo[ids]]
        # top-down: probability of reaching each node from the system root
        reach = np.zeros((n_nodes, C))
        reach[self.system] = 1.0
        for lv in sorted(by_level):
            ids = by_level[lv]
            r = reach[ids]
            _scatter_add(reach, np.concatenate([hi[ids], lo[ids]]),
                         np.concatenate([r * hp[lv], r * lp[lv]]))
        w = cols.weights

        def total(node: int) -> tuple[float, float]:
            return float(PQ[node, :C] @ w), float(PQ[node, C:] @ w)

        p_sys, q_sys = total(self.system)
        p_serve, q_serve = {}, {}
        for nid, node in self.serve.items():
            p_serve[nid], q_serve[nid] = total(node)
        conditional: dict[str, tuple[float, float, float, float]] = {}
        sys_pq = PQ[self.system]
        for nid, var in self.vars.items():
            conditional[nid] = self._node_conditionals(nid, var, dists[nid], counts[nid], PQ, reach,
                                                       by_level, lo, hi, level, sys_pq, w, C)
        for nid, cn in self.c.nodes.items():
            if nid not in conditional and cn.role is not Role.SOURCE:
                conditional[nid] = (p_sys, q_sys, p_sys, q_sys)
        for x, cc in self.c.containers.items():
            conditional[x] = self._container_conditionals(x, cc.availability, cc.unavailability,
                                                          cols, sys_pq, w, C, p_sys, q_sys)
        return ExactResult(p_sys, q_sys, p_serve, q_serve, conditional, C, n_nodes)

    def _node_conditionals(self, nid, var, D, n_up, PQ, reach, by_level, lo, hi, level,  # type: ignore[no-untyped-def]
                           sys_pq, w, C):
        m = len(var.thresholds)
        base = sys_pq
        entries = by_level.get(var.first_level)
        if entries is None:
            return (float(base[:C] @ w), float(base[C:] @ w)) * 2
        entries = entries[reach[entries].max(axis=1) > 0] if len(entries) else entries
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
        out = []
        for target in (d_up, d_down):
            delta = target - D  # (m+1, C)
            dd = np.concatenate([delta, delta], axis=1)  # (m+1, 2C)
            change = np.einsum("elc,lc->ec", vals, dd)  # (E, 2C)
            change = (np.concatenate([r, r], axis=1) * change).sum(axis=0)
            pq = base + change
            p = float(pq[:C] @ w)
            q = float(pq[C:] @ w)
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


def exact_availability(compiled: Compiled) -> ExactResult:
    """Exact P(serve) of every node and the system, and P(sys | X up/down) for every X."""
    return ExactEngine(compiled).evaluate()
