"""End-to-end latency: means exactly, p99s against closed forms and Monte Carlo.

Units: designs speak rps and ms; the expected values below are derived by hand in
1/s and converted, so a units slip in the engine shows up as a factor of 1000.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from modeller.analysis.compiled import compile_design
from modeller.analysis.latency import analyze_latency, latency_means
from modeller.analysis.report import Latency
from modeller.model import Design, Link, Node

LN100 = math.log(100.0)


def make(nodes: list[Node], links: list[Link]) -> Design:
    return Design("latency test", nodes, links)


def client(demand: float, nid: str = "users") -> Node:
    return Node(nid, "client", demand_rps=demand)


def svc(nid: str, service_ms: float, capacity: float | None = None, replicas: int = 1,
        kind: str = "service", **kw: object) -> Node:
    return Node(nid, kind, replicas=replicas, capacity_rps=capacity,
                service_time_ms=service_ms, **kw)  # type: ignore[arg-type]


def solve(survival: Callable[[float], float], target: float = 0.01) -> float:
    """t with survival(t) = target, by plain bisection (independent of the engine)."""
    lo, hi = 0.0, 1.0
    while survival(hi) > target:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if survival(mid) > target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def hypo_survival(r1: float, r2: float, t: float) -> float:
    return (r2 * math.exp(-r1 * t) - r1 * math.exp(-r2 * t)) / (r2 - r1)


def erlang_c_textbook(c: int, a: float) -> float:
    """sum_{k<c} a^k/k! against a^c/c! * c/(c-a), in logs so big stations fit."""
    if a == 0.0:
        return 0.0
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    log_tail = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    top = max(max(logs), log_tail)
    head = math.fsum(math.exp(x - top) for x in logs)
    tail = math.exp(log_tail - top)
    return tail / (head + tail)


def sample_station(rng: np.random.Generator, n: int, c: int, mu: float, lam: float) -> np.ndarray:
    """Response times of an M/M/c station (rates per second), in ms."""
    if lam >= c * mu:
        return np.full(n, np.inf)
    wait = rng.random(n) < erlang_c_textbook(c, lam / mu)
    w = np.where(wait, rng.exponential(1.0 / (c * mu - lam), n), 0.0)
    return 1000.0 * (rng.exponential(1.0 / mu, n) + w)


# --------------------------------------------------------------------------- chains

def chain_design(calls: float = 1.0) -> Design:
    # a: 1 server (round(100 rps x 10 ms) = 1), mu = 100/s, lam = 60/s -> Exp(40/s)
    # b: 1 server (round(200 x 5 ms) = 1), mu = 200/s, lam = 60 calls/s
    return make([client(60.0), svc("a", 10.0, 100.0), svc("b", 5.0, 200.0)],
                [Link("users", "a"), Link("a", "b", calls=calls)])


def test_chain_of_two_mm1_mean_is_the_sum_and_p99_is_hypoexponential() -> None:
    res = analyze_latency(chain_design())
    r1, r2 = 100.0 - 60.0, 200.0 - 60.0  # response rates, 1/s
    assert res.nodes["a"].mean == pytest.approx(1000.0 / r1, rel=1e-12)
    assert res.nodes["a"].p99 == pytest.approx(1000.0 * LN100 / r1, rel=1e-9)
    assert res.nodes["b"].p99 == pytest.approx(1000.0 * LN100 / r2, rel=1e-9)
    assert res.nodes["users"] == Latency(0.0, 0.0)
    expect_mean = 1000.0 / r1 + 1000.0 / r2
    expect_p99 = 1000.0 * solve(lambda t: hypo_survival(r1, r2, t))
    for nid in ("users", "a"):
        assert res.end_to_end[nid].mean == pytest.approx(expect_mean, rel=1e-12)
        assert res.end_to_end[nid].p99 == pytest.approx(expect_p99, rel=1e-4)
    assert res.clients["users"] == res.end_to_end["users"]
    # a leaf's end-to-end latency is its station's, exactly
    assert res.end_to_end["b"] == res.nodes["b"]
    assert res.saturated == []


def test_calls_two_doubles_the_dependency() -> None:
    res = analyze_latency(chain_design(calls=2.0))
    # b now sees 120 calls/s: Exp(80/s)
    assert res.end_to_end["b"].mean == pytest.approx(1000.0 / 80.0, rel=1e-12)
    own_a = res.nodes["a"].mean
    assert res.end_to_end["a"].mean - own_a == pytest.approx(2.0 * res.end_to_end["b"].mean, rel=1e-12)
    # p99 of Exp(40) + Exp(80) + Exp(80): partial fractions, solved independently
    r1, r2 = 40.0, 80.0

    def surv(t: float) -> float:
        # Exp(r1) + Gamma(2, r2) by partial fractions of r1 r2^2 / ((r1+s)(r2+s)^2)
        d = r2 - r1
        return ((r2 * r2 * math.exp(-r1 * t) - r1 * r2 * math.exp(-r2 * t)) / (d * d)
                - r1 * (1.0 + r2 * t) * math.exp(-r2 * t) / d)

    # check the survival we derived at two points against 1e6 samples, then use it
    rng = np.random.default_rng(7)
    x = rng.exponential(1 / r1, 1_000_000) + rng.gamma(2.0, 1 / r2, 1_000_000)
    for t in (0.02, 0.08):
        assert surv(t) == pytest.approx(float((x > t).mean()), abs=2e-3)
    assert res.end_to_end["a"].p99 == pytest.approx(1000.0 * solve(surv), rel=1e-4)


def test_fractional_calls_mix_in_one_more_copy() -> None:
    # a takes no time; b has no capacity (M/M/inf): Exp(1/5ms)
    d = make([client(10.0), svc("a", 0.0), svc("b", 5.0)],
             [Link("users", "a"), Link("a", "b", calls=1.5)])
    res = analyze_latency(d)
    r = 1.0 / 5.0  # per ms
    assert res.end_to_end["a"].mean == pytest.approx(1.5 * 5.0, rel=1e-12)
    # one copy, plus a second with probability 1/2: 1/2 Exp + 1/2 Gamma(2)
    def surv(t: float) -> float:
        return 0.5 * math.exp(-r * t) + 0.5 * math.exp(-r * t) * (1 + r * t)

    assert res.end_to_end["a"].p99 == pytest.approx(solve(surv), rel=1e-4)


def test_half_a_call_leaves_a_point_mass_at_zero() -> None:
    d = make([client(10.0), svc("a", 0.0), svc("b", 5.0)],
             [Link("users", "a"), Link("a", "b", calls=0.5)])
    res = analyze_latency(d)
    # P(T = 0) = 1/2; p99 = the 98th percentile of Exp(1/5ms)
    assert res.end_to_end["a"].mean == pytest.approx(2.5, rel=1e-12)
    assert res.end_to_end["a"].p99 == pytest.approx(-5.0 * math.log(0.02), rel=1e-4)
    d.links[1].calls = 0.005  # P(T = 0) = 0.995 >= 0.99: the p99 is 0
    assert analyze_latency(d).end_to_end["a"].p99 == 0.0


def test_optional_links_carry_latency() -> None:
    d = make([client(10.0), svc("a", 1.0), svc("recs", 4.0)],
             [Link("users", "a"), Link("a", "recs", optional=True)])
    res = analyze_latency(d)
    assert res.clients["users"].mean == pytest.approx(5.0, rel=1e-12)
    assert res.clients["users"].p99 == pytest.approx(1.0 * solve(lambda t: hypo_survival(1.0, 0.25, t)), rel=1e-4)


# --------------------------------------------------------------------------- routers

def test_router_mixes_its_targets_by_load_share() -> None:
    # equal capacities -> 50/50; fast: mu 400/s (2.5 ms), slow: mu 50/s (20 ms); no queueing
    d = make([client(100.0), Node("lb", "load_balancer"),
              svc("fast", 2.5), svc("slow", 20.0)],
             [Link("users", "lb"), Link("lb", "fast"), Link("lb", "slow")])
    res = analyze_latency(d)
    assert res.end_to_end["lb"].mean == pytest.approx(0.5 * 2.5 + 0.5 * 20.0, rel=1e-12)
    expect = solve(lambda t: 0.5 * math.exp(-t / 2.5) + 0.5 * math.exp(-t / 20.0))
    assert res.clients["users"].p99 == pytest.approx(expect, rel=1e-4)
    assert res.nodes["lb"] == Latency(0.0, 0.0)


def test_router_with_very_different_targets_by_capacity() -> None:
    # a 0.1 ms cache mixed 9:1 with a 200 ms service: scales 2000x apart on one grid
    d = make([client(10.0), Node("lb", "load_balancer", service_time_ms=0.5),
              svc("cache", 0.1, capacity=900_000.0), svc("slow", 200.0, capacity=100_000.0)],
             [Link("users", "lb"), Link("lb", "cache"), Link("lb", "slow")])
    res = analyze_latency(d)
    # capacity x service time is huge: thousands of servers, so no queueing to speak of
    def surv(t: float) -> float:  # lb Exp(0.5 ms) + (0.9 Exp(0.1 ms) + 0.1 Exp(200 ms))
        return 0.9 * hypo_survival(2.0, 10.0, t) + 0.1 * hypo_survival(2.0, 0.005, t)

    assert res.clients["users"].mean == pytest.approx(0.5 + 0.9 * 0.1 + 0.1 * 200.0, rel=1e-9)
    assert res.clients["users"].p99 == pytest.approx(solve(surv), rel=1e-4)


def test_router_with_a_target_that_takes_no_time() -> None:
    # 50/50 between an instant target and Exp(10 ms): P(T = 0) = 1/2, p99 = Exp's p98
    d = make([client(10.0), Node("lb", "load_balancer"), svc("instant", 0.0), svc("x", 10.0)],
             [Link("users", "lb"), Link("lb", "instant"), Link("lb", "x")])
    res = analyze_latency(d)
    assert res.clients["users"].mean == pytest.approx(5.0, rel=1e-12)
    assert res.clients["users"].p99 == pytest.approx(-10.0 * math.log(0.02), rel=1e-4)
    # by capacity 995:5 the instant target takes 99.5 %: the p99 itself is 0
    d.nodes["instant"].capacity_rps, d.nodes["x"].capacity_rps = 995.0, 5.0
    res = analyze_latency(d)
    assert res.clients["users"].p99 == 0.0
    # x now has a capacity, so it queues: (v2) M/M/1 at its capacity, 0.05 of 5 rps
    assert res.clients["users"].mean == pytest.approx(0.005 * 1000.0 / (5.0 - 0.05), rel=1e-12)


def test_active_passive_router_sends_everything_to_the_first_target() -> None:
    d = make([client(10.0), Node("lb", "load_balancer", failover="active-passive"),
              svc("primary", 3.0), svc("standby", 30.0)],
             [Link("users", "lb"), Link("lb", "primary"), Link("lb", "standby")])
    res = analyze_latency(d)
    assert res.clients["users"].mean == pytest.approx(3.0, rel=1e-12)
    assert res.clients["users"].p99 == pytest.approx(3.0 * LN100, rel=1e-9)  # a pass-through


def test_router_with_idle_load_still_uses_its_shares() -> None:
    d = make([client(0.0), Node("lb", "load_balancer"), svc("x", 2.0), svc("y", 6.0)],
             [Link("users", "lb"), Link("lb", "x"), Link("lb", "y")])
    res = analyze_latency(d)
    assert res.end_to_end["lb"].mean == pytest.approx(4.0, rel=1e-12)


@pytest.mark.parametrize("ratio", [7.99, 8.01, 3.0])
def test_precision_at_the_worst_grid_placement(ratio: float) -> None:
    """Two clients, Gamma(2) latencies ``ratio`` apart: just under 8x puts the faster on
    the slower's grid, 8x too wide (the documented worst case)."""
    d = make([client(1.0, "ua"), client(1.0, "ub"), svc("a", ratio), svc("b", 1.0)],
             [Link("ua", "a", calls=2.0), Link("ub", "b", calls=2.0)])
    res = analyze_latency(d)
    gamma2 = solve(lambda t: math.exp(-t) * (1.0 + t))
    assert res.clients["ub"].p99 == pytest.approx(gamma2, rel=3e-5)
    assert res.clients["ua"].p99 == pytest.approx(ratio * gamma2, rel=3e-5)


