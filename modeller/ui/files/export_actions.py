"""File ▸ Export (PNG, SVG, PDF, HTML, Markdown, CSV, draw.io) and File ▸ Import draw.io….

The exports write the window's current design with the report the canvas shows (the
worker's latest, when it belongs to the current revision; otherwise the live pass is
run once, here). Pictures come from :mod:`modeller.export.diagram`, the same renderer
the CLI uses, so ``modeller export`` and the menu give the same file. Files are
written with QSaveFile (no torn file); the last folder is remembered in the settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMainWindow, QMenu

from ...model import Design, DesignError
from .saving import settings, write_bytes

LAST_DIR_KEY = "export/last_dir"

# format, menu text, dialog title, file filter, suffixes (the first is added when missing)
EXPORTS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("png", "&PNG Image…", "Export PNG image", "PNG images (*.png)", (".png",)),
    ("svg", "&SVG Image…", "Export SVG image", "SVG images (*.svg)", (".svg",)),
    ("pdf", "P&DF…", "Export PDF", "PDF documents (*.pdf)", (".pdf",)),
    ("html", "&HTML Report…", "Export HTML report", "HTML reports (*.html *.htm)", (".html", ".htm")),
    ("markdown", "&Markdown Report…", "Export Markdown report", "Markdown (*.md *.markdown)",
     (".md", ".markdown")),
    ("csv", "&CSV…", "Export CSV table", "CSV tables (*.csv)", (".csv",)),
    ("drawio", "&draw.io…", "Export draw.io diagram", "draw.io diagrams (*.drawio *.xml)",
     (".drawio", ".xml")),
)
IMPORT_FILTER = "draw.io diagrams (*.drawio *.xml);;All files (*)"
NEEDS_REPORT = {"html", "markdown", "csv"}  # pictures and draw.io can go without numbers


@contextmanager
def _busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def _stem(window: Any) -> str:
    """A file name to offer: the design file's name, else the design's name as a slug."""
    path = getattr(window, "path", None)
    if path:
        name = Path(path).name
        for suffix in (".arch.json", ".json"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return Path(name).stem
    name = getattr(window.editor.design, "name", "") or ""
    slug = re.sub(r"[^\w.-]+", "-", name).strip("-.")
    return slug or "design"


class ExportActions(QObject):
    """The Export submenu and the Import draw.io action of one main window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("exportActions")
        self.window = window
        self.report_dialog: QDialog | None = None  # the last import's guesses (not modal)
        self.menu = QMenu("E&xport", window)
        self.menu.setObjectName("exportMenu")
        self.menu.setToolTipsVisible(True)
        self.actions: dict[str, QAction] = {}
        for fmt, text, title, _filter, _suffixes in EXPORTS:
            a = QAction(text, window)
            a.setObjectName(f"export_{fmt}")
            a.setStatusTip(title + " of the current design")
            a.triggered.connect(lambda _checked=False, f=fmt: self.export(f))
            self.menu.addAction(a)
            self.actions[fmt] = a
        self.menu.insertSeparator(self.actions["html"])
        self.import_action = QAction("&Import draw.io…", window)
        self.import_action.setObjectName("import_drawio")
        self.import_action.setStatusTip("Open a draw.io diagram as a new design (kinds are guessed)")
        self.import_action.triggered.connect(lambda _checked=False: self.import_drawio())

    # -- the menu ----------------------------------------------------------------------
    def file_menu(self) -> QMenu | None:
        for action in self.window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and (menu.objectName() == "fileMenu"
                                            or action.text().replace("&", "") == "File"):
                return menu
        return None

    def install(self) -> None:
        """Put Import and Export between Save As and Quit (or at the end of File)."""
        menu = self.file_menu()
        if menu is None:
            menu = self.window.menuBar().addMenu("&File")
        acts = menu.actions()
        quit_action = getattr(self.window, "act_quit", None)
        if quit_action in acts:
            i = acts.index(quit_action)
            before = acts[i - 1] if i > 0 and acts[i - 1].isSeparator() else quit_action
            menu.insertSeparator(before)  # Save As | Import, Export | Quit
            menu.insertAction(before, self.import_action)
            menu.insertMenu(before, self.menu)
        else:
            menu.addSeparator()
            menu.addAction(self.import_action)
            menu.addMenu(self.menu)

    # -- the report --------------------------------------------------------------------
    def current_report(self) -> tuple[Any, str]:
        """The report for the design as it is now, and why there is none when there is none."""
        w = self.window
        design = w.editor.design
        analysis = getattr(w, "analysis", None)
        if analysis is not None and analysis.last_report is not None \
                and analysis.last_revision == design.revision:
            return analysis.last_report, ""
        if not design.clients():
            return None, "the design has no client yet (a client sends the requests)"
        from ..window.worker import default_analyze

        try:
            with _busy():
                return default_analyze(design.copy()), ""
        except Exception as exc:  # noqa: BLE001 - shown to the person, never a crash
            return None, str(exc)

    # -- files -------------------------------------------------------------------------
    def _start_dir(self) -> Path:
        last = settings().value(LAST_DIR_KEY, "")
        if last and Path(str(last)).is_dir():
            return Path(str(last))
        path = getattr(self.window, "path", None)
        return Path(path).parent if path else Path.home()

    def _remember(self, path: str) -> None:
        s = settings()
        s.setValue(LAST_DIR_KEY, str(Path(path).resolve().parent))
        s.sync()

    def ask_save_path(self, fmt: str) -> str | None:
        _fmt, _text, title, file_filter, suffixes = next(e for e in EXPORTS if e[0] == fmt)
        start = self._start_dir() / (_stem(self.window) + suffixes[0])
        path, _chosen = QFileDialog.getSaveFileName(self.window, title, str(start), file_filter)
        if not path:
            return None
        if not path.lower().endswith(suffixes):
            path += suffixes[0]
        return path

    def export(self, fmt: str, path: str | None = None) -> str | None:
        """Export the current design as ``fmt`` (asking for a path when none is given).

        Returns the path written, or None when cancelled or refused (the reason is shown).
        """
        from ...export import export_bytes

        w = self.window
        if path is None:
            path = self.ask_save_path(fmt)
            if path is None:
                return None
        report, why = self.current_report()
        if report is None and fmt in NEEDS_REPORT:
            w.show_error("Cannot export the report", f"There are no numbers to report: {why}.")
            return None
        source = Path(w.path).name if getattr(w, "path", None) else ""
        try:
            with _busy():
                data = export_bytes(fmt, w.editor.design, report, source=source)
                write_bytes(path, data)
        except (OSError, RuntimeError, ValueError, ImportError) as exc:
            w.show_error("Export failed", f"{Path(path).name}: {exc}")
            return None
        self._remember(path)
        note = "" if report is not None else " (without numbers: " + why + ")"
        w.show_status(f"Exported {path}{note}")
        return path

    def import_drawio(self, path: str | None = None) -> Design | None:
        """Open a draw.io diagram as a new, untitled design and list what was guessed in a
        dialog (not modal) whose rows select their part on the canvas."""
        from ...export import import_drawio_report
        from .import_report import ImportReportDialog

        w = self.window
        if path is None:
            path, _chosen = QFileDialog.getOpenFileName(w, "Import draw.io diagram",
                                                        str(self._start_dir()), IMPORT_FILTER)
            if not path:
                return None
        try:
            with _busy():
                design, report = import_drawio_report(path)
        except DesignError as exc:
            w.show_error("Cannot import the diagram", str(exc))
            return None
        except OSError as exc:
            w.show_error("Cannot import the diagram", f"{path}: {exc}")
            return None
        self._remember(path)
        if not w.open_design(design):  # asks about unsaved changes first
            return None
        w.editor.undo_stack.resetClean()  # never saved: closing asks about it
        name = Path(path).name
        w.show_status(f"Imported {name}: {report.summary()}")
        if self.report_dialog is not None:
            self.report_dialog.close()
        self.report_dialog = ImportReportDialog(w, name, len(design.nodes), len(design.links),
                                                report, self._select_imported)
        self.report_dialog.show()
        return design

    def _select_imported(self, node_id: str) -> None:
        """A row of the import report was clicked: select that part and show it."""
        w = self.window
        if node_id not in w.editor.design.nodes:
            return  # deleted since the import
        w.scene.select_ids([node_id])
        item = w.scene.item_for(node_id)
        if item is not None:
            w.view.ensureVisible(item.sceneBoundingRect(), 40, 40)


def install_export_actions(window: QMainWindow) -> None:
    """Add File ▸ Export ▸ … and File ▸ Import draw.io… to a main window (once)."""
    if window.findChild(ExportActions, "exportActions") is not None:
        return
    ExportActions(window).install()


__all__ = ["ExportActions", "install_export_actions", "EXPORTS", "LAST_DIR_KEY"]
