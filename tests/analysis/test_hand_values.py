"""Hand-derived availabilities: each case carries its derivation.

Every case runs twice: against the brute-force oracle (so the oracle itself is checked
against arithmetic a person can redo on paper) and against the exact engine.
"""

from __future__ import annotations

from typing import Any

import pytest

from modeller.model import MINUTES_PER_YEAR, Design, design_from_dict

from .oracle import count_components, oracle


def _design(nodes: list[dict[str, Any]], links: list[tuple[Any, ...]]) -> Design:
    raw_links = []
    for lk in links:
        d: dict[str, Any] = {"from": lk[0], "to": lk[1]}
        if len(lk) > 2:
            d.update(lk[2])
        raw_links.append(d)
    return design_from_dict({"format": "modeller.design", "version": 1, "name": "hand",
                             "nodes": nodes, "links": raw_links})


def _engine(design: Design) -> dict[str, Any]:
    from modeller.analysis import analyze

    rep = analyze(design, simulation_years=0, sweeps=False)
    return {
        "system": {"availability": rep.system.availability,
                   "unavailability": rep.system.unavailability},
        "clients": {c: {"availability": r.availability, "unavailability": r.unavailability}
                    for c, r in rep.clients.items()},
        "nodes": {n: {"availability": r.availability,
                      "availability_given_up": r.availability_given_up,
                      "availability_given_down": r.availability_given_down,
                      "birnbaum": r.birnbaum,
                      "downtime_contribution_minutes": r.downtime_contribution_minutes}
                  for n, r in rep.nodes.items()},
        "report": rep,
    }


