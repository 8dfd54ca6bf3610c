"""GUI test setup: offscreen Qt, a private settings folder, and helpers that drive real widgets.

Mouse gestures are sent as real QMouseEvents to the canvas viewport and palette
drops as real QDrag*/QDropEvents carrying the palette's own payload, so the same
code paths run as when a person uses the app.
"""

from __future__ import annotations

import os
import warnings

import modeller.analysis  # noqa: F401  (numpy imported once, before any worker thread)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

import modeller.ui  # noqa: E402,F401  (applies the PySide6 work-around before Qt runs)
from modeller.model import Design, design_from_dict  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.MouseButton.NoButton


@pytest.fixture(autouse=True)
def private_config(tmp_path, monkeypatch):
    """Settings, recent files and recovery files go to a fresh folder per test."""
    cfg = tmp_path / "config"
    monkeypatch.setenv("MODELLER_CONFIG_DIR", str(cfg))
    return cfg


@pytest.fixture(autouse=True)
def no_surprise_dialogs(monkeypatch):
    """A modal dialog would hang the test: fail instead unless a test expects one."""
    def unexpected(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError(f"unexpected dialog: {args[1:3]}")
    monkeypatch.setattr(QMessageBox, "question", unexpected)
    monkeypatch.setattr(QMessageBox, "warning", unexpected)
    monkeypatch.setattr(QMessageBox, "information", unexpected)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: unexpected(box, box.windowTitle(), box.text()))


def make_window(qtbot, analyze=None, autosave: bool = False):  # noqa: ANN001, ANN201
    from modeller.ui.window.main_window import MainWindow

    w = MainWindow(analyze=analyze, autosave=autosave, analysis_delay_ms=20)
    qtbot.addWidget(w, before_close_func=_quiet_close)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


def _quiet_close(w) -> None:  # noqa: ANN001
    w.editor.undo_stack.setClean()
    w.shutdown()


@pytest.fixture
def window(qtbot):  # noqa: ANN001, ANN201
    return make_window(qtbot)


def load(window, data: dict) -> Design:  # noqa: ANN001
    """Put a design (given as file JSON) into the window, as opening a file would."""
    base = {"format": "modeller.design", "version": 1, "name": "Test"}
    design = design_from_dict({**base, **data})
    window._replace(design, None)
    QApplication.processEvents()  # let the deferred fit-to-view run first
    window.view.reset_zoom()
    return design


def show_point(window, p: QPointF) -> None:  # noqa: ANN001
    """Scroll so a scene point is visible (gestures need it inside the viewport)."""
    window.view.ensureVisible(p.x() - 5, p.y() - 5, 10, 10, 150, 150)


def vp_pos(window, p: QPointF) -> QPointF:  # noqa: ANN001
    return QPointF(window.view.mapFromScene(p))


def mouse(window, kind: str, p: QPointF, button=LEFT, buttons=None, modifiers=Qt.KeyboardModifier.NoModifier):  # noqa: ANN001
    vp = window.view.viewport()
    pos = vp_pos(window, p)
    types = {"press": QMouseEvent.Type.MouseButtonPress, "move": QMouseEvent.Type.MouseMove,
             "release": QMouseEvent.Type.MouseButtonRelease,
             "double": QMouseEvent.Type.MouseButtonDblClick}
    if buttons is None:  # what is held down after the event
        buttons = NONE if kind == "release" else button
    btn = NONE if kind == "move" else button
    ev = QMouseEvent(types[kind], pos, QPointF(vp.mapToGlobal(pos.toPoint())), btn, buttons, modifiers)
    QApplication.sendEvent(vp, ev)


def drag(window, a: QPointF, b: QPointF, steps: int = 6, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """Press at a, move in steps to b, release at b (scene coordinates)."""
    mouse(window, "press", a, modifiers=modifiers)
    for i in range(1, steps + 1):
        t = i / steps
        mouse(window, "move", QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t),
              modifiers=modifiers)
    mouse(window, "release", b, modifiers=modifiers)


def click(window, p: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    mouse(window, "press", p, modifiers=modifiers)
    mouse(window, "release", p, modifiers=modifiers)


def drop_mime(window, md: QMimeData, p: QPointF) -> bool:  # noqa: ANN001
    """Deliver a drag-and-drop of ``md`` at scene point p to the canvas viewport."""
    vp = window.view.viewport()
    pos = vp_pos(window, p)
    action = Qt.DropAction.CopyAction
    warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*QDrag.*Event")
    enter = QDragEnterEvent(pos.toPoint(), action, md, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(pos.toPoint(), action, md, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, move)
    drop = QDropEvent(pos, action, md, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, drop)
    return drop.isAccepted()


def drop_kind(window, kind: str, p: QPointF) -> str:  # noqa: ANN001
    """Drag ``kind`` from the palette and drop it at scene point p; returns the new id."""
    before = set(window.editor.design.nodes)
    show_point(window, p)
    assert drop_mime(window, window.palette.mime_for(kind), p)
    new = set(window.editor.design.nodes) - before
    assert len(new) == 1, new
    return new.pop()


def drop_files(window, paths: list[str], p: QPointF | None = None) -> bool:  # noqa: ANN001
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(x)) for x in paths])
    return drop_mime(window, md, p if p is not None else window.view.mapToScene(QPoint(50, 50)))


def wheel(window, p: QPointF, delta: int) -> None:  # noqa: ANN001
    vp = window.view.viewport()
    pos = vp_pos(window, p)
    ev = QWheelEvent(pos, QPointF(vp.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, delta), NONE,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, ev)


def handle_point(window, node_id: str, side: str = "e") -> QPointF:  # noqa: ANN001
    item = window.scene.item_for(node_id)
    return item.mapToScene(item.handle_points()[side])


def centre_of(window, node_id: str) -> QPointF:  # noqa: ANN001
    return window.scene.item_for(node_id).scene_rect().center()


def title_point(window, container_id: str) -> QPointF:  # noqa: ANN001
    r = window.scene.item_for(container_id).scene_rect()
    return QPointF(r.left() + 60, r.top() + 12)


def wait_report(qtbot, window, timeout: int = 10000) -> object:  # noqa: ANN001
    """Wait until the badges show the analysis of the current design revision."""
    a = window.analysis
    qtbot.waitUntil(lambda: not a.busy and a.last_revision == window.editor.design.revision
                    and a.last_report is not None, timeout=timeout)
    return a.last_report
