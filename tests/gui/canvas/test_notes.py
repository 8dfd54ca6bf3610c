"""Notes: the properties panel shows only their text; they resize from corner grips; the
exports draw them at their size with the text wrapped inside."""

from __future__ import annotations

import json
import math
import re

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from modeller.export import export_bytes
from modeller.export.diagram import MARGIN, PAD, diagram_scene, render_image
from modeller.model import design_from_dict
from modeller.model.io import dumps_design
from modeller.render import style
from modeller.render.items.note import GRIP, INSET, MIN_SIZE
from modeller.ui.canvas.items import NoteItem
from modeller.ui.panels.note_text import NoteTextEdit

from ..conftest import centre_of, click, drag, load, show_point

TEXT = "Ask finance about the DR budget.\nDecision due Friday."
LONG = ("Ask finance about the DR budget before Friday.\nDecision: keep the standby database in "
        "zone B; revisit after the load test (owner: Priya).")
NOTED = {
    "nodes": [
        {"id": "users", "kind": "client", "x": 0, "y": 0, "demand_rps": 10},
        {"id": "web", "kind": "service", "x": 300, "y": 0, "availability": 0.99},
        {"id": "n1", "kind": "note", "x": 0, "y": 200, "w": 200, "h": 90, "text": TEXT},
    ],
    "links": [{"from": "users", "to": "web"}],
}


def _select(window, ids: list[str]) -> None:  # noqa: ANN001
    window.scene.select_ids(ids)
    window.properties.set_selection(ids, [])


def test_a_selected_note_shows_only_its_text(window):
    load(window, NOTED)
    click(window, centre_of(window, "n1"))
    panel = window.properties
    assert panel.node_ids == ["n1"]
    assert list(panel.editors) == ["text"]
    edit = panel.editors["text"]
    assert isinstance(edit, NoteTextEdit) and edit.toPlainText() == TEXT
    assert panel.title.text() == "Note"
    # no availability, replicas, cost, preset box or analysis figures anywhere in the panel
    assert panel.scroll.widget().findChildren(QLineEdit) == []
    assert panel.numbers is None and panel.preset_box is None and panel.spread_picker is None


def test_typing_in_the_note_box_is_one_undo_step(window, qtbot):
    d = load(window, NOTED)
    _select(window, ["n1"])
    edit = window.properties.editors["text"]
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, " OK")
    assert d.nodes["n1"].extra["text"] == TEXT  # not yet: kept on leaving the box
    count = window.editor.undo_stack.count()
    window.view.setFocus()  # leaving the box keeps the text
    qtbot.waitUntil(lambda: not edit.hasFocus())
    assert d.nodes["n1"].extra["text"] == TEXT + " OK"
    assert window.editor.undo_stack.count() == count + 1
    assert window.editor.undo_stack.undoText() == "Edit note"
    assert [f.shown for f in window.scene.item_for("n1").fits][-1].endswith("Friday. OK")
    window.editor.undo_stack.undo()
    assert d.nodes["n1"].extra["text"] == TEXT
    assert edit.toPlainText() == TEXT  # the box follows the undo
    window.editor.undo_stack.redo()
    assert edit.toPlainText() == TEXT + " OK"


def test_ctrl_enter_keeps_and_esc_puts_back(window, qtbot):
    d = load(window, NOTED)
    _select(window, ["n1"])
    edit = window.properties.editors["text"]
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    qtbot.keyClicks(edit, "Budget approved")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.toPlainText() == TEXT and d.nodes["n1"].extra["text"] == TEXT
    edit.selectAll()
    qtbot.keyClicks(edit, "Budget approved")
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert d.nodes["n1"].extra["text"] == "Budget approved"
    assert edit.toPlainText() == "Budget approved"  # Ctrl+Enter adds no line


def test_notes_beside_other_nodes_are_left_out_of_the_fields(window):
    d = load(window, {**NOTED, "nodes": NOTED["nodes"] + [
        {"id": "api", "kind": "service", "x": 600, "y": 0, "availability": 0.99}]})
    _select(window, ["web", "api", "n1"])
    panel = window.properties
    assert panel.node_ids == ["web", "api"]
    assert "note left out" in panel.subtitle.text()
    assert panel.commit("availability", "99.5 %")
    assert d.nodes["web"].availability == d.nodes["api"].availability == 0.995
    assert d.nodes["n1"].availability == 1.0  # the note kept its default, not 0.995
    _select(window, ["n1"])
    assert list(panel.editors) == ["text"]


def test_two_notes_ask_for_one(window):
    load(window, {**NOTED, "nodes": NOTED["nodes"] + [
        {"id": "n2", "kind": "note", "x": 300, "y": 200, "text": "second"}]})
    _select(window, ["n1", "n2"])
    panel = window.properties
    assert panel.editors == {} and panel.title.text() == "2 notes selected"


def _grip(window, node_id: str, corner: str) -> QPointF:  # noqa: ANN001
    item = window.scene.item_for(node_id)
    return item.mapToScene(item.grips()[corner])


