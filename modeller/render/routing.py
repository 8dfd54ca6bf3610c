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
MAX_DETOURS = 8  # the obstacles nearest the middle of a route offer detours (bounded work)
BUSY = 150  # routing more links than this at once skips the boxes and most detours


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


def orthogonal_route(src: QRectF, dst: QRectF, hard: list[QRectF], soft: list[QRectF],
                     detours: int | None = None) -> list[QPointF]:
    """Points of an orthogonal route from ``src``'s edge to ``dst``'s edge.

    ``hard``: rectangles to go around (containers neither end is in); ``soft``: boxes
    best not crossed. The route with the fewest crossings wins, then the shortest.
    """
    sc, dc = src.center(), dst.center()
    cands: list[list[QPointF]] = []
    xs = [(src.right() + dst.left()) / 2, (dst.right() + src.left()) / 2, sc.x(), dc.x()]
    ys = [(src.bottom() + dst.top()) / 2, (dst.bottom() + src.top()) / 2, sc.y(), dc.y()]
    mid = QRectF(sc, dc).normalized().center()
    limit = MAX_DETOURS if detours is None else detours
    near = sorted(hard + soft, key=lambda r: (r.center() - mid).manhattanLength())[:limit]
    for r in near:
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
    hard_t = [_box(r) for r in hard]
    soft_t = [_box(r) for r in soft]
    src_t, dst_t = _box(src), _box(dst)
    best: tuple[tuple[int, int, float, int], list[QPointF]] | None = None
    for pts in cands:
        pts = _clean(pts)
        if len(pts) < 2:
            continue
        segs = [((a.x(), a.y()), (b.x(), b.y())) for a, b in zip(pts, pts[1:])]
        # the first and last runs must leave/enter their boxes, not run back through them
        if _hits(*segs[0], src_t) or _hits(*segs[-1], dst_t):
            continue
        if any(_hits(a, b, src_t) or _hits(a, b, dst_t) for a, b in segs[1:-1]):
            continue
        h = sum(1 for r in hard_t if any(_hits(a, b, r) for a, b in segs))
        if best is not None and h > best[0][0]:
            continue
        s = sum(1 for r in soft_t if any(_hits(a, b, r) for a, b in segs))
        score = (h, s, round(_length(pts)), len(pts))
        if best is None or score < best[0]:
            best = (score, pts)
    if best is None:
        return [sc, dc]
    return best[1]


def _box(r: QRectF) -> tuple[float, float, float, float]:
    """A rectangle's inside as (left, top, right, bottom), 1 px in from its border."""
    return r.left() + 1, r.top() + 1, r.right() - 1, r.bottom() - 1


def _hits(a: tuple[float, float], b: tuple[float, float], r: tuple[float, float, float, float]) -> bool:
    """Does the axis-aligned segment a-b pass through the inside of ``r``?"""
    left, top, right, bottom = r
    if abs(a[1] - b[1]) < 1e-6:
        x0, x1 = (a[0], b[0]) if a[0] <= b[0] else (b[0], a[0])
        return top < a[1] < bottom and x0 < right and x1 > left
    y0, y1 = (a[1], b[1]) if a[1] <= b[1] else (b[1], a[1])
    return left < a[0] < right and y0 < bottom and y1 > top


def route_links(design: Design, keys: list[tuple[str, str]], boxes: dict[str, QRectF],
                containers: dict[str, QRectF], modes: dict[tuple[str, str], str]
                ) -> dict[tuple[str, str], list[QPointF] | None]:
    """A route per link: ``None`` for straight arrows, else the orthogonal route's points."""
    out: dict[tuple[str, str], list[QPointF] | None] = {}
    busy = sum(1 for k in keys if modes.get(k) == "orthogonal") > BUSY
    for key in keys:
        if modes.get(key) != "orthogonal":
            out[key] = None
            continue
        a, b = key
        if a not in boxes or b not in boxes or a not in design.nodes or b not in design.nodes:
            out[key] = None
            continue
        around = set(design.ancestors(a)) | set(design.ancestors(b))
        near = boxes[a].united(boxes[b]).adjusted(-60, -60, 60, 60)
        hard = [r for cid, r in containers.items() if cid not in around and r.intersects(near)]
        soft = [r for nid, r in boxes.items()
                if nid not in containers and nid not in key and r.intersects(near)]
        if busy:  # many routes at once: around containers only, fewer detours (bounded time)
            out[key] = orthogonal_route(boxes[a], boxes[b], hard, [], detours=2)
        else:
            out[key] = orthogonal_route(boxes[a], boxes[b], hard, soft)
    return out
