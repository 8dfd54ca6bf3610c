"""The exact engine on valid but extreme designs, against independent computations.

Every expected value here is computed without the engine: binomial tails in exact
integer arithmetic (fractions / math.comb), products through log1p/expm1, regions
conditioned on by hand, pools brute-forced over every target state. The live analysis
time of each design is printed (``pytest -s``) as a table at the end of the module.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from fractions import Fraction

import numpy as np
import pytest

from modeller.analysis import Report, analyze
from modeller.model import Design, DesignError, Link, Node

from .helpers import hang_guard

TIMES: dict[str, float] = {}
LIVE_BUDGET_S = 0.25


@pytest.fixture(scope="module", autouse=True)
def timing_table() -> Iterator[None]:
    yield
    if TIMES:
        width = max(len(k) for k in TIMES)
        print("\nlive analysis time (simulation off, sweeps off)")
        for name, sec in TIMES.items():
            flag = "  <- over the ~250 ms live budget" if sec > LIVE_BUDGET_S else ""
            print(f"  {name.ljust(width)}  {1000 * sec:9.1f} ms{flag}")


def timed(name: str, design: Design, hang_bound: float = 120.0) -> Report:
    """The live analysis (what the canvas asks for); the bound only detects a hang."""
    t0 = time.perf_counter()
    with hang_guard(hang_bound):  # only a hang fails; the times are printed, not asserted
        report = analyze(design, simulation_years=0, sweeps=False)
    TIMES[name] = time.perf_counter() - t0
    return report


def binomial_tail(n: int, k: int, a: float) -> tuple[Fraction, Fraction]:
    """(P(X >= k), P(X < k)) for X ~ Bin(n, a), exactly, for the float a as given."""
    fa = Fraction(a)
    p, d = fa.numerator, fa.denominator
    q = d - p
    terms = [math.comb(n, j) * p**j * q ** (n - j) for j in range(n + 1)]
    below = sum(terms[:k])
    return Fraction(sum(terms[k:]), d**n), Fraction(below, d**n)


def rel(x: float, y: float | Fraction) -> float:
    y = float(y)
    return abs(x - y) / abs(y) if y else abs(x)


def client(design: Design, demand: float | None = None, target: str = "") -> None:
    design.add_node(Node("users", "client", demand_rps=demand))
    if target:
        design.add_link(Link("users", target))


# -- 1 000 replicas ------------------------------------------------------------------


@pytest.mark.parametrize(("a", "k"), [(0.999, 600), (0.999, 995), (0.6, 600)])
def test_thousand_replicas_binomial_tail(a: float, k: int) -> None:
    d = Design("1000 replicas")
    client(d, target="svc")
    d.add_node(Node("svc", "service", replicas=1000, min_healthy=k, availability=a))
    r = timed(f"1000 replicas, min_healthy {k}, a={a}", d)
    p_exact, q_exact = binomial_tail(1000, k, a)
    assert rel(r.system.availability, p_exact) < 1e-9
    if float(q_exact) > 0:
        assert rel(r.system.unavailability, q_exact) < 1e-9, (r.system.unavailability,
                                                              float(q_exact))
    else:  # P(fewer than 600 of 1000 up at a = 0.999) is below the smallest float
        assert q_exact < Fraction(1, 10**300)
        assert r.system.unavailability == 0.0 and r.system.availability == 1.0
    assert rel(r.nodes["svc"].availability, p_exact) < 1e-9


# -- twelve nines --------------------------------------------------------------------

TWELVE = 0.999999999999


@pytest.mark.parametrize("replicas", [1, 2])
def test_twelve_nines_keep_their_digits(replicas: int) -> None:
    d = Design("twelve nines")
    client(d, target="svc")
    d.add_node(Node("svc", "service", replicas=replicas, availability=TWELVE))
    r = timed(f"twelve nines, 1-of-{replicas}", d)
    # the float 0.999999999999 is 1 - 1.0000889e-12 exactly: that is the input's truth
    q_float = 1 - Fraction(TWELVE)
    assert float(q_float) == 1.0 - TWELVE  # Sterbenz: this subtraction is exact
    assert rel(r.system.unavailability, q_float**replicas) < 1e-6
    assert rel(r.system.unavailability, 10.0 ** (-12 * replicas)) < 1e-4
    assert r.system.nines == pytest.approx(12.0 * replicas, abs=1e-3)


@pytest.mark.parametrize("replicas", [1, 2])
def test_twelve_nines_from_mtbf_mttr_are_exact(replicas: int) -> None:
    """MTBF/MTTR give the unavailability without the rounding of 1 - a."""
    d = Design("twelve nines (MTBF)")
    client(d, target="svc")
    d.add_node(Node("svc", "service", replicas=replicas, mtbf_hours=999_999_999_999.0,
                    mttr_hours=1.0))
    r = timed(f"twelve nines MTBF/MTTR, 1-of-{replicas}", d)
    assert rel(r.system.unavailability, 1e-12**replicas) < 1e-6
    assert r.system.nines == pytest.approx(12.0 * replicas, abs=1e-6)


# -- a 2 000-node chain ----------------------------------------------------------------


def test_two_thousand_node_chain() -> None:
    n, a = 2000, 0.99999
    d = Design("chain")
    client(d, demand=10.0, target="s0")
    for i in range(n):
        d.add_node(Node(f"s{i}", "service", availability=a))
        if i:
            d.add_link(Link(f"s{i - 1}", f"s{i}"))
    r = timed("2 000-node chain", d)
    log_a = n * math.log1p(-(1.0 - a))
    assert rel(r.system.availability, math.exp(log_a)) < 1e-9
    assert rel(r.system.unavailability, -math.expm1(log_a)) < 1e-9
    assert rel(r.system.availability, math.prod([a] * n)) < 1e-9
    assert len(r.spofs) == n  # every link of a chain is a single point of failure


# -- regions x zones behind DNS -----------------------------------------------------------

A_DNS, A_DB, A_REGION, A_LB, A_ZONE, A_SVC = 0.99995, 0.9995, 0.9999, 0.9999, 0.9995, 0.995


def regions_design(n_regions: int, n_zones: int, dns_min: int, lb_min: int) -> Design:
    """DNS over one LB per region; each LB over one 2-replica service per zone; every
    service needs one shared database outside the regions."""
    d = Design(f"{n_regions} regions x {n_zones} zones")
    client(d, target="dns")
    d.add_node(Node("dns", "dns", availability=A_DNS, min_targets=dns_min))
    d.add_node(Node("db", "database", availability=A_DB))
    for r in range(n_regions):
        d.add_node(Node(f"r{r}", "region", availability=A_REGION))
        d.add_node(Node(f"lb{r}", "load_balancer", parent=f"r{r}", availability=A_LB,
                        min_targets=lb_min))
        d.add_link(Link("dns", f"lb{r}"))
        for z in range(n_zones):
            d.add_node(Node(f"r{r}z{z}", "zone", parent=f"r{r}", availability=A_ZONE))
            d.add_node(Node(f"svc{r}_{z}", "service", parent=f"r{r}z{z}", replicas=2,
                            availability=A_SVC))
            d.add_link(Link(f"lb{r}", f"svc{r}_{z}"))
            d.add_link(Link(f"svc{r}_{z}", "db"))
    return d


def at_least(k: int, ps: list[Fraction]) -> Fraction:
    """P(at least k of independent events), by enumerating every outcome."""
    total = Fraction(0)
    for states in itertools.product((0, 1), repeat=len(ps)):
        if sum(states) >= k:
            total += math.prod((p if s else 1 - p) for p, s in zip(ps, states))
    return total


def regions_by_hand(n_regions: int, n_zones: int, dns_min: int, lb_min: int) -> Fraction:
    """Condition on the shared database, then on each region's state, then its zones."""
    f = Fraction
    svc = 1 - (1 - f(A_SVC)) ** 2  # 1 of 2 replicas
    zone_serves = f(A_ZONE) * svc
    total = Fraction(0)
    for region_up in itertools.product((0, 1), repeat=n_regions):
        weight = math.prod((f(A_REGION) if up else 1 - f(A_REGION)) for up in region_up)
        # given the region states, an up region serves iff its LB is up and enough zones
        serving = [f(A_LB) * at_least(lb_min, [zone_serves] * n_zones) if up else f(0)
                   for up in region_up]
        total += weight * at_least(dns_min, serving)
    return f(A_DNS) * f(A_DB) * total


