"""One class per mouse gesture, so the scene's event handlers stay thin.

A gesture starts on a mouse press (the scene picks which), receives the moves,
and on release asks the :class:`~modeller.ui.editing.editor.Editor` for exactly one undo
command. While it runs it may move items as a preview; the model is only changed
on release, and the scene then syncs the items to the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QKeyEvent, QPainterPath, QPen, QTextOption
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsTextItem,
)

from ...model import Design, link_problem
from ...model import geometry as geo
from ...render.items.link import arrow_path, clip_to_rect
from ...render.items.note import INSET, MIN_SIZE, note_text
from ..editing.commands import SetNodeFieldsCommand
from . import style
from .items import ChipItem, ContainerItem, NodeItem, NoteItem

GUIDE_TOL = 6.0  # scene px: a box this close to an alignment or equal spacing snaps to it

if TYPE_CHECKING:
    from .scene import DesignScene


class Interaction:
    """A gesture in progress. ``finish`` hands control back to the scene."""

    def __init__(self, scene: DesignScene) -> None:
        self.scene = scene

    def mouse_move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        pass

    def mouse_release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.finish()

    def cancel(self) -> None:
        self.finish()

    def finish(self) -> None:
        self.scene.end_interaction(self)


class MoveInteraction(Interaction):
    """Drag the selected boxes (containers carry what they hold); one "Move" on release.

    While dragging, the dragged box snaps to the edges and centres of the other boxes and
    to equal spacing between its neighbours, and the guides show it. Dropping a spread
    node into a zone it does not use adds that zone to its ``spread`` (the node stays
    where it was: its replica chips show the placement).
    """

    def __init__(self, scene: DesignScene, press: QPointF, node_ids: list[str], anchor: str) -> None:
        super().__init__(scene)
        editor = scene.editor
        self.press = QPointF(press)
        self.tops = editor.top_level(node_ids)
        self.anchor = anchor if anchor in self.tops else (self.tops[0] if self.tops else anchor)
        self.carried = editor._carried(self.tops)
        self.start = {nid: QPointF(scene.item_for(nid).pos()) for nid in self.carried
                      if scene.item_for(nid) is not None}
        self.delta = QPointF(0, 0)
        self.started = False
        self._target: ContainerItem | None = None
        self.guides: list[QGraphicsLineItem] = []
        carried = set(self.carried)
        self._others = [item.scene_rect() for nid, item in scene.node_items().items()
                        if nid not in carried and not isinstance(item, ContainerItem)]

    def _delta_for(self, pos: QPointF) -> QPointF:
        delta = pos - self.press
        if self.scene.snap_to_grid and self.anchor in self.start:
            a0 = self.start[self.anchor]
            delta = QPointF(geo.snap(a0.x() + delta.x()) - a0.x(), geo.snap(a0.y() + delta.y()) - a0.y())
        return delta

    def _anchor_rect(self, delta: QPointF) -> QRectF | None:
        item = self.scene.item_for(self.anchor)
        if item is None or self.anchor not in self.start:
            return None
        return QRectF(self.start[self.anchor] + delta, item.rect().size())

    def mouse_move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        if not self.started:
            if (pos - self.press).manhattanLength() < QApplication.startDragDistance():
                return
            self.started = True
        self.delta = self._delta_for(pos)
        lines: list[QLineF] = []
        rect = self._anchor_rect(self.delta)
        if rect is not None and self.scene.guides_enabled and \
                not modifiers & Qt.KeyboardModifier.AltModifier:
            dx, dy, lines = alignment_guides(rect, self._others)
            self.delta += QPointF(dx, dy)
        for nid, p0 in self.start.items():
            self.scene.item_for(nid).setPos(p0 + self.delta)
        self.scene.adjust_links(self.carried)
        self.scene.sync_chips({nid: _rect_tuple(self.scene.item_for(nid).scene_rect()) for nid in self.start})
        self._show_guides(lines)
        self._show_target()

    def _show_guides(self, lines: list[QLineF]) -> None:
        for g in self.guides[len(lines):]:
            self.scene.removeItem(g)
        del self.guides[len(lines):]
        pen = QPen(style.GUIDE_COLOUR, 1, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        for k, line in enumerate(lines):
            if k < len(self.guides):
                self.guides[k].setLine(line)
                continue
            g = QGraphicsLineItem(line)
            g.setPen(pen)
            g.setZValue(3000)
            g.setData(0, "guide")
            self.scene.addItem(g)
            self.guides.append(g)

    def _show_target(self) -> None:
        item = self.scene.item_for(self.anchor)
        target = None
        if item is not None:
            c = item.scene_rect().center()
            rects = {nid: _rect_tuple(self.scene.item_for(nid).scene_rect()) for nid in self.start}
            cid = geo.container_at(self.scene.design, c.x(), c.y(), exclude=set(self.carried), rects=rects)
            target = self.scene.item_for(cid) if cid else None
        if target is not self._target:
            if self._target is not None:
                self._target.set_highlight(None)
            if target is not None:
                target.set_highlight(style.OK_TARGET)
            self._target = target

    def _clear(self) -> None:
        if self._target is not None:
            self._target.set_highlight(None)
            self._target = None
        self._show_guides([])

    def mouse_release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self._clear()
        self.finish()  # first: the change below must not cancel this gesture
        if self.started and (self.delta.x() or self.delta.y()):
            dx, dy = self.delta.x(), self.delta.y()
            if not drop_moves(self.scene, {nid: (dx, dy) for nid in self.tops}):
                self.scene.sync()  # nothing changed: put the preview back

    def cancel(self) -> None:
        self._clear()
        for nid, p0 in self.start.items():
            self.scene.item_for(nid).setPos(p0)
        self.scene.adjust_links(self.carried)
        self.scene.sync_chips()
        self.finish()


def alignment_guides(rect: QRectF, others: list[QRectF], tol: float = GUIDE_TOL
                     ) -> tuple[float, float, list[QLineF]]:
    """Snap offsets (dx, dy) that align ``rect`` with the nearest edge or centre of
    another box, or space it equally between its neighbours, and the guide lines that
    show it (after the snap)."""
    def xs(r: QRectF) -> list[float]:
        return [r.left(), r.center().x(), r.right()]

    def ys(r: QRectF) -> list[float]:
        return [r.top(), r.center().y(), r.bottom()]

    best_x: float | None = None
    best_y: float | None = None
    for o in others:
        for a in xs(rect):
            for b in xs(o):
                d = b - a
                if abs(d) <= tol and (best_x is None or abs(d) < abs(best_x)):
                    best_x = d
        for a in ys(rect):
            for b in ys(o):
                d = b - a
                if abs(d) <= tol and (best_y is None or abs(d) < abs(best_y)):
                    best_y = d
    lines: list[QLineF] = []
    spacing_x = spacing_y = None
    if best_x is None:
        spacing_x = _equal_gap(rect, others, horizontal=True, tol=tol)
        best_x = spacing_x[0] if spacing_x else None
    if best_y is None:
        spacing_y = _equal_gap(rect, others, horizontal=False, tol=tol)
        best_y = spacing_y[0] if spacing_y else None
    dx, dy = best_x or 0.0, best_y or 0.0
    r = rect.translated(dx, dy)
    for o in others:
        for a in xs(r):
            if any(abs(a - b) < 0.5 for b in xs(o)):
                lines.append(QLineF(a, min(r.top(), o.top()) - 8, a, max(r.bottom(), o.bottom()) + 8))
        for a in ys(r):
            if any(abs(a - b) < 0.5 for b in ys(o)):
                lines.append(QLineF(min(r.left(), o.left()) - 8, a, max(r.right(), o.right()) + 8, a))
    for spacing, horizontal in ((spacing_x, True), (spacing_y, False)):
        if spacing:
            _gap, lo, hi = spacing
            if horizontal:
                y = r.center().y()
                lines.append(QLineF(lo.right(), y, r.left(), y))
                lines.append(QLineF(r.right(), y, hi.left(), y))
            else:
                x = r.center().x()
                lines.append(QLineF(x, lo.bottom(), x, r.top()))
                lines.append(QLineF(x, r.bottom(), x, hi.top()))
    return dx, dy, lines


def _equal_gap(rect: QRectF, others: list[QRectF], horizontal: bool, tol: float
               ) -> tuple[float, QRectF, QRectF] | None:
    """(offset, left/upper neighbour, right/lower neighbour) that centres ``rect`` between
    its nearest neighbours in its row (column), when it is nearly there already."""
    if horizontal:
        row = [o for o in others if o.top() < rect.bottom() and o.bottom() > rect.top()]
        lo = max((o for o in row if o.right() <= rect.left() + tol), key=lambda o: o.right(), default=None)
        hi = min((o for o in row if o.left() >= rect.right() - tol), key=lambda o: o.left(), default=None)
        if lo is None or hi is None:
            return None
        g1, g2 = rect.left() - lo.right(), hi.left() - rect.right()
    else:
        col = [o for o in others if o.left() < rect.right() and o.right() > rect.left()]
        lo = max((o for o in col if o.bottom() <= rect.top() + tol), key=lambda o: o.bottom(), default=None)
        hi = min((o for o in col if o.top() >= rect.bottom() - tol), key=lambda o: o.top(), default=None)
        if lo is None or hi is None:
            return None
        g1, g2 = rect.top() - lo.bottom(), hi.top() - rect.bottom()
    off = (g2 - g1) / 2
    if abs(off) <= tol and g1 + off > 0:
        return off, lo, hi
    return None


def _names(design: Design, ids: list[str]) -> str:
    return ", ".join(design.nodes[z].name if z in design.nodes else z for z in ids)


def spread_summary(design: Design, spread: list[str], replicas: int) -> str:
    """"3 replicas over AZ a, AZ b, AZ c" (and which zones hold none)."""
    from ...render.chips import replica_counts

    counts = replica_counts(spread, replicas)
    empty = [z for z, c in counts.items() if c == 0]
    text = f"{replicas} replica{'s' if replicas != 1 else ''} over {_names(design, list(counts))}"
    if empty:
        text += f" — {_names(design, empty)} holds none: add replicas"
    return text


def drop_moves(scene: DesignScene, deltas: dict[str, tuple[float, float]]) -> bool:
    """The end of a drag, as one undo step: move the boxes; a spread node dropped into a
    zone it does not use gains that zone (and stays where it was). Says what changed."""
    editor, d = scene.editor, scene.design
    tops = editor.top_level(list(deltas))
    rects = geo.all_rects(d)
    spread_adds: dict[str, str] = {}
    for top in tops:
        node = d.nodes[top]
        if node.is_container or node.is_note or not node.spread:
            continue
        dx, dy = deltas[top]
        x, y, w, h = rects[top]
        cx, cy = geo.centre((x + dx, y + dy, w, h))
        zone = geo.container_at(d, cx, cy, exclude={top})
        if zone and zone not in node.spread and d.nodes[zone].kind == d.nodes[node.spread[0]].kind:
            spread_adds[top] = zone
    moving = {t: deltas[t] for t in tops if t not in spread_adds}
    changes: dict[str, dict[str, Any]] = editor.move_changes(moving) if moving else {}
    messages: list[str] = []
    for top, zone in spread_adds.items():
        node = d.nodes[top]
        new = [*node.spread, zone]
        changes[top] = {"spread": new}
        messages.append(f"{node.name} now spread over {d.nodes[zone].name} too: "
                        f"{spread_summary(d, new, node.replicas)}")
    for nid, values in changes.items():
        if "parent" in values and nid in moving:
            p = values["parent"]
            where = d.nodes[p].name if p else "the canvas"
            node = d.nodes[nid]
            if node.spread:
                messages.append(f"Moved {node.name} into {where}; its replicas stay where its "
                                f"chips are: {spread_summary(d, node.spread, node.replicas)}")
            else:
                messages.append(f"Moved {node.name} into {where}")
    if not changes:
        return False
    if spread_adds and not moving:
        if len(spread_adds) == 1:
            (top, zone), = spread_adds.items()
            text = f"Spread {d.nodes[top].name} over {d.nodes[zone].name}"
        else:
            text = f"Spread {len(spread_adds)} nodes"
    else:
        text = f"Move {d.nodes[tops[0]].name}" if len(tops) == 1 else f"Move {len(tops)} nodes"
    editor.push(SetNodeFieldsCommand(d, changes, text))
    for m in messages:
        scene.message.emit(m)
    return True


class ChipInteraction(Interaction):
    """Drag a replica chip to another zone: that zone takes these replicas' place in the
    node's ``spread`` (one undo step); onto a zone it already uses, the two merge; out of
    every zone, the node stops using this one."""

    def __init__(self, scene: DesignScene, chip: ChipItem, press: QPointF) -> None:
        super().__init__(scene)
        self.chip = chip
        self.press = QPointF(press)
        self.start = QPointF(chip.pos())
        self.started = False
        self._target: ContainerItem | None = None

    def _zone_at(self) -> str | None:
        c = self.chip.scene_rect().center()
        return geo.container_at(self.scene.design, c.x(), c.y())

    def mouse_move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        if not self.started:
            if (pos - self.press).manhattanLength() < QApplication.startDragDistance():
                return
            self.started = True
        self.chip.setPos(self.start + (pos - self.press))
        self.chip.follow(self.chip.node_rect)
        zid = self._zone_at()
        target = self.scene.item_for(zid) if zid else None
        target = target if isinstance(target, ContainerItem) else None
        if target is not self._target:
            if self._target is not None:
                self._target.set_highlight(None)
            if target is not None:
                ok = self._valid(zid)
                target.set_highlight(style.OK_TARGET if ok else style.BAD_TARGET)
            self._target = target

    def _valid(self, zid: str | None) -> bool:
        d = self.scene.design
        return zid is None or d.nodes[zid].kind == d.nodes[self.chip.zone_id].kind

    def _clear(self) -> None:
        if self._target is not None:
            self._target.set_highlight(None)
            self._target = None

    def mouse_release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self._clear()
        self.finish()
        zid = self._zone_at() if self.started else self.chip.zone_id
        if not move_chip(self.scene, self.chip.node_id, self.chip.zone_id, zid):
            self.scene.sync_chips()  # back where it belongs

    def cancel(self) -> None:
        self._clear()
        self.finish()
        self.scene.sync_chips()


def move_chip(scene: DesignScene, node_id: str, from_zone: str, to_zone: str | None) -> bool:
    """Edit ``spread`` for a chip dropped in ``to_zone`` (None: outside every zone), as
    one undo step; says what changed. False when nothing changes."""
    d = scene.design
    node = d.nodes.get(node_id)
    if node is None or from_zone not in node.spread or to_zone == from_zone:
        return False
    old = list(node.spread)
    src = d.nodes[from_zone].name
    if to_zone is not None and d.nodes[to_zone].kind != d.nodes[from_zone].kind:
        kind = d.nodes[from_zone].kind
        scene.message.emit(f"Drop the chip inside another {kind} (or outside every region "
                           f"to stop using {src})")
        return False
    if to_zone is None:
        new = [z for z in old if z != from_zone]
        text = f"Stop using {src} for {node.name}"
        what = f"{node.name} no longer uses {src}: " + (
            spread_summary(d, new, node.replicas) if new else
            f"its replicas sit where the node is ({d.nodes[node.parent].name if node.parent else 'no zone'})")
    elif to_zone in old:
        new = [z for z in old if z != from_zone]
        dst = d.nodes[to_zone].name
        text = f"Merge {node.name}'s replicas from {src} into {dst}"
        what = f"{node.name}'s replicas in {src} moved into {dst}: {spread_summary(d, new, node.replicas)}"
    else:
        new = [to_zone if z == from_zone else z for z in old]
        dst = d.nodes[to_zone].name
        text = f"Move {node.name}'s replicas from {src} to {dst}"
        what = f"{node.name}'s replicas moved from {src} to {dst}: {spread_summary(d, new, node.replicas)}"
    scene.editor.push(SetNodeFieldsCommand(d, {node_id: {"spread": new}}, text))
    scene.message.emit(what)
    return True


class NoteEditor(QGraphicsTextItem):
    """Typing into a note in place: Ctrl+Enter or a click elsewhere keeps the text as one
    undo step; Esc drops the edit."""

    def __init__(self, scene: DesignScene, node_id: str) -> None:
        super().__init__()
        self._scene = scene
        self.node_id = node_id
        node = scene.design.nodes[node_id]
        self.original = note_text(node)
        x, y, w, h = geo.node_rect(node)
        self.setPlainText(self.original)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.setTextWidth(w - 2 * INSET + 8)
        self.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignLeft))
        self.setFont(style.font(8.5))
        self.setDefaultTextColor(style.NOTE_TEXT)
        self.setPos(x + INSET - 4, y + INSET - 4)
        self.setZValue(4000)
        self._done = False
        scene.addItem(self)
        item = scene.item_for(node_id)
        if isinstance(item, NoteItem):
            item.setVisible(True)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.setTextCursor(cursor)

    def paint(self, painter, option, widget=None) -> None:  # noqa: ANN001
        painter.fillRect(self.boundingRect(), style.NOTE_FILL)
        painter.setPen(QPen(style.SELECTION, 1.2))
        painter.drawRect(self.boundingRect())
        super().paint(painter, option, widget)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close(keep=False)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.commit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.commit()

    def commit(self) -> None:
        self.close(keep=True)

    def close(self, keep: bool) -> None:
        if self._done:
            return
        self._done = True
        scene = self._scene
        text = self.toPlainText()
        if scene.note_editor is self:
            scene.note_editor = None
        if self.scene() is not None:
            scene.removeItem(self)
        if keep and text != self.original and self.node_id in scene.design.nodes:
            scene.editor.push(SetNodeFieldsCommand(scene.design, {self.node_id: {"text": text}},
                                                   "Edit note"))


class NewLinkInteraction(Interaction):
    """Drag from a node's handle to another node to link them (refusals go to the status bar)."""

    def __init__(self, scene: DesignScene, source: NodeItem, press: QPointF) -> None:
        super().__init__(scene)
        self.source = source
        self.item = QGraphicsPathItem()
        self.item.setPen(QPen(style.SELECTION, 2, Qt.PenStyle.DashLine))
        self.item.setBrush(QBrush(style.SELECTION))
        self.item.setZValue(1000)
        scene.addItem(self.item)
        self._target: NodeItem | ContainerItem | None = None
        self.mouse_move(press, Qt.KeyboardModifier.NoModifier)

    def _target_at(self, pos: QPointF) -> tuple[NodeItem | ContainerItem | None, str | None]:
        node = self.scene.node_item_at(pos, exclude=self.source)
        if node is not None:
            return node, node.node_id
        cid = geo.container_at(self.scene.design, pos.x(), pos.y())
        return (self.scene.item_for(cid), cid) if cid else (None, None)

    def mouse_move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        src = self.source.scene_rect()
        target, tid = self._target_at(pos)
        end = pos
        if isinstance(target, NodeItem):
            end = clip_to_rect(target.scene_rect().center(), src.center(), target.scene_rect())
        start = clip_to_rect(src.center(), end, src)
        line, head = arrow_path(start, end)
        path = QPainterPath(line.p1())
        path.lineTo(line.p2())
        path.addPolygon(head)
        self.item.setPath(path)
        if target is not self._target:
            if self._target is not None:
                self._target.set_highlight(None)
            if target is not None and tid is not None:
                ok = link_problem(self.scene.design, self.source.node_id, tid) is None
                target.set_highlight(style.OK_TARGET if ok else style.BAD_TARGET)
            self._target = target

    def mouse_release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        target, tid = self._target_at(pos)
        self._cleanup()
        self.finish()
        if tid is None:
            self.scene.message.emit("Drop the arrow on another node to link them")
        else:
            self.scene.editor.connect(self.source.node_id, tid)

    def _cleanup(self) -> None:
        if self._target is not None:
            self._target.set_highlight(None)
            self._target = None
        if self.item.scene() is not None:
            self.scene.removeItem(self.item)

    def cancel(self) -> None:
        self._cleanup()
        self.finish()