@pytest.mark.parametrize("frac,slow", [(0.005, 1000.0), (0.009, 10_000.0), (0.0099, 1e5),
                                       (0.02, 1000.0), (0.05, 50.0)])
def test_rare_slow_calls_under_a_fast_bulk(frac: float, slow: float) -> None:
    """1 ms of own work plus a rare call to something 50-100000x slower: the p99 sits
    in the fast bulk or in the slow tail, and the grid has to resolve whichever."""
    d = make([client(1.0), svc("a", 1.0), svc("s", slow)],
             [Link("users", "a"), Link("a", "s", calls=frac)])
    res = analyze_latency(d)
    expect = solve(lambda t: (1 - frac) * math.exp(-t) + frac * hypo_survival(1.0, 1.0 / slow, t))
    assert res.clients["users"].p99 == pytest.approx(expect, rel=1e-4)
    assert res.clients["users"].mean == pytest.approx(1.0 + frac * slow, rel=1e-12)


def test_router_sending_a_sliver_to_a_slow_pool() -> None:
    # capacities 995:5 -> shares 0.995 / 0.005; targets 2 ms and 3 s, no queueing
    d = make([client(1.0), Node("lb", "load_balancer"),
              svc("fast", 2.0, capacity=995_000.0), svc("slow", 3000.0, capacity=5000.0)],
             [Link("users", "lb"), Link("lb", "fast"), Link("lb", "slow")])
    res = analyze_latency(d)
    expect = solve(lambda t: 0.995 * math.exp(-t / 2.0) + 0.005 * math.exp(-t / 3000.0))
    assert res.clients["users"].p99 == pytest.approx(expect, rel=1e-4)


