"""The canvas's scene: the shared diagram (:mod:`modeller.render.scene`) plus gestures.

It subscribes to the Design's change announcements and syncs its items by id
(create, remove, update: :class:`~modeller.render.scene.DiagramScene` does that and
the drawing). Mouse presses pick an interaction from :mod:`.interactions`; the
interaction asks the Editor for one undo command.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
)

from ...model import Design, Role
from ...model import geometry as geo
from ...render.scene import LABEL_LIMIT, MARGIN, BoxItem, DiagramScene  # noqa: F401
from ..editing.editor import KIND_MIME, Editor
from . import style
from .interactions import (
    ChipInteraction,
    Interaction,
    MoveInteraction,
    NewLinkInteraction,
    NoteEditor,
    ResizeInteraction,
    RubberBandInteraction,
)
from .items import ChipItem, ContainerItem, LinkItem, NodeItem, NoteItem


class DesignScene(DiagramScene):
    message = Signal(str)
    nodeActivated = Signal(str)  # double-click on a box

    def __init__(self, editor: Editor, parent=None) -> None:  # noqa: ANN001
        super().__init__(editor.design, parent)
        self.editor = editor
        self.snap_to_grid = True
        self.guides_enabled = True  # alignment guides and spacing hints while dragging
        self.note_editor: NoteEditor | None = None
        self._interaction: Interaction | None = None
        self._drop_target: ContainerItem | None = None
        self._highlighted: set[str] = set()
        # "Fail it" mode: a left click names a part to the handler instead of editing
        self.picking = False
        self._pick_handler: Callable[[str | None], None] | None = None
        self._pick_hover: str | None = None
        editor.message.connect(self.message)
        editor.designReplaced.connect(self.set_design)
        self.selectionChanged.connect(self._update_pool_highlight)
        self.design.subscribe(self._on_changed)
        self.sync()

    # -- mirror the design -------------------------------------------------------
    def set_design(self, design: Design) -> None:
        self.cancel_interaction()
        self.design.unsubscribe(self._on_changed)
        self._replace_design(design)
        design.subscribe(self._on_changed)
        self._pick_hover = None
        self.sync()

    def _on_changed(self, design: Design) -> None:
        if self._interaction is not None and not isinstance(self._interaction, RubberBandInteraction):
            self.cancel_interaction()  # e.g. an undo in the middle of a drag
        self.sync()

    def sync(self) -> None:
        super().sync()
        self._update_pool_highlight()

    # -- "Fail it": pick a part, shade a failure scenario -------------------------------
    def set_pick_mode(self, handler: Callable[[str | None], None] | None) -> None:
        """While a handler is set, a left click (or double-click) passes the id of the node,
        zone or region under it (None: bare canvas) to the handler instead of selecting,
        moving, wiring or resizing; key nudges and palette drops are refused too."""
        self.cancel_interaction()
        self._set_pick_hover(None)
        self._pick_handler = handler
        self.picking = handler is not None
        if self.picking:
            self.clearSelection()
        for item in self._boxes.values():
            item.update()  # link handles show only outside the mode

    def pick_at(self, pos: QPointF) -> str | None:
        """The part a click at ``pos`` means: a box under it, else the innermost container."""
        node = self.node_item_at(pos)
        if node is not None:
            return node.node_id
        for item in self.items(pos):
            if isinstance(item, ContainerItem) and item.shape().contains(item.mapFromScene(pos)):
                return item.node_id
        return geo.container_at(self.design, pos.x(), pos.y())

    def _set_pick_hover(self, node_id: str | None, show: bool = True) -> None:
        """Outline the part a click would fail (only while nothing else highlights it)."""
        if self._pick_hover is not None:
            old = self._boxes.get(self._pick_hover)
            if old is not None and old.highlight == style.FAIL_MODE_COLOUR:
                old.set_highlight(None)
        self._pick_hover = node_id
        item = self._boxes.get(node_id) if node_id else None
        if show and item is not None and item.highlight is None:
            item.set_highlight(style.FAIL_MODE_COLOUR)

    def node_item_at(self, pos: QPointF, exclude: QGraphicsItem | None = None) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem) and item is not exclude and item.rect().contains(item.mapFromScene(pos)):
                return item
        return None

    def selected_node_ids(self) -> list[str]:
        chosen = {i.node_id for i in self.selectedItems()
                  if isinstance(i, (NodeItem, ContainerItem, NoteItem))}
        return [nid for nid in self.design.nodes if nid in chosen]

    def selected_link_keys(self) -> list[tuple[str, str]]:
        chosen = {i.key for i in self.selectedItems() if isinstance(i, LinkItem)}
        return [lk.key for lk in self.design.links if lk.key in chosen]

    def select_ids(self, node_ids: list[str], links: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
        if self.picking:
            return  # nothing is selected while clicks mean "fail it"
        self.blockSignals(True)
        self.clearSelection()
        for nid in node_ids:
            if nid in self._boxes:
                self._boxes[nid].setSelected(True)
        for key in links:
            if key in self._links:
                self._links[key].setSelected(True)
        self.blockSignals(False)
        self.selectionChanged.emit()

    def select_all(self) -> None:
        self.select_ids(list(self._boxes), list(self._links))

    def select_in(self, band: QRectF, keep: set[QGraphicsItem]) -> None:
        """Select every box and arrow fully inside ``band`` (plus ``keep``)."""
        self.blockSignals(True)
        self.clearSelection()
        for item in keep:
            item.setSelected(True)
        for item in self._boxes.values():
            if band.contains(item.scene_rect()):
                item.setSelected(True)
        for item in self._links.values():
            line = item.line
            if band.contains(line.p1()) and band.contains(line.p2()):
                item.setSelected(True)
        self.blockSignals(False)
        self.selectionChanged.emit()

    def _update_pool_highlight(self) -> None:
        """A selected router shows its pool: its targets glow in the pool colour."""
        want: set[str] = set()
        for nid in self.selected_node_ids():
            node = self.design.nodes.get(nid)
            if node is not None and node.role is Role.ROUTER:
                want.update(lk.target for lk in self.design.links_from(nid))
        for nid in self._highlighted - want:
            item = self._boxes.get(nid)
            if isinstance(item, NodeItem) and item.highlight == style.POOL_COLOUR:
                item.set_highlight(None)
        for nid in want:
            item = self._boxes.get(nid)
            if isinstance(item, NodeItem) and item.highlight is None:
                item.set_highlight(style.POOL_COLOUR)
        self._highlighted = want

    # -- gestures ----------------------------------------------------------------
    def start_interaction(self, interaction: Interaction) -> None:
        self.cancel_interaction()
        self._interaction = interaction

    def end_interaction(self, interaction: Interaction) -> None:
        if self._interaction is interaction:
            self._interaction = None

    def cancel_interaction(self) -> None:
        if self._interaction is not None:
            self._interaction.cancel()
        self._interaction = None

    @property
    def interaction(self) -> Interaction | None:
        return self._interaction

    def _pick(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()
        if event.button() != Qt.MouseButton.LeftButton or self._pick_handler is None:
            return
        nid = self.pick_at(event.scenePos())
        self._set_pick_hover(nid, show=False)  # the click's result shows, not the hover outline
        self._pick_handler(nid)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.picking:
            self._pick(event)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pos = event.scenePos()
        additive = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                             | Qt.KeyboardModifier.ShiftModifier
                                             | Qt.KeyboardModifier.MetaModifier))
        if self.note_editor is not None:
            self.note_editor.commit()
        hits = [i for i in self.items(pos)
                if isinstance(i, (NodeItem, ContainerItem, NoteItem, LinkItem, ChipItem))]
        # 1. a link handle on a box
        for item in hits:
            if isinstance(item, NodeItem) and item.handle_at(pos) and not additive:
                self.start_interaction(NewLinkInteraction(self, item, pos))
                event.accept()
                return
            if isinstance(item, NodeItem):
                break
        # 2. a resize grip on a selected container or note
        for item in self._boxes.values():
            if isinstance(item, (ContainerItem, NoteItem)) and item.grip_at(pos):
                self.start_interaction(ResizeInteraction(self, item, item.grip_at(pos) or "br", pos))
                event.accept()
                return
        top = hits[0] if hits else None
        if isinstance(top, ChipItem):  # drag replicas to another zone
            self.select_ids([top.node_id])
            if not additive:
                self.start_interaction(ChipInteraction(self, top, pos))
            event.accept()
            return
        if isinstance(top, (NodeItem, ContainerItem, NoteItem)):
            if additive:
                top.setSelected(not top.isSelected())
            else:
                if not top.isSelected():
                    self.select_ids([top.node_id])
                self.start_interaction(MoveInteraction(self, pos, self.selected_node_ids(), top.node_id))
        elif isinstance(top, LinkItem):
            if additive:
                top.setSelected(not top.isSelected())
            else:
                self.select_ids([], [top.key])
        else:
            if not additive:
                self.clearSelection()
            self.start_interaction(RubberBandInteraction(self, pos, additive))
        event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.picking:
            nid = self.pick_at(event.scenePos())
            if nid != self._pick_hover:
                self._set_pick_hover(nid)
            event.accept()
            return
        if self._interaction is not None:
            self._interaction.mouse_move(event.scenePos(), event.modifiers())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.picking:
            event.accept()
            return
        if self._interaction is not None and event.button() == Qt.MouseButton.LeftButton:
            self._interaction.mouse_release(event.scenePos(), event.modifiers())
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.picking:  # a quick second click restores, as a slow one does
            self._pick(event)
            return
        for item in self.items(event.scenePos()):
            if isinstance(item, NoteItem):
                self.edit_note(item.node_id)
                event.accept()
                return
            if isinstance(item, ChipItem):
                self.nodeActivated.emit(item.node_id)
                event.accept()
                return
            if isinstance(item, (NodeItem, ContainerItem)):
                self.nodeActivated.emit(item.node_id)
                event.accept()
                return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self._interaction is not None:
                self.cancel_interaction()
            else:
                self.clearSelection()
            event.accept()
            return
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                 Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if key in steps and self.picking:
            event.accept()  # no nudging while clicks mean "fail it"
            return
        if key in steps and self.selected_node_ids():
            step = 1.0 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else geo.GRID
            dx, dy = steps[key]
            ids = self.selected_node_ids()
            self.editor.move({nid: (dx * step, dy * step) for nid in ids},
                             text=f"Nudge {len(self.editor.top_level(ids))} node(s)")
            event.accept()
            return
        super().keyPressEvent(event)

    # -- palette drops -----------------------------------------------------------
    def _kind_of(self, event: QGraphicsSceneDragDropEvent) -> str | None:
        md = event.mimeData()
        if md is None or not md.hasFormat(KIND_MIME):
            return None
        return bytes(md.data(KIND_MIME).data()).decode("utf-8")

    def _show_drop_target(self, pos: QPointF | None) -> None:
        cid = geo.container_at(self.design, pos.x(), pos.y()) if pos is not None else None
        item = self._boxes.get(cid) if cid else None
        target = item if isinstance(item, ContainerItem) else None
        if target is not self._drop_target:
            if self._drop_target is not None:
                self._drop_target.set_highlight(None)
            if target is not None:
                target.set_highlight(style.OK_TARGET)
            self._drop_target = target

    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        if self._kind_of(event) and not self.picking:
            event.acceptProposedAction()
            self._show_drop_target(event.scenePos())
        else:
            event.ignore()

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        if self._kind_of(event) and not self.picking:
            event.acceptProposedAction()
            self._show_drop_target(event.scenePos())
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        self._show_drop_target(None)
        event.accept()

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        kind = self._kind_of(event)
        self._show_drop_target(None)
        if not kind or self.picking:
            event.ignore()
            return
        pos = event.scenePos()
        self.add_kind_at(kind, pos)
        event.acceptProposedAction()

    def edit_note(self, node_id: str) -> None:
        """Type into a note in place; Ctrl+Enter or a click elsewhere keeps the words
        (one undo step), Esc drops them."""
        if node_id not in self.design.nodes or not self.design.nodes[node_id].is_note:
            return
        if self.note_editor is not None:
            self.note_editor.commit()
        self.note_editor = NoteEditor(self, node_id)

    def add_kind_at(self, kind: str, pos: QPointF) -> str:
        nid = self.editor.add_node(kind, pos.x(), pos.y())
        self.select_ids([nid])
        return nid
