"""An error no code catches: a dialog, a log entry with the details, the design kept.

The reporter is the app's own (:mod:`modeller.ui.window.crashlog`), installed as ``run()``
installs it, with the log in a temporary folder (``MODELLER_LOG_DIR``). The errors are
raised the way they happen in the app: in a slot that a keyboard shortcut reaches
through Qt, and in a worker thread.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from modeller.model import design_to_dict, loads_design
from modeller.ui.window import crashlog

from .conftest import EXAMPLES, make_window

SHOTS = Path("/tmp/shots/20")

pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def log_dir(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    d = tmp_path / "log"
    monkeypatch.setenv("MODELLER_LOG_DIR", str(d))
    monkeypatch.delenv("MODELLER_DEBUG", raising=False)
    return d


@pytest.fixture
def reporter(log_dir):  # noqa: ANN001, ANN201
    crashlog.setup_logging()
    r = crashlog.CrashReporter().install()
    yield r
    r.uninstall()
    if r.dialog is not None:
        r.dialog.close()
        r.dialog.deleteLater()
    crashlog.close_logging()


@pytest.fixture
def edited(qtbot, tmp_path):  # noqa: ANN001, ANN201
    """A window with autosave on, a design file open and one unsaved edit."""
    path = tmp_path / "work" / "shop.arch.json"
    path.parent.mkdir()
    shutil.copy(EXAMPLES / "multi-az.arch.json", path)
    w = make_window(qtbot, autosave=True)
    assert w.open_file(str(path), ask=False)
    w.editor.move({"web": (40.0, 0.0)})
    assert not w.editor.undo_stack.isClean()
    return w


def _boom(*_args, **_kwargs) -> None:  # noqa: ANN002, ANN003
    raise RuntimeError("align exploded")


def test_an_error_in_a_slot_shows_a_dialog_logs_it_and_keeps_the_design(qtbot, edited, reporter,
                                                                         log_dir, capfd) -> None:  # noqa: ANN001
    w = edited
    before = design_to_dict(w.editor.design)
    steps = w.editor.undo_stack.count()
    w.editor.align = _boom  # the editor fails half way through Arrange ▸ Align Left
    w.scene.select_ids(["web", "app"])
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_Left,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible(), timeout=5000)

    dlg = reporter.dialog
    text = dlg.message.text()
    assert "RuntimeError: align exploded" in text
    assert "main_window.py" in text and "in align" in text  # where, in Modeller's code
    assert str(log_dir / "modeller.log") in text  # where the details are
    assert text.count(". ") == 0 and text.endswith(".")  # one sentence
    assert not dlg.isModal()

    log = (log_dir / "modeller.log").read_text(encoding="utf-8")
    assert "Unhandled exception in thread MainThread" in log
    assert "Traceback (most recent call last)" in log and 'raise RuntimeError("align exploded")' in log
    assert "Modeller 0.1.0" in log and "Qt 6." in log and "Platform" in log
    assert "Last actions:" in log and "shop.arch.json: Move Storefront" in log and "[unsaved]" in log
    assert "Unsaved changes written to the recovery file of shop.arch.json" in log
    err = capfd.readouterr().err
    assert "internal error: RuntimeError: align exploded" in err and "Traceback" not in err

    # the design is as the last edit left it, and that edit is in the recovery file
    assert design_to_dict(w.editor.design) == before
    assert w.editor.undo_stack.count() == steps
    saved = loads_design(w.autosaver.path.read_text(encoding="utf-8"))
    assert design_to_dict(saved) == before
    # the app goes on: the next edit works and the dialog closes
    del w.editor.align
    w.editor.move({"app": (0.0, 40.0)})
    assert w.editor.undo_stack.count() == steps + 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert dlg.grab().save(str(SHOTS / "crash-dialog.png"))
    dlg.close_button.click()
    assert not dlg.isVisible()


def test_an_error_in_a_worker_thread_is_reported_on_the_ui_thread(qtbot, edited, reporter,
                                                                  log_dir) -> None:  # noqa: ANN001
    def work() -> None:
        raise ValueError("worker went wrong")

    seen: list[str] = []
    reporter.crashed.connect(seen.append)
    for i in range(2):
        t = threading.Thread(target=work, name=f"sweep-{i}")
        t.start()
        t.join()
        qtbot.waitUntil(lambda i=i: len(seen) == i + 1, timeout=5000)
    dlg = reporter.dialog
    assert dlg is not None and dlg.isVisible()
    assert "ValueError: worker went wrong" in dlg.message.text()
    assert dlg.count.isVisible() and "2 times" in dlg.count.text()  # one dialog, counting
    log = (log_dir / "modeller.log").read_text(encoding="utf-8")
    assert "Unhandled exception in thread sweep-0" in log and "Unhandled exception in thread sweep-1" in log
    assert log.count("worker went wrong") >= 2


def test_the_dialog_is_injectable_and_keyboard_interrupt_is_no_crash(qtbot, log_dir) -> None:  # noqa: ANN001
    crashlog.setup_logging()
    shown: list[str] = []
    r = crashlog.CrashReporter(show=shown.append).install()
    interrupted: list[bool] = []
    r.interrupted.connect(lambda: interrupted.append(True))
    try:
        try:
            raise KeyError("k")
        except KeyError as exc:
            r.excepthook(KeyError, exc, exc.__traceback__)
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
        assert "KeyError: 'k'" in shown[0] and r.dialog is None
        r.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
        assert interrupted == [True]
        QApplication.processEvents()
        assert len(shown) == 1  # Ctrl+C is a way to quit, not an error
    finally:
        r.uninstall()
        crashlog.close_logging()


def test_modeller_debug_prints_the_traceback_on_the_terminal(qtbot, log_dir, monkeypatch, capfd) -> None:  # noqa: ANN001
    monkeypatch.setenv("MODELLER_DEBUG", "1")
    crashlog.setup_logging()
    r = crashlog.CrashReporter(show=lambda _t: None).install()
    try:
        try:
            raise OSError("disk gone")
        except OSError as exc:
            r.excepthook(OSError, exc, exc.__traceback__)
    finally:
        r.uninstall()
        crashlog.close_logging()
    err = capfd.readouterr().err
    assert "Traceback (most recent call last)" in err and "OSError: disk gone" in err


def test_help_menu_shows_the_log_folder_and_copies_diagnostics(qtbot, edited, log_dir, monkeypatch) -> None:  # noqa: ANN001
    crashlog.setup_logging()
    try:
        logging.getLogger("modeller").warning("something worth reporting")
        help_menu = next(a.menu() for a in edited.menuBar().actions() if a.text() == "&Help")
        texts = [a.text().replace("&", "") for a in help_menu.actions() if not a.isSeparator()]
        assert "Show Log Folder" in texts and "Copy Diagnostics" in texts
        assert texts.index("Copy Diagnostics") < texts.index("About Modeller")

        opened: list[QUrl] = []
        monkeypatch.setattr(crashlog, "open_url", lambda url: opened.append(url) or True)
        edited.act_show_log_folder.trigger()
        assert [u.toLocalFile() for u in opened] == [str(log_dir)]

        edited.act_copy_diagnostics.trigger()
        text = QApplication.clipboard().text()
        assert text.startswith("Modeller diagnostics")
        assert "Modeller: 0.1.0" in text and "Qt: 6." in text and "PySide6: " in text
        assert "Platform: " in text and f"Log: {log_dir / 'modeller.log'}" in text
        assert "shop.arch.json: Move Storefront [unsaved]" in text
        assert "WARNING [MainThread] something worth reporting" in text
        assert "Diagnostics copied" in edited.statusBar().currentMessage()
    finally:
        crashlog.close_logging()


def test_the_log_rotates(qtbot, log_dir, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(crashlog, "MAX_BYTES", 20_000)
    crashlog.setup_logging()
    try:
        for i in range(400):
            logging.getLogger("modeller").info("line %d %s", i, "x" * 100)
        crashlog.flush_logging()
        names = sorted(p.name for p in log_dir.iterdir())
        assert names == ["modeller.log", "modeller.log.1", "modeller.log.2", "modeller.log.3"]
        assert all(os.path.getsize(log_dir / n) <= 20_000 for n in names)
        assert "line 399" in (log_dir / "modeller.log").read_text(encoding="utf-8")
    finally:
        crashlog.close_logging()
