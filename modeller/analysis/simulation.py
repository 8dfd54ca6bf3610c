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

Budgets (docs/semantics.md, "Budgets"). Memory is bounded in bytes, work in
change points evaluated, and neither depends on the machine unless a time
budget is given:

- a chunk generates at most :data:`CHUNK_EVENTS` failure/repair events (about
  80 bytes each at the peak of a chunk: ~240 MB); a design needing more than
  that for one year is refused (:class:`SimulationTooLarge`, one line). The
  sample paths of a node with very many replicas are drawn in blocks of at most
  :data:`BLOCK_SLOTS` slots, so one node never needs gigabytes;
- the step functions a chunk holds (serve states of nodes still needed above,
  up counts of pool targets, windows) are counted in bytes against
  :data:`HELD_BYTES`; a node's serve state is dropped once everything that
  needs it has been evaluated;
- the work of a chunk is counted as change points evaluated: each node costs
  the size of its own grid times the inputs it looks up there (a worker with
  many dependencies is evaluated with one sweep over its dependencies' outages
  instead). This is the "events x nodes evaluated per event" cost of a dense
  design, where every failure climbs through many callers. A chunk that passes
  :data:`CHUNK_WORK` (or :data:`HELD_BYTES`) stops and runs again with fewer
  years; a single year that passes :data:`MAX_WORK` or :data:`HELD_BYTES` is
  refused; the whole run stops adding years at :data:`MAX_WORK`;
- with a time budget the first chunk is one year (it measures the seconds a
  year takes), later chunks fit what is left, and a chunk still running at the
  deadline is abandoned: ``years`` says how many ran, ``limit`` says what stopped
  it in words.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from ..model import Design, Role
from ..model.reliability import bad_change_minutes
from .compiled import CNode, Compiled, compile_design
from .structure import deps_ok, own_ok, pool_ok, replica_groups

MINUTES_PER_YEAR = 525_960.0
CHUNK_EVENTS = 3_000_000  # failure/repair events generated per chunk (~80 B each: bounds memory)
MAX_EVENTS = 150_000_000  # whole run; beyond this fewer years are simulated
BLOCK_SLOTS = 1 << 22  # sample-path slots drawn at once for one node (32 MiB an array)
HELD_BYTES = 256 << 20  # step functions a chunk holds at once
CHUNK_WORK = 40_000_000  # change points evaluated per chunk before it runs again smaller
MAX_WORK = 600_000_000  # change points evaluated over the whole run (~20-60 s)
NODE_WORK = 1_000  # what a node's evaluation costs on top of its change points
WIDE = 4  # a worker with more dependencies than this is evaluated by one sweep
HIST_BINS = 40
BUDGET_CHUNK_YEARS = 50  # with a time budget, check the clock at least this often
PROBE_SECONDS = 0.25  # with a time budget, the first year may take this long at least


class SimulationTooLarge(ValueError):
    """Components fail so often (or a design is so deep) that even one simulated year
    is too big to hold or to evaluate within the budgets."""


