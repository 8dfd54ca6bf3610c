"""Presets in the editor: the drag payload, adding a preset node as one undo step, and the
hook that lets a preset dropped on the canvas arrive with its fields.

A palette drag of a preset carries the ordinary kind payload (so any drop handler that
knows kinds still works) plus the preset id under :data:`PRESET_MIME`. The canvas
scene's own drop handler only reads the kind, so :func:`install_presets` puts a small
event filter on the canvas viewport that takes preset drops first and adds the node
through :func:`add_preset_node` — the same macro (add the node, grow the container it
lands in) that a kind drop pushes, so one undo removes it.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QObject, QPointF
from PySide6.QtGui import QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from ...model import KIND_LABELS, Design, Node
from ...model.presets import Preset, format_percent, get_preset, node_from_preset
from .editor import KIND_MIME, Editor, drop_rect

PRESET_MIME = "application/x-modeller-preset"
_TOLERANCE = 1e-12  # relative: a figure re-typed as "99.95 %" still equals 0.9995


def preset_mime(preset: Preset) -> QMimeData:
    """What a palette drag of ``preset`` carries: its kind (as a kind drag does) and its id."""
    md = QMimeData()
    md.setData(KIND_MIME, preset.kind.encode("utf-8"))
    md.setData(PRESET_MIME, preset.id.encode("utf-8"))
    md.setText(preset.label)
    return md


def preset_of(md: QMimeData | None) -> Preset | None:
    """The preset a drag payload names (None for a plain kind drag or an unknown id)."""
    if md is None or not md.hasFormat(PRESET_MIME):
        return None
    return get_preset(bytes(md.data(PRESET_MIME).data()).decode("utf-8"))


def short_name(preset: Preset) -> str:
    """The label without a trailing note in brackets: fits a canvas box ("RDS Multi-AZ")."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", preset.label).strip()
    return name or preset.label


def _free_name(design: Design, name: str) -> str:
    taken = {n.name for n in design.nodes.values()}
    if name not in taken:
        return name
    i = 2
    while f"{name} {i}" in taken:
        i += 1
    return f"{name} {i}"


def new_preset_node(design: Design, preset: Preset, x: float, y: float,
                    visible: tuple[float, float, float, float] | None = None) -> Node:
    """A node following ``preset`` at (x, y) (see :func:`~modeller.ui.editing.editor.drop_rect`),
    with a fresh id and a unique short name."""
    nid = design.new_id(preset.kind.replace("_", "-"))
    left, top, w, h = drop_rect(preset.kind, x, y, visible)
    node = node_from_preset(preset, nid, name=_free_name(design, short_name(preset)), x=left, y=top)
    if node.is_container:
        node.w, node.h = w, h
    return node


def add_preset_node(editor: Editor, preset: Preset, x: float, y: float) -> str:
    """Drop ``preset`` at a scene point as one undo step; inside a region/zone it is placed there.

    Mirrors :meth:`Editor.add_node` (the containers it lands in grow to fit) so a
    preset behaves exactly like a kind, plus its fields and ``preset`` id.
    """
    d = editor.design
    node = new_preset_node(d, preset, x, y, editor.visible())
    editor.place_node(node, x, y, f"Add {node.name} ({preset.provider_label} preset)")
    where = f" in {d.nodes[node.parent].name}" if node.parent else ""
    figure = f"{format_percent(preset.availability)} " if preset.availability is not None else ""
    hint = "" if node.is_container else " — drag from a node's edge dot to it to depend on it"
    editor.message.emit(f"Added {node.name}{where} ({preset.provider_label} preset, "
                        f"{figure}{KIND_LABELS[preset.kind].lower()}){hint}")
    return node.id


def preset_differences(node: Node, preset: Preset) -> list[str]:
    """The preset's fields this node no longer has (empty: it still follows the preset)."""
    out: list[str] = []
    for key, value in preset.fields.items():
        mine: Any = getattr(node, key, None)
        if key == "availability" and node.mtbf_hours is not None and node.mttr_hours is not None:
            out.append(key)  # MTBF/MTTR override the preset's availability
            continue
        if isinstance(value, float) and isinstance(mine, (int, float)) and not isinstance(mine, bool):
            if abs(float(mine) - value) > _TOLERANCE * max(1.0, abs(value)):
                out.append(key)
        elif mine != value:
            out.append(key)
    return out


def apply_command_changes(nodes: list[Node], preset: Preset) -> dict[str, dict[str, Any]]:
    """Per-node field changes applying ``preset`` to every node of its kind (for one command)."""
    from ...model.presets import apply_preset

    return {n.id: apply_preset(n, preset) for n in nodes if n.kind == preset.kind}


class _PresetDropFilter(QObject):
    """Takes preset drops on the canvas viewport before the scene's kind-only handler."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.Drop or not isinstance(event, QDropEvent):
            return False
        preset = preset_of(event.mimeData())
        if preset is None:
            return False
        view = self.window.view
        # let the scene drop its drop-target highlight, as a finished drag would
        QApplication.sendEvent(view.viewport(), QDragLeaveEvent())
        pos = view.mapToScene(event.position().toPoint())
        add_preset_at(self.window, preset, pos)
        event.acceptProposedAction()
        return True


def add_preset_at(window: Any, preset: Preset, pos: QPointF) -> str:
    """Add ``preset`` at a scene point of ``window``'s canvas and select it."""
    nid = add_preset_node(window.editor, preset, pos.x(), pos.y())
    window.scene.select_ids([nid])
    return nid


def add_preset_at_centre(window: Any, preset_id: str) -> str | None:
    """Double-click on a palette preset: add it at the centre of the view."""
    preset = get_preset(preset_id)
    if preset is None:
        return None
    c = window.view.mapToScene(window.view.viewport().rect().center())
    return add_preset_at(window, preset, QPointF(c))


def install_presets(window: Any) -> None:
    """Wire the palette's presets to ``window``: drops on the canvas and double-clicks."""
    if getattr(window, "_preset_drop_filter", None) is not None:
        return
    filt = _PresetDropFilter(window)
    window.view.viewport().installEventFilter(filt)
    window._preset_drop_filter = filt
    signal = getattr(window.palette, "presetActivated", None)
    if signal is not None:
        signal.connect(lambda pid: add_preset_at_centre(window, pid))


__all__ = [
    "PRESET_MIME", "add_preset_at", "add_preset_at_centre", "add_preset_node",
    "apply_command_changes", "install_presets", "new_preset_node", "preset_differences",
    "preset_mime", "preset_of", "short_name",
]
