"""Arrange-menu actions of the drawing: tidy layout, link routing, alignment guides.

:func:`install_arrange` adds them to a window's Arrange menu; each edit is one undo
step (routing choices are saved in the file: ``settings.link_route`` for the design,
a link's own ``route`` overrides it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from ..editing.commands import SetLinkExtraCommand, SetNodeFieldsCommand, SetSettingsExtraCommand
from .tidy import tidy_changes


def tidy(window: Any) -> bool:
    """Lay the whole design out by request flow, as one undo step."""
    design = window.editor.design
    changes = tidy_changes(design)
    if not changes:
        window.scene.message.emit("Already tidy")
        return False
    window.editor.push(SetNodeFieldsCommand(design, changes, "Tidy layout"))
    window.scene.message.emit(f"Tidied the layout ({len(changes)} boxes moved) — Undo puts them back")
    return True


def set_design_route(window: Any, orthogonal: bool) -> None:
    design = window.editor.design
    value = "orthogonal" if orthogonal else None
    if design.settings.extra.get("link_route") == value:
        return
    window.editor.push(SetSettingsExtraCommand(
        design, {"link_route": value},
        "Route links around containers" if orthogonal else "Draw links straight"))


def toggle_selected_routes(window: Any) -> int:
    """Flip the selected links between straight and orthogonal (their own choice)."""
    from ...render.scene import link_route

    design = window.editor.design
    keys = window.scene.selected_link_keys()
    if not keys:
        window.scene.message.emit("Select one or more links to change how they are routed")
        return 0
    changes = {}
    for key in keys:
        link = design.link(*key)
        now = link_route(design, link)
        changes[key] = {"route": "straight" if now == "orthogonal" else "orthogonal"}
    window.editor.push(SetLinkExtraCommand(design, changes, f"Re-route {len(keys)} link(s)"))
    return len(keys)


def install_arrange(window: Any) -> dict[str, QAction]:
    """Add Tidy Layout, link routing and the guides switch to the window's Arrange menu."""
    menu = None
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == "Arrange" and action.menu() is not None:
            menu = action.menu()
    acts: dict[str, QAction] = {}
    tidy_act = QAction("&Tidy Layout", window)
    tidy_act.setShortcut(QKeySequence("Ctrl+Shift+L"))
    tidy_act.setStatusTip("Lay the boxes out left to right by request flow, keeping every "
                          "node inside its region or zone (one undo step)")
    tidy_act.triggered.connect(lambda: tidy(window))
    acts["tidy"] = tidy_act
    ortho = QAction("Route Links &Around Containers", window)
    ortho.setCheckable(True)
    ortho.setStatusTip("Draw every link with horizontal and vertical runs that go around the "
                       "regions and zones it does not belong to (saved with the design)")
    ortho.toggled.connect(lambda on: set_design_route(window, on))
    acts["orthogonal"] = ortho
    per_link = QAction("Toggle &Route of Selected Links", window)
    per_link.setStatusTip("Switch the selected links between straight and around-containers")
    per_link.triggered.connect(lambda: toggle_selected_routes(window))
    acts["link_route"] = per_link
    guides = QAction("Alignment &Guides", window)
    guides.setCheckable(True)
    guides.setChecked(window.scene.guides_enabled)
    guides.setStatusTip("While dragging, snap to other boxes' edges and centres and to equal "
                        "spacing (hold Alt to drag freely)")
    guides.toggled.connect(lambda on: setattr(window.scene, "guides_enabled", on))
    acts["guides"] = guides

    def follow(*_args: object) -> None:
        on = window.editor.design.settings.extra.get("link_route") == "orthogonal"
        if ortho.isChecked() != on:
            ortho.blockSignals(True)
            ortho.setChecked(on)
            ortho.blockSignals(False)

    window.scene.synced.connect(follow)
    follow()
    if menu is not None:
        menu.addSeparator()
        for a in acts.values():
            menu.addAction(a)
    for a in acts.values():
        window.addAction(a)
    window.arrange_actions = acts
    return acts
