"""GUI hardening setup: offscreen Qt, a private config folder per test, no surprise dialogs.

Dialogs are answered by tests through :class:`Dialogs` (``dialogs`` fixture): a
QMessageBox static call or ``exec()`` that no test expects fails the test instead
of hanging it offscreen.
"""

from __future__ import annotations

import os

import modeller.analysis  # noqa: F401  (numpy imported once, before any worker thread)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

import modeller.ui  # noqa: E402,F401  (applies the PySide6 work-around before Qt runs)

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


class Dialogs:
    """Records every message box and answers it with the next queued answer."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (kind, text)
        self.answers: list[object] = []

    def answer(self, *answers: object) -> None:
        self.answers.extend(answers)

    def _next(self, kind: str, text: str) -> object:
        self.seen.append((kind, text))
        if not self.answers:
            raise AssertionError(f"unexpected dialog ({kind}): {text}")
        return self.answers.pop(0)

    def static(self, kind: str) -> Callable[..., object]:
        def call(parent, title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
            return self._next(kind, f"{title}: {text}")
        return call

    def exec_box(self, box: QMessageBox) -> int:
        """Click the button whose text is the next answer (a real click on a real button)."""
        want = self._next("box", f"{box.windowTitle()}: {box.text()} {box.informativeText()}")
        for b in box.buttons():
            if b.text().replace("&", "") == want:
                b.click()
                return 0
        raise AssertionError(f"no button {want!r} in {[b.text() for b in box.buttons()]}")

    def texts(self, kind: str | None = None) -> list[str]:
        return [t for k, t in self.seen if kind is None or k == kind]


@pytest.fixture(autouse=True)
def private_config(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """Settings, recent files and recovery files go to a fresh folder per test."""
    cfg = tmp_path / "config"
    monkeypatch.setenv("MODELLER_CONFIG_DIR", str(cfg))
    return cfg


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> Dialogs:  # noqa: ANN001
    d = Dialogs()
    for kind in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, d.static(kind))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: d.exec_box(box))
    return d


def make_window(qtbot, analyze=None, autosave: bool = False, delay_ms: int = 20):  # noqa: ANN001, ANN201
    from modeller.ui.window.main_window import MainWindow

    w = MainWindow(analyze=analyze, autosave=autosave, analysis_delay_ms=delay_ms)
    qtbot.addWidget(w, before_close_func=_quiet_close)
    return w


def _quiet_close(w) -> None:  # noqa: ANN001
    w.editor.undo_stack.setClean()
    w.shutdown()
