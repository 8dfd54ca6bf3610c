"""RTO and RPO per disruption, the policy check and the error budget (DESIGN 4b).

Disruptions, as AWS Resilience Hub names them:

- ``hardware`` on a node: one replica lost (replica 0, the active one when the node is
  active-passive: the worst case);
- ``software`` on a node that deploys (``deploys_per_month`` > 0 and
  ``change_failure_rate`` > 0): a bad change takes down the replicas of its first wave
  (``model.reliability.first_wave``: every replica when all-at-once);
- ``zone`` / ``region``: the container and everything placed in it.

Each disruption is one column of the structure function (``structure.evaluate`` with the
column's load profile: the rules the scenarios and the exact engine use), evaluated with
everything else up.

RTO (minutes until every client that is served with everything up is served again):

- 0 when every such client is still served and nothing had to switch over;
- detect + failover time when the design survives because something switched: an
  active-passive node whose active replica (replica 0) was lost fails over to a standby
  (its ``detect_minutes`` + ``failover_seconds``), an active-passive router whose active
  target stopped serving fails over to the next pool member or region (the router's);
  the largest such time when several switch;
- otherwise detect + recover of what was lost: its MTTR (detect + recover when both are
  given, else ``mttr_hours`` or the default MTTR, which are taken to include detection);
  for a bad change, ``rollback_minutes`` (else the node's MTTR).

An active-active pool needs no switch (its survivors already serve): RTO 0. A detection
time that was not given counts as 0 in a failover.

RPO (seconds of acknowledged writes lost) over the data stores (``STATEFUL_KINDS``) the
disruption takes a replica from, the worst of them; for one such store S:

- 0 when a sync copy survives: one of S's own replicas with ``replication`` "sync", or
  the target of a sync ``replicates`` link from S; also 0 when S only holds a copy (it
  has no replicates link of its own) and the store it copies from survives;
- else the lag of the best surviving async copy (own replicas: replication_lag_seconds;
  replicates links: lag_seconds);
- else the backup interval (``backup_hours``; backups are kept off the failure domain);
- else None ("everything": nothing protects the data), with a warning when the design
  says anything about data protection (a replication field, a backup, a replicates link,
  or an RPO in the policy). Without ``replication`` a store's replicas do not hold copies
  of each other (shards): losing one loses its share of the data.

A copy "survives" when at least one replica of it is up (placed outside what was lost).
A disruption that takes no replica from a data store loses nothing: RPO 0.

Policy: ``settings.policy[type]`` = {"rto_minutes": x, "rpo_seconds": y}; a row meets it
when its RTO <= x and its RPO is known and <= y (a missing key is not checked; no entry
for the type: ``meets_policy`` None). The summary per type holds the worst RTO and RPO
and whether every row meets the policy.

Error budget per client with an availability SLO: (1 - slo) x 43,830 minutes a month
(365.25 days / 12), and the share of it the design is expected to use:
(1 - availability) x 43,830 / budget.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import Design, Role
from ..model.reliability import (
    DISRUPTIONS,
    STATEFUL_KINDS,
    bad_change_minutes,
    first_wave,
    has_change_risk,
)
from .compiled import Compiled, compile_design
from .report import FailureScenario, ResilienceRow, ResilienceSummary
from .structure import evaluate

CHUNK_CELLS = 1 << 22  # node x disruption states evaluated at once (int32 up counts: 16 MB)
CELL_BUDGET = 40_000_000  # node x disruption states in all (a 6,000-part chain)

MINUTES_PER_MONTH = 43_830.0  # 365.25 x 24 x 60 / 12
TOLERANCE = 1e-9


@dataclass
class Disruption:
    """One column: what is lost and how long restoring it takes."""

    kind: str  # hardware | software | zone | region
    target: str
    lost: dict[str, list[int]]  # node -> replica indices lost
    container: str | None = None  # the lost zone / region
    restore_minutes: float = 0.0
    restore_note: str = ""


@dataclass
class RecoveryResult:
    rows: list[ResilienceRow] = field(default_factory=list)
    summary: dict[str, ResilienceSummary] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def flow_compiled(design: Design, compiled: Compiled | None = None) -> Compiled:
    """The compiled design of the load-carrying links only.

    A ``replicates`` link carries no load and is no dependency. When ``compiled`` already
    leaves such links out (or the design has none) it is returned as is; otherwise the
    design is compiled again without them (the nodes are shared, read only)."""
    reps = design.replication_links()
    if compiled is not None and not any(
            lk.target in dict(compiled.links.get(lk.source, [])) for lk in reps):
        return compiled
    if not reps:
        return compiled if compiled is not None else compile_design(design)
    flow = Design(design.name, [], design.flow_links(), design.settings, design.extra)
    flow.nodes = design.nodes  # shared, never modified
    return compile_design(flow)


def _minutes(x: float) -> str:
    if x == 0:
        return "0 min"
    if x < 1:
        return f"{x * 60:.3g} s"
    if x < 120:
        return f"{x:.3g} min"
    return f"{x / 60:.3g} h"


def _seconds(x: float) -> str:
    if x < 120:
        return f"{x:.3g} s"
    if x < 7200:
        return f"{x / 60:.3g} min"
    return f"{x / 3600:.3g} h"


def _places(design: Design, nid: str) -> list[frozenset[str]]:
    """Containers around each replica of a node (replica i in spread[i mod len])."""
    n = design.nodes[nid]
    if n.spread:
        around = {z: frozenset([z, *design.ancestors(z)]) for z in set(n.spread)}
        return [around[n.spread[i % len(n.spread)]] for i in range(n.replicas)]
    here = frozenset(design.ancestors(nid))
    return [here] * n.replicas


def disruptions(design: Design, compiled: Compiled) -> list[Disruption]:
    """Every hardware, software, zone and region disruption of the design, in that order."""
    default = design.settings.default_mttr_hours
    comps = [nid for nid in design.nodes  # design order, as the canvas lists them
             if nid in compiled.nodes and compiled.nodes[nid].role is not Role.SOURCE]
    out: list[Disruption] = []
    for nid in comps:
        n = design.nodes[nid]
        mttr = n.mtbf_mttr(default)[1] * 60.0
        out.append(Disruption("hardware", nid, {nid: [0]}, restore_minutes=mttr,
                              restore_note=f"{n.name} restored ({_minutes(mttr)} to detect "
                              "and recover)"))
    for nid in comps:
        n = design.nodes[nid]
        if has_change_risk(n):
            window = bad_change_minutes(n, default)
            out.append(Disruption("software", nid, {nid: first_wave(design, n)},
                                  restore_minutes=window,
                                  restore_note=f"bad change on {n.name} rolled back "
                                  f"({_minutes(window)})"))
    inside: dict[str, dict[str, list[int]]] = {}  # container -> node -> replicas in it
    for nid in comps:
        for i, place in enumerate(_places(design, nid)):
            for c in place:
                inside.setdefault(c, {}).setdefault(nid, []).append(i)
    for kind in ("zone", "region"):
        for c in design.containers():
            if c.kind != kind or c.id not in compiled.containers:
                continue
            lost = inside.get(c.id, {})
            mttr = c.mtbf_mttr(default)[1] * 60.0
            out.append(Disruption(kind, c.id, lost, container=c.id, restore_minutes=mttr,
                                  restore_note=f"{kind} {c.name} restored ({_minutes(mttr)} "
                                  "to detect and recover)"))
    return out


def _serve_states(compiled: Compiled, cols: list[Disruption], up: Mapping[str, np.ndarray],
                  by_down: Mapping[str, FailureScenario]) -> dict[str, np.ndarray]:
    """Serve state of every component in every column: the structure function, with the
    column's load profile (only a lost zone or region moves loads: the other columns are
    nominal); a container column found in ``by_down`` is read from its scenario."""
    m = len(cols)
    known = {j: by_down[d.container] for j, d in enumerate(cols)
             if d.container is not None and d.container in by_down}
    rest = [j for j in range(m) if j not in known]
    serves = {nid: np.ones(m, dtype=bool) for nid in compiled.nodes} if known else {}
    for j, f in known.items():
        for nid in (*f.nodes_down, *f.clients_down):
            if nid in serves:
                serves[nid][j] = False
    if not rest:
        return serves
    profile = np.zeros(len(rest), dtype=np.int64)
    at = [k for k, j in enumerate(rest) if cols[j].container is not None]
    if at:
        container_up = {c: np.ones(len(at), dtype=bool) for c in compiled.containers}
        for i, k in enumerate(at):
            container_up[cols[rest[k]].container][i] = False  # type: ignore[index]
        profile[at] = compiled.profile_index(container_up, len(at))
    if not known:  # every column evaluated here: no copy in or out
        return evaluate(compiled, up, m=m, profile=profile if at else None).serves
    idx = np.array(rest, dtype=np.int64)
    ev = evaluate(compiled, {nid: a[idx] for nid, a in up.items()}, m=len(rest),
                  profile=profile).serves
    for nid, a in ev.items():
        serves[nid][idx] = a
    return serves


def _reachable(compiled: Compiled, served: Mapping[str, bool]) -> set[str]:
    """Components some client served with everything up reaches (deps and pools)."""
    todo = [c for c in compiled.clients if served[c]]
    seen = set(todo)
    while todo:
        cn = compiled.nodes[todo.pop()]
        for t in [*cn.deps, *cn.pool]:
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def _first_serving(pool: list[str], serves: Mapping[str, np.ndarray], col: int) -> str | None:
    return next((t for t in pool if serves[t][col]), None)


def _rpo_of_store(design: Design, sid: str, up: Mapping[str, np.ndarray], col: int,
                  copies_of: dict[str, list], copied_from: dict[str, list]
                  ) -> tuple[float | None, str]:
    """RPO (seconds, None = everything) of one data store that lost a replica, and why."""
    s = design.nodes[sid]
    best: tuple[float, str] | None = None

    def offer(value: float, why: str) -> None:
        nonlocal best
        if best is None or value < best[0]:
            best = (value, why)

    if up[sid][col] > 0 and s.replication is not None:
        if s.replication == "sync":
            offer(0.0, f"a sync replica of {s.name} survives")
        else:
            offer(s.replication_lag_seconds, f"an async replica of {s.name} survives "
                  f"({_seconds(s.replication_lag_seconds)} behind)")
    for lk in copies_of.get(sid, []):
        if lk.target in up and up[lk.target][col] > 0:
            t = design.nodes[lk.target]
            if lk.mode == "sync":
                offer(0.0, f"the sync copy in {t.name} survives")
            else:
                offer(lk.lag_seconds, f"the async copy in {t.name} survives "
                      f"({_seconds(lk.lag_seconds)} behind)")
    if not copies_of.get(sid):
        for lk in copied_from.get(sid, []):
            if lk.source in up and up[lk.source][col] > 0:
                offer(0.0, f"{s.name} only holds a copy; {design.nodes[lk.source].name} "
                      "survives")
    if best is not None:
        return best
    if s.backup_hours is not None:
        return s.backup_hours * 3600.0, f"{s.name} restored from its last backup (every " \
            f"{s.backup_hours:g} h)"
    if s.replication is None and up[sid][col] > 0:
        return None, f"{s.name}'s surviving replicas hold no copy (no replication set) and " \
            "nothing else protects its data"
    return None, f"nothing protects {s.name}'s data (no surviving replica copy, replicates " \
        "link or backup)"


def _meets(policy: Mapping[str, float] | None, rto: float, rpo: float | None) -> bool | None:
    if not policy or not any(k in policy for k in ("rto_minutes", "rpo_seconds")):
        return None
    ok = True
    if "rto_minutes" in policy:
        ok &= rto <= float(policy["rto_minutes"]) + TOLERANCE
    if "rpo_seconds" in policy:
        ok &= rpo is not None and rpo <= float(policy["rpo_seconds"]) + TOLERANCE
    return bool(ok)


def recovery(design: Design, compiled: Compiled | None = None,
             scenarios: Sequence[FailureScenario] | None = None) -> RecoveryResult:
    """RTO, RPO and the policy check for every disruption (rules in the module docstring).

    ``compiled``: the engine's compiled design (read only; recompiled without
    ``replicates`` links when it still holds them). ``scenarios``: the report's "X down"
    failure scenarios of that same compiled design; a zone or region disruption is the
    same column, so its serve states are taken from there instead of being evaluated again
    (the load flow of every lost container is the costly part)."""
    given = compiled
    compiled = flow_compiled(design, compiled)
    by_down = {f.down: f for f in scenarios or ()} if compiled is given else {}
    result = RecoveryResult()
    cols = disruptions(design, compiled)
    policy = design.settings.policy
    budget = max(1, CELL_BUDGET // max(1, len(compiled.nodes)))
    if len(cols) > budget:  # keep zones, regions and bad changes; then parts in design order
        keep = [d for d in cols if d.kind != "hardware"]
        parts = [d for d in cols if d.kind == "hardware"]
        room = max(0, budget - len(keep))
        result.warnings.append(
            f"Recovery: hardware RTO/RPO for {min(room, len(parts)):,} of {len(parts):,} parts "
            f"(a budget of {CELL_BUDGET:,} part states; the rest are left out)")
        cols = keep + parts[:room]
    if not cols:
        result.summary = _summarise(result.rows, policy)
        return result
    base = evaluate(compiled, {}, m=1).serves
    base_served = {nid: bool(v[0]) for nid, v in base.items()}
    needed = [c for c in compiled.clients if base_served[c]]
    reach = _reachable(compiled, base_served)
    ap_nodes = [nid for nid, cn in compiled.nodes.items()
                if cn.active_passive and cn.role is not Role.SOURCE and nid in reach
                and (cn.role is Role.ROUTER or cn.replicas >= 2)]
    base_first = {nid: _first_serving(compiled.nodes[nid].pool, base, 0) for nid in ap_nodes
                  if compiled.nodes[nid].role is Role.ROUTER}
    copies_of: dict[str, list] = {}
    copied_from: dict[str, list] = {}
    for lk in design.replication_links():
        copies_of.setdefault(lk.source, []).append(lk)
        copied_from.setdefault(lk.target, []).append(lk)
    stores = {nid for nid in compiled.nodes if design.nodes[nid].kind in STATEFUL_KINDS}
    opted = _data_opted(design, policy)
    unprotected: set[str] = set()
    # columns in chunks: a chunk holds (nodes x columns) states, never n x n at once
    step = max(1, CHUNK_CELLS // max(1, len(compiled.nodes)))
    for start in range(0, len(cols), step):
        chunk = cols[start:start + step]
        m = len(chunk)
        up = {nid: np.full(m, cn.replicas, dtype=np.int32) for nid, cn in compiled.nodes.items()}
        for j, d in enumerate(chunk):
            for nid, idx in d.lost.items():
                if nid in up:
                    up[nid][j] = max(0, int(up[nid][j]) - len(set(idx)))
        serves = _serve_states(compiled, chunk, up, by_down)
        _rows_of(chunk, serves, up, result, design, compiled, needed, ap_nodes, base_first,
                 stores, copies_of, copied_from, opted, policy, unprotected)
    for sid in sorted(unprotected):
        result.warnings.append(
            f"{design.nodes[sid].name}: losing it loses all its data (RPO: everything) — "
            "add backup_hours, replication between its replicas, or a replicates link")
    for n in design.nodes.values():
        if n.replication == "async" and n.replication_lag_seconds == 0 and n.replicas > 1:
            result.warnings.append(f"{n.name} replicates async with no lag given: its RPO is "
                                   "counted as 0 s; set replication_lag_seconds")
    for lk in design.replication_links():
        if lk.mode == "async" and lk.lag_seconds == 0:
            result.warnings.append(
                f"{design.nodes[lk.source].name} → {design.nodes[lk.target].name} replicates "
                "async with no lag given: its RPO is counted as 0 s; set lag_seconds")
    result.summary = _summarise(result.rows, policy)
    return result


def _rows_of(chunk: list[Disruption], serves: Mapping[str, np.ndarray],  # noqa: PLR0913
             up: Mapping[str, np.ndarray], result: Any, design: Design, compiled: Compiled,
             needed: list[str], ap_nodes: list[str], base_first: Mapping[str, Any],
             stores: set[str], copies_of: Mapping[str, list], copied_from: Mapping[str, list],
             opted: bool, policy: Mapping[str, Any], unprotected: set[str]) -> None:
    """One row per disruption of a chunk (its serve states and up counts)."""
    for j, d in enumerate(chunk):
        survives = all(bool(serves[c][j]) for c in needed)
        if survives:
            rto, notes = 0.0, []
            for nid in ap_nodes:
                cn = compiled.nodes[nid]
                if not serves[nid][j]:
                    continue
                if cn.role is Role.ROUTER:
                    switched = base_first.get(nid) is not None and \
                        _first_serving(cn.pool, serves, j) != base_first[nid]
                else:
                    switched = 0 in d.lost.get(nid, [])
                if switched:
                    n = design.nodes[nid]
                    t = (n.detect_minutes or 0.0) + n.failover_seconds / 60.0
                    notes.append((t, f"{n.name} fails over ({_minutes(n.detect_minutes or 0.0)} "
                                  f"to detect + {n.failover_seconds:g} s)"))
            if notes:
                rto, why = max(notes)
                rto_note = why
            else:
                rto_note = "survives: nothing has to switch over"
        else:
            rto, rto_note = d.restore_minutes, d.restore_note
        rpo: float | None = 0.0
        rpo_note = "no data store loses a replica"
        worst: tuple[float, str] | None = None
        for sid in sorted(s for s in d.lost if s in stores):
            value, why = _rpo_of_store(design, sid, up, j, copies_of, copied_from)
            if value is None:
                rpo, rpo_note = None, why
                if opted or sid in copies_of or sid in copied_from:
                    unprotected.add(sid)
                break
            if worst is None or value > worst[0]:
                worst = (value, why)
        if rpo is not None and worst is not None:
            rpo, rpo_note = worst
        result.rows.append(ResilienceRow(d.kind, d.target, rto, rpo,
                                         _meets(policy.get(d.kind), rto, rpo), survives,
                                         rto_note, rpo_note))


def _data_opted(design: Design, policy: Mapping[str, Mapping[str, float]]) -> bool:
    """Does the design say anything about data protection (then an unprotected store warns)?"""
    if any(isinstance(p, Mapping) and "rpo_seconds" in p for p in policy.values()):
        return True
    return any(n.replication is not None or n.backup_hours is not None
               for n in design.nodes.values()) or bool(design.replication_links())


def _summarise(rows: list[ResilienceRow], policy: Mapping[str, Mapping[str, float]]
               ) -> dict[str, ResilienceSummary]:
    """Worst RTO and RPO per disruption type, and whether every row meets the policy."""
    out: dict[str, ResilienceSummary] = {}
    for kind in DISRUPTIONS:
        mine = [r for r in rows if r.disruption == kind]
        p = policy.get(kind)
        p = dict(p) if isinstance(p, Mapping) and any(
            k in p for k in ("rto_minutes", "rpo_seconds")) else None
        s = ResilienceSummary(kind, count=len(mine), policy=p)
        if mine:
            w = max(mine, key=lambda r: r.rto_minutes)
            s.worst_rto_minutes, s.worst_rto_target = w.rto_minutes, w.target
            everything = [r for r in mine if r.rpo_seconds is None]
            if everything:
                s.rpo_everything, s.worst_rpo_target = True, everything[0].target
            else:
                w = max(mine, key=lambda r: r.rpo_seconds or 0.0)
                s.worst_rpo_seconds, s.worst_rpo_target = w.rpo_seconds, w.target
        if p is not None:
            s.meets_policy = all(r.meets_policy for r in mine)
        out[kind] = s
    return out


def error_budget(slo: float | None, availability: float, unavailability: float
                 ) -> tuple[float | None, float | None]:
    """(minutes a month the SLO allows to be down, share of it the design is expected to
    use) — (None, None) without an availability SLO. A 100 % SLO has no budget: the share is
    infinite when the design can be down at all, else 0."""
    del availability
    if slo is None:
        return None, None
    budget = (1.0 - slo) * MINUTES_PER_MONTH
    expected = unavailability * MINUTES_PER_MONTH
    if budget <= 0.0:
        return 0.0, (math.inf if expected > 0.0 else 0.0)
    return budget, expected / budget


__all__ = ["Disruption", "MINUTES_PER_MONTH", "RecoveryResult", "disruptions", "error_budget",
           "flow_compiled", "recovery"]
