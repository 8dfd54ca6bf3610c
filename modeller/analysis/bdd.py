"""A small reduced ordered BDD for monotone functions (AND / OR only).

Serve conditions only ever combine "enough replicas up" events with AND (workers)
and thresholds over pools (routers), so no negation is needed. Nodes are created
children-first, and evaluation is vectorised per variable level with numpy.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

FALSE = 0
TRUE = 1
_TERMINAL_LEVEL = 1 << 60


class BDD:
    """Unique table + apply caches. ``level`` of a node is its variable's position."""

    def __init__(self) -> None:
        self.level: list[int] = [_TERMINAL_LEVEL, _TERMINAL_LEVEL]
        self.lo: list[int] = [0, 1]
        self.hi: list[int] = [0, 1]
        self._unique: dict[tuple[int, int, int], int] = {}
        self._and: dict[tuple[int, int], int] = {}
        self._or: dict[tuple[int, int], int] = {}

    def __len__(self) -> int:
        return len(self.level)

    def mk(self, level: int, lo: int, hi: int) -> int:
        if lo == hi:
            return lo
        key = (level, lo, hi)
        node = self._unique.get(key)
        if node is None:
            node = len(self.level)
            self.level.append(level)
            self.lo.append(lo)
            self.hi.append(hi)
            self._unique[key] = node
        return node

    def var(self, level: int) -> int:
        return self.mk(level, FALSE, TRUE)

    def ladder(self, first_level: int, count: int) -> int:
        """AND of ``count`` consecutive variables starting at ``first_level``."""
        node = TRUE
        for lv in range(first_level + count - 1, first_level - 1, -1):
            node = self.mk(lv, FALSE, node)
        return node

    def and_(self, a: int, b: int) -> int:
        if a == FALSE or b == FALSE:
            return FALSE
        if a == TRUE or a == b:
            return b
        if b == TRUE:
            return a
        key = (a, b) if a < b else (b, a)
        hit = self._and.get(key)
        if hit is not None:
            return hit
        la, lb = self.level[a], self.level[b]
        if la == lb:
            r = self.mk(la, self.and_(self.lo[a], self.lo[b]), self.and_(self.hi[a], self.hi[b]))
        elif la < lb:
            r = self.mk(la, self.and_(self.lo[a], b), self.and_(self.hi[a], b))
        else:
            r = self.mk(lb, self.and_(a, self.lo[b]), self.and_(a, self.hi[b]))
        self._and[key] = r
        return r

    def or_(self, a: int, b: int) -> int:
        if a == TRUE or b == TRUE:
            return TRUE
        if a == FALSE or a == b:
            return b
        if b == FALSE:
            return a
        key = (a, b) if a < b else (b, a)
        hit = self._or.get(key)
        if hit is not None:
            return hit
        la, lb = self.level[a], self.level[b]
        if la == lb:
            r = self.mk(la, self.or_(self.lo[a], self.lo[b]), self.or_(self.hi[a], self.hi[b]))
        elif la < lb:
            r = self.mk(la, self.or_(self.lo[a], b), self.or_(self.hi[a], b))
        else:
            r = self.mk(lb, self.or_(a, self.lo[b]), self.or_(a, self.hi[b]))
        self._or[key] = r
        return r

    def and_all(self, nodes: list[int]) -> int:
        r = TRUE
        # deepest-first keeps intermediate diagrams small for chains of ANDs
        for n in sorted(nodes, key=lambda x: -self.level[x]):
            r = self.and_(r, n)
            if r == FALSE:
                break
        return r

    def or_all(self, nodes: list[int]) -> int:
        r = FALSE
        for n in sorted(nodes, key=lambda x: -self.level[x]):
            r = self.or_(r, n)
            if r == TRUE:
                break
        return r


@contextmanager
def deep_recursion(limit: int = 20000) -> Iterator[None]:
    """Apply recurses once per variable level (a 2000-node chain is 2000 deep): raise
    the limit only while building, so the rest of the program (the JSON parser, with
    its C stack) keeps Python's safe default."""
    old = sys.getrecursionlimit()
    if old < limit:
        sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        if old < limit:
            sys.setrecursionlimit(old)
