"""One class per mouse gesture, so the scene's event handlers stay thin.

A gesture starts on a mouse press (the scene picks which), receives the moves,
and on release asks the :class:`~modeller.ui.editor.Editor` for exactly one undo
command. While it runs it may move items as a preview; the model is only changed
on release, and the scene then syncs the items to the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QApplication, QGraphicsPathItem, QGraphicsRectItem

from ...model import geometry as geo
from ...model import link_problem
from . import style
from .items import ContainerItem, NodeItem
from .items.link import arrow_path, clip_to_rect

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
    """Drag the selected boxes (containers carry what they hold); one "Move" on release."""

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

    def _delta_for(self, pos: QPointF) -> QPointF:
        delta = pos - self.press
        if self.scene.snap_to_grid and self.anchor in self.start:
            a0 = self.start[self.anchor]
            delta = QPointF(geo.snap(a0.x() + delta.x()) - a0.x(), geo.snap(a0.y() + delta.y()) - a0.y())
        return delta

    def mouse_move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        if not self.started:
            if (pos - self.press).manhattanLength() < QApplication.startDragDistance():
                return
            self.started = True
        self.delta = self._delta_for(pos)
        for nid, p0 in self.start.items():
            self.scene.item_for(nid).setPos(p0 + self.delta)
        self.scene.adjust_links(self.carried)
        self._show_target()

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

    def mouse_release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self._clear()
        self.finish()  # first: the change below must not cancel this gesture
        if self.started and (self.delta.x() or self.delta.y()):
            dx, dy = self.delta.x(), self.delta.y()
            self.scene.editor.move({nid: (dx, dy) for nid in self.tops})

    def cancel(self) -> None:
        self._clear()
        for nid, p0 in self.start.items():
            self.scene.item_for(nid).setPos(p0)
        self.scene.adjust_links(self.carried)
        self.finish()


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
    """Drag a selected container's corner grip; it never shrinks past what it holds."""

    def __init__(self, scene: DesignScene, item: ContainerItem, grip: str, press: QPointF) -> None:
        super().__init__(scene)
        self.item = item
        self.grip = grip
        self.press = QPointF(press)
        self.orig = item.scene_rect()
        self.inner = scene.editor.min_container_rect(item.node_id)
        self.rect = QRectF(self.orig)

    def mouse_move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        x0, y0, x1, y1 = self.orig.left(), self.orig.top(), self.orig.right(), self.orig.bottom()
        px, py = pos.x(), pos.y()
        if self.scene.snap_to_grid:
            px, py = geo.snap(px), geo.snap(py)
        mw, mh = geo.CONTAINER_MIN
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


