"""Exact availability by conditioning on the joint state of the regions and zones.

Used when the failure domains have few joint states (``exact.py`` chooses); the
other method, ``exact_diagram.py``, makes them diagram variables instead.

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
   The per-node work (rung distributions, the "X all up / all down" swaps) runs as
   array operations over every node with the same number of rungs at once, one
   binomial per distinct (node, up count) pair.
Unavailabilities are summed from failing paths directly, so twelve nines keep digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..model import DesignError, Role
from .bdd import BDD, FALSE, deep_recursion
from .compiled import EPS, Compiled, PoolRule
from .domains import MAX_COLUMNS, DomainColumns, build_columns, count_columns
from .exact_diagram import ExactResult, _level_masses, _scatter_add, capacity_covers
from .exact_shared import ClosureDiagrams, Part


@dataclass
class _Var:
    node: str
    thresholds: list[int]
    first_level: int


@dataclass
class _Rungs:
    """Diagram nodes with the same number of rungs ``m``, as arrays (one row each)."""

    nodes: list[str]
    m: int
    first: np.ndarray  # first level
    atoms: np.ndarray  # atom index
    thresholds: np.ndarray  # (rows, m)
    params: list[tuple[float, float, tuple[int, ...]]]  # (a, q, thresholds) per row
    pc: np.ndarray  # P(a bad change's first wave is down)
    pf: np.ndarray  # P(in a window that takes the whole node down)


@lru_cache(maxsize=1 << 16)
def _masses(n: int, a: float, q: float, thresholds: tuple[int, ...]) -> np.ndarray:
    return _level_masses(n, a, q, thresholds)


class ExactEngine(ClosureDiagrams):
    """Builds the diagram for one compiled design and evaluates it."""

    def __init__(self, compiled: Compiled, views: list[Compiled] | None = None) -> None:
        self.c = compiled
        self.bdd = BDD()
        self.vars: dict[str, _Var] = {}
        self.atom_index: dict[str, int] = {}
        self.atom_ids: list[str] = []
        self.parts: dict[str, Part] = {}
        self.warnings: list[str] = []
        self._pool_owner = ""
        # one diagram for every load profile: profile selectors sit at the top levels
        # (in a column exactly one holds: P = 1 or 0), each part an if-then-else chain
        # over the profiles' diagrams, which share every node they have in common
        views = views or [compiled]
        self.n_sel = len(views) - 1
        self._plan_variables()
        with deep_recursion():
            built = []
            for view in views:
                self.c = view
                self._build()
                built.append((dict(self.parts), self.system))
            self.c = compiled
            self._combine(built)

    def _combine(self, built: list[tuple[dict[str, Part], Part]]) -> None:
        def chain(options: list[Part]) -> Part:
            if len(options) == 1:
                return options[0]
            free = options[0].free
            assert all(o.free == free for o in options), "a profile changed a closure"
            node = FALSE if options[-1].never else options[-1].diagram
            for p in range(len(options) - 2, -1, -1):
                hi = FALSE if options[p].never else options[p].diagram
                node = self.bdd.mk(p, node, hi)
            return Part(free, node, node == FALSE)

        self.parts = {nid: chain([parts[nid] for parts, _ in built]) for nid in built[0][0]}
        self.system = chain([system for _, system in built])

    # -- variables -----------------------------------------------------------
    def _plan_variables(self) -> None:
        thresholds = self._thresholds()
        order = self._dfs_order()
        level = self.n_sel  # levels 0 .. n_sel - 1: the profile selectors
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

    # -- structure -------------------------------------------------------------
    def _build(self) -> None:
        """Closures as bitmasks; diagrams only for routers and what needs them."""
        self._start_closures()
        for nid in self.c.reverse_order():
            cn = self.c.nodes[nid]
            if self._close_fixed(nid, cn):
                continue
            mask = 0 if cn.role is Role.SOURCE else 1 << self.atom_index[nid]
            routers: set[str] = set()
            self._close(nid, cn.deps, mask, routers)
        self._finish_parts()

    def _build_router(self, nid: str, cn) -> None:  # type: ignore[no-untyped-def]
        support = 1 << self.atom_index[nid]
        for t in cn.pool:
            support |= self.atoms[t] | self._support(self.events[t])
        self.support[nid] = support
        self._pool_owner = nid
        pool = self._pool(cn.pool, cn.pool_rule or PoolRule("count", 1))
        self.event_bdd[nid] = self.bdd.and_(self.ge(nid, cn.k), pool)

    def _pool(self, targets: list[str], rule: PoolRule) -> int:
        """(v2) at least ``rule.k`` targets serve, and for capacity pools the capacity
        of the serving ones covers the load."""
        count = self._at_least(targets, rule.k)
        if rule.mode == "count" or count == FALSE:
            return count
        return self.bdd.and_(count, self._capacity_pool(targets, rule))

    def _capacity_pool(self, targets: list[str], rule: PoolRule) -> int:
        b = self.bdd
        options = [self._options(t) for t in targets]
        if rule.mode == "single":
            events = []
            for opts in options:
                for contrib, event in opts:
                    if contrib >= rule.load - EPS:
                        events.append(event)
                        break
            return b.or_all(events)
        return capacity_covers(b, options, rule.load, self._pool_owner, len(targets),
                               self.warnings)

    # -- probabilities -----------------------------------------------------------
    def _used_containers(self) -> set[str]:
        used: set[str] = set()
        for cn in self.c.nodes.values():
            for group, _ in cn.groups:
                used |= group
        return used

    def _up_counts(self, cols: DomainColumns, sl: slice
                   ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Replicas placed in up containers per column, and (wave rollouts) how many of
        them sit in the first wave."""
        cache: dict[frozenset[str], np.ndarray] = {}
        counts: dict[str, np.ndarray] = {}
        waves: dict[str, np.ndarray] = {}
        n = len(cols.weights[sl])
        for nid in self.vars:
            cn = self.c.nodes[nid]
            total = np.zeros(n, dtype=np.int64)
            wave = np.zeros(n, dtype=np.int64)
            hit = set(cn.change_groups) if cn.wave_p > 0 else set()
            for i, (group, k) in enumerate(cn.groups):
                if group not in cache:
                    up = np.ones(n, dtype=bool)
                    for x in group:
                        up &= cols.state[x][sl] == 1
                    cache[group] = up
                total += k * cache[group]
                if i in hit:
                    wave += k * cache[group]
            counts[nid] = total
            if hit:
                waves[nid] = wave
        return counts, waves

    def _rung_groups(self) -> list[_Rungs]:
        """The diagram's nodes grouped by their number of rungs (vectorised together)."""
        by_m: dict[int, list[str]] = {}
        for nid, var in self.vars.items():
            by_m.setdefault(len(var.thresholds), []).append(nid)
        out = []
        for m, nodes in sorted(by_m.items()):
            cns = [self.c.nodes[n] for n in nodes]
            out.append(_Rungs(
                nodes, m,
                np.array([self.vars[n].first_level for n in nodes], dtype=np.int64),
                np.array([self.atom_index[n] for n in nodes], dtype=np.int64),
                np.array([self.vars[n].thresholds for n in nodes], dtype=np.int64).reshape(-1, m),
                [(cn.availability, cn.unavailability, tuple(self.vars[n].thresholds))
                 for n, cn in zip(nodes, cns)],
                np.array([cn.wave_p for cn in cns]), np.array([cn.window_p for cn in cns])))
        return out

    @staticmethod
    def _mass_matrix(g: _Rungs, rows: np.ndarray, up: np.ndarray) -> np.ndarray:
        """masses[r, l, col]: P(exactly l rungs met) of node ``g.nodes[rows[r]]`` with
        ``up[r, col]`` replicas placed in up containers; one binomial per distinct
        (node, up count) pair (``_level_masses``, cached)."""
        span = int(up.max(initial=0)) + 2
        key = rows[:, None] * span + np.maximum(up, -1) + 1
        uniq, inv = np.unique(key, return_inverse=True)
        table = np.array([_masses(int(u % span) - 1, *g.params[int(u // span)]) for u in uniq])
        return table[inv.reshape(up.shape)].transpose(0, 2, 1)

    def _distributions(self, g: _Rungs, counts: dict[str, np.ndarray],
                       waves: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(D, up) of a rung group: D[r, l, col] = P(exactly l thresholds met), computed
        without cancellation, and the up counts. Windows that take the whole node down
        fold into level 0; (4b) a wave rollout's bad change is a mixture: with
        probability pc the first wave's replicas are down."""
        up = np.stack([counts[n] for n in g.nodes])
        rows = np.arange(len(g.nodes))
        D = self._mass_matrix(g, rows, up)
        mixed = [r for r, n in enumerate(g.nodes) if g.pc[r] > 0 and n in waves]
        if mixed:
            sel = np.array(mixed, dtype=np.int64)
            after = up[sel] - np.stack([waves[g.nodes[r]] for r in mixed])
            pc = g.pc[sel][:, None, None]
            D[sel] = (1.0 - pc) * D[sel] + pc * self._mass_matrix(g, sel, after)
        if (g.pf > 0).any():
            pf = g.pf[:, None]
            met = D[:, 1:].sum(axis=1)
            D = np.concatenate([(D[:, 0] + pf * met)[:, None], D[:, 1:] * (1.0 - pf)[:, :, None]],
                               axis=1)
        return D, up

    def _free_products(self, masks: list[int], log_p: np.ndarray, zero: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
        """(masks as a 0/1 matrix) @ log_p and @ zero, in row blocks so a long chain's
        closures (n x n bits) never become an n x n float matrix at once."""
        n = max(1, len(self.atom_ids))
        step = max(1, (1 << 22) // n)
        f_log = np.zeros((len(masks), log_p.shape[1]))
        f_zero = np.zeros((len(masks), zero.shape[1]))
        for start in range(0, len(masks), step):
            block = self._masks(masks[start:start + step]).astype(float)
            f_log[start:start + step] = block @ log_p
            f_zero[start:start + step] = block @ zero
        return f_log, f_zero

    def evaluate(self, importances: bool = True) -> ExactResult:
        """P and Q of every node and the system; with ``importances`` also
        P(sys | X up / down) for every node and container (one load profile: the
        design's nominal one; :func:`exact_availability` handles profiles)."""
        cols = _columns(self.c)
        acc = _Acc(self.c, cols.n)
        self.accumulate(cols, np.arange(cols.n), importances, acc)
        return acc.finish(cols, importances)

    def accumulate(self, cols: DomainColumns, idx: np.ndarray, importances: bool,
                   acc: _Acc, profile: np.ndarray | None = None) -> None:
        """Add this diagram's weighted P/Q over the columns ``idx`` into ``acc``
        (``profile``: the position of each column's load profile among the views)."""
        b = self.bdd
        n_nodes = len(b)
        n_atoms = len(self.atom_ids)
        acc.bdd_size += n_nodes
        for w in self.warnings:
            if w not in acc.warnings:
                acc.warnings.append(w)
        level = np.array(b.level, dtype=np.int64)
        lo = np.array(b.lo, dtype=np.int64)
        hi = np.array(b.hi, dtype=np.int64)
        internal = np.arange(2, n_nodes)
        by_level: dict[int, np.ndarray] = {}
        if len(internal):
            order = internal[np.argsort(level[internal], kind="stable")]
            bounds = np.flatnonzero(np.diff(level[order])) + 1
            for chunk in np.split(order, bounds):
                by_level[int(level[chunk[0]])] = chunk
        levels_down = sorted(by_level, reverse=True)
        levels_up = levels_down[::-1]
        names = list(self.parts)
        parts = [self.parts[n] for n in names] + [self.system]
        sys_k = len(parts) - 1
        free_masks = [p.free for p in parts]
        diagram_ids = np.array([p.diagram for p in parts], dtype=np.int64)
        never = np.array([p.never for p in parts])
        sys_free = self.system.free
        inside = {nid: var for nid, var in self.vars.items()
                  if not (sys_free >> self.atom_index[nid] & 1) and var.first_level in by_level}
        exits = {nid: self._exits(var, by_level[var.first_level]) for nid, var in inside.items()}
        C = len(idx)
        step = int(max(16, min(max(C, 1), 2**22 // max(1, 2 * n_nodes))))
        acc_parts = np.zeros((len(parts), 2))
        others = [nid for nid, cn in self.c.nodes.items()
                  if cn.role is not Role.SOURCE and nid not in self.vars]
        groups = self._rung_groups()
        for start in range(0, C, step):
            sl = idx[start:start + step]
            w = cols.weights[sl]
            c = len(w)
            counts, waves = self._up_counts(cols, sl)
            hp = np.zeros((self.n_levels, c))
            lp = np.zeros((self.n_levels, c))
            for p in range(self.n_sel):
                hp[p] = profile[sl] == p  # type: ignore[index]
                lp[p] = 1.0 - hp[p]
            dists: list[tuple[np.ndarray, np.ndarray]] = []
            log_p = np.zeros((n_atoms, c))  # log P(own event), 0 where it is impossible
            zero = np.zeros((n_atoms, c))  # 1 where the own event is impossible
            with np.errstate(invalid="ignore", divide="ignore"):
                for g in groups:
                    D, up = self._distributions(g, counts, waves)
                    dists.append((D, up))
                    surv = np.cumsum(D[:, ::-1], axis=1)[:, ::-1]  # surv[l] = P(L >= l)
                    for i in range(1, g.m + 1):
                        lvl = g.first + i - 1
                        denom = surv[:, i - 1]
                        ok = denom > 0
                        safe = np.where(ok, denom, 1.0)
                        hp[lvl] = np.where(ok, surv[:, i] / safe, 0.0)
                        lp[lvl] = np.where(ok, D[:, i - 1] / safe, 1.0)
                    impossible = D[:, 0] >= 1.0
                    zero[g.atoms] = impossible
                    log_p[g.atoms] = np.where(impossible, 0.0, np.log1p(-np.minimum(D[:, 0], 1.0)))
            # the diagram: bottom-up P / Q, top-down reach from the system's diagram
            PQ = np.zeros((n_nodes, 2 * c))
            PQ[0, c:] = 1.0
            PQ[1, :c] = 1.0
            for lv in levels_down:
                ids = by_level[lv]
                h2 = np.concatenate([hp[lv], hp[lv]])
                l2 = np.concatenate([lp[lv], lp[lv]])
                PQ[ids] = h2 * PQ[hi[ids]] + l2 * PQ[lo[ids]]
            reach = np.zeros((n_nodes, c))
            reach[self.system.diagram] = 1.0
            for lv in levels_up if importances else ():
                ids = by_level[lv]
                r = reach[ids]
                _scatter_add(reach, np.concatenate([hi[ids], lo[ids]]),
                             np.concatenate([r * hp[lv], r * lp[lv]]))
            # the independent parts: one matrix product for every node and the system
            f_log, f_zero = self._free_products(free_masks, log_p, zero)
            pf = np.where(f_zero > 0, 0.0, np.exp(f_log))
            qf = np.where(f_zero > 0, 1.0, -np.expm1(f_log))
            pb, qb = PQ[diagram_ids, :c], PQ[diagram_ids, c:]
            P = np.where(never[:, None], 0.0, pf * pb)
            Q = np.where(never[:, None], 1.0, qf + qb - qf * qb)
            acc_parts[:, 0] += P @ w
            acc_parts[:, 1] += Q @ w
            acc.sys_all[0, sl] = P[sys_k]
            acc.sys_all[1, sl] = Q[sys_k]
            if not importances:
                continue
            ws = w.sum()
            if self.system.never:
                for nid in [*self.vars, *others]:
                    acc.cond[nid] += [0.0, ws, 0.0, ws]
                continue
            ps, qs = P[sys_k] @ w, Q[sys_k] @ w
            for nid in others:  # no threshold here: its state does not matter
                acc.cond[nid] += [ps, qs, ps, qs]
            sys_log, sys_zero = f_log[sys_k], f_zero[sys_k]
            sys_free_atoms = self._masks([sys_free])[0]
            for g, (D, up) in zip(groups, dists):
                free = sys_free_atoms[g.atoms]
                rows = np.flatnonzero(free)
                if rows.size:  # its own events multiply the rest: drop them, or all down
                    atoms = g.atoms[rows]
                    up_ok = up[rows] >= g.thresholds[rows, 0][:, None]
                    rest_log = sys_log[None, :] - log_p[atoms]
                    alive = up_ok & (sys_zero[None, :] - zero[atoms] <= 0)
                    pr = np.where(alive, np.exp(rest_log), 0.0)
                    qr = np.where(alive, -np.expm1(rest_log), 1.0)
                    pbs, qbs = pb[sys_k], qb[sys_k]
                    p_up, q_up = (pr * pbs) @ w, (qr + qbs - qr * qbs) @ w
                    for r, pu, qu in zip(rows.tolist(), p_up.tolist(), q_up.tolist()):
                        acc.cond[g.nodes[r]] += [pu, qu, 0.0, ws]
                rows = np.array([r for r, n in enumerate(g.nodes)
                                 if not free[r] and n in inside], dtype=np.int64)
                if rows.size:
                    self._swaps(g, rows, D, up, exits, by_level, PQ, reach, pf[sys_k],
                                qf[sys_k], w, acc)
                for r, nid in enumerate(g.nodes):
                    if not free[r] and nid not in inside:
                        acc.cond[nid] += [ps, qs, ps, qs]
        for k, nid in enumerate(names):
            acc.parts[nid] += acc_parts[k]
        acc.parts[None] += acc_parts[sys_k]

    def _swaps(self, g, rows, D, up, exits, by_level, PQ, reach, pf, qf, w, acc):  # type: ignore[no-untyped-def]  # noqa: PLR0913
        """Weighted P/Q of the system with each node of ``rows`` all up, then all down
        (one chunk of columns).

        Paths through a node's ladder enter at its first threshold; replacing the
        distribution there changes the system by reach x (new - old) x exit values:
        with S[l] = sum over entries e of reach(e) x PQ(exit of e after l rungs),
        the system becomes base + sum_l S[l] x (new[l] - old[l]).
        """
        c = len(w)
        m = g.m
        base = PQ[self.system.diagram]
        budget = max(1, (1 << 22) // max(1, (m + 1) * 2 * c))  # entries per block
        block: list[int] = []
        size = 0
        for r in [*rows.tolist(), None]:
            n_e = 0 if r is None else len(exits[g.nodes[r]])
            if block and (r is None or size + n_e > budget):
                sel = np.array(block, dtype=np.int64)
                ex = [exits[g.nodes[b]] for b in block]
                lens = np.array([len(e) for e in ex], dtype=np.int64)
                all_ex = np.concatenate(ex)
                entries = np.concatenate([by_level[int(g.first[b])] for b in block])
                r2 = reach[entries]
                S = PQ[all_ex] * np.concatenate([r2, r2], axis=1)[:, None, :]
                S = np.add.reduceat(S, np.concatenate([[0], np.cumsum(lens)[:-1]]), axis=0)
                old = D[sel]
                level = (up[sel][:, None, :] >= g.thresholds[sel][:, :, None]).sum(axis=1)
                d_up = (np.arange(m + 1)[None, :, None] == level[:, None, :]).astype(float)
                d_down = np.zeros_like(old)
                d_down[:, 0] = 1.0
                out = []
                for target in (d_up, d_down):
                    delta = target - old
                    pq = base[None, :] + np.einsum("glc,glc->gc", S,
                                                   np.concatenate([delta, delta], axis=2))
                    pb = np.minimum(np.maximum(pq[:, :c], 0.0), 1.0)
                    qb = np.minimum(np.maximum(pq[:, c:], 0.0), 1.0)
                    out += [(pf * pb) @ w, (qf + qb - qf * qb) @ w]
                for i, b in enumerate(block):
                    acc.cond[g.nodes[b]] += [out[0][i], out[1][i], out[2][i], out[3][i]]
                block, size = [], 0
            if r is not None:
                block.append(r)
                size += n_e

    @staticmethod
    def _container_conditionals(x, a, q_x, cols, sys_pq, w, C, p_sys, q_sys):  # type: ignore[no-untyped-def]
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


def _columns(compiled: Compiled) -> DomainColumns:
    n_cols = count_columns(compiled)
    if n_cols > MAX_COLUMNS:
        raise DesignError(
            f"exact analysis would need {n_cols:,} joint region/zone states",
            place="regions and zones",
            fix="set availability 1 on containers whose failures you don't need, or merge zones")
    used: set[str] = set()
    for cn in compiled.nodes.values():
        for group, _ in cn.groups:
            used |= group
    return build_columns(compiled, used)


class _Acc:
    """Weighted sums over columns, added up across load profiles."""

    def __init__(self, compiled: Compiled, n_cols: int) -> None:
        self.c = compiled
        self.parts: dict[str | None, np.ndarray] = {nid: np.zeros(2) for nid in compiled.nodes}
        self.parts[None] = np.zeros(2)
        self.cond = {nid: np.zeros(4) for nid, cn in compiled.nodes.items()
                     if cn.role is not Role.SOURCE}
        self.sys_all = np.zeros((2, n_cols))
        self.bdd_size = 0
        self.warnings: list[str] = []

    def finish(self, cols: DomainColumns, importances: bool) -> ExactResult:
        c = self.c
        p_serve = {nid: float(v[0]) for nid, v in self.parts.items() if nid is not None}
        q_serve = {nid: float(v[1]) for nid, v in self.parts.items() if nid is not None}
        p_sys, q_sys = float(self.parts[None][0]), float(self.parts[None][1])
        conditional: dict[str, tuple[float, float, float, float]] = {}
        if not importances:
            return ExactResult(p_sys, q_sys, p_serve, q_serve, conditional, cols.n, self.bdd_size,
                               list(self.warnings))
        for nid, acc in self.cond.items():
            p_up, q_up, p_down, q_down = (float(x) for x in acc)
            # the update cancels a term of order 1: below 1e-14 what is left is rounding
            # (Q, summed from failing paths, keeps the digits near 0; near 1 it is P's
            # complement, so it is 1 exactly where P is)
            p_up = 0.0 if p_up < 1e-14 else min(p_up, 1.0)
            p_down = 0.0 if p_down < 1e-14 else min(p_down, 1.0)
            q_up = 1.0 if p_up == 0.0 else min(max(q_up, 0.0), 1.0)
            q_down = 1.0 if p_down == 0.0 else min(max(q_down, 0.0), 1.0)
            conditional[nid] = (p_up, q_up, p_down, q_down)
        C = cols.n
        sys_pq = np.concatenate([self.sys_all[0], self.sys_all[1]])
        for x, cc in c.containers.items():
            conditional[x] = ExactEngine._container_conditionals(
                x, cc.availability, cc.unavailability, cols, sys_pq, cols.weights, C, p_sys, q_sys)
        return ExactResult(p_sys, q_sys, p_serve, q_serve, conditional, C, self.bdd_size,
                           list(self.warnings))


def exact_by_columns(compiled: Compiled, importances: bool = True) -> ExactResult:
    """Exact P(serve) of every node and the system, and (with ``importances``)
    P(sys | X up/down) for every node and container X.

    (v2) Loads move with the failure domains: each column (joint container state)
    has a load profile (``Compiled.profile_index``); one diagram holds every profile's
    serve conditions behind profile selectors (deterministic per column), so one pass
    evaluates all columns.
    """
    cols = _columns(compiled)
    container_up = {x: cols.state[x] == 1 for x in compiled.containers}
    prof = compiled.profile_index(container_up, cols.n)
    used = np.unique(prof)
    views = [compiled.view(compiled.profiles[int(g)]) for g in used]
    acc = _Acc(compiled, cols.n)
    engine = ExactEngine(compiled, views)
    engine.accumulate(cols, np.arange(cols.n), importances, acc,
                      profile=np.searchsorted(used, prof))
    return acc.finish(cols, importances)
