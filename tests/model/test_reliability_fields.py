"""DESIGN 4b fields: strict reading, exact round trip, MTTR = detect + recover."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from modeller.model import Design, DesignError, Link, Node, dumps_design, loads_design
from modeller.model.io import check_node


def doc(nodes: list[dict[str, Any]], links: list[dict[str, Any]] | None = None,
        settings: dict[str, Any] | None = None) -> str:
    return json.dumps({"format": "modeller.design", "version": 1, "nodes": nodes,
                       "links": links or [], "settings": settings or {}})


FULL = doc(
    [{"id": "users", "kind": "client", "demand_rps": 10, "slo": {"availability": 0.999,
                                                                 "success_ratio": 0.995}},
     {"id": "web", "kind": "service", "availability": 0.995, "error_rate": 0.01,
      "detect_minutes": 5, "recover_minutes": 7, "deploys_per_month": 20,
      "change_failure_rate": 0.1, "rollback_minutes": 30, "rollout": "zone-by-zone"},
     {"id": "db", "kind": "database", "replicas": 2, "replication": "async",
      "replication_lag_seconds": 2.5, "backup_hours": 24, "future_field": [1, 2]},
     {"id": "db2", "kind": "database", "replication": "sync"},
     {"id": "eu", "kind": "region", "detect_minutes": 3, "recover_minutes": 240}],
    [{"from": "users", "to": "web"}, {"from": "web", "to": "db", "calls": 2},
     {"from": "db", "to": "db2", "replicates": True, "lag_seconds": 5, "note": "x"},
     {"from": "db2", "to": "db", "replicates": True, "mode": "sync"}],
    {"default_mttr_hours": 1, "policy": {"zone": {"rto_minutes": 15, "rpo_seconds": 60},
                                         "hardware": {"rto_minutes": 5}}},
)


def test_fields_are_read_kept_and_round_trip_exactly() -> None:
    d = loads_design(FULL)
    web, db, db2 = d.nodes["web"], d.nodes["db"], d.nodes["db2"]
    assert (web.error_rate, web.detect_minutes, web.recover_minutes) == (0.01, 5.0, 7.0)
    assert (web.deploys_per_month, web.change_failure_rate, web.rollback_minutes) == (20, 0.1, 30)
    assert web.rollout == "zone-by-zone"
    assert (db.replication, db.replication_lag_seconds, db.backup_hours) == ("async", 2.5, 24.0)
    assert db.extra == {"future_field": [1, 2]}  # unknown fields still kept
    assert db2.replication == "sync"
    rep = d.link("db", "db2")
    assert rep is not None and rep.replicates and rep.mode == "async" and rep.lag_seconds == 5
    assert rep.extra == {"note": "x"}
    back = d.link("db2", "db")
    assert back is not None and back.mode == "sync" and back.lag_seconds == 0
    assert [lk.key for lk in d.flow_links()] == [("users", "web"), ("web", "db")]
    assert [lk.key for lk in d.replication_links()] == [("db", "db2"), ("db2", "db")]
    assert d.settings.policy == {"zone": {"rto_minutes": 15, "rpo_seconds": 60},
                                 "hardware": {"rto_minutes": 5}}
    assert d.nodes["users"].slo == {"availability": 0.999, "success_ratio": 0.995}
    text = dumps_design(d)
    again = loads_design(text)
    assert again == d
    assert dumps_design(again) == text
    saved = json.loads(text)
    assert saved["links"][2] == {"from": "db", "to": "db2", "replicates": True, "lag_seconds": 5,
                                 "note": "x"}


def test_defaults_write_nothing_and_change_no_number() -> None:
    d = loads_design(doc([{"id": "s", "kind": "service", "availability": 0.995}]))
    s = d.nodes["s"]
    assert json.loads(dumps_design(d))["nodes"][0] == {"id": "s", "kind": "service", "x": 0,
                                                       "y": 0, "availability": 0.995}
    assert s.replica_availability == 0.995
    assert s.replica_unavailability == 1.0 - 0.995
    assert s.mtbf_mttr(1.0) == (0.995 * 1.0 / (1.0 - 0.995), 1.0)


def test_mttr_is_detect_plus_recover_and_the_failure_rate_stays() -> None:
    # availability 0.995 at default MTTR 1 h -> MTBF = 0.995/0.005 x 1 h = 199 h;
    # detect 5 + recover 7 min -> MTTR 0.2 h -> A = 199/199.2 = 0.998996 (U = 0.2/199.2)
    d = loads_design(doc([{"id": "s", "kind": "service", "availability": 0.995,
                           "detect_minutes": 5, "recover_minutes": 7}]))
    s = d.nodes["s"]
    mtbf, mttr = s.mtbf_mttr(1.0)
    assert mtbf == pytest.approx(199.0, rel=1e-12) and mttr == pytest.approx(0.2, rel=1e-15)
    assert s.replica_availability == pytest.approx(199.0 / 199.2, rel=1e-12)
    assert round(s.replica_availability, 6) == 0.998996
    assert s.replica_unavailability == pytest.approx(0.2 / 199.2, rel=1e-12)
    # the default MTTR is the design's: at 2 h the same availability means MTBF 398 h
    d.settings.default_mttr_hours = 2.0
    assert s.replica_unavailability == pytest.approx(0.2 / 398.2, rel=1e-12)
    assert d.copy().nodes["s"].replica_unavailability == pytest.approx(0.2 / 398.2, rel=1e-12)
    # only one of the two given: the MTTR is what it was
    s.recover_minutes = None
    assert s.replica_availability == 0.995


def test_mttr_with_mtbf_given_keeps_mtbf() -> None:
    s = Node(id="s", kind="service", mtbf_hours=1000.0, mttr_hours=10.0, detect_minutes=1.0,
             recover_minutes=2.0)
    assert s.mtbf_mttr(1.0) == (1000.0, 0.05)
    assert s.replica_unavailability == pytest.approx(0.05 / 1000.05, rel=1e-14)
    # twelve nines keep their digits (no 1 - A cancellation)
    tiny = Node(id="t", kind="service", mtbf_hours=1e9, detect_minutes=0.03, recover_minutes=0.03)
    assert tiny.replica_unavailability == pytest.approx(0.001 / 1e9, rel=1e-12)


def test_a_node_outside_a_design_uses_one_hour() -> None:
    s = Node(id="s", kind="service", availability=0.995, detect_minutes=5, recover_minutes=7)
    assert s.replica_unavailability == pytest.approx(0.2 / 199.2, rel=1e-12)
    d = Design("x", [], [])
    d.settings.default_mttr_hours = 2.0
    d.add_node(s)
    assert s.replica_unavailability == pytest.approx(0.2 / 398.2, rel=1e-12)
    assert copy.deepcopy(s) == s


@pytest.mark.parametrize("node, place, words", [
    ({"id": "s", "kind": "service", "error_rate": 1}, "error_rate", "below 1"),
    ({"id": "s", "kind": "service", "error_rate": -0.1}, "error_rate", "at least 0"),
    ({"id": "s", "kind": "service", "error_rate": "1%"}, "error_rate", "finite number"),
    ({"id": "s", "kind": "service", "detect_minutes": -1}, "detect_minutes", "at least 0"),
    ({"id": "s", "kind": "service", "recover_minutes": True}, "recover_minutes", "finite"),
    ({"id": "s", "kind": "service", "deploys_per_month": -2}, "deploys_per_month", "at least 0"),
    ({"id": "s", "kind": "service", "change_failure_rate": 1.5}, "change_failure_rate",
     "at most 1"),
    ({"id": "s", "kind": "service", "rollback_minutes": -5}, "rollback_minutes", "at least 0"),
    ({"id": "s", "kind": "service", "rollout": "canary"}, "rollout", "unknown rollout"),
    ({"id": "s", "kind": "service", "replication": "sync"}, "replication", "data stores"),
    ({"id": "d", "kind": "database", "replication": "semi"}, "replication", "unknown mode"),
    ({"id": "d", "kind": "database", "replication_lag_seconds": 3}, "replication_lag_seconds",
     '"async"'),
    ({"id": "d", "kind": "database", "replication": "sync", "replication_lag_seconds": 3},
     "replication_lag_seconds", '"async"'),
    ({"id": "d", "kind": "database", "backup_hours": 0}, "backup_hours", "greater than 0"),
    ({"id": "c", "kind": "client", "error_rate": 0.1}, "error_rate", "client is perfect"),
    ({"id": "z", "kind": "zone", "deploys_per_month": 3}, "deploys_per_month", "region or zone"),
    ({"id": "c", "kind": "client", "slo": {"success_ratio": 0}}, "slo.success_ratio",
     "fraction in (0, 1]"),
])
def test_bad_node_fields_are_refused_with_place_and_fix(node: dict[str, Any], place: str,
                                                        words: str) -> None:
    with pytest.raises(DesignError) as err:
        loads_design(doc([node]), "f.arch.json")
    msg = str(err.value)
    assert place in msg and words in msg and " — " in msg, msg
    assert msg.startswith("f.arch.json: nodes[0]")


def test_non_finite_numbers_are_refused() -> None:
    text = doc([{"id": "s", "kind": "service", "detect_minutes": 1}]).replace(
        '"detect_minutes": 1', '"detect_minutes": 1e400')
    with pytest.raises(DesignError, match="detect_minutes: must be a finite number"):
        loads_design(text)


@pytest.mark.parametrize("links, words", [
    ([{"from": "a", "to": "b", "mode": "sync"}], "applies only to a replication link"),
    ([{"from": "a", "to": "b", "lag_seconds": 2}], "applies only to a replication link"),
    ([{"from": "a", "to": "b", "replicates": "yes"}], "true or false"),
    ([{"from": "a", "to": "b", "replicates": True, "mode": "quorum"}], "unknown mode"),
    ([{"from": "a", "to": "b", "replicates": True, "mode": "sync", "lag_seconds": 1}],
     '"async"'),
    ([{"from": "a", "to": "b", "replicates": True, "calls": 2}], "carries no requests"),
    ([{"from": "a", "to": "s", "replicates": True}], "copies data, but s is a service"),
])
def test_bad_links_are_refused(links: list[dict[str, Any]], words: str) -> None:
    nodes = [{"id": "a", "kind": "database"}, {"id": "b", "kind": "database"},
             {"id": "s", "kind": "service"}]
    with pytest.raises(DesignError) as err:
        loads_design(doc(nodes, links))
    assert words in str(err.value) and "links[0]" in str(err.value), str(err.value)


@pytest.mark.parametrize("policy, words", [
    ([], "settings.policy: must be an object"),
    ({"flood": {}}, "unknown disruption"),
    ({"zone": 15}, "settings.policy.zone: must be an object"),
    ({"zone": {"rto_minutes": -1}}, "settings.policy.zone.rto_minutes"),
    ({"region": {"rpo_seconds": "1m"}}, "settings.policy.region.rpo_seconds"),
])
def test_bad_policy_is_refused(policy: Any, words: str) -> None:
    with pytest.raises(DesignError) as err:
        loads_design(doc([], [], {"policy": policy}))
    assert words in str(err.value), str(err.value)


def test_replication_both_ways_is_not_a_cycle_but_requests_both_ways_are() -> None:
    nodes = [{"id": "a", "kind": "database"}, {"id": "b", "kind": "database"}]
    loads_design(doc(nodes, [{"from": "a", "to": "b", "replicates": True},
                             {"from": "b", "to": "a", "replicates": True}]))
    with pytest.raises(DesignError, match="dependency cycle"):
        loads_design(doc(nodes, [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]))


def test_an_edit_is_checked_like_a_file() -> None:
    n = Node(id="s", kind="service", error_rate=1.0)
    with pytest.raises(DesignError, match="error_rate"):
        check_node(n)
    check_node(Node(id="d", kind="database", replication="async", replication_lag_seconds=1))
    assert Link("a", "b").replicates is False
