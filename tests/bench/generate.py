"""Synthetic architecture-shaped designs for benchmarks and for looking at big canvases.

The engine's cost depends on the shape of a design (shared failure domains, shared
databases, routers, depth), not only on its size, so the generator builds what real
systems look like: DNS over two regions, a load balancer over a zonal web tier, layered
services with replicas spread over zones, a few shared databases and a cache per region.
Capacities are derived from the nominal loads so every design is feasible (utilisation
30-80 %) and analyses without overload warnings: a benchmark of a broken design would
measure the error path.

Layout: x/y are absolute top-left scene coordinates; containers carry w/h and hold their
children. Zonal nodes (the web tier) sit inside their zone; nodes spread over the zones
are placed in the region (a replica in zone b must not also fail with its home zone a),
in a grid below the zone row, one band of rows per service layer.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from modeller.analysis.compiled import compute_loads
from modeller.model import Design, Link, Node

NODE_W, NODE_H = 140.0, 70.0
GAP_X, GAP_Y = 40.0, 50.0
STEP_X, STEP_Y = NODE_W + GAP_X, NODE_H + GAP_Y
PAD = 30.0  # container padding around its children
TITLE = 40.0  # label band at the top of a container
ZONE_GAP = 30.0
REGION_GAP = 160.0
LAYER_GAP = 20.0  # extra space between service layers

REGIONS = (("us-east", "us-east-1"), ("eu-west", "eu-west-1"))
ZONES = ("a", "b", "c")
REGION_AVAILABILITY = 0.9999
ZONE_AVAILABILITY = 0.9995

WORDS = (
    "orders", "payments", "catalog", "search", "cart", "accounts", "auth", "inventory",
    "pricing", "shipping", "reviews", "recommend", "notify", "email", "billing", "invoice",
    "tax", "fraud", "ledger", "profile", "session", "media", "thumbs", "geo", "quotes",
    "returns", "loyalty", "coupons", "audit", "reports", "export", "import", "ratings",
    "wishlist", "stock", "vendors", "checkout", "tracking", "support", "config",
)


@dataclass(frozen=True)
class Plan:
    """Counts that fix a design's size; independent of the seed."""

    n_services: int
    per_region: tuple[int, int]
    layers: tuple[int, int]
    databases: tuple[int, int]
    clients: int

    @property
    def total_nodes(self) -> int:
        containers = len(REGIONS) * (1 + len(ZONES))
        fixed = 1 + self.clients + len(REGIONS) * (1 + len(ZONES) + 1)  # dns, clients, lb+web+cache
        return containers + fixed + self.n_services + sum(self.databases)


def plan(n_services: int) -> Plan:
    """How ``n_services`` are split over regions, layers and databases."""
    if n_services < 2:
        raise ValueError("need at least 2 services (one per region)")
    first = (n_services + 1) // 2
    per = (first, n_services - first)
    layers = tuple(max(1, min(6, round(math.log2(n + 1)))) for n in per)
    dbs = tuple(max(1, min(4, math.ceil(n / 30))) for n in per)
    clients = 2 if n_services >= 12 else 1
    return Plan(n_services, per, layers, dbs, clients)  # type: ignore[arg-type]


def nodes_for(n_services: int) -> int:
    """Total node count (containers included) of ``architecture(n_services)``."""
    return plan(n_services).total_nodes


def sized(total_nodes: int, seed: int = 0) -> Design:
    """A design whose node count (containers included) is as close as possible to
    ``total_nodes``; the benches ask for sizes, not service counts."""
    best = min(range(2, max(3, total_nodes)), key=lambda n: (abs(nodes_for(n) - total_nodes), n))
    return architecture(best, seed)


def _nice_ceil(x: float) -> float:
    """Round up to two significant figures (capacities people would type)."""
    if x <= 0:
        return 1.0
    mag = 10 ** (math.floor(math.log10(x)) - 1)
    return math.ceil(x / mag - 1e-9) * mag


