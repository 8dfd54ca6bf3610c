"""Whole-design checks: ids, parents, links, cycles, container loops.

Field-level checks (types, ranges) happen while reading; these need the whole
design and are shared with the editor, which asks before it applies a change.
"""

from __future__ import annotations

from .design import Design, Node
from .errors import DesignError
from .kinds import Role


def _place(node: Node) -> str:
    return f'node "{node.id}"'


def container_loop(design: Design) -> list[str] | None:
    """The ids of a parent loop, if any."""
    for start in design.nodes:
        seen: list[str] = []
        cur: str | None = start
        while cur is not None and cur in design.nodes:
            if cur in seen:
                return seen[seen.index(cur):] + [cur]
            seen.append(cur)
            cur = design.nodes[cur].parent
    return None


def dependency_cycle(design: Design) -> list[str] | None:
    """One cycle of links (as ids, first repeated at the end), if any."""
    adj: dict[str, list[str]] = {}
    for lk in design.links:
        adj.setdefault(lk.source, []).append(lk.target)
    state: dict[str, int] = {}
    for root in adj:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            succ = adj.get(node, [])
            if i < len(succ):
                stack.append((node, i + 1))
                nxt = succ[i]
                if state.get(nxt) == 1:
                    return path[path.index(nxt):] + [nxt]
                if not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return None


def link_problem(design: Design, source: str, target: str) -> str | None:
    """Why a new link source -> target would be refused (None when it is fine)."""
    if source not in design.nodes or target not in design.nodes:
        return "both ends must be nodes on the canvas"
    if source == target:
        return "a node cannot depend on itself"
    s, t = design.nodes[source], design.nodes[target]
    if s.is_container or t.is_container:
        return "regions and zones hold nodes; wire the nodes inside them instead"
    if t.role is Role.SOURCE:
        return "clients only send requests; they cannot be a link target"
    if design.link(source, target) is not None:
        return f"{s.name} already links to {t.name}"
    # would it close a cycle? (is source reachable from target?)
    adj: dict[str, list[str]] = {}
    for lk in design.links:
        adj.setdefault(lk.source, []).append(lk.target)
    todo, seen = [target], {target}
    while todo:
        cur = todo.pop()
        if cur == source:
            return f"that would make a dependency cycle through {t.name} and {s.name}"
        for nxt in adj.get(cur, []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return None


def validate(design: Design) -> None:
    """Raise DesignError for the first problem that makes the design unusable."""
    nodes = design.nodes
    for node in nodes.values():
        if node.parent is not None:
            if node.parent not in nodes:
                raise DesignError(f'parent "{node.parent}" does not exist', place=_place(node),
                                  fix="remove the parent or add that region/zone")
            if not nodes[node.parent].is_container:
                raise DesignError(f'parent "{node.parent}" is not a region or zone', place=_place(node),
                                  fix="place nodes only inside regions and zones")
        for z in node.spread:
            if z not in nodes:
                raise DesignError(f'spread names "{z}", which does not exist', place=_place(node),
                                  fix="list existing zone ids")
            if not nodes[z].is_container:
                raise DesignError(f'spread names "{z}", which is not a zone or region', place=_place(node),
                                  fix="list zone ids only")
        if node.is_container and node.spread:
            raise DesignError("a region or zone cannot be spread", place=_place(node), fix="remove spread")
        if isinstance(node.min_healthy, int) and node.min_healthy > node.replicas:
            raise DesignError(f"min_healthy {node.min_healthy} is more than its {node.replicas} replicas",
                              place=_place(node), fix="lower min_healthy or add replicas")
        if (node.mtbf_hours is None) != (node.mttr_hours is None) and node.mtbf_hours is not None \
                and node.availability != 1.0:
            pass  # availability plus MTBF: availability wins, MTBF only sets the failure rate
    loop = container_loop(design)
    if loop:
        raise DesignError("containers hold each other: " + " → ".join(loop), place="nodes",
                          fix="a region or zone cannot be inside itself; change a parent")
    seen_links: set[tuple[str, str]] = set()
    for i, lk in enumerate(design.links):
        place = f"links[{i}] {lk.source} → {lk.target}"
        for end in (lk.source, lk.target):
            if end not in nodes:
                raise DesignError(f'"{end}" is not a node id', place=place,
                                  fix="link existing nodes or remove the link")
        if lk.source == lk.target:
            raise DesignError("a node cannot depend on itself", place=place, fix="remove the link")
        if nodes[lk.source].is_container or nodes[lk.target].is_container:
            raise DesignError("links connect nodes, not regions or zones", place=place,
                              fix="link the nodes inside the container")
        if nodes[lk.target].role is Role.SOURCE:
            raise DesignError("a client cannot be a link target", place=place,
                              fix="reverse the link: clients send requests")
        if lk.key in seen_links:
            raise DesignError("duplicate link", place=place, fix="remove one of them")
        seen_links.add(lk.key)
    cycle = dependency_cycle(design)
    if cycle:
        raise DesignError("dependency cycle " + " → ".join(cycle), place="links",
                          fix="remove one of these links: a request cannot loop back")
