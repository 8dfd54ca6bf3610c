"""A design as a reliability block diagram for RePyability (``pip install repyability``;
never a test dependency).

RBD semantics: a block is reached when it works and at least ``k`` of its predecessors
are reached; the system works when the output is reached. The translation (exact for
routers that pool by count, like ``scram_ft``):

- every container is a block fed by the input (fails with its unavailability);
- every replica of a node is a block (its unavailability) needing all of: the node's
  required dependencies (workers), its pool junction (routers: a perfect block needing
  ``m`` of the pool's targets) and every container around its placement;
- a node with several replicas ends in a perfect k-of-n junction over them, and a node
  with a failover window in one more block (the window's probability) after it;
- each client is a perfect junction needing all its dependencies; the output needs all
  clients.

What is timed: building the ``NonRepairableRBD`` (RePyability reduces it to modules
then), its system reliability and every block's Birnbaum importance.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from modeller.analysis.compiled import compile_design
from modeller.analysis.cutsets import closure
from modeller.model import Design, Role

from .scram_ft import _need_targets


def available() -> bool:
    try:
        import repyability  # noqa: F401
        import surpyval  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Diagram:
    edges: list[tuple[str, str]]
    fail: dict[str, float]  # block -> probability it has failed
    k: dict[str, int]
    exact: bool


def diagram(design: Design) -> Diagram:
    compiled = compile_design(design)
    edges: set[tuple[str, str]] = set()
    fail: dict[str, float] = {}
    k: dict[str, int] = {}
    exact = True
    out: dict[str, str] = {}  # component -> the block that says it serves

    def block(name: str, p: float, preds: list[str], need: int | None = None) -> str:
        preds = list(dict.fromkeys(preds)) or ["s"]
        for x in preds:
            edges.add((x, name))
        fail[name] = p
        if need is not None and need != 1:
            k[name] = need
        return name

    used = {c for nid in closure(compiled) for g, _ in compiled.nodes[nid].groups for c in g}
    for cid, cc in compiled.containers.items():
        if cid in used:
            block(f"C:{cid}", cc.unavailability, [])
    needed = set(closure(compiled))  # an RBD has one output: only what clients need
    for nid in compiled.reverse_order():
        cn = compiled.nodes[nid]
        if cn.role is Role.SOURCE or nid not in needed:
            continue
        if compiled.varies(nid):
            exact = False
        needs: list[str] = []
        if cn.role is Role.ROUTER:
            m, ok = _need_targets(compiled, nid)
            exact &= ok
            targets = [out[t] for t in cn.pool]
            if targets:
                needs.append(block(f"P:{nid}", 0.0, targets, min(m, len(targets))))
        else:
            needs += [out[d] for d in cn.deps]
        reps = []
        for group, count in cn.groups:
            ctr = [f"C:{c}" for c in sorted(group)]
            for _ in range(count):
                pre = needs + ctr
                reps.append(block(f"R:{nid}:{len(reps)}", cn.unavailability, pre,
                                  len(dict.fromkeys(pre)) or None))
        node = reps[0]
        if len(reps) > 1 or (cn.k or 1) != 1:
            node = block(f"N:{nid}", 0.0, reps, cn.k or len(reps) + 1)
        if cn.failover_p > 0:
            node = block(f"W:{nid}", cn.failover_p, [node])
        out[nid] = node
    clients = []
    for cid in compiled.clients:
        deps = [out[d] for d in compiled.nodes[cid].deps]
        if deps:
            clients.append(block(f"U:{cid}", 0.0, deps, len(dict.fromkeys(deps))))
    for c in clients:
        edges.add((c, "t"))
    if len(clients) > 1:
        k["t"] = len(clients)
    return Diagram(sorted(edges), fail, k, exact)


@dataclass
class Timed:
    unavailability: float
    seconds: float


def run(d: Diagram) -> Timed:
    """Build the RBD, its reliability and every block's Birnbaum importance (timed)."""
    from repyability import NonRepairableRBD
    from surpyval import FixedEventProbability

    t0 = time.perf_counter()
    models = {b: FixedEventProbability.from_params(p) for b, p in d.fail.items()}
    rbd = NonRepairableRBD(d.edges, models, k=dict(d.k))
    r = float(rbd.sf(1.0))
    rbd.birnbaum_importance(1.0)
    return Timed(1.0 - r, time.perf_counter() - t0)