@pytest.mark.parametrize(("dns_min", "lb_min"), [(1, 1), (2, 2)])
def test_three_regions_three_zones_against_hand_conditioning(dns_min: int, lb_min: int) -> None:
    d = regions_design(3, 3, dns_min, lb_min)
    r = timed(f"3 regions x 3 zones (dns {dns_min}, lb {lb_min} of 3)", d)
    p = regions_by_hand(3, 3, dns_min, lb_min)
    assert rel(r.system.availability, p) < 1e-9
    assert rel(r.system.unavailability, 1 - p) < 1e-9
    assert "db" in r.spofs and "dns" in r.spofs


def test_eight_regions_three_zones_correct_or_clearly_refused() -> None:
    d = regions_design(8, 3, 1, 1)
    t0 = time.perf_counter()
    try:
        r = analyze(d, simulation_years=0, sweeps=False)
    except DesignError as err:
        TIMES["8 regions x 3 zones (refused)"] = time.perf_counter() - t0
        text = str(err)
        assert "\n" not in text
        # it says why (the state count) and what to do about it
        assert "states" in text and "region" in text and "zone" in text, text
        assert "43,046,721" in text or "43046721" in text, text  # (1 + 2^3)^8 states
        return
    TIMES["8 regions x 3 zones"] = time.perf_counter() - t0
    # regions are independent given the database: one factor per region
    f = Fraction
    region = f(A_REGION) * f(A_LB) * (1 - (1 - f(A_ZONE) * (1 - (1 - f(A_SVC)) ** 2)) ** 3)
    p = f(A_DNS) * f(A_DB) * (1 - (1 - region) ** 8)
    assert rel(r.system.availability, p) < 1e-9
    assert rel(r.system.unavailability, 1 - p) < 1e-9