class RubberBandInteraction(Interaction):
    """Drag on empty canvas to select every box (and link) fully inside the band."""

    def __init__(self, scene: DesignScene, press: QPointF, additive: bool) -> None:
        super().__init__(scene)
        self.press = QPointF(press)
        self.additive = additive
        self.before = set(scene.selectedItems()) if additive else set()
        self.item = QGraphicsRectItem()
        self.item.setPen(QPen(style.SELECTION, 1))
        fill = QColor(style.SELECTION)
        fill.setAlpha(40)
        self.item.setBrush(fill)
        self.item.setZValue(2000)
        scene.addItem(self.item)

    def band(self, pos: QPointF) -> QRectF:
        return QRectF(self.press, pos).normalized()

    def mouse_move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.item.setRect(self.band(pos))

    def mouse_release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        band = self.band(pos)
        self.scene.removeItem(self.item)
        if band.width() > 2 or band.height() > 2:
            self.scene.select_in(band, self.before)
        self.finish()

    def cancel(self) -> None:
        if self.item.scene() is not None:
            self.scene.removeItem(self.item)
        self.finish()


class ResizeInteraction(Interaction):
    """Drag a selected container's or note's corner grip: the box follows the pointer, a
    container never shrinks past what it holds, a note never below ``MIN_SIZE`` (its text
    wraps to the new width as it goes); the release is one "Resize" undo step."""

    def __init__(self, scene: DesignScene, item: ContainerItem | NoteItem, grip: str, press: QPointF) -> None:
        super().__init__(scene)
        self.item = item
        self.grip = grip
        self.press = QPointF(press)
        self.orig = item.scene_rect()
        note = isinstance(item, NoteItem)
        self.inner = None if note else scene.editor.min_container_rect(item.node_id)
        self.min_size = MIN_SIZE if note else geo.CONTAINER_MIN
        self.rect = QRectF(self.orig)

    def mouse_move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        x0, y0, x1, y1 = self.orig.left(), self.orig.top(), self.orig.right(), self.orig.bottom()
        px, py = pos.x(), pos.y()
        if self.scene.snap_to_grid:
            px, py = geo.snap(px), geo.snap(py)
        mw, mh = self.min_size
        if "l" in self.grip:
            x0 = min(px, x1 - mw)
            if self.inner:
                x0 = min(x0, self.inner[0])
        else:
            x1 = max(px, x0 + mw)
            if self.inner:
                x1 = max(x1, self.inner[0] + self.inner[2])
        if "t" in self.grip:
            y0 = min(py, y1 - mh)
            if self.inner:
                y0 = min(y0, self.inner[1])
        else:
            y1 = max(py, y0 + mh)
            if self.inner:
                y1 = max(y1, self.inner[1] + self.inner[3])
        self.rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        if isinstance(self.item, NoteItem):
            self.item.set_size(self.rect.width(), self.rect.height())  # the text rewraps
        else:
            self.item.prepareGeometryChange()
            self.item.w, self.item.h = self.rect.width(), self.rect.height()
        self.item.setPos(self.rect.topLeft())
        self.item._sig = None  # the preview differs from the model until release
        self.item.update()

    def mouse_release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        r = self.rect
        self.finish()
        self.scene.editor.resize(self.item.node_id, (r.x(), r.y(), r.width(), r.height()))
        self.scene.sync()

    def cancel(self) -> None:
        self.item._sig = None
        self.scene.sync()
        self.finish()


def _rect_tuple(r: QRectF) -> geo.Rect:
    return (r.x(), r.y(), r.width(), r.height())


