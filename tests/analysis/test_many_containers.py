"""Issue 16: regions and zones are decision-diagram variables, so many of them analyse
exactly (no joint-state limit).

Checked three ways:
- against a vectorised brute force over every world (the structure function of
  ``structure.py`` on all 2^n component states at once, each world with its own load
  profile) on random regional designs with up to 12 containers;
- against closed forms for 6 x 3 and 30 x 3 region x zone designs (regions
  independent), in count mode and with loads that move to the surviving regions.
"""

from __future__ import annotations

import math
import random
from itertools import product

import numpy as np
import pytest

from modeller.analysis import analyze
from modeller.analysis.compiled import compile_design
from modeller.analysis.exact import COLUMN_LIMIT, exact_availability, method_for
from modeller.analysis.structure import evaluate, raw_up_from_states
from modeller.model import Design, Link, Node, Role, design_from_dict, design_to_dict

from .random_designs import random_design

ABS = 1e-12


def _brute(design: Design) -> dict:
    """P(sys), P(client), P(node serves) and P(sys | X up/down) by enumerating worlds."""
    c = compile_design(design)
    comps: list[tuple[str, object, float]] = []  # (kind, key, availability)
    for x, cc in c.containers.items():
        comps.append(("c", x, cc.availability))
    for nid, cn in c.nodes.items():
        if cn.role is Role.SOURCE:
            continue
        for i in range(cn.replicas):
            comps.append(("r", (nid, i), cn.availability))
        if cn.failover_p > 0:
            comps.append(("w", nid, 1.0 - cn.failover_p))
        if cn.change_p > 0:
            comps.append(("b", nid, 1.0 - cn.change_p))
    n = len(comps)
    assert n <= 20, n
    m = 1 << n
    bits = ((np.arange(m)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)  # True = good
    factors = [np.where(bits[:, j], a, 1.0 - a) for j, (_, _, a) in enumerate(comps)]
    weight = np.prod(factors, axis=0)
    container_up: dict[str, np.ndarray] = {}
    replica_up: dict[str, np.ndarray] = {}
    window: dict[str, np.ndarray] = {}
    cols: dict[str, list[int]] = {}
    for j, (kind, key, _) in enumerate(comps):
        if kind == "c":
            container_up[key] = bits[:, j]  # type: ignore[index]
            cols[key] = [j]  # type: ignore[index]
        elif kind == "r":
            nid, _i = key  # type: ignore[misc]
            cols.setdefault(nid, []).append(j)
        elif kind == "w":
            window[key] = ~bits[:, j]  # type: ignore[index]
    changes = {key: j for j, (kind, key, _) in enumerate(comps) if kind == "b"}
    for nid, cn in c.nodes.items():
        if cn.role is Role.SOURCE:
            continue
        states = bits[:, cols[nid]].copy()
        if nid in changes:  # a bad change takes every replica, or the first wave's, down
            bad = ~bits[:, changes[nid]]
            start = 0
            for gi, (_place, count) in enumerate(cn.groups):
                if cn.change_all or gi in cn.change_groups:
                    states[:, start:start + count] &= ~bad[:, None]
                start += count
        replica_up[nid] = states
    raw = raw_up_from_states(c, replica_up, container_up)
    prof = c.profile_index(container_up, m)
    ev = evaluate(c, raw, window, m, profile=prof)
    p_sys = float(weight[ev.system].sum())
    out = {"p": p_sys, "q": float(weight[~ev.system].sum()), "clients": {}, "nodes": {},
           "given": {}}
    for cid in c.clients:
        out["clients"][cid] = float(weight[ev.serves[cid]].sum())
    for nid, cn in c.nodes.items():
        if cn.role is not Role.SOURCE:
            out["nodes"][nid] = float(weight[ev.serves[nid]].sum())
    for x, js in cols.items():
        up = np.all(bits[:, js], axis=1)
        if x in window:
            up &= ~window[x]
        if x in changes:
            up &= bits[:, changes[x]]
        down = ~np.any(bits[:, js], axis=1)
        # P(sys | X held up / down): X's own factors left out (X may never fail)
        # (a window factor may stay: "up" holds it at one value, so it cancels)
        w_rest = np.prod([f for j, f in enumerate(factors) if j not in js], axis=0)
        out["given"][x] = tuple(float(w_rest[mask & ev.system].sum() / w_rest[mask].sum())
                                for mask in (up, down))
    return out


def _regional(rng: random.Random, seed: int) -> Design:
    """DNS -> a load balancer per region -> a tier spread over the region's zones, and
    sometimes a shared database: up to 12 containers, every rule of the pools."""
    n_regions = rng.randint(2, 4)
    per_region = rng.choice([(1, 2, 3), (2, 3), (1, 2), (3,)])
    nodes: list[Node] = []
    links: list[Link] = []
    coarse = (0.9, 0.95, 0.8, 0.99)
    dns = Node(id="dns", kind="dns", availability=rng.choice((1.0, 0.99)))
    if rng.random() < 0.3:
        dns.failover = "active-passive"
    if rng.random() < 0.3:
        dns.min_targets = rng.randint(1, 2)
    client = Node(id="users", kind="client", demand_rps=rng.choice((100.0, 240.0, 300.0)))
    links.append(Link("users", "dns"))
    shared = None
    if rng.random() < 0.4:
        shared = Node(id="db", kind="database", availability=rng.choice(coarse))
    budget = 12
    zones_total = 0
    for r in range(n_regions):
        z = rng.choice(per_region)
        if zones_total + z + (r + 1) > budget:
            z = 1
        zones_total += z
        rid = f"r{r}"
        nodes.append(Node(id=rid, kind="region", availability=rng.choice(coarse)))
        zs = []
        for k in range(z):
            zid = f"r{r}z{k}"
            zs.append(zid)
            nodes.append(Node(id=zid, kind="zone", parent=rid,
                              availability=rng.choice(coarse)))
        lb = Node(id=f"lb{r}", kind="load_balancer", parent=rid, availability=1.0)
        tier = Node(id=f"web{r}", kind="service", replicas=len(zs), spread=zs,
                    availability=rng.choice(coarse),
                    capacity_rps=rng.choice((None, 60.0, 100.0, 150.0)))
        if rng.random() < 0.3 and len(zs) > 1:
            tier.min_healthy = rng.randint(1, len(zs))
        if rng.random() < 0.35:  # (4b) bad changes, often rolled out zone by zone
            tier.deploys_per_month, tier.change_failure_rate = 20.0, 0.25
            tier.rollback_minutes = 600.0
            tier.rollout = rng.choice(("all-at-once", "zone-by-zone", "zone-by-zone"))
        nodes += [lb, tier]
        links += [Link("dns", lb.id), Link(lb.id, tier.id)]
        if shared is not None:
            links.append(Link(tier.id, "db"))
    if shared is not None:
        shared.parent = "r0"
        nodes.append(shared)
    design = Design(f"regional-{seed}", [client, dns, *nodes], links)
    return design_from_dict(design_to_dict(design))


def _count(design: Design) -> int:
    c = compile_design(design)
    n = len(c.containers)
    for cn in c.nodes.values():
        if cn.role is not Role.SOURCE:
            n += cn.replicas + (1 if cn.failover_p > 0 else 0) + (1 if cn.change_p > 0 else 0)
    return n


def regional_design(seed: int) -> Design:
    rng = random.Random(seed)
    for _ in range(200):
        d = _regional(rng, seed)
        if _count(d) <= 19:
            return d
    raise RuntimeError(seed)


@pytest.mark.parametrize("method", ["columns", "diagram"])
@pytest.mark.parametrize("seed", range(24))
def test_both_exact_methods_match_brute_force(seed: int, method: str) -> None:
    """Each exact method on its own, every number against the enumeration."""
    design = regional_design(seed)
    want = _brute(design)
    got = exact_availability(compile_design(design), method=method)
    assert abs(got.p_sys - want["p"]) <= ABS
    assert abs(got.q_sys - want["q"]) <= ABS
    if want["q"] > 1e-15:
        assert abs(got.q_sys - want["q"]) <= 1e-9 * want["q"]
    for cid, p in want["clients"].items():
        assert abs(got.p_serve[cid] - p) <= ABS, cid
    for nid, p in want["nodes"].items():
        assert abs(got.p_serve[nid] - p) <= ABS, nid
    for x, (g_up, g_down) in want["given"].items():
        assert abs(got.conditional[x][0] - g_up) <= ABS, (x, "up")
        assert abs(got.conditional[x][2] - g_down) <= ABS, (x, "down")


@pytest.mark.parametrize("seed", range(0, 150, 5))
def test_the_two_methods_agree_on_the_random_designs(seed: int) -> None:
    compiled = compile_design(random_design(seed))
    a = exact_availability(compiled, method="columns")
    b = exact_availability(compile_design(random_design(seed)), method="diagram")
    assert abs(a.p_sys - b.p_sys) <= ABS and abs(a.q_sys - b.q_sys) <= ABS
    for nid in a.p_serve:
        assert abs(a.p_serve[nid] - b.p_serve[nid]) <= ABS, nid
    for x, va in a.conditional.items():
        vb = b.conditional[x]
        assert all(abs(u - v) <= ABS for u, v in zip(va, vb)), (x, va, vb)


@pytest.mark.parametrize("seed", range(24))
def test_many_containers_match_brute_force(seed: int) -> None:
    design = regional_design(seed)
    want = _brute(design)
    rep = analyze(design, simulation_years=0, sweeps=False, latency=False)
    assert abs(rep.system.availability - want["p"]) <= ABS
    assert abs(rep.system.unavailability - want["q"]) <= ABS
    if want["q"] > 1e-15:
        assert abs(rep.system.unavailability - want["q"]) <= 1e-9 * want["q"]
    for cid, p in want["clients"].items():
        assert abs(rep.clients[cid].availability - p) <= ABS, cid
    for nid, p in want["nodes"].items():
        assert abs(rep.nodes[nid].availability - p) <= ABS, nid
    for x, (g_up, g_down) in want["given"].items():
        got = rep.nodes.get(x) or rep.containers[x]  # type: ignore[attr-defined]
        assert abs(got.availability_given_up - g_up) <= ABS, (x, "up")
        assert abs(got.availability_given_down - g_down) <= ABS, (x, "down")


def test_the_generator_is_varied() -> None:
    designs = [compile_design(regional_design(s)) for s in range(24)]
    counts = [len(c.containers) for c in designs]
    assert max(counts) >= 8 and min(counts) >= 3, counts
    waves = [c for c in designs if any(cn.wave_p > 0 for cn in c.nodes.values())]
    whole = [c for c in designs if any(cn.change_all for cn in c.nodes.values())]
    assert waves and whole  # both kinds of bad change are exercised


@pytest.mark.parametrize("method", ["columns", "diagram"])
def test_twelve_containers_match_brute_force(method: str) -> None:
    """4 regions x 2 zones, a one-replica tier in one zone of each region, a tier spread
    over both zones of region 0 with a zone-by-zone rollout, a DNS with a capacity pool."""
    nodes = [Node(id="users", kind="client", demand_rps=200.0),
             Node(id="dns", kind="dns", availability=1.0)]
    links = [Link("users", "dns")]
    for r in range(4):
        nodes.append(Node(id=f"r{r}", kind="region", availability=(0.9, 0.95, 0.8, 0.99)[r]))
        for k in range(2):
            nodes.append(Node(id=f"r{r}z{k}", kind="zone", parent=f"r{r}",
                              availability=(0.9, 0.8)[k]))
        web = Node(id=f"web{r}", kind="service", parent=f"r{r}z0", availability=0.95,
                   capacity_rps=120.0)
        if r == 0:
            web = Node(id="web0", kind="service", replicas=2, spread=["r0z0", "r0z1"],
                       availability=0.9, capacity_rps=100.0, deploys_per_month=20.0,
                       change_failure_rate=0.25, rollback_minutes=600.0, rollout="zone-by-zone")
        nodes.append(web)
        links.append(Link("dns", web.id))
    design = design_from_dict(design_to_dict(Design("twelve", nodes, links)))
    compiled = compile_design(design)
    assert len(compiled.containers) == 12 and compiled.nodes["web0"].wave_p > 0
    want = _brute(design)
    got = exact_availability(compiled, method=method)
    assert abs(got.p_sys - want["p"]) <= ABS
    assert abs(got.q_sys - want["q"]) <= 1e-9 * want["q"]
    for x, (g_up, g_down) in want["given"].items():
        assert abs(got.conditional[x][0] - g_up) <= ABS, (x, "up")
        assert abs(got.conditional[x][2] - g_down) <= ABS, (x, "down")


# -- closed forms ---------------------------------------------------------------------

R, Z, A = 0.9995, 0.999, 0.99  # region, zone, replica availabilities


def _global(n_regions: int, capacity: float | None, demand: float) -> Design:
    """A perfect DNS over one perfect load balancer per region, each in front of a tier
    of 3 replicas spread over the region's 3 zones."""
    nodes = [Node(id="users", kind="client", demand_rps=demand),
             Node(id="dns", kind="dns", availability=1.0)]
    links = [Link("users", "dns")]
    for r in range(n_regions):
        zs = [f"r{r}z{k}" for k in range(3)]
        nodes.append(Node(id=f"r{r}", kind="region", availability=R))
        nodes += [Node(id=z, kind="zone", parent=f"r{r}", availability=Z) for z in zs]
        nodes.append(Node(id=f"lb{r}", kind="load_balancer", parent=f"r{r}", availability=1.0))
        nodes.append(Node(id=f"web{r}", kind="service", replicas=3, spread=zs,
                          availability=A, capacity_rps=capacity))
        links += [Link("dns", f"lb{r}"), Link(f"lb{r}", f"web{r}")]
    return design_from_dict(design_to_dict(Design(f"global-{n_regions}", nodes, links)))


def _count_mode_unavailability(n: int) -> float:
    # one region fails to serve: it is down, or every zone/replica pair is
    q_pair = (1 - Z) + Z * (1 - A)  # 1 - z a without cancellation
    q_region = (1 - R) + R * q_pair ** 3
    return q_region ** n


@pytest.mark.parametrize("n", [6, 30])
def test_global_design_count_mode_closed_form(n: int) -> None:
    design = _global(n, None, 600.0)
    # (1 + 2^3)^n joint region/zone states: the old limit refused 6 x 3
    assert 9 ** n > COLUMN_LIMIT and method_for(compile_design(design)) == "diagram"
    rep = analyze(design, simulation_years=0, sweeps=False, latency=False)
    want = _count_mode_unavailability(n)
    assert rep.system.unavailability == pytest.approx(want, rel=1e-9, abs=0)
    assert rep.system.availability == pytest.approx(1 - want, abs=ABS)
    # P(sys | region 0 down): the other n - 1 regions carry it
    r0 = rep.containers["r0"] if hasattr(rep, "containers") else rep.nodes["r0"]
    assert 1 - r0.availability_given_down == pytest.approx(_count_mode_unavailability(n - 1),
                                                           rel=1e-9)


def _moving_load_unavailability(n: int, demand: float, capacity: float) -> float:
    """Loads move: the DNS splits over the m regions still alive (region up, some zone
    up); a region serves when its up replicas carry demand / m. Regions are independent
    given m, so P(fail) = sum_m C(n, m) p_alive^m (1 - p_alive)^(n - m) g_m^m with
    g_m = P(capacity x serving replicas < demand / m | alive)."""
    p_alive = R * (1 - (1 - Z) ** 3)
    total = (1 - p_alive) ** n
    for m in range(1, n + 1):
        need = demand / m
        fail_and_alive = 0.0
        for zones in product((True, False), repeat=3):
            if not any(zones):
                continue
            pz = math.prod(Z if up else 1 - Z for up in zones)
            for reps in product((True, False), repeat=3):
                pr = math.prod(A if up else 1 - A for up in reps)
                s = sum(1 for zu, ru in zip(zones, reps) if zu and ru)
                if capacity * s < need - 1e-9:
                    fail_and_alive += R * pz * pr
        g = fail_and_alive / p_alive
        total += math.comb(n, m) * p_alive ** m * (1 - p_alive) ** (n - m) * g ** m
    return total


@pytest.mark.parametrize("n,demand", [(6, 600.0), (6, 1500.0), (30, 3000.0)])
def test_global_design_moving_loads_closed_form(n: int, demand: float) -> None:
    design = _global(n, 100.0, demand)
    rep = analyze(design, simulation_years=0, sweeps=False, latency=False)
    want = _moving_load_unavailability(n, demand, 100.0)
    assert rep.system.unavailability == pytest.approx(want, rel=1e-9, abs=1e-15)


def test_six_regions_match_brute_force_on_a_smaller_cousin() -> None:
    """The closed form's own check: 3 regions x 2 zones by enumeration."""
    nodes = [Node(id="users", kind="client", demand_rps=300.0),
             Node(id="dns", kind="dns", availability=1.0)]
    links = [Link("users", "dns")]
    for r in range(3):
        zs = [f"r{r}z{k}" for k in range(2)]
        nodes.append(Node(id=f"r{r}", kind="region", availability=0.9))
        nodes += [Node(id=z, kind="zone", parent=f"r{r}", availability=0.8) for z in zs]
        nodes.append(Node(id=f"lb{r}", kind="load_balancer", parent=f"r{r}", availability=1.0))
        nodes.append(Node(id=f"web{r}", kind="service", replicas=2, spread=zs,
                          availability=0.9, capacity_rps=100.0))
        links += [Link("dns", f"lb{r}"), Link(f"lb{r}", f"web{r}")]
    design = design_from_dict(design_to_dict(Design("cousin", nodes, links)))
    want = _brute(design)
    rep = analyze(design, simulation_years=0, sweeps=False, latency=False)
    assert abs(rep.system.availability - want["p"]) <= ABS
    assert abs(rep.system.unavailability - want["q"]) <= 1e-9 * want["q"]
