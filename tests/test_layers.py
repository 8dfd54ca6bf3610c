"""Layers point down: the model and the analysis never touch Qt (DESIGN section 1)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import modeller

PACKAGE = Path(modeller.__file__).resolve().parent
PURE = ("model", "analysis")
QT_ROOTS = {"PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "PySide2", "qtpy"}
UPPER = ("modeller.ui", "modeller.export", "modeller.cli")

PROBE = r"""
import json, sys
{body}
roots = sorted({{m.split(".")[0] for m in sys.modules}} & {qt!r})
print(json.dumps(roots))
"""


def _qt_modules_after(body: str) -> list[str]:
    code = PROBE.format(body=body, qt=QT_ROOTS)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=PACKAGE.parent)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_probe_sees_qt() -> None:
    """The probe itself works: importing Qt is noticed."""
    pytest.importorskip("PySide6")
    assert "PySide6" in _qt_modules_after("import PySide6.QtCore")


def test_model_and_analysis_load_no_qt(examples_dir: Path) -> None:
    body = (
        "import modeller.model, modeller.analysis\n"
        "from modeller import analyze, load_design\n"
        f"analyze(load_design({str(examples_dir / 'multi-az.arch.json')!r})).to_dict()\n"
    )
    assert _qt_modules_after(body) == []


def test_headless_cli_loads_no_qt(examples_dir: Path) -> None:
    """`modeller analyze` runs on a server without Qt's system libraries."""
    body = (
        "import contextlib, io\n"
        "from modeller.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['analyze', {str(examples_dir / 'multi-az.arch.json')!r}, '--json'])\n"
        "assert code == 0, code\n"
    )
    assert _qt_modules_after(body) == []


def imported_modules(source: str, module: str) -> set[str]:
    """Absolute names of every module a source file imports (relative ones resolved)."""
    package = module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:
                parts = package.split(".")
                prefix = ".".join(parts[: len(parts) - (node.level - 1)])
                name = f"{prefix}.{name}" if name else prefix
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)  # may be submodules
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            if node.args and isinstance(node.args[0], ast.Constant):
                found.add(str(node.args[0].value))
    return found


def _forbidden(names: set[str]) -> set[str]:
    return {n for n in names if n.split(".")[0] in QT_ROOTS or n.startswith(UPPER)}


def test_scanner_finds_what_it_should() -> None:
    src = "from PySide6 import QtCore\nimport pyqtgraph as pg\nfrom ..ui import canvas\nfrom . import exact\n"
    names = imported_modules(src, "modeller.analysis.engine")
    assert _forbidden(names) == {"PySide6", "PySide6.QtCore", "pyqtgraph", "modeller.ui",
                                 "modeller.ui.canvas"}
    assert "modeller.analysis.exact" in names


@pytest.mark.parametrize("layer", PURE)
def test_pure_layers_have_no_qt_import(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no files under modeller/{layer}"
    bad = {}
    for path in files:
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts)
        if path.name == "__init__.py":
            module += ".__init__"
        hits = _forbidden(imported_modules(path.read_text(encoding="utf-8"), module))
        if hits:
            bad[str(path.relative_to(PACKAGE.parent))] = sorted(hits)
    assert bad == {}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts) + (".__init__" if path.name == "__init__.py" else "")


SHELL = ("modeller.ui.window.main_window", "modeller.ui.window.app")


def test_ui_is_grouped_in_subpackages() -> None:
    """modeller/ui/ holds only its package docstring: every module sits in a folder named
    for what a newcomer looks for (modeller/ui/README.md maps them)."""
    loose = sorted(p.name for p in (PACKAGE / "ui").glob("*.py") if p.name != "__init__.py")
    assert loose == []
    assert (PACKAGE / "ui" / "README.md").is_file()


def test_only_the_window_imports_the_shell() -> None:
    """The main window and the app entry sit on top of the UI: canvas, panels, editing,
    files, failit and insights never import them (they get the window passed in)."""
    bad = {}
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        module = _module_name(path)
        if module.startswith("modeller.ui.window."):
            continue
        hits = {n for n in imported_modules(path.read_text(encoding="utf-8"), module) if n.startswith(SHELL)}
        if hits:
            bad[module] = sorted(hits)
    assert bad == {}


def test_shell_scanner_sees_a_relative_import_of_the_window() -> None:
    names = imported_modules("from ..window.main_window import MainWindow\n", "modeller.ui.panels.palette")
    assert "modeller.ui.window.main_window" in names
