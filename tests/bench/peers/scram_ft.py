"""A design as a fault tree in the Open-PSA MEF (XML), for SCRAM.

Top event: some client is not served (DESIGN section 3 as Boolean gates). Two
granularities:

- ``"replica"``: one basic event per replica (probability its unavailability), per
  container and per failover window. A replica is *lost* when it or any container
  around its placement is down; a node fails when at least n - k + 1 of its n replicas
  are lost (k: the replicas it needs at nominal load), or its window is open, or
  (worker) a required dependency fails, or (router) more than |pool| - m of its pool
  fail (m: targets needed). The top event's probability is then P(system down).
- ``"unit"``: the failure units of ``modeller.analysis.cutsets`` (a node's replicas
  grouped into one event, zones, regions, windows): the node fails when its unit event
  occurs or its placements lose at least n - k + 1 replicas to containers. SCRAM's
  minimal cut sets of this tree are the minimal cut sets over units.

Exact for designs whose routers pool by count (no capacities at the routers) and whose
load profile never changes with the containers; :func:`fault_tree` says ``exact`` is
False otherwise (a capacity pool is translated as "at least m targets", m the fewest
of its targets whose capacities cover its nominal load), so a bench can still time the
peer on it. Names: each event is ``e<i>``, each gate ``g<i>``; ``names`` maps them back.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from modeller.analysis.compiled import Compiled, compile_design
from modeller.analysis.cutsets import at_least_down
from modeller.model import Design, Role


@dataclass
class FaultTree:
    xml: str
    events: dict[str, str] = field(default_factory=dict)  # event name -> unit key
    probabilities: dict[str, float] = field(default_factory=dict)
    exact: bool = True
    why_not_exact: list[str] = field(default_factory=list)
    gates: int = 0


class _Builder:
    def __init__(self) -> None:
        self.gates: list[str] = []
        self.events: dict[str, str] = {}
        self.prob: dict[str, float] = {}
        self.by_key: dict[str, str] = {}

    def event(self, key: str, p: float) -> str:
        if key not in self.by_key:
            name = f"e{len(self.by_key)}"
            self.by_key[key] = name
            self.events[name] = key
            self.prob[name] = p
        return f'<basic-event name="{self.by_key[key]}"/>'

    def gate(self, kind: str, args: list[str], k: int = 0) -> str | None:
        """A gate over ``args`` (XML references); None = never fails, "" args dropped."""
        args = [a for a in args if a]
        if kind != "atleast":  # the same dependency reached twice is one argument
            args = list(dict.fromkeys(args))
        if kind == "atleast":
            if k <= 0:
                return self._const(True)
            if k > len(args):
                return None
            if k == 1:
                kind = "or"
            elif k == len(args):
                kind = "and"
        if not args:
            return None
        if len(args) == 1:
            return args[0]
        name = f"g{len(self.gates)}"
        head = f'<atleast min="{k}">' if kind == "atleast" else f"<{kind}>"
        tail = "</atleast>" if kind == "atleast" else f"</{kind}>"
        self.gates.append(f'<define-gate name="{name}">{head}{"".join(args)}{tail}</define-gate>')
        return f'<gate name="{name}"/>'

    def _const(self, value: bool) -> str:
        return self.event("__always__", 1.0) if value else ""


def _need_targets(compiled: Compiled, nid: str) -> tuple[int, bool]:
    """Targets a router needs at nominal load, and whether that is exact."""
    cn = compiled.nodes[nid]
    rule = cn.pool_rule
    k = 1 if rule is None else rule.k
    if rule is None or rule.mode == "count":
        return k, True
    caps = sorted((math.inf if compiled.nodes[t].total_capacity is None
                   else compiled.nodes[t].total_capacity for t in cn.pool), reverse=True)
    total, m = 0.0, 0
    for c in caps:
        if total >= rule.load - 1e-9:
            break
        total += c  # type: ignore[operator]
        m += 1
    if total < rule.load - 1e-9:
        m = len(caps) + 1
    return max(k, m if rule.mode == "capacity" else 1), False


def fault_tree(design: Design, granularity: str = "replica") -> FaultTree:
    """Translate ``design`` (module docstring)."""
    compiled = compile_design(design)
    b = _Builder()
    why: list[str] = []
    cont_ev = {cid: b.event(cid, cc.unavailability)
               for cid, cc in compiled.containers.items()}
    fail: dict[str, str | None] = {}
    for nid in compiled.reverse_order():
        cn = compiled.nodes[nid]
        if cn.role is Role.SOURCE:
            fail[nid] = b.gate("or", [fail[d] or "" for d in cn.deps])
            continue
        if cn.k is None:
            fail[nid] = b._const(True)
            continue
        n, k = cn.replicas, cn.k
        if compiled.varies(nid):
            why.append(f"{nid}'s load changes with the containers")
        parts: list[str] = []
        if granularity == "replica":
            lost = []
            for group, count in cn.groups:
                ctr = [cont_ev[c] for c in sorted(group)]
                for _ in range(count):
                    rep = b.event(f"replica:{nid}:{len(lost)}", cn.unavailability)
                    lost.append(b.gate("or", [rep, *ctr]) or "")
            parts.append(b.gate("atleast", lost, n - k + 1) or "")
        else:
            parts.append(b.event(nid, at_least_down(n, n - k + 1, cn.availability,
                                                    cn.unavailability)))
            # placements lost to containers: every minimal combination of groups whose
            # replicas add up to n - k + 1
            groups = [(g, cnt) for g, cnt in cn.groups if g]
            chosen: list[tuple[int, ...]] = []
            for r in range(1, len(groups) + 1):
                for idx in combinations(range(len(groups)), r):
                    if sum(groups[i][1] for i in idx) < n - k + 1:
                        continue
                    if any(set(c) <= set(idx) for c in chosen):
                        continue
                    chosen.append(idx)
            lost_to: dict[int, str] = {}  # a gate only when used: SCRAM analyses orphans too
            for idx in chosen:
                for i in idx:
                    if i not in lost_to:
                        lost_to[i] = b.gate("or", [cont_ev[c] for c in sorted(groups[i][0])]) or ""
                parts.append(b.gate("and", [lost_to[i] for i in idx]) or "")
        if cn.failover_p > 0:
            parts.append(b.event(f"{nid}#failover", cn.failover_p))
        if cn.role is Role.ROUTER:
            m, exact = _need_targets(compiled, nid)
            if not exact:
                why.append(f"{nid} pools by capacity")
            if not cn.pool:
                parts.append(b._const(True))
            else:
                targets = [fail[t] or "" for t in cn.pool]
                parts.append(b.gate("atleast", targets, len(cn.pool) - m + 1) or "")
        else:
            parts += [fail[d] or "" for d in cn.deps]
        fail[nid] = b.gate("or", parts)
    top = b.gate("or", [fail[c] or "" for c in compiled.clients])
    body = list(b.gates)
    if top is None:
        top_ref = b._const(False)
    else:
        top_ref = top
    body.append(f'<define-gate name="top"><or>{top_ref}'
                f'{b.event("__never__", 0.0)}</or></define-gate>')
    events = "".join(f'<define-basic-event name="{name}"><float value="{p!r}"/>'
                     f"</define-basic-event>" for name, p in b.prob.items())
    xml = ('<?xml version="1.0"?>\n<opsa-mef><define-fault-tree name="design">'
           + "".join(body) + "</define-fault-tree><model-data>" + events
           + "</model-data></opsa-mef>\n")
    return FaultTree(xml, dict(b.events), dict(b.prob), not why, why, len(body))


def scram_available() -> bool:
    return shutil.which("scram") is not None


@dataclass
class ScramResult:
    probability: float
    products: list[frozenset[str]]  # unit keys per minimal cut set
    seconds: dict[str, float]  # SCRAM's own: products, probability, importance
    wall: float  # the whole process, parsing the XML included


def run_scram(tree: FaultTree, *, limit_order: int | None = None, importance: bool = False,
              products: bool = True) -> ScramResult:
    """Run the ``scram`` binary (BDD) on ``tree`` and read its report."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "ft.xml", Path(tmp) / "report.xml"
        src.write_text(tree.xml)
        cmd = ["scram", "--bdd", "--probability", "true", "--importance",
               "true" if importance else "false", str(src), "-o", str(out)]
        if limit_order:
            cmd[1:1] = ["--limit-order", str(limit_order)]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        root = ET.parse(out).getroot()
    seconds = {}
    for ct in root.iter("calculation-time"):
        for child in ct:
            seconds[child.tag] = float(child.text or 0.0)
    sop = root.find("./results/sum-of-products[@name='top']")
    prob = float(sop.get("probability", "nan")) if sop is not None else 0.0
    prods: list[frozenset[str]] = []
    if sop is not None and products:
        for p in sop.iter("product"):
            keys = frozenset(tree.events[e.get("name", "")] for e in p.iter("basic-event"))
            if "__never__" not in keys:
                prods.append(keys)
    return ScramResult(prob, prods, seconds, wall)
