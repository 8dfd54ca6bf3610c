"""The canvas driven through real mouse, drop and key events: place, wire, move, select, edit."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from modeller.model import geometry as geo
from modeller.ui.canvas.items import ContainerItem, LinkItem, NodeItem

from .conftest import (
    centre_of,
    click,
    drag,
    drop_kind,
    handle_point,
    load,
    show_point,
    title_point,
    wheel,
)

ZONED = {
    "nodes": [
        {"id": "r", "kind": "region", "x": 0, "y": 0, "w": 900, "h": 500},
        {"id": "za", "kind": "zone", "parent": "r", "x": 20, "y": 60, "w": 400, "h": 400},
        {"id": "zb", "kind": "zone", "parent": "r", "x": 460, "y": 60, "w": 400, "h": 400},
        {"id": "a", "kind": "service", "parent": "za", "x": 60, "y": 120},
        {"id": "b", "kind": "service", "parent": "za", "x": 60, "y": 300},
    ],
    "links": [{"from": "a", "to": "b"}],
}


def test_drop_palette_item_on_empty_canvas_adds_one_undoable_node(window):
    nid = drop_kind(window, "service", QPointF(300, 200))
    d = window.editor.design
    node = d.nodes[nid]
    assert node.kind == "service" and node.parent is None
    # centred on the drop point, top-left snapped to the grid
    assert (node.x, node.y) == (geo.snap(300 - geo.NODE_W / 2), geo.snap(200 - geo.NODE_H / 2))
    item = window.scene.item_for(nid)
    assert isinstance(item, NodeItem) and item.isSelected()
    assert item.pos() == QPointF(node.x, node.y)
    assert window.editor.undo_stack.undoText() == "Add Service"
    window.editor.undo_stack.undo()
    assert nid not in d.nodes and window.scene.item_for(nid) is None
    window.editor.undo_stack.redo()
    assert d.nodes[nid].kind == "service" and window.scene.item_for(nid) is not None
    assert window.isWindowModified()


def test_drop_into_zone_places_inside_and_region_holds_zone(window):
    rid = drop_kind(window, "region", QPointF(500, 400))
    region = window.editor.design.nodes[rid]
    assert isinstance(window.scene.item_for(rid), ContainerItem)
    rx, ry, rw, rh = geo.node_rect(region)
    zid = drop_kind(window, "zone", QPointF(rx + 200, ry + 200))
    assert window.editor.design.nodes[zid].parent == rid
    zx, zy, zw, zh = geo.node_rect(window.editor.design.nodes[zid])
    sid = drop_kind(window, "database", QPointF(zx + zw / 2, zy + zh / 2))
    assert window.editor.design.nodes[sid].parent == zid
    # a drop outside both lands on the bare canvas
    out = drop_kind(window, "cache", QPointF(rx + rw + 300, ry))
    assert window.editor.design.nodes[out].parent is None
    assert "in Zone" in window.statusBar().currentMessage() or window.editor.design.nodes[sid].parent == zid


def test_node_dropped_near_a_zone_edge_grows_the_zone(window):
    load(window, {"nodes": [{"id": "z", "kind": "zone", "x": 0, "y": 0, "w": 200, "h": 150}]})
    nid = drop_kind(window, "service", QPointF(150, 120))
    d = window.editor.design
    assert d.nodes[nid].parent == "z"
    zone = geo.node_rect(d.nodes["z"])
    node = geo.node_rect(d.nodes[nid])
    assert zone[0] + zone[2] >= node[0] + node[2] + geo.PAD - 1e-9
    assert zone[1] + zone[3] >= node[1] + node[3] + geo.PAD - 1e-9
    window.editor.undo_stack.undo()  # one command: node and growth together
    assert nid not in d.nodes and geo.node_rect(d.nodes["z"]) == (0, 0, 200, 150)


def test_drag_node_across_zones_reparents_in_one_undo_step(window):
    load(window, ZONED)
    d = window.editor.design
    start = centre_of(window, "a")
    show_point(window, start)
    drag(window, start, QPointF(start.x() + 440, start.y()))
    assert d.nodes["a"].parent == "zb"
    assert (d.nodes["a"].x, d.nodes["a"].y) == (500, 120)
    assert window.scene.item_for("a").pos() == QPointF(500, 120)
    # the arrow followed the box
    link = window.scene.link_item("a", "b")
    assert abs(link.line.p1().x() - 500) < 1 and abs(link.line.p2().x() - (60 + geo.NODE_W)) < 1
    assert window.editor.undo_stack.undoText() == "Move a"
    window.editor.undo_stack.undo()
    assert d.nodes["a"].parent == "za" and (d.nodes["a"].x, d.nodes["a"].y) == (60, 120)
    assert window.scene.item_for("a").pos() == QPointF(60, 120)


def test_drag_container_by_title_carries_its_contents(window):
    load(window, ZONED)
    d = window.editor.design
    p = title_point(window, "za")
    show_point(window, p)
    drag(window, p, QPointF(p.x() + 20, p.y() + 30))
    assert (d.nodes["za"].x, d.nodes["za"].y) == (40, 90)
    assert (d.nodes["a"].x, d.nodes["a"].y) == (80, 150)
    assert (d.nodes["b"].x, d.nodes["b"].y) == (80, 330)
    assert d.nodes["za"].parent == "r" and d.nodes["a"].parent == "za"
    window.editor.undo_stack.undo()
    assert (d.nodes["b"].x, d.nodes["b"].y) == (60, 300)


def test_click_inside_container_body_starts_a_rubber_band(window):
    load(window, ZONED)
    show_point(window, QPointF(300, 200))
    # a band inside zone za around node a only
    drag(window, QPointF(40, 100), QPointF(260, 240))
    assert window.scene.selected_node_ids() == ["a"]
    assert window.properties.title.text() == "a"
    # a band around everything, then select all via the standard shortcut
    window.scene.clearSelection()
    window.view.setFocus()
    QTest.keySequence(window.view, QKeySequence(QKeySequence.StandardKey.SelectAll))
    assert set(window.scene.selected_node_ids()) == {"r", "za", "zb", "a", "b"}
    assert window.scene.selected_link_keys() == [("a", "b")]


def test_resize_container_with_grip_never_hides_its_contents(window):
    load(window, ZONED)
    d = window.editor.design
    click(window, title_point(window, "za"))
    assert window.scene.selected_node_ids() == ["za"]
    br = QPointF(420, 460)
    show_point(window, br)
    drag(window, br, QPointF(520, 560))
    assert (d.nodes["za"].w, d.nodes["za"].h) == (500, 500)
    assert window.editor.undo_stack.undoText().startswith("Resize")
    # shrinking stops at the children (b ends at y = 300 + NODE_H)
    drag(window, QPointF(520, 560), QPointF(100, 100))
    x, y, w, h = geo.node_rect(d.nodes["za"])
    assert x + w >= 60 + geo.NODE_W + geo.PAD and y + h >= 300 + geo.NODE_H + geo.PAD


def test_wire_two_nodes_by_dragging_from_a_handle(window):
    a = drop_kind(window, "service", QPointF(200, 200))
    b = drop_kind(window, "database", QPointF(600, 200))
    drag(window, handle_point(window, a, "e"), centre_of(window, b))
    d = window.editor.design
    assert [(lk.source, lk.target) for lk in d.links] == [(a, b)]
    item = window.scene.link_item(a, b)
    assert isinstance(item, LinkItem) and not item.optional and not item.from_router
    # the arrow runs from a's right edge to b's left edge
    ra, rb = window.scene.item_for(a).scene_rect(), window.scene.item_for(b).scene_rect()
    assert abs(item.line.p1().x() - ra.right()) < 1 and abs(item.line.p2().x() - rb.left()) < 1
    assert "Linked" in window.statusBar().currentMessage()
    assert window.editor.undo_stack.undoText() == "Link Service → Database"
    window.editor.undo_stack.undo()
    assert not d.links and window.scene.link_item(a, b) is None


def test_invalid_wires_are_refused_with_a_status_message(window):
    load(window, ZONED)
    d = window.editor.design
    show_point(window, centre_of(window, "a"))
    # b -> a would close a cycle (a -> b exists)
    drag(window, handle_point(window, "b", "n"), centre_of(window, "a"))
    assert [lk.key for lk in d.links] == [("a", "b")]
    assert "cycle" in window.statusBar().currentMessage()
    # a link into a zone's body is refused too
    drag(window, handle_point(window, "a", "e"), QPointF(600, 300))
    assert [lk.key for lk in d.links] == [("a", "b")]
    assert "regions and zones" in window.statusBar().currentMessage()
    assert window.editor.undo_stack.count() == 0


def test_router_links_show_the_pool_and_optional_links_are_dashed(window):
    load(window, {"nodes": [{"id": "lb", "kind": "load_balancer", "x": 0, "y": 0},
                            {"id": "w1", "kind": "service", "x": 300, "y": -100},
                            {"id": "w2", "kind": "service", "x": 300, "y": 100},
                            {"id": "c", "kind": "cache", "x": 600, "y": 0}],
                  "links": [{"from": "lb", "to": "w1"}, {"from": "w1", "to": "c", "optional": True}]})
    show_point(window, centre_of(window, "lb"))
    drag(window, handle_point(window, "lb", "e"), centre_of(window, "w2"))
    assert window.scene.link_item("lb", "w2").from_router
    assert window.scene.link_item("lb", "w2").pool_index == (2, 2)
    assert window.scene.item_for("lb").subtitle.endswith("pool of 2")
    assert window.scene.link_item("w1", "c").optional
    # selecting the router lights up its pool
    click(window, centre_of(window, "lb"))
    assert window.scene.item_for("w1").highlight is not None
    assert window.scene.item_for("c").highlight is None


def test_delete_selection_with_links_and_undo_restores_everything(window):
    load(window, ZONED)
    d = window.editor.design
    before = d.copy()
    click(window, centre_of(window, "b"))
    window.act_delete.trigger()
    assert "b" not in d.nodes and not d.links
    assert window.editor.undo_stack.undoText() == "Delete b"
    window.editor.undo_stack.undo()
    assert d == before
    # deleting a zone deletes what it holds
    click(window, title_point(window, "za"))
    window.act_delete.trigger()
    assert set(d.nodes) == {"r", "zb"} and not d.links
    window.editor.undo_stack.undo()
    assert d == before and window.scene.link_item("a", "b") is not None


def test_copy_paste_and_duplicate_give_fresh_ids_and_keep_inner_links(window):
    load(window, ZONED)
    d = window.editor.design
    window.scene.select_ids(["a", "b"])
    window.view.setFocus()
    QTest.keySequence(window.view, QKeySequence(QKeySequence.StandardKey.Copy))
    assert "Copied 2 nodes" in window.statusBar().currentMessage()
    QTest.keySequence(window.view, QKeySequence(QKeySequence.StandardKey.Paste))
    new = window.scene.selected_node_ids()
    assert sorted(new) == ["a-2", "b-2"]
    assert (d.nodes["a-2"].x, d.nodes["a-2"].y) == (90, 150)
    assert d.nodes["a-2"].parent == "za"  # pasted into the same zone
    assert d.link("a-2", "b-2") is not None and len(d.links) == 2
    assert set(window.scene.selected_node_ids()) == {"a-2", "b-2"}
    assert window.editor.undo_stack.undoText() == "Paste 2 nodes"
    window.editor.undo_stack.undo()
    assert set(d.nodes) == {"r", "za", "zb", "a", "b"} and len(d.links) == 1
    # duplicating a zone copies what it holds
    window.scene.select_ids(["za"])
    dup = window.duplicate()
    assert set(dup) == {"za-2", "a-2", "b-2"}
    assert d.nodes["a-2"].parent == "za-2" and d.nodes["za-2"].parent == "r"
    assert d.link("a-2", "b-2") is not None


def test_align_and_nudge(window):
    load(window, {"nodes": [{"id": "a", "kind": "service", "x": 0, "y": 0},
                            {"id": "b", "kind": "service", "x": 40, "y": 200},
                            {"id": "c", "kind": "service", "x": 300, "y": 420}]})
    d = window.editor.design
    window.scene.select_ids(["a", "b", "c"])
    window.align_actions["left"].trigger()
    assert [d.nodes[n].x for n in "abc"] == [0, 0, 0]
    assert window.editor.undo_stack.undoText() == "Align 3 nodes left"
    window.align_actions["distribute_v"].trigger()
    assert [d.nodes[n].y for n in "abc"] == [0, 210, 420]
    window.scene.select_ids(["b"])
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Right)
    assert d.nodes["b"].x == geo.GRID


def test_zoom_with_wheel_and_standard_keys_and_fit(window):
    load(window, ZONED)
    view = window.view
    assert view.zoom() == 1.0
    wheel(window, QPointF(100, 100), 120)
    assert abs(view.zoom() - 1.2) < 1e-9
    window.act_zoom_reset.trigger()
    assert view.zoom() == 1.0
    window.act_zoom_in.trigger()
    assert view.zoom() > 1.0
    assert QKeySequence("Ctrl+=") in window.act_zoom_in.shortcuts()
    window.act_zoom_out.trigger()
    window.act_zoom_out.trigger()
    assert view.zoom() < 1.0
    window.resize(700, 500)
    QApplication.processEvents()
    window.act_fit.trigger()
    vis = view.mapToScene(view.viewport().rect()).boundingRect()
    assert vis.contains(window.scene.item_for("r").scene_rect())
    assert window.zoom_label.text() == f"{view.zoom() * 100:.0f} %"


def test_pan_with_middle_drag_and_space_drag(window):
    load(window, ZONED)
    view = window.view
    bar = view.horizontalScrollBar()
    start = bar.value()
    p = QPointF(300, 300)
    show_point(window, p)
    start = bar.value()
    from .conftest import mouse

    mid = Qt.MouseButton.MiddleButton
    mouse(window, "press", p, button=mid)
    mouse(window, "move", QPointF(p.x() - 100, p.y()), button=mid)
    mouse(window, "release", QPointF(p.x() - 100, p.y()), button=mid)
    assert bar.value() == start + 100
    assert window.editor.undo_stack.count() == 0  # panning changes nothing in the design
    view.setFocus()
    QTest.keyPress(view, Qt.Key.Key_Space)
    before = bar.value()
    c = view.viewport().rect().center()
    # a drag in viewport coordinates (the view scrolls under the pointer)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=c)
    for _ in range(5):
        c.setX(c.x() + 10)
        _send_move(view, c)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=c)
    QTest.keyRelease(view, Qt.Key.Key_Space)
    assert bar.value() == before - 50
    assert window.scene.selected_node_ids() == []  # no rubber band, no move


def _send_move(view, pos) -> None:  # noqa: ANN001
    from PySide6.QtGui import QMouseEvent

    ev = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(pos), QPointF(view.viewport().mapToGlobal(pos)),
                     Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), ev)


def test_undo_in_the_middle_of_a_drag_cancels_the_drag(window):
    from .conftest import mouse

    load(window, ZONED)
    d = window.editor.design
    window.editor.set_node_fields(["b"], {"name": "B"}, "Rename b")
    start = centre_of(window, "a")
    show_point(window, start)
    mouse(window, "press", start)
    mouse(window, "move", QPointF(start.x() + 200, start.y()))
    window.editor.undo_stack.undo()  # Ctrl+Z while the button is still down
    mouse(window, "move", QPointF(start.x() + 300, start.y()))
    mouse(window, "release", QPointF(start.x() + 300, start.y()))
    assert d.nodes["b"].name == "b" and (d.nodes["a"].x, d.nodes["a"].y) == (60, 120)
    assert window.scene.item_for("a").pos() == QPointF(60, 120)
    assert window.scene.interaction is None


def test_link_labels_keep_off_container_title_strips(window, examples_dir):
    """The "×3 optional" label of multi-az's cache link used to cover eu-west-1b's badge."""
    from PySide6.QtCore import QRectF

    from modeller.model.geometry import CONTAINER_TITLE

    window.open_file(str(examples_dir / "multi-az.arch.json"), ask=False)
    link = window.scene.link_items()[("app", "cache")]
    assert link.has_label and link.label_t != 0.5  # the middle would sit on the strip
    p = link.line.pointAt(link.label_t)
    label = QRectF(p.x() - 45, p.y() - 9, 90, 18)
    zone = window.scene.item_for("eu-west-1b").scene_rect()
    strip = QRectF(zone.x(), zone.y(), zone.width(), CONTAINER_TITLE)
    assert not label.intersects(strip)


def test_paste_keeps_a_replication_link(window):
    """(4b) a copied 'replicates' link keeps its mode and lag (paste used to drop them)."""
    load(window, {"nodes": [{"id": "p", "kind": "database", "x": 0, "y": 0},
                            {"id": "s", "kind": "database", "x": 300, "y": 0}],
                  "links": [{"from": "p", "to": "s", "replicates": True, "mode": "async",
                             "lag_seconds": 5}]})
    d = window.editor.design
    window.scene.select_ids(["p", "s"])
    window.view.setFocus()
    QTest.keySequence(window.view, QKeySequence(QKeySequence.StandardKey.Copy))
    QTest.keySequence(window.view, QKeySequence(QKeySequence.StandardKey.Paste))
    lk = d.link("p-2", "s-2")
    assert lk is not None and lk.replicates and lk.mode == "async" and lk.lag_seconds == 5