# -- a 300-target load balancer ------------------------------------------------------------


def test_three_hundred_target_load_balancer() -> None:
    n, cap, a, demand = 300, 10.0, 0.99, 2900.0  # needs 290 of 300 serving
    d = Design("300 targets")
    client(d, demand=demand, target="lb")
    d.add_node(Node("lb", "load_balancer", availability=0.9999))
    for i in range(n):
        d.add_node(Node(f"t{i}", "service", availability=a, capacity_rps=cap))
        d.add_link(Link("lb", f"t{i}"))
    r = timed("300-target load balancer", d)
    p_pool, q_pool = binomial_tail(n, 290, a)
    assert rel(r.system.availability, Fraction(0.9999) * p_pool) < 1e-9
    assert rel(r.system.unavailability, 1 - Fraction(0.9999) * p_pool) < 1e-9
    assert r.nodes["t0"].load_rps == pytest.approx(demand / n)


# -- capacity pools with many distinct capacities ---------------------------------------------


def pool_design(n: int, demand: float) -> tuple[Design, list[float], list[float]]:
    caps = [10.0 + i for i in range(n)]
    avail = [0.9 + 0.004 * i for i in range(n)]
    d = Design(f"{n} distinct capacities")
    client(d, demand=demand, target="lb")
    d.add_node(Node("lb", "load_balancer"))
    for i in range(n):
        d.add_node(Node(f"t{i}", "service", availability=avail[i], capacity_rps=caps[i]))
        d.add_link(Link("lb", f"t{i}"))
    return d, caps, avail


def brute_force_pool(caps: list[float], avail: list[float], demand: float) -> float:
    """P(sum of the up targets' capacities >= demand), over all 2^n target states."""
    n = len(caps)
    states = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    probs = np.where(states, np.array(avail), 1.0 - np.array(avail)).prod(axis=1)
    covered = states @ np.array(caps) >= demand - 1e-9
    return float(math.fsum(probs[covered]))


