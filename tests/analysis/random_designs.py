"""Seeded generator of small, valid, deliberately awkward designs for property tests.

Small enough for the brute-force oracle (a few thousand worlds), awkward enough to hit
every rule the engine implements: nested failure domains, shared dependencies, spread
replicas, thresholds, capacity-aware pools, optional links and failover windows.
Coarse availabilities make a wrong formula show up far above rounding noise.
"""

from __future__ import annotations

import math
import random

from modeller.analysis.compiled import compile_design
from modeller.model import Design, Link, Node, Role, design_from_dict, design_to_dict

from .oracle import count_components

AVAILABILITIES = (0.9, 0.95, 0.99, 0.8, 0.999)
WORKER_KINDS = ("service", "service", "database", "cache", "queue", "storage", "external")
ROUTER_KINDS = ("load_balancer", "load_balancer", "dns")
CAPACITIES = (60.0, 100.0, 150.0, 300.0, 600.0)
DEMANDS = (50.0, 90.0, 100.0, 200.0)


def _attempt(rng: random.Random, seed: int) -> Design:
    nodes: list[Node] = []
    links: list[Link] = []

    regions = [f"r{i}" for i in range(rng.randint(0, 2))]
    for rid in regions:
        nodes.append(Node(id=rid, kind="region", availability=rng.choice(AVAILABILITIES)))
    zones = [f"z{i}" for i in range(rng.randint(0, 3))]
    for zid in zones:
        parent = rng.choice(regions) if regions and rng.random() < 0.8 else None
        nodes.append(Node(id=zid, kind="zone", parent=parent,
                          availability=rng.choice(AVAILABILITIES)))
    containers = regions + zones

    n_layers = rng.randint(1, 3)
    # later layers are smaller, so services above them share their dependencies
    layers: list[list[Node]] = []
    wants_capacity: list[str] = []
    counter = 0
    for li in range(n_layers):
        last = li == n_layers - 1
        size = rng.randint(1, 3) if not last else rng.choice((1, 1, 2))
        layer: list[Node] = []
        for _ in range(size):
            router = not last and rng.random() < 0.45
            kind = rng.choice(ROUTER_KINDS if router else WORKER_KINDS)
            node = Node(id=f"{kind[:3]}{counter}", kind=kind)
            counter += 1
            node.availability = rng.choice(AVAILABILITIES)
            node.replicas = rng.choice((1, 1, 1, 2, 2, 3))
            if containers and rng.random() < 0.6:
                node.parent = rng.choice(containers)
            if zones and node.replicas >= 2 and rng.random() < 0.6:
                node.spread = rng.sample(zones, rng.randint(1, min(2, len(zones))))
                node.parent = rng.choice(regions) if regions and rng.random() < 0.5 else None
            if rng.random() < 0.25:
                node.min_healthy = rng.randint(1, node.replicas)
            if rng.random() < 0.65:
                wants_capacity.append(node.id)
            r = rng.random()
            if r < 0.12:
                # a sizeable failover window: 1 h per failure every 20 h of uptime
                node.failover = "active-passive"
                node.failover_seconds = 3600.0
                node.mtbf_hours = 20.0
                node.mttr_hours = rng.choice((1.0, 2.0))
            elif r < (0.35 if router else 0.2):  # routers: exercise the "single" pool rule
                node.failover = "active-passive"
                node.failover_seconds = rng.choice((0.0, 1800.0))
            # (4b) bad changes, from a separate stream so the designs above stay as they were
            crng = random.Random(seed * 7919 + counter)
            if crng.random() < 0.15:
                node.deploys_per_month = 20.0
                node.change_failure_rate = 0.25
                node.rollback_minutes = crng.choice((300.0, 600.0))  # p = 0.034 or 0.068
                node.rollout = crng.choice(("all-at-once", "zone-by-zone", "region-by-region"))
            layer.append(node)
        layers.append(layer)

    # links only go to later layers: no cycle by construction
    for li, layer in enumerate(layers):
        later = [n for lay in layers[li + 1:] for n in lay]
        for node in layer:
            if node.role is Role.ROUTER:
                if not later:
                    node.kind = "service"
                    continue
                # active-passive pools get a standby more often than not
                low = 2 if node.failover == "active-passive" else 1
                pool = rng.sample(later, rng.randint(min(low, len(later)), min(3, len(later))))
                for t in pool:
                    links.append(Link(node.id, t.id))
                    # capacity-aware pools need targets with capacities
                    if t.id not in wants_capacity and rng.random() < 0.5:
                        wants_capacity.append(t.id)
                if rng.random() < 0.3:
                    node.min_targets = rng.randint(1, len(pool))
            elif later:
                for t in rng.sample(later, rng.randint(0, min(2, len(later)))):
                    links.append(Link(node.id, t.id, optional=rng.random() < 0.25,
                                      calls=rng.choice((1.0, 1.0, 1.0, 2.0))))

    clients = []
    firsts = layers[0]
    everything = [n for lay in layers for n in lay]
    for ci in range(rng.randint(1, 2)):
        client = Node(id=f"client{ci}", kind="client")
        if rng.random() < 0.75:
            client.demand_rps = rng.choice(DEMANDS)
        targets = rng.sample(firsts, rng.randint(1, len(firsts)))
        if rng.random() < 0.2:
            extra = rng.choice(everything)
            if extra not in targets:
                targets.append(extra)
        for t in targets:
            links.append(Link(client.id, t.id, optional=rng.random() < 0.1))
        clients.append(client)

    design = Design(f"random-{seed}", nodes + clients + everything, links)
    _assign_capacities(design, rng, wants_capacity)
    # round-trip through the file format so every design is one the loader accepts
    return design_from_dict(design_to_dict(design))


def _assign_capacities(design: Design, rng: random.Random, ids: list[str]) -> None:
    """Capacities scaled to the load that tests them, so "auto" thresholds land on 1, 2
    or 3 replicas and pools need one, two or all their targets (only now and then an
    overload at nominal load). Done in topological order because a capacity changes how
    routers split load further down."""
    multiples = (0.5, 1.0, 1.0, 1.5, 2.0, 3.0)
    for nid in compile_design(design).order:
        if nid not in ids:
            continue
        compiled = compile_design(design)
        cn = compiled.nodes[nid]
        feeding = [r for r in compiled.nodes.values() if nid in r.pool and r.load > 0]
        if cn.direct_load > 0:  # checked at the node: k = ceil(direct / capacity)
            base, fits = cn.direct_load, cn.active
        elif feeding:  # checked at the pool: all replicas together carry load / m
            base = max(r.load for r in feeding) / cn.active
            fits = min(len(r.pool) for r in feeding)
        else:
            design.nodes[nid].capacity_rps = rng.choice(CAPACITIES)
            continue
        choices = multiples
        if rng.random() > 0.1:  # usually a load the design carries when all is up
            choices = tuple(m for m in multiples if m <= fits)
        design.nodes[nid].capacity_rps = float(math.ceil(base / rng.choice(choices)))


def random_design(seed: int, max_components: int = 13) -> Design:
    """A valid random design with at most ``max_components`` binary components."""
    rng = random.Random(seed)
    for _ in range(500):
        design = _attempt(rng, seed)
        if count_components(design) <= max_components:
            return design
    raise RuntimeError(f"seed {seed}: no design within {max_components} components")