@pytest.fixture(params=["oracle", "engine"])
def evaluate(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The same hand value must come out of the oracle and out of the engine."""
    return oracle if request.param == "oracle" else _engine


def approx(x: float, abs_: float = 1e-12) -> Any:
    return pytest.approx(x, abs=abs_, rel=0)


# --------------------------------------------------------------------------- designs

def single() -> Design:
    return _design([{"id": "users", "kind": "client"},
                    {"id": "svc", "kind": "service", "availability": 0.99}],
                   [("users", "svc")])


def series() -> Design:
    return _design([{"id": "users", "kind": "client"},
                    {"id": "svc", "kind": "service", "availability": 0.99},
                    {"id": "db", "kind": "database", "availability": 0.95}],
                   [("users", "svc"), ("svc", "db")])


def two_of_three() -> Design:
    return _design([{"id": "users", "kind": "client"},
                    {"id": "svc", "kind": "service", "availability": 0.9, "replicas": 3,
                     "min_healthy": 2}],
                   [("users", "svc")])


def shared_db() -> Design:
    return _design([{"id": "users", "kind": "client"},
                    {"id": "lb", "kind": "load_balancer", "availability": 0.999},
                    {"id": "s1", "kind": "service", "availability": 0.9},
                    {"id": "s2", "kind": "service", "availability": 0.9},
                    {"id": "db", "kind": "database", "availability": 0.99}],
                   [("users", "lb"), ("lb", "s1"), ("lb", "s2"), ("s1", "db"), ("s2", "db")])


def zones() -> Design:
    return _design([{"id": "users", "kind": "client"},
                    {"id": "eu", "kind": "region", "availability": 0.99},
                    {"id": "eu-a", "kind": "zone", "parent": "eu", "availability": 0.95},
                    {"id": "eu-b", "kind": "zone", "parent": "eu", "availability": 0.9},
                    {"id": "svc", "kind": "service", "availability": 0.9, "replicas": 2,
                     "spread": ["eu-a", "eu-b"]}],
                   [("users", "svc")])


def optional_dep() -> Design:
    return _design([{"id": "users", "kind": "client"},
                    {"id": "svc", "kind": "service", "availability": 0.99},
                    {"id": "recs", "kind": "service", "availability": 0.8}],
                   [("users", "svc"), ("svc", "recs", {"optional": True})])


def mtbf_mttr() -> Design:
    return _design([{"id": "users", "kind": "client"},
                    {"id": "svc", "kind": "service", "mtbf_hours": 999, "mttr_hours": 1}],
                   [("users", "svc")])


def twelve_nines() -> Design:
    return _design([{"id": "users", "kind": "client"},
                    {"id": "svc", "kind": "service", "availability": 1 - 1e-6, "replicas": 2}],
                   [("users", "svc")])


def capacity(demand: float) -> Design:
    return _design([{"id": "users", "kind": "client", "demand_rps": demand},
                    {"id": "svc", "kind": "service", "name": "Checkout", "availability": 0.9,
                     "replicas": 3, "capacity_rps": 100}],
                   [("users", "svc")])


def failover() -> Design:
    return _design([{"id": "users", "kind": "client"},
                    {"id": "db", "kind": "database", "availability": 0.99, "replicas": 2,
                     "mttr_hours": 1, "failover": "active-passive", "failover_seconds": 36}],
                   [("users", "db")])


# --------------------------------------------------------------------------- cases

def test_single_node(evaluate) -> None:  # type: ignore[no-untyped-def]
    # One replica, a = 0.99: A = 0.99, U = 0.01, downtime = 0.01 * 525960 = 5259.6 min.
    # It is the whole system: P(sys | up) = 1, P(sys | down) = 0, Birnbaum 1, and the
    # downtime it contributes is (1 - 0.99) * 525960 = 5259.6 minutes.
    r = evaluate(single())
    assert r["system"]["availability"] == approx(0.99)
    assert r["system"]["unavailability"] == approx(0.01)
    assert r["system"]["unavailability"] * MINUTES_PER_YEAR == pytest.approx(5259.6, abs=1e-6)
    svc = r["nodes"]["svc"]
    assert svc["availability"] == approx(0.99)
    assert svc["birnbaum"] == approx(1.0)
    assert svc["availability_given_down"] == approx(0.0)
    assert svc["downtime_contribution_minutes"] == pytest.approx(5259.6, abs=1e-6)


def test_single_node_report_downtime() -> None:
    r = _engine(single())
    assert r["report"].system.downtime_minutes_per_year == pytest.approx(5259.6, abs=1e-6)
    assert r["report"].system.nines == pytest.approx(2.0, abs=1e-9)


def test_series(evaluate) -> None:  # type: ignore[no-untyped-def]
    # svc needs db: A = 0.99 * 0.95 = 0.9405.
    # Birnbaum(db) = P(sys | db up) - P(sys | db down) = 0.99 - 0.
    r = evaluate(series())
    assert r["system"]["availability"] == approx(0.9405)
    assert r["system"]["unavailability"] == approx(1 - 0.9405)
    assert r["nodes"]["db"]["birnbaum"] == approx(0.99)
    assert r["nodes"]["svc"]["birnbaum"] == approx(0.95)
    # svc serves only if db serves, so P(svc serves) is the series value too
    assert r["nodes"]["svc"]["availability"] == approx(0.9405)
    assert r["nodes"]["db"]["availability"] == approx(0.95)


def test_two_of_three(evaluate) -> None:  # type: ignore[no-untyped-def]
    # At least 2 of 3 up, a = 0.9: a^3 + 3 a^2 (1-a) = 3a^2 - 2a^3 = 2.43 - 1.458 = 0.972.
    # "svc up" = all three up -> 1; "svc down" = all three down -> 0.
    r = evaluate(two_of_three())
    assert r["system"]["availability"] == approx(0.972)
    assert r["system"]["unavailability"] == approx(0.028)
    assert r["nodes"]["svc"]["availability_given_up"] == approx(1.0)
    assert r["nodes"]["svc"]["birnbaum"] == approx(1.0)


def test_shared_database_counted_once(evaluate) -> None:  # type: ignore[no-untyped-def]
    # lb -> {s1, s2}, both need the same db. Condition on db: the db must serve, and
    # then one of two independent services: A = a_lb * a_db * (1 - (1 - a_s)^2)
    #   = 0.999 * 0.99 * (1 - 0.1^2) = 0.999 * 0.99 * 0.99 = 0.9791199.
    # The independence shortcut 0.999 * (1 - (1 - 0.9*0.99)^2) = 0.98713... is wrong.
    r = evaluate(shared_db())
    expected = 0.999 * 0.99 * (1 - 0.1**2)
    assert r["system"]["availability"] == approx(expected)
    assert abs(r["system"]["availability"] - 0.999 * (1 - (1 - 0.9 * 0.99) ** 2)) > 1e-3
    # Birnbaum(db) = P(sys | db up) - 0 = 0.999 * 0.99; (lb) = 0.99 * 0.99.
    assert r["nodes"]["db"]["birnbaum"] == approx(0.999 * 0.99)
    assert r["nodes"]["lb"]["birnbaum"] == approx(0.99 * 0.99)
    # s1 down: the system rides on s2: 0.999 * 0.99 * 0.9; s1 up: 0.999 * 0.99.
    assert r["nodes"]["s1"]["availability_given_down"] == approx(0.999 * 0.99 * 0.9)
    assert r["nodes"]["s1"]["availability_given_up"] == approx(0.999 * 0.99)
    assert r["nodes"]["s1"]["birnbaum"] == approx(0.999 * 0.99 * 0.1)
    # P(s1 serves) = a_s * a_db
    assert r["nodes"]["s1"]["availability"] == approx(0.9 * 0.99)


def test_shared_database_is_a_spof() -> None:
    rep = _engine(shared_db())["report"]
    assert "db" in rep.spofs and "lb" in rep.spofs
    assert "s1" not in rep.spofs and "s2" not in rep.spofs
    f = rep.failure("db")
    assert f is not None
    assert f.clients_down == ["users"]
    assert f.availability_given_down == approx(0.0)
    s1 = rep.failure("s1")
    assert s1 is not None and s1.clients_down == []


def test_zones_in_one_region(evaluate) -> None:  # type: ignore[no-untyped-def]
    # Region eu (0.99) holds zones a (0.95) and b (0.9); svc has one replica (0.9) in
    # each. Condition on the region: down -> 0. Up -> the replica in a is up with
    # 0.9*0.95 = 0.855, the one in b with 0.9*0.9 = 0.81, independently:
    #   A = 0.99 * (1 - 0.145 * 0.19) = 0.99 * 0.97245 = 0.9627255.
    r = evaluate(zones())
    assert r["system"]["availability"] == approx(0.99 * (1 - 0.145 * 0.19))
    assert r["system"]["availability"] == approx(0.9627255)
    # zone a down: only b's replica: 0.99 * 0.81 = 0.8019; zone a up: replica a is up
    # with 0.9: 0.99 * (1 - 0.1 * 0.19) = 0.97119. Birnbaum = 0.16929.
    za = r["nodes"]["eu-a"]
    assert za["availability"] == approx(0.95)
    assert za["availability_given_down"] == approx(0.8019)
    assert za["availability_given_up"] == approx(0.97119)
    assert za["birnbaum"] == approx(0.97119 - 0.8019)
    assert za["downtime_contribution_minutes"] == pytest.approx(
        (0.97119 - 0.9627255) * MINUTES_PER_YEAR, abs=1e-6)
    eu = r["nodes"]["eu"]
    assert eu["availability_given_down"] == approx(0.0)
    assert eu["availability_given_up"] == approx(0.97245)
    # svc "up" = both replicas up (zones still may fail): 0.99 * (1 - 0.05 * 0.1)
    assert r["nodes"]["svc"]["availability_given_up"] == approx(0.99 * (1 - 0.05 * 0.1))


def test_optional_dependency_does_not_lower_availability(evaluate) -> None:  # type: ignore[no-untyped-def]
    # svc -> recs is optional: recs (0.8) never takes svc down. A = 0.99, Birnbaum(recs) 0.
    r = evaluate(optional_dep())
    assert r["system"]["availability"] == approx(0.99)
    assert r["nodes"]["recs"]["availability"] == approx(0.8)
    assert r["nodes"]["recs"]["birnbaum"] == approx(0.0)
    assert r["nodes"]["recs"]["downtime_contribution_minutes"] == approx(0.0, 1e-6)


def test_mtbf_mttr(evaluate) -> None:  # type: ignore[no-untyped-def]
    # A = MTBF / (MTBF + MTTR) = 999 / 1000 = 0.999; U = MTTR / (MTBF + MTTR) = 0.001.
    r = evaluate(mtbf_mttr())
    assert r["system"]["availability"] == approx(0.999)
    assert r["system"]["unavailability"] == pytest.approx(0.001, rel=1e-12)


def test_twelve_nines(evaluate) -> None:  # type: ignore[no-untyped-def]
    # Two independent replicas, a = 1 - 1e-6, one needed: U = (1e-6)^2 = 1e-12.
    # 1 - A would lose every digit here; the unavailability must be computed directly.
    r = evaluate(twelve_nines())
    assert r["system"]["unavailability"] == pytest.approx(1e-12, rel=1e-6)
    assert r["clients"]["users"]["unavailability"] == pytest.approx(1e-12, rel=1e-6)
    assert r["system"]["availability"] == approx(1 - 1e-12, 1e-15)


def test_twelve_nines_report() -> None:
    rep = _engine(twelve_nines())["report"]
    assert rep.system.nines == pytest.approx(12.0, abs=1e-5)
    assert rep.system.downtime_minutes_per_year == pytest.approx(1e-12 * MINUTES_PER_YEAR, rel=1e-6)


def test_capacity_aware_hot(evaluate) -> None:  # type: ignore[no-untyped-def]
    # 3 replicas of 100 rps, demand 250: ceil(250/100) = 3 must be up: A = 0.9^3 = 0.729.
    r = evaluate(capacity(250))
    assert r["system"]["availability"] == approx(0.729)
    assert r["system"]["unavailability"] == approx(1 - 0.729)


def test_capacity_aware_cool(evaluate) -> None:  # type: ignore[no-untyped-def]
    # Demand 90: one replica carries it: A = 1 - 0.1^3 = 0.999, U = 0.001.
    r = evaluate(capacity(90))
    assert r["system"]["availability"] == approx(0.999)
    assert r["system"]["unavailability"] == pytest.approx(1e-3, rel=1e-9)


def test_overloaded_at_nominal_load(evaluate) -> None:  # type: ignore[no-untyped-def]
    # Demand 400 against 3 x 100 rps: never enough, whatever the replicas do: A = 0.
    r = evaluate(capacity(400))
    assert r["system"]["availability"] == approx(0.0)
    assert r["system"]["unavailability"] == approx(1.0)
    assert r["clients"]["users"]["availability"] == approx(0.0)
    assert r["nodes"]["svc"]["availability"] == approx(0.0)


def test_overload_warning_names_the_node() -> None:
    rep = _engine(capacity(400))["report"]
    assert any("Checkout" in w for w in rep.warnings), rep.warnings
    assert rep.clients["users"].availability == 0.0


def test_failover_window(evaluate) -> None:  # type: ignore[no-untyped-def]
    # Active-passive db, 2 replicas, a = 0.99, MTTR 1 h, so MTBF = a*MTTR/(1-a) = 99 h.
    # (v2) The active member fails at the renewal rate 1/(MTBF + MTTR) = 1/100 h, and
    # each failure costs 36 s = 0.01 h of failover:
    #   p_F = 0.01 / 100. Replicas: 1 - 0.01^2. Independent: A = (1 - 1e-4) * (1 - p_F).
    p_f = 0.01 / 100
    r = evaluate(failover())
    assert r["system"]["availability"] == approx((1 - 0.01**2) * (1 - p_f))
    # U = 1 - (1 - 1e-4)(1 - p_F) = 1e-4 + p_F - 1e-4 * p_F
    assert r["system"]["unavailability"] == pytest.approx(1e-4 + p_f - 1e-4 * p_f, rel=1e-9)
    # "db up" = both replicas up and no failover window: P(sys | up) = 1
    assert r["nodes"]["db"]["availability_given_up"] == approx(1.0)


# --------------------------------------------------------------------------- oracle-only

def test_oracle_counts_components() -> None:
    # zones(): region + 2 zones + 2 replicas; failover(): 2 replicas + 1 window
    assert count_components(zones()) == 5
    assert count_components(failover()) == 3
    assert oracle(zones())["components"] == 5


def test_oracle_conditioning_by_fixing_agrees() -> None:
    # Two ways to get P(sys | X): joint/marginal mass, or re-enumerate with X held fixed.
    for build in (shared_db, zones, failover, two_of_three):
        a = oracle(build())
        b = oracle(build(), condition_by_fixing=True)
        for x, vals in a["nodes"].items():
            for key in ("availability_given_up", "availability_given_down"):
                assert vals[key] == pytest.approx(b["nodes"][x][key], abs=1e-14), (x, key)


def test_oracle_refuses_big_designs() -> None:
    big = _design([{"id": "users", "kind": "client"},
                   {"id": "svc", "kind": "service", "availability": 0.9, "replicas": 17}],
                  [("users", "svc")])
    with pytest.raises(ValueError, match="17 components"):
        oracle(big)


def test_oracle_no_clients_is_trivially_up() -> None:
    d = _design([{"id": "svc", "kind": "service", "availability": 0.9}], [])
    r = oracle(d)
    assert r["system"]["availability"] == 1.0
    assert r["system"]["unavailability"] == 0.0
    assert r["nodes"]["svc"]["availability"] == approx(0.9)
    assert r["nodes"]["svc"]["birnbaum"] == 0.0