def brute_force_pool_python(caps: list[float], avail: list[float], demand: float) -> Fraction:
    total = Fraction(0)
    for states in itertools.product((0, 1), repeat=len(caps)):
        if sum(c for c, s in zip(caps, states) if s) >= demand:
            total += math.prod((Fraction(a) if s else 1 - Fraction(a))
                               for a, s in zip(avail, states))
    return total


def test_ten_distinct_capacities_against_exact_brute_force() -> None:
    demand = 72.0  # caps 10..19 sum to 145: about half of them must serve
    d, caps, avail = pool_design(10, demand)
    r = timed("10 distinct capacities", d)
    p = brute_force_pool_python(caps, avail, demand)
    assert rel(r.system.availability, p) < 1e-9
    assert rel(r.system.unavailability, 1 - p) < 1e-9


@pytest.mark.parametrize("demand", [195.0, 330.0])
def test_twenty_distinct_capacities_against_brute_force(demand: float) -> None:
    d, caps, avail = pool_design(20, demand)  # caps 10..29 sum to 390
    r = timed(f"20 distinct capacities, demand {demand:g}", d)
    p = brute_force_pool(caps, avail, demand)
    assert rel(r.system.availability, p) < 1e-9
    assert rel(r.system.unavailability, 1 - p) < 1e-7  # brute force sums P, not Q


# -- failover on every node --------------------------------------------------------------------


def test_failover_on_every_node() -> None:
    """DNS, LBs, services and a shared database, all active-passive with failover times.

    (v2) Each failover window is an independent event of probability
    (seconds / 3600) / (MTBF + MTTR) = (seconds / 3600) * (1 - a) with MTTR = 1 h
    (MTBF = a * MTTR / (1 - a)); a router's member is its first target. lb1 and lb2
    have one target each: nothing to fail over to, no window."""
    d = Design("failover everywhere")
    client(d, target="dns")
    spec = {  # id: (kind, availability, replicas, failover seconds)
        "dns": ("dns", 0.9999, 1, 60.0),
        "lb1": ("load_balancer", 0.9995, 1, 30.0), "lb2": ("load_balancer", 0.999, 1, 45.0),
        "svc1": ("service", 0.995, 2, 10.0), "svc2": ("service", 0.99, 2, 20.0),
        "db": ("database", 0.999, 2, 25.0),
    }
    for nid, (kind, a, reps, secs) in spec.items():
        d.add_node(Node(nid, kind, availability=a, replicas=reps, failover="active-passive",
                        failover_seconds=secs))
    for s, t in [("dns", "lb1"), ("dns", "lb2"), ("lb1", "svc1"), ("lb2", "svc2"),
                 ("svc1", "db"), ("svc2", "db")]:
        d.add_link(Link(s, t))
    r = timed("failover on every node", d)

    def window(nid: str, member: str) -> float:
        a = spec[member][1]
        mtbf = a * 1.0 / (1.0 - a)
        return (spec[nid][3] / 3600.0) / (mtbf + 1.0)

    def own(nid: str, member: str | None = None, windowed: bool = True) -> float:
        a, reps = spec[nid][1], spec[nid][2]
        return (1.0 - (1.0 - a) ** reps) * (1.0 - (window(nid, member or nid) if windowed else 0.0))

    path1 = own("lb1", windowed=False) * own("svc1")
    path2 = own("lb2", windowed=False) * own("svc2")
    expected = own("db") * own("dns", "lb1") * (1.0 - (1.0 - path1) * (1.0 - path2))
    assert rel(r.system.availability, expected) < 1e-9
    # and the windows matter: without them the answer is visibly higher
    no_windows = (1 - 0.001**2) * 0.9999 * (1 - (1 - 0.9995 * (1 - 0.005**2))
                                            * (1 - 0.999 * (1 - 0.01**2)))
    assert r.system.availability < no_windows - 1e-6
    assert sum("nothing to fail over to" in w for w in r.warnings) == 2  # lb1, lb2
