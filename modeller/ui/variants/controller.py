"""Variants in the window: which option the canvas shows, and the undoable edits of the list.

The document (``editor.document``) is the base design with its named variants. Showing
a variant puts a *live* design on the canvas — the base with that variant's overrides
applied (:func:`modeller.model.variants.materialise`) — and every edit of it goes
through the ordinary undo commands; after each change its difference from the base is
stored back as the variant's overrides (:func:`modeller.model.variants.diff`), so the
document always holds what the file will hold. A live design is kept for the session
(commands refer to it) and refreshed in place from the base whenever it is shown, so
a base edit made meanwhile shows through where the variant does not override it.

Switching, adding, renaming, duplicating and deleting variants are undo commands on
the window's one stack; undoing an edit made in a variant first switches back to it.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from ...model import Design, DesignError
from ...model.variants import Variant, diff, find, fresh_name, materialise, name_problem

BASE = "Base"


def _refresh_in_place(live: Design, fresh: Design) -> None:
    """Make ``live`` hold what ``fresh`` holds (nodes, links, settings), keeping the object
    (undo commands and listeners refer to it)."""
    live.name = fresh.name
    live.nodes = fresh.nodes
    live.links = fresh.links
    live.settings = fresh.settings
    live.extra = fresh.extra
    live.variants = []


class VariantController(QObject):
    """The shown option (None = the base) and the live designs of the variants."""

    changed = Signal()  # the list, the shown option or a variant's content changed
    refused = Signal(str)  # a variant could not be shown (why)

    def __init__(self, editor: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.current: str | None = None  # the variant shown; None: the base
        self._by_name: dict[str, Design] = {}  # variant name -> its live design
        self._syncing = False
        editor.designReplaced.connect(self._on_replaced)

    # -- the document -----------------------------------------------------------------
    @property
    def document(self) -> Design:
        return self.editor.document

    def names(self) -> list[str]:
        return [v.name for v in self.document.variants]

    def changed_ids(self) -> dict[str, str]:
        """For the shown variant: node id -> "new" or "changed" (nodes it adds or overrides)."""
        if self.current is None:
            return {}
        try:
            v = self.document.variants[find(self.document, self.current)]
        except KeyError:
            return {}
        marks = {nid: "changed" for nid in v.nodes}
        marks.update({str(n.get("id")): "new" for n in v.add_nodes})
        return marks

    def _on_replaced(self, design: Design) -> None:
        if self._syncing:
            return
        # a new document (open, new, recover): nothing of the old one is live any more
        for live in self._by_name.values():
            live.unsubscribe(self._store)
        self._by_name.clear()
        self.current = None
        self.changed.emit()

    # -- live designs ---------------------------------------------------------------------
    def live(self, name: str) -> Design:
        """The live design of a variant (made on first use, refreshed from the base)."""
        doc = self.document
        i = find(doc, name)
        fresh = materialise(doc, doc.variants[i], strict=False, index=i)
        live = self._by_name.get(name)
        if live is None:
            live = fresh
            live.subscribe(self._store)
            self._by_name[name] = live
        else:
            _refresh_in_place(live, fresh)
        return live

    def _store(self, live: Design) -> None:
        """A live variant changed: keep its difference from the base in the document."""
        name = next((n for n, d in self._by_name.items() if d is live), None)
        if name is None:
            return
        doc = self.document
        try:
            i = find(doc, name)
        except KeyError:
            return
        if live.name != doc.name:  # the design's name is one for every option
            doc.name = live.name
        doc.variants[i] = diff(doc, live, name, extra=doc.variants[i].extra)
        doc.revision += 1  # the autosave and the title see the document change
        self.changed.emit()

    def show(self, name: str | None) -> None:
        """Put the base (None) or a variant on the canvas (not an undo step: see
        :class:`SwitchVariantCommand`)."""
        doc = self.document
        if name is None:
            design = doc
        else:
            try:
                design = self.live(name)
            except DesignError as err:
                self.refused.emit(f"Cannot show {name}: {err}")
                return
        self.current = name
        self._syncing = True
        try:
            self.editor.show_design(design, doc)
        finally:
            self._syncing = False
        self.changed.emit()

    # -- the list (each an undo step) -----------------------------------------------
    def switch(self, name: str | None) -> None:
        if name == self.current:
            return
        self.editor.push(SwitchVariantCommand(self, self.current, name))

    def add(self, name: str | None = None) -> str:
        """A new variant equal to the shown design (base or variant), shown at once."""
        doc = self.document
        name = name or fresh_name(doc)
        problem = name_problem(doc, name)
        if problem:
            self.refused.emit(problem)
            return ""
        shown = self.editor.design
        record = diff(doc, shown, name) if shown is not doc else Variant(name=name)
        macro = _Macro(f"Add variant {name}")
        macro.add(InsertVariantCommand(self, len(doc.variants), record))
        macro.add(SwitchVariantCommand(self, self.current, name))
        self.editor.push(macro)
        return name

    def duplicate(self, name: str | None = None) -> str:
        """A copy of a variant (default: the shown one; the base gives an empty variant)."""
        doc = self.document
        source = name if name is not None else self.current
        new = fresh_name(doc, f"{source} copy" if source else "Option")
        if source is None:
            return self.add(new)
        record = copy.deepcopy(doc.variants[find(doc, source)])
        record.name = new
        macro = _Macro(f"Duplicate variant {source}")
        macro.add(InsertVariantCommand(self, find(doc, source) + 1, record))
        macro.add(SwitchVariantCommand(self, self.current, new))
        self.editor.push(macro)
        return new

    def rename(self, old: str, new: str) -> bool:
        doc = self.document
        i = find(doc, old)
        new = new.strip()
        if new == old:
            return True
        problem = name_problem(doc, new, ignore=i)
        if problem:
            self.refused.emit(problem)
            return False
        self.editor.push(RenameVariantCommand(self, old, new))
        return True

    def delete(self, name: str) -> None:
        doc = self.document
        i = find(doc, name)
        macro = _Macro(f"Delete variant {name}")
        if self.current == name:
            macro.add(SwitchVariantCommand(self, name, None))
        macro.add(RemoveVariantCommand(self, i))
        self.editor.push(macro)

    # -- used by the commands --------------------------------------------------------------
    def _insert(self, index: int, record: Variant, live: Design | None) -> None:
        self.document.variants.insert(index, copy.deepcopy(record))
        if live is not None:
            live.subscribe(self._store)
            self._by_name[record.name] = live
        self.document.revision += 1
        self.changed.emit()

    def _remove(self, index: int) -> tuple[Variant, Design | None]:
        record = self.document.variants.pop(index)
        live = self._by_name.pop(record.name, None)
        if live is not None:
            live.unsubscribe(self._store)
        self.document.revision += 1
        self.changed.emit()
        return record, live

    def _rename(self, old: str, new: str) -> None:
        doc = self.document
        doc.variants[find(doc, old)].name = new
        if old in self._by_name:
            self._by_name[new] = self._by_name.pop(old)
        if self.current == old:
            self.current = new
        doc.revision += 1
        self.changed.emit()


class _Macro(QUndoCommand):
    """Children run in order, undone in reverse (kept in Python: see editing.commands)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.children: list[QUndoCommand] = []

    def add(self, command: QUndoCommand) -> None:
        self.children.append(command)

    def redo(self) -> None:
        for c in self.children:
            c.redo()

    def undo(self) -> None:
        for c in reversed(self.children):
            c.undo()


