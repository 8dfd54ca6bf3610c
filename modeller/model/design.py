"""The design document: nodes, links and settings, with change announcements.

The design is the single source of truth. Views (the canvas, the analysis worker)
subscribe to it and are told after every change; they never hold state the file
would lose.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from .kinds import KIND_ROLES, Role, is_box, is_container, is_group, is_note

MINUTES_PER_YEAR = 525_960.0  # 365.25 days
FORMAT = "modeller.design"
VERSION = 1



# values a copy may share (immutable): the design copy for every analysis skips deepcopy
_ATOMIC = frozenset({str, int, float, bool, type(None)})


def _copy_fields(obj: Any, memo: dict[int, Any], shared: tuple[str, ...] = ()) -> Any:
    """A copy of a model object: immutable values and the ``shared`` fields kept, the
    rest (lists, dicts) deep-copied."""
    new = obj.__class__.__new__(obj.__class__)
    memo[id(obj)] = new
    for key, value in obj.__dict__.items():
        new.__dict__[key] = value if key in shared or type(value) in _ATOMIC \
            else copy.deepcopy(value, memo)
    return new

@dataclass
class Node:
    """One box on the canvas: a component (with replicas) or a container."""

    id: str
    kind: str
    name: str = ""
    x: float = 0.0
    y: float = 0.0
    w: float | None = None
    h: float | None = None
    parent: str | None = None
    replicas: int = 1
    availability: float = 1.0
    mtbf_hours: float | None = None
    mttr_hours: float | None = None
    min_healthy: int | str = "auto"
    min_targets: int | str = "auto"
    capacity_rps: float | None = None
    service_time_ms: float = 0.0
    cost_month: float = 0.0
    failover: str = "active-active"
    failover_seconds: float = 0.0
    spread: list[str] = field(default_factory=list)
    demand_rps: float | None = None
    slo: dict[str, float] = field(default_factory=dict)
    preset: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # (DESIGN 4b) reliability beyond uptime; the defaults change no number
    error_rate: float = 0.0  # fraction of requests failed while serving, 0 <= e < 1
    detect_minutes: float | None = None  # monitoring notices a failure
    recover_minutes: float | None = None  # restored once noticed; both given: MTTR = sum
    deploys_per_month: float = 0.0
    change_failure_rate: float = 0.0  # fraction of deploys that need a rollback
    rollback_minutes: float | None = None  # a bad change's outage (None: the node's MTTR)
    rollout: str = "all-at-once"  # | "zone-by-zone" | "region-by-region"
    replication: str | None = None  # stateful kinds: "sync" | "async" between own replicas
    replication_lag_seconds: float = 0.0
    backup_hours: float | None = None  # interval between backups

    def __post_init__(self) -> None:
        if not self.name:
            self.name = self.id

    @property
    def role(self) -> Role:
        return KIND_ROLES[self.kind]

    @property
    def is_container(self) -> bool:
        return is_container(self.kind)

    @property
    def is_note(self) -> bool:
        """A text note (its words in ``extra["text"]``): no semantics, never analysed."""
        return is_note(self.kind)

    @property
    def is_group(self) -> bool:
        """A visual group (VPC, subnet, account): holds parts, never a failure domain."""
        return is_group(self.kind)

    @property
    def is_box(self) -> bool:
        """A box that may hold nodes on the canvas: a region, a zone or a group."""
        return is_box(self.kind)

    def _default_mttr(self) -> float:
        """The design's default MTTR (hours) once the node is in a design, else 1 h."""
        settings = self.__dict__.get("_settings")
        return 1.0 if settings is None else settings.default_mttr_hours

    @property
    def detect_recover_hours(self) -> float | None:
        """(4b) detect + recover in hours when both are given (then this is the MTTR)."""
        if self.detect_minutes is None or self.recover_minutes is None:
            return None
        return (self.detect_minutes + self.recover_minutes) / 60.0

    def _detect_recover_au(self, default_mttr_hours: float) -> tuple[float, float]:
        """(A, U) per replica with MTTR = detect + recover (D hours), each computed directly.

        The failure rate stays what it was: MTBF = mtbf_hours, else a M / (1 - a) with
        M = mttr_hours or the default MTTR; A = MTBF/(MTBF + D) and
        U = D/(MTBF + D) = D (1 - a) / (a M + D (1 - a)) (no cancellation)."""
        dr = self.detect_recover_hours
        assert dr is not None
        if self.mtbf_hours is not None:
            if dr == 0:
                return 1.0, 0.0
            return 1.0 / (1.0 + dr / self.mtbf_hours), 1.0 / (1.0 + self.mtbf_hours / dr)
        a = self.availability
        if a >= 1.0 or dr == 0:
            return 1.0, 0.0
        u0 = 1.0 - a  # exact for a >= 0.5 (Sterbenz)
        m = self.mttr_hours if self.mttr_hours is not None else default_mttr_hours
        up, down = a * m, dr * u0
        return up / (up + down), down / (up + down)

    def replica_availability_at(self, default_mttr_hours: float) -> float:
        """Per-replica availability given the design's default MTTR (hours)."""
        if self.detect_recover_hours is None:
            return self.replica_availability
        return self._detect_recover_au(default_mttr_hours)[0]

    def replica_unavailability_at(self, default_mttr_hours: float) -> float:
        """Per-replica unavailability (no cancellation) given the design's default MTTR."""
        if self.detect_recover_hours is None:
            return self.replica_unavailability
        return self._detect_recover_au(default_mttr_hours)[1]

    @property
    def replica_availability(self) -> float:
        """Per-replica availability: MTBF/(MTBF+MTTR) when both are given; (4b) with
        detect + recover, at the design's default MTTR (:meth:`replica_availability_at`)."""
        if self.detect_recover_hours is not None:
            return self._detect_recover_au(self._default_mttr())[0]
        if self.mtbf_hours is not None and self.mttr_hours is not None:
            return 1.0 / (1.0 + self.mttr_hours / self.mtbf_hours)  # no MTBF+MTTR overflow
        return self.availability

    @property
    def replica_unavailability(self) -> float:
        """1 - availability, computed without cancellation when MTBF/MTTR (or, 4b,
        detect + recover) are given."""
        if self.detect_recover_hours is not None:
            return self._detect_recover_au(self._default_mttr())[1]
        if self.mtbf_hours is not None and self.mttr_hours is not None:
            if self.mttr_hours == 0:
                return 0.0
            return 1.0 / (1.0 + self.mtbf_hours / self.mttr_hours)
        return 1.0 - self.availability

    def mtbf_mttr(self, default_mttr_hours: float) -> tuple[float, float]:
        """(MTBF, MTTR) in hours; MTTR from settings when only availability is given.
        (4b) With detect + recover the MTTR is their sum; MTBF stays as it was."""
        dr = self.detect_recover_hours
        if dr is not None:
            if self.mtbf_hours is not None:
                return self.mtbf_hours, dr
            a = self.availability
            m = self.mttr_hours if self.mttr_hours is not None else default_mttr_hours
            return (math.inf if a >= 1.0 else a * m / (1.0 - a)), dr
        if self.mtbf_hours is not None and self.mttr_hours is not None:
            return self.mtbf_hours, self.mttr_hours
        a = self.availability
        if self.mtbf_hours is not None:  # availability stands; MTTR follows from it
            return self.mtbf_hours, self.mtbf_hours * (1.0 - a) / a
        mttr = self.mttr_hours if self.mttr_hours is not None else default_mttr_hours
        if a >= 1.0:
            return math.inf, mttr
        return a * mttr / (1.0 - a), mttr

    @property
    def active_replicas(self) -> int:
        return 1 if self.failover == "active-passive" else self.replicas

    def copy(self) -> Node:
        return copy.deepcopy(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Node:
        """Fields deep-copied; the design's settings (bound by :class:`Design` for the
        default MTTR) shared, not copied: a new design binds its own."""
        return _copy_fields(self, memo, shared=("_settings",))


@dataclass
class Link:
    """``source`` depends on / sends traffic to ``target``."""

    source: str
    target: str
    calls: float = 1.0
    optional: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # (DESIGN 4b) a replication link copies source's data to target: it carries no load
    # and is not a dependency (load flow, structure and latency must skip it)
    replicates: bool = False
    mode: str = "async"  # replicates links: "sync" | "async"
    lag_seconds: float = 0.0  # replicates links: how far the copy trails

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.target)

    def copy(self) -> Link:
        return _copy_fields(self, {})


