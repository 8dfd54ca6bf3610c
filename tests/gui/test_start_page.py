"""The start page (templates with thumbnails, opened as new untitled designs) and the help
dialog (its shortcut list is read from the window's real actions)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor, QDragEnterEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox

import modeller.analysis  # noqa: F401  (numpy imported here, not first in the worker thread)
from modeller.model import load_design
from modeller.model.templates import list_templates
from modeller.ui.window import start_page as sp
from modeller.ui.window.help import install_help, show_help, typable

from .conftest import EXAMPLES, drop_kind, load, make_window

TEMPLATE_IDS = ["single-instance", "vertical-vs-horizontal", "multi-az-active-active",
                "primary-standby-db", "two-regions-dns", "active-passive-dr", "one-region-or-two",
                # issue 14's teaching templates (reliability beyond uptime)
                "bad-deploy-vs-replicas", "async-cross-region-rpo", "monitoring-pays"]


def _menu_texts(window, title: str) -> list[str]:  # noqa: ANN001
    menu = sp._menu(window, title)
    assert menu is not None
    return [a.text() for a in menu.actions()]


def test_start_page_lists_the_six_templates_with_thumbnails(window):
    page = sp.install_start_page(window, show=True)
    assert not page.isHidden()
    assert page.template_ids() == TEMPLATE_IDS == [t.id for t in list_templates()]
    for t in list_templates():
        row = page.rows[t.id]
        assert row.title.text() == t.title and row.note.text() == t.note
        img = row.thumb.pixmap().toImage()
        assert (img.width(), img.height()) == (sp.THUMB_W, sp.THUMB_H)
        # the scene really drew the design: many pixels differ from the empty background
        bg = QColor("#f8fafc").rgb()
        drawn = sum(1 for y in range(0, img.height(), 3) for x in range(0, img.width(), 3)
                    if img.pixel(x, y) != bg)
        assert drawn > 300, (t.id, drawn)
    # the page covers the canvas and sits above its scroll bars
    assert page.geometry() == window.view.rect()
    assert window.view.children()[-1] is page


def test_thumbnails_are_cached():
    path = list_templates()[0].path
    a = sp.render_thumbnail(path)
    b = sp.render_thumbnail(path)
    assert a is b and a.cacheKey() == b.cacheKey()
    assert sp.render_thumbnail(path, 120, 75).width() == 120


@pytest.mark.parametrize("template_id", ["multi-az-active-active", "two-regions-dns"])
def test_choosing_a_template_opens_it_untitled(window, template_id):
    page = sp.install_start_page(window, show=True)
    page.choose(template_id)
    t = next(t for t in list_templates() if t.id == template_id)
    assert window.path is None  # a new, untitled design: Save asks for a name
    assert window.editor.design == load_design(t.path)
    assert window.editor.undo_stack.isClean() and window.editor.undo_stack.count() == 0
    assert page.isHidden()
    assert "opened as a new design" in window.statusBar().currentMessage()
    # nothing selected: the panel tells what the template teaches
    assert window.properties.template_note is not None
    assert t.note in window.properties.template_note.text().replace("&quot;", '"').replace("&#x27;", "'")


def test_new_from_template_menu_and_back(window):
    sp.install_start_page(window, show=False)
    page = window.start_page
    assert page.isHidden()
    files = _menu_texts(window, "File")
    assert files.index("New from &Template…") == files.index("&New") + 1
    act = window.act_new_from_template
    assert act.shortcut() == QKeySequence("Ctrl+Shift+N")
    load(window, {"nodes": [{"id": "a", "kind": "service"}], "links": []})
    bottom = [d for d in window.findChildren(QDockWidget)
              if window.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea]
    closed_by_user = bottom[-1] if bottom else None
    if closed_by_user is not None:
        closed_by_user.hide()
    act.trigger()
    assert not page.isHidden()
    assert page.blank_button.text() == "Back to the design"
    assert not window.view.horizontalScrollBar().isVisible()
    assert all(d.isHidden() for d in bottom)  # the empty panels make room for the page
    QTest.keyClick(page, Qt.Key.Key_Escape)
    assert page.isHidden() and list(window.editor.design.nodes) == ["a"]
    assert window.view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    assert [d.isHidden() for d in bottom] == [d is closed_by_user for d in bottom]


def test_unsaved_changes_are_asked_about_before_a_template_replaces_them(window, monkeypatch):
    page = sp.install_start_page(window, show=False)
    drop_kind(window, "service", window.view.mapToScene(window.view.viewport().rect().center()))
    asked = []

    def cancel(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    window.act_new_from_template.trigger()
    page.choose("single-instance")
    assert asked and len(window.editor.design.nodes) == 1
    assert not page.isHidden()  # still there to pick another one or go back


def test_the_page_steps_aside_for_a_file_a_node_or_a_blank_canvas(window, qtbot):
    page = sp.install_start_page(window, show=True)
    assert window.open_file(str(EXAMPLES / "three-tier.arch.json"), ask=False)
    assert page.isHidden()
    w2 = make_window(qtbot)
    page2 = sp.install_start_page(w2, show=True)
    drop_kind(w2, "client", w2.view.mapToScene(200, 200))
    assert page2.isHidden()
    w3 = make_window(qtbot)
    page3 = sp.install_start_page(w3, show=True)
    page3.blank_button.click()
    assert page3.isHidden() and not w3.editor.design.nodes
    # a palette drag over the page: it steps aside so the drop lands on the canvas
    page3 = sp.install_start_page(w3, show=True)
    md = w3.palette.mime_for("service")
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, md, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page3, enter)
    assert page3.isHidden() and not enter.isAccepted()


def test_the_start_up_choice_is_remembered(qtbot):
    w = make_window(qtbot)
    page = sp.install_start_page(w)  # nothing open, default setting: shown
    assert not page.isHidden() and page.show_at_start.isChecked()
    page.show_at_start.setChecked(False)
    w2 = make_window(qtbot)
    assert sp.install_start_page(w2).isHidden()
    w3 = make_window(qtbot)
    load(w3, {"nodes": [{"id": "a", "kind": "service"}], "links": []})
    sp.set_show_at_startup(True)
    assert sp.install_start_page(w3).isHidden()  # something is open already


# -- help -------------------------------------------------------------------------
def test_help_lists_the_windows_real_shortcuts(window):
    sp.install_start_page(window, show=False)
    act = install_help(window)
    assert act.shortcut().toString() == "F1"
    helps = _menu_texts(window, "Help")
    assert helps[0] == "Modeller &Help"
    act.trigger()
    dlg = window.help_dialog
    assert dlg.isVisible() and dlg.tabs.currentWidget() is dlg.pages["start"]
    keys = dlg.text("keys")
    checked = 0
    for a in window.findChildren(QAction):
        seqs = [s for s in a.shortcuts() if typable(s)]
        for s in seqs:
            assert s.toString(QKeySequence.SequenceFormat.NativeText) in keys, (a.text(), s.toString())
            checked += 1
        if seqs:
            assert a.text().replace("&", "").rstrip("…") in keys
    assert checked >= 25
    for must in ("Ctrl+Shift+H", "Fit to Window", "Ctrl+Shift+N", "New from Template", "F1"):
        assert must in keys
    assert "Zoom In\nZoom In" not in keys  # the dedicated "Zoom In" media key is not listed
    # an action added later shows up the next time the help opens
    extra = QAction("Frobnicate the Widgets", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+J"))
    window.addAction(extra)
    show_help(window, "keys")
    assert "Frobnicate the Widgets" in dlg.text("keys") and "Ctrl+Alt+J" in dlg.text("keys")
    dlg.close()


def test_keyboard_and_mouse_item_opens_the_help_not_a_message_box(window):
    install_help(window)
    [old] = [a for a in sp._menu(window, "Help").actions() if a.text().startswith("&Keyboard")]
    old.trigger()  # the conftest fails on QMessageBox.information: the slot was replaced
    dlg = window.help_dialog
    assert dlg.tabs.currentWidget() is dlg.pages["keys"]
    dlg.close()


def test_help_explains_badges_colours_and_assumptions(window):
    from modeller.render import badges
    from modeller.ui.canvas import style

    dlg = show_help(window, "badges")
    text = dlg.text("badges")
    assert f"{badges.UTIL_WARN * 100:.0f} %" in text and f"{badges.UTIL_BAD * 100:.0f} %" in text
    assert "within the SLO's downtime budget" in text and "ten times" in text
    html = dlg.pages["badges"].toHtml().lower()
    for level in (badges.GOOD, badges.WARN, badges.BAD):
        assert style.LEVEL_COLOURS[level][0].lower() in html  # the real badge colours
    numbers = dlg.text("numbers")
    for must in ("independent", "Steady state", "exponentially distributed", "exactly",
                 "regions and zones", "decision diagram", "525,960", "−log10(1 − availability)"):
        assert must in numbers, must
    dlg.close()
