"""Minimal cut sets up to order 3: which failures, together, take a client down.

**Failure units.** Each unit is one independent event of DESIGN section 3:

- *node X* (replicas grouped per node): "X loses the fewest of its own replicas that
  matter". With everything else up, j* is the smallest number of X's n replicas whose
  loss alone drops a client (a capacity pool may need all three web replicas even when
  X itself needs one); when no loss of X alone drops a client, j* = n - k + 1 (X falls
  below the k replicas it needs and stops serving). Its probability is
  P(at least j* of n replicas down) = sum_{d >= j*} C(n, d) q^d a^(n-d) (a, q per
  replica), its own replicas only: the containers around it are units of their own.
  In combination with other units, a node unit is "X stops serving" (no replica up).
- *zone / region C*: C is down (everything placed in it is lost); probability = C's
  unavailability.
- *failover window of X*: X is inside a failover window (an independent event of
  probability ``failover_p``).
- *bad change of X*: X is inside a bad-change window (probability ``change_p``), which
  takes down the replicas it hits: all of them (all-at-once), or the first wave's
  (zone-by-zone, region-by-region).

All units are independent events (own replicas, containers and windows are separate
two-state components), so the probability of a cut set is the product of its units'
probabilities. Partial losses that are not a unit (one replica of a 3-replica tier
plus a zone) are not listed: this is the grouped view, not a replica-level one.

**Cut sets.** A set of units is a *cut set* when, with exactly those units failed and
everything else up, some client is not served; it is *minimal* when no proper subset is
a cut set. Each candidate set is one column of the one structure function
(:func:`structure.evaluate` with the column's load profile from
``compiled.profile_index``: the same rules as the exact engine and the "X down"
scenarios), many columns per call. Pruning follows from minimality alone (no
monotonicity is assumed): order 1 = units that alone drop a client (reusing the
"X down" scenarios' ``clients_down`` when given); order 2 only over pairs of non-cut
units; order 3 only over triples of non-cut units none of whose pairs is a cut. Only
units in some client's dependency closure (required links and router pools, their
containers and windows) are candidates: nothing else can change whether a client is
served (loads start at the clients).

**Budget** (counted in sets, never in seconds, so the answer does not depend on the
machine). Pairs and triples less probable than ``min_share`` x P(system down) are not
searched (default 1e-6: a millionth of the downtime; the floor is in the summary); the
rest are evaluated most probable first, at most ``max_sets`` of them, over at most
``max_units`` units (the most probable); at most ``max_listed`` cut sets are returned
with their details. Past any of these, what was found is returned with
``complete = False`` and a one-line ``note``: never a silent cut.

**Share of the downtime** = P(cut set) / P(system down). This is the rare-event
approximation (P(down) ~ sum of the cut sets' probabilities): shares of overlapping cut
sets do not add up to exactly 100 %, and orders above 3 are not listed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import Design, Role
from .compiled import CNode, Compiled
from .report import CutSet, CutUnit
from .structure import evaluate, raw_up_from_states, replica_groups

MAX_ORDER = 3
DEFAULT_MAX_UNITS = 400  # candidates for pairs and triples (the most probable first)
DEFAULT_MAX_SETS = 20_000  # candidate pairs + triples evaluated
DEFAULT_MIN_SHARE = 1e-6  # pairs/triples less probable than this x P(down) are not searched
DEFAULT_MAX_LISTED = 200  # cut sets returned with their details (the most probable)
CHUNK = 4096  # columns per structure-function call


@dataclass(frozen=True)
class Unit:
    """One failure unit. ``kind``: "node", "zone", "region", "failover_window" or
    "bad_change"; ``target``: the node or container it concerns; ``lost``: replicas lost
    (nodes, bad changes)."""

    key: str
    kind: str
    target: str
    probability: float
    lost: int = 0
    replicas: int = 0


@dataclass
class CutSetResult:
    """Minimal cut sets (sorted by probability, most probable first) and how far the
    search got."""

    cut_sets: list[CutSet] = field(default_factory=list)
    complete: bool = True
    note: str = ""
    units: int = 0  # candidate units (in some client's closure)
    evaluated: int = 0  # candidate sets evaluated with the structure function
    found: int = 0  # minimal cut sets found (``cut_sets`` holds the most probable)
    floor: float = 0.0  # pairs and triples less probable than this were not searched

    def summary(self) -> dict:
        return {"complete": self.complete, "note": self.note, "units": self.units,
                "evaluated": self.evaluated, "found": self.found,
                "listed": len(self.cut_sets), "max_order": MAX_ORDER,
                "probability_floor": self.floor}


def at_least_down(n: int, j: int, a: float, q: float) -> float:
    """P(at least ``j`` of ``n`` independent replicas down), a = up, q = down per replica;
    summed from the failure side so tiny values keep their digits."""
    if j <= 0:
        return 1.0
    return float(sum(math.comb(n, d) * q ** d * a ** (n - d) for d in range(j, n + 1)))


def closure(compiled: Compiled) -> list[str]:
    """Non-client nodes some client needs: required links and router pools, transitively
    (in compiled order)."""
    seen: set[str] = set()
    stack = list(compiled.clients)
    while stack:
        nid = stack.pop()
        cn = compiled.nodes[nid]
        for t in [*cn.deps, *cn.pool]:
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return [n for n in compiled.nodes if n in seen and compiled.nodes[n].role is not Role.SOURCE]


class _Batch:
    """Columns of failed units, evaluated by the structure function in chunks."""

    def __init__(self, compiled: Compiled) -> None:
        self.c = compiled

    def run(self, columns: Sequence[Sequence[Unit]]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """(client-down matrix (clients, M), serve state per node (M,)) for the columns."""
        c = self.c
        m = len(columns)
        replica_up: dict[str, np.ndarray] = {}  # bool (M, replicas), own states
        cont_up: dict[str, np.ndarray] = {}
        window: dict[str, np.ndarray] = {}

        def own(nid: str) -> np.ndarray:
            if nid not in replica_up:
                replica_up[nid] = np.ones((m, c.nodes[nid].replicas), dtype=bool)
            return replica_up[nid]

        for i, col in enumerate(columns):
            for u in col:
                if u.kind == "node":
                    # the last ``lost`` replicas down (only the count matters with every
                    # container up; a node unit in combination has too few left to serve)
                    own(u.target)[i, c.nodes[u.target].replicas - u.lost:] = False
                elif u.kind == "bad_change":
                    rows = own(u.target)
                    for gi, (_, sl) in enumerate(replica_groups(c.nodes[u.target])):
                        if c.nodes[u.target].change_all or gi in c.nodes[u.target].change_groups:
                            rows[i, sl] = False  # the replicas the bad change hits
                elif u.kind == "failover_window":
                    if u.target not in window:
                        window[u.target] = np.zeros(m, dtype=bool)
                    window[u.target][i] = True
                else:
                    if u.target not in cont_up:
                        cont_up[u.target] = np.ones(m, dtype=bool)
                    cont_up[u.target][i] = False
        raw = raw_up_from_states(c, replica_up, cont_up) if replica_up or cont_up else {}
        profile = self._profiles(cont_up, m)
        ev = evaluate(c, raw, window=window, m=m, profile=profile)
        down = ~np.array([ev.serves[cl] for cl in c.clients], dtype=bool).reshape(len(c.clients), m)
        return down, ev.serves

    def _profiles(self, cont_up: dict[str, np.ndarray], m: int) -> np.ndarray:
        """Load profile of each column, worked out once per distinct set of containers
        down (few: candidate sets hold at most three)."""
        if not cont_up:
            return np.zeros(m, dtype=np.int64)
        ids = list(cont_up)
        mat = np.stack([cont_up[x] for x in ids], axis=1)
        uniq, inverse = np.unique(mat, axis=0, return_inverse=True)
        prof = self.c.profile_index({x: uniq[:, t] for t, x in enumerate(ids)}, len(uniq))
        return prof[np.asarray(inverse).reshape(-1)]

    def clients_down(self, columns: Sequence[Sequence[Unit]]) -> np.ndarray:
        """Client-down matrix (clients, M), evaluated CHUNK columns at a time."""
        parts = [self.run(columns[s:s + CHUNK])[0] for s in range(0, len(columns), CHUNK)]
        if not parts:
            return np.zeros((len(self.c.clients), 0), dtype=bool)
        return np.concatenate(parts, axis=1)


def _units(design: Design, compiled: Compiled, nodes: list[str], batch: _Batch,
           failures: Iterable | None) -> tuple[list[Unit], dict[str, np.ndarray]]:
    """Candidate units and, for those that alone drop a client, the client-down column."""
    known: dict[str, list[str]] = {}
    if failures is not None:
        known = {f.down: list(f.clients_down) for f in failures}
    idx = {cl: i for i, cl in enumerate(compiled.clients)}

    def column(clients: Iterable[str]) -> np.ndarray:
        col = np.zeros(len(compiled.clients), dtype=bool)
        for cl in clients:
            col[idx[cl]] = True
        return col

    alone: dict[str, np.ndarray] = {}
    # nodes: which drop a client when wholly down (from the scenarios when given)
    whole = [Unit(nid, "node", nid, 0.0, compiled.nodes[nid].replicas,
                  compiled.nodes[nid].replicas) for nid in nodes]
    missing = [u for u in whole if u.target not in known]
    if missing:
        mat = batch.clients_down([[u] for u in missing])
        for j, u in enumerate(missing):
            known[u.target] = [compiled.clients[i] for i in np.flatnonzero(mat[:, j])]
    # for those that do, the fewest lost replicas that already do (j* <= n - k + 1)
    partial: list[Unit] = []
    for nid in nodes:
        cn = compiled.nodes[nid]
        if known[nid] and cn.k is not None:
            partial += [Unit(nid, "node", nid, 0.0, j, cn.replicas)
                        for j in range(1, cn.replicas - cn.k + 1)]
    first_drop: dict[str, tuple[int, np.ndarray]] = {}
    if partial:
        mat = batch.clients_down([[u] for u in partial])
        for j, u in enumerate(partial):
            if mat[:, j].any() and u.target not in first_drop:
                first_drop[u.target] = (u.lost, mat[:, j])
    units: list[Unit] = []
    for nid in nodes:
        cn = compiled.nodes[nid]
        n = cn.replicas
        k = cn.k if cn.k is not None else 0
        lost, col = first_drop.get(nid, (n - k + 1, column(known[nid])))
        lost = min(lost, n)
        units.append(Unit(nid, "node", nid, at_least_down(n, lost, cn.availability,
                                                         cn.unavailability), lost, n))
        if col.any():
            alone[nid] = col
    # containers holding a replica of a needed node
    held: set[str] = set()
    for nid in nodes:
        for group, _count in compiled.nodes[nid].groups:
            held |= set(group)
    conts = [cid for cid in compiled.containers if cid in held]
    cunits = [Unit(cid, design.nodes[cid].kind, cid, compiled.containers[cid].unavailability)
              for cid in conts]
    todo = [u for u in cunits if u.target not in known]
    if todo:
        mat = batch.clients_down([[u] for u in todo])
        for j, u in enumerate(todo):
            known[u.target] = [compiled.clients[i] for i in np.flatnonzero(mat[:, j])]
    for u in cunits:
        units.append(u)
        if known[u.target]:
            alone[u.key] = column(known[u.target])
    # failover windows and bad changes (all replicas, or the first wave's)
    wunits = [Unit(f"{nid}#failover", "failover_window", nid, compiled.nodes[nid].failover_p)
              for nid in nodes if compiled.nodes[nid].failover_p > 0]
    wunits += [Unit(f"{nid}#change", "bad_change", nid, compiled.nodes[nid].change_p,
                    _change_replicas(compiled.nodes[nid]), compiled.nodes[nid].replicas)
               for nid in nodes if getattr(compiled.nodes[nid], "change_p", 0.0) > 0]
    if wunits:
        mat = batch.clients_down([[u] for u in wunits])
        for j, u in enumerate(wunits):
            if mat[:, j].any():
                alone[u.key] = mat[:, j]
        units += wunits
    return units, alone


def _change_replicas(cn: CNode) -> int:
    """Replicas a bad change of ``cn`` takes down (all, or the first wave's)."""
    if cn.change_all:
        return cn.replicas
    return sum(count for gi, (_, count) in enumerate(cn.groups) if gi in cn.change_groups)


def _describe(design: Design, u: Unit) -> CutUnit:
    name = design.nodes[u.target].name
    if u.kind == "node":
        if u.replicas == 1:
            words = f"{name} (its only replica)"
        elif u.lost == u.replicas:
            words = f"{name} (all {u.replicas} replicas)"
        else:
            words = f"{name} ({u.lost} of its {u.replicas} replicas)"
    elif u.kind == "failover_window":
        words = f"{name}'s failover window"
    elif u.kind == "bad_change":
        words = (f"{name}'s bad change" if u.lost >= u.replicas else
                 f"{name}'s bad change (first wave: {u.lost} of its {u.replicas} replicas)")
    else:
        words = f"{u.kind} {name}"
    return CutUnit(u.target, u.kind, name, u.probability, words, u.lost)


def minimal_cut_sets(design: Design, compiled: Compiled, q_sys: float, *,
                     failures: Iterable | None = None, max_units: int = DEFAULT_MAX_UNITS,
                     max_sets: int = DEFAULT_MAX_SETS, min_share: float = DEFAULT_MIN_SHARE,
                     max_listed: int = DEFAULT_MAX_LISTED) -> CutSetResult:
    """Minimal cut sets up to order 3 (module docstring: units, method, budget).

    ``q_sys``: P(system down), for each set's share of the downtime; ``failures``: the
    report's "X down" scenarios, reused for order 1 when given. Pairs and triples less
    probable than ``min_share`` x ``q_sys`` are not searched (0: search them all); the
    most probable are evaluated first, at most ``max_sets``; at most ``max_listed`` cut
    sets (the most probable) are returned with their details.
    """
    result = CutSetResult()
    if not compiled.clients:
        return result
    batch = _Batch(compiled)
    if batch.clients_down([[]]).any():
        result.note = "a client is down with every part up: there is nothing to cut"
        return result
    nodes = closure(compiled)
    units, alone = _units(design, compiled, nodes, batch, failures)
    result.units = len(units)
    found: list[tuple[tuple[Unit, ...], np.ndarray]] = [((u,), alone[u.key])
                                                          for u in units if u.key in alone]
    rest = sorted((u for u in units if u.key not in alone), key=lambda u: -u.probability)
    notes: list[str] = []
    if len(rest) > max_units:
        notes.append(f"pairs and triples over the {max_units} most probable of {len(rest)} "
                     "units only")
        rest = rest[:max_units]
    floor = min_share * q_sys if min_share > 0 else 0.0
    prob = np.array([u.probability for u in rest], dtype=float)
    n = len(rest)
    # order 2: the most probable pairs first
    iu, ju = np.triu_indices(n, 1)
    pp = prob[iu] * prob[ju]
    keep = pp >= floor
    iu, ju, pp = iu[keep], ju[keep], pp[keep]
    order = np.argsort(-pp, kind="stable")
    iu, ju, pp = iu[order], ju[order], pp[order]
    level = floor  # triples need every sub-pair evaluated: products above this level
    if len(iu) > max_sets:
        level = max(floor, float(pp[max_sets - 1]))
        notes.append(f"{max_sets:,} of {len(iu):,} pairs evaluated (down to probability "
                     f"{level:.2g})")
        iu, ju = iu[:max_sets], ju[:max_sets]
    budget = max_sets - len(iu)
    result.evaluated += len(iu)
    pair_cut = np.zeros((n, n), dtype=bool)
    if len(iu):
        mat = batch.clients_down([[rest[i], rest[j]] for i, j in zip(iu, ju)])
        for col in np.flatnonzero(mat.any(axis=0)):
            i, j = int(iu[col]), int(ju[col])
            pair_cut[i, j] = pair_cut[j, i] = True
            found.append(((rest[i], rest[j]), mat[:, col]))
    # order 3: triples none of whose pairs is a cut, the most probable first
    strict = level > floor  # pairs were cut short: only triples strictly above the level
    cand, cut_short = _triples(prob, pair_cut, level, strict, cap=10 * max(budget, 0) + 1000)
    if cut_short:
        notes.append("triples not all listed (too many candidates)")
    cand.sort(key=lambda c: -c[0])
    if len(cand) > budget:
        notes.append(f"{max(budget, 0):,} of {len(cand):,} triples evaluated"
                     + (f" (down to probability {cand[budget - 1][0]:.2g})" if budget > 0 else ""))
        cand = cand[:max(budget, 0)]
    result.evaluated += len(cand)
    if cand:
        mat = batch.clients_down([[rest[i], rest[j], rest[k]] for _, i, j, k in cand])
        for col in np.flatnonzero(mat.any(axis=0)):
            _, i, j, k = cand[col]
            found.append(((rest[i], rest[j], rest[k]), mat[:, col]))
    result.found = len(found)
    found.sort(key=lambda f: (-math.prod(u.probability for u in f[0]), len(f[0]),
                              [u.key for u in f[0]]))
    if len(found) > max_listed:
        notes.append(f"the {max_listed} most probable of {len(found):,} cut sets listed")
        found = found[:max_listed]
    if notes:
        result.complete = False
        result.note = "cut sets incomplete (budget): " + "; ".join(notes)
    result.floor = floor
    result.cut_sets = _finish(design, compiled, batch, found, q_sys)
    return result


def _triples(prob: np.ndarray, pair_cut: np.ndarray, level: float, strict: bool, cap: int
             ) -> tuple[list[tuple[float, int, int, int]], bool]:
    """Candidate triples i < j < k (``prob`` sorted, most probable first) with no sub-pair
    a cut and a product at or above ``level`` (strictly above when ``strict``); stops
    (returning True) once more than ``cap`` are listed."""
    n = len(prob)
    out: list[tuple[float, int, int, int]] = []
    if n < 3:
        return out, False
    ok_pair = ~pair_cut
    for i in range(n - 2):
        if len(out) > cap:
            return out, True
        top = prob[i] * prob[i + 1] * prob[i + 2]
        if (top <= level) if strict else (top < level):
            break  # sorted: every later i is less probable still
        lo = i + 1
        p2 = prob[i] * np.outer(prob[lo:], prob[lo:])
        mask = np.triu(ok_pair[lo:, lo:], 1) & ok_pair[i, lo:][:, None] & ok_pair[i, lo:][None, :]
        mask &= (p2 > level) if strict else (p2 >= level)
        js, ks = np.nonzero(mask)
        out += [(float(p2[a, b]), i, a + lo, b + lo)
                for a, b in zip(js.tolist(), ks.tolist())]
    return out, False


def _finish(design: Design, compiled: Compiled, batch: _Batch,
            found: list[tuple[tuple[Unit, ...], np.ndarray]], q_sys: float) -> list[CutSet]:
    """CutSets with probability, share, clients and the nodes each takes down."""
    out: list[CutSet] = []
    comps = [n for n, cn in compiled.nodes.items() if cn.role is not Role.SOURCE]
    for start in range(0, len(found), CHUNK):
        part = found[start:start + CHUNK]
        _, serves = batch.run([list(units) for units, _ in part])
        down = ~np.array([serves[n] for n in comps], dtype=bool).reshape(len(comps), len(part))
        names = np.array(comps, dtype=object)
        for j, (units, col) in enumerate(part):
            p = math.prod(u.probability for u in units)
            out.append(CutSet(
                [_describe(design, u) for u in units], len(units), p,
                p / q_sys if q_sys > 0 else 0.0,
                [compiled.clients[i] for i in np.flatnonzero(col)],
                names[down[:, j]].tolist()))
    return out


def cut_sets_for(design: Design, q_sys: float, failures: Iterable | None = None
                 ) -> CutSetResult:
    """The minimal cut sets ``analyze(..., cut_sets=True)`` would give, with the same
    budget, for callers that already hold the live pass's P(down) and scenarios (the
    canvas computes them in the background)."""
    from . import engine  # late: engine imports this module
    from .compiled import compile_design

    compiled = compile_design(design)
    max_sets = min(engine.CUT_SET_MAX_SETS,
                   engine.CUT_SET_MAX_WORK // max(1, len(compiled.nodes)))
    return minimal_cut_sets(design, compiled, q_sys, failures=failures,
                            max_units=engine.CUT_SET_MAX_UNITS, max_sets=max_sets)


def fmt_share(share: float) -> str:
    """A share of the downtime as people read it: "41 %", "4.1 %", "0.013 %"."""
    pct = share * 100.0
    if pct <= 0.0:
        return "0 %"
    if pct >= 10.0:
        return f"{pct:.0f} %"
    if pct >= 1.0:
        return f"{pct:.1f} %"
    return f"{pct:.2g} %"


def sentence(cut: CutSet, client_names: dict[str, str] | None = None) -> str:
    """"these 2 failures together take Shoppers down: 41 % of the downtime" (order 1:
    "this failure alone takes ...")."""
    names = [(client_names or {}).get(c, c) for c in cut.clients]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]         if names else "a client"
    head = "this failure alone takes" if cut.order == 1 else \
        f"these {cut.order} failures together take"
    return f"{head} {who} down: {fmt_share(cut.share_of_downtime)} of the downtime"


__all__ = ["CutSetResult", "Unit", "at_least_down", "closure", "cut_sets_for", "fmt_share",
           "minimal_cut_sets", "sentence"]
