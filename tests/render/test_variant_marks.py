"""Variant marks (render/variant_marks.py): one pink outline and tag per changed part."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage, QPainter

from modeller.export.diagram import ensure_app
from modeller.model import loads_design
from modeller.render.scene import DiagramScene
from modeller.render.variant_marks import MARK_COLOUR, show_variant_marks

TEXT = """{"format": "modeller.design", "version": 1, "nodes": [
  {"id": "users", "kind": "client", "x": 0, "y": 0},
  {"id": "web", "kind": "service", "x": 0, "y": 200},
  {"id": "db", "kind": "database", "x": 300, "y": 200}],
 "links": [{"from": "users", "to": "web"}, {"from": "web", "to": "db"}],
 "variants": [{"name": "B", "nodes": {"web": {"replicas": 3}},
               "add_nodes": [{"id": "cache", "kind": "cache", "x": 300, "y": 0}]}]}"""


def _pink_pixels(scene: DiagramScene) -> int:
    rect = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
    img = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    img.fill(QColor("#ffffff"))
    p = QPainter(img)
    scene.render(p, source=rect)
    p.end()
    target = MARK_COLOUR.rgb()
    return sum(1 for y in range(0, img.height(), 2) for x in range(0, img.width(), 2)
               if img.pixel(x, y) == target)


def test_marks_follow_the_variant_and_are_replaced() -> None:
    ensure_app(prefer_offscreen=True)
    design = loads_design(TEXT)
    variant = design.variant("B")
    scene = DiagramScene(variant)
    scene.sync()
    assert _pink_pixels(scene) == 0
    v = design.variants[0]
    marks = show_variant_marks(scene, {**{n: "changed" for n in v.nodes},
                                       **{n["id"]: "new" for n in v.add_nodes}})
    assert sorted((m.parentItem().node_id, m.text) for m in marks) == [
        ("cache", "new"), ("web", "changed")]
    assert _pink_pixels(scene) > 50  # drawn: outline and tag
    again = show_variant_marks(scene, {"db": "changed", "ghost": "new"})  # unknown ids skipped
    assert [m.parentItem().node_id for m in again] == ["db"]
    assert all(m.scene() is None for m in marks)  # the old marks are gone
    assert show_variant_marks(scene, {}) == [] and _pink_pixels(scene) == 0
