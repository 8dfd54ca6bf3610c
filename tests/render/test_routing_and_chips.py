"""Pure geometry of the drawing: orthogonal routes go around containers; chips fit zones."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from modeller.model import design_from_dict
from modeller.render.chips import place_chips, replica_counts
from modeller.render.routing import _seg_hits, orthogonal_route


def test_an_orthogonal_route_goes_around_a_zone_in_the_way():
    src, dst = QRectF(0, 100, 160, 90), QRectF(600, 100, 160, 90)
    zone = QRectF(250, 0, 250, 400)  # straight across would cut through it
    pts = orthogonal_route(src, dst, [zone], [])
    assert pts[0].x() == src.right() or pts[0].y() in (src.top(), src.bottom())
    for p, q in zip(pts, pts[1:]):
        assert p.x() == q.x() or p.y() == q.y()  # horizontal and vertical runs
        assert not _seg_hits(p, q, zone)
    assert dst.adjusted(-1, -1, 1, 1).contains(pts[-1])


def test_straight_across_when_nothing_is_in_the_way():
    src, dst = QRectF(0, 100, 160, 90), QRectF(400, 100, 160, 90)
    pts = orthogonal_route(src, dst, [], [])
    assert len(pts) == 2 and pts[0].y() == pts[1].y() == src.center().y()


def test_replica_i_sits_in_spread_i_mod_len():
    assert replica_counts(["a", "b", "c"], 3) == {"a": 1, "b": 1, "c": 1}
    assert replica_counts(["a", "b"], 5) == {"a": 3, "b": 2}
    assert replica_counts(["a", "b", "c"], 2) == {"a": 1, "b": 1, "c": 0}


def test_chips_stay_inside_a_crowded_zone():
    d = design_from_dict({"format": "modeller.design", "version": 1, "nodes": [
        {"id": "z", "kind": "zone", "x": 0, "y": 0, "w": 200, "h": 140},
        {"id": "big", "kind": "service", "parent": "z", "x": 20, "y": 40},
        *[{"id": f"s{i}", "kind": "service", "x": 400, "y": 200 * i, "spread": ["z"], "replicas": 2}
          for i in range(4)]]})
    chips = place_chips(d, lambda nid, count, compact: 40.0 if compact else 150.0)
    assert len(chips) == 4 and all(c.count == 2 for c in chips)
    for c in chips:
        x, y, w, h = c.rect
        assert 0 <= x and x + w <= 200 and 30 <= y and y + h <= 140, c


@pytest.mark.parametrize("zoom, detailed", [(0.25, False), (1.0, True)])
def test_a_chip_too_small_to_read_is_drawn_as_its_pill(qapp, monkeypatch, zoom, detailed):  # noqa: ANN001
    """Below the boxes' text zoom (LOD_SIMPLE) a replica chip draws its pill and line but
    no icon or text (a zoomed-out 300-node design repaints ~700 chips on every edit)."""
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    from modeller.render import style
    from modeller.render.items.chip import ChipItem

    scene = QGraphicsScene()
    chip = ChipItem("web", "z1")
    scene.addItem(chip)
    chip.sync((0.0, 0.0, 90.0, 22.0), QRectF(0, 200, 180, 60), "service", "web", "zone a", 2, 3)
    icons: list[str] = []
    real = style.draw_icon
    monkeypatch.setattr(style, "draw_icon", lambda p, kind, r: (icons.append(kind), real(p, kind, r)))
    view = QGraphicsView(scene)
    view.resize(300, 300)
    view.scale(zoom, zoom)
    view.centerOn(chip)
    image = view.viewport().grab().toImage()
    assert bool(icons) is detailed
    # the pill is drawn either way: its border shows around the middle of its left half
    left = view.mapFromScene(chip.mapToScene(QRectF(0, 0, 45, 22)).boundingRect()).boundingRect()
    bg = image.pixelColor(0, 0)
    assert any(image.pixelColor(x, y) != bg for x in range(left.left(), left.right() + 1)
               for y in range(left.top(), left.bottom() + 1))


def test_one_zoom_rule_for_boxes_zones_chips_and_map_names() -> None:
    """At a zoom of exactly 40 % Qt gives some items 0.39999999999999 and others
    0.40000000000000036: both count as 40 % (zones kept no title while the view's map
    names stayed off)."""
    from modeller.render.style import LOD_SIMPLE, drawn_small

    assert LOD_SIMPLE == 0.4
    assert not drawn_small(0.3999999999999915) and not drawn_small(0.40000000000000036)
    assert not drawn_small(1.0) and drawn_small(0.39) and drawn_small(0.16)
