"""Reliability fields beyond uptime (DESIGN 4b): names, allowed values and the loader's checks.

Node fields: ``error_rate`` (0 <= e < 1), ``detect_minutes`` and ``recover_minutes``
(>= 0; both given: MTTR = detect + recover), ``deploys_per_month`` (>= 0),
``change_failure_rate`` (0..1), ``rollback_minutes`` (>= 0), ``rollout``
(:data:`ROLLOUTS`), and for the stateful kinds (:data:`STATEFUL_KINDS`)
``replication`` ("sync" | "async" between the node's own replicas),
``replication_lag_seconds`` (>= 0, async only) and ``backup_hours`` (> 0).
Link fields: ``replicates`` (true: the link copies ``from``'s data to ``to``; it carries
no load and is not a dependency), ``mode`` ("sync" | "async", default "async") and
``lag_seconds`` (>= 0, async only). ``settings.policy``: {disruption: {"rto_minutes": x,
"rpo_seconds": y}} for the disruptions in :data:`DISRUPTIONS`. ``slo.success_ratio``
(0 < s <= 1).

Every refusal is one :class:`DesignError` naming the place and the fix. The readers take
the loader's field reader (``modeller.model.io._Reader``) so this module needs no io.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .design import Link, Node
from .errors import DesignError
from .kinds import Role

ROLLOUTS = ("all-at-once", "zone-by-zone", "region-by-region")
REPLICATION_MODES = ("sync", "async")
STATEFUL_KINDS = ("database", "storage", "queue", "cache")
DISRUPTIONS = ("hardware", "software", "zone", "region")
POLICY_KEYS = ("rto_minutes", "rpo_seconds")

NODE_KEYS = ("error_rate", "detect_minutes", "recover_minutes", "deploys_per_month",
             "change_failure_rate", "rollback_minutes", "rollout", "replication",
             "replication_lag_seconds", "backup_hours")
LINK_KEYS = ("replicates", "mode", "lag_seconds")

MAX_MINUTES = 6e10  # about MAX_HOURS (1e9 h) in minutes
MAX_SECONDS = 3.6e12
MAX_DEPLOYS = 1e6  # a month


def _finite(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def read_node_fields(r: Any, raw: dict[str, Any], node: Node) -> None:
    """Read the 4b node fields into ``node`` (``r``: the loader's reader for this node)."""
    role = node.role
    given = [k for k in NODE_KEYS if k in raw]
    if given and role in (Role.SOURCE, Role.NOTE):
        what = "a client is perfect" if role is Role.SOURCE else "a note is only text"
        raise r.fail(given[0], f"does not apply: {what}",
                     "remove it; set it on the parts the client calls")
    if role is Role.DOMAIN:
        bad = [k for k in given if k not in ("detect_minutes", "recover_minutes")]
        if bad:
            raise r.fail(bad[0], "does not apply to a region or zone (only detect_minutes "
                         "and recover_minutes do)", "set it on the parts placed inside")
    stateful = node.kind in STATEFUL_KINDS
    for key in ("replication", "replication_lag_seconds", "backup_hours"):
        if key in raw and not stateful:
            raise r.fail(key, f"applies only to data stores ({', '.join(STATEFUL_KINDS)}), "
                         f"not a {node.kind}", "remove it, or change the kind")
    if "error_rate" in raw:
        e = r.number("error_rate", 0.0, low=0.0, high=1.0,
                     fix="write the fraction of requests it fails, e.g. 0.001 for 0.1 %")
        if e >= 1.0:
            raise r.fail("error_rate", "must be below 1 (a part that fails every request is "
                         "down, not erroring)", "write a fraction below 1, e.g. 0.01")
        node.error_rate = e
    node.detect_minutes = r.number("detect_minutes", None, low=0.0, high=MAX_MINUTES,
                                   fix="write minutes, e.g. 5")
    node.recover_minutes = r.number("recover_minutes", None, low=0.0, high=MAX_MINUTES,
                                    fix="write minutes, e.g. 30")
    node.deploys_per_month = r.number("deploys_per_month", 0.0, low=0.0, high=MAX_DEPLOYS,
                                      fix="write deploys a month, e.g. 20")
    node.change_failure_rate = r.number("change_failure_rate", 0.0, low=0.0, high=1.0,
                                        fix="write a fraction, e.g. 0.1 for 10 % of deploys")
    node.rollback_minutes = r.number("rollback_minutes", None, low=0.0, high=MAX_MINUTES,
                                     fix="write minutes, e.g. 30")
    rollout = r.string("rollout", "all-at-once")
    if rollout not in ROLLOUTS:
        raise r.fail("rollout", f"unknown rollout {json.dumps(rollout)[:40]}",
                     "use " + ", ".join(f'"{x}"' for x in ROLLOUTS))
    node.rollout = rollout
    replication = r.string("replication", None)
    if replication is not None and replication not in REPLICATION_MODES:
        raise r.fail("replication", f"unknown mode {json.dumps(replication)[:40]}",
                     'use "sync" or "async"')
    node.replication = replication
    node.replication_lag_seconds = r.number("replication_lag_seconds", 0.0, low=0.0,
                                            high=MAX_SECONDS, fix="write seconds, e.g. 2")
    if node.replication_lag_seconds > 0 and replication != "async":
        raise r.fail("replication_lag_seconds", 'applies only to "async" replication',
                     'set "replication": "async", or remove the lag')
    node.backup_hours = r.number("backup_hours", None, low=0.0, low_open=True,
                                 high=MAX_SECONDS / 3600, fix="write hours between backups, e.g. 24")


def node_fields_to_dict(n: Node) -> dict[str, Any]:
    """The 4b node fields that differ from their defaults, as the file writes them."""
    out: dict[str, Any] = {}
    defaults = Node(id=n.id, kind=n.kind)
    for key in NODE_KEYS:
        value = getattr(n, key)
        if value != getattr(defaults, key):
            out[key] = _num(value) if isinstance(value, float) else value
    return out


def read_link_fields(r: Any, raw: dict[str, Any], link: Link) -> None:
    """Read the 4b link fields into ``link`` (``r``: the loader's reader for this link)."""
    replicates = raw.get("replicates", False)
    if not isinstance(replicates, bool):
        raise r.fail("replicates", "must be true or false", "write true or false without quotes")
    link.replicates = replicates
    if not replicates:
        for key in ("mode", "lag_seconds"):
            if key in raw:
                raise r.fail(key, "applies only to a replication link",
                             'add "replicates": true, or remove it')
        return
    if "calls" in raw or raw.get("optional", False):
        key = "calls" if "calls" in raw else "optional"
        raise r.fail(key, "does not apply: a replication link carries no requests",
                     "remove it (or draw a separate dependency link)")
    mode = r.string("mode", "async")
    if mode not in REPLICATION_MODES:
        raise r.fail("mode", f"unknown mode {json.dumps(mode)[:40]}", 'use "sync" or "async"')
    link.mode = mode
    link.lag_seconds = r.number("lag_seconds", 0.0, low=0.0, high=MAX_SECONDS,
                                fix="write seconds, e.g. 5")
    if link.lag_seconds > 0 and mode != "async":
        raise r.fail("lag_seconds", 'applies only to "async" replication',
                     'set "mode": "async", or remove the lag')


def link_fields_to_dict(lk: Link) -> dict[str, Any]:
    """The 4b link fields that differ from their defaults."""
    if not lk.replicates:
        return {}
    out: dict[str, Any] = {"replicates": True}
    if lk.mode != "async":
        out["mode"] = lk.mode
    if lk.lag_seconds != 0.0:
        out["lag_seconds"] = _num(lk.lag_seconds)
    return out


def check_policy(raw: Any) -> None:
    """Refuse a ``settings.policy`` the analysis could not read (one message, place, fix)."""
    example = '{"zone": {"rto_minutes": 15, "rpo_seconds": 60}}'
    if not isinstance(raw, dict):
        raise DesignError("must be an object", place="settings.policy", fix=f"write e.g. {example}")
    for kind, target in raw.items():
        place = f"settings.policy.{str(kind)[:40]}"
        if kind not in DISRUPTIONS:
            raise DesignError(f"unknown disruption {json.dumps(kind)[:40]}", place=place,
                              fix="use " + ", ".join(DISRUPTIONS))
        if not isinstance(target, dict):
            raise DesignError("must be an object", place=place,
                              fix='write e.g. {"rto_minutes": 15, "rpo_seconds": 60}')
        for key, unit in (("rto_minutes", "minutes"), ("rpo_seconds", "seconds")):
            if key not in target:
                continue
            v = target[key]
            if not _finite(v) or float(v) < 0:
                raise DesignError(f"must be a finite number of {unit} of at least 0, got "
                                  f"{json.dumps(v)[:40]}", place=f"{place}.{key}",
                                  fix=f"write {unit}, e.g. 15")


def check_success_slo(raw: Any, place: str) -> float:
    """``slo.success_ratio``: a fraction in (0, 1]."""
    if not _finite(raw) or not 0.0 < float(raw) <= 1.0:
        raise DesignError(f"must be a fraction in (0, 1], got {json.dumps(raw)[:40]}",
                          place=place, fix="write e.g. 0.999 for 99.9 % of requests succeeding")
    return float(raw)


def check_replication_link(link: Link, source: Node, target: Node, place: str) -> None:
    """A replication link copies data: both ends must be data stores."""
    for end in (source, target):
        if end.kind not in STATEFUL_KINDS:
            raise DesignError(f"a replication link copies data, but {end.id[:40]} is a "
                              f"{end.kind}", place=place,
                              fix=f"link data stores ({', '.join(STATEFUL_KINDS)}) or remove "
                              '"replicates"')


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


# -- change risk (DESIGN 4b): shared by the exact engine, the simulation and recovery --------

def bad_change_minutes(node: Node, default_mttr_hours: float) -> float:
    """How long a bad change keeps what it hits down: ``rollback_minutes``, else the node's
    MTTR (detect + recover when both are given, else mttr_hours / the default MTTR)."""
    if node.rollback_minutes is not None:
        return node.rollback_minutes
    return node.mtbf_mttr(default_mttr_hours)[1] * 60.0


def bad_changes_per_year(node: Node) -> float:
    """deploys_per_month x 12 x change_failure_rate."""
    return node.deploys_per_month * 12.0 * node.change_failure_rate


def bad_change_probability(node: Node, default_mttr_hours: float,
                           minutes_per_year: float = 525_960.0) -> float:
    """P(inside a bad-change window) = deploys/month x 12 x CFR x window / minutes a year
    (an independent event, like the failover window; may exceed 1 only for absurd inputs,
    which the caller warns about)."""
    n = bad_changes_per_year(node)
    if n <= 0:
        return 0.0
    return n * bad_change_minutes(node, default_mttr_hours) / minutes_per_year


def has_change_risk(node: Node) -> bool:
    """A node a bad change can hit: deploys_per_month > 0 and change_failure_rate > 0."""
    return node.deploys_per_month > 0 and node.change_failure_rate > 0


def replica_placement(design: Any, node: Node, i: int) -> str | None:
    """Where replica i sits: spread[i mod len] when spread, else the node's parent."""
    return node.spread[i % len(node.spread)] if node.spread else node.parent


def _domain_of(design: Any, place: str | None, kind: str) -> str | None:
    if place is None or place not in design.nodes:
        return None
    for c in [place, *design.ancestors(place)]:
        if design.nodes[c].kind == kind:
            return c
    return None


def first_wave(design: Any, node: Node) -> list[int]:
    """Replica indices a bad change takes down (DESIGN 4b).

    "all-at-once": every replica. "zone-by-zone" ("region-by-region"): the replicas in the
    first wave's zone (region) — the zone (region) holding replica 0 (spread[0], else the
    node's parent); every replica when replica 0 is in no zone (region): there are no
    waves to stop the change."""
    every = list(range(node.replicas))
    if node.rollout == "all-at-once":
        return every
    kind = "zone" if node.rollout == "zone-by-zone" else "region"
    first = _domain_of(design, replica_placement(design, node, 0), kind)
    if first is None:
        return every
    return [i for i in every
            if _domain_of(design, replica_placement(design, node, i), kind) == first]
