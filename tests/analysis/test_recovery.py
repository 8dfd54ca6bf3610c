"""RTO, RPO, the policy check and the error budget (DESIGN 4b), by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest

from modeller.analysis import analyze
from modeller.analysis.compiled import compile_design
from modeller.analysis.recovery import MINUTES_PER_MONTH, error_budget, recovery
from modeller.model import Design, loads_design

from .random_designs import random_design


def design(nodes: list[dict[str, Any]], links: list[dict[str, Any]],
           settings: dict[str, Any] | None = None) -> Design:
    return loads_design(json.dumps({"format": "modeller.design", "version": 1, "nodes": nodes,
                                    "links": links, "settings": settings or {}}))


def run(d: Design):  # type: ignore[no-untyped-def]
    return analyze(d, simulation_years=0, sweeps=False, latency=False)


def row(report, disruption: str, target: str):  # type: ignore[no-untyped-def]
    found = [r for r in report.resilience if r.disruption == disruption and r.target == target]
    assert len(found) == 1, [(r.disruption, r.target) for r in report.resilience]
    return found[0]


def two_regions(mode: str, lag: float = 0.0) -> Design:
    """app in eu writes to db-eu, which replicates to db-us in another region."""
    link: dict[str, Any] = {"from": "db-eu", "to": "db-us", "replicates": True, "mode": mode}
    if lag:
        link["lag_seconds"] = lag
    return design(
        [{"id": "users", "kind": "client"},
         {"id": "eu", "kind": "region"}, {"id": "us", "kind": "region"},
         {"id": "app", "kind": "service", "parent": "eu"},
         {"id": "db-eu", "kind": "database", "parent": "eu"},
         {"id": "db-us", "kind": "database", "parent": "us"}],
        [{"from": "users", "to": "app"}, {"from": "app", "to": "db-eu"}, link],
        {"policy": {"region": {"rpo_seconds": 1}}})


def test_async_cross_region_copy_loses_its_lag_sync_loses_nothing() -> None:
    r = run(two_regions("async", 5.0))
    eu = row(r, "region", "eu")
    assert eu.rpo_seconds == 5.0 and "db-us" in eu.rpo_note
    assert eu.meets_policy is False  # policy: 1 s
    # the copy's own region going down loses nothing: db-eu (the writer) survives
    assert row(r, "region", "us").rpo_seconds == 0.0
    assert row(r, "region", "us").rto_minutes == 0.0  # and nobody needed db-us
    assert r.resilience_summary["region"].worst_rpo_seconds == 5.0
    assert r.resilience_summary["region"].meets_policy is False
    assert r.to_dict()["resilience_summary"]["region"]["worst_rpo_seconds"] == 5.0
    s = run(two_regions("sync"))
    assert row(s, "region", "eu").rpo_seconds == 0.0
    assert row(s, "region", "eu").meets_policy is True
    assert s.resilience_summary["region"].meets_policy is True


def test_a_replication_link_is_no_dependency() -> None:
    r = run(two_regions("async", 5.0))
    # losing db-us drops nobody, and the app never waits on it
    assert row(r, "hardware", "db-us").survives is True
    assert r.clients["users"].availability == 1.0


def zoned(min_healthy: int | None = None) -> Design:
    web: dict[str, Any] = {"id": "web", "kind": "service", "replicas": 2, "parent": "r",
                           "spread": ["a", "b"], "availability": 0.99}
    if min_healthy:
        web["min_healthy"] = min_healthy
    return design(
        [{"id": "users", "kind": "client"}, {"id": "r", "kind": "region"},
         {"id": "a", "kind": "zone", "parent": "r", "detect_minutes": 5, "recover_minutes": 55},
         {"id": "b", "kind": "zone", "parent": "r"},
         {"id": "lb", "kind": "load_balancer", "parent": "r"}, web],
        [{"from": "users", "to": "lb"}, {"from": "lb", "to": "web"}],
        {"policy": {"zone": {"rto_minutes": 15}}})


def test_a_zone_loss_the_design_survives_has_rto_zero() -> None:
    r = run(zoned())
    a = row(r, "zone", "a")
    assert a.survives and a.rto_minutes == 0.0 and a.meets_policy is True
    assert row(r, "hardware", "web").rto_minutes == 0.0


def test_a_zone_loss_it_does_not_survive_takes_the_zones_restore_time() -> None:
    # web needs both replicas: losing zone a drops users until a is back, detect 5 +
    # recover 55 = 60 min; zone b has no detect/recover: the default MTTR, 60 min too
    r = run(zoned(min_healthy=2))
    a = row(r, "zone", "a")
    assert not a.survives and a.rto_minutes == pytest.approx(60.0, rel=1e-12)
    assert a.meets_policy is False
    assert r.resilience_summary["zone"].worst_rto_minutes == pytest.approx(60.0, rel=1e-12)
    # one replica of web: its MTTR from availability 0.99 at the default MTTR (1 h)
    assert row(r, "hardware", "web").rto_minutes == pytest.approx(60.0, rel=1e-12)


def test_hardware_rto_is_detect_plus_recover() -> None:
    d = design([{"id": "c", "kind": "client"},
                {"id": "s", "kind": "service", "availability": 0.995, "detect_minutes": 5,
                 "recover_minutes": 7}],
               [{"from": "c", "to": "s"}], {"policy": {"hardware": {"rto_minutes": 10}}})
    r = run(d)
    s = row(r, "hardware", "s")
    assert s.rto_minutes == pytest.approx(12.0, rel=1e-12) and s.meets_policy is False
    assert r.clients["c"].availability == pytest.approx(199.0 / 199.2, rel=1e-12)


def test_a_standby_takes_over_after_detect_plus_failover() -> None:
    # active-passive database, 2 replicas: losing the active one fails over in
    # detect 2 min + 30 s = 2.5 min; sync replication loses nothing
    d = design([{"id": "c", "kind": "client"},
                {"id": "db", "kind": "database", "replicas": 2, "failover": "active-passive",
                 "failover_seconds": 30, "detect_minutes": 2, "replication": "sync"}],
               [{"from": "c", "to": "db"}])
    db = row(run(d), "hardware", "db")
    assert db.survives and db.rto_minutes == pytest.approx(2.5, rel=1e-12)
    assert db.rpo_seconds == 0.0
    d.nodes["db"].replication = "async"
    d.nodes["db"].replication_lag_seconds = 2.0
    assert row(run(d), "hardware", "db").rpo_seconds == 2.0


def test_an_active_passive_dns_fails_over_to_the_other_region() -> None:
    d = design([{"id": "c", "kind": "client"},
                {"id": "dns", "kind": "dns", "failover": "active-passive",
                 "failover_seconds": 60, "detect_minutes": 1},
                {"id": "eu", "kind": "region"}, {"id": "us", "kind": "region"},
                {"id": "web-eu", "kind": "service", "parent": "eu"},
                {"id": "web-us", "kind": "service", "parent": "us"}],
               [{"from": "c", "to": "dns"}, {"from": "dns", "to": "web-eu"},
                {"from": "dns", "to": "web-us"}])
    r = run(d)
    eu = row(r, "region", "eu")
    assert eu.survives and eu.rto_minutes == pytest.approx(2.0, rel=1e-12)  # 1 min + 60 s
    assert "dns fails over" in eu.rto_note
    assert row(r, "region", "us").rto_minutes == 0.0  # the standby region: no switch


def test_bad_change_rto_is_the_rollback_and_waves_help() -> None:
    nodes = [{"id": "c", "kind": "client"}, {"id": "r", "kind": "region"},
             {"id": "a", "kind": "zone", "parent": "r"}, {"id": "b", "kind": "zone", "parent": "r"},
             {"id": "lb", "kind": "load_balancer", "parent": "r"},
             {"id": "web", "kind": "service", "replicas": 2, "spread": ["a", "b"],
              "deploys_per_month": 20, "change_failure_rate": 0.1, "rollback_minutes": 30}]
    links = [{"from": "c", "to": "lb"}, {"from": "lb", "to": "web"}]
    r = run(design(nodes, links, {"policy": {"software": {"rto_minutes": 5}}}))
    sw = row(r, "software", "web")
    assert not sw.survives and sw.rto_minutes == 30.0 and sw.meets_policy is False
    assert [x.target for x in r.resilience if x.disruption == "software"] == ["web"]
    nodes[-1]["rollout"] = "zone-by-zone"  # the first wave is zone a only
    r = run(design(nodes, links, {"policy": {"software": {"rto_minutes": 5}}}))
    sw = row(r, "software", "web")
    assert sw.survives and sw.rto_minutes == 0.0 and sw.meets_policy is True
    assert r.resilience_summary["software"].meets_policy is True


def test_rpo_falls_back_to_backups_then_to_everything() -> None:
    d = design([{"id": "c", "kind": "client"},
                {"id": "db", "kind": "database", "backup_hours": 24},
                {"id": "q", "kind": "queue"}],
               [{"from": "c", "to": "db"}, {"from": "c", "to": "q"}])
    r = run(d)
    assert row(r, "hardware", "db").rpo_seconds == 24 * 3600.0
    q = row(r, "hardware", "q")
    assert q.rpo_seconds is None and "nothing protects" in q.rpo_note
    assert r.resilience_summary["hardware"].rpo_everything is True
    assert r.to_dict()["resilience"][1]["rpo_seconds"] is None
    assert any("q: losing it loses all its data" in w for w in r.warnings)


def test_a_design_without_the_new_fields_gets_rows_but_no_new_warnings() -> None:
    d = design([{"id": "c", "kind": "client"}, {"id": "db", "kind": "database"}],
               [{"from": "c", "to": "db"}])
    r = run(d)
    assert row(r, "hardware", "db").rpo_seconds is None
    assert r.warnings == []
    assert r.resilience_summary["hardware"].meets_policy is None


def test_error_budget() -> None:
    # slo 0.999: (1 - 0.999) x 43,830 = 43.83 min a month; availability 0.9995 uses half
    d = design([{"id": "c", "kind": "client", "slo": {"availability": 0.999}},
                {"id": "s", "kind": "service", "availability": 0.9995}],
               [{"from": "c", "to": "s"}])
    c = run(d).clients["c"]
    assert c.error_budget_minutes_per_month == pytest.approx(43.83, rel=1e-9)
    assert c.error_budget_used == pytest.approx(0.5, rel=1e-9)
    assert MINUTES_PER_MONTH == 525_960 / 12
    assert error_budget(None, 1.0, 0.0) == (None, None)
    assert error_budget(1.0, 0.99, 0.01)[1] == float("inf")


@pytest.mark.parametrize("seed", range(25))
def test_zone_and_region_rows_read_from_the_scenarios_equal_a_fresh_evaluation(seed: int) -> None:
    d = random_design(seed)
    r = run(d)
    fresh = recovery(d, compile_design(d))
    assert [x.to_dict() for x in fresh.rows] == [x.to_dict() for x in r.resilience]


def test_faster_detection_shortens_the_failover_rate_cycle() -> None:
    # availability 0.995 at the default 1 h: MTBF 199 h; detect 5 + recover 7 min: MTTR
    # 0.2 h; an active-passive pair fails over 36 s (0.01 h) after each failure of its
    # active member, one every MTBF + MTTR = 199.2 h: P(window) = 0.01 / 199.2
    d = design([{"id": "c", "kind": "client"},
                {"id": "db", "kind": "database", "replicas": 2, "availability": 0.995,
                 "failover": "active-passive", "failover_seconds": 36, "detect_minutes": 5,
                 "recover_minutes": 7}],
               [{"from": "c", "to": "db"}])
    assert compile_design(d).nodes["db"].failover_p == pytest.approx(0.01 / 199.2, rel=1e-12)
    u = 0.2 / 199.2  # per replica
    want_q = u * u + 0.01 / 199.2 - u * u * 0.01 / 199.2
    assert run(d).clients["c"].unavailability == pytest.approx(want_q, rel=1e-9)


@pytest.mark.parametrize("seed", range(30))
def test_detect_and_recover_agree_with_brute_force(seed: int) -> None:
    """Random designs with detect + recover on some parts: the exact engine and the
    enumeration (which reads the per-replica figures the model gives) agree."""
    import random

    from .oracle import oracle

    d = random_design(seed, max_components=11)
    rng = random.Random(seed)
    for n in d.nodes.values():
        if n.role.value != "source" and rng.random() < 0.5:
            n.detect_minutes, n.recover_minutes = rng.choice(((1.0, 2.0), (5.0, 55.0), (0.0, 0.5)))
    r = run(d)
    want = oracle(d)
    assert r.system.unavailability == pytest.approx(want["system"]["unavailability"],
                                                    rel=1e-9, abs=1e-15)
    for c, v in want["clients"].items():
        assert r.clients[c].availability == pytest.approx(v["availability"], abs=1e-12)


def test_chunked_columns_give_the_same_rows(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Disruptions are evaluated in chunks of columns (memory n x chunk, not n x n): a
    chunk of 3 columns gives every row exactly as one chunk does."""
    from modeller.analysis import recovery as rec
    from modeller.analysis.compiled import compile_design

    for seed in range(0, 40, 3):
        d = random_design(seed)
        whole = rec.recovery(d, compile_design(d)).rows
        monkeypatch.setattr(rec, "CHUNK_CELLS", 3 * len(compile_design(d).nodes))
        chunked = rec.recovery(d, compile_design(d)).rows
        monkeypatch.undo()
        assert chunked == whole, seed


