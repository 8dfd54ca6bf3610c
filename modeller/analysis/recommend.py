"""Recommendations: the cheapest changes that make a design meet its targets (DESIGN §4c).

``recommend(design)`` searches over *levers* on the design's parts and returns up to
three options, like AWS Resilience Hub's: the **cheapest** (cost a month, then fewest
changes), the **fewest changes** (then cost) and the **most headroom** (the largest
capacity headroom among the designs found that meet every target and cost at most a
quarter of today's monthly cost more than the cheapest). Every candidate is
evaluated with the live pass ``analyze(design, simulation_years=0, sweeps=False)``, so
every number is exact for the model; nothing is estimated.

Targets
  * every client meets its SLO: ``availability`` and ``latency_ms_p99`` (the report has
    no success ratio yet, so ``slo.success_ratio`` is not checked);
  * the design survives losing any one zone at nominal load without any node above
    100 % (``report.failures`` with ``kind == "zone"``: ``survives`` and nothing
    ``overloaded``). This target applies only when the design has at least two zones:
    with one zone no lever can survive its loss (a new zone is not a lever), and the
    target is reported as not applicable (``None``), never as met;
  * ``settings.policy`` (RTO/RPO, DESIGN §4b) does not exist yet and is not checked.

Levers (per part, combined freely)
  * ``replicas``: the current count up to ``extra_replicas`` more (the search only adds:
    it never removes capacity that was drawn);
  * ``failover``: active-active <-> active-passive, on workers with two or more replicas;
  * ``min_healthy``: an integer floor may become ``"auto"`` (a quorum that is a
    correctness rule should not be lowered: read the option before applying it);
  * ``spread``: over the zones of the part's region (a part placed in one zone moves up
    to the region and spreads over its zones), tried only on parts that a failing zone
    scenario takes down;
  * ``preset``: swap to another preset of the same kind **from the same provider** as
    the part's current ``preset`` (a part without a preset is not swapped: the search
    does not move a design to another cloud behind its owner's back).
  Rollout and replication (DESIGN §4b) do not exist in the model yet and are not levers.
  Containers (regions, zones) and clients are never changed.

How the search prunes, and when it is exhaustive
  1. *Parts*: only parts that can matter for a missed target are searched: nonzero
     Birnbaum importance or downtime contribution (availability), down or overloaded in
     a failing zone scenario (zones), or on the request path of a client that misses its
     p99 (latency); at most ``max_nodes`` of them, the most important first.
  2. *Values*: each part gets the bounded lever values above (``extra_replicas`` more
     replicas, two failover modes, two spreads, its provider's presets); identical
     resulting parts are merged.
  3. *Prescreen*: the design with every part at its strongest (most replicas, most
     available preset, "auto", spread) is evaluated first; when even it misses a target
     the search stops and says so (a heuristic: it assumes stronger levers never hurt;
     the brute-force property test checks it on random designs).
  4. *Incumbent*: a greedy pass finds a design that meets every target, when it can.
     Each round first tries the obvious move (one more replica on every part a zone loss
     overloads, else on the most important part), then the single-lever step that most
     reduces the shortfall per unit of extra cost. Replicas the result does not need are
     then taken back one at a time; its cost bounds the exact search.
  5. *Branch and bound*: combinations are enumerated best-first in increasing order of
     (cost a month, number of levers moved). The order is exact because both are sums
     over parts of per-part values and each part's values are sorted (the k-smallest-sums
     enumeration): the first combination popped that meets every target is the cheapest,
     and once the next key exceeds the incumbent's, the incumbent is. Every candidate is
     evaluated exactly; nothing is skipped by a bound on availability.
  The result is **exhaustive over the lever space of steps 1-2** (``exhaustive=True``)
  whenever the best-first pass ends by finding the optimum or by reaching the incumbent
  within ``max_evaluations`` and ``time_limit_s`` (default 60 s); otherwise the best
  design found is returned with ``exhaustive=False`` and the report says so. Small
  designs (a few parts, a few values each) are exhaustive in well under a second per
  hundred candidates; a property test checks the cheapest option and the fewest-changes
  option against brute force over the same levers. A big design is not: one live pass on
  130 nodes takes about 1-2 s on a 2-core machine, so there the answer is the trimmed
  incumbent improved for as long as the time limit allows.

The "cost of each extra nine" curve (:func:`nines_cost`) runs the same search with the
clients' availability SLOs replaced by a system availability level, for half-nine steps
from the current design to two nines more; a level the prescreen cannot reach is reported
as out of reach of these levers.
"""

from __future__ import annotations

import copy
import heapq
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Design, DesignError, Role
from .engine import analyze
from .report import MINUTES_PER_YEAR, Report, nines

EXTRA_REPLICAS = 3
MAX_NODES = 8
MAX_EVALUATIONS = 2000
TIME_LIMIT_S = 60.0  # a search stops here and says it is not exhaustive
HEADROOM_EVALUATIONS = 40  # evaluations past the cheapest to look for more headroom
HEADROOM_BUDGET = 0.25  # "most headroom" may cost this share of today's cost more than the cheapest
SLO_EPS = 1e-15  # the engine's own tolerance for "meets the availability SLO"

# the node fields a lever may change (changes are reported as diffs over these)
CHANGE_FIELDS = ("preset", "replicas", "availability", "mtbf_hours", "capacity_rps",
                 "service_time_ms", "cost_month", "failover", "failover_seconds",
                 "min_healthy", "min_targets", "spread", "parent")

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class SearchCancelled(Exception):
    """The caller's ``cancelled()`` returned True."""


