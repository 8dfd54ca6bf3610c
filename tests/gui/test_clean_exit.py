"""Quitting after a copy must not crash (PySide6 segfaulted at interpreter exit while the
clipboard still owned our QMimeData)."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from modeller.ui.window.app import application
from modeller.ui.window.main_window import MainWindow
app = application()
w = MainWindow(autosave=False)
w.open_file(sys.argv[1], ask=False)
w.scene.select_ids(["web"])
assert w.copy()
w.editor.undo_stack.setClean()
w.shutdown()
print("copied")
"""


def test_exit_after_copy_is_clean(examples_dir, tmp_path) -> None:  # noqa: ANN001
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MODELLER_CONFIG_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(examples_dir / "multi-az.arch.json")],
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.stdout.strip().endswith("copied"), out.stderr
    assert out.returncode == 0, (out.returncode, out.stderr[-500:])