def test_a_long_chain_is_bounded_in_memory() -> None:
    """Issue 17: 3,000 hardware disruptions on a 3,000-node chain held 3,000 x 3,000 up
    counts (72 MB); chunked it stays near 2^20 cells."""
    import tracemalloc

    from modeller.analysis import recovery as rec
    from modeller.analysis.compiled import compile_design
    from modeller.model import Design, Link, Node

    n = 3000
    nodes = [Node(id="c", kind="client")] + [Node(id=f"s{i}", kind="service") for i in range(n)]
    links = [Link("c", "s0")] + [Link(f"s{i}", f"s{i + 1}") for i in range(n - 1)]
    d = Design("chain", nodes, links)
    compiled = compile_design(d)
    tracemalloc.start()
    try:
        result = rec.recovery(d, compiled)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.rows) == n and all(not r.survives for r in result.rows)
    assert peak < 40 * 2**20, f"{peak / 2**20:.0f} MiB"


def test_a_design_past_the_budget_keeps_zones_and_says_what_it_left_out(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: every analysis states its budget. Past it, recovery keeps zone, region
    and software rows and as many hardware rows as fit, and says so in one line."""
    from modeller.analysis import recovery as rec
    from modeller.analysis.compiled import compile_design

    d = design([{"id": "u", "kind": "client"}, {"id": "z", "kind": "zone"},
                {"id": "a", "kind": "service", "parent": "z"},
                {"id": "b", "kind": "service", "parent": "z"},
                {"id": "c", "kind": "service", "parent": "z"}],
               [{"from": "u", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "c"}])
    compiled = compile_design(d)
    monkeypatch.setattr(rec, "CELL_BUDGET", 3 * len(compiled.nodes))  # room for 3 columns
    result = rec.recovery(d, compiled)
    kinds = [(r.disruption, r.target) for r in result.rows]
    assert ("zone", "z") in kinds and len(kinds) == 3
    assert sum(1 for k, _ in kinds if k == "hardware") == 2
    assert any("hardware RTO/RPO for 2 of 3 parts" in w for w in result.warnings)