class SwitchVariantCommand(QUndoCommand):
    """Show another option; undo shows the one before."""

    def __init__(self, controller: VariantController, old: str | None, new: str | None) -> None:
        super().__init__(f"Show {new or BASE}")
        self.controller, self.old, self.new = controller, old, new

    def redo(self) -> None:
        self.controller.show(self.new)

    def undo(self) -> None:
        self.controller.show(self.old)


class InsertVariantCommand(QUndoCommand):
    def __init__(self, controller: VariantController, index: int, record: Variant) -> None:
        super().__init__(f"Add variant {record.name}")
        self.controller, self.index, self.record = controller, index, copy.deepcopy(record)
        self.live: Design | None = None

    def redo(self) -> None:
        self.controller._insert(self.index, self.record, self.live)

    def undo(self) -> None:
        self.record, self.live = self.controller._remove(self.index)


class RemoveVariantCommand(QUndoCommand):
    def __init__(self, controller: VariantController, index: int) -> None:
        name = controller.document.variants[index].name
        super().__init__(f"Delete variant {name}")
        self.controller, self.index = controller, index
        self.record: Variant | None = None
        self.live: Design | None = None

    def redo(self) -> None:
        self.record, self.live = self.controller._remove(self.index)

    def undo(self) -> None:
        assert self.record is not None
        self.controller._insert(self.index, self.record, self.live)


class RenameVariantCommand(QUndoCommand):
    def __init__(self, controller: VariantController, old: str, new: str) -> None:
        super().__init__(f"Rename variant {old} to {new}")
        self.controller, self.old, self.new = controller, old, new

    def redo(self) -> None:
        self.controller._rename(self.old, self.new)

    def undo(self) -> None:
        self.controller._rename(self.new, self.old)


__all__ = ["BASE", "VariantController", "SwitchVariantCommand", "InsertVariantCommand",
           "RemoveVariantCommand", "RenameVariantCommand"]
