"""Placement you can see: a spread node's replica chips sit inside their zones, and
dropping the node or a chip into a zone edits ``spread`` (one undo step)."""

from __future__ import annotations

from PySide6.QtCore import QPointF

from modeller.render.chips import replica_counts
from modeller.ui.canvas.items import ChipItem

from ..conftest import centre_of, drag, load, show_point

ZONES = {
    "nodes": [
        {"id": "users", "kind": "client", "x": 0, "y": 100},
        {"id": "r", "kind": "region", "name": "eu-west-1", "x": 200, "y": 0, "w": 1000, "h": 420},
        {"id": "za", "kind": "zone", "name": "AZ a", "parent": "r", "x": 240, "y": 220, "w": 280, "h": 170},
        {"id": "zb", "kind": "zone", "name": "AZ b", "parent": "r", "x": 560, "y": 220, "w": 280, "h": 170},
        {"id": "zc", "kind": "zone", "name": "AZ c", "parent": "r", "x": 880, "y": 220, "w": 280, "h": 170},
        {"id": "web", "kind": "service", "name": "Web tier", "parent": "r", "x": 500, "y": 60,
         "replicas": 3, "availability": 0.99, "spread": ["za", "zb"]},
    ],
    "links": [{"from": "users", "to": "web"}],
}


def chips(window) -> dict[tuple[str, str], ChipItem]:  # noqa: ANN001
    return window.scene.chip_items()


def test_chips_sit_inside_their_zones_with_the_replica_counts(window, examples_dir):
    assert window.open_file(str(examples_dir / "multi-az.arch.json"), ask=False)
    d = window.editor.design
    found = chips(window)
    want = {(n.id, z): c for n in d.components() for z, c in replica_counts(n.spread, n.replicas).items()}
    assert {k: c.count for k, c in found.items()} == want
    assert want[("db", "eu-west-1a")] == 1 and ("db", "eu-west-1c") not in want  # 2 over a, b
    for (nid, zid), chip in found.items():
        zone = window.scene.item_for(zid).scene_rect()
        assert zone.contains(chip.scene_rect()), (nid, zid)
        assert chip.scene_rect().top() >= zone.top() + 30  # below the zone's title strip
        for other, item in window.scene.node_items().items():  # clear of the boxes in the zone
            if other != zid and d.nodes[other].kind not in ("region", "zone"):
                assert not item.scene_rect().intersects(chip.scene_rect()), (nid, zid, other)
        assert str(chip.count) in chip.toolTip() and d.nodes[zid].name in chip.toolTip()


def test_moving_the_node_keeps_its_chips_in_their_zones(window):
    load(window, ZONES)
    before = {k: c.scene_rect() for k, c in chips(window).items()}
    assert set(before) == {("web", "za"), ("web", "zb")}
    assert chips(window)[("web", "za")].count == 2 and chips(window)[("web", "zb")].count == 1
    a = centre_of(window, "web")
    show_point(window, a)
    drag(window, a, a + QPointF(-200, 10))
    d = window.editor.design
    assert (d.nodes["web"].x, d.nodes["web"].spread) == (300, ["za", "zb"])
    for (_nid, zid), chip in chips(window).items():
        assert window.scene.item_for(zid).scene_rect().contains(chip.scene_rect())


def test_dropping_a_spread_node_into_a_zone_adds_it_and_undo_restores(window, qtbot):
    load(window, ZONES)
    messages: list[str] = []
    window.scene.message.connect(messages.append)
    d = window.editor.design
    a = centre_of(window, "web")
    show_point(window, a)
    target = window.scene.item_for("zc").scene_rect().center()
    drag(window, a, target + QPointF(0, 20))
    assert d.nodes["web"].spread == ["za", "zb", "zc"]
    assert (d.nodes["web"].x, d.nodes["web"].y, d.nodes["web"].parent) == (500, 60, "r")  # stays put
    assert window.editor.undo_stack.count() == 1
    assert any("AZ c" in m and "3 replicas over AZ a, AZ b, AZ c" in m for m in messages), messages
    assert set(chips(window)) == {("web", "za"), ("web", "zb"), ("web", "zc")}
    assert all(c.count == 1 for c in chips(window).values())
    window.editor.undo_stack.undo()
    assert d.nodes["web"].spread == ["za", "zb"] and set(chips(window)) == {("web", "za"), ("web", "zb")}


def test_dragging_a_chip_to_another_zone_moves_that_zone_in_spread(window):
    load(window, ZONES)
    d = window.editor.design
    messages: list[str] = []
    window.scene.message.connect(messages.append)
    chip = chips(window)[("web", "zb")]
    a = chip.scene_rect().center()
    show_point(window, a)
    drag(window, a, window.scene.item_for("zc").scene_rect().center() + QPointF(0, 30), steps=8)
    assert d.nodes["web"].spread == ["za", "zc"]  # AZ b's place, now AZ c
    assert window.editor.undo_stack.count() == 1
    assert any("from AZ b to AZ c" in m for m in messages), messages
    assert set(chips(window)) == {("web", "za"), ("web", "zc")}
    assert window.scene.item_for("zc").scene_rect().contains(chips(window)[("web", "zc")].scene_rect())
    window.editor.undo_stack.undo()
    assert d.nodes["web"].spread == ["za", "zb"]


def test_dragging_a_chip_out_of_every_zone_stops_using_it(window):
    load(window, ZONES)
    d = window.editor.design
    chip = chips(window)[("web", "za")]
    a = chip.scene_rect().center()
    show_point(window, a)
    drag(window, a, QPointF(100, 600), steps=8)
    assert d.nodes["web"].spread == ["zb"]
    window.editor.undo_stack.undo()
    assert d.nodes["web"].spread == ["za", "zb"]


def test_a_chip_dropped_on_a_zone_it_already_uses_merges(window):
    load(window, ZONES)
    d = window.editor.design
    chip = chips(window)[("web", "za")]
    a = chip.scene_rect().center()
    show_point(window, a)
    drag(window, a, window.scene.item_for("zb").scene_rect().center() + QPointF(0, 30), steps=8)
    assert d.nodes["web"].spread == ["zb"]
    assert chips(window)[("web", "zb")].count == 3