def test_dragging_a_notes_grip_resizes_it_as_one_undo_step(window):
    d = load(window, NOTED)
    click(window, centre_of(window, "n1"))
    item = window.scene.item_for("n1")
    assert isinstance(item, NoteItem) and item.isSelected()
    lines_before = sum(len(f.lines) for f in item.fits)
    br = _grip(window, "n1", "br")
    assert (br.x(), br.y()) == (200.0, 290.0)  # x + w, y + h
    show_point(window, br)
    count = window.editor.undo_stack.count()
    drag(window, br, QPointF(360, 340))  # on the 10 px grid: w = 360 - 0, h = 340 - 200
    n = d.nodes["n1"]
    assert (n.x, n.y, n.w, n.h) == (0, 200, 360, 140)
    assert window.editor.undo_stack.count() == count + 1
    assert window.editor.undo_stack.undoText().startswith("Resize")
    assert (item.w, item.h) == (360, 140)
    saved = {n["id"]: n for n in json.loads(dumps_design(d))["nodes"]}["n1"]
    assert (saved["w"], saved["h"]) == (360, 140)  # the size is in the file
    # narrower: the first paragraph wraps onto more lines, each inside the note
    tl = _grip(window, "n1", "tl")
    drag(window, tl, QPointF(240, 200))
    assert (n.x, n.y, n.w, n.h) == (240, 200, 120, 140)
    lines_after = sum(len(f.lines) for f in item.fits)
    assert lines_after > lines_before
    assert all(f.width <= 120 - 2 * INSET + 1e-9 for f in item.fits)
    window.editor.undo_stack.undo()
    assert (n.x, n.y, n.w, n.h) == (0, 200, 360, 140)
    window.editor.undo_stack.undo()
    assert (n.x, n.y, n.w, n.h) == (0, 200, 200, 90)
    assert (item.w, item.h) == (200, 90)


def test_a_note_never_shrinks_below_its_minimum(window):
    d = load(window, NOTED)
    click(window, centre_of(window, "n1"))
    br = _grip(window, "n1", "br")
    show_point(window, br)
    drag(window, br, QPointF(-200, 100))  # far past the top-left corner
    n = d.nodes["n1"]
    assert (n.x, n.y, n.w, n.h) == (0, 200, *MIN_SIZE)


def test_grips_only_when_selected(window):
    load(window, NOTED)
    item = window.scene.item_for("n1")
    assert item.grip_at(QPointF(200, 290)) is None  # not selected: no grip
    click(window, centre_of(window, "n1"))
    assert item.grip_at(QPointF(200 + GRIP, 290 - GRIP)) == "br"
    assert item.grip_at(QPointF(100, 245)) is None  # the middle is the body


ALONE = {"nodes": [{"id": "n", "kind": "note", "x": 0, "y": 0, "w": 300, "h": 160, "text": TEXT}],
         "links": []}


def test_exports_draw_the_note_at_its_size(qapp):  # noqa: ANN001
    d = design_from_dict({"format": "modeller.design", "version": 1, "name": "Notes", **ALONE})
    QApplication.processEvents()
    scene = diagram_scene(d, None)
    source = scene.itemsBoundingRect()
    # the note's box (300 x 160) plus the grip margin on each side
    assert (source.width(), source.height()) == (300 + 2 * (GRIP + 2), 160 + 2 * (GRIP + 2))
    image = render_image(d, None, scale=1.0, legend=False)
    left = MARGIN + PAD + (GRIP + 2)  # where the scene's x = 0 lands on the page
    assert image.width() == math.ceil(2 * MARGIN + 2 * PAD + source.width())

    def at(x: float, y: float):  # noqa: ANN202
        return image.pixelColor(round(left + x), round(left + y))

    fill = style.NOTE_FILL
    for x, y in ((280, 20), (20, 140), (250, 120)):  # inside 300 x 160, clear of the text
        c = at(x, y)
        assert max(abs(c.red() - fill.red()), abs(c.green() - fill.green()), abs(c.blue() - fill.blue())) <= 3
    c = at(320, 80)  # beyond its right edge: the page
    assert (c.red(), c.green(), c.blue()) == (255, 255, 255)
    png = export_bytes("png", d, None, scale=1.0)
    assert png.startswith(b"\x89PNG")
    svg = export_bytes("svg", d, None).decode()
    # 300 px wide: the first sentence is one line; 160 px (the default) wraps it
    assert "Ask finance about the DR budget." in svg
    default_size = {k: v for k, v in ALONE["nodes"][0].items() if k not in ("w", "h")}
    long_text = {**default_size, "id": "long", "x": 300, "text": LONG}
    narrow = design_from_dict({"format": "modeller.design", "version": 1, "name": "Notes",
                               "nodes": [default_size, long_text], "links": []})
    narrow_svg = export_bytes("svg", narrow, None).decode()
    # the text stays inside the default 160 px note in an export too (elided, never wider)
    note = next(i for i in diagram_scene(narrow, None).items() if isinstance(i, NoteItem) and i.node_id == "long")
    assert (note.w, note.h) == (160, 92) and note.fits
    assert all(f.width <= 160 - 2 * INSET for f in note.fits)
    assert note.fits[-1].lines[-1].endswith("…")
    assert "Ask finance about the DR budget." not in narrow_svg
    assert re.search(r"Ask finance", narrow_svg)
