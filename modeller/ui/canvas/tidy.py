""""Tidy layout": boxes in columns by request flow, left to right, containers kept.

Pure Python on the Design (networkx for the layering), so the rule is testable
without a scene. A component's column is the length of the longest chain of links
that reaches it (clients first). Inside every region and zone the same rule places
what it holds; a container sits in the column of the earliest part inside it and
grows to hold its contents; containers that hold no component (zones used only by
spread nodes) line up in a row below the rest of their parent. Notes stay where
they are (or move with the container they sit in). The result is a set of field changes, applied as one undo step.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from ...model import Design
from ...model import geometry as geo

H_GAP = 70.0  # between columns
V_GAP = 30.0  # between boxes in a column
PAD = 24.0  # inside a container, around what it holds
CHIP_ROW = 28.0  # a replica chip's row at the top of a zone
CHIP_ZONE_W = 240.0  # a zone with chips is at least this wide (room for a named chip)


def layers(design: Design) -> dict[str, int]:
    """The column of every component: the longest chain of links that reaches it."""
    g = nx.DiGraph()
    comps = [n.id for n in design.components()]
    g.add_nodes_from(comps)
    g.add_edges_from(lk.key for lk in design.links if lk.source in g and lk.target in g)
    out: dict[str, int] = {}
    try:
        order = list(nx.topological_sort(g))
    except nx.NetworkXUnfeasible:  # a cycle (the loader refuses one): fall back to file order
        order = comps
    for nid in order:
        out[nid] = max((out.get(p, 0) + 1 for p in g.predecessors(nid)), default=0)
    return out


def tidy_changes(design: Design) -> dict[str, dict[str, Any]]:
    """Field changes (x, y, and w, h for containers) that tidy the whole design."""
    layer = layers(design)
    chips_in: dict[str, int] = {}  # zone -> how many replica chips it shows
    for n in design.components():
        for z in dict.fromkeys(n.spread):
            chips_in[z] = chips_in.get(z, 0) + 1
    sizes: dict[str, tuple[float, float]] = {}
    rel: dict[str, tuple[float, float]] = {}  # child -> offset inside its parent's content
    key_of: dict[str, float | None] = {}

    def key(nid: str) -> float | None:
        if nid in key_of:
            return key_of[nid]
        node = design.nodes[nid]
        if not node.is_container:
            k: float | None = float(layer.get(nid, 0))
        elif nid in chips_in:
            k = None  # zones that show replica chips line up in a row below the tiers
        else:
            inner = [key(c.id) for c in design.children(nid) if not c.is_note]
            inner = [x for x in inner if x is not None]
            k = min(inner) if inner else None
        key_of[nid] = k
        return k

    def chip_strip(cid: str) -> float:
        """Room kept at the top of a zone for its replica chips (one row each)."""
        return chips_in.get(cid, 0) * (CHIP_ROW)

    def arrange(cid: str | None) -> tuple[float, float]:
        """Place ``cid``'s children (offsets from its content's top-left); its content size."""
        kids = [c for c in design.children(cid) if not c.is_note]
        for c in kids:
            if c.is_container:
                w, h = arrange(c.id)
                strip = chip_strip(c.id)
                if not any(not k.is_note for k in design.children(c.id)):
                    w0, h0 = geo.node_rect(c)[2:]
                    sizes[c.id] = (max(w0, geo.CONTAINER_MIN[0]),
                                   max(h0, geo.CONTAINER_MIN[1], strip + geo.CONTAINER_TITLE + PAD))
                else:
                    sizes[c.id] = (max(w + 2 * PAD, CHIP_ZONE_W if strip else 0.0),
                                   h + 2 * PAD + geo.CONTAINER_TITLE + strip)
            else:
                sizes[c.id] = geo.node_rect(c)[2:]
        placed = [c for c in kids if key(c.id) is not None]
        empty = [c for c in kids if key(c.id) is None]
        columns: dict[float, list[str]] = {}
        for c in sorted(placed, key=lambda n: (key(n.id), n.y, n.x)):
            columns.setdefault(key(c.id), []).append(c.id)  # type: ignore[arg-type]
        x = 0.0
        height = 0.0
        for k in sorted(columns):
            col = columns[k]
            width = max(sizes[c][0] for c in col)
            y = 0.0
            for c in col:
                w, h = sizes[c]
                rel[c] = (x + (width - w) / 2 if not design.nodes[c].is_container else x, y)
                y += h + V_GAP
            height = max(height, y - V_GAP)
            x += width + H_GAP
        width = max(x - H_GAP, 0.0)
        if empty:  # zones that only hold spread replicas: a row below
            y = height + (V_GAP if placed else 0.0)
            x = 0.0
            row_h = 0.0
            for c in sorted(empty, key=lambda n: (n.x, n.y)):
                w, h = sizes[c.id]
                rel[c.id] = (x, y)
                x += w + V_GAP
                row_h = max(row_h, h)
            width = max(width, x - V_GAP)
            height = y + row_h
        return width, height

    arrange(None)
    tops = [c for c in design.children(None) if not c.is_note]
    if not tops:
        return {}
    x0 = min(geo.node_rect(c)[0] for c in tops)
    y0 = min(geo.node_rect(c)[1] for c in tops)
    changes: dict[str, dict[str, Any]] = {}

    def place(cid: str | None, ox: float, oy: float) -> None:
        for c in design.children(cid):
            if c.is_note or c.id not in rel:
                continue
            dx, dy = rel[c.id]
            x, y = geo.snap(ox + dx), geo.snap(oy + dy)
            want: dict[str, Any] = {"x": x, "y": y}
            if c.is_container:
                want["w"], want["h"] = sizes[c.id]
                place(c.id, x + PAD, y + geo.CONTAINER_TITLE + PAD + chip_strip(c.id))
            old = {k: getattr(c, k) for k in want}
            if any(old[k] != v for k, v in want.items()):
                changes[c.id] = want

    place(None, x0, y0)
    for note in design.notes():  # a note inside a container moves with it
        if note.parent in changes and note.parent in design.nodes:
            old = design.nodes[note.parent]
            new = changes[note.parent]
            dx, dy = new["x"] - old.x, new["y"] - old.y
            if dx or dy:
                changes[note.id] = {"x": note.x + dx, "y": note.y + dy}
    return changes
