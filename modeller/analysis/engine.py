"""``analyze(design) -> Report``: every number of DESIGN section 3 in one pass."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from ..model import Design, Role
from .beyond_uptime import add_reliability
from .compiled import EPS, Compiled, compile_design
from .cutsets import minimal_cut_sets
from .exact import ExactResult, _level_masses, exact_availability
from .idlists import IdList
from .report import (
    MINUTES_PER_YEAR,
    ClientResult,
    FailureScenario,
    NodeResult,
    Report,
    SystemResult,
    nines,
)
from .scenarios import CLOSURE_NODES, SCENARIO_CELLS, Column, ScenarioSet, utilisation
from .simulation import SimulationTooLarge, simulate
from .sweeps import sweep_demand, sweep_replicas

if TYPE_CHECKING:
    from .latency import LatencyResult


def _failure_scenarios(design: Design, compiled: Compiled, exact: ExactResult,
                       warnings: list[str] | None = None,
                       scenarios: ScenarioSet | None = None) -> list[FailureScenario]:
    """Every "X down, everything else up" scenario, judged by the structure function.

    (v2) A scenario survives when no client drops **and** no node runs above 100 %
    (a node that would is down in the structure function, so it names the clients it
    drops); nodes above ``settings.target_utilization`` but within 100 % are ``hot``.

    Bounded (``scenarios`` module docstring): columns run in chunks over the nodes a
    loss can change; every other node keeps its all-up figures. When the whole set
    would cost more than ``SCENARIO_CELLS`` node states, containers come first, then
    the nodes that add the most downtime, and one line in ``warnings`` says how many
    single-part failures were left out.
    """
    comp = [nid for nid, cn in compiled.nodes.items() if cn.role is not Role.SOURCE]
    columns = [Column(x, "node") for x in comp] + [Column(x, "container")
                                                   for x in compiled.containers]
    if not columns:
        return []
    ss = scenarios if scenarios is not None else ScenarioSet(compiled)
    comp_pos = {n: i for i, n in enumerate(comp)}
    client_pos = {c: i for i, c in enumerate(compiled.clients)}
    # the all-up figures: what every column shows for the nodes it cannot change
    loads0 = ss.nominal_loads()
    cap_ids, util0, nominal = [], [], []
    for nid, cn in compiled.nodes.items():
        u = utilisation(cn, loads0[nid], np.array([cn.replicas]))
        if u is not None:
            cap_ids.append(nid)
            util0.append(u[0])
            nominal.append(cn.load / cn.total_capacity if cn.total_capacity else np.nan)
    cap_pos = {n: i for i, n in enumerate(cap_ids)}
    util0_a, nominal_a = np.array(util0, dtype=float), np.array(nominal, dtype=float)
    over0, hot0, moved0 = _judge(util0_a, nominal_a, compiled.target_utilization)
    down0 = np.array([not ss.nominal_serves[n] for n in comp], dtype=bool)
    cdown0 = np.array([not ss.nominal_serves[c] for c in compiled.clients], dtype=bool)
    listed = int(down0.sum() + cdown0.sum() + (over0 | hot0 | moved0).sum())
    priority = [c for c in columns if c.what == "container"] + \
        [Column(x, "node") for x in _by_importance(comp, exact)]
    by_id = {(c.lost, c.what): c for c in columns}
    selected = ss.select(columns, [by_id[(c.lost, c.what)] for c in priority], per_column=listed)
    if len(selected) < len(columns) and warnings is not None:
        warnings.append(_left_out("failure scenarios", columns, selected, ss, listed))
    names = np.array(cap_ids, dtype=object)
    comp_arr = np.array(comp, dtype=object)
    client_arr = np.array(compiled.clients, dtype=object)
    found: dict[tuple[str, str], FailureScenario] = {}
    for chunk in ss.chunks(selected):
        m = len(chunk.columns)
        loads = ss.loads(chunk)
        ev_comp = np.array(sorted(comp_pos[n] for n in chunk.nodes if n in comp_pos), dtype=np.int64)
        ev_cli = np.array(sorted(client_pos[n] for n in chunk.nodes if n in client_pos),
                          dtype=np.int64)
        ev_cap = np.array(sorted(cap_pos[n] for n in chunk.nodes if n in cap_pos), dtype=np.int64)
        down = _stack([~chunk.serves[comp[i]] for i in ev_comp], m, bool)
        cdown = _stack([~chunk.serves[compiled.clients[i]] for i in ev_cli], m, bool)
        util = _stack([utilisation(compiled.nodes[cap_ids[i]], loads[cap_ids[i]],
                                   chunk.up[cap_ids[i]]) for i in ev_cap], m, float)
        over, hot, moved = _judge(util, nominal_a[ev_cap][:, None], compiled.target_utilization)
        base_down = _outside(np.flatnonzero(down0), ev_comp)
        base_cdown = _outside(np.flatnonzero(cdown0), ev_cli)
        base_over = _outside(np.flatnonzero(over0), ev_cap)
        base_hot = _outside(np.flatnonzero(hot0), ev_cap)
        base_moved = _outside(np.flatnonzero(over0 | hot0 | moved0), ev_cap)
        # each column's names, from one nonzero() per matrix (not m masks)
        down_j = _named(down, ev_comp, base_down, comp_arr)
        cdown_j = _named(cdown, ev_cli, base_cdown, client_arr)
        over_j, hot_j = _named(over, ev_cap, base_over, names), _named(hot, ev_cap, base_hot, names)
        moved_m = moved | hot | over
        moved_j, util_j = _per_column(moved_m, ev_cap), _per_column(moved_m, util)
        moved_0 = dict(zip(names[base_moved].tolist(), util0_a[base_moved].tolist()))
        for j, col in enumerate(chunk.columns):
            x = col.lost
            cond = exact.conditional.get(x)
            p_down, q_down = (cond[2], cond[3]) if cond else (exact.p_sys, exact.q_sys)
            if moved_j[j].size:
                mv = np.concatenate((base_moved, moved_j[j]))
                vals = np.concatenate((util0_a[base_moved], util_j[j]))
                order = np.argsort(mv, kind="stable")
                loads = dict(zip(names[mv[order]].tolist(), vals[order].tolist()))
            else:
                loads = dict(moved_0)
            found[(x, col.what)] = FailureScenario(
                x, design.nodes[x].kind, cdown_j[j], down_j[j], over_j[j], loads, p_down,
                q_down, hot=hot_j[j])
    return [found[(c.lost, c.what)] for c in columns if (c.lost, c.what) in found]


def _judge(util: np.ndarray, nominal: np.ndarray, target: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(overloaded, hot, changed from nominal) of utilisation figures; NaN (nothing of
    the node left) is down, neither overloaded nor changed."""
    with np.errstate(invalid="ignore"):
        over = util > 1.0 + EPS
        hot = (util > target + EPS) & ~over
        changed = ~np.isnan(util) & ~(np.abs(util - nominal) <= 1e-9)
    return over, hot, changed


