"""Arrow routes: straight, or orthogonal (horizontal and vertical runs) around containers.

An orthogonal arrow leaves its box from the side facing the other box and turns at
most three times. Among a handful of candidate routes it takes the one that crosses
the fewest regions and zones it does not start or end in (and the fewest other
boxes), then the shortest. Pure geometry on ``QRectF``/``QPointF``; no items.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from ..model import Design

ROUTES = ("straight", "orthogonal")
CLEAR = 14.0  # how far a route keeps from what it goes around


def _seg_hits(a: QPointF, b: QPointF, r: QRectF) -> bool:
    """Does the axis-aligned segment a-b pass through the inside of ``r``?"""
    inner = r.adjusted(1, 1, -1, -1)
    if abs(a.y() - b.y()) < 1e-6:  # horizontal
        y = a.y()
        x0, x1 = sorted((a.x(), b.x()))
        return inner.top() < y < inner.bottom() and x0 < inner.right() and x1 > inner.left()
    x = a.x()
    y0, y1 = sorted((a.y(), b.y()))
    return inner.left() < x < inner.right() and y0 < inner.bottom() and y1 > inner.top()


def _length(points: list[QPointF]) -> float:
    return sum(abs(points[i + 1].x() - points[i].x()) + abs(points[i + 1].y() - points[i].y())
               for i in range(len(points) - 1))


def _clean(points: list[QPointF]) -> list[QPointF]:
    """Drop repeated and collinear middle points."""
    out: list[QPointF] = []
    for p in points:
        if out and abs(out[-1].x() - p.x()) < 1e-6 and abs(out[-1].y() - p.y()) < 1e-6:
            continue
        out.append(p)
    i = 1
    while i < len(out) - 1:
        a, b, c = out[i - 1], out[i], out[i + 1]
        if (abs(a.x() - b.x()) < 1e-6 and abs(b.x() - c.x()) < 1e-6) or \
                (abs(a.y() - b.y()) < 1e-6 and abs(b.y() - c.y()) < 1e-6):
            out.pop(i)
        else:
            i += 1
    return out


def orthogonal_route(src: QRectF, dst: QRectF, hard: list[QRectF], soft: list[QRectF]) -> list[QPointF]:
    """Points of an orthogonal route from ``src``'s edge to ``dst``'s edge.

    ``hard``: rectangles to go around (containers neither end is in); ``soft``: boxes
    best not crossed. The route with the fewest crossings wins, then the shortest.
    """
    sc, dc = src.center(), dst.center()
    cands: list[list[QPointF]] = []
    xs = [(src.right() + dst.left()) / 2, (dst.right() + src.left()) / 2, sc.x(), dc.x()]
    ys = [(src.bottom() + dst.top()) / 2, (dst.bottom() + src.top()) / 2, sc.y(), dc.y()]
    for r in hard + soft:
        xs += [r.left() - CLEAR, r.right() + CLEAR]
        ys += [r.top() - CLEAR, r.bottom() + CLEAR]
    right = dc.x() >= sc.x()
    down = dc.y() >= sc.y()
    sx = src.right() if right else src.left()
    ex = dst.left() if right else dst.right()
    sy = src.bottom() if down else src.top()
    ey = dst.top() if down else dst.bottom()
    # horizontal - vertical - horizontal (side to side)
    for mx in xs:
        cands.append([QPointF(sx, sc.y()), QPointF(mx, sc.y()), QPointF(mx, dc.y()), QPointF(ex, dc.y())])
    # vertical - horizontal - vertical (top/bottom to top/bottom)
    for my in ys:
        cands.append([QPointF(sc.x(), sy), QPointF(sc.x(), my), QPointF(dc.x(), my), QPointF(dc.x(), ey)])
    # one bend: side to top/bottom, and top/bottom to side
    cands.append([QPointF(sx, sc.y()), QPointF(dc.x(), sc.y()), QPointF(dc.x(), ey)])
    cands.append([QPointF(sc.x(), sy), QPointF(sc.x(), dc.y()), QPointF(ex, dc.y())])
    # around: out of a side, over or under everything, into the same side of the target
    for my in ys:
        cands.append([QPointF(sx, sc.y()), QPointF(sx + (CLEAR if right else -CLEAR), sc.y()),
                      QPointF(sx + (CLEAR if right else -CLEAR), my),
                      QPointF(ex - (CLEAR if right else -CLEAR), my),
                      QPointF(ex - (CLEAR if right else -CLEAR), dc.y()), QPointF(ex, dc.y())])
    best: tuple[tuple[int, int, float, int], list[QPointF]] | None = None
    for pts in cands:
        pts = _clean(pts)
        if len(pts) < 2:
            continue
        segs = list(zip(pts, pts[1:]))
        # the first and last runs must leave/enter their boxes, not run back through them
        if _seg_hits(pts[0], pts[1], src) or _seg_hits(pts[-2], pts[-1], dst):
            continue
        if any(_seg_hits(a, b, src) or _seg_hits(a, b, dst) for a, b in segs[1:-1]):
            continue
        h = sum(1 for r in hard if any(_seg_hits(a, b, r) for a, b in segs))
        s = sum(1 for r in soft if any(_seg_hits(a, b, r) for a, b in segs))
        score = (h, s, round(_length(pts)), len(pts))
        if best is None or score < best[0]:
            best = (score, pts)
    if best is None:
        return [sc, dc]
    return best[1]


def route_links(design: Design, keys: list[tuple[str, str]], boxes: dict[str, QRectF],
                containers: dict[str, QRectF], modes: dict[tuple[str, str], str]
                ) -> dict[tuple[str, str], list[QPointF] | None]:
    """A route per link: ``None`` for straight arrows, else the orthogonal route's points."""
    out: dict[tuple[str, str], list[QPointF] | None] = {}
    for key in keys:
        if modes.get(key) != "orthogonal":
            out[key] = None
            continue
        a, b = key
        if a not in boxes or b not in boxes or a not in design.nodes or b not in design.nodes:
            out[key] = None
            continue
        around = set(design.ancestors(a)) | set(design.ancestors(b))
        near = boxes[a].united(boxes[b]).adjusted(-200, -200, 200, 200)
        hard = [r for cid, r in containers.items() if cid not in around and r.intersects(near)]
        soft = [r for nid, r in boxes.items()
                if nid not in containers and nid not in key and r.intersects(near)]
        out[key] = orthogonal_route(boxes[a], boxes[b], hard, soft)
    return out
