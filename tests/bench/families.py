"""Design families for the speed comparison with the peers (issue 16).

Each builder returns a :class:`~modeller.model.Design` of a known shape and size
("components" = nodes, containers and clients included):

- :func:`tier_chain` — plain tier chains: a load balancer over ``k`` single-replica
  services, each calling the next tier's load balancer, repeated (250 / 500).
- :func:`zoned_tier_chain` — the same tiers inside one region with 3 zones, the
  services placed in the zones in turn (~504).
- :func:`spread_tiers` — tiers whose services have 3 replicas spread over the zones.
- :func:`microservices` — meshed microservices: a DAG of services each needing 1-3
  later ones, with shared databases (no routers).
- :func:`chain` — a client over a 2000-node series chain.
- :func:`regions` — a DNS over R regions × 3 zones, a spread tier in each (6 × 3, 30 × 3).
- ``example-300`` — ``resources/examples/large-300.arch.json``; ``architecture-N`` —
  :func:`generate.sized` (the synthetic architectures of the issue-2 bench).

Availabilities are coarse on purpose (0.99 services, 0.9999 balancers) and there are
no capacities, so every router pools by count and the fault-tree / RBD translations of
the peers are exact (the bench says when one is not).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from modeller.model import Design, Link, Node, load_design

from .generate import sized

EXAMPLE_300 = Path(__file__).resolve().parents[2] / "resources" / "examples" / "large-300.arch.json"


def _tiers(total: int, per_tier: int) -> int:
    """Tiers of an LB and ``per_tier`` services closest to ``total`` (one client)."""
    return max(1, round((total - 1) / (per_tier + 1)))


def tier_chain(total: int = 250, k: int = 4, zones: int = 0) -> Design:
    """Users -> LB1 -> {k services} -> LB2 -> ... ; with ``zones`` the tiers sit in one
    region with that many zones (services placed in them in turn)."""
    nodes = [Node("users", "client", "Users")]
    links: list[Link] = []
    containers = 0
    zone_ids: list[str] = []
    if zones:
        nodes.append(Node("region", "region", availability=0.9999))
        zone_ids = [f"zone{z}" for z in range(zones)]
        nodes += [Node(z, "zone", parent="region", availability=0.9995) for z in zone_ids]
        containers = 1 + zones
    tiers = _tiers(total - containers, k)
    prev = "users"
    placed = 0
    for t in range(tiers):
        lb = f"lb{t}"
        nodes.append(Node(lb, "load_balancer", parent="region" if zones else None,
                          availability=0.9999))
        if prev == "users":
            links.append(Link("users", lb))
        else:
            for s in prev.split(","):
                links.append(Link(s, lb))
        services = []
        for i in range(k):
            sid = f"t{t}s{i}"
            parent = zone_ids[placed % zones] if zones else None
            placed += 1
            nodes.append(Node(sid, "service", parent=parent, availability=0.99))
            links.append(Link(lb, sid))
            services.append(sid)
        prev = ",".join(services)
    return Design(f"tier chain {len(nodes)}", nodes, links)


def zoned_tier_chain(total: int = 504) -> Design:
    return tier_chain(total, k=4, zones=3)


def spread_tiers(total: int = 135, k: int = 3) -> Design:
    """Tiers of an LB over ``k`` services with 3 replicas spread over 3 zones of a region."""
    nodes = [Node("users", "client", "Users"), Node("region", "region", availability=0.9999)]
    zone_ids = [f"zone{z}" for z in range(3)]
    nodes += [Node(z, "zone", parent="region", availability=0.9995) for z in zone_ids]
    links: list[Link] = []
    tiers = _tiers(total - 4, k)
    prev = ["users"]
    for t in range(tiers):
        lb = f"lb{t}"
        nodes.append(Node(lb, "load_balancer", parent="region", availability=0.9999))
        links += [Link(p, lb) for p in prev]
        prev = []
        for i in range(k):
            sid = f"t{t}s{i}"
            nodes.append(Node(sid, "service", parent="region", replicas=3, availability=0.99,
                              spread=list(zone_ids)))
            links.append(Link(lb, sid))
            prev.append(sid)
    return Design(f"spread tiers {len(nodes)}", nodes, links)


def microservices(total: int = 135, seed: int = 0) -> Design:
    """A meshed DAG: each service needs 1-3 services later in the order (one in ten of
    them a shared database with 3 replicas, quorum 2); two clients call the first few."""
    rng = random.Random(seed)
    n = total - 2
    nodes = [Node("web", "client", "Web"), Node("mobile", "client", "Mobile")]
    ids = [f"svc{i:04d}" for i in range(n)]
    links: list[Link] = []
    for i, sid in enumerate(ids):
        db = i >= n - max(1, n // 10)
        nodes.append(Node(sid, "database" if db else "service", replicas=3 if db else 2,
                          min_healthy=2 if db else "auto",
                          availability=rng.choice((0.99, 0.995, 0.999))))
        later = ids[i + 1:]
        if later and not db:
            for t in rng.sample(later, min(len(later), rng.randint(1, 3))):
                links.append(Link(sid, t))
    for c in ("web", "mobile"):
        for t in rng.sample(ids[:max(2, n // 10)], 2):
            links.append(Link(c, t))
    return Design(f"microservices {len(nodes)}", nodes, links)


def chain(total: int = 2000) -> Design:
    """A client over ``total - 1`` single-replica services in series."""
    nodes = [Node("users", "client", "Users")]
    nodes += [Node(f"s{i:04d}", "service", availability=0.99999) for i in range(total - 1)]
    links = [Link("users", "s0000")]
    links += [Link(f"s{i:04d}", f"s{i + 1:04d}") for i in range(total - 2)]
    return Design(f"chain {total}", nodes, links)


def regions(n_regions: int = 6, zones: int = 3) -> Design:
    """DNS over ``n_regions`` regions (0.9999), each with ``zones`` zones (0.9995), an LB
    and a web tier and a database, both 3 replicas spread over the region's zones."""
    nodes = [Node("users", "client", "Users"), Node("dns", "dns", availability=0.99999)]
    links = [Link("users", "dns")]
    for r in range(n_regions):
        rid = f"r{r}"
        zone_ids = [f"{rid}z{z}" for z in range(zones)]
        nodes.append(Node(rid, "region", availability=0.9999))
        nodes += [Node(z, "zone", parent=rid, availability=0.9995) for z in zone_ids]
        nodes += [Node(f"{rid}lb", "load_balancer", parent=rid, availability=0.9999),
                  Node(f"{rid}web", "service", parent=rid, replicas=zones, availability=0.99,
                       spread=list(zone_ids)),
                  Node(f"{rid}db", "database", parent=rid, replicas=zones, availability=0.995,
                       spread=list(zone_ids))]
        links += [Link("dns", f"{rid}lb"), Link(f"{rid}lb", f"{rid}web"),
                  Link(f"{rid}web", f"{rid}db")]
    return Design(f"{n_regions} regions x {zones} zones", nodes, links)


def example_300() -> Design:
    return load_design(EXAMPLE_300)


FAMILIES: dict[str, Callable[[], Design]] = {
    "tier chain 250": lambda: tier_chain(250),
    "tier chain 500": lambda: tier_chain(500),
    "tiers in 3 zones 504": zoned_tier_chain,
    "spread tiers 135": lambda: spread_tiers(135),
    "spread tiers 500": lambda: spread_tiers(500),
    "microservices 40": lambda: microservices(40),
    "microservices 135": lambda: microservices(135),
    "microservices 500": lambda: microservices(500),
    "architecture 40": lambda: sized(40),
    "architecture 135": lambda: sized(135),
    "architecture 500": lambda: sized(500),
    "example 300": example_300,
    "chain 2000": chain,
    "regions 6x3": lambda: regions(6),
    "regions 30x3": lambda: regions(30),
}
