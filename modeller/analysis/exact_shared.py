"""What both exact methods (``exact_columns.py``, ``exact_diagram.py``) build alike.

A serve condition is kept as a closure: the AND of independent "atoms" (bitmask over
atom indices) and of "events" — routers (and, in the diagram method, spread nodes) —
that need a decision diagram. :class:`ClosureDiagrams` holds the pieces both methods
share: the rungs each node needs, the variable order, splitting a closure into its free
atoms and its diagram, "at least k targets serve", a pool target's capacity steps, and
reading where a ladder's paths leave it. The host class provides ``c`` (the compiled
design), ``bdd``, ``vars`` (atom owner -> ``first_level``), ``atom_ids``, ``atoms``,
``events``, ``never``, ``event_bdd``, ``support``, ``_full``, ``_and_cache`` and ``ge``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import Role
from .bdd import FALSE, TRUE


@dataclass
class Part:
    """serve(v) = AND(atoms in ``free``) AND ``diagram`` (a BDD over the rest)."""

    free: int  # bitmask over atom indices, independent of the diagram
    diagram: int  # BDD node (TRUE when nothing needs the diagram)
    never: bool = False


def bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


class ClosureDiagrams:
    """Mixin: closures, pools and ladders as both exact methods build them."""

    c: Any
    bdd: Any
    vars: dict[str, Any]
    atom_ids: list[str]

    # -- variables -----------------------------------------------------------
    def _thresholds(self) -> dict[str, list[int]]:
        """The up-replica counts each node's rules ask about: its k, and each capacity
        step when it is the target of a capacity pool."""
        th: dict[str, set[int]] = {}
        for nid, cn in self.c.nodes.items():
            if cn.role is Role.SOURCE or cn.k is None:
                continue
            th.setdefault(nid, set()).add(cn.k)
        for cn in self.c.nodes.values():
            rule = cn.pool_rule
            if rule is None or rule.mode == "count":
                continue
            for t in cn.pool:
                if t in th:
                    th[t].update(self.c.nodes[t].contribution_levels())
        return {k: sorted(v) for k, v in th.items()}

    def _dfs_order(self) -> list[str]:
        """Reversed post-order DFS from the clients over dependencies and pools (children
        visited last-first, so siblings keep their order): a node's variables sit just
        above those of what it needs. Serve conditions are built callees first, so a new
        condition only adds nodes above the diagrams it combines (a tier chain's
        "target AND the rest of the chain" is O(1), not a walk of the rest: at 501 parts
        399,298 apply calls and 199,202 diagram nodes became 4,084 and 1,298)."""
        order: list[str] = []
        seen: set[str] = set()
        children = {nid: (cn.deps + cn.pool)[::-1] for nid, cn in self.c.nodes.items()}

        def visit(root: str) -> None:  # iterative post-order DFS
            stack = [(root, 0)]
            seen.add(root)
            while stack:
                nid, i = stack.pop()
                kids = children[nid]
                if i < len(kids):
                    stack.append((nid, i + 1))
                    nxt = kids[i]
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append((nxt, 0))
                else:
                    order.append(nid)

        for cid in self.c.clients:
            if cid not in seen:
                visit(cid)
        for nid in self.c.nodes:
            if nid not in seen:
                visit(nid)
        return order[::-1]

    def _chain(self, mask: int) -> int:
        """BDD of the AND of the atoms in ``mask`` (each atom's first rung)."""
        levels = sorted((self.vars[self.atom_ids[i]].first_level for i in bits(mask)),
                        reverse=True)
        node = TRUE
        for lv in levels:
            node = self.bdd.mk(lv, FALSE, node)
        return node

    # -- closures ------------------------------------------------------------
    def _start_closures(self) -> None:
        """Empty closure tables for one build (one load profile)."""
        self.atoms: dict[str, int] = {}
        self.events: dict[str, frozenset[str]] = {}  # diagram events (routers, spread nodes)
        self.never: dict[str, bool] = {}
        self.event_bdd: dict[str, int] = {}
        self.support: dict[str, int] = {}  # event -> atoms its diagram mentions
        self._full: dict[str, int] = {}
        self._and_cache: dict[frozenset[str], int] = {}

    def _close_fixed(self, nid: str, cn: Any) -> bool:
        """Close a node that can never serve, or a router (its own diagram event);
        False for a worker or client, which :meth:`_close` handles."""
        if cn.role is not Role.SOURCE and cn.k is None:
            self.atoms[nid], self.events[nid], self.never[nid] = 0, frozenset(), True
            return True
        if cn.role is Role.ROUTER:
            self.atoms[nid], self.events[nid], self.never[nid] = 0, frozenset([nid]), False
            self._build_router(nid, cn)  # type: ignore[attr-defined]
            return True
        return False

    def _close(self, nid: str, deps: list[str], mask: int, events: set[str]) -> None:
        """A worker's (or client's) closure: its own atoms and events and those of every
        required dependency; it never serves when a dependency never does."""
        never = False
        for d in deps:
            mask |= self.atoms[d]  # type: ignore[attr-defined]
            events |= self.events[d]  # type: ignore[attr-defined]
            never |= self.never[d]  # type: ignore[attr-defined]
        self.atoms[nid], self.events[nid], self.never[nid] = (  # type: ignore[attr-defined]
            mask, frozenset(events), never)

    def _finish_parts(self) -> None:
        """Every node's serve condition and the system's (all clients), split."""
        for nid in self.c.nodes:
            self.parts[nid] = self._split(self.atoms[nid], self.events[nid],  # type: ignore[attr-defined]
                                          self.never[nid])  # type: ignore[attr-defined]
        sys_mask, sys_events, sys_never = 0, set(), False
        for c in self.c.clients:
            sys_mask |= self.atoms[c]  # type: ignore[attr-defined]
            sys_events |= self.events[c]  # type: ignore[attr-defined]
            sys_never |= self.never[c]  # type: ignore[attr-defined]
        self.system = self._split(sys_mask, frozenset(sys_events), sys_never)

    def _events_and(self, events: frozenset[str]) -> int:
        if events not in self._and_cache:  # type: ignore[attr-defined]
            self._and_cache[events] = self.bdd.and_all(  # type: ignore[attr-defined]
                [self.event_bdd[r] for r in events])  # type: ignore[attr-defined]
        return self._and_cache[events]  # type: ignore[attr-defined]

    def _support(self, events: frozenset[str]) -> int:
        s = 0
        for r in events:
            s |= self.support[r]  # type: ignore[attr-defined]
        return s

    def _split(self, mask: int, events: frozenset[str], never: bool) -> Part:
        if never:
            return Part(0, FALSE, True)
        if not events:
            return Part(mask, TRUE)
        support = self._support(events)
        bound = mask & support
        diagram = self.bdd.and_(self._chain(bound), self._events_and(events))
        return Part(mask & ~support, diagram, diagram == FALSE)

    def _full_bdd(self, nid: str) -> int:
        """The whole serve condition of a pool target as one diagram."""
        full = self._full  # type: ignore[attr-defined]
        if nid not in full:
            if self.never[nid]:  # type: ignore[attr-defined]
                full[nid] = FALSE
            else:
                full[nid] = self.bdd.and_(self._chain(self.atoms[nid]),  # type: ignore[attr-defined]
                                          self._events_and(self.events[nid]))  # type: ignore[attr-defined]
        return full[nid]

    # -- pools -----------------------------------------------------------------
    def _options(self, t: str) -> list[tuple[float, int]]:
        """(capacity contributed, event) steps of a pool target, smallest first."""
        cn = self.c.nodes[t]
        s = self._full_bdd(t)
        if s == FALSE or cn.k is None:
            return []
        out = []
        for lv in cn.contribution_levels():
            event = s if lv == cn.k else self.bdd.and_(s, self.ge(t, lv))  # type: ignore[attr-defined]
            out.append((cn.contribution(lv), event))
        return out

    def _at_least(self, targets: list[str], k: int) -> int:
        """BDD of "at least k of the targets serve"."""
        b = self.bdd
        serves = [self._full_bdd(t) for t in targets]
        memo: dict[tuple[int, int], int] = {}

        def at_least(i: int, need: int) -> int:
            if need <= 0:
                return TRUE
            if len(serves) - i < need:
                return FALSE
            key = (i, need)
            if key not in memo:
                memo[key] = b.or_(at_least(i + 1, need),
                                  b.and_(serves[i], at_least(i + 1, need - 1)))
            return memo[key]

        return at_least(0, k)

    # -- reading the diagram -----------------------------------------------------
    def _masks(self, masks: list[int]) -> np.ndarray:
        """Bitmasks as a bool matrix (len(masks), n_atoms)."""
        n = len(self.atom_ids)
        nbytes = max(1, (n + 7) // 8)
        raw = b"".join(m.to_bytes(nbytes, "little") for m in masks)
        unpacked = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")
        return unpacked.reshape(len(masks), nbytes * 8)[:, :n].astype(bool)

    def _exits(self, var: Any, entries: np.ndarray) -> np.ndarray:
        """exits[e, l]: where the diagram goes from entry e when exactly l rungs are met."""
        b = self.bdd
        m = len(var.thresholds)
        exits = np.zeros((len(entries), m + 1), dtype=np.int64)
        for k, e in enumerate(entries):
            cur = int(e)
            for lvl in range(m):
                tests = b.level[cur] == var.first_level + lvl
                exits[k, lvl] = b.lo[cur] if tests else cur
                if tests:
                    cur = b.hi[cur]
            exits[k, m] = cur
        return exits