# ---------------------------------------------------------------------------- targets

@dataclass(frozen=True)
class Target:
    """One thing the design must meet. ``key`` is stable (JSON), ``label`` is for people."""

    key: str
    label: str
    kind: str  # "availability" | "latency" | "zones" | "system_availability"
    client: str | None = None
    value: float | None = None


def design_targets(design: Design, report: Report, *,
                   availability_level: float | None = None) -> list[Target]:
    """The targets of a design: every client's SLO, and surviving any one zone.

    With ``availability_level`` the clients' availability SLOs are replaced by "system
    availability >= level" (the nines-cost curve)."""
    out: list[Target] = []
    if availability_level is not None:
        out.append(Target("system.availability", f"system availability ≥ {_pct(availability_level)}",
                          "system_availability", None, availability_level))
    for cid, c in report.clients.items():
        name = design.nodes[cid].name if cid in design.nodes else cid
        if "availability" in c.slo and availability_level is None:
            a = float(c.slo["availability"])
            out.append(Target(f"{cid}.availability", f"{name}: availability ≥ {_pct(a)}",
                              "availability", cid, a))
        if "latency_ms_p99" in c.slo:
            p = float(c.slo["latency_ms_p99"])
            out.append(Target(f"{cid}.latency_ms_p99", f"{name}: p99 ≤ {p:g} ms", "latency", cid, p))
    out.append(Target("zones", "survives losing any one zone (nothing above 100 %)", "zones"))
    return out


def _pct(a: float) -> str:
    text = f"{a * 100:.6f}".rstrip("0").rstrip(".")
    return f"{text} %"


def _zone_ids(design: Design) -> list[str]:
    return [n.id for n in design.nodes.values() if n.kind == "zone"]


def check_targets(design: Design, report: Report, targets: Sequence[Target]) -> dict[str, bool | None]:
    """Each target's verdict: True met, False missed, None not applicable (say why in
    :func:`target_note`)."""
    out: dict[str, bool | None] = {}
    for t in targets:
        if t.kind == "system_availability":
            out[t.key] = report.system.availability >= float(t.value or 0.0) - SLO_EPS
        elif t.kind == "availability":
            c = report.clients.get(t.client or "")
            out[t.key] = c is not None and c.availability >= float(t.value or 0.0) - SLO_EPS
        elif t.kind == "latency":
            c = report.clients.get(t.client or "")
            lat = c.latency_ms if c is not None else None
            # no latency model: the engine counts the SLO as met; so do we
            out[t.key] = True if lat is None else bool(lat.p99 <= float(t.value or 0.0))
        elif t.kind == "zones":
            if len(_zone_ids(design)) < 2:
                out[t.key] = None
            else:
                out[t.key] = all(f.survives and not f.overloaded
                                 for f in report.failures if f.kind == "zone")
    return out


def target_note(design: Design, target: Target) -> str:
    """Why a target is not applicable (empty when it is)."""
    if target.kind == "zones" and len(_zone_ids(design)) < 2:
        n = len(_zone_ids(design))
        return (f"not applicable: the design has {n} zone{'s' if n != 1 else ''}; surviving "
                "a zone loss needs a second zone, which is not a lever")
    return ""


def shortfall(report: Report, targets: Sequence[Target], verdict: dict[str, bool | None]) -> float:
    """How far a design is from meeting every target (0 when it meets all): missed
    availability in nines, missed p99 as log10 of the ratio, and one per failing zone."""
    total = 0.0
    for t in targets:
        if verdict.get(t.key) is not False:
            continue
        if t.kind in ("availability", "system_availability"):
            q = (report.system.unavailability if t.kind == "system_availability"
                 else report.clients[t.client or ""].unavailability)
            total += max(0.0, math.log10(max(q, 1e-300)) - math.log10(max(1.0 - float(t.value or 0), 1e-300)))
            total += 0.01
        elif t.kind == "latency":
            c = report.clients.get(t.client or "")
            p99 = c.latency_ms.p99 if c is not None and c.latency_ms is not None else math.inf
            total += 1.0 if not math.isfinite(p99) else math.log10(p99 / float(t.value or 1.0)) + 0.01
        elif t.kind == "zones":
            total += sum(1.0 for f in report.failures
                         if f.kind == "zone" and not (f.survives and not f.overloaded))
    return total


# ---------------------------------------------------------------------------- levers

@dataclass(frozen=True)
class NodeOption:
    """One way to set up one part: the fields that differ from the drawing."""

    node: str
    values: tuple[tuple[str, Any], ...]  # (field, new value), in CHANGE_FIELDS order
    levers: tuple[str, ...]  # which levers moved ("replicas", "preset", ...)
    cost: float  # the part's cost a month after the change
    delta: float  # cost - cost before
    spec: tuple[Any, ...] = ()  # (preset id, replicas, failover, min_healthy, spread moved)

    @property
    def n_levers(self) -> int:
        return len(self.levers)

    def as_dict(self) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in self.values}


def _node_cost(node: Any) -> float:
    return float(node.cost_month) * int(node.replicas)


def _cents(x: float) -> int:
    return int(round(x * 100))


def _region_zones(design: Design, node_id: str) -> tuple[list[str], str | None]:
    """The zones a part could spread over and the container it would sit in (groups —
    a VPC, a subnet — are walked through: only regions and zones count)."""

    def domain(nid: str) -> str | None:
        anc = design.ancestors(nid)
        return anc[0] if anc else None

    parent = domain(node_id)
    if parent is not None and design.nodes[parent].kind == "zone":
        parent = domain(parent)
    zones = [n.id for n in design.nodes.values() if n.kind == "zone" and domain(n.id) == parent]
    return zones, parent


