"""``analyze(design) -> Report``: every number of DESIGN section 3 in one pass."""

from __future__ import annotations

import math
import time

import numpy as np

from ..model import Design, Role
from .beyond_uptime import add_reliability
from .compiled import EPS, Compiled, compile_design
from .cutsets import minimal_cut_sets
from .exact import ExactResult, _level_masses, exact_availability
from .report import (
    MINUTES_PER_YEAR,
    ClientResult,
    FailureScenario,
    NodeResult,
    Report,
    SystemResult,
    nines,
)
from .scenarios import container_states, full_up_counts, scenario_loads, utilisation
from .simulation import SimulationTooLarge, simulate
from .structure import evaluate
from .sweeps import sweep_demand, sweep_replicas


def _failure_scenarios(design: Design, compiled: Compiled, exact: ExactResult
                       ) -> list[FailureScenario]:
    """Every "X down, everything else up" scenario, judged by the structure function.

    (v2) A scenario survives when no client drops **and** no node runs above 100 %
    (a node that would is down in the structure function, so it names the clients it
    drops); nodes above ``settings.target_utilization`` but within 100 % are ``hot``.
    """
    lost = [nid for nid, cn in compiled.nodes.items() if cn.role is not Role.SOURCE]
    lost += list(compiled.containers)
    if not lost:
        return []
    up = full_up_counts(compiled, lost)
    profile = compiled.profile_index(container_states(compiled, lost), len(lost))
    served = evaluate(compiled, up, profile=profile).serves
    loads = scenario_loads(compiled, up, served, profile)
    comp = [n for n, cn in compiled.nodes.items() if cn.role is not Role.SOURCE]
    down = ~np.array([served[n] for n in comp], dtype=bool).reshape(len(comp), len(lost))
    client_down = ~np.array([served[c] for c in compiled.clients], dtype=bool).reshape(
        len(compiled.clients), len(lost))
    cap_ids, rows, nominal = [], [], []
    for nid, cn in compiled.nodes.items():
        u = utilisation(cn, loads[nid], up[nid])
        if u is not None:
            cap_ids.append(nid)
            rows.append(u)
            nominal.append(cn.load / cn.total_capacity if cn.total_capacity else np.nan)
    util = np.array(rows).reshape(len(cap_ids), len(lost))
    with np.errstate(invalid="ignore"):
        over = util > 1.0 + EPS  # NaN (nothing left of the node) is down, not overloaded
        hot = (util > compiled.target_utilization + EPS) & ~over
    changed = ~np.isnan(util) & ~(np.abs(util - np.array(nominal)[:, None]) <= 1e-9)
    names = np.array(cap_ids, dtype=object)
    comp_arr = np.array(comp, dtype=object)
    down_rows = np.ascontiguousarray(down.T)  # one row per scenario
    out = []
    for i, x in enumerate(lost):
        moved = np.flatnonzero(changed[:, i] | hot[:, i] | over[:, i])  # every figure it names
        cond = exact.conditional.get(x)
        p_down, q_down = (cond[2], cond[3]) if cond else (exact.p_sys, exact.q_sys)
        out.append(FailureScenario(
            x, design.nodes[x].kind,
            [compiled.clients[j] for j in np.flatnonzero(client_down[:, i])],
            comp_arr[down_rows[i]].tolist(),
            [cap_ids[j] for j in np.flatnonzero(over[:, i])],
            dict(zip(names[moved].tolist(), util[moved, i].tolist())),
            p_down, q_down,
            hot=[cap_ids[j] for j in np.flatnonzero(hot[:, i])]))
    return out


def _spof_units(design: Design, compiled: Compiled, failures: list[FailureScenario]
                ) -> dict[str, str]:
    """(v2) Single points of failure by failure unit: one replica, one container, one
    failover window — whose failure alone, everything else up, drops a client.

    Returns {id: the unit(s) in words}; a node (or container) assumed perfect
    (availability 1) is marked so.
    """
    comp = [n for n, cn in compiled.nodes.items() if cn.role is not Role.SOURCE]
    units: dict[str, list[str]] = {}
    if comp and compiled.clients:
        m = len(comp)
        up = {nid: np.full(m, cn.replicas, dtype=np.int64) for nid, cn in compiled.nodes.items()}
        for i, nid in enumerate(comp):
            up[nid][i] -= 1  # one replica of the i-th node lost
        ev = evaluate(compiled, up, m=m)
        windowed = [n for n in comp if compiled.nodes[n].failover_p > 0]
        ev_w = None
        if windowed:
            win = {n: np.arange(len(windowed)) == i for i, n in enumerate(windowed)}
            ev_w = evaluate(compiled, {}, window=win, m=len(windowed))
        for i, nid in enumerate(comp):
            if not ev.system[i]:
                cn = compiled.nodes[nid]
                n = cn.replicas
                if n == 1:
                    units.setdefault(nid, []).append("its only replica")
                elif cn.k is not None and cn.k >= n:
                    units.setdefault(nid, []).append(f"needs all {n} replicas")
                else:
                    units.setdefault(nid, []).append(
                        f"any one of its {n} replicas (the rest cannot carry the load)")
        for i, nid in enumerate(windowed):
            if ev_w is not None and not ev_w.system[i]:
                units.setdefault(nid, []).append("its failover window")
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
    """(v2) Own availability: P(enough of its own replicas up and not in a failover
    window), counting neither dependencies nor containers: (P, Q) without cancellation."""
    cn = compiled.nodes[nid]
    if cn.k is None:
        return 0.0, 1.0
    masses = _level_masses(cn.replicas, cn.availability, cn.unavailability, (cn.k,))
    q_rep, p_rep = float(masses[0]), float(masses[1])
    pf = cn.failover_p
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
            cut_sets: bool | None = None) -> Report:
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
    """
    started = time.perf_counter()

    def left() -> float | None:
        return None if time_budget is None else time_budget - (time.perf_counter() - started)

    compiled = compile_design(design)
    warnings = list(compiled.warnings)
    exact = exact_availability(compiled)
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

    failures = _failure_scenarios(design, compiled, exact)
    spof_units = _spof_units(design, compiled, failures)
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
            report.extras["simulation"] = simulate(
                design, compiled, years=simulation_years, seed=seed,
                budget_seconds=None if remaining is None else max(0.0, remaining) / 2)
        except SimulationTooLarge as exc:
            report.warnings.append(f"no simulation: {exc}")
    if sweeps:
        remaining = left()
        deadline = None if remaining is None else time.perf_counter() + max(0.0, remaining)
        report.extras["sweeps"] = what_if(design, report, deadline)
    return report


def what_if(design: Design, report: Report, deadline: float | None = None) -> dict:
    """Demand 0..2x nominal, and replicas 1..n+2 for the biggest downtime contributors
    (the canvas sweeps the selected node on demand; the report shows the top ones).

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
    for nid in ranked[:SWEEP_NODES]:
        if late():
            break
        replicas[nid] = sweep_replicas(design, nid, max(4, design.nodes[nid].replicas + 2))
    complete = len(demand) == len(SWEEP_FACTORS) and \
        len(replicas) == len(ranked[:SWEEP_NODES])
    return {"demand": demand, "replicas": replicas, "complete": complete}


__all__ = ["analyze"]