def _split(n: int, parts: int) -> list[int]:
    base, rest = divmod(n, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def _weights(rng: random.Random, k: int, total: float) -> list[float]:
    """``k`` call rates summing to about ``total`` (what one request fans out into)."""
    raw = [rng.uniform(0.5, 1.5) for _ in range(k)]
    s = sum(raw)
    return [max(0.01, round(total * r / s, 3)) for r in raw]


def architecture(n_services: int, seed: int = 0) -> Design:
    """An architecture-shaped design with ``n_services`` layered services (plus the web
    tier, databases, caches, load balancers, DNS and clients), reproducible per seed."""
    p = plan(n_services)
    rng = random.Random(seed)
    nodes: list[Node] = []
    links: list[Link] = []
    order: list[str] = []  # components, callers before callees (for the loads)

    clients = [
        Node("users", "client", "Users", demand_rps=3000.0,
             slo={"availability": 0.999, "latency_ms_p99": 1000.0}),
    ]
    if p.clients > 1:
        clients.append(Node("partners", "client", "Partner API", demand_rps=600.0,
                            slo={"availability": 0.995, "latency_ms_p99": 2000.0}))
    dns = Node("dns", "dns", "DNS", availability=0.99999, cost_month=50.0, service_time_ms=0.0)
    for c in clients:
        links.append(Link(c.id, dns.id))
    order += [c.id for c in clients] + [dns.id]

    regions: list[dict] = []
    for r, (rid, rname) in enumerate(REGIONS):
        regions.append(_build_region(rng, r, rid, rname, p, nodes, links, order))
    for reg in regions:
        links.append(Link(dns.id, reg["lb"].id))

    design = Design(
        f"Synthetic {p.total_nodes}-node architecture (seed {seed})",
        [*_layout(clients, dns, regions), *nodes],
        links,
    )
    _set_capacities(design, order, rng)
    return design


def _build_region(rng: random.Random, r: int, rid: str, rname: str, p: Plan,
                  nodes: list[Node], links: list[Link], order: list[str]) -> dict:
    region = Node(rid, "region", rname, availability=REGION_AVAILABILITY)
    zones = [Node(f"{rid}-{z}", "zone", f"{rname}{z}", parent=rid, availability=ZONE_AVAILABILITY)
             for z in ZONES]
    zone_ids = [z.id for z in zones]
    lb = Node(f"{rid}-lb", "load_balancer", f"LB {rname}", parent=rid, availability=0.9999,
              cost_month=25.0, service_time_ms=1.0)
    webs = [Node(f"{z.id}-web", "service", f"web {z.name}", parent=z.id, replicas=2,
                 availability=0.995, service_time_ms=round(rng.uniform(3, 8), 1), cost_month=70.0)
            for z in zones]
    cache = Node(f"{rid}-cache", "cache", f"cache {rname}", parent=rid, replicas=3,
                 availability=0.999, spread=list(zone_ids),
                 service_time_ms=round(rng.uniform(0.3, 1.0), 2), cost_month=150.0)
    dbs = [Node(f"{rid}-db{i + 1}", "database", f"db{i + 1} {rname}", parent=rid, replicas=3,
                min_healthy=2, availability=0.9995, spread=list(zone_ids),
                service_time_ms=round(rng.uniform(2, 6), 1), cost_month=float(rng.choice((400, 800, 1200))))
           for i in range(p.databases[r])]
    layers: list[list[Node]] = []
    used: dict[str, int] = {}
    idx = 0
    for size in _split(p.per_region[r], p.layers[r]):
        layer = []
        for _ in range(size):
            idx += 1
            word = rng.choice(WORDS)
            used[word] = used.get(word, 0) + 1
            name = word if used[word] == 1 else f"{word}-{used[word]}"
            replicas = rng.choice((2, 2, 3))
            start = rng.randrange(len(zone_ids))
            spread = [zone_ids[(start + i) % len(zone_ids)] for i in range(min(replicas, 3))]
            layer.append(Node(
                f"{rid}-svc{idx:03d}", "service", name, parent=rid, replicas=replicas,
                availability=rng.choice((0.995, 0.998, 0.999)), spread=spread,
                service_time_ms=round(rng.uniform(2, 12), 1),
                cost_month=float(rng.choice((50, 90, 140, 220, 300)))))
        layers.append(layer)

    # web tier -> first layer: one request touches one or two front services
    for web in webs:
        for svc, calls in zip(layers[0], _weights(rng, len(layers[0]), rng.uniform(1.0, 2.0)), strict=True):
            links.append(Link(web.id, svc.id, calls=calls))
    # layer i -> layer i+1: every callee has a caller, every caller a callee, a few extras
    for upper, lower in zip(layers, layers[1:], strict=False):
        out: dict[str, list[str]] = {s.id: [] for s in upper}
        for callee in lower:
            out[rng.choice(upper).id].append(callee.id)
        for caller in upper:
            if not out[caller.id] or rng.random() < 0.3:
                extra = rng.choice(lower).id
                if extra not in out[caller.id]:
                    out[caller.id].append(extra)
        for caller in upper:
            targets = out[caller.id]
            for t, calls in zip(targets, _weights(rng, len(targets), rng.uniform(0.8, 1.5)), strict=True):
                links.append(Link(caller.id, t, calls=calls, optional=rng.random() < 0.15))
    # data tier: one database each (required), the cache (optional for about half)
    for layer in layers:
        for svc in layer:
            links.append(Link(svc.id, rng.choice(dbs).id, calls=rng.choice((1.0, 1.5, 2.0, 3.0))))
            links.append(Link(svc.id, cache.id, calls=rng.choice((1.0, 2.0)),
                              optional=rng.random() < 0.5))
    for web in webs:
        links.append(Link(lb.id, web.id))

    nodes += [region, *zones, lb, *webs, *(s for layer in layers for s in layer), *dbs, cache]
    order += [lb.id, *(w.id for w in webs), *(s.id for layer in layers for s in layer),
              *(d.id for d in dbs), cache.id]
    return {"region": region, "zones": zones, "lb": lb, "webs": webs, "layers": layers,
            "data": [*dbs, cache]}


def _set_capacities(design: Design, order: list[str], rng: random.Random) -> None:
    """Per-replica capacities from the nominal loads, at 35-60 % utilisation so a
    replica (or a zone of the web tier) can fail without overloading the rest."""
    # Loads with no capacities anywhere: routers split equally. The webs of a region get
    # equal capacities below, so capacity-proportional splitting keeps the same loads.
    load, _ = compute_loads(design, order)
    web_u: dict[str, float] = {}
    for nid in order:
        n = design.nodes[nid]
        if n.kind in ("client", "dns", "load_balancer") or load[nid] <= 0:
            continue
        if nid.endswith("-web"):
            region = n.parent.rsplit("-", 1)[0] if n.parent else ""
            u = web_u.setdefault(region, rng.uniform(0.4, 0.55))
            loads = [load[w.id] for w in design.nodes.values() if w.id.endswith("-web")
                     and w.parent and w.parent.startswith(region + "-")]
            per_replica = max(loads) / (n.active_replicas * u)
        else:
            # "auto" needs ceil(load / cap) replicas: keep one spare replica
            high = 0.6 if n.min_healthy != "auto" else 0.9 * (n.replicas - 1) / n.replicas
            u = rng.uniform(0.35, max(0.36, high))
            per_replica = load[nid] / (n.active_replicas * u)
        cap = _nice_ceil(per_replica)
        n.capacity_rps = cap
        # M/M/c: servers = max(1, round(cap * service_time)); keep their rate >= cap
        st = n.service_time_ms / 1000.0
        if st > 0:
            servers = max(1, round(cap * st))
            if servers / st < cap:
                n.service_time_ms = math.floor(servers / cap * 1000.0 * 100) / 100


def _row(items: list[Node], x0: float, width: float, y: float) -> None:
    """Centre a row of node boxes in [x0, x0 + width)."""
    used = len(items) * STEP_X - GAP_X
    x = x0 + (width - used) / 2
    for i, n in enumerate(items):
        n.x, n.y = round(x + i * STEP_X), round(y)


def _layout(clients: list[Node], dns: Node, regions: list[dict]) -> list[Node]:
    """Give every node x/y (and containers w/h); returns the top-level nodes to add first."""
    widths = []
    for reg in regions:
        cols = max(len(reg["data"]), math.ceil(math.sqrt(sum(len(x) for x in reg["layers"]) * 1.5)))
        cols = max(4, min(12, cols))
        widths.append(max(cols * STEP_X - GAP_X, 3 * (NODE_W + 2 * PAD) + 2 * ZONE_GAP))
    total_w = sum(w + 2 * PAD for w in widths) + REGION_GAP * (len(regions) - 1)
    _row(clients, 0.0, total_w, 0.0)
    _row([dns], 0.0, total_w, STEP_Y)
    x = 0.0
    top = 2 * STEP_Y + 20
    for reg, inner in zip(regions, widths, strict=True):
        region = reg["region"]
        x_in = x + PAD
        y = top + TITLE
        _row([reg["lb"]], x_in, inner, y)
        y += STEP_Y
        zw = (inner - 2 * ZONE_GAP) / 3
        zh = TITLE + NODE_H + PAD
        for i, (zone, web) in enumerate(zip(reg["zones"], reg["webs"], strict=True)):
            zone.x, zone.y = round(x_in + i * (zw + ZONE_GAP)), round(y)
            zone.w, zone.h = round(zw), round(zh)
            _row([web], zone.x, zone.w, y + TITLE)
        y += zh + GAP_Y
        cols = int((inner + GAP_X) // STEP_X)
        for layer in [*reg["layers"], reg["data"]]:
            for start in range(0, len(layer), cols):
                _row(layer[start:start + cols], x_in, inner, y)
                y += STEP_Y
            y += LAYER_GAP
        region.x, region.y = round(x), round(top)
        region.w = round(inner + 2 * PAD)
        region.h = round(y - LAYER_GAP - GAP_Y + PAD - top)
        x += inner + 2 * PAD + REGION_GAP
    return [*clients, dns]


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.bench.generate TOTAL OUT.arch.json [--seed N]``"""
    import argparse

    from modeller.model import save_design

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("total", type=int, help="node count to aim for (containers included)")
    ap.add_argument("out", help="file to write")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    design = sized(args.total, args.seed)
    save_design(design, args.out)
    print(f"wrote {args.out}: {len(design.nodes)} nodes, {len(design.links)} links")


if __name__ == "__main__":
    main()
