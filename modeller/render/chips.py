"""Where a spread node's replicas are drawn: one chip inside each zone it uses.

A node with ``spread`` puts replica i in ``spread[i mod len]`` (DESIGN section 2); the
canvas shows this the way AWS architecture diagrams draw an Auto Scaling group across
its AZs: a small chip inside every zone that holds replicas, with the count there,
joined to the node by a thin line. Chips are derived from the Design every time
(nothing to save): this module decides, in pure Python, which chips exist and where
each sits inside its zone (clear of the boxes in the zone and of the other chips,
as near the node as the zone allows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Design
from ..model import geometry as geo

Rect = geo.Rect
CHIP_H = 22.0
CHIP_PAD = 6.0  # kept between a chip and the zone's border, boxes and other chips
STEP = 5.0
FLOW_ABOVE = 8  # a zone with more chips than this lays them out in rows


@dataclass(frozen=True)
class ChipSpec:
    node_id: str
    zone_id: str
    count: int  # replicas of the node in this zone
    replicas: int  # replicas of the node in all
    rect: Rect
    compact: bool = False  # a crowded zone: the chip shows the icon and count, not the name


def replica_counts(spread: list[str], replicas: int) -> dict[str, int]:
    """Replicas per zone, in spread order: replica i sits in spread[i mod len]."""
    out: dict[str, int] = {}
    if not spread:
        return out
    for z in spread:
        out.setdefault(z, 0)
    for i in range(replicas):
        z = spread[i % len(spread)]
        out[z] += 1
    return out


def _overlaps(a: Rect, b: Rect, pad: float = 0.0) -> bool:
    return (a[0] < b[0] + b[2] + pad and b[0] < a[0] + a[2] + pad
            and a[1] < b[1] + b[3] + pad and b[1] < a[1] + a[3] + pad)


def _clear(a: Rect, others: list[Rect], pad: float) -> bool:
    return not any(_overlaps(a, o, pad) for o in others)


def place_chips(design: Design, measure: Callable[[str, int, bool], float],
                rects: dict[str, Rect] | None = None, cap: bool = True) -> list[ChipSpec]:
    """Every chip of every spread node, placed inside its zone's rectangle.

    ``measure(node_id, count, compact)`` gives a chip's natural width (``compact``: icon
    and count only, for a zone too crowded for named chips); with ``cap`` a chip is never
    wider than its zone's inside. ``rects`` overrides the model's boxes (a drag preview).
    A chip sits where it covers no box or chip, nearest the node; in a zone too full for
    that, nearest the node regardless (but still inside the zone).
    """
    rects = dict(rects) if rects else {}

    def rect_of(nid: str) -> Rect:
        r = rects.get(nid)
        return r if r is not None else geo.node_rect(design.nodes[nid])

    wanted: dict[str, list[tuple[str, int, int]]] = {}  # zone -> (node, count, replicas)
    for node in design.nodes.values():
        if node.is_container or node.is_note or not node.spread:
            continue
        for zid, count in replica_counts(node.spread, node.replicas).items():
            if count > 0 and zid in design.nodes and design.nodes[zid].is_container:
                wanted.setdefault(zid, []).append((node.id, count, node.replicas))
    out: list[ChipSpec] = []
    for zid, chips in wanted.items():
        zx, zy, zw, zh = rect_of(zid)
        inner = (zx + CHIP_PAD, zy + geo.CONTAINER_TITLE + CHIP_PAD,
                 zw - 2 * CHIP_PAD, zh - geo.CONTAINER_TITLE - 2 * CHIP_PAD)
        obstacles = []
        for other in design.nodes.values():
            if other.id == zid or other.id in design.ancestors(zid):
                continue
            r = rect_of(other.id)
            if other.is_container:
                # a nested container's title strip is an obstacle, its body is not
                r = (r[0], r[1], r[2], geo.CONTAINER_TITLE)
            if _overlaps(r, inner):
                obstacles.append(r)
        if len(chips) > FLOW_ABOVE:  # many chips: rows, left to right (fast, orderly)
            for (nid, count, replicas), (rect, compact) in zip(
                    chips, _flow_zone(chips, inner, obstacles, measure)):
                out.append(ChipSpec(nid, zid, count, replicas, rect, compact))
            continue
        full = _place_zone(chips, inner, obstacles, rect_of, measure, cap, False)
        done = full
        if not all(ok for _r, ok, _c in full):
            # crowded: icon-and-count chips fit where named ones would cover a box
            done = _place_zone(chips, inner, obstacles, rect_of, measure, cap, True)
        for (nid, count, replicas), (rect, _ok, compact) in zip(chips, done):
            out.append(ChipSpec(nid, zid, count, replicas, rect, compact))
    return out


def _place_zone(chips: list[tuple[str, int, int]], inner: Rect, obstacles: list[Rect],
                rect_of: Callable[[str], Rect], measure: Callable[..., float], cap: bool,
                compact: bool) -> list[tuple[Rect, bool, bool]]:
    """Place one zone's chips in turn: (rect, clear of boxes, compact) each."""
    placed: list[Rect] = []
    out: list[tuple[Rect, bool]] = []
    small: set[int] = set()
    step = max(STEP, round(max(inner[2], inner[3]) / 40.0 / STEP) * STEP)
    for nid, count, _replicas in chips:
        w = measure(nid, count, compact)
        if w > inner[2]:  # the name cannot fit the zone: icon and count only
            w = measure(nid, count, True)
            small.add(len(out))
        if cap:
            w = min(w, max(inner[2], 24.0))
        h = CHIP_H
        ncx, ncy = geo.centre(rect_of(nid))
        x_max = max(inner[0], inner[0] + inner[2] - w)
        y_max = max(inner[1], inner[1] + inner[3] - h)
        cands = []
        y = inner[1]
        while y <= y_max + 1e-9:
            x = inner[0]
            while x <= x_max + 1e-9:
                cands.append(((x + w / 2 - ncx) ** 2 + (y + h / 2 - ncy) ** 2, (x, y, w, h)))
                x += step
            y += step
        cands.sort()
        best: tuple[float, Rect] | None = None
        fallback: tuple[float, Rect] | None = None
        for d, cand in cands:  # nearest first: the first clear spot wins
            if not _clear(cand, placed, CHIP_PAD / 2):
                continue
            if fallback is None:
                fallback = (d, cand)
            if _clear(cand, obstacles, CHIP_PAD / 2):
                best = (d, cand)
                break
        chosen = best or fallback
        if chosen is None:  # a zone full of chips: stack them at its top left
            k = len(placed)
            rect = (inner[0] + (k * 8.0) % max(inner[2] - w, 1.0),
                    inner[1] + (k * 8.0) % max(inner[3] - h, 1.0), w, h)
        else:
            rect = chosen[1]
        placed.append(rect)
        out.append((rect, best is not None))
    return [(r, ok, compact or i in small) for i, (r, ok) in enumerate(out)]


