"""The Report: every number the GUI, the CLI and the exports show (DESIGN section 4)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MINUTES_PER_YEAR = 525_960.0


def nines(unavailability: float) -> float:
    """-log10(1 - A), from the unavailability so tiny values keep their digits."""
    if unavailability <= 0.0:
        return math.inf
    if unavailability >= 1.0:
        return 0.0
    return -math.log10(unavailability)


def _json_value(value: Any) -> Any:
    """JSON has no infinity or NaN: those become null (a saturated / undefined value)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


@dataclass
class Latency:
    mean: float
    p99: float

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "p99": self.p99}


@dataclass
class SystemResult:
    availability: float
    unavailability: float
    nines: float
    downtime_minutes_per_year: float
    meets_slo: bool
    cost_month: float
    headroom: float
    bottleneck: str | None


@dataclass
class ClientResult:
    availability: float
    unavailability: float
    nines: float
    downtime_minutes_per_year: float
    meets_slo: bool
    slo: dict[str, float] = field(default_factory=dict)
    latency_ms: Latency | None = None
    demand_rps: float = 0.0
    connected: bool = True  # False: the client links to nothing (its SLO is not counted)
    # (4b) error rates and the error budget (analysis/success.py, analysis/recovery.py)
    success_ratio: float | None = None  # availability x success of its request
    request_success: float = 1.0  # success of its request (error rates only)
    degraded_fraction: float = 0.0  # succeeds, but an optional call failed (of all requests)
    error_budget_minutes_per_month: float | None = None  # (1 - slo) x 43,830
    error_budget_used: float | None = None  # expected downtime / budget (1.0 = all of it)


@dataclass
class NodeResult:
    kind: str
    name: str
    availability: float  # P(node serves); containers: P(container up)
    unavailability: float
    nines: float
    load_rps: float | None = None
    capacity_rps: float | None = None  # active replicas x per-replica capacity
    utilization: float | None = None
    latency_ms: Latency | None = None  # the node's own station (queueing + service)
    end_to_end_ms: Latency | None = None  # a request arriving here, everything below included
    birnbaum: float = 0.0
    downtime_contribution_minutes: float = 0.0
    availability_given_down: float = 0.0
    availability_given_up: float = 0.0
    cost_month: float = 0.0
    replicas: int = 1
    # (v2) the part's own figure: enough of its own replicas up and not failing over,
    # without dependencies or containers (containers: their own availability)
    own_availability: float = 1.0
    own_unavailability: float = 0.0
    request_success: float = 1.0  # (4b) success of a request arriving here (error rates)


@dataclass
class FailureScenario:
    """One "X down, everything else up" scenario. The id lists read like lists; the
    engine's are built when first read (``idlists.IdList``: 2 million ids for a 2,000-part
    chain's scenarios, almost none of them ever looked at)."""

    down: str
    kind: str
    clients_down: Sequence[str]
    nodes_down: Sequence[str]
    overloaded: Sequence[str]
    utilization: dict[str, float]
    availability_given_down: float
    unavailability_given_down: float
    hot: Sequence[str] = field(default_factory=list)  # above target utilisation, within 100 %

    @property
    def survives(self) -> bool:
        """(v2) No client drops and no node runs above 100 %."""
        return not self.clients_down and not self.overloaded


@dataclass
class CutUnit:
    """One failure unit of a cut set (``analysis.cutsets``): a node (its replicas
    grouped: ``lost`` of them), a zone, a region or a failover window."""

    id: str  # the node or container
    kind: str  # "node", "zone", "region", "failover_window" or "bad_change"
    name: str
    probability: float
    words: str  # "db (2 of its 3 replicas)", "zone eu-a", "lb's failover window"
    lost: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "name": self.name,
                "probability": self.probability, "words": self.words, "lost": self.lost}


@dataclass
class CutSet:
    """A minimal cut set: these units failed together, everything else up, drop
    ``clients``. ``share_of_downtime`` = probability / P(system down) (rare-event
    approximation: shares of overlapping sets do not add up to exactly 100 %)."""

    units: list[CutUnit]
    order: int
    probability: float
    share_of_downtime: float
    clients: list[str]
    nodes_down: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"units": [u.to_dict() for u in self.units], "order": self.order,
                "probability": self.probability, "share_of_downtime": self.share_of_downtime,
                "clients": list(self.clients), "nodes_down": list(self.nodes_down)}


@dataclass
class ResilienceRow:
    """(4b) One disruption of one target: how long until every client is served again
    (RTO, minutes) and how much acknowledged data is lost (RPO, seconds; None: everything
    since nothing protects it). ``meets_policy`` is None when the policy sets nothing for
    this disruption type."""

    disruption: str  # "hardware" | "software" | "zone" | "region"
    target: str
    rto_minutes: float
    rpo_seconds: float | None
    meets_policy: bool | None
    survives: bool  # every client still served (after any failover)
    rto_note: str = ""
    rpo_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"disruption": self.disruption, "target": self.target,
                "rto_minutes": self.rto_minutes, "rpo_seconds": self.rpo_seconds,
                "meets_policy": self.meets_policy, "survives": self.survives,
                "rto_note": self.rto_note, "rpo_note": self.rpo_note}