# --------------------------------------------------------------------------- saturation

def test_saturated_dependency_makes_the_client_infinite() -> None:
    # db: 1 server (round(10 rps x 100 ms) = 1), mu = 10/s, lam = 20/s: saturated
    d = make([client(20.0), svc("a", 5.0, 1000.0), svc("db", 100.0, 10.0, kind="database"),
              client(5.0, "ops"), svc("tool", 1.0)],
             [Link("users", "a"), Link("a", "db"), Link("ops", "tool")])
    res = analyze_latency(d)
    assert res.saturated == ["db"]
    assert res.nodes["db"] == Latency(math.inf, math.inf)
    assert math.isfinite(res.nodes["a"].mean) and math.isfinite(res.nodes["a"].p99)
    for lat in (res.end_to_end["a"], res.clients["users"]):
        assert lat.mean == math.inf and lat.p99 == math.inf
    # other clients are unaffected
    assert res.clients["ops"].mean == pytest.approx(1.0)
    assert res.clients["ops"].p99 == pytest.approx(LN100, rel=1e-9)
    means = latency_means(d)
    assert means.clients["users"] == math.inf and means.saturated == ["db"]


def test_nothing_takes_time() -> None:
    d = make([client(10.0), Node("lb", "load_balancer"), svc("a", 0.0)],
             [Link("users", "lb"), Link("lb", "a")])
    res = analyze_latency(d)
    assert res.clients["users"] == Latency(0.0, 0.0)


