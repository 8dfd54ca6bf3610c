"""The editing operations behind every gesture and menu item, each one undo command.

The scene's interactions and the main window's actions call these; they build
commands from :mod:`modeller.ui.editing.commands` and push them on the undo stack. This
is the only place that decides *what* a gesture changes in the Design (orange's
``document/schemeedit.py`` plays the same part).
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ...model import KIND_LABELS, Design, DesignError, Link, Node, design_from_dict, link_problem
from ...model import geometry as geo
from ...model.io import link_to_dict, node_to_dict
from .commands import (
    AddLinkCommand,
    AddNodeCommand,
    MacroCommand,
    SetDesignCommand,
    SetLinkFieldsCommand,
    SetNodeFieldsCommand,
    delete_command,
)

FRAGMENT_MIME = "application/x-modeller-fragment"
KIND_MIME = "application/x-modeller-kind"

# what a new node starts with, so a dropped box already means something
NEW_NODE_DEFAULTS: dict[str, dict[str, Any]] = {
    "client": {"demand_rps": 100.0, "slo": {"availability": 0.999}},
    "service": {"availability": 0.999},
    "database": {"availability": 0.9995},
    "cache": {"availability": 0.999},
    "queue": {"availability": 0.9995},
    "storage": {"availability": 0.9999},
    "external": {"availability": 0.999},
    "load_balancer": {"availability": 0.9999},
    "dns": {"availability": 0.99999},
    "region": {"availability": 0.9999},
    "zone": {"availability": 0.9995},
}

# A region or zone dropped on the canvas: a size that holds a few boxes without covering
# the view (the loader's defaults, 760 × 480, are for files that give no size), placed
# with its title strip under the cursor and kept inside the visible part of the canvas.
DROP_SIZE: dict[str, tuple[float, float]] = {"region": (520.0, 340.0), "zone": (260.0, 200.0)}
DROP_GRIP = (24.0, 14.0)  # where the cursor sits in the dropped box: its title strip, left
VIEW_MARGIN = 16.0


def drop_rect(kind: str, x: float, y: float,
              visible: tuple[float, float, float, float] | None = None) -> geo.Rect:
    """Where a dropped node goes: a box centred on (x, y); a region/zone with its top-left
    near the cursor, at :data:`DROP_SIZE`, shrunk and shifted to stay inside ``visible``
    (the scene rectangle the view shows) when that is known."""
    if kind not in DROP_SIZE:
        w, h = geo.default_size(kind)
        return geo.snap(x - w / 2), geo.snap(y - h / 2), w, h
    w, h = DROP_SIZE[kind]
    left, top = x - DROP_GRIP[0], y - DROP_GRIP[1]
    if visible is not None:
        vx, vy, vw, vh = visible
        m = VIEW_MARGIN
        w = max(geo.CONTAINER_MIN[0], min(w, math.floor((vw - 2 * m) / geo.GRID) * geo.GRID))
        h = max(geo.CONTAINER_MIN[1], min(h, math.floor((vh - 2 * m) / geo.GRID) * geo.GRID))
        left = max(vx + m, min(left, vx + vw - m - w))
        top = max(vy + m, min(top, vy + vh - m - h))
    left, top = geo.snap(left), geo.snap(top)
    if visible is not None:  # snapping must not push the far edge out of view
        vx, vy, vw, vh = visible
        while left + w > vx + vw and left - geo.GRID >= vx:
            left -= geo.GRID
        while top + h > vy + vh and top - geo.GRID >= vy:
            top -= geo.GRID
    return left, top, w, h


def free_name(taken: set[str], name: str) -> str:
    """``name``, or "Zone 2", "Zone 3" … when it is taken ("Zone 2" taken gives "Zone 3")."""
    if name not in taken:
        return name
    base = re.sub(r"\s+\d+$", "", name) or name
    i = 2
    while f"{base} {i}" in taken:
        i += 1
    return f"{base} {i}"


class Editor(QObject):
    """Owns the current Design and its undo stack; turns gestures into commands."""

    designReplaced = Signal(object)  # the new Design
    message = Signal(str)  # a short note for the status bar

    def __init__(self, design: Design | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self._design = design if design is not None else Design()
        self._document: Design | None = None  # the base while a variant is shown (ui/variants)
        self.paste_count = 0
        # the scene rectangle the canvas shows (x, y, w, h), set by the window: a dropped
        # region or zone is kept inside it
        self.visible_rect: Callable[[], tuple[float, float, float, float] | None] | None = None

    @property
    def design(self) -> Design:
        return self._design

    @property
    def document(self) -> Design:
        """The design the file holds, with its variants: the shown design, or the base
        while a variant of it is shown (what Save and autosave write)."""
        return self._document if self._document is not None else self._design

    def show_design(self, design: Design, document: Design) -> None:
        """Show another option of the same document (a variant, or the base again) without
        clearing the undo history (ui/variants: switching is itself an undo step)."""
        self._design = design
        self._document = None if design is document else document
        self.designReplaced.emit(design)

    def set_design(self, design: Design) -> None:
        """Replace the whole document (open, new, recover): the undo history starts afresh."""
        self.undo_stack.clear()
        self._design = design
        self._document = None
        self.paste_count = 0
        self.designReplaced.emit(design)

    def push(self, command: QUndoCommand | None) -> None:
        if command is not None:
            self.undo_stack.push(command)

    # -- nodes -------------------------------------------------------------------
    def new_node(self, kind: str, x: float, y: float) -> Node:
        """A fresh node of ``kind`` centred on (x, y), with a unique id and a readable name."""
        d = self.design
        nid = d.new_id(kind.replace("_", "-"))
        label = KIND_LABELS.get(kind, kind)
        suffix = nid[len(kind):].replace("-", " ") if nid != kind.replace("_", "-") else ""
        node = Node(id=nid, kind=kind, name=f"{label}{suffix}")
        for key, value in NEW_NODE_DEFAULTS.get(kind, {}).items():
            setattr(node, key, copy.deepcopy(value))
        node.x, node.y, w, h = drop_rect(kind, x, y, self.visible())
        if node.is_container:
            node.w, node.h = w, h
        return node

    def visible(self) -> tuple[float, float, float, float] | None:
        """The scene rectangle the canvas shows, when a window said how to ask."""
        return self.visible_rect() if self.visible_rect is not None else None

    def add_node(self, kind: str, x: float, y: float) -> str:
        """Drop a new node at a scene point; inside a region/zone it is placed there."""
        node = self.new_node(kind, x, y)
        self.place_node(node, x, y, f"Add {node.name}")
        where = f" in {self.design.nodes[node.parent].name}" if node.parent else ""
        self.message.emit(f"Added {node.name}{where}")
        return node.id

    def place_node(self, node: Node, x: float, y: float, text: str) -> None:
        """Add ``node`` as one undo step, inside the region/zone under (x, y); the
        containers it lands in grow to hold it."""
        d = self.design
        node.parent = geo.container_at(d, x, y)
        macro = MacroCommand(d, text)
        AddNodeCommand(d, node, parent=macro)
        if node.parent:
            rects = geo.all_rects(d)
            rects[node.id] = geo.node_rect(node)
            probe = d.copy()
            probe.add_node(node.copy())
            grow = geo.grow_to_fit(probe, [node.parent], rects)
            if grow:
                SetNodeFieldsCommand(d, grow, "Grow container", parent=macro)
        self.push(macro)

    def delete(self, node_ids: list[str], links: list[tuple[str, str]] | None = None) -> None:
        self.push(delete_command(self.design, list(node_ids), list(links or [])))

    def set_node_fields(self, node_ids: list[str], values: dict[str, Any], text: str) -> None:
        changes = {nid: dict(values) for nid in node_ids if nid in self.design.nodes}
        changes = {nid: v for nid, v in changes.items()
                   if any(getattr(self.design.nodes[nid], k, object()) != val for k, val in v.items())}
        if changes:
            self.push(SetNodeFieldsCommand(self.design, changes, text))

    def set_link_fields(self, keys: list[tuple[str, str]], values: dict[str, Any], text: str) -> None:
        changes = {k: dict(values) for k in keys if self.design.link(*k) is not None}
        if changes:
            self.push(SetLinkFieldsCommand(self.design, changes, text))

    def set_design_fields(self, name: str | None = None, default_mttr_hours: float | None = None,
                          text: str = "Edit design") -> None:
        self.push(SetDesignCommand(self.design, name, default_mttr_hours, text))

    # -- links -------------------------------------------------------------------
    def connect(self, source: str, target: str) -> str | None:
        """Link source -> target; returns why it was refused (None when linked)."""
        problem = link_problem(self.design, source, target)
        if problem:
            self.message.emit(f"Cannot link: {problem}")
            return problem
        self.push(AddLinkCommand(self.design, Link(source, target)))
        s, t = self.design.nodes[source], self.design.nodes[target]
        note = " (added to its pool)" if s.role.value == "router" else ""
        self.message.emit(f"Linked {s.name} → {t.name}{note}")
        return None

    # -- moving ------------------------------------------------------------------
    def _carried(self, node_ids: list[str]) -> list[str]:
        """The ids a move of ``node_ids`` carries: each with everything inside it."""
        out: list[str] = []
        for nid in node_ids:
            for m in [nid, *self.design.descendants(nid)]:
                if m not in out:
                    out.append(m)
        return out

    def top_level(self, node_ids: list[str]) -> list[str]:
        """Drop ids already carried by another selected container."""
        chosen = set(node_ids)
        return [n for n in node_ids if n in self.design.nodes
                and not any(a in chosen for a in self.design.ancestors(n))]

    def move_changes(self, deltas: dict[str, tuple[float, float]], reparent: bool = True
                     ) -> dict[str, dict[str, Any]]:
        """Field changes for moving nodes by per-node deltas (contents follow containers).

        With ``reparent``, a moved node whose centre lands in another region/zone is
        placed there (or on the bare canvas), and the containers it lands in grow to fit.
        """
        d = self.design
        tops = self.top_level(list(deltas))
        rects = geo.all_rects(d)
        changes: dict[str, dict[str, Any]] = {}
        moved: set[str] = set()
        for top in tops:
            dx, dy = deltas[top]
            for nid in self._carried([top]):
                n = d.nodes[nid]
                if nid in moved:
                    continue
                moved.add(nid)
                if dx or dy:
                    changes.setdefault(nid, {}).update({"x": n.x + dx, "y": n.y + dy})
                    x, y, w, h = rects[nid]
                    rects[nid] = (x + dx, y + dy, w, h)
        if not reparent:
            return changes
        probe = d.copy()
        grow_ids: list[str] = []
        for top in tops:
            cx, cy = geo.centre(rects[top])
            new_parent = geo.container_at(d, cx, cy, exclude=moved, rects=rects)
            if new_parent != d.nodes[top].parent:
                changes.setdefault(top, {})["parent"] = new_parent
                probe.nodes[top].parent = new_parent
            if new_parent:
                grow_ids.append(new_parent)
        grow = geo.grow_to_fit(probe, grow_ids, rects)
        for cid, values in grow.items():
            changes.setdefault(cid, {}).update(values)
        return changes

    def move(self, deltas: dict[str, tuple[float, float]], text: str | None = None,
             reparent: bool = True) -> None:
        """One undoable move (the end of a drag, a nudge or an alignment)."""
        changes = self.move_changes(deltas, reparent)
        if not changes:
            return
        if text is None:
            tops = self.top_level(list(deltas))
            text = f"Move {self.design.nodes[tops[0]].name}" if len(tops) == 1 else \
                f"Move {len(tops)} nodes"
        self.push(SetNodeFieldsCommand(self.design, changes, text))
        for nid, values in changes.items():
            if "parent" in values:
                p = values["parent"]
                where = self.design.nodes[p].name if p else "the canvas"
                self.message.emit(f"Moved {self.design.nodes[nid].name} into {where}")

    def resize(self, node_id: str, rect: geo.Rect) -> None:
        x, y, w, h = rect
        n = self.design.nodes[node_id]
        old = geo.node_rect(n)
        if (x, y, w, h) == old:
            return
        self.push(SetNodeFieldsCommand(self.design, {node_id: {"x": x, "y": y, "w": w, "h": h}},
                                       f"Resize {n.name}"))

    def min_container_rect(self, node_id: str) -> geo.Rect | None:
        """The smallest box a container can shrink to and still hold what is inside."""
        inner = geo.children_bounds(self.design, node_id)
        if inner is None:
            return None
        return (inner[0] - geo.PAD, inner[1] - geo.PAD - geo.CONTAINER_TITLE,
                inner[2] + 2 * geo.PAD, inner[3] + 2 * geo.PAD + geo.CONTAINER_TITLE)

    # -- arrange -----------------------------------------------------------------
    def align(self, node_ids: list[str], mode: str) -> None:
        """Align or distribute the selected boxes (contents follow their containers)."""
        tops = self.top_level(node_ids)
        if len(tops) < 2 or (mode.startswith("distribute") and len(tops) < 3):
            self.message.emit("Select at least " + ("three" if mode.startswith("distribute")
                                                   else "two") + " nodes to " + mode.split("_")[0])
            return
        rects = {n: geo.node_rect(self.design.nodes[n]) for n in tops}
        deltas: dict[str, tuple[float, float]] = {}
        xs0 = min(r[0] for r in rects.values())
        xs1 = max(r[0] + r[2] for r in rects.values())
        ys0 = min(r[1] for r in rects.values())
        ys1 = max(r[1] + r[3] for r in rects.values())
        for n, (x, y, w, h) in rects.items():
            if mode == "left":
                deltas[n] = (xs0 - x, 0.0)
            elif mode == "right":
                deltas[n] = (xs1 - (x + w), 0.0)
            elif mode == "hcenter":
                deltas[n] = ((xs0 + xs1) / 2 - (x + w / 2), 0.0)
            elif mode == "top":
                deltas[n] = (0.0, ys0 - y)
            elif mode == "bottom":
                deltas[n] = (0.0, ys1 - (y + h))
            elif mode == "vcenter":
                deltas[n] = (0.0, (ys0 + ys1) / 2 - (y + h / 2))
        if mode in ("distribute_h", "distribute_v"):
            axis = 0 if mode == "distribute_h" else 1
            order = sorted(tops, key=lambda n: rects[n][axis] + rects[n][axis + 2] / 2)
            first = rects[order[0]][axis] + rects[order[0]][axis + 2] / 2
            last = rects[order[-1]][axis] + rects[order[-1]][axis + 2] / 2
            step = (last - first) / (len(order) - 1)
            for i, n in enumerate(order):
                c = rects[n][axis] + rects[n][axis + 2] / 2
                off = first + i * step - c
                deltas[n] = (off, 0.0) if axis == 0 else (0.0, off)
        deltas = {n: dv for n, dv in deltas.items() if abs(dv[0]) > 1e-9 or abs(dv[1]) > 1e-9}
        if deltas:
            label = {"left": "left", "right": "right", "hcenter": "centres", "top": "top",
                     "bottom": "bottom", "vcenter": "middles", "distribute_h": "horizontally",
                     "distribute_v": "vertically"}[mode]
            verb = "Distribute" if mode.startswith("distribute") else "Align"
            self.move(deltas, text=f"{verb} {len(tops)} nodes {label}", reparent=False)

    # -- clipboard ---------------------------------------------------------------
    def fragment(self, node_ids: list[str], links: list[tuple[str, str]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
        """A self-contained JSON piece of the design: the nodes (with their contents)
        and the links among them. Parents outside the piece are kept aside."""
        d = self.design
        ids = self._carried(self.top_level(list(node_ids)))
        idset = set(ids)
        nodes = []
        outer: dict[str, str] = {}
        for nid in ids:
            raw = node_to_dict(d.nodes[nid])
            if raw.get("parent") and raw["parent"] not in idset:
                outer[nid] = raw.pop("parent")
            raw["spread"] = [z for z in raw.get("spread", []) if z in idset] or None
            if raw["spread"] is None:
                raw.pop("spread")
            nodes.append(raw)
        lks = [link_to_dict(lk) for lk in d.links if lk.source in idset and lk.target in idset]
        return {"format": "modeller.design", "version": 1, "name": d.name,
                "nodes": nodes, "links": lks, "outer_parents": outer}

    def fragment_text(self, node_ids: list[str]) -> str:
        return json.dumps(self.fragment(node_ids), ensure_ascii=False)

    def paste(self, text: str, offset: tuple[float, float] | None = None) -> list[str]:
        """Insert a copied fragment with fresh ids, shifted so it does not hide the original."""
        try:
            raw = json.loads(text)
            piece = design_from_dict(raw)
        except (ValueError, DesignError) as exc:
            self.message.emit(f"Nothing to paste: {exc}")
            return []
        outer = raw.get("outer_parents", {}) if isinstance(raw, dict) else {}
        if not piece.nodes:
            return []
        d = self.design
        if offset is None:
            self.paste_count += 1
            offset = (30.0 * self.paste_count, 30.0 * self.paste_count)
        taken = set(d.nodes)
        rename: dict[str, str] = {}
        for nid in piece.nodes:
            new = nid
            if new in taken:
                base = nid.rstrip("0123456789").rstrip("-") or nid
                i = 2
                while f"{base}-{i}" in taken:
                    i += 1
                new = f"{base}-{i}"
            taken.add(new)
            rename[nid] = new
        macro = MacroCommand(d, f"Paste {len(piece.nodes)} node{'s' if len(piece.nodes) != 1 else ''}")
        new_ids = []
        names = {n.name for n in d.nodes.values()}
        for nid, node in piece.nodes.items():
            n = node.copy()
            n.id = rename[nid]
            # a pasted "Zone" next to the original becomes "Zone 2" (then "Zone 3" …): two
            # parts with one name cannot be told apart in the spread list or the reports
            n.name = free_name(names, n.name)
            names.add(n.name)
            n.x += offset[0]
            n.y += offset[1]
            if n.parent is not None:
                n.parent = rename[n.parent]
            elif outer.get(nid) in d.nodes and d.nodes[outer[nid]].is_container:
                n.parent = outer[nid]
            n.spread = [rename[z] for z in n.spread]
            AddNodeCommand(d, n, parent=macro)
            new_ids.append(n.id)
        for lk in piece.links:
            AddLinkCommand(d, Link(rename[lk.source], rename[lk.target], lk.calls, lk.optional,
                                   dict(lk.extra), replicates=lk.replicates, mode=lk.mode,
                                   lag_seconds=lk.lag_seconds), parent=macro)
        self.push(macro)
        return new_ids

    def duplicate(self, node_ids: list[str]) -> list[str]:
        if not node_ids:
            return []
        return self.paste(self.fragment_text(node_ids), offset=(30.0, 30.0))