class _Stop(Exception):
    """A chunk passed one of its limits (``reason``: "memory", "work" or "time")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Limits:
    """What a chunk may use: bytes of step functions held, change points evaluated, a
    deadline (``time.perf_counter()`` value; None: none)."""

    held_bytes: float = HELD_BYTES
    work: float = math.inf
    deadline: float | None = None


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


def _slots(up: float, down: float, horizon: float) -> int:
    """Slots per row :func:`_renewal` draws first: the mean number of cycles plus six
    standard deviations (a second draw tops up the rare row that needs more)."""
    mu = horizon / (up + down)
    return int(mu + 6.0 * math.sqrt(mu) + 16)


def _renewal_blocks(rng: np.random.Generator, rows: int, up: float, down: float,
                    horizon: float) -> Iterator[tuple[int, _Renewal]]:
    """:func:`_renewal` for ``rows`` processes in blocks of at most :data:`BLOCK_SLOTS`
    slots (one block, and the same random numbers, whenever they fit): (first row,
    block)."""
    per = max(1, BLOCK_SLOTS // _slots(up, down, horizon))
    for start in range(0, rows, per):
        yield start, _renewal(rng, min(per, rows - start), up, down, horizon)


def _renewal(rng: np.random.Generator, rows: int, up: float, down: float,
             horizon: float) -> _Renewal:
    """Stationary start: down with probability MTTR/(MTBF+MTTR), residual ~ Exp (memoryless)."""
    start_down = rng.random(rows) < down / (up + down)
    init_end = np.where(start_down, rng.exponential(down, rows), 0.0)
    n = _slots(up, down, horizon)
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


def _change_intervals(rng: np.random.Generator, p: float, window: float,
                      horizon: float) -> Intervals:
    """(4b) Bad-change windows as down intervals: an alternating renewal process with
    windows of fixed length ``window`` and exponential gaps of mean window (1 - p) / p,
    so the long-run share of time inside a window is exactly ``p`` (the exact engine's
    deploys x 12 x CFR x window / 525,960). Stationary start: inside a window with
    probability p (its remaining time uniform)."""
    if p <= 0 or window <= 0:
        return np.zeros(0), np.zeros(0)
    if p >= 1:
        return np.array([0.0]), np.array([horizon])
    gap = window * (1.0 - p) / p
    starts: list[np.ndarray] = []
    t = 0.0
    if rng.random() < p:
        first_end = float(rng.uniform(0.0, window))
        starts.append(np.array([-(window - first_end)]))
        t = first_end
    n = int(horizon / (gap + window) * 1.2 + 16)
    while t < horizon:
        s = t + np.cumsum(rng.exponential(gap, n)) + np.arange(n) * window
        starts.append(s)
        t = float(s[-1] + window)
    st = np.concatenate(starts)
    st = st[st < horizon]
    return np.maximum(st, 0.0), np.minimum(st + window, horizon)


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


class _At(Mapping):
    """Step functions looked up on one grid, each only when asked for (a node with many
    inputs never holds all of them at once)."""

    def __init__(self, steps: Mapping[str, _Step], grid: np.ndarray) -> None:
        self.steps, self.grid = steps, grid

    def __getitem__(self, key: str) -> np.ndarray:
        return self.steps[key].at(self.grid)

    def __iter__(self) -> Iterator[str]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)


def _all_true(steps: list[_Step]) -> _Step:
    """Where every one of ``steps`` (bool) is True, by one sweep over their changes:
    the number of them that are False, counted at each distinct change time (every
    change at a time applied before the count is read, as a lookup on a grid would),
    so the result is the same step as evaluating all of them on the union grid."""
    ts, ds = [], []
    for st in steps:
        down = ~st.v.astype(bool)
        d = down.astype(np.int64)
        delta = np.empty_like(d)
        delta[0] = d[0]
        np.subtract(d[1:], d[:-1], out=delta[1:])
        moving = delta != 0
        moving[0] = True  # every step starts at 0: time 0 is always on the grid
        ts.append(st.t[moving])
        ds.append(delta[moving])
    t = np.concatenate(ts)
    order = np.argsort(t, kind="stable")
    t = t[order]
    count = np.cumsum(np.concatenate(ds)[order])
    last = np.empty(t.size, dtype=bool)
    last[-1] = True
    np.not_equal(t[1:], t[:-1], out=last[:-1])
    return _compress(t[last], count[last] == 0)


class _Chunk:
    """One stationary run of ``years`` years: serve-state steps of every component.

    ``limits``: raise :class:`_Stop` when the step functions held, the change points
    evaluated (``work``) or the clock pass them. A node's serve state is dropped once
    every node that needs it has been evaluated (its down minutes are kept in
    ``node_down``; clients' states are kept). ``trace``: keep everything — every
    process's own down intervals, every window and every serve state — so a test can
    re-evaluate any instant with the dense structure function.
    """

    def __init__(self, design: Design, compiled: Compiled, rng: np.random.Generator,
                 years: int, trace: bool = False, limits: _Limits | None = None) -> None:
        self.design, self.compiled, self.rng = design, compiled, rng
        self.trace = trace
        self.limits = limits if limits is not None else _Limits()
        self.own: dict[str, list[Intervals]] | None = {} if trace else None
        self.windows: dict[str, _Step] = {}
        self.horizon = years * MINUTES_PER_YEAR
        self.members: dict[str, tuple[np.ndarray, float]] = {}
        self.work = 0.0  # change points evaluated
        self.held = 0  # bytes of step functions held now
        self.peak_held = 0
        self.evaluated = 0  # nodes done
        self.node_down: dict[str, float] = {}
        wanted = set()
        self.capacity_targets: set[str] = set()
        self.waiting: dict[str, int] = dict.fromkeys(compiled.nodes, 0)  # consumers left
        for cn in compiled.nodes.values():
            if cn.failover_p > 0:
                if cn.role is Role.ROUTER:
                    if cn.pool:
                        wanted.add(cn.pool[0])
                else:
                    wanted.add(cn.id)
            if cn.role is Role.ROUTER and cn.pool_rule and cn.pool_rule.mode != "count":
                self.capacity_targets.update(cn.pool)
            for t in _inputs(cn):
                self.waiting[t] += 1
        self.wanted_members = wanted
        self.containers = {cid: self._container(cid) for cid in compiled.containers}
        self.held += sum(s.nbytes + e.nbytes for s, e in self.containers.values())
        self.profile = self._profile_step()
        self.group_down: dict[frozenset[str], Intervals] = {}
        self.raw: dict[str, _Step] = {}
        self.serves: dict[str, _Step] = {}
        for nid in compiled.reverse_order():
            self._node(nid)

    # -- limits --------------------------------------------------------------------
    def _hold(self, step: _Step, sign: int = 1) -> None:
        self.held += sign * (step.t.nbytes + step.v.nbytes)
        self.peak_held = max(self.peak_held, self.held)

    def _check(self) -> None:
        lim = self.limits
        if self.held > lim.held_bytes:
            raise _Stop("memory")
        if self.work > lim.work:
            raise _Stop("work")
        if lim.deadline is not None and time.perf_counter() > lim.deadline:
            raise _Stop("time")

    def _release(self, nid: str) -> None:
        """Nothing left needs this node's states: drop them (not a client's, not traced)."""
        if self.trace or self.compiled.nodes[nid].role is Role.SOURCE:
            return
        for store in (self.serves, self.raw):
            step = store.pop(nid, None)
            if step is not None:
                self._hold(step, -1)

    # -- processes -----------------------------------------------------------------
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
            s, e = self.group_down[containers]
            self.held += s.nbytes + e.nbytes
        return self.group_down[containers]

    def _raw_up(self, nid: str) -> _Step:
        """Up replicas: own outages joined with the outages of the containers around
        each replica's placement, then counted in one sweep. The replicas' sample paths
        are drawn in blocks (:func:`_renewal_blocks`), each turned into intervals and
        dropped before the next."""
        cn = self.compiled.nodes[nid]
        if cn.role is Role.SOURCE:
            return _const(1, np.int64)
        p = _params(self.design, nid)
        empty = (np.zeros(0), np.zeros(0))
        own: list[Intervals] = [empty] * cn.replicas
        if p is not None and p[1] > 0:
            for start, proc in _renewal_blocks(self.rng, cn.replicas, p[0], p[1], self.horizon):
                if start == 0 and nid in self.wanted_members:
                    f0 = proc.fail[0]
                    if proc.init_end[0] > 0:
                        elapsed = float(self.rng.exponential(p[1]))
                    else:
                        elapsed = float(self.rng.exponential(p[0]) + self.rng.exponential(p[1]))
                    self.members[nid] = (f0[f0 < self.horizon], elapsed)
                for i in range(proc.fail.shape[0]):
                    own[start + i] = _row_intervals(proc, i, self.horizon)
        elif p is not None and nid in self.wanted_members:  # instant repairs: only windows
            n = int(self.horizon / p[0] + 6 * math.sqrt(self.horizon / p[0]) + 16)
            f0 = np.cumsum(self.rng.exponential(p[0], n))
            while f0[-1] < self.horizon:
                f0 = np.concatenate((f0, f0[-1] + np.cumsum(self.rng.exponential(p[0], n))))
            self.members[nid] = (f0[f0 < self.horizon], float(self.rng.exponential(p[0])))
        rows: list[Intervals] = []
        change = self._changes(nid, cn)
        for gi, (containers, sl) in enumerate(replica_groups(cn)):
            cs, ce = self._containers_down(containers)
            hit = change is not None and (cn.change_all or gi in cn.change_groups)
            for i in range(sl.start, sl.stop):
                s, e = own[i]
                if hit:  # (4b) inside a bad-change window the replicas it hits are down
                    s, e = _down_intervals(_count_step([(s, e), change], np.inf))  # type: ignore[list-item]
                if self.own is not None:
                    self.own.setdefault(nid, []).append((s, e))
                rows.append(_union_small(s, e, cs, ce))
        del own
        # each outage passes through a few sorted sweeps: weighted like 8 grid lookups
        self.work += NODE_WORK + 8 * sum(s.size for s, _ in rows)
        down = _count_step(rows, self.horizon)
        return _Step(down.t, cn.replicas - down.v)

    def _changes(self, nid: str, cn: CNode) -> Intervals | None:
        """(4b) The node's bad-change windows (None: it deploys no risky changes)."""
        if cn.change_p <= 0:
            return None
        node = self.design.nodes[nid]
        window = bad_change_minutes(node, self.design.settings.default_mttr_hours)
        iv = _change_intervals(self.rng, cn.change_p, window, self.horizon)
        self.held += iv[0].nbytes + iv[1].nbytes
        return iv

    def _window(self, nid: str, cn: CNode) -> _Step | None:
        """The node's window events as an in-window step (None: it has none).

        Today the failover window: ``failover_seconds`` from each failure of the active
        member's own process (a worker's replica 0, a router's first target's). Another
        per-node window (a bad change, say) would be one more step OR-ed in here: it
        reaches ``own_ok`` exactly as this one does.
        """
        if cn.failover_p <= 0:
            return None
        member = (cn.pool[0] if cn.pool else None) if cn.role is Role.ROUTER else nid
        if member not in self.members:
            return None
        starts, elapsed = self.members[member]
        fs = self.design.nodes[nid].failover_seconds / 60.0
        window = _window_step(starts, elapsed, fs, self.horizon)
        if self.trace:
            self.windows[nid] = window
        return window

    # -- one node --------------------------------------------------------------------
    def _node(self, nid: str) -> None:
        cn = self.compiled.nodes[nid]
        raw = self._raw_up(nid)
        if nid in self.capacity_targets:
            self.raw[nid] = raw
            self._hold(raw)
        window = self._window(nid, cn)
        prof = self.profile if (self.profile.t.size > 1 and cn.role is not Role.SOURCE
                                and self.compiled.varies(nid)) else None
        k_of = self.compiled.k_table(nid) if prof is not None else None
        if prof is None and (window is None or window.t.size == 1 and not window.v[0]):
            own = _compress(raw.t, own_ok(cn, raw.v))
        else:
            inputs = [raw] + ([window] if window is not None else []) + \
                ([prof] if prof is not None else [])
            g = _grid(inputs)
            self.work += g.size * len(inputs)
            own = _compress(g, own_ok(cn, raw.at(g), None if window is None else window.at(g),
                                      None if k_of is None else k_of[prof.at(g)]))
        if cn.role is Role.ROUTER:
            needed = [self.serves[t] for t in cn.pool]
            if cn.pool_rule is not None and cn.pool_rule.mode != "count":
                needed += [self.raw[t] for t in cn.pool]
        else:
            needed = [self.serves[d] for d in cn.deps]
        if not needed and cn.role is not Role.ROUTER:
            self._done(nid, own)
            return
        if cn.role is not Role.ROUTER and len(needed) > WIDE:
            # deps_ok by one sweep: a wide worker costs its inputs' changes, not
            # (grid x inputs)
            self.work += sum(st.t.size for st in needed)
            deps = _all_true(needed)
            g = _grid([own, deps])
            self.work += 2 * g.size
            self._done(nid, _compress(g, own.at(g) & deps.at(g)))
            return
        load_of = None
        if prof is not None and cn.role is Role.ROUTER and cn.pool_rule is not None \
                and cn.pool_rule.mode != "count":
            needed.append(prof)
            load_of = self.compiled.pool_load_table(nid)
        g = _grid([own, *needed])
        m = g.size
        self.work += m * (len(needed) + 1)
        self._check()  # before the grid's lookups: a dense node is where the work is
        serves = _At(self.serves, g)
        if cn.role is Role.ROUTER:
            raws = _At(self.raw, g)
            ok = own.at(g) & pool_ok(cn, self.compiled, serves, raws, m,
                                     None if load_of is None else load_of[prof.at(g)])
        else:
            ok = own.at(g) & deps_ok(cn, serves, m)
        self._done(nid, _compress(g, ok))

    def _done(self, nid: str, serves: _Step) -> None:
        """Keep a node's serve state for what needs it; drop what nothing needs now."""
        self.serves[nid] = serves
        self.node_down[nid] = _down_minutes(serves, self.horizon)
        self._hold(serves)
        self.evaluated += 1
        for t in _inputs(self.compiled.nodes[nid]):
            self.waiting[t] -= 1
            if self.waiting[t] == 0:
                self._release(t)
        if self.waiting[nid] == 0:
            self._release(nid)
        self._check()

    def system(self) -> _Step:
        steps = [self.serves[c] for c in self.compiled.clients]
        if not steps:
            return _const(True, bool)
        g = _grid(steps)
        ok = np.ones(g.size, dtype=bool)
        for s in steps:
            ok &= s.at(g)
        return _compress(g, ok)