# --------------------------------------------------------------------------- a design

def shop() -> Design:
    """users -> lb -> svc1 (2 replicas), svc2 -> db.

    lb: no capacity, 1 ms: Exp(1000/s).
    svc1: 2 replicas x round(200 rps x 10 ms) = 4 servers, mu 100/s.
    svc2: 1 replica x round(200 rps x 20 ms) = 4 servers, mu 50/s.
    The lb splits by capacity 400:200 -> loads 200 and 100 rps (a = 2 each).
    db: 1 x round(1000 x 2 ms) = 2 servers, mu 500/s; load 200 x 2 + 100 x 1 = 500 rps.
    """
    return make(
        [client(300.0), Node("lb", "load_balancer", service_time_ms=1.0),
         svc("svc1", 10.0, 200.0, replicas=2), svc("svc2", 20.0, 200.0),
         svc("db", 2.0, 1000.0, kind="database")],
        [Link("users", "lb"), Link("lb", "svc1"), Link("lb", "svc2"),
         Link("svc1", "db", calls=2.0), Link("svc2", "db", optional=True)])


def test_design_level_means_by_hand() -> None:
    res = analyze_latency(shop())

    def mean(c: int, mu: float, lam: float) -> float:
        return 1000.0 * (1.0 / mu + erlang_c_textbook(c, lam / mu) / (c * mu - lam))

    m1, m2, mdb = mean(4, 100.0, 200.0), mean(4, 50.0, 100.0), mean(2, 500.0, 500.0)
    assert res.nodes["svc1"].mean == pytest.approx(m1, rel=1e-12)
    assert res.nodes["svc2"].mean == pytest.approx(m2, rel=1e-12)
    assert res.nodes["db"].mean == pytest.approx(mdb, rel=1e-12)
    assert res.nodes["lb"].mean == pytest.approx(1.0, rel=1e-12)
    e1, e2 = m1 + 2 * mdb, m2 + mdb
    assert res.end_to_end["svc1"].mean == pytest.approx(e1, rel=1e-12)
    assert res.end_to_end["svc2"].mean == pytest.approx(e2, rel=1e-12)
    assert res.clients["users"].mean == pytest.approx(1.0 + 2 / 3 * e1 + 1 / 3 * e2, rel=1e-12)


