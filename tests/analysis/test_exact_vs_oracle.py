"""The exact engine against brute-force enumeration on 150 seeded random designs.

A failure prints the design as JSON: paste it into a file and ``modeller analyze`` it.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from modeller.model import MINUTES_PER_YEAR, Design, design_to_dict

from .oracle import oracle
from .random_designs import random_design

SEEDS = range(150)
ABS = 1e-12
REL_U = 1e-9


def _analyze(design: Design):  # type: ignore[no-untyped-def]
    from modeller.analysis import analyze

    return analyze(design, simulation_years=0, sweeps=False)


def _close(got: float, want: float, tol: float = ABS) -> bool:
    if math.isinf(want) or math.isinf(got):
        return got == want
    return abs(got - want) <= tol


def _mismatches(design: Design) -> list[str]:
    """Every engine number that disagrees with the oracle, as readable lines."""
    want = oracle(design)
    rep = _analyze(design)
    bad: list[str] = []

    def check(what: str, got: Any, exp: float, tol: float = ABS) -> None:
        if got is None or not _close(float(got), exp, tol):
            bad.append(f"{what}: engine {got!r} oracle {exp!r}")

    sys_a, sys_u = want["system"]["availability"], want["system"]["unavailability"]
    check("system.availability", rep.system.availability, sys_a)
    check("system.unavailability", rep.system.unavailability, sys_u)
    if sys_u > 1e-15 and abs(rep.system.unavailability - sys_u) > REL_U * sys_u:
        bad.append(f"system.unavailability relative: engine {rep.system.unavailability!r} "
                   f"oracle {sys_u!r}")

    if set(rep.clients) != set(want["clients"]):
        bad.append(f"clients: engine {sorted(rep.clients)} oracle {sorted(want['clients'])}")
    for cid, exp in want["clients"].items():
        got = rep.clients.get(cid)
        if got is None:
            continue
        check(f"clients.{cid}.availability", got.availability, exp["availability"])
        check(f"clients.{cid}.unavailability", got.unavailability, exp["unavailability"])
        u = exp["unavailability"]
        if u > 1e-15 and abs(got.unavailability - u) > REL_U * u:
            bad.append(f"clients.{cid}.unavailability relative: engine {got.unavailability!r} "
                       f"oracle {u!r}")

    for nid, exp in want["nodes"].items():
        got = rep.nodes.get(nid)
        if got is None:
            bad.append(f"nodes.{nid}: missing from the report")
            continue
        for key in ("availability", "birnbaum", "availability_given_down",
                    "availability_given_up"):
            check(f"nodes.{nid}.{key}", getattr(got, key), exp[key])
        check(f"nodes.{nid}.downtime_contribution_minutes", got.downtime_contribution_minutes,
              exp["downtime_contribution_minutes"], ABS * MINUTES_PER_YEAR)
    # clients may also be listed among the nodes: then as P(client served)
    for cid, exp in want["clients"].items():
        if cid in rep.nodes:
            check(f"nodes.{cid}.availability", rep.nodes[cid].availability, exp["availability"])
    return bad


@pytest.mark.parametrize("seed", SEEDS)
def test_engine_matches_oracle(seed: int) -> None:
    design = random_design(seed)
    bad = _mismatches(design)
    assert not bad, (f"seed {seed}:\n  " + "\n  ".join(bad) + "\ndesign:\n"
                     + json.dumps(design_to_dict(design)))


@pytest.mark.parametrize("seed", range(0, 150, 7))
def test_oracle_is_self_consistent(seed: int) -> None:
    """The oracle's own two routes agree, and its unavailability is the failing mass."""
    design = random_design(seed)
    a = oracle(design)
    b = oracle(design, condition_by_fixing=True)
    s = a["system"]
    assert s["availability"] + s["unavailability"] == pytest.approx(1.0, abs=1e-14)
    for cid, c in a["clients"].items():
        assert c["availability"] + c["unavailability"] == pytest.approx(1.0, abs=1e-14), cid
        assert s["availability"] <= c["availability"] + 1e-15  # all clients <= any client
    for nid, vals in a["nodes"].items():
        for key in ("availability_given_up", "availability_given_down"):
            assert vals[key] == pytest.approx(b["nodes"][nid][key], abs=1e-13), (nid, key)
        # total probability: P(sys) lies between P(sys | X down) and P(sys | X up)
        # (monotone system: more up never hurts)
        assert vals["availability_given_down"] <= s["availability"] + 1e-13, nid
        assert s["availability"] <= vals["availability_given_up"] + 1e-13, nid


def test_the_random_designs_carry_bad_changes() -> None:
    """(4b) some designs have bad changes, all-at-once and in waves, for the oracle."""
    from modeller.analysis.compiled import compile_design

    nodes = [cn for seed in SEEDS for cn in compile_design(random_design(seed)).nodes.values()]
    assert sum(cn.change_all for cn in nodes) >= 5
    assert sum(cn.wave_p > 0 for cn in nodes) >= 1


def test_generator_is_seeded_and_varied() -> None:
    """Same seed, same design; and the seeds cover the rules the engine implements."""
    assert design_to_dict(random_design(3)) == design_to_dict(random_design(3))
    from modeller.analysis.compiled import compile_design

    seen: set[str] = set()
    for seed in SEEDS:
        d = random_design(seed)
        c = compile_design(d)
        if c.containers:
            seen.add("containers")
        if any(n.parent and d.nodes[n.parent].kind == "region" for n in d.containers()):
            seen.add("nested zone")
        if len(c.clients) > 1:
            seen.add("two clients")
        if any(lk.optional for lk in d.links):
            seen.add("optional")
        for cn in c.nodes.values():
            if cn.pool_rule is not None:
                seen.add("pool " + cn.pool_rule.mode)
                if cn.pool_rule.mode == "count" and cn.pool_rule.k > 1:
                    seen.add("min_targets")
            if cn.failover_p > 0:
                seen.add("failover")
            if len(cn.groups) > 1:
                seen.add("spread")
            if cn.k is not None and cn.k > 1:
                seen.add("k>1")
            if sum(1 for o in c.nodes.values() if cn.id in o.deps) > 1:
                seen.add("shared dependency")
    assert seen >= {"containers", "nested zone", "two clients", "optional", "pool count",
                    "pool capacity", "pool single", "min_targets", "failover", "spread", "k>1",
                    "shared dependency"}, seen