@dataclass
class ResilienceSummary:
    """(4b) The worst RTO and RPO of one disruption type, against the policy."""

    disruption: str
    count: int = 0
    worst_rto_minutes: float | None = None
    worst_rto_target: str | None = None
    worst_rpo_seconds: float | None = None  # None with rpo_everything: nothing protects it
    worst_rpo_target: str | None = None
    rpo_everything: bool = False
    policy: dict[str, float] | None = None
    meets_policy: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "worst_rto_minutes": self.worst_rto_minutes,
                "worst_rto_target": self.worst_rto_target,
                "worst_rpo_seconds": self.worst_rpo_seconds,
                "worst_rpo_target": self.worst_rpo_target, "rpo_everything": self.rpo_everything,
                "policy": None if self.policy is None else dict(self.policy),
                "meets_policy": self.meets_policy}


@dataclass
class Report:
    system: SystemResult
    clients: dict[str, ClientResult]
    nodes: dict[str, NodeResult]
    failures: list[FailureScenario]
    spofs: list[str]
    warnings: list[str]
    revision: int = 0
    extras: dict[str, Any] = field(default_factory=dict)  # simulation, sweeps: added by later stages
    spof_units: dict[str, str] = field(default_factory=dict)  # SPOF id -> its failure unit(s)
    # (4b) RTO/RPO per disruption (analysis/recovery.py)
    resilience: list[ResilienceRow] = field(default_factory=list)
    resilience_summary: dict[str, ResilienceSummary] = field(default_factory=dict)

    def resilience_for(self, target: str) -> list[ResilienceRow]:
        """(4b) Every disruption row of one node or container."""
        return [r for r in self.resilience if r.target == target]
    cut_sets: list[CutSet] = field(default_factory=list)  # minimal, up to order 3
    cut_sets_summary: dict[str, Any] = field(default_factory=dict)  # complete, note, budget
    # the live canvas's first, partial report (``analyze(..., preliminary=)``): what the
    # badges show, equal to the full report's; importance fields NaN, no scenarios,
    # latency or 4b figures; ``pending`` = clients whose SLO verdict needs the latency of
    # the full pass. Never exported, never shown outside the canvas badges.
    preliminary: bool = False
    pending: list[str] = field(default_factory=list)

    def failure(self, down: str) -> FailureScenario | None:
        for f in self.failures:
            if f.down == down:
                return f
        return None

    def zone_survival(self) -> dict[str, bool]:
        """"Do we survive losing this zone?" for every zone (and region)."""
        return {f.down: f.survives for f in self.failures if f.kind in ("zone", "region")}

    def to_dict(self) -> dict[str, Any]:
        s = self.system
        out: dict[str, Any] = {
            "system": {
                "availability": s.availability,
                "unavailability": s.unavailability,
                "nines": s.nines,
                "downtime_minutes_per_year": s.downtime_minutes_per_year,
                "meets_slo": s.meets_slo,
                "cost_month": s.cost_month,
                "headroom": s.headroom,
                "bottleneck": s.bottleneck,
            },
            "clients": {},
            "nodes": {},
            "failures": [],
            "spofs": list(self.spofs),
            "spof_units": dict(self.spof_units),
            "zones": {},
            "warnings": list(self.warnings),
        }
        for cid, c in self.clients.items():
            out["clients"][cid] = {
                "availability": c.availability,
                "unavailability": c.unavailability,
                "nines": c.nines,
                "downtime_minutes_per_year": c.downtime_minutes_per_year,
                "latency_ms": c.latency_ms.to_dict() if c.latency_ms else None,
                "meets_slo": c.meets_slo,
                "slo": dict(c.slo),
                "demand_rps": c.demand_rps,
                "connected": c.connected,
                "success_ratio": c.success_ratio,
                "request_success": c.request_success,
                "degraded_fraction": c.degraded_fraction,
                "error_budget_minutes_per_month": c.error_budget_minutes_per_month,
                "error_budget_used": c.error_budget_used,
            }
        for nid, n in self.nodes.items():
            out["nodes"][nid] = {
                "kind": n.kind,
                "name": n.name,
                "availability": n.availability,
                "unavailability": n.unavailability,
                "nines": n.nines,
                "replicas": n.replicas,
                "load_rps": n.load_rps,
                "capacity_rps": n.capacity_rps,
                "utilization": n.utilization,
                "latency_ms": n.latency_ms.to_dict() if n.latency_ms else None,
                "end_to_end_ms": n.end_to_end_ms.to_dict() if n.end_to_end_ms else None,
                "birnbaum": n.birnbaum,
                "downtime_contribution_minutes": n.downtime_contribution_minutes,
                "availability_given_down": n.availability_given_down,
                "availability_given_up": n.availability_given_up,
                "own_availability": n.own_availability,
                "own_unavailability": n.own_unavailability,
                "cost_month": n.cost_month,
                "request_success": n.request_success,
            }
        for f in self.failures:
            out["failures"].append({
                "down": f.down,
                "kind": f.kind,
                "clients_down": list(f.clients_down),
                "nodes_down": list(f.nodes_down),
                "overloaded": list(f.overloaded),
                "hot": list(f.hot),
                "utilization": dict(f.utilization),
                "availability_given_down": f.availability_given_down,
                "unavailability_given_down": f.unavailability_given_down,
                "survives": f.survives,
            })
            if f.kind == "zone":
                out["zones"][f.down] = {"survives": f.survives, "clients_down": list(f.clients_down),
                                        "overloaded": list(f.overloaded), "hot": list(f.hot)}
        out["cut_sets"] = [cs.to_dict() for cs in self.cut_sets]
        out["cut_sets_summary"] = dict(self.cut_sets_summary)
        out["resilience"] = [r.to_dict() for r in self.resilience]
        out["resilience_summary"] = {k: v.to_dict() for k, v in self.resilience_summary.items()}
        for key, value in self.extras.items():
            out[key] = value
        return _json_value(out)
