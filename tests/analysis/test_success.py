"""Error rates, success ratio and degraded fraction (DESIGN 4b): hand values and brute force."""

from __future__ import annotations

import itertools
import json
import math
import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from modeller.analysis import analyze
from modeller.analysis.compiled import compile_design
from modeller.analysis.success import request_success
from modeller.model import Design, Role, loads_design

from .oracle import oracle
from .random_designs import random_design


def design(nodes: list[dict[str, Any]], links: list[dict[str, Any]]) -> Design:
    return loads_design(json.dumps({"format": "modeller.design", "version": 1,
                                    "nodes": nodes, "links": links}))


def run(d: Design):  # type: ignore[no-untyped-def]
    return analyze(d, simulation_years=0, sweeps=False, latency=False)


def test_chain_of_error_rates_by_hand() -> None:
    # success = 0.99 x 0.98^2 = 0.950796 (b is called twice per request)
    d = design([{"id": "c", "kind": "client"},
                {"id": "a", "kind": "service", "error_rate": 0.01},
                {"id": "b", "kind": "service", "error_rate": 0.02}],
               [{"from": "c", "to": "a"}, {"from": "a", "to": "b", "calls": 2}])
    r = run(d)
    c = r.clients["c"]
    assert c.request_success == pytest.approx(0.950796, rel=1e-12)
    assert c.success_ratio == pytest.approx(0.950796, rel=1e-12)  # availability 1
    assert c.degraded_fraction == 0.0
    assert r.nodes["b"].request_success == pytest.approx(0.98, rel=1e-15)
    assert r.to_dict()["clients"]["c"]["success_ratio"] == pytest.approx(0.950796, rel=1e-12)


def test_success_ratio_is_availability_times_success() -> None:
    # a: availability 0.99, error 0.01; b: error 0.02 called twice
    # success_ratio = 0.99 x 0.950796 = 0.94128804
    d = design([{"id": "c", "kind": "client", "slo": {"success_ratio": 0.95}},
                {"id": "a", "kind": "service", "availability": 0.99, "error_rate": 0.01},
                {"id": "b", "kind": "service", "error_rate": 0.02}],
               [{"from": "c", "to": "a"}, {"from": "a", "to": "b", "calls": 2}])
    r = run(d)
    assert r.clients["c"].success_ratio == pytest.approx(0.99 * 0.950796, rel=1e-12)
    assert r.clients["c"].meets_slo is False  # 0.941 < 0.95
    assert r.system.meets_slo is False
    assert r.clients["c"].slo["success_ratio"] == 0.95


def test_router_mixes_success_by_load_share() -> None:
    # shares by capacity 300 : 100 -> 0.75 x 0.9 + 0.25 x 0.8 = 0.875; the LB's own
    # 0.001 errors on top: 0.999 x 0.875 = 0.874125
    d = design([{"id": "c", "kind": "client", "demand_rps": 100},
                {"id": "lb", "kind": "load_balancer", "error_rate": 0.001},
                {"id": "x", "kind": "service", "capacity_rps": 300, "error_rate": 0.1},
                {"id": "y", "kind": "service", "capacity_rps": 100, "error_rate": 0.2}],
               [{"from": "c", "to": "lb"}, {"from": "lb", "to": "x"}, {"from": "lb", "to": "y"}])
    assert run(d).clients["c"].request_success == pytest.approx(0.999 * 0.875, rel=1e-12)
    d.nodes["lb"].failover = "active-passive"  # all to the first target
    assert run(d).clients["c"].request_success == pytest.approx(0.999 * 0.9, rel=1e-12)


def test_optional_link_degrades_never_fails() -> None:
    # recs is called twice, optionally, with 10 % errors: success 0.99 (a's own errors);
    # degraded = 0.99 x (1 - 0.9^2) = 0.99 x 0.19 = 0.1881
    d = design([{"id": "c", "kind": "client"},
                {"id": "a", "kind": "service", "error_rate": 0.01},
                {"id": "recs", "kind": "service", "error_rate": 0.1}],
               [{"from": "c", "to": "a"},
                {"from": "a", "to": "recs", "calls": 2, "optional": True}])
    c = run(d).clients["c"]
    assert c.request_success == pytest.approx(0.99, rel=1e-15)
    assert c.degraded_fraction == pytest.approx(0.99 * 0.19, rel=1e-12)


def test_tiny_error_rates_keep_their_digits() -> None:
    d = design([{"id": "c", "kind": "client"},
                {"id": "a", "kind": "service", "error_rate": 1e-15}],
               [{"from": "c", "to": "a"}])
    res = request_success(d, compile_design(d))
    assert res.failure["c"] == pytest.approx(1e-15, rel=1e-12)


def test_without_error_rates_nothing_changes() -> None:
    d = design([{"id": "c", "kind": "client", "slo": {"availability": 0.999}},
                {"id": "a", "kind": "service", "availability": 0.995, "replicas": 2},
                {"id": "o", "kind": "service", "availability": 0.9}],
               [{"from": "c", "to": "a"}, {"from": "a", "to": "o", "optional": True}])
    c = run(d).clients["c"]
    assert c.request_success == 1.0 and c.degraded_fraction == 0.0
    assert c.success_ratio == c.availability


# -- brute force: expand every call of a request into its own independent events -----------

@dataclass
class Call:
    node: str
    error: int | None  # index of its error event (None: error rate 0)
    required: list[Call] = field(default_factory=list)
    optional: list[Call] = field(default_factory=list)
    choice: int | None = None  # routers: index of the choice event
    targets: list[Call] = field(default_factory=list)


