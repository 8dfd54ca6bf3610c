"""Whole-design checks: ids, parents, links, cycles, container loops.

Field-level checks (types, ranges) happen while reading; these need the whole
design and are shared with the editor, which asks before it applies a change.
"""

from __future__ import annotations

from .design import Design, Node
from .errors import DesignError
from .kinds import Role
from .reliability import check_replication_link

MAX_CONTAINER_DEPTH = 64  # regions and zones inside each other; the draw.io import's limit too


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _place(node: Node) -> str:
    return f'node "{_short(node.id)}"'


def container_loop(design: Design) -> list[str] | None:
    """The ids of a parent loop, if any (linear time: each node is walked once)."""
    done: set[str] = set()
    for start in design.nodes:
        if start in done:
            continue
        position: dict[str, int] = {}
        walk: list[str] = []
        cur: str | None = start
        while cur is not None and cur in design.nodes and cur not in done:
            if cur in position:
                return walk[position[cur]:] + [cur]
            position[cur] = len(walk)
            walk.append(cur)
            cur = design.nodes[cur].parent
        done.update(walk)
    return None


def container_depth(design: Design) -> tuple[str, int] | None:
    """The deepest-nested node and how many containers hold it (None for an empty design);
    linear time, assumes no container loop."""
    depth: dict[str, int] = {}
    for start in design.nodes:
        walk: list[str] = []
        on_walk: set[str] = set()
        cur: str | None = start
        while cur is not None and cur in design.nodes and cur not in depth and cur not in on_walk:
            walk.append(cur)
            on_walk.add(cur)
            cur = design.nodes[cur].parent
        d = depth.get(cur, -1) if cur is not None and cur not in on_walk else -1
        for nid in reversed(walk):
            d += 1
            depth[nid] = d
    if not depth:
        return None
    deepest = max(depth, key=lambda k: depth[k])
    return deepest, depth[deepest]


def dependency_cycle(design: Design) -> list[str] | None:
    """One cycle of links (as ids, first repeated at the end), if any; (4b) replication
    links are data copies, not requests, and never make a cycle."""
    adj: dict[str, list[str]] = {}
    for lk in design.flow_links():
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
    if s.is_note or t.is_note:
        return "a note is only text on the canvas; it cannot be linked"
    if s.is_group or t.is_group:
        return "a group is a box on the canvas; wire the parts inside it instead"
    if t.role is Role.SOURCE:
        return "clients only send requests; they cannot be a link target"
    if design.link(source, target) is not None:
        return f"{s.name} already links to {t.name}"
    # would it close a cycle? (is source reachable from target?) replication links never do
    adj: dict[str, list[str]] = {}
    for lk in design.flow_links():
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
                raise DesignError(f'parent "{_short(node.parent)}" does not exist', place=_place(node),
                                  fix="remove the parent or add that region/zone")
            if not nodes[node.parent].is_box:
                raise DesignError(f'parent "{_short(node.parent)}" is not a region, zone or group',
                                  place=_place(node),
                                  fix="place nodes only inside regions, zones and groups")
        for z in node.spread:
            if z not in nodes:
                raise DesignError(f'spread names "{_short(z)}", which does not exist', place=_place(node),
                                  fix="list existing zone ids")
            if not nodes[z].is_container:
                raise DesignError(f'spread names "{_short(z)}", which is not a zone or region', place=_place(node),
                                  fix="list zone ids only")
        if node.is_box and node.spread:
            raise DesignError("a region, zone or group cannot be spread", place=_place(node),
                              fix="remove spread")
        if isinstance(node.min_healthy, int) and node.min_healthy > node.replicas:
            raise DesignError(f"min_healthy {node.min_healthy} is more than its {node.replicas} replicas",
                              place=_place(node), fix="lower min_healthy or add replicas")
        if (node.mtbf_hours is None) != (node.mttr_hours is None) and node.mtbf_hours is not None \
                and node.availability != 1.0:
            pass  # availability plus MTBF: availability wins, MTBF only sets the failure rate
    loop = container_loop(design)
    if loop:
        shown = [_short(x, 40) for x in loop] if len(loop) <= 8 else \
            [_short(x, 40) for x in loop[:4]] + [f"… {len(loop) - 6} more …"] + \
            [_short(x, 40) for x in loop[-2:]]
        raise DesignError("containers hold each other: " + " → ".join(shown), place="nodes",
                          fix="a region or zone cannot be inside itself; change a parent")
    deepest = container_depth(design)
    if deepest is not None and deepest[1] > MAX_CONTAINER_DEPTH:
        raise DesignError(f"is inside {deepest[1]} nested regions/zones (at most "
                          f"{MAX_CONTAINER_DEPTH})", place=_place(nodes[deepest[0]]),
                          fix="flatten the containers: a region holds zones, a zone holds parts")
    seen_links: set[tuple[str, str]] = set()
    for i, lk in enumerate(design.links):
        place = f"links[{i}] {_short(lk.source, 40)} → {_short(lk.target, 40)}"
        for end in (lk.source, lk.target):
            if end not in nodes:
                raise DesignError(f'"{_short(end)}" is not a node id', place=place,
                                  fix="link existing nodes or remove the link")
        if lk.source == lk.target:
            raise DesignError("a node cannot depend on itself", place=place, fix="remove the link")
        if nodes[lk.source].is_container or nodes[lk.target].is_container:
            raise DesignError("links connect nodes, not regions or zones", place=place,
                              fix="link the nodes inside the container")
        if nodes[lk.source].is_note or nodes[lk.target].is_note:
            raise DesignError("a note is only text on the canvas; it cannot be linked",
                              place=place, fix="remove the link")
        if nodes[lk.source].is_group or nodes[lk.target].is_group:
            raise DesignError("links connect parts, not groups", place=place,
                              fix="link the parts inside the group")
        if nodes[lk.target].role is Role.SOURCE:
            raise DesignError("a client cannot be a link target", place=place,
                              fix="reverse the link: clients send requests")
        if lk.replicates:  # (4b) a data copy between data stores
            check_replication_link(lk, nodes[lk.source], nodes[lk.target], place)
        if lk.key in seen_links:
            raise DesignError("duplicate link", place=place, fix="remove one of them")
        seen_links.add(lk.key)
    cycle = dependency_cycle(design)
    if cycle:
        shown = [_short(x, 40) for x in cycle] if len(cycle) <= 8 else \
            [_short(x, 40) for x in cycle[:4]] + [f"… {len(cycle) - 6} more …"] + \
            [_short(x, 40) for x in cycle[-2:]]
        raise DesignError("dependency cycle " + " → ".join(shown), place="links",
                          fix="remove one of these links: a request cannot loop back")