def _stack(rows: list[np.ndarray], m: int, dtype: type) -> np.ndarray:
    return np.array(rows, dtype=dtype).reshape(len(rows), m)


def _outside(positions: np.ndarray, evaluated: np.ndarray) -> np.ndarray:
    """The nominal figures' positions that a chunk did not evaluate (they hold in each
    of its columns)."""
    return positions[~np.isin(positions, evaluated)] if evaluated.size else positions


def _picked(mask: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """For a (rows, columns) mask: ``values`` at its true cells, column after column
    (rows in order within each), and where each column's run ends. ``values`` is
    indexed by row (1-D) or by (row, column) (2-D)."""
    cols, rows = np.nonzero(mask.T)  # column-major: each column's rows in order
    picked = values[rows] if values.ndim == 1 else values[rows, cols]
    return picked, np.cumsum(np.bincount(cols, minlength=mask.shape[1])).tolist()


def _per_column(mask: np.ndarray, values: np.ndarray) -> list[np.ndarray]:
    """Per column of a (rows, columns) mask: ``values`` of its true rows, in row order."""
    picked, ends = _picked(mask, values)
    return np.split(picked, ends[:-1])


def _named(mask: np.ndarray, values: np.ndarray, base: np.ndarray, names: np.ndarray
           ) -> list[IdList]:
    """Per column of a (rows, columns) mask: the names of ``base`` (positions true in
    every column) and of ``values`` at its true rows, in position order — as lists
    built when first read (``idlists``): each column holds a view of one shared array."""
    picked, ends = _picked(mask, values)
    return [IdList(names, base, picked[a:b]) for a, b in zip([0, *ends[:-1]], ends)]


def _by_importance(comp: list[str], exact: ExactResult) -> list[str]:
    """Nodes by downtime contribution, then Birnbaum importance, then design order:
    the scenarios kept first when a budget cannot hold them all."""
    def key(item: tuple[int, str]) -> tuple[float, float, int]:
        i, nid = item
        cond = exact.conditional.get(nid)
        if cond is None:
            return (0.0, 0.0, i)
        _, q_up, _, q_down = cond
        return (-max(exact.q_sys - q_up, 0.0), -max(q_down - q_up, 0.0), i)
    return [nid for _, nid in sorted(enumerate(comp), key=key)]


def _left_out(what: str, columns: list[Column], selected: list[Column], ss: ScenarioSet,
              per_column: int = 0) -> str:
    """One line: how many columns of a scenario set the budget left out, and why."""
    kept = {(c.lost, c.what) for c in selected}
    nodes = [c for c in columns if c.what != "container"]
    kept_nodes = sum(1 for c in nodes if (c.lost, c.what) in kept)
    if not ss.affected.enabled:
        why = (f"{ss.affected.n:,} parts are more than the {CLOSURE_NODES:,} whose "
               "dependents fit the memory budget")
    else:
        need = sum(ss.affected.count(c) + per_column for c in columns)
        why = (f"all of them would take {need:,} node states, beyond the budget of "
               f"{SCENARIO_CELLS:,}; those adding the most downtime were kept")
    line = f"{what}: {kept_nodes:,} of {len(nodes):,} single-part checks done ({why})"
    lost_containers = sum(1 for c in columns if c.what == "container" and
                          (c.lost, c.what) not in kept)
    if lost_containers:
        line += f"; {lost_containers:,} zones/regions left out too"
    return line


def _spof_units(design: Design, compiled: Compiled, failures: list[FailureScenario],
                warnings: list[str] | None = None,
                scenarios: ScenarioSet | None = None, exact: ExactResult | None = None
                ) -> dict[str, str]:
    """(v2) Single points of failure by failure unit: one replica, one container, one
    failover window — whose failure alone, everything else up, drops a client.

    Returns {id: the unit(s) in words}; a node (or container) assumed perfect
    (availability 1) is marked so. Columns (one replica lost, one window open) are
    evaluated like the failure scenarios (:class:`ScenarioSet`, without load
    profiles: everything else is up), within the same budget (with ``exact``, the
    nodes adding the most downtime are checked first).
    """
    comp = [n for n, cn in compiled.nodes.items() if cn.role is not Role.SOURCE]
    units: dict[str, list[str]] = {}
    if comp and compiled.clients:
        ss = scenarios if scenarios is not None else ScenarioSet(compiled)
        windowed = [n for n in comp if compiled.nodes[n].window_p > 0]
        drops: dict[tuple[str, str], bool] = {}
        # losing the only replica is the "X down" scenario (both judged with the nominal
        # load profile: only a lost container moves loads): read it, do not evaluate it
        for f in failures:
            cn = compiled.nodes.get(f.down)
            if cn is not None and cn.replicas == 1:
                drops[(f.down, "replica")] = bool(f.clients_down)
        columns = [Column(n, "replica") for n in comp if (n, "replica") not in drops] + \
            [Column(n, "window") for n in windowed]
        by_id = {(c.lost, c.what): c for c in columns}
        ranked = comp if exact is None else _by_importance(comp, exact)
        priority = [by_id[(n, "replica")] for n in ranked if (n, "replica") in by_id] + \
            [by_id[(n, "window")] for n in windowed]
        selected = ss.select(columns, priority)
        if len(selected) < len(columns) and warnings is not None:
            read = [Column(n, "replica") for n in comp if (n, "replica") in drops]
            warnings.append(_left_out("single points of failure", read + columns,
                                      read + selected, ss))
        for chunk in ss.chunks(selected, profile=False):
            for j, col in enumerate(chunk.columns):
                drops[(col.lost, col.what)] = not chunk.system[j]
        for nid in comp:
            if drops.get((nid, "replica")):
                cn = compiled.nodes[nid]
                n = cn.replicas
                if n == 1:
                    units.setdefault(nid, []).append("its only replica")
                elif cn.k is not None and cn.k >= n:
                    units.setdefault(nid, []).append(f"needs all {n} replicas")
                else:
                    units.setdefault(nid, []).append(
                        f"any one of its {n} replicas (the rest cannot carry the load)")
        for nid in windowed:
            if drops.get((nid, "window")):
                cn = compiled.nodes[nid]
                what = ("its failover window" if cn.change_p <= 0 else
                        "a bad change (all replicas at once)" if cn.failover_p <= 0 else
                        "its failover window; a bad change (all replicas at once)")
                units.setdefault(nid, []).append(what)
    for f in failures:
        if f.kind in ("region", "zone") and f.clients_down:
            units.setdefault(f.down, []).append(f"{f.kind} {design.nodes[f.down].name}")
    out = {}
    for x, words in units.items():
        text = "; ".join(words)
        if design.nodes[x].replica_unavailability <= 0.0:
            text += " (assumed perfect: availability 100 %)"
        out[x] = text
    return out


def _own(compiled: Compiled, nid: str) -> tuple[float, float]:
    """(v2) Own availability: P(enough of its own replicas up and not in a failover or
    bad-change window), counting neither dependencies nor containers: (P, Q) without
    cancellation. (4b) A wave rollout's bad change leaves the replicas outside the first
    wave: P = (1 - pc) P(Bin(n) >= k) + pc P(Bin(n - wave) >= k)."""
    cn = compiled.nodes[nid]
    if cn.k is None:
        return 0.0, 1.0
    masses = _level_masses(cn.replicas, cn.availability, cn.unavailability, (cn.k,))
    q_rep, p_rep = float(masses[0]), float(masses[1])
    pc = cn.wave_p
    if pc > 0:
        rest = _level_masses(cn.replicas - cn.wave_replicas(), cn.availability,
                             cn.unavailability, (cn.k,))
        q_rep = (1.0 - pc) * q_rep + pc * float(rest[0])
        p_rep = (1.0 - pc) * p_rep + pc * float(rest[1])
    pf = cn.window_p
    return p_rep * (1.0 - pf), q_rep + pf - q_rep * pf


def _zero(value: float, scale: float = 1.0) -> float:
    """A value within 1e-12 of zero (relative to ``scale``: a year for minutes) is zero,
    so nothing downstream depends on float noise or the BLAS build."""
    return 0.0 if abs(value) <= ZERO * scale else value


ZERO = 1e-12
DEFAULT_TIME_BUDGET = 1.5  # seconds: the CLI's `analyze` and report exports
SIMULATION_YEARS = 1000
CUT_SET_MAX_UNITS = 400  # minimal cut sets: candidate units for pairs and triples
CUT_SET_MAX_SETS = 20_000  # and candidate pairs + triples evaluated (else "incomplete"),
CUT_SET_MAX_WORK = 4_000_000  # at most this many sets x components (~0.5 s at 500 nodes)
SWEEP_NODES = 2  # replica sweeps for the biggest downtime contributors
SWEEP_FACTORS = [round(0.2 * i, 1) for i in range(11)]  # demand 0..2x for the report


def analyze(design: Design, *, latency: bool = True, simulation_years: int = SIMULATION_YEARS,
            sweeps: bool = True, seed: int = 0, time_budget: float | None = None,
            cut_sets: bool | None = None,
            preliminary: Callable[[Report], None] | None = None) -> Report:
    """Analyse a design (see DESIGN section 3 for what every number means).

    The full report (the CLI's) includes ``extras["simulation"]`` (``simulation_years``
    simulated years, seeded) and ``extras["sweeps"]`` (demand 0..2x and replica
    what-ifs). The live canvas asks for ``simulation_years=0, sweeps=False`` and gets
    those in a slower second pass. Raises DesignError when the design cannot be
    analysed (e.g. a dependency cycle).

    ``time_budget`` (seconds, the CLI's default :data:`DEFAULT_TIME_BUDGET`): the
    simulation runs as many of its years as fit in half of what is left after the
    exact pass (saying how many ran and its precision), and the sweeps stop adding
    rows when the budget is spent (``sweeps["complete"]`` says so). Without a budget
    the numbers never depend on the machine's speed.

    ``cut_sets``: minimal cut sets up to order 3 (``analysis.cutsets``; their search has
    a budget of its own, counted in sets, not seconds). Default: with the full report
    (``sweeps``), not in the live pass.

    ``preliminary``: called first, from the same thread, with a partial report holding
    what the canvas badges show (``Report.preliminary``; see :func:`_preliminary`), so
    the canvas can show an edit's availability before the scenarios, latency,
    importances and 4b figures are done. Costs one more exact pass without importances
    (+20–25 % on the live pass: 162 -> 193 ms on the 300-node example, best of 7).

    Python's cyclic garbage collector is paused while the analysis runs (the pass makes
    thousands of short-lived lists — a 2000-part chain's scenarios list 2 million parts —
    and collecting generations over them cost a fifth of its time); reference counting
    still frees everything, and what cycles remain are collected when it resumes.
    """
    with _cyclic_gc_paused():
        return _analyze(design, latency=latency, simulation_years=simulation_years,
                        sweeps=sweeps, seed=seed, time_budget=time_budget, cut_sets=cut_sets,
                        preliminary=preliminary)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic collector; the caller that paused it resumes it (a nested or
    concurrent analysis finds it paused and leaves it to that caller)."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _analyze(design: Design, *, latency: bool, simulation_years: int, sweeps: bool, seed: int,
             time_budget: float | None, cut_sets: bool | None,
             preliminary: Callable[[Report], None] | None) -> Report:
    started = time.perf_counter()

    def left() -> float | None:
        return None if time_budget is None else time_budget - (time.perf_counter() - started)

    compiled = compile_design(design)
    warnings = list(compiled.warnings)
    if preliminary is not None:
        preliminary(_preliminary(design, compiled, latency))
    exact = exact_availability(compiled)
    warnings += [w for w in exact.warnings if w not in warnings]
    q_sys = exact.q_sys
    p_sys = exact.p_sys
    if not compiled.clients:
        warnings.append("no clients: add a client so there is something to serve")

    lat = None
    if latency:
        try:
            from .latency import analyze_latency
        except ImportError:  # latency model not available in this build
            analyze_latency = None  # type: ignore[assignment]
        if analyze_latency is not None:
            lat = analyze_latency(design, compiled)

    clients, meets_all = _client_results(design, compiled, exact, lat, warnings)
    nodes, total_cost, worst_util, bottleneck = _node_results(design, compiled, exact, lat)

    scenario_set = ScenarioSet(compiled)
    failures = _failure_scenarios(design, compiled, exact, warnings, scenario_set)
    spof_units = _spof_units(design, compiled, failures, warnings, scenario_set, exact)
    spofs = list(spof_units)
    headroom = 1.0 / worst_util if worst_util > 0 else math.inf
    system = SystemResult(p_sys, q_sys, nines(q_sys), q_sys * MINUTES_PER_YEAR, meets_all,
                          total_cost, headroom, bottleneck)
    report = Report(system, clients, nodes, failures, spofs, warnings, revision=design.revision,
                    spof_units=spof_units)
    if cut_sets or (cut_sets is None and sweeps):
        max_sets = min(CUT_SET_MAX_SETS, CUT_SET_MAX_WORK // max(1, len(compiled.nodes)))
        cuts = minimal_cut_sets(design, compiled, q_sys, failures=failures,
                                max_units=CUT_SET_MAX_UNITS, max_sets=max_sets)
        report.cut_sets, report.cut_sets_summary = cuts.cut_sets, cuts.summary()
    report.extras["engine"] = {"columns": exact.columns, "diagram_nodes": exact.bdd_size}
    # (4b) success ratios, error budgets, RTO/RPO per disruption (issue 14; beyond_uptime.py)
    add_reliability(design, compiled, report)
    if simulation_years > 0:
        try:
            remaining = left()
            sim = simulate(design, compiled, years=simulation_years, seed=seed,
                           budget_seconds=None if remaining is None else max(0.0, remaining) / 2)
            report.extras["simulation"] = sim
            if sim.get("limit") and not sim.get("stopped_by_budget"):  # a limit, not the clock
                report.warnings.append(f"simulation: {sim['limit']}")
        except SimulationTooLarge as exc:
            report.warnings.append(f"no simulation: {exc}")
    if sweeps:
        remaining = left()
        deadline = None if remaining is None else time.perf_counter() + max(0.0, remaining)
        report.extras["sweeps"] = what_if(design, report, deadline)
    return report


def _preliminary(design: Design, compiled: Compiled, latency: bool = True) -> Report:
    """The live canvas's first report: what the badges show, before the rest of the pass.

    Filled in, equal with ``==`` to the full report's (the same compiled design and the
    same exact method): every node's and client's P(serve) and nines, own availability,
    load, capacity and utilisation; the system's availability, cost and headroom; the
    verdict of every client without a latency SLO. Not known yet, so not a number: the
    importance fields (birnbaum, downtime contribution, P(sys | up/down)) are NaN, no
    scenario, SPOF, latency, cut set or §4b figure is listed, and a connected client
    whose SLO has a latency target (with ``latency``) is ``pending``: its ``meets_slo``
    counts only its availability, and the system's ``meets_slo`` is False (not yet
    known) while any client is pending. Only the canvas badges read it."""
    exact = exact_availability(compiled, importances=False)
    warnings = list(compiled.warnings)
    clients, meets_all = _client_results(design, compiled, exact, None, warnings)
    nodes, total_cost, worst_util, bottleneck = _node_results(design, compiled, exact, None)
    for res in nodes.values():
        res.birnbaum = res.downtime_contribution_minutes = math.nan
        res.availability_given_up = res.availability_given_down = math.nan
    pending = [cid for cid, c in clients.items()
               if latency and c.connected and "latency_ms_p99" in c.slo]
    system = SystemResult(exact.p_sys, exact.q_sys, nines(exact.q_sys),
                          exact.q_sys * MINUTES_PER_YEAR, meets_all and not pending, total_cost,
                          1.0 / worst_util if worst_util > 0 else math.inf, bottleneck)
    return Report(system, clients, nodes, [], [], warnings, revision=design.revision,
                  preliminary=True, pending=pending)


def _client_results(design: Design, compiled: Compiled, exact: ExactResult, lat: LatencyResult | None,
                    warnings: list[str]) -> tuple[dict[str, ClientResult], bool]:
    """Every client's figures and SLO verdict, and whether every connected client meets
    its SLO. ``lat``: the latency result (None: latency SLOs are not judged)."""
    clients: dict[str, ClientResult] = {}
    meets_all = True
    for cid in compiled.clients:
        n = design.nodes[cid]
        p, q = exact.p_serve[cid], exact.q_serve[cid]
        slo = {k: float(v) for k, v in n.slo.items() if k in ("availability", "latency_ms_p99")}
        client_lat = lat.clients.get(cid) if lat is not None else None
        ok = True
        connected = bool(compiled.links.get(cid))
        if not connected:
            warnings.append(f"{n.name} is not connected: link it to what it calls, or it has "
                            "nothing to be served by (its SLO is not counted)")
        if "availability" in slo and p < slo["availability"] - 1e-15:
            ok = False
        if "latency_ms_p99" in slo and client_lat is not None and \
                not client_lat.p99 <= slo["latency_ms_p99"]:
            ok = False
        if connected:
            meets_all &= ok
        clients[cid] = ClientResult(p, q, nines(q), q * MINUTES_PER_YEAR, ok, slo, client_lat,
                                    float(n.demand_rps or 0.0), connected=connected)
    return clients, meets_all


def _node_results(design: Design, compiled: Compiled, exact: ExactResult,
                  lat: LatencyResult | None) -> tuple[dict[str, NodeResult], float, float, str | None]:
    """Every node's figures (importances from ``exact.conditional`` where it has them),
    the total cost a month, the worst utilisation and the node that has it."""
    p_sys, q_sys = exact.p_sys, exact.q_sys
    nodes: dict[str, NodeResult] = {}
    worst_util, bottleneck = 0.0, None
    total_cost = 0.0
    for nid, node in design.nodes.items():
        cost = node.cost_month * node.replicas
        total_cost += cost
        if node.role is Role.SOURCE or node.is_note or node.is_group:
            continue
        cond = exact.conditional.get(nid, (p_sys, q_sys, p_sys, q_sys))
        p_up, q_up, p_down, q_down = cond
        birnbaum = _zero(max(q_down - q_up, 0.0) if q_down + q_up > 0 else p_up - p_down)
        contribution = _zero(max(q_sys - q_up, 0.0) * MINUTES_PER_YEAR, MINUTES_PER_YEAR)
        if node.is_container:
            cc = compiled.containers[nid]
            res = NodeResult(node.kind, node.name, cc.availability, cc.unavailability,
                             nines(cc.unavailability), birnbaum=birnbaum,
                             downtime_contribution_minutes=contribution,
                             availability_given_down=p_down, availability_given_up=p_up,
                             cost_month=cost, replicas=1, own_availability=cc.availability,
                             own_unavailability=cc.unavailability)
        else:
            cn = compiled.nodes[nid]
            cap = cn.total_capacity
            util = cn.load / cap if cap else None
            if util is not None and util > worst_util:
                worst_util, bottleneck = util, nid
            own_p, own_q = _own(compiled, nid)
            res = NodeResult(node.kind, node.name, exact.p_serve[nid], exact.q_serve[nid],
                             nines(exact.q_serve[nid]), load_rps=cn.load, capacity_rps=cap,
                             utilization=util,
                             latency_ms=lat.nodes.get(nid) if lat is not None else None,
                             end_to_end_ms=lat.end_to_end.get(nid) if lat is not None else None,
                             birnbaum=birnbaum, downtime_contribution_minutes=contribution,
                             availability_given_down=p_down, availability_given_up=p_up,
                             cost_month=cost, replicas=node.replicas, own_availability=own_p,
                             own_unavailability=own_q)
        nodes[nid] = res
    return nodes, total_cost, worst_util, bottleneck


def what_if(design: Design, report: Report, deadline: float | None = None) -> dict:
    """Demand 0..2x nominal, and replicas 1..n+2 for the biggest downtime contributors
    (the canvas sweeps the selected node on demand; the report shows the top ones).
    Replica counts beyond 12 are sampled (``sweeps.replica_counts``): ``replica_counts``
    says, per node, how many counts were swept of how many.

    With a ``deadline`` (``time.perf_counter()`` value) rows stop being added once it
    has passed; ``complete`` says whether every row was computed."""
    ranked = sorted((nid for nid, n in report.nodes.items()
                     if not design.nodes[nid].is_container and n.downtime_contribution_minutes > 0),
                    key=lambda nid: -report.nodes[nid].downtime_contribution_minutes)

    def late() -> bool:
        return deadline is not None and time.perf_counter() > deadline

    demand: list = []
    for f in SWEEP_FACTORS:
        if late():
            break
        demand.extend(sweep_demand(design, [f]))
    replicas: dict[str, list] = {}
    counts: dict[str, dict[str, int]] = {}
    for nid in ranked[:SWEEP_NODES]:
        if late():
            break
        top = max(4, design.nodes[nid].replicas + 2)
        replicas[nid] = sweep_replicas(design, nid, top)
        counts[nid] = {"swept": len(replicas[nid]), "of": top}  # replica_counts: which
    complete = len(demand) == len(SWEEP_FACTORS) and \
        len(replicas) == len(ranked[:SWEEP_NODES])
    return {"demand": demand, "replicas": replicas, "replica_counts": counts,
            "complete": complete}


__all__ = ["analyze"]