def _shares(d: Design, nid: str, pool: list[str]) -> list[float]:
    """A router's split, written out again: all to the first when active-passive, else by
    total capacity, equally when a capacity is unknown."""
    if d.nodes[nid].failover == "active-passive":
        return [1.0 if i == 0 else 0.0 for i in range(len(pool))]
    caps = [d.nodes[t].capacity_rps for t in pool]
    if all(c is not None for c in caps):
        tot = [c * (1 if d.nodes[t].failover == "active-passive" else d.nodes[t].replicas)
               for c, t in zip(caps, pool)]  # type: ignore[operator]
        if sum(tot) > 0:
            return [x / sum(tot) for x in tot]
    return [1.0 / len(pool)] * len(pool)


def _expand(d: Design, nid: str, events: list[list[float]]) -> Call:
    n = d.nodes[nid]
    e = 0.0 if n.role is Role.SOURCE else n.error_rate
    err = None
    if e > 0:
        err = len(events)
        events.append([1.0 - e, e])  # outcome 0: no error, 1: error
    call = Call(nid, err)
    outs = d.links_from(nid)
    if n.role is Role.ROUTER:
        pool = [lk.target for lk in outs]
        call.choice = len(events)
        events.append(_shares(d, nid, pool) if pool else [1.0])
        call.targets = [_expand(d, t, events) for t in pool]
        return call
    for lk in outs:
        for _ in range(int(lk.calls)):
            (call.optional if lk.optional else call.required).append(_expand(d, lk.target, events))
    return call


def _outcome(call: Call, world: tuple[int, ...]) -> str:
    if call.error is not None and world[call.error] == 1:
        return "fail"
    if call.choice is not None:
        if not call.targets:
            return "fail"
        return _outcome(call.targets[world[call.choice]], world)
    result = "clean"
    for sub in call.required:
        o = _outcome(sub, world)
        if o == "fail":
            return "fail"
        if o == "degraded":
            result = "degraded"
    for sub in call.optional:
        if _outcome(sub, world) != "clean":
            result = "degraded"
    return result


def brute_force(d: Design, client: str) -> tuple[float, float]:
    """(P(request succeeds), P(succeeds degraded)) by enumerating every joint outcome."""
    events: list[list[float]] = []
    root = _expand(d, client, events)
    assert len(events) <= 16, "design too big to enumerate"
    ok: list[float] = []
    degraded: list[float] = []
    for world in itertools.product(*(range(len(ev)) for ev in events)):
        p = math.prod(events[i][k] for i, k in enumerate(world))
        o = _outcome(root, world)
        if o != "fail":
            ok.append(p)
        if o == "degraded":
            degraded.append(p)
    return math.fsum(ok), math.fsum(degraded)


def _with_errors(seed: int) -> Design | None:
    d = random_design(seed, max_components=9)
    rng = random.Random(1000 + seed)
    parts = [n for n in d.nodes.values() if not n.is_container and n.role is not Role.SOURCE]
    for n in rng.sample(parts, min(len(parts), 3)):
        n.error_rate = rng.choice((0.01, 0.05, 0.2, 0.5))
    for lk in d.links:  # more repeated calls than the availability seeds have
        if d.nodes[lk.source].role is not Role.ROUTER and rng.random() < 0.4:
            lk.calls = 2.0
    events: list[list[float]] = []
    for c in d.clients():
        _expand(d, c.id, events)
    return d if len(events) <= 14 else None


@pytest.mark.parametrize("seed", range(40))
def test_success_ratio_against_brute_force(seed: int) -> None:
    d = _with_errors(seed)
    if d is None:
        pytest.skip("request tree too big to enumerate")
    r = run(d)
    want_avail = oracle(d)["clients"]
    for c in d.clients():
        s, deg = brute_force(d, c.id)
        a = want_avail[c.id]["availability"]
        got = r.clients[c.id]
        assert got.request_success == pytest.approx(s, abs=1e-12), (seed, c.id)
        assert got.success_ratio == pytest.approx(a * s, abs=1e-12), (seed, c.id)
        assert got.degraded_fraction == pytest.approx(a * deg, abs=1e-12), (seed, c.id)


def test_the_brute_force_covers_routers_optional_links_and_errors() -> None:
    """The oracle seeds exercise what they claim (else the comparison proves little)."""
    seen = {"router": 0, "optional": 0, "calls2": 0, "errors_below_1": 0}
    for seed in range(40):
        d = _with_errors(seed)
        if d is None:
            continue
        seen["router"] += any(n.role is Role.ROUTER for n in d.nodes.values())
        seen["optional"] += any(lk.optional for lk in d.links)
        seen["calls2"] += any(lk.calls == 2 for lk in d.links)
        r = run(d)
        seen["errors_below_1"] += any(c.request_success < 1 for c in r.clients.values())
    assert all(v >= 5 for v in seen.values()), seen


def test_every_success_degraded_behind_a_router_does_not_crash() -> None:
    """A router whose target's every successful request lost an optional call (the
    optional dependency is a router with no targets): degraded fraction = all of the
    successes, no math domain error (seen in the soak test)."""
    from modeller.analysis import analyze
    from modeller.model import Design, Link, Node, design_from_dict, design_to_dict

    nodes = [Node(id="users", kind="client"), Node(id="lb", kind="load_balancer"),
             Node(id="svc", kind="service", error_rate=0.1),
             Node(id="empty", kind="load_balancer")]
    links = [Link("users", "lb"), Link("lb", "svc"), Link("svc", "empty", optional=True)]
    d = design_from_dict(design_to_dict(Design("degraded", nodes, links)))
    rep = analyze(d, simulation_years=0, sweeps=False, latency=False)
    c = rep.clients["users"]
    assert c.success_ratio == pytest.approx(0.9, rel=1e-12)
    assert c.degraded_fraction == pytest.approx(0.9, rel=1e-12)
