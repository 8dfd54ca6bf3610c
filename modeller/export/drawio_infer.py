"""Rules the draw.io import applies once shapes have kinds: what a box means, which zones
an Auto Scaling group spans, which way an undirected edge points, and the client a
design gets when none was drawn. Pure functions over plain data, each stating its rule.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "box_by_label", "overlap_share", "orient_rank", "infer_client", "SPREAD_WHY",
]

Rect = tuple[float, float, float, float]

_DIRECTION = r"(north|south|east|west|central|northeast|northwest|southeast|southwest)"
# AWS "eu-west-1" / zone "eu-west-1a"; GCP "europe-west1" / zone "europe-west1-b"
REGION_NAME = re.compile(
    rf"(?<![a-z0-9-])([a-z]{{2}}(-gov)?-{_DIRECTION}-\d+|[a-z]+-{_DIRECTION}\d+)(?![a-z0-9-])")
ZONE_NAME = re.compile(
    rf"(?<![a-z0-9-])([a-z]{{2}}(-gov)?-{_DIRECTION}-\d+[a-z]|[a-z]+-{_DIRECTION}\d+-[a-z])"
    r"(?![a-z0-9-])")

# a box whose label says it holds replicas of one part spread over zones
_SPREAD_PHRASES = (" auto scaling ", " autoscaling ", " scale set ", " scale sets ",
                   " scaling group ", " instance group ", " managed instance group ",
                   " replica pool ", " node pool ", " asg ", " vmss ", " mig ")
# a box whose label names a network or an organisational boundary: never a failure domain
_GROUP_WORDS = {"vpc", "vnet", "subnet", "subnets", "account", "accounts", "subscription",
                "tenant", "project", "organization", "organisation", "namespace", "firewall",
                "dmz", "vlan", "network", "vpn"}
_GROUP_PHRASES = (" security group ", " resource group ", " virtual network ",
                  " private network ", " data center ", " data centre ", " datacenter ",
                  " on premises ", " on prem ", " on premise ")

SPREAD_WHY = "Auto Scaling group"


def _words(text: str) -> tuple[list[str], str]:
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]
    return words, " " + " ".join(words) + " "


def box_by_label(name: str, inside_region: bool) -> tuple[str, str]:
    """(meaning, why) of a box from its label: region / zone / spread / group.

    Network and organisational words (VPC, subnet, security group, account, data centre)
    win first, since such a box often carries a zone or region name ("Public subnet
    eu-west-1a") without being one; then zone names and words, region words and names,
    Auto Scaling phrases; a box with no hint is a group (no failure semantics) — a
    generic box must not fail what it holds.
    """
    words, joined = _words(name)
    lower = name.lower()
    group_word = next((w for w in words if w in _GROUP_WORDS), None) or \
        next((p.strip() for p in _GROUP_PHRASES if p in joined), None)
    if group_word:
        return "group", f'label says "{group_word}": a group, no failure semantics'
    if ZONE_NAME.search(lower):
        return "zone", "label looks like a zone name"
    if "zone" in words or "az" in words or "zones" in words or " availability zone " in joined:
        return "zone", "label says zone"
    spread = next((p.strip() for p in _SPREAD_PHRASES if p in joined), None)
    if spread:
        return "spread", f'label says "{spread}"'
    if "region" in words or "regions" in words:
        return "region", "label says region"
    if REGION_NAME.search(lower):
        return "region", "label looks like a region name"
    where = "inside a region" if inside_region else "on the page"
    return "group", f"a box with no region or zone hint ({where}): a group, no failure semantics"


def overlap_share(a: Rect, b: Rect) -> float:
    """Intersection area of two boxes over the smaller box's area (0 when either is empty)."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    smaller = min(aw * ah, bw * bh)
    if w <= 0 or h <= 0 or smaller <= 0:
        return 0.0
    return (w * h) / smaller


# request flow: clients call everything; routers call workers; services call data
_RANK = {"client": 0, "dns": 1, "load_balancer": 2, "service": 3, "queue": 4, "cache": 4,
         "external": 5, "database": 5, "storage": 5}


def orient_rank(kind: str) -> int:
    """Where a kind sits in a request's path (lower calls higher): an edge drawn with no
    arrowhead or with arrowheads at both ends is read from the lower rank to the higher
    (client → anything, service → database); equal ranks keep the drawn direction."""
    return _RANK.get(kind, 3)


def infer_client(nodes: list[dict[str, Any]], links: list[dict[str, Any]],
                 component: set[str], used_ids: set[str]) -> tuple[dict[str, Any], list[str], str] | None:
    """A guessed client when none is drawn: (node, entry ids, why), or None.

    Entry points are the parts no edge points to that send at least one request (every
    part when no edge is drawn at all: then the guessed client needs every part). The
    client sends one request to each; it is named "Users (guessed)" and carries
    ``"guessed": true`` so the file says so. It is placed left of the whole drawing.
    """
    comps = [d for d in nodes if d["id"] in component]
    if not comps:
        return None
    into = {lk["to"] for lk in links}
    out_of = {lk["from"] for lk in links}
    if links:
        entries = [d["id"] for d in comps if d["id"] not in into and d["id"] in out_of]
        why = "the parts no edge points to"
        if not entries:  # every part is called by another (a cycle was dropped?): the roots
            entries = [d["id"] for d in comps if d["id"] not in into]
            why = "the parts nothing calls"
    else:
        entries = [d["id"] for d in comps]
        why = "no edges are drawn, so every part"
    if not entries:
        return None
    base, i = "users-guessed", 2
    node_id = base
    while node_id in used_ids:
        node_id = f"{base}-{i}"
        i += 1
    wanted = set(entries)
    first = [d for d in comps if d["id"] in wanted]
    # left of the whole drawing (boxes too), level with the parts it calls
    x = min(float(d.get("x", 0.0)) for d in nodes) - 260.0
    y = sum(float(d.get("y", 0.0)) for d in first) / len(first)
    node = {"id": node_id, "kind": "client", "name": "Users (guessed)", "x": round(x, 6),
            "y": round(y, 6), "guessed": True}
    return node, entries, why