def test_design_level_p99_against_monte_carlo() -> None:
    res = analyze_latency(shop())
    rng = np.random.default_rng(2024)
    n = 1_000_000
    lb = rng.exponential(1.0, n)  # ms
    s1 = sample_station(rng, n, 4, 100.0, 200.0)
    s2 = sample_station(rng, n, 4, 50.0, 100.0)
    db = [sample_station(rng, n, 2, 500.0, 500.0) for _ in range(2)]
    e1 = s1 + db[0] + db[1]
    e2 = s2 + db[0]
    pick = rng.random(n) < 2 / 3
    total = lb + np.where(pick, e1, e2)
    assert res.end_to_end["svc1"].p99 == pytest.approx(float(np.quantile(e1, 0.99)), rel=0.01)
    assert res.end_to_end["svc2"].p99 == pytest.approx(float(np.quantile(e2, 0.99)), rel=0.01)
    assert res.clients["users"].p99 == pytest.approx(float(np.quantile(total, 0.99)), rel=0.01)
    assert res.clients["users"].mean == pytest.approx(float(total.mean()), rel=0.01)


def test_demand_scale_equals_a_scaled_compile() -> None:
    d = shop()
    direct = analyze_latency(d, compile_design(d), demand_scale=1.5)
    scaled = analyze_latency(d, compile_design(d, 1.5))
    assert direct.clients["users"].mean == pytest.approx(scaled.clients["users"].mean, rel=1e-12)
    assert direct.clients["users"].p99 == pytest.approx(scaled.clients["users"].p99, rel=1e-12)
    base = analyze_latency(d)
    assert direct.clients["users"].mean > base.clients["users"].mean
    # db runs at rho 0.5 nominally: twice the demand saturates it
    assert analyze_latency(d, demand_scale=2.0).clients["users"].mean == math.inf
    means = latency_means(d, demand_scale=1.5)
    assert means.clients["users"] == pytest.approx(direct.clients["users"].mean, rel=1e-12)
    assert means.end_to_end["svc2"] == pytest.approx(direct.end_to_end["svc2"].mean, rel=1e-12)


