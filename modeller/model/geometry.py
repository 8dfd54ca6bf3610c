"""Canvas geometry read from the Design: node boxes, containment, growing containers.

Coordinates are absolute scene coordinates of a box's top-left corner (``x``, ``y``);
``w``/``h`` are optional for components (a default size per kind) and set for
containers. Pure Python so placement rules are testable without a scene.
"""

from __future__ import annotations

from typing import Any

from .design import Design, Node

NODE_W = 160.0
NODE_H = 92.0
REGION_SIZE = (760.0, 480.0)
ZONE_SIZE = (340.0, 300.0)
GROUP_SIZE = (340.0, 240.0)
CONTAINER_MIN = (160.0, 90.0)
CONTAINER_TITLE = 30.0  # height of a container's title strip
PAD = 16.0  # space kept between a container's border and what it holds
GRID = 10.0

Rect = tuple[float, float, float, float]  # x, y, w, h


def default_size(kind: str) -> tuple[float, float]:
    if kind == "region":
        return REGION_SIZE
    if kind == "zone":
        return ZONE_SIZE
    if kind == "group":
        return GROUP_SIZE
    return NODE_W, NODE_H


def node_rect(node: Node) -> Rect:
    dw, dh = default_size(node.kind)
    w = node.w if node.w else dw
    h = node.h if node.h else dh
    return node.x, node.y, w, h


def centre(rect: Rect) -> tuple[float, float]:
    return rect[0] + rect[2] / 2.0, rect[1] + rect[3] / 2.0


def contains_point(rect: Rect, x: float, y: float) -> bool:
    return rect[0] <= x <= rect[0] + rect[2] and rect[1] <= y <= rect[1] + rect[3]


def union(rects: list[Rect]) -> Rect | None:
    if not rects:
        return None
    x0 = min(r[0] for r in rects)
    y0 = min(r[1] for r in rects)
    x1 = max(r[0] + r[2] for r in rects)
    y1 = max(r[1] + r[3] for r in rects)
    return x0, y0, x1 - x0, y1 - y0


def snap(value: float, grid: float = GRID) -> float:
    return round(value / grid) * grid


def container_at(design: Design, x: float, y: float, exclude: set[str] = frozenset(),  # type: ignore[assignment]
                 rects: dict[str, Rect] | None = None) -> str | None:
    """The innermost region, zone or group whose box holds the point (None: the bare canvas)."""
    best: tuple[int, int, str] | None = None
    order = list(design.nodes)
    for node in [n for n in design.nodes.values() if n.is_box]:
        if node.id in exclude:
            continue
        rect = rects[node.id] if rects and node.id in rects else node_rect(node)
        if contains_point(rect, x, y):
            key = (len(design.enclosing(node.id)), order.index(node.id), node.id)
            if best is None or key > best:
                best = key
    return best[2] if best else None


def children_bounds(design: Design, container_id: str,
                    rects: dict[str, Rect] | None = None) -> Rect | None:
    """The box around everything placed directly inside a container."""
    boxes = [rects[c.id] if rects and c.id in rects else node_rect(c)
             for c in design.children(container_id)]
    return union(boxes)


def grow_to_fit(design: Design, container_ids: list[str],
                rects: dict[str, Rect]) -> dict[str, dict[str, Any]]:
    """Field changes that enlarge containers (and their ancestors) to hold their children.

    ``rects`` are the boxes as they will be after the pending change; it is updated
    in place with the grown containers. Containers only grow, never shrink.
    """
    out: dict[str, dict[str, Any]] = {}
    todo: list[str] = []
    for cid in container_ids:
        for c in [cid, *design.enclosing(cid)] if cid in design.nodes else []:
            if c not in todo:
                todo.append(c)
    todo.sort(key=lambda c: -len(design.enclosing(c)))  # innermost first
    for cid in todo:
        inner = children_bounds(design, cid, rects)
        if inner is None:
            continue
        x, y, w, h = rects.get(cid) or node_rect(design.nodes[cid])
        nx = min(x, inner[0] - PAD)
        ny = min(y, inner[1] - PAD - CONTAINER_TITLE)
        nx1 = max(x + w, inner[0] + inner[2] + PAD)
        ny1 = max(y + h, inner[1] + inner[3] + PAD)
        if (nx, ny, nx1, ny1) != (x, y, x + w, y + h):
            rects[cid] = (nx, ny, nx1 - nx, ny1 - ny)
            out[cid] = {"x": nx, "y": ny, "w": nx1 - nx, "h": ny1 - ny}
    return out


def all_rects(design: Design) -> dict[str, Rect]:
    return {nid: node_rect(n) for nid, n in design.nodes.items()}
