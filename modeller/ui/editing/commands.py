"""Undo commands: each a redo and an undo of one change to the Design.

As in orange-canvas-core's ``document/commands.py`` the commands are small and
composable: a parent :class:`MacroCommand` runs its children in order (undo in
reverse) and announces the change once, so deleting forty nodes repaints once.
Leaf commands announce the change themselves only when they have no parent.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QUndoCommand

from ...model import Design, Link, Node


class DesignCommand(QUndoCommand):
    """Base: knows its design and whether it should announce its own change.

    Children are composed in Python (a ``parent`` collects them) rather than with
    Qt's parent commands: with PySide the Python side of a Qt-owned child can be
    freed twice when the stack drops a redo branch.
    """

    def __init__(self, design: Design, text: str, parent: DesignCommand | None = None) -> None:
        super().__init__(text)
        self.design = design
        self._announce = parent is None
        self.children: list[DesignCommand] = []
        if parent is not None:
            parent.children.append(self)

    def _done(self) -> None:
        if self._announce:
            self.design.changed()


class MacroCommand(DesignCommand):
    """A named group of child commands, run in order (undone in reverse), announced once."""

    def redo(self) -> None:
        for child in self.children:
            child.redo()
        self.design.changed()

    def undo(self) -> None:
        for child in reversed(self.children):
            child.undo()
        self.design.changed()


class AddNodeCommand(DesignCommand):
    def __init__(self, design: Design, node: Node, index: int | None = None,
                 parent: DesignCommand | None = None, text: str = "") -> None:
        super().__init__(design, text or f"Add {node.name}", parent)
        self.node = node.copy()
        self.index = index

    def redo(self) -> None:
        self.design.add_node(self.node.copy(), self.index)
        self._done()

    def undo(self) -> None:
        self.design.remove_node(self.node.id)
        self._done()


class RemoveNodeCommand(DesignCommand):
    """Remove one node (its links must already be gone: see :func:`delete_command`)."""

    def __init__(self, design: Design, node_id: str, parent: DesignCommand | None = None) -> None:
        super().__init__(design, f"Delete {design.nodes[node_id].name}", parent)
        self.node_id = node_id
        self._index: int | None = None
        self._node: Node | None = None

    def redo(self) -> None:
        self._index, self._node = self.design.remove_node(self.node_id)
        self._done()

    def undo(self) -> None:
        assert self._node is not None
        self.design.add_node(self._node, self._index)
        self._done()


class AddLinkCommand(DesignCommand):
    def __init__(self, design: Design, link: Link, index: int | None = None,
                 parent: DesignCommand | None = None) -> None:
        names = _names(design, link.source, link.target)
        super().__init__(design, f"Link {names}", parent)
        self.link = link.copy()
        self.index = index

    def redo(self) -> None:
        self.design.add_link(self.link.copy(), self.index)
        self._done()

    def undo(self) -> None:
        self.design.remove_link(self.link.source, self.link.target)
        self._done()


class RemoveLinkCommand(DesignCommand):
    def __init__(self, design: Design, source: str, target: str,
                 parent: DesignCommand | None = None) -> None:
        super().__init__(design, f"Delete link {_names(design, source, target)}", parent)
        self.key = (source, target)
        self._index: int | None = None
        self._link: Link | None = None

    def redo(self) -> None:
        self._index, self._link = self.design.remove_link(*self.key)
        self._done()

    def undo(self) -> None:
        assert self._link is not None
        self.design.add_link(self._link, self._index)
        self._done()


class SetNodeFieldsCommand(DesignCommand):
    """Set fields on one or more nodes (a move, a resize, a property edit, an alignment)."""

    def __init__(self, design: Design, changes: dict[str, dict[str, Any]], text: str,
                 parent: DesignCommand | None = None) -> None:
        super().__init__(design, text, parent)
        self.changes = {nid: copy.deepcopy(values) for nid, values in changes.items()}
        self._old: dict[str, dict[str, Any]] = {}

    def redo(self) -> None:
        self._old = {}
        for nid, values in self.changes.items():
            self._old[nid] = self.design.set_node_fields(nid, **copy.deepcopy(values))
        self._done()

    def undo(self) -> None:
        for nid in reversed(list(self._old)):
            self.design.set_node_fields(nid, **self._old[nid])
        self._done()


class SetLinkFieldsCommand(DesignCommand):
    def __init__(self, design: Design, changes: dict[tuple[str, str], dict[str, Any]], text: str,
                 parent: DesignCommand | None = None) -> None:
        super().__init__(design, text, parent)
        self.changes = dict(changes)
        self._old: dict[tuple[str, str], dict[str, Any]] = {}

    def redo(self) -> None:
        self._old = {}
        for key, values in self.changes.items():
            self._old[key] = self.design.set_link_fields(*key, **values)
        self._done()

    def undo(self) -> None:
        for key in reversed(list(self._old)):
            self.design.set_link_fields(*key, **self._old[key])
        self._done()


class SetDesignCommand(DesignCommand):
    """Design-level fields: the name and the default MTTR."""

    def __init__(self, design: Design, name: str | None = None,
                 default_mttr_hours: float | None = None, text: str = "Edit design") -> None:
        super().__init__(design, text)
        self.new = (name, default_mttr_hours)
        self.old = (design.name, design.settings.default_mttr_hours)

    def _apply(self, name: str | None, mttr: float | None) -> None:
        if name is not None:
            self.design.name = name
        if mttr is not None:
            self.design.settings.default_mttr_hours = mttr
        self._done()

    def redo(self) -> None:
        self._apply(*self.new)

    def undo(self) -> None:
        self._apply(*self.old)


def _names(design: Design, source: str, target: str) -> str:
    s = design.nodes[source].name if source in design.nodes else source
    t = design.nodes[target].name if target in design.nodes else target
    return f"{s} → {t}"


def delete_command(design: Design, node_ids: list[str],
                   links: list[tuple[str, str]] = ()) -> MacroCommand | None:  # type: ignore[assignment]
    """One undoable deletion of nodes (with everything inside containers) and links.

    Children first: the links touching any removed node, then the removed zones'
    ids from other nodes' ``spread``, then the nodes, innermost first.
    """
    doomed: list[str] = []
    for nid in node_ids:
        if nid not in design.nodes:
            continue
        for did in [nid, *design.descendants(nid)]:
            if did not in doomed:
                doomed.append(did)
    doomed_set = set(doomed)
    link_keys = [lk.key for lk in design.links
                 if lk.source in doomed_set or lk.target in doomed_set or lk.key in set(links)]
    if not doomed and not link_keys:
        return None
    if len(doomed) == 1 and not design.nodes[doomed[0]].is_container:
        text = f"Delete {design.nodes[doomed[0]].name}"
    elif not doomed and len(link_keys) == 1:
        text = f"Delete link {_names(design, *link_keys[0])}"
    else:
        parts = []
        if doomed:
            parts.append(f"{len(doomed)} node{'s' if len(doomed) != 1 else ''}")
        if link_keys:
            parts.append(f"{len(link_keys)} link{'s' if len(link_keys) != 1 else ''}")
        text = "Delete " + " and ".join(parts)
    macro = MacroCommand(design, text)
    for key in link_keys:
        RemoveLinkCommand(design, *key, parent=macro)
    spread_fix = {n.id: {"spread": [z for z in n.spread if z not in doomed_set]}
                  for n in design.nodes.values()
                  if n.id not in doomed_set and any(z in doomed_set for z in n.spread)}
    if spread_fix:
        SetNodeFieldsCommand(design, spread_fix, "Update spread", parent=macro)
    depth = {nid: len(design.ancestors(nid)) for nid in doomed}
    for nid in sorted(doomed, key=lambda i: -depth[i]):
        RemoveNodeCommand(design, nid, parent=macro)
    return macro


class SetLinkExtraCommand(DesignCommand):
    """Set (or, with ``None``, remove) kept fields of links, e.g. ``route`` (issue 13)."""

    def __init__(self, design: Design, changes: dict[tuple[str, str], dict[str, Any]], text: str,
                 parent: DesignCommand | None = None) -> None:
        super().__init__(design, text, parent)
        self.changes = copy.deepcopy(changes)
        self._old: dict[tuple[str, str], dict[str, Any]] = {}

    def _apply(self, changes: dict[tuple[str, str], dict[str, Any]], keep_old: bool) -> None:
        for key, values in changes.items():
            link = self.design.link(*key)
            if link is None:
                continue
            if keep_old:
                self._old[key] = {k: copy.deepcopy(link.extra.get(k)) for k in values}
            for k, v in values.items():
                if v is None:
                    link.extra.pop(k, None)
                else:
                    link.extra[k] = copy.deepcopy(v)

    def redo(self) -> None:
        self._old = {}
        self._apply(self.changes, True)
        self._done()

    def undo(self) -> None:
        self._apply(self._old, False)
        self._done()


class SetSettingsExtraCommand(DesignCommand):
    """Set (or, with ``None``, remove) a kept design setting, e.g. ``link_route``."""

    def __init__(self, design: Design, values: dict[str, Any], text: str,
                 parent: DesignCommand | None = None) -> None:
        super().__init__(design, text, parent)
        self.values = copy.deepcopy(values)
        self.old = {k: copy.deepcopy(design.settings.extra.get(k)) for k in values}

    def _apply(self, values: dict[str, Any]) -> None:
        for k, v in values.items():
            if v is None:
                self.design.settings.extra.pop(k, None)
            else:
                self.design.settings.extra[k] = copy.deepcopy(v)
        self._done()

    def redo(self) -> None:
        self._apply(self.values)

    def undo(self) -> None:
        self._apply(self.old)