def node_options(design: Design, node_id: str, *, presets: Iterable[Any] | None = None,
                 extra_replicas: int = EXTRA_REPLICAS, allow_spread: bool = True,
                 allow_min_healthy: bool = True) -> list[NodeOption]:
    """Every value of the levers for one part, merged when they give the same part, sorted
    by (delta cost, levers moved). The first is always "no change" unless a cheaper
    setting exists (a preset swap can cost less)."""
    from ..model.presets import apply_preset, get_preset, presets_by_provider

    orig = design.nodes[node_id]
    preset_choices: list[Any] = [None]
    if orig.preset:
        current = get_preset(orig.preset, presets)
        provider = current.provider if current is not None else orig.preset.split(".", 1)[0]
        for p in presets_by_provider(presets).get(provider, []):
            if p.kind == orig.kind and p.id != orig.preset:
                preset_choices.append(p)
    zones, zone_parent = _region_zones(design, node_id) if allow_spread else ([], None)
    spreads: list[tuple[list[str], str | None, bool]] = [(list(orig.spread), orig.parent, False)]
    if len(zones) >= 2 and list(orig.spread) != zones:
        spreads.append((zones, zone_parent, True))
    worker = orig.role is Role.WORKER
    seen: dict[tuple, NodeOption] = {}
    for preset in preset_choices:
        base = orig.copy()
        if preset is not None:
            for k, v in apply_preset(base, preset).items():
                setattr(base, k, v)
        r0 = int(base.replicas)
        for r in range(r0, r0 + max(0, extra_replicas) + 1):
            modes = [base.failover]
            if worker and r >= 2:
                other = "active-passive" if base.failover == "active-active" else "active-active"
                modes.append(other)
            mhs: list[Any] = [base.min_healthy]
            if allow_min_healthy and isinstance(base.min_healthy, int):
                mhs.append("auto")
            for mode in modes:
                if worker and mode == "active-passive" and r < 2 and mode != orig.failover:
                    continue
                for mh in mhs:
                    for spread, parent, spread_moved in spreads:
                        n = base.copy()
                        n.replicas = r
                        n.failover = mode
                        n.min_healthy = mh
                        n.spread = list(spread)
                        n.parent = parent
                        levers = []
                        if preset is not None:
                            levers.append("preset")
                        if r != r0:
                            levers.append("replicas")
                        if mode != base.failover:
                            levers.append("failover")
                        if mh != base.min_healthy:
                            levers.append("min_healthy")
                        if spread_moved:
                            levers.append("spread")
                        values = tuple((f, copy.deepcopy(getattr(n, f))) for f in CHANGE_FIELDS
                                       if getattr(n, f) != getattr(orig, f))
                        cost = _node_cost(n)
                        spec = (preset.id if preset is not None else None, r, mode, mh, spread_moved)
                        opt = NodeOption(node_id, values, tuple(levers), cost,
                                         cost - _node_cost(orig), spec)
                        key = repr(values)
                        old = seen.get(key)
                        if old is None or len(opt.levers) < len(old.levers):
                            seen[key] = opt
    return sorted(seen.values(), key=lambda o: (_cents(o.delta), o.n_levers, repr(o.values)))


# ---------------------------------------------------------------------------- options

@dataclass
class Option:
    """A set of changes and the numbers after them."""

    label: str  # "cheapest" | "fewest changes" | "most headroom" | "current" | "closest"
    changes: list[dict[str, Any]]
    levers: int
    cost_month: float
    delta_cost_month: float
    availability: float
    unavailability: float
    nines: float
    downtime_minutes_per_year: float
    p99_ms: float | None  # the worst client's p99
    headroom: float
    meets: dict[str, bool | None]
    meets_all: bool
    nodes: list[str] = field(default_factory=list)  # the parts it changes

    def to_dict(self) -> dict[str, Any]:
        def num(v: float | None) -> float | None:
            return v if v is None or math.isfinite(v) else None
        return {
            "label": self.label,
            "changes": copy.deepcopy(self.changes),
            "levers": self.levers,
            "nodes": list(self.nodes),
            "cost_month": self.cost_month,
            "delta_cost_month": self.delta_cost_month,
            "availability": self.availability,
            "unavailability": self.unavailability,
            "nines": num(self.nines),
            "downtime_minutes_per_year": self.downtime_minutes_per_year,
            "p99": num(self.p99_ms),
            "headroom": num(self.headroom),
            "meets": dict(self.meets),
            "meets_all": self.meets_all,
        }


@dataclass
class Recommendation:
    """What :func:`recommend` found (``to_dict`` is the CLI's JSON)."""

    targets: list[Target]
    current: Option
    options: list[Option]
    closest: Option | None  # when no option meets every target
    why: list[str]  # what the closest still misses, and why
    notes: list[str]  # targets and levers not checked, search limits
    candidates: list[str]  # the parts searched
    evaluations: int
    exhaustive: bool
    space: int  # combinations in the lever space

    @property
    def found(self) -> bool:
        """An option meets every target (or the design already does)."""
        return self.current.meets_all or (bool(self.options) and self.options[0].meets_all)

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": [{"key": t.key, "label": t.label, "met_now": self.current.meets.get(t.key)}
                        for t in self.targets],
            "current": self.current.to_dict(),
            "options": [o.to_dict() for o in self.options],
            "found": self.found,
            "closest": self.closest.to_dict() if self.closest else None,
            "why": list(self.why),
            "notes": list(self.notes),
            "search": {"candidates": list(self.candidates), "evaluations": self.evaluations,
                       "exhaustive": self.exhaustive, "combinations": self.space},
        }


