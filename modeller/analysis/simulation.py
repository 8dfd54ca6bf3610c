"""Time view: many simulated years of failures and repairs (DESIGN section 3).

The exact engine gives the mean; users also ask "how bad is a bad year?" and
"how often does it go down?". Every replica and every container is an alternating
renewal process (up ~ Exp(MTBF), down ~ Exp(MTTR)) started in its stationary state,
so there is no warm-up bias and the long-run fraction of time up equals the exact
availability — the simulated mean is a built-in cross-check of the exact engine.

How it stays fast (300 nodes x 1000 years in under two seconds): the state is never
expanded to a global grid of every change point (millions of intervals x hundreds
of nodes). Each quantity is a piecewise-constant function of time kept as its
change points (:class:`_Step`). A node's up-replica count comes from one sorted
sweep over its replicas' own outages, each joined with the outages of the
containers around it. Nodes are visited callees first; a node is
evaluated with the structure-function pieces of :mod:`.structure` (``own_ok``,
``deps_ok``, ``pool_ok``) on the union of the change points of its *own* inputs
only: its up-replica count, its failover window, and the serve states (and, for
capacity pools, the up counts) of what it needs. Serve states change rarely, so
the sets stay small as they climb towards the clients.

Failover windows (active-passive with ``failover_seconds`` > 0): a window of
``failover_seconds`` opens at every failure of the active member's *own* process
(container failures do not open one): for a worker its replica 0, for a router
replica 0 of its first pool target. Overlapping windows merge. At time 0 the
time since that member's last failure is drawn from the stationary law (down:
Exp(MTTR); up: Exp(MTBF) + Exp(MTTR)) so a window may already be open. Windows
open at the renewal rate 1/(MTBF+MTTR), the rate the exact engine uses (v2); a
window overlaps the member's own outage, where the exact engine counts it as an
independent event, a difference that vanishes when windows are short against
MTBF (examples: 30 s windows, 1 h MTTR, MTBF of hundreds of hours). A node with
nothing to fail over to (one replica, a router with one target) has no window.

(v2) Loads move with the failure domains: the load profile in force
(``Compiled.profile_index``) is itself a step function of the containers'
states, and a node whose thresholds or pool load differ between profiles is
evaluated on its change points too.

Years are simulated in chunks (one long stationary run per chunk, cut into
years of 525,960 minutes) so memory stays bounded; a system outage that starts
in one year counts as an outage of that year.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ..model import Design, Role
from .compiled import Compiled, compile_design
from .structure import deps_ok, own_ok, pool_ok, replica_groups

MINUTES_PER_YEAR = 525_960.0
CHUNK_EVENTS = 3_000_000  # change points generated per chunk (bounds memory)
MAX_EVENTS = 150_000_000  # whole run; beyond this fewer years are simulated
HIST_BINS = 40
BUDGET_CHUNK_YEARS = 50  # with a time budget, check the clock at least this often


class SimulationTooLarge(ValueError):
    """Components fail so often that even one simulated year is too big to hold."""


@dataclass
class _Step:
    """A piecewise-constant function on [0, horizon): value ``v[j]`` from ``t[j]``."""

    t: np.ndarray  # float64, t[0] == 0, strictly increasing
    v: np.ndarray

    def at(self, grid: np.ndarray) -> np.ndarray:
        if self.t.size == 1:
            return np.full(grid.shape, self.v[0], dtype=self.v.dtype)
        return self.v[np.searchsorted(self.t, grid, side="right") - 1]


def _const(value: int | bool, dtype: type) -> _Step:
    return _Step(np.zeros(1), np.array([value], dtype=dtype))


def _compress(t: np.ndarray, v: np.ndarray) -> _Step:
    keep = np.empty(v.shape[0], dtype=bool)
    keep[0] = True
    np.not_equal(v[1:], v[:-1], out=keep[1:])
    return _Step(t[keep], v[keep])


def _grid(steps: list[_Step]) -> np.ndarray:
    moving = [s.t for s in steps if s.t.size > 1]
    if not moving:
        return np.zeros(1)
    if len(moving) == 1:
        return moving[0]
    return np.unique(np.concatenate(moving))


@dataclass
class _Renewal:
    """Sample paths of ``rows`` identical alternating renewal processes."""

    fail: np.ndarray  # (rows, n) failure times (may run past the horizon)
    repair: np.ndarray  # (rows, n) repair times
    init_end: np.ndarray  # (rows,) end of a down period in progress at 0 (0: starts up)


def _renewal(rng: np.random.Generator, rows: int, up: float, down: float,
             horizon: float) -> _Renewal:
    """Stationary start: down with probability MTTR/(MTBF+MTTR), residual ~ Exp (memoryless)."""
    start_down = rng.random(rows) < down / (up + down)
    init_end = np.where(start_down, rng.exponential(down, rows), 0.0)
    mu = horizon / (up + down)
    n = int(mu + 6.0 * math.sqrt(mu) + 16)
    base = init_end
    fails, repairs = [], []
    while True:
        ups = rng.exponential(up, (rows, n))
        downs = rng.exponential(down, (rows, n))
        cyc = np.cumsum(ups + downs, axis=1)
        cyc += base[:, None]
        repair = cyc
        fail = cyc - downs
        fails.append(fail)
        repairs.append(repair)
        base = repair[:, -1]
        if base.min() >= horizon:
            break
        n = max(16, n // 4)
    if len(fails) == 1:
        return _Renewal(fails[0], repairs[0], init_end)
    return _Renewal(np.concatenate(fails, axis=1), np.concatenate(repairs, axis=1), init_end)


Intervals = tuple[np.ndarray, np.ndarray]  # sorted, disjoint half-open [start, end)


def _row_intervals(p: _Renewal, i: int, horizon: float) -> Intervals:
    """Own down intervals of process ``i`` clipped to [0, horizon)."""
    n = int(np.searchsorted(p.fail[i], horizon))
    s = p.fail[i, :n]
    e = np.minimum(p.repair[i, :n], horizon)
    if p.init_end[i] > 0:
        s = np.concatenate(([0.0], s))
        e = np.concatenate(([min(float(p.init_end[i]), horizon)], e))
    return s, e


def _merge(s: np.ndarray, e: np.ndarray) -> Intervals:
    """Union of arbitrary intervals (touching ones join)."""
    if s.size <= 1:
        return s, e
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    new = np.empty(s.size, dtype=bool)
    new[0] = True
    np.greater(s[1:], reach[:-1], out=new[1:])
    first = np.nonzero(new)[0]
    return s[first], np.maximum.reduceat(e, first)


def _union_small(s: np.ndarray, e: np.ndarray, cs: np.ndarray, ce: np.ndarray) -> Intervals:
    """Union of a long interval list with a short one (a replica's own outages with its
    containers'): only the few own intervals touching a container outage are re-merged."""
    if cs.size == 0:
        return s, e
    if s.size == 0:
        return cs, ce
    if 8 * cs.size > s.size:  # not short after all (a flaky container): one sweep
        return _down_intervals(_count_step([(s, e), (cs, ce)], np.inf))
    lo = np.searchsorted(e, cs, side="left")  # first own interval ending at/after it
    hi = np.searchsorted(s, ce, side="right")  # own intervals starting at/before its end
    if not np.any(hi > lo):  # no own outage touches a container outage: plain merge
        hit = np.zeros(s.size, dtype=bool)
    else:
        mark = np.bincount(lo, minlength=s.size + 1) - np.bincount(hi, minlength=s.size + 1)
        hit = np.cumsum(mark[:-1]) > 0
    bs, be = _merge(np.concatenate((cs, s[hit])), np.concatenate((ce, e[hit])))
    keep = ~hit
    s2, e2 = s[keep], e[keep]
    at = np.searchsorted(s2, bs) + np.arange(bs.size)
    slot = np.ones(s2.size + bs.size, dtype=bool)
    slot[at] = False
    out_s = np.empty(slot.size)
    out_e = np.empty(slot.size)
    out_s[slot], out_e[slot] = s2, e2
    out_s[at], out_e[at] = bs, be
    return out_s, out_e


def _interval_step(s: np.ndarray, e: np.ndarray) -> _Step:
    """Down indicator (int 0/1) of one sorted disjoint interval list."""
    t = np.empty(2 * s.size + 1)
    v = np.zeros(t.size, dtype=np.int64)
    t[0] = 0.0
    t[1::2], t[2::2] = s, e
    v[1::2] = 1
    if s.size and s[0] == 0.0:
        t, v = t[1:], v[1:]
    return _compress(t, v)


def _down_intervals(count: _Step) -> Intervals:
    """Where a count step is positive, as intervals."""
    step = _compress(count.t, count.v > 0)
    idx = np.nonzero(step.v)[0]
    return step.t[idx], np.append(step.t, np.inf)[idx + 1]


def _count_step(rows: list[Intervals], horizon: float) -> _Step:
    """How many of the rows are down, as a step function (one sorted sweep).

    Start events carry a set lowest mantissa bit, end events a clear one, so one
    plain sort orders them (ends first at equal times) and yields the +1/-1 steps;
    the shift is one ulp (~1e-7 minutes at a 1000-year horizon).
    """
    if not rows:
        return _const(0, np.int64)
    if len(rows) == 1:
        s, e = rows[0]
        st = _interval_step(s, e)
        inside = st.t < horizon
        return _Step(st.t[inside], st.v[inside])
    n0 = sum(1 for s, _ in rows if s.size and s[0] == 0.0)
    starts = np.concatenate([s[1:] if s.size and s[0] == 0.0 else s for s, _ in rows])
    ends = np.concatenate([e for _, e in rows])
    ends = ends[ends < horizon]
    if starts.size + ends.size == 0:
        return _const(n0, np.int64)
    bits = np.concatenate((starts.view(np.int64) | 1, ends.view(np.int64) & ~np.int64(1)))
    bits.sort(kind="stable")
    delta = (bits & 1) * 2 - 1
    t = np.concatenate(([0.0], bits.view(np.float64)))
    c = np.concatenate(([n0], n0 + np.cumsum(delta)))
    return _compress(t, c)


def _window_step(starts: np.ndarray, elapsed0: float, length: float, horizon: float) -> _Step:
    """In-window indicator: [s, s + length) for each failure start, merged."""
    s = starts[starts < horizon]
    if elapsed0 < length:
        s = np.concatenate(([-elapsed0], s))
    if s.size == 0:
        return _const(False, bool)
    e = s + length
    new = np.empty(s.size, dtype=bool)
    new[0] = True
    np.greater(s[1:], e[:-1], out=new[1:])  # equal lengths: ends are sorted too
    gs = np.maximum(s[new], 0.0)
    ends_idx = np.append(np.nonzero(new)[0][1:] - 1, s.size - 1)
    ge = e[ends_idx]
    t = np.empty(2 * gs.size)
    t[0::2], t[1::2] = gs, ge
    v = np.empty(2 * gs.size, dtype=bool)
    v[0::2], v[1::2] = True, False
    if gs[0] > 0:
        t = np.concatenate(([0.0], t))
        v = np.concatenate(([False], v))
    inside = t < horizon
    return _compress(t[inside], v[inside])


def _year_stats(serves: _Step, horizon: float, years: int) -> tuple[np.ndarray, np.ndarray]:
    """(down minutes, outages) per year of a chunk from a serve-state step."""
    down_idx = np.nonzero(~serves.v.astype(bool))[0]
    if down_idx.size == 0:
        return np.zeros(years), np.zeros(years, dtype=np.int64)
    starts = serves.t[down_idx]
    nxt = down_idx + 1
    ends = np.where(nxt < serves.t.size, serves.t[np.minimum(nxt, serves.t.size - 1)], horizon)
    lengths = ends - starts
    cum = np.cumsum(lengths)
    b = np.arange(years + 1) * MINUTES_PER_YEAR
    j = np.searchsorted(starts, b, side="left")
    jm = np.maximum(j - 1, 0)
    f = np.where(j > 0, cum[jm] - lengths[jm] + np.minimum(b - starts[jm], lengths[jm]), 0.0)
    down = np.diff(f)
    real = starts[starts > 0]  # a period already down at 0 began before this run
    outages = np.bincount(np.minimum((real // MINUTES_PER_YEAR).astype(np.int64), years - 1),
                          minlength=years)
    return down, outages


def _down_minutes(serves: _Step, horizon: float) -> float:
    t = np.append(serves.t, horizon)
    return float(np.sum(np.diff(t)[~serves.v.astype(bool)]))


def _params(design: Design, node_id: str) -> tuple[float, float] | None:
    """(MTBF, MTTR) in minutes for one replica; None when it never fails.

    The availability the exact engine uses wins: when MTBF is given without MTTR
    (DESIGN: "MTBF only sets the failure rate") the MTTR is the one that keeps it;
    a perfect replica with an MTBF fails instantly (MTTR 0: no downtime, but a
    failover window still opens).
    """
    node = design.nodes[node_id]
    a, u = node.replica_availability, node.replica_unavailability
    mtbf, mttr = node.mtbf_mttr(design.settings.default_mttr_hours)
    if not math.isfinite(mtbf):
        return None
    if mtbf <= 0.0:  # availability < 1 with MTTR 0 is contradictory: keep the availability
        mttr = design.settings.default_mttr_hours
        mtbf = a * mttr / u
    elif u <= 0.0:
        mttr = 0.0
    elif not math.isclose(mtbf / (mtbf + mttr), a, rel_tol=1e-12):
        mttr = mtbf * u / a
    return mtbf * 60.0, mttr * 60.0


def _events_per_year(design: Design, compiled: Compiled) -> float:
    total = 0.0
    for cid in compiled.containers:
        p = _params(design, cid)
        if p and p[1] > 0:
            total += 2 * MINUTES_PER_YEAR / (p[0] + p[1])
    for nid, cn in compiled.nodes.items():
        if cn.role is Role.SOURCE:
            continue
        p = _params(design, nid)
        if p and p[1] > 0:
            total += 2 * cn.replicas * MINUTES_PER_YEAR / (p[0] + p[1])
    return total


class _Chunk:
    """One stationary run of ``years`` years: serve-state steps of every component."""

    def __init__(self, design: Design, compiled: Compiled, rng: np.random.Generator,
                 years: int, trace: bool = False) -> None:
        self.design, self.compiled, self.rng = design, compiled, rng
        # trace: keep every process's own down intervals and every window, so a test can
        # re-evaluate any instant with the dense structure function
        self.own: dict[str, list[Intervals]] | None = {} if trace else None
        self.windows: dict[str, _Step] = {}
        self.horizon = years * MINUTES_PER_YEAR
        self.members: dict[str, tuple[np.ndarray, float]] = {}
        wanted = set()
        self.capacity_targets: set[str] = set()
        for cn in compiled.nodes.values():
            if cn.failover_p > 0:
                if cn.role is Role.ROUTER:
                    if cn.pool:
                        wanted.add(cn.pool[0])
                else:
                    wanted.add(cn.id)
            if cn.role is Role.ROUTER and cn.pool_rule and cn.pool_rule.mode != "count":
                self.capacity_targets.update(cn.pool)
        self.wanted_members = wanted
        self.containers = {cid: self._container(cid) for cid in compiled.containers}
        self.profile = self._profile_step()
        self.group_down: dict[frozenset[str], Intervals] = {}
        self.raw: dict[str, _Step] = {}
        self.serves: dict[str, _Step] = {}
        for nid in compiled.reverse_order():
            self._node(nid)

    def _container(self, cid: str) -> Intervals:
        p = _params(self.design, cid)
        if p is None or p[1] <= 0:
            return np.zeros(0), np.zeros(0)
        return _row_intervals(_renewal(self.rng, 1, p[0], p[1], self.horizon), 0, self.horizon)

    def _profile_step(self) -> _Step:
        """(v2) The load profile in force over time: it changes only when a container
        goes down or comes back (``Compiled.profile_index`` on the containers' states)."""
        if not self.containers:
            return _const(0, np.int64)
        steps = [_interval_step(*_merge(*iv)) for iv in self.containers.values()]
        g = _grid(steps)
        ups = {cid: st.at(g) == 0 for cid, st in zip(self.containers, steps)}
        return _compress(g, self.compiled.profile_index(ups, g.size))

    def _containers_down(self, containers: frozenset[str]) -> Intervals:
        if containers not in self.group_down:
            parts = [self.containers[c] for c in sorted(containers)]
            if not parts:
                self.group_down[containers] = (np.zeros(0), np.zeros(0))
            else:
                self.group_down[containers] = _merge(np.concatenate([s for s, _ in parts]),
                                                     np.concatenate([e for _, e in parts]))
        return self.group_down[containers]

    def _raw_up(self, nid: str) -> _Step:
        """Up replicas: own outages joined with the outages of the containers around
        each replica's placement, then counted in one sweep."""
        cn = self.compiled.nodes[nid]
        if cn.role is Role.SOURCE:
            return _const(1, np.int64)
        p = _params(self.design, nid)
        proc = None
        if p is not None and p[1] > 0:
            proc = _renewal(self.rng, cn.replicas, p[0], p[1], self.horizon)
            if nid in self.wanted_members:
                f0 = proc.fail[0]
                if proc.init_end[0] > 0:
                    elapsed = float(self.rng.exponential(p[1]))
                else:
                    elapsed = float(self.rng.exponential(p[0]) + self.rng.exponential(p[1]))
                self.members[nid] = (f0[f0 < self.horizon], elapsed)
        elif p is not None and nid in self.wanted_members:  # instant repairs: only windows
            n = int(self.horizon / p[0] + 6 * math.sqrt(self.horizon / p[0]) + 16)
            f0 = np.cumsum(self.rng.exponential(p[0], n))
            while f0[-1] < self.horizon:
                f0 = np.concatenate((f0, f0[-1] + np.cumsum(self.rng.exponential(p[0], n))))
            self.members[nid] = (f0[f0 < self.horizon], float(self.rng.exponential(p[0])))
        rows: list[Intervals] = []
        empty = (np.zeros(0), np.zeros(0))
        for containers, sl in replica_groups(cn):
            cs, ce = self._containers_down(containers)
            for i in range(sl.start, sl.stop):
                s, e = empty if proc is None else _row_intervals(proc, i, self.horizon)
                if self.own is not None:
                    self.own.setdefault(nid, []).append((s, e))
                rows.append(_union_small(s, e, cs, ce))
        down = _count_step(rows, self.horizon)
        return _Step(down.t, cn.replicas - down.v)

    def _node(self, nid: str) -> None:
        cn = self.compiled.nodes[nid]
        raw = self._raw_up(nid)
        if nid in self.capacity_targets:
            self.raw[nid] = raw
        window = None
        if cn.failover_p > 0:
            member = (cn.pool[0] if cn.pool else None) if cn.role is Role.ROUTER else nid
            if member in self.members:
                starts, elapsed = self.members[member]
                fs = self.design.nodes[nid].failover_seconds / 60.0
                window = _window_step(starts, elapsed, fs, self.horizon)
                self.windows[nid] = window
        prof = self.profile if (self.profile.t.size > 1 and cn.role is not Role.SOURCE
                                and self.compiled.varies(nid)) else None
        k_of = self.compiled.k_table(nid) if prof is not None else None
        if prof is None and (window is None or window.t.size == 1 and not window.v[0]):
            own = _compress(raw.t, own_ok(cn, raw.v))
        else:
            inputs = [raw] + ([window] if window is not None else []) + \
                ([prof] if prof is not None else [])
            g = _grid(inputs)
            own = _compress(g, own_ok(cn, raw.at(g), None if window is None else window.at(g),
                                      None if k_of is None else k_of[prof.at(g)]))
        if cn.role is Role.ROUTER:
            needed = [self.serves[t] for t in cn.pool]
            if cn.pool_rule is not None and cn.pool_rule.mode != "count":
                needed += [self.raw[t] for t in cn.pool]
        else:
            needed = [self.serves[d] for d in cn.deps]
        if not needed and cn.role is not Role.ROUTER:
            self.serves[nid] = own
            return
        load_of = None
        if prof is not None and cn.role is Role.ROUTER and cn.pool_rule is not None \
                and cn.pool_rule.mode != "count":
            needed.append(prof)
            load_of = self.compiled.pool_load_table(nid)
        g = _grid([own, *needed])
        m = g.size
        serves = {t: self.serves[t].at(g) for t in (cn.pool if cn.role is Role.ROUTER else cn.deps)}
        if cn.role is Role.ROUTER:
            raws = {t: self.raw[t].at(g) for t in cn.pool if t in self.raw}
            ok = own.at(g) & pool_ok(cn, self.compiled, serves, raws, m,
                                     None if load_of is None else load_of[prof.at(g)])
        else:
            ok = own.at(g) & deps_ok(cn, serves, m)
        self.serves[nid] = _compress(g, ok)

    def system(self) -> _Step:
        steps = [self.serves[c] for c in self.compiled.clients]
        if not steps:
            return _const(True, bool)
        g = _grid(steps)
        ok = np.ones(g.size, dtype=bool)
        for s in steps:
            ok &= s.at(g)
        return _compress(g, ok)


def _summary(down: np.ndarray, outages: np.ndarray, slo: float | None) -> dict:
    years = down.size
    mean = float(down.mean())
    sd = float(down.std(ddof=1)) if years > 1 else 0.0
    se = sd / math.sqrt(years) / MINUTES_PER_YEAR
    unavail = mean / MINUTES_PER_YEAR
    p50, p95, p99 = (float(x) for x in np.percentile(down, [50, 95, 99]))
    out = {
        "availability": 1.0 - unavail,
        "unavailability": unavail,
        "stderr": se,
        "ci95": [1.0 - unavail - 1.96 * se, 1.0 - unavail + 1.96 * se],
        "ci99": [1.0 - unavail - 2.576 * se, 1.0 - unavail + 2.576 * se],
        "downtime_minutes": {"mean": mean, "sd": sd, "p50": p50, "p95": p95, "p99": p99,
                             "max": float(down.max())},
        "outages_per_year": float(outages.mean()),
        "slo": slo,
        "allowed_minutes": None,
        "p_miss_slo": None,
    }
    if slo is not None:
        allowed = (1.0 - slo) * MINUTES_PER_YEAR
        out["allowed_minutes"] = allowed
        out["p_miss_slo"] = float(np.mean(down > allowed + 1e-9))
    return out


def _histogram(down: np.ndarray) -> dict:
    top = float(down.max())
    if top <= 0.0:
        return {"edges": [0.0, 1.0], "counts": [int(down.size)]}
    counts, edges = np.histogram(down, bins=HIST_BINS, range=(0.0, top))
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def _client_slo(design: Design, cid: str) -> float | None:
    value = design.nodes[cid].slo.get("availability")
    return None if value is None else float(value)


def simulate(design: Design, compiled: Compiled | None = None, years: int = 2000,
             seed: int = 0, slo: float | None = None, keep_years: bool = False,
             budget_seconds: float | None = None) -> dict:
    """Simulate ``years`` years of the design; a JSON-ready summary.

    Same design, years and seed: same numbers. Keys (minutes are per year):
    ``availability``, ``unavailability``, ``stderr`` (of the availability),
    ``ci95`` / ``ci99`` ([low, high], mean +- z sd/sqrt(years) of the per-year
    availability), ``downtime_minutes`` {mean, sd, p50, p95, p99, max},
    ``outages_per_year`` (system up -> down transitions), ``slo`` (``slo`` if
    given, else the strictest client availability SLO, or None),
    ``allowed_minutes`` ((1 - slo) x 525,960), ``p_miss_slo`` (fraction of years
    over it), ``histogram`` {edges, counts} of annual downtime, ``clients`` (the
    same summary per client against its own SLO), ``nodes`` {id: {availability,
    unavailability}} (time serving), ``years`` (simulated: fewer than
    ``requested_years`` only when a design would need over MAX_EVENTS change
    points), ``seed``, ``method``; with ``keep_years`` also
    ``annual_downtime_minutes`` (the raw per-year sample).

    ``budget_seconds``: stop after the chunk that passes this much wall time (at
    least one chunk of at most ``BUDGET_CHUNK_YEARS`` years runs); ``years`` then
    says how many ran, ``stopped_by_budget`` that the budget stopped it, and
    ``stderr`` / ``ci95`` / ``ci99`` the precision reached (how many years fit
    depends on the machine; without a budget the result never does).
    """
    if compiled is None:
        compiled = compile_design(design)
    years = int(years)
    if years < 1:
        raise ValueError("years must be at least 1")
    per_year = _events_per_year(design, compiled)
    if per_year > MAX_EVENTS:
        raise SimulationTooLarge(
            f"the simulation would need {per_year:,.0f} failure/repair events for one year "
            f"(limit {MAX_EVENTS:,}); the exact figures stand without it")
    run_years = years
    if per_year * years > MAX_EVENTS:
        run_years = max(1, int(MAX_EVENTS // per_year))
    chunk_years = max(1, min(run_years, int(CHUNK_EVENTS // max(per_year, 1.0))))
    if budget_seconds is not None:
        chunk_years = min(chunk_years, BUDGET_CHUNK_YEARS)
    started = time.perf_counter()
    stopped = False
    rng = np.random.default_rng(seed)
    clients = list(compiled.clients)
    sys_down = np.zeros(run_years)
    sys_out = np.zeros(run_years, dtype=np.int64)
    cl_down = {c: np.zeros(run_years) for c in clients}
    cl_out = {c: np.zeros(run_years, dtype=np.int64) for c in clients}
    node_down = dict.fromkeys(compiled.nodes, 0.0)
    done = 0
    while done < run_years:
        ny = min(chunk_years, run_years - done)
        chunk = _Chunk(design, compiled, rng, ny)
        d, o = _year_stats(chunk.system(), chunk.horizon, ny)
        sys_down[done:done + ny], sys_out[done:done + ny] = d, o
        for c in clients:
            d, o = _year_stats(chunk.serves[c], chunk.horizon, ny)
            cl_down[c][done:done + ny], cl_out[c][done:done + ny] = d, o
        for nid, s in chunk.serves.items():
            node_down[nid] += _down_minutes(s, chunk.horizon)
        done += ny
        if budget_seconds is not None and done < run_years and \
                time.perf_counter() - started > budget_seconds:
            stopped = True
            break
    if done < run_years:  # the budget stopped it: keep the years that ran
        sys_down, sys_out = sys_down[:done], sys_out[:done]
        cl_down = {c: v[:done] for c, v in cl_down.items()}
        cl_out = {c: v[:done] for c, v in cl_out.items()}
        run_years = done
    slos = [s for s in (_client_slo(design, c) for c in clients) if s is not None]
    target = slo if slo is not None else (max(slos) if slos else None)
    result = _summary(sys_down, sys_out, target)
    total = run_years * MINUTES_PER_YEAR
    result.update({
        "years": run_years,
        "requested_years": years,
        "stopped_by_budget": stopped,
        "seed": seed,
        "minutes_per_year": MINUTES_PER_YEAR,
        "histogram": _histogram(sys_down),
        "clients": {c: _summary(cl_down[c], cl_out[c], _client_slo(design, c)) for c in clients},
        "nodes": {nid: {"availability": 1.0 - node_down[nid] / total,
                        "unavailability": node_down[nid] / total} for nid in compiled.nodes
                  if compiled.nodes[nid].role is not Role.SOURCE},
        "method": ("alternating renewal (Exp MTBF / Exp MTTR) per replica and container, "
                   "stationary start; failover windows open at each failure of the active "
                   "member's own process"),
    })
    if keep_years:
        result["annual_downtime_minutes"] = [float(x) for x in sys_down]
    return result