def _inputs(cn: CNode) -> list[str]:
    """The nodes whose serve states (and, for pools, up counts) a node reads."""
    return cn.pool if cn.role is Role.ROUTER else cn.deps


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
    ``requested_years`` only when a budget or limit stopped it: ``limit`` then says
    which, in words, else None), ``work`` (change points evaluated), ``seed``,
    ``method``; with ``keep_years`` also ``annual_downtime_minutes`` (the raw
    per-year sample).

    Budgets (module docstring): memory in bytes and work in change points, the same
    on every machine; a design whose single year does not fit raises
    :class:`SimulationTooLarge` with one line saying why.

    ``budget_seconds``: the first chunk is one year (it may take up to
    ``max(budget_seconds, PROBE_SECONDS)``), later ones of at most
    ``BUDGET_CHUNK_YEARS`` years fit the time left, and a chunk still running at the
    deadline is dropped; ``years`` then says how many ran, ``stopped_by_budget`` that
    the budget stopped it, and ``stderr`` / ``ci95`` / ``ci99`` the precision reached
    (how many years fit depends on the machine; without a budget the result never
    does).
    """
    if compiled is None:
        compiled = compile_design(design)
    years = int(years)
    if years < 1:
        raise ValueError("years must be at least 1")
    per_year = _events_per_year(design, compiled)
    if per_year > CHUNK_EVENTS:
        raise SimulationTooLarge(
            f"one simulated year needs {per_year:,.0f} failure/repair events, more than the "
            f"{CHUNK_EVENTS:,} that fit its memory budget; the exact figures stand without it")
    run_years = years
    limit = None
    if per_year * years > MAX_EVENTS:
        run_years = max(1, int(MAX_EVENTS // per_year))
        limit = (f"the event limit ({MAX_EVENTS:,} failure/repair events) allows "
                 f"{run_years:,} of {years:,} years")
    by_events = max(1, min(run_years, int(CHUNK_EVENTS // max(per_year, 1.0))))
    chunk_years = 1 if budget_seconds is not None else by_events
    started = time.perf_counter()
    deadline = None if budget_seconds is None else started + budget_seconds
    stopped = False
    rng = np.random.default_rng(seed)
    clients = list(compiled.clients)
    sys_down = np.zeros(run_years)
    sys_out = np.zeros(run_years, dtype=np.int64)
    cl_down = {c: np.zeros(run_years) for c in clients}
    cl_out = {c: np.zeros(run_years, dtype=np.int64) for c in clients}
    node_down = dict.fromkeys(compiled.nodes, 0.0)
    done = 0
    work = 0.0
    while done < run_years:
        ny = min(chunk_years, run_years - done)
        left = MAX_WORK - work
        limits = _Limits(HELD_BYTES, min(CHUNK_WORK, left) if ny > 1 else left, deadline)
        if done == 0 and deadline is not None:
            limits.deadline = started + max(budget_seconds or 0.0, PROBE_SECONDS)
        t0 = time.perf_counter()
        try:
            chunk = _Chunk(design, compiled, rng, ny, limits=limits)
        except _Stop as stop:
            if stop.reason == "time":
                if done == 0:
                    raise SimulationTooLarge(
                        f"one simulated year takes longer than the time budget "
                        f"({max(budget_seconds or 0.0, PROBE_SECONDS):.2g} s); "
                        "the exact figures stand without it") from None
                stopped = True
                break
            if ny > 1:  # too big for one chunk: the same years again, fewer at a time
                chunk_years = max(1, ny // 4)
                continue
            if done == 0:
                raise SimulationTooLarge(_too_large(stop.reason)) from None
            limit = _limit_words(stop.reason, done, years)
            break
        d, o = _year_stats(chunk.system(), chunk.horizon, ny)
        sys_down[done:done + ny], sys_out[done:done + ny] = d, o
        for c in clients:
            d, o = _year_stats(chunk.serves[c], chunk.horizon, ny)
            cl_down[c][done:done + ny], cl_out[c][done:done + ny] = d, o
        for nid, value in chunk.node_down.items():
            node_down[nid] += value
        done += ny
        work += chunk.work
        # the next chunk: as many years as fit its limits at this chunk's cost a year
        fits = [by_events, max(1, int(CHUNK_WORK * ny // max(chunk.work, 1.0))),
                max(1, int((MAX_WORK - work) * ny // max(chunk.work, 1.0))),
                max(1, int(HELD_BYTES * ny // max(2 * chunk.peak_held, 1)))]
        if deadline is not None:
            now = time.perf_counter()
            if done < run_years and now > deadline:
                stopped = True
                break
            per = (now - t0) / ny
            fits += [BUDGET_CHUNK_YEARS, max(1, int(0.9 * (deadline - now) / max(per, 1e-9)))]
        chunk_years = min(fits)
        if done < run_years and work + chunk.work / ny > MAX_WORK:
            limit = _limit_words("work", done, years)
            break
    if done < run_years:  # a budget or a limit stopped it: keep the years that ran
        sys_down, sys_out = sys_down[:done], sys_out[:done]
        cl_down = {c: v[:done] for c, v in cl_down.items()}
        cl_out = {c: v[:done] for c, v in cl_out.items()}
        run_years = done
    if stopped:
        limit = f"the time budget stopped it after {done:,} of {years:,} years"
    slos = [s for s in (_client_slo(design, c) for c in clients) if s is not None]
    target = slo if slo is not None else (max(slos) if slos else None)
    result = _summary(sys_down, sys_out, target)
    total = run_years * MINUTES_PER_YEAR
    result.update({
        "years": run_years,
        "requested_years": years,
        "stopped_by_budget": stopped,
        "limit": limit,
        "work": work,
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


def _too_large(reason: str) -> str:
    """One line: why not even one simulated year fits."""
    if reason == "memory":
        return (f"one simulated year holds more than {HELD_BYTES >> 20} MiB of state changes "
                "(failures climbing through many callers); the exact figures stand without it")
    return (f"one simulated year needs more than {MAX_WORK:,} change points evaluated "
            "(failures climbing through many callers); the exact figures stand without it")


def _limit_words(reason: str, done: int, years: int) -> str:
    what = {"memory": f"the memory budget ({HELD_BYTES >> 20} MiB of state changes)",
            "work": f"the work limit ({MAX_WORK:,} change points evaluated)"}[reason]
    return f"{what} allowed {done:,} of {years:,} years"