def _flow_zone(chips: list[tuple[str, int, int]], inner: Rect, obstacles: list[Rect],
               measure: Callable[..., float]) -> list[tuple[Rect, bool]]:
    """Icon-and-count chips in rows from the zone's top left, skipping the boxes in it;
    when the zone is full the rest stack at its top left (still inside it)."""
    out: list[tuple[Rect, bool]] = []
    x, y = inner[0], inner[1]
    right, bottom = inner[0] + inner[2], inner[1] + inner[3]
    for nid, count, _replicas in chips:
        w = min(measure(nid, count, True), max(inner[2], 24.0))
        rect = None
        while y + CHIP_H <= bottom + 1e-9:
            if x + w > right + 1e-9:
                x, y = inner[0], y + CHIP_H + CHIP_PAD / 2
                continue
            cand = (x, y, w, CHIP_H)
            hit = next((o for o in obstacles if _overlaps(cand, o, CHIP_PAD / 2)), None)
            if hit is None:
                rect = cand
                x += w + CHIP_PAD / 2
                break
            x = hit[0] + hit[2] + CHIP_PAD / 2
        if rect is None:
            k = len(out)
            rect = (inner[0] + (k * 4.0) % max(inner[2] - w, 1.0), inner[1], w, CHIP_H)
        out.append((rect, True))
    return out