def changes_for(design: Design, options: Sequence[NodeOption]) -> list[dict[str, Any]]:
    """``[{"node", "field", "from", "to"}]`` for a combination (no-change parts omitted)."""
    out = []
    for opt in options:
        node = design.nodes[opt.node]
        for f, v in opt.values:
            out.append({"node": opt.node, "field": f, "from": copy.deepcopy(getattr(node, f)),
                        "to": copy.deepcopy(v)})
    return out


def apply_changes(design: Design, changes: Iterable[dict[str, Any]]) -> Design:
    """A copy of ``design`` with the changes applied (the design itself is untouched)."""
    d = design.copy()
    for ch in changes:
        d.set_node_fields(ch["node"], **{ch["field"]: copy.deepcopy(ch["to"])})
    return d


def grouped_changes(changes: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Changes as ``{node: {field: to}}`` (what one SetNodeFieldsCommand takes)."""
    out: dict[str, dict[str, Any]] = {}
    for ch in changes:
        out.setdefault(ch["node"], {})[ch["field"]] = copy.deepcopy(ch["to"])
    return out


def describe_change(design: Design, ch: dict[str, Any]) -> str:
    """One change in words: "Booking API: replicas 1 → 2"."""
    node = design.nodes.get(ch["node"])
    name = node.name if node is not None else ch["node"]

    def show(v: Any) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(str(x) for x in v) + "]" if v else "none"
        if v is None:
            return "none"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)
    return f"{name}: {ch['field']} {show(ch['from'])} → {show(ch['to'])}"


# ---------------------------------------------------------------------------- search

@dataclass
class _Eval:
    report: Report | None
    verdict: dict[str, bool | None]
    feasible: bool
    short: float
    error: str = ""


class _Searcher:
    def __init__(self, design: Design, targets: list[Target], nodes: list[str],
                 options: dict[str, list[NodeOption]], *, max_evaluations: int,
                 progress: Progress | None, cancelled: Cancelled | None,
                 time_limit_s: float | None) -> None:
        self.design = design
        self.targets = targets
        self.nodes = nodes
        self.options = options
        self.max_evaluations = max_evaluations
        self.progress = progress
        self.cancelled = cancelled
        self.deadline = None if time_limit_s is None else time.monotonic() + time_limit_s
        self.cache: dict[tuple[int, ...], _Eval] = {}
        self.evaluations = 0
        self.stage = ""

    @property
    def out_of_budget(self) -> bool:
        if self.evaluations >= self.max_evaluations:
            return True
        return self.deadline is not None and time.monotonic() > self.deadline

    def combo_options(self, combo: tuple[int, ...]) -> list[NodeOption]:
        return [self.options[n][i] for n, i in zip(self.nodes, combo, strict=True)]

    def design_for(self, combo: tuple[int, ...]) -> Design:
        d = self.design.copy()
        for opt in self.combo_options(combo):
            node = d.nodes[opt.node]
            for f, v in opt.values:
                setattr(node, f, copy.deepcopy(v))
        return d

    def evaluate(self, combo: tuple[int, ...]) -> _Eval:
        hit = self.cache.get(combo)
        if hit is not None:
            return hit
        if self.cancelled is not None and self.cancelled():
            raise SearchCancelled
        d = self.design_for(combo)
        try:
            report = analyze(d, simulation_years=0, sweeps=False)
        except DesignError as exc:
            ev = _Eval(None, {}, False, math.inf, str(exc))
        else:
            verdict = check_targets(d, report, self.targets)
            ok = all(v is not False for v in verdict.values())
            ev = _Eval(report, verdict, ok, 0.0 if ok else shortfall(report, self.targets, verdict))
        self.cache[combo] = ev
        self.evaluations += 1
        if self.progress is not None:
            self.progress(self.evaluations, self.max_evaluations, self.stage)
        return ev

    def key(self, combo: tuple[int, ...], order: str) -> tuple[int, int]:
        opts = self.combo_options(combo)
        cost = sum(_cents(o.delta) for o in opts)
        levers = sum(o.n_levers for o in opts)
        return (cost, levers) if order == "cost" else (levers, cost)

    # -- greedy incumbent -------------------------------------------------------
    def greedy(self, start: tuple[int, ...], max_rounds: int = 12) -> tuple[int, ...] | None:
        """Apply, round by round, the single-lever step with the best shortfall reduction
        per unit of extra cost, until every target is met (None: stuck or out of budget)."""
        self.stage = "finding a first design that meets the targets"
        combo = start
        cur = self.evaluate(combo)
        for _ in range(max_rounds):
            if cur.feasible:
                return combo
            if self.out_of_budget:
                return None
            # the obvious move first (one evaluation): one more replica on every part that
            # a failing zone overloads, or else on the most important part
            quick = self._obvious_move(combo, cur)
            if quick is not None:
                ev = self.evaluate(quick)
                if ev.report is not None and (ev.feasible or ev.short < cur.short - 1e-12):
                    combo, cur = quick, ev
                    continue
            best: tuple[float, tuple[int, ...], _Eval] | None = None
            for pos, nid in enumerate(self.nodes):
                here = self.options[nid][combo[pos]]
                for j, opt in enumerate(self.options[nid]):
                    if j == combo[pos] or not _one_step(here, opt):
                        continue
                    if self.out_of_budget:
                        return None
                    cand = combo[:pos] + (j,) + combo[pos + 1:]
                    ev = self.evaluate(cand)
                    gain = cur.short - ev.short
                    if ev.report is None or (gain <= 1e-12 and not ev.feasible):
                        continue
                    extra = max(opt.delta - here.delta, 0.0)
                    score = (1e6 if ev.feasible else gain) / (1.0 + extra)
                    if best is None or score > best[0]:
                        best = (score, cand, ev)
            if best is None:
                return None
            combo, cur = best[1], best[2]
        return combo if cur.feasible else None

    def polish(self, combo: tuple[int, ...]) -> tuple[int, ...]:
        """Take back, one part at a time, replicas the greedy pass added that are not
        needed (the design must still meet every target)."""
        self.stage = "trimming the first design"
        changed = True
        while changed:
            changed = False
            for pos in range(len(self.nodes)):
                fewer = self._step_replicas(combo, pos, -1)
                if fewer is None or self.out_of_budget:
                    continue
                if self.evaluate(fewer).feasible:
                    combo, changed = fewer, True
        return combo

    def _step_replicas(self, combo: tuple[int, ...], pos: int, step: int = 1) -> tuple[int, ...] | None:
        nid = self.nodes[pos]
        here = self.options[nid][combo[pos]]
        for j, opt in enumerate(self.options[nid]):
            if opt.spec and here.spec and opt.spec[1] == here.spec[1] + step and \
                    opt.spec[0] == here.spec[0] and opt.spec[2:] == here.spec[2:]:
                return combo[:pos] + (j,) + combo[pos + 1:]
        return None

    def _obvious_move(self, combo: tuple[int, ...], cur: _Eval) -> tuple[int, ...] | None:
        rep = cur.report
        if rep is None:
            return None
        hot = {nid for f in rep.failures if f.kind == "zone" for nid in f.overloaded}
        moved = combo
        if cur.verdict.get("zones") is False and hot:
            for pos, nid in enumerate(self.nodes):
                if nid in hot:
                    nxt = self._step_replicas(moved, pos)
                    moved = nxt if nxt is not None else moved
            if moved != combo:
                return moved
        ranked = sorted(range(len(self.nodes)),
                        key=lambda p: -(rep.nodes[self.nodes[p]].birnbaum
                                        if self.nodes[p] in rep.nodes else 0.0))
        for pos in ranked[:1]:
            return self._step_replicas(combo, pos)
        return None

    # -- best-first enumeration ---------------------------------------------------
    def best_first(self, order: str, bound: tuple[int, int] | None,
                   after_first: int = 0) -> tuple[tuple[int, ...] | None, bool, list[tuple[int, ...]]]:
        """Combinations in increasing ``key(order)``; returns (first feasible, proven,
        further feasible ones seen in the ``after_first`` evaluations after it).

        ``proven`` is True when the first feasible is the optimum of the lever space: it
        was found before the budget ran out, or the queue passed ``bound`` (the
        incumbent's key) without finding a better one (then None is returned)."""
        sorted_opts = {}
        perm: dict[str, list[int]] = {}
        for nid in self.nodes:
            idx = list(range(len(self.options[nid])))
            if order == "cost":
                idx.sort(key=lambda i, n=nid: (_cents(self.options[n][i].delta), self.options[n][i].n_levers))
            else:
                idx.sort(key=lambda i, n=nid: (self.options[n][i].n_levers, _cents(self.options[n][i].delta)))
            perm[nid] = idx
            sorted_opts[nid] = [self.options[nid][i] for i in idx]
        n = len(self.nodes)

        def real(state: tuple[int, ...]) -> tuple[int, ...]:
            return tuple(perm[nid][s] for nid, s in zip(self.nodes, state, strict=True))

        start = (0,) * n
        heap: list[tuple[tuple[int, int], tuple[int, ...], int]] = [(self.key(real(start), order), start, 0)]
        first: tuple[int, ...] | None = None
        more: list[tuple[int, ...]] = []
        spent_after = 0
        while heap:
            k, state, last = heapq.heappop(heap)
            if first is None and bound is not None and k > bound:
                return None, True, more  # nothing beats the incumbent
            if first is not None and spent_after >= after_first:
                break
            if self.out_of_budget:
                return first, first is not None, more
            combo = real(state)
            before = self.evaluations
            ev = self.evaluate(combo)
            if first is not None:
                spent_after += self.evaluations - before
            if ev.feasible:
                if first is None:
                    first = combo
                    if after_first <= 0:
                        return first, True, more
                else:
                    more.append(combo)
            for j in range(last, n):
                if state[j] + 1 < len(sorted_opts[self.nodes[j]]):
                    nxt = state[:j] + (state[j] + 1,) + state[j + 1:]
                    heapq.heappush(heap, (self.key(real(nxt), order), nxt, j))
        return first, first is not None or not heap, more


def _one_step(here: NodeOption, there: NodeOption) -> bool:
    """``there`` moves one lever of ``here`` (replicas: by one more)."""
    diff = [i for i, (x, y) in enumerate(zip(here.spec, there.spec, strict=True)) if x != y]
    if len(diff) != 1:
        return False
    if diff[0] == 1:
        return there.spec[1] == here.spec[1] + 1
    return True


def candidate_nodes(design: Design, report: Report, targets: Sequence[Target],
                    verdict: dict[str, bool | None], max_nodes: int = MAX_NODES) -> list[str]:
    """The parts worth changing for the missed targets, most important first.

    Each missed kind of target ranks its own parts (availability: Birnbaum importance and
    downtime contribution; zones: how many failing zone scenarios take the part down or
    overload it, then its utilisation; latency: the part's own p99 on the client's path);
    the lists are merged in turn, so one target cannot crowd out another's parts. Parts a
    zone loss overloads come first: each of them must change for that target to be met."""
    comps = [nid for nid, n in design.nodes.items()
             if not n.is_container and n.role is not Role.SOURCE and nid in report.nodes]
    order = {nid: i for i, nid in enumerate(design.nodes)}
    missed = {t.kind for t in targets if verdict.get(t.key) is False}
    lists: list[list[str]] = []
    if missed & {"availability", "system_availability"}:
        score = {}
        for nid in comps:
            r = report.nodes[nid]
            s = max(r.birnbaum, 0.0) + r.downtime_contribution_minutes / MINUTES_PER_YEAR
            if s > 0:
                score[nid] = s
        lists.append(sorted(score, key=lambda n: (-score[n], order[n])))
    if "zones" in missed:
        score = {}
        for f in report.failures:
            if f.kind == "zone" and not (f.survives and not f.overloaded):
                down = set(f.nodes_down) if f.clients_down else set()
                for nid in {*down, *f.overloaded, *getattr(f, "hot", [])}:
                    if nid in comps:
                        u = report.nodes[nid].utilization or 0.0
                        score[nid] = score.get(nid, 0.0) + (2.0 if nid in f.overloaded else 1.0) \
                            + min(u, 10.0) / 100.0
        lists.append(sorted(score, key=lambda n: (-score[n], order[n])))
    if "latency" in missed:
        score = {}
        for t in targets:
            if t.kind == "latency" and verdict.get(t.key) is False and t.client:
                for nid in _reachable(design, t.client):
                    if nid in comps:
                        r = report.nodes[nid]
                        lat = r.latency_ms.p99 if r.latency_ms is not None else 0.0
                        score[nid] = score.get(nid, 0.0) + (lat if math.isfinite(lat) else 1e9)
        lists.append(sorted(score, key=lambda n: (-score[n], order[n])))
    out: list[str] = []
    if "zones" in missed:  # every part a zone loss overloads must change: those come first
        must = sorted({nid for f in report.failures if f.kind == "zone"
                       for nid in f.overloaded if nid in comps},
                      key=lambda n: (-(report.nodes[n].utilization or 0.0), order[n]))
        out.extend(must[:max_nodes])
    for rank in range(max((len(x) for x in lists), default=0)):
        for ranked in lists:
            if rank < len(ranked) and ranked[rank] not in out and len(out) < max_nodes:
                out.append(ranked[rank])
    return out


def lever_space(design: Design, report: Report, targets: Sequence[Target],
                verdict: dict[str, bool | None], *, presets: Iterable[Any] | None = None,
                max_nodes: int = MAX_NODES, extra_replicas: int = EXTRA_REPLICAS
                ) -> tuple[list[str], dict[str, list[NodeOption]]]:
    """The parts searched and each one's lever values (steps 1-2 of the module docstring).
    ``spread`` is offered only to parts placed wholly inside a zone whose loss fails."""
    nodes = candidate_nodes(design, report, targets, verdict, max_nodes)
    failing = [f.down for f in report.failures
               if f.kind == "zone" and not (f.survives and not f.overloaded)] \
        if verdict.get("zones") is False else []
    options: dict[str, list[NodeOption]] = {}
    for nid in nodes:
        node = design.nodes[nid]
        placed = set(node.spread) if node.spread else set(design.ancestors(nid))
        in_failing = any(z in placed and (not node.spread or set(node.spread) == {z})
                         for z in failing)
        options[nid] = node_options(design, nid, presets=presets, extra_replicas=extra_replicas,
                                    allow_spread=in_failing)
    return nodes, options


def _reachable(design: Design, start: str) -> list[str]:
    seen: list[str] = []
    stack = [start]
    while stack:
        cur = stack.pop()
        for lk in design.links_from(cur):
            if lk.target not in seen:
                seen.append(lk.target)
                stack.append(lk.target)
    return seen


def _option(label: str, design: Design, searcher: _Searcher | None, combo: tuple[int, ...] | None,
            ev: _Eval, base_cost: float) -> Option:
    rep = ev.report
    assert rep is not None
    opts = searcher.combo_options(combo) if searcher is not None and combo is not None else []
    changes = changes_for(design, opts)
    p99s = [c.latency_ms.p99 for c in rep.clients.values() if c.latency_ms is not None]
    s = rep.system
    return Option(label, changes, sum(o.n_levers for o in opts), s.cost_month,
                  s.cost_month - base_cost, s.availability, s.unavailability, nines(s.unavailability),
                  s.unavailability * MINUTES_PER_YEAR, max(p99s) if p99s else None, s.headroom,
                  dict(ev.verdict), ev.feasible, [o.node for o in opts if o.values])


def recommend(design: Design, *, presets: Iterable[Any] | None = None,
              max_nodes: int = MAX_NODES, extra_replicas: int = EXTRA_REPLICAS,
              max_evaluations: int = MAX_EVALUATIONS, time_limit_s: float | None = TIME_LIMIT_S,
              availability_level: float | None = None, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> Recommendation:
    """The cheapest changes that meet every target, up to three options (module docstring).

    Raises DesignError when the design cannot be analysed, SearchCancelled when
    ``cancelled()`` turns True. ``progress(done, budget, stage)`` is called after every
    evaluation."""
    presets = list(presets) if presets is not None else None
    base_report = analyze(design, simulation_years=0, sweeps=False)
    targets = design_targets(design, base_report, availability_level=availability_level)
    verdict = check_targets(design, base_report, targets)
    base_ok = all(v is not False for v in verdict.values())
    base_eval = _Eval(base_report, verdict, base_ok,
                      0.0 if base_ok else shortfall(base_report, targets, verdict))
    base_cost = base_report.system.cost_month
    notes = _notes(design, targets)
    current = _option("current", design, None, None, base_eval, base_cost)
    if base_ok:
        return Recommendation(targets, current, [], None, [], notes, [], 0, True, 1)

    nodes, options = lever_space(design, base_report, targets, verdict, presets=presets,
                                 max_nodes=max_nodes, extra_replicas=extra_replicas)
    space = math.prod(len(v) for v in options.values()) if options else 1
    searcher = _Searcher(design, targets, nodes, options, max_evaluations=max_evaluations,
                         progress=progress, cancelled=cancelled, time_limit_s=time_limit_s)
    identity = tuple(next(i for i, o in enumerate(options[n]) if not o.values) for n in nodes)
    searcher.cache[identity] = base_eval

    if not nodes:
        why = _why(design, base_report, targets, verdict, maxed=False)
        return Recommendation(targets, current, [], current, why,
                              notes + ["no part can change a missed target with these levers"],
                              [], 0, True, 1)

    # prescreen: every lever at its strongest; when even that misses, stop here
    searcher.stage = "checking the strongest design these levers allow"
    top = max_combo(nodes, options, design)
    tev = searcher.evaluate(top)
    if not tev.feasible and tev.report is not None:
        why = _why(design, tev.report, targets, tev.verdict, maxed=True)
        why.insert(0, "even with every lever at its strongest (the most replicas, the most "
                      "available preset, spread over every zone) the design misses:")
        closest_combo = min(((ev.short, c) for c, ev in searcher.cache.items()
                             if ev.report is not None))[1]
        closest = _option("closest", design, searcher, closest_combo, searcher.cache[closest_combo],
                          base_cost)
        return Recommendation(targets, current, [], closest, why,
                              notes + ["not searched: the strongest design misses a target "
                                       "(this assumes stronger levers never hurt)"],
                              nodes, searcher.evaluations, False, space)

    incumbent = searcher.greedy(identity)
    if incumbent is not None:
        incumbent = searcher.polish(incumbent)
    bound = searcher.key(incumbent, "cost") if incumbent is not None else None
    searcher.stage = "searching for the cheapest design"
    cheapest, proven, more = searcher.best_first("cost", bound, after_first=HEADROOM_EVALUATIONS)
    if cheapest is None and incumbent is not None:
        cheapest = incumbent
    exhaustive = proven
    fewest = None
    if cheapest is not None:
        searcher.stage = "searching for the fewest changes"
        fbound = searcher.key(cheapest, "fewest")
        fewest, fproven, _ = searcher.best_first("fewest", fbound)
        if fewest is None:
            fewest = cheapest
        exhaustive = exhaustive and fproven
    if not exhaustive:
        notes.append(f"the search stopped after {searcher.evaluations} evaluations: the options "
                     "are the best found, not proven the cheapest")

    found: list[Option] = []
    if cheapest is not None:
        found.append(_option("cheapest", design, searcher, cheapest, searcher.cache[cheapest], base_cost))
        if fewest is not None and fewest != cheapest:
            found.append(_option("fewest changes", design, searcher, fewest, searcher.cache[fewest],
                                 base_cost))
        # most headroom: within the cheapest's cost plus a quarter of today's cost a month
        limit = _cents(searcher.cache[cheapest].report.system.cost_month  # type: ignore[union-attr]
                       + HEADROOM_BUDGET * max(base_cost, 0.0))
        feas = [c for c, ev in searcher.cache.items()
                if ev.feasible and c != identity and ev.report is not None
                and _cents(ev.report.system.cost_month) <= limit]
        if feas:
            def head(c: tuple[int, ...]) -> tuple[float, float, float]:
                rep = searcher.cache[c].report
                assert rep is not None
                return (round(rep.system.headroom, 9), -rep.system.cost_month,
                        -rep.system.unavailability)
            best = max(feas, key=head)
            if best not in (cheapest, fewest) and head(best)[0] > head(cheapest)[0] + 1e-9:
                found.append(_option("most headroom", design, searcher, best, searcher.cache[best],
                                     base_cost))
        return Recommendation(targets, current, found, None, [], notes, nodes,
                              searcher.evaluations, exhaustive, space)

    # nothing meets every target: the closest design seen, and why
    seen = [(ev.short, c) for c, ev in searcher.cache.items() if ev.report is not None]
    closest_combo = min(seen)[1] if seen else identity
    cev = searcher.cache[closest_combo]
    closest = _option("closest", design, searcher, closest_combo, cev, base_cost)
    assert cev.report is not None
    why = _why(design, cev.report, targets, cev.verdict, maxed=True)
    return Recommendation(targets, current, [], closest, why, notes, nodes, searcher.evaluations,
                          exhaustive, space)


def _notes(design: Design, targets: Sequence[Target]) -> list[str]:
    out = []
    for t in targets:
        note = target_note(design, t)
        if note:
            out.append(f"{t.label}: {note}")
    if isinstance(design.settings.extra.get("policy"), dict):
        out.append("settings.policy (RTO/RPO) is not checked yet")
    out.append("not checked: clients' success ratio (the report has none yet); not levers: "
               "rollout, replication mode (not in the model yet)")
    return out


def _why(design: Design, report: Report, targets: Sequence[Target],
         verdict: dict[str, bool | None], maxed: bool) -> list[str]:
    out = []
    for t in targets:
        if verdict.get(t.key) is not False:
            continue
        if t.kind in ("availability", "system_availability"):
            a = (report.system.availability if t.client is None
                 else report.clients[t.client].availability)
            text = f"{t.label}: reaches {_pct(a)}"
            limits = [n for n in report.spofs if n in design.nodes and design.nodes[n].is_container]
            if limits:
                names = ", ".join(design.nodes[n].name for n in limits)
                text += f"; {names} alone fail{'s' if len(limits) == 1 else ''} every request " \
                        "and is not a lever"
            out.append(text)
        elif t.kind == "latency":
            c = report.clients.get(t.client or "")
            p99 = c.latency_ms.p99 if c is not None and c.latency_ms is not None else math.inf
            out.append(f"{t.label}: p99 is {p99:.0f} ms" if math.isfinite(p99)
                       else f"{t.label}: saturated (a node runs at or above 100 %)")
        elif t.kind == "zones":
            bad = [f for f in report.failures if f.kind == "zone" and not (f.survives and not f.overloaded)]
            parts = []
            for f in bad:
                name = design.nodes[f.down].name if f.down in design.nodes else f.down
                what = ("drops " + ", ".join(f.clients_down)) if f.clients_down else \
                    ("overloads " + ", ".join(f.overloaded))
                parts.append(f"losing {name} {what}")
            out.append(f"{t.label}: " + "; ".join(parts))
    if maxed and not out:
        out.append("no option met every target within the search budget")
    return out


# ---------------------------------------------------------------------------- nines curve

def nines_levels(current_nines: float, up_to: float = 2.0, step: float = 0.5) -> list[float]:
    """Availability levels from the current nines (rounded down to a half) + step .. + up_to."""
    start = math.floor(current_nines / step) * step if math.isfinite(current_nines) else 0.0
    out = []
    k = 1
    while start + k * step <= current_nines + up_to + 1e-9:
        out.append(1.0 - 10 ** -(start + k * step))
        k += 1
    return out


def _strength(design: Design, o: NodeOption) -> tuple[float, int, bool, bool, float]:
    node = design.nodes[o.node]
    vals = dict(o.values)
    a = float(vals.get("availability", node.availability))
    r = int(vals.get("replicas", node.replicas))
    active = vals.get("failover", node.failover) == "active-active"
    return (a, r * (2 if active else 1), "spread" in o.levers, "min_healthy" in o.levers, -o.delta)


def max_combo(nodes: Sequence[str], options: dict[str, list[NodeOption]],
              design: Design) -> tuple[int, ...]:
    """Every part at its strongest lever values: the most available preset, the most
    active replicas, spread, ``min_healthy`` "auto" (the prescreen)."""
    return tuple(max(range(len(options[n])), key=lambda i, n=n: _strength(design, options[n][i]))
                 for n in nodes)


def max_design(design: Design, nodes: Sequence[str], options: dict[str, list[NodeOption]]) -> Design:
    """The design with every part at its strongest (see :func:`max_combo`)."""
    d = design.copy()
    for n, i in zip(nodes, max_combo(nodes, options, design), strict=True):
        for f, v in options[n][i].values:
            setattr(d.nodes[n], f, copy.deepcopy(v))
    return d


def nines_cost(design: Design, *, presets: Iterable[Any] | None = None, up_to: float = 2.0,
               step: float = 0.5, max_evaluations: int = 600, time_limit_s: float | None = 20.0,
               progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> list[dict[str, Any]]:
    """The cheapest design for each availability level from the current one to ``up_to``
    more nines (half-nine steps): rows of {"level", "nines", "cost_month", "delta",
    "availability", "changes", "reachable", "exhaustive"}. Row 0 is the design as drawn.
    p99 SLOs and the zone target still apply at every level."""
    presets = list(presets) if presets is not None else None
    base = analyze(design, simulation_years=0, sweeps=False)
    s = base.system
    rows: list[dict[str, Any]] = [{
        "level": None, "nines": nines(s.unavailability), "cost_month": s.cost_month, "delta": 0.0,
        "availability": s.availability, "changes": [], "reachable": True, "exhaustive": True}]
    levels = nines_levels(nines(s.unavailability), up_to, step)
    for i, level in enumerate(levels):
        def prog(done: int, budget: int, stage: str, i: int = i, level: float = level) -> None:
            if progress is not None:
                progress(i * budget + done, budget * len(levels), f"level {_pct(level)}: {stage}")
        rec = recommend(design, presets=presets, availability_level=level,
                        max_evaluations=max_evaluations, time_limit_s=time_limit_s, progress=prog,
                        cancelled=cancelled)
        best = rec.options[0] if rec.options else (rec.current if rec.current.meets_all else None)
        if best is None:
            rows.append({"level": level, "nines": -math.log10(1.0 - level), "cost_month": None,
                         "delta": None, "availability": None, "changes": [], "reachable": False,
                         "exhaustive": rec.exhaustive})
            continue
        rows.append({
            "level": level, "nines": -math.log10(1.0 - level),
            "cost_month": best.cost_month, "delta": best.delta_cost_month,
            "availability": best.availability,
            "changes": best.changes, "reachable": True,
            "exhaustive": rec.exhaustive})
    return rows


__all__ = [
    "CHANGE_FIELDS", "NodeOption", "Option", "Recommendation", "SearchCancelled", "Target",
    "apply_changes", "candidate_nodes", "changes_for", "check_targets", "describe_change",
    "design_targets", "grouped_changes", "max_design", "nines_cost", "nines_levels",
    "lever_space", "max_combo", "node_options", "recommend", "shortfall",
]