@dataclass
class Settings:
    default_mttr_hours: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def policy(self) -> dict[str, dict[str, float]]:
        """(4b) ``settings.policy``: {disruption: {"rto_minutes": x, "rpo_seconds": y}},
        kept in ``extra`` (the loader checks it, model/reliability.py)."""
        raw = self.extra.get("policy")
        return raw if isinstance(raw, dict) else {}


NODE_FIELDS = tuple(f.name for f in fields(Node) if f.name != "extra")
LINK_FIELDS = ("calls", "optional", "replicates", "mode", "lag_seconds")

Listener = Callable[["Design"], None]

if TYPE_CHECKING:
    from .variants import Variant


class Design:
    """An architecture: ordered nodes, links, settings and unknown top-level fields."""

    def __init__(
        self,
        name: str = "Untitled",
        nodes: Iterable[Node] = (),
        links: Iterable[Link] = (),
        settings: Settings | None = None,
        extra: dict[str, Any] | None = None,
        variants: Iterable[Variant] = (),
    ) -> None:
        self.name = name
        self.nodes: dict[str, Node] = {}
        for n in nodes:
            self.nodes[n.id] = n
        self.links: list[Link] = list(links)
        self.settings = settings or Settings()
        self.extra: dict[str, Any] = dict(extra or {})
        self.variants: list[Variant] = list(variants)  # named options (model/variants.py)
        self.revision = 0
        self._listeners: list[Listener] = []

    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        """Nodes see the design's settings (their default MTTR: 4b detect + recover)."""
        self._settings = value
        for n in self.nodes.values():
            n.__dict__["_settings"] = value

    def flow_links(self) -> list[Link]:
        """(4b) The links that carry load and dependencies: every link but ``replicates``."""
        return [lk for lk in self.links if not lk.replicates]

    def replication_links(self) -> list[Link]:
        """(4b) The ``replicates`` links: data copies, no load, no dependency."""
        return [lk for lk in self.links if lk.replicates]

    # -- observation -------------------------------------------------------
    def subscribe(self, listener: Listener, first: bool = False) -> None:
        """Call ``listener(design)`` after every change; ``first``: before the others
        (the window starts the analysis's debounce before the canvas redraws)."""
        if first:
            self._listeners.insert(0, listener)
        else:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def changed(self) -> None:
        """Announce a change: bump the revision and tell every listener."""
        self.revision += 1
        for listener in list(self._listeners):
            listener(self)

    # -- queries -----------------------------------------------------------
    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def link(self, source: str, target: str) -> Link | None:
        for link in self.links:
            if link.source == source and link.target == target:
                return link
        return None

    def links_from(self, node_id: str) -> list[Link]:
        return [lk for lk in self.links if lk.source == node_id]

    def links_to(self, node_id: str) -> list[Link]:
        return [lk for lk in self.links if lk.target == node_id]

    def children(self, container_id: str | None) -> list[Node]:
        return [n for n in self.nodes.values() if n.parent == container_id]

    def ancestors(self, node_id: str) -> list[str]:
        """Failure domains (regions, zones) around a node, innermost first.

        Groups are walked through, not listed: a part inside a group is analysed as if
        its parent were the group's nearest region or zone (or none), so drawing a group
        box around parts changes no number. A loop stops the walk."""
        return [c for c in self.enclosing(node_id) if not self.nodes[c].is_group]

    def enclosing(self, node_id: str) -> list[str]:
        """Every box around a node on the canvas (regions, zones and groups), innermost
        first (a loop stops the walk): what geometry and drawing order need."""
        out: list[str] = []
        seen: set[str] = set()
        cur = self.nodes[node_id].parent
        while cur is not None and cur in self.nodes and cur not in seen:
            out.append(cur)
            seen.add(cur)
            cur = self.nodes[cur].parent
        return out

    def descendants(self, container_id: str) -> list[str]:
        """Every node placed (directly or nested, through groups too) inside a box."""
        out = []
        for n in self.nodes.values():
            if container_id in self.enclosing(n.id):
                out.append(n.id)
        return out

    def containers(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.is_container]

    def components(self) -> list[Node]:
        """The parts the analysis sees: every node but containers, groups and notes."""
        return [n for n in self.nodes.values()
                if not n.is_container and not n.is_note and not n.is_group]

    def groups(self) -> list[Node]:
        """Visual groups on the canvas (no failure semantics)."""
        return [n for n in self.nodes.values() if n.is_group]

    def notes(self) -> list[Node]:
        """Text notes on the canvas (no semantics)."""
        return [n for n in self.nodes.values() if n.is_note]

    def clients(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.role is Role.SOURCE]

    def new_id(self, base: str) -> str:
        """A fresh id derived from ``base`` (``web``, ``web-2``, ``web-3`` ...)."""
        base = base or "node"
        if base not in self.nodes:
            return base
        i = 2
        while f"{base}-{i}" in self.nodes:
            i += 1
        return f"{base}-{i}"

    # -- edits (the UI wraps each in an undo command) -----------------------
    def add_node(self, node: Node, index: int | None = None) -> None:
        if node.id in self.nodes:
            raise KeyError(f"duplicate node id {node.id!r}")
        node.__dict__["_settings"] = self._settings
        items = list(self.nodes.items())
        if index is None or index >= len(items):
            items.append((node.id, node))
        else:
            items.insert(index, (node.id, node))
        self.nodes = dict(items)

    def remove_node(self, node_id: str) -> tuple[int, Node]:
        index = list(self.nodes).index(node_id)
        return index, self.nodes.pop(node_id)

    def add_link(self, link: Link, index: int | None = None) -> None:
        if index is None:
            self.links.append(link)
        else:
            self.links.insert(index, link)

    def remove_link(self, source: str, target: str) -> tuple[int, Link]:
        for i, link in enumerate(self.links):
            if link.source == source and link.target == target:
                return i, self.links.pop(i)
        raise KeyError(f"no link {source} -> {target}")

    def set_node_fields(self, node_id: str, **values: Any) -> dict[str, Any]:
        """Set fields on a node; returns the old values (for undo)."""
        node = self.nodes[node_id]
        old: dict[str, Any] = {}
        for key, value in values.items():
            if key in NODE_FIELDS:
                old[key] = copy.deepcopy(getattr(node, key))
                setattr(node, key, value)
            else:
                old[key] = copy.deepcopy(node.extra.get(key, _MISSING))
                if value is _MISSING:
                    node.extra.pop(key, None)
                else:
                    node.extra[key] = value
        return old

    def set_link_fields(self, source: str, target: str, **values: Any) -> dict[str, Any]:
        link = self.link(source, target)
        if link is None:
            raise KeyError(f"no link {source} -> {target}")
        old = {}
        for key, value in values.items():
            old[key] = getattr(link, key)
            setattr(link, key, value)
        return old

    def copy(self) -> Design:
        """A deep copy without listeners (what the analysis worker receives)."""
        d = Design(
            self.name,
            [n.copy() for n in self.nodes.values()],
            [lk.copy() for lk in self.links],
            copy.deepcopy(self.settings),
            copy.deepcopy(self.extra),
            [v.copy() for v in self.variants],
        )
        d.revision = self.revision
        return d

    # -- variants (model/variants.py) ----------------------------------------
    def variant(self, name: str) -> Design:
        """The named variant materialised as a design of its own (no variants): the base
        with that variant's overrides applied. KeyError when there is no such variant;
        DesignError (naming the variant) when it no longer makes a valid design."""
        from .variants import find, materialise

        i = find(self, name)
        return materialise(self, self.variants[i], strict=False, index=i)

    def store_variant(self, name: str, edited: Design) -> None:
        """Store ``edited`` (an edited materialised variant) back as the overrides of the
        variant called ``name`` (a new variant at the end when there is none)."""
        from .variants import diff, find

        try:
            i = find(self, name)
        except KeyError:
            self.variants.append(diff(self, edited, name))
            return
        self.variants[i] = diff(self, edited, name, extra=self.variants[i].extra)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Design):
            return NotImplemented
        return (
            self.name == other.name
            and list(self.nodes.values()) == list(other.nodes.values())
            and self.links == other.links
            and self.settings == other.settings
            and self.extra == other.extra
            and self.variants == other.variants
        )

    def __repr__(self) -> str:
        return f"Design({self.name!r}, {len(self.nodes)} nodes, {len(self.links)} links)"


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
MISSING = _MISSING