# --------------------------------------------------------------------------- generated designs

def _bench_design(size: int, seed: int = 0) -> Design:
    from tests.bench.generate import sized

    return sized(size, seed)


def _monte_carlo(design: Design, n: int, seed: int) -> dict[str, np.ndarray]:
    """Sample every node's end-to-end latency bottom-up, straight from DESIGN section 3
    (independent copies are random permutations of the callee's samples)."""
    from modeller.analysis.compiled import router_shares
    from modeller.model import Role

    comp = compile_design(design)
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for nid in reversed(list(comp.nodes)):
        node, cn = design.nodes[nid], comp.nodes[nid]
        st = node.service_time_ms
        own = np.zeros(n)
        if node.role is not Role.SOURCE and st > 0:
            if node.capacity_rps is None:
                own = rng.exponential(st, n)
            else:
                per = max(1, math.floor(node.capacity_rps * st / 1000 + 0.5))
                # (v2) each server at capacity / c: the station's rate is the capacity
                own = sample_station(rng, n, cn.active * per, node.capacity_rps / per, cn.load)
        links = design.links_from(nid)
        if node.role is Role.ROUTER and links:
            shares = router_shares(design, nid, [lk.target for lk in links], None)
            pick = rng.choice(len(links), size=n, p=[shares[lk.target] for lk in links])
            mix = np.zeros(n)
            for i, lk in enumerate(links):
                mix = np.where(pick == i, out[lk.target][rng.permutation(n)], mix)
            own = own + mix
        else:
            for lk in links:
                whole, frac = math.floor(lk.calls), lk.calls - math.floor(lk.calls)
                for _ in range(whole):
                    own = own + out[lk.target][rng.permutation(n)]
                if frac:
                    extra = rng.random(n) < frac
                    own = own + np.where(extra, out[lk.target][rng.permutation(n)], 0.0)
        out[nid] = own
    return out


def test_generated_design_against_monte_carlo() -> None:
    design = _bench_design(40, seed=3)
    res = analyze_latency(design)
    samples = _monte_carlo(design, 400_000, seed=11)
    checked = 0
    for nid, lat in res.end_to_end.items():
        if lat.p99 == 0.0:
            continue
        assert lat.p99 == pytest.approx(float(np.quantile(samples[nid], 0.99)), rel=0.015), nid
        assert lat.mean == pytest.approx(float(samples[nid].mean()), rel=0.015), nid
        checked += 1
    assert checked >= 25


