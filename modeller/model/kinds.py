"""Node kinds and the role each plays in the semantics (DESIGN section 2)."""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    SOURCE = "source"  # clients: perfect, served when every target serves
    WORKER = "worker"  # needs every non-optional dependency
    ROUTER = "router"  # outgoing links form a pool of alternatives
    DOMAIN = "domain"  # region / zone: a container that fails what it holds
    NOTE = "note"  # a text note on the canvas: no semantics, never analysed
    GROUP = "group"  # a labelled box that holds parts on the canvas (VPC, subnet): never a failure domain


KIND_ROLES: dict[str, Role] = {
    "client": Role.SOURCE,
    "service": Role.WORKER,
    "database": Role.WORKER,
    "cache": Role.WORKER,
    "queue": Role.WORKER,
    "storage": Role.WORKER,
    "external": Role.WORKER,
    "load_balancer": Role.ROUTER,
    "dns": Role.ROUTER,
    "region": Role.DOMAIN,
    "zone": Role.DOMAIN,
    "note": Role.NOTE,
    "group": Role.GROUP,
}

KIND_LABELS: dict[str, str] = {
    "client": "Client",
    "service": "Service",
    "database": "Database",
    "cache": "Cache",
    "queue": "Queue",
    "storage": "Storage",
    "external": "External",
    "load_balancer": "Load balancer",
    "dns": "DNS",
    "region": "Region",
    "zone": "Zone",
    "note": "Note",
    "group": "Group",
}

FAILOVER_MODES = ("active-active", "active-passive")


def role_of(kind: str) -> Role:
    return KIND_ROLES[kind]


def is_container(kind: str) -> bool:
    return KIND_ROLES.get(kind) is Role.DOMAIN


def is_note(kind: str) -> bool:
    """A text note: drawn and saved, but neither a component nor a container."""
    return KIND_ROLES.get(kind) is Role.NOTE


def is_group(kind: str) -> bool:
    """A visual group (VPC, subnet, account, "cloud"): it holds parts on the canvas and in
    exports, but it is neither a component nor a failure domain. The analysis sees a part
    inside a group as placed in the group's nearest region or zone (``Design.ancestors``)."""
    return KIND_ROLES.get(kind) is Role.GROUP


def is_box(kind: str) -> bool:
    """A box that may hold other nodes: a failure domain (region, zone) or a group."""
    return KIND_ROLES.get(kind) in (Role.DOMAIN, Role.GROUP)
