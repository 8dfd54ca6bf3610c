"""Failure-domain states: the columns the exact engine evaluates side by side.

Regions and zones are few, and everything they hold fails with them, so the engine
conditions on their joint state. Given the containers, every replica is independent,
and a node's up count is Binomial(replicas in up placements, a). Nested containers
prune the enumeration: a down region leaves its zones unspecified (one column).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compiled import Compiled

MAX_COLUMNS = 200_000


@dataclass
class DomainColumns:
    """Container states as columns.

    ``weights[c]`` is P(column c) for base columns (they sum to 1) and 0 for forced
    columns; ``state[x]`` is 1 up / 0 down / -1 unspecified (an ancestor is down);
    ``forced[x]`` is the slice of columns where the never-failing container ``x`` is
    forced down (for its "X down" scenario).
    """

    weights: np.ndarray
    state: dict[str, np.ndarray]
    enumerated: list[str]
    forced: dict[str, slice]
    n_base: int

    @property
    def n(self) -> int:
        return len(self.weights)

    def up(self, container: str) -> np.ndarray:
        return self.state[container] == 1


def count_columns(compiled: Compiled) -> int:
    enumerated = {c for c, cc in compiled.containers.items() if cc.unavailability > 0}
    children = _forest(compiled, enumerated)

    def count(c: str) -> int:
        prod = 1
        for ch in children.get(c, []):
            prod *= count(ch)
        return 1 + prod

    total = 1
    for root in children.get(None, []):  # type: ignore[arg-type]
        total *= count(root)
    return total


def _forest(compiled: Compiled, enumerated: set[str]) -> dict[str | None, list[str]]:
    children: dict[str | None, list[str]] = {}
    for cid, cc in compiled.containers.items():
        if cid not in enumerated:
            continue
        parent = next((a for a in cc.ancestors if a in enumerated), None)
        children.setdefault(parent, []).append(cid)
    return children


def build_columns(compiled: Compiled, used: set[str]) -> DomainColumns:
    """Enumerate container states; ``used`` are containers that hold something."""
    enumerated = [c for c, cc in compiled.containers.items() if cc.unavailability > 0]
    children = _forest(compiled, set(enumerated))

    def enum_forest(roots: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        w = np.ones(1)
        states: dict[str, np.ndarray] = {}
        for r in roots:
            wr, sr = enum_tree(r)
            n_old, n_new = len(w), len(wr)
            w = np.outer(w, wr).ravel()
            states = {k: np.repeat(v, n_new) for k, v in states.items()}
            for k, v in sr.items():
                states[k] = np.tile(v, n_old)
        return w, states

    def subtree(c: str) -> list[str]:
        out = [c]
        for ch in children.get(c, []):
            out.extend(subtree(ch))
        return out

    def enum_tree(c: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        cc = compiled.containers[c]
        wch, sch = enum_forest(children.get(c, []))
        w = np.concatenate([[cc.unavailability], cc.availability * wch])
        states = {c: np.concatenate([[0], np.ones(len(wch), dtype=np.int8)]).astype(np.int8)}
        for d in subtree(c)[1:]:
            states[d] = np.concatenate([[-1], sch[d]]).astype(np.int8)
        return w, states

    w, states = enum_forest(children.get(None, []))
    n_base = len(w)
    never_failing = [c for c, cc in compiled.containers.items()
                     if cc.unavailability <= 0 and c in used]
    blocks = 1 + len(never_failing)
    weights = np.concatenate([w, np.zeros(n_base * (blocks - 1))])
    full: dict[str, np.ndarray] = {k: np.tile(v, blocks) for k, v in states.items()}
    forced: dict[str, slice] = {}
    for i, c in enumerate(never_failing, start=1):
        forced[c] = slice(i * n_base, (i + 1) * n_base)
    for c in compiled.containers:
        if c in full:
            continue
        arr = np.ones(n_base * blocks, dtype=np.int8)
        if c in forced:
            arr[forced[c]] = 0
        full[c] = arr
    return DomainColumns(weights, full, enumerated, forced, n_base)