def test_generated_design_against_a_fine_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stated precision (1e-4) holds against the same method on a 16x finer grid
    with spans at most 1.25x the bound: what the grid choice costs, measured."""
    import modeller.analysis.latency as lat_mod

    design = _bench_design(130, seed=2)
    compiled = compile_design(design)
    res = analyze_latency(design, compiled)
    monkeypatch.setattr(lat_mod, "GRID", 1 << 15)
    monkeypatch.setattr(lat_mod, "LEVEL_RATIO", 1.25)
    ref = analyze_latency(design, compiled)
    worst = max(abs(res.end_to_end[k].p99 / ref.end_to_end[k].p99 - 1.0)
                for k in ref.end_to_end if ref.end_to_end[k].p99 > 0)
    assert worst < 1e-4


def test_500_node_design_has_sane_end_to_end_latencies() -> None:
    """Every end-to-end p99 on the 500-node bench design is finite and not below the mean
    (speed is measured by tests/bench/bench_analysis.py, not asserted here)."""
    design = _bench_design(500)
    compiled = compile_design(design)
    assert len(design.nodes) == 500
    res = analyze_latency(design, compiled)
    means = latency_means(design, compiled)
    assert all(math.isfinite(v.p99) and v.p99 >= v.mean * 0.9 or v.p99 == 0.0
               for v in res.end_to_end.values())
    for cid, mean in means.clients.items():  # the cheap path gives the same means
        assert mean == pytest.approx(res.clients[cid].mean, rel=1e-12)


def test_awkward_random_designs_never_crash_nor_give_nan() -> None:
    """Random designs with zero service times, tiny and fractional calls, routers and
    saturated stations: finite exactly when the mean is, never NaN, and a request's
    p99 is never below its own station's (it adds independent non-negative work)."""
    import random

    from .random_designs import random_design

    saturated = 0
    for seed in range(40):
        d = random_design(seed)
        rng = random.Random(seed)
        for n in d.nodes.values():
            if not n.is_container and n.kind != "client":
                n.service_time_ms = rng.choice([0.0, 0.5, 2.0, 10.0, 50.0, 300.0])
        for lk in d.links:
            lk.calls = rng.choice([1.0, 1.0, 0.3, 2.0, 1.5, 0.01])
        res = analyze_latency(d)
        means = latency_means(d)
        saturated += bool(res.saturated)
        for nid, lat in res.end_to_end.items():
            own = res.nodes[nid]
            for v in (lat, own):
                assert not math.isnan(v.mean) and not math.isnan(v.p99)
                assert v.p99 >= 0.0 and math.isinf(v.mean) == math.isinf(v.p99)
            assert lat.p99 >= own.p99 * (1 - 1e-6)
            assert lat.mean >= own.mean
            assert means.end_to_end[nid] == lat.mean
    assert saturated >= 3  # the saturated path was exercised


# -- (v2) the station is consistent with capacity: rho equals the badge's utilisation --------

def _one_station(capacity: float, service_ms: float, demand: float):  # type: ignore[no-untyped-def]
    from modeller.analysis import analyze
    from modeller.model import Design, Link, Node
    d = Design("station", [Node("c", "client", demand_rps=demand),
                           Node("s", "service", capacity_rps=capacity, service_time_ms=service_ms)],
               [Link("c", "s")])
    return analyze(d, simulation_years=0, sweeps=False)


def test_station_cap10_140ms_8rps_is_mm1_at_rate_10() -> None:
    # c = max(1, round(10 x 0.14)) = 1 server at 10/s, lambda 8/s: utilisation 80 %,
    # mean 1/(10 - 8) s = 500 ms, p99 = ln(100) / 2 s = 2302.585 ms (never "saturated")
    r = _one_station(10.0, 140.0, 8.0)
    assert r.nodes["s"].utilization == pytest.approx(0.8)
    lat = r.nodes["s"].latency_ms
    assert lat.mean == pytest.approx(500.0, rel=1e-9)
    assert lat.p99 == pytest.approx(1000 * math.log(100) / 2, rel=1e-6)
    assert r.system.headroom == pytest.approx(1.25)


def test_station_cap1_100ms_095rps_queues() -> None:
    # c = max(1, round(0.1)) = 1 server at 1/s, lambda 0.95/s: mean 1/(1 - 0.95) s = 20 s
    r = _one_station(1.0, 100.0, 0.95)
    assert r.nodes["s"].utilization == pytest.approx(0.95)
    assert r.nodes["s"].latency_ms.mean == pytest.approx(20_000.0, rel=1e-9)


def test_station_integer_servers_keep_the_service_time() -> None:
    # 400 rps x 20 ms = 8 servers of 50/s each: at low load the response is 20 ms
    r = _one_station(400.0, 20.0, 1e-6)
    assert r.nodes["s"].latency_ms.mean == pytest.approx(20.0, rel=1e-6)
