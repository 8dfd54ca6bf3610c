"""The main window: canvas in the centre, palette left, properties right, banner on top."""

from __future__ import annotations

import atexit
import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ...model import Design, DesignError, load_design
from ..canvas.arrange import install_arrange
from ..canvas.scene import DesignScene
from ..canvas.view import CanvasView, design_files
from ..editing.editor import FRAGMENT_MIME, Editor
from ..editing.presets_ui import install_presets
from ..failit.mode import install_failit
from ..files.export_actions import install_export_actions
from ..files.folders import last_folder, remember_folder
from ..files.locks import check_and_lock, release_locks
from ..files.paths import examples_dir, icon_path
from ..files.saving import Autosaver, RecentFiles, Recovery, save_design_file
from ..insights.panel import InsightsPanel
from ..insights.recovery import install_recovery
from ..panels.fields import plural
from ..panels.palette import Palette
from ..panels.properties import PropertiesPanel
from ..panels.suggest import install_suggest
from ..variants import install_variants
from .banner import Banner
from .crashlog import install_diagnostics
from .help import install_help
from .start_page import install_start_page
from .worker import AnalysisController, AnalyzeFn

FILE_FILTER = "Modeller designs (*.arch.json);;JSON files (*.json);;All files (*)"
STATUS_MS = 8000
NO_CLIENT = "Add a client (it sends the requests) to see the numbers"


_CLIPBOARD_HOOKED = False


def _release_clipboard_at_exit() -> None:
    """PySide6 crashes at interpreter exit while the clipboard still owns a QMimeData we
    made (seen offscreen); clear our own nodes from it on the way out."""
    global _CLIPBOARD_HOOKED
    if _CLIPBOARD_HOOKED:
        return
    _CLIPBOARD_HOOKED = True

    def release() -> None:
        app = QApplication.instance()
        if app is not None:
            board = QApplication.clipboard()
            data = board.mimeData()
            if data is not None and data.hasFormat(FRAGMENT_MIME):
                board.clear()

    atexit.register(release)


class MainWindow(QMainWindow):
    def __init__(self, analyze: AnalyzeFn | None = None, autosave: bool = True,
                 analysis_delay_ms: int = 150) -> None:
        super().__init__()
        self.path: str | None = None
        self.editor = Editor(parent=self)
        self.scene = DesignScene(self.editor, self)
        self.view = CanvasView(self.scene)
        self.editor.visible_rect = self._visible_scene_rect  # a dropped region stays in view
        self.banner = Banner()
        self.palette = Palette()
        self.properties = PropertiesPanel(self.editor)
        self.insights = InsightsPanel()
        self.recent = RecentFiles()
        self.analysis = AnalysisController(lambda: self.editor.design, analyze, analysis_delay_ms, self)
        self.autosaver: Autosaver | None = Autosaver(self.editor, lambda: self.path, self) if autosave else None
        self._subscribed: Design | None = None

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.banner)
        lay.addWidget(self.view, 1)
        self.setCentralWidget(central)
        self._docks()
        self._actions()
        self._menus()
        install_export_actions(self)
        self._toolbar()
        self.failit = install_failit(self)
        self.recovery = install_recovery(self)  # the insights' Recovery tab (4b)
        zones = QDockWidget("Survives losing one zone?", self)
        zones.setObjectName("zoneCheckDock")
        zones.setWidget(self.failit.zone_panel)
        zones.setFeatures(self.insights_dock.features())
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, zones)
        self.splitDockWidget(self.insights_dock, zones, Qt.Orientation.Horizontal)
        self.resizeDocks([self.insights_dock, zones], [900, 480], Qt.Orientation.Horizontal)
        self.zone_dock = zones
        install_presets(self)
        install_start_page(self)
        install_help(self)
        install_suggest(self)
        install_arrange(self)  # Arrange ▸ Tidy Layout, link routing, alignment guides
        install_variants(self)  # variant bar, Compare, presentation mode (F5)
        install_diagnostics(self)  # Help ▸ Show Log Folder, Copy Diagnostics
        self._dock_toggles.insertAction(self.failit.action, zones.toggleViewAction())
        self._status()
        self._connect()
        self._watch(self.editor.design)
        self.setAcceptDrops(True)
        self.setWindowIcon(QIcon(str(icon_path("modeller"))))
        # 1440 x 900, or the screen's free area when it is smaller (never off-screen);
        # the offscreen platform (tests, image exports) has no real screen to fit
        screen = self.screen() or QGuiApplication.primaryScreen()
        real = QGuiApplication.platformName() != "offscreen"
        avail = screen.availableGeometry() if screen is not None and real else None
        self.resize(1440 if avail is None else min(1440, avail.width()),
                    900 if avail is None else min(900, avail.height()))
        self._update_title()
        self.analysis.schedule()

    # -- layout --------------------------------------------------------------------
    def _docks(self) -> None:
        left = QDockWidget("Palette", self)
        left.setObjectName("paletteDock")
        left.setWidget(self.palette)
        left.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        left.setMinimumWidth(170)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, left)
        right = QDockWidget("Properties", self)
        right.setObjectName("propertiesDock")
        right.setWidget(self.properties)
        right.setFeatures(left.features())
        right.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, right)
        self.palette_dock, self.properties_dock = left, right
        self.resizeDocks([left, right], [190, 310], Qt.Orientation.Horizontal)
        bottom = QDockWidget("Insights", self)
        bottom.setObjectName("insightsDock")
        bottom.setWidget(self.insights)
        bottom.setFeatures(left.features() | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, bottom)
        self.insights_dock = bottom
        self.insights.setMinimumHeight(220)  # ten bar rows stay legible

    def _act(self, text: str, slot, keys=(), tip: str = "", icon: str | None = None,  # noqa: ANN001
             checkable: bool = False) -> QAction:
        a = QAction(text, self)
        if icon:
            a.setIcon(QIcon.fromTheme(icon))
        seqs: list[QKeySequence] = []
        for k in keys if isinstance(keys, (list, tuple)) else [keys]:
            if isinstance(k, QKeySequence.StandardKey):
                seqs.extend(QKeySequence.keyBindings(k))
            else:
                seqs.append(QKeySequence(k))
        if seqs:
            a.setShortcuts(seqs)
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.setCheckable(checkable)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _actions(self) -> None:
        SK = QKeySequence.StandardKey
        self.act_new = self._act("&New", self.new_file, SK.New, "Start a new design", "document-new")
        self.act_open = self._act("&Open…", lambda: self.open_file(), SK.Open, "Open a design file",
                                  "document-open")
        self.act_save = self._act("&Save", self.save, SK.Save, "Save the design", "document-save")
        self.act_save_as = self._act("Save &As…", lambda: self.save_as(), SK.SaveAs,
                                     "Save the design under a new name", "document-save-as")
        self.act_quit = self._act("&Quit", self.close, SK.Quit, "Close the window")
        self.act_undo = self.editor.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts(QKeySequence.keyBindings(SK.Undo))
        self.act_undo.setIcon(QIcon.fromTheme("edit-undo"))
        self.act_redo = self.editor.undo_stack.createRedoAction(self, "&Redo")
        # Ctrl+Y redoes on every platform, besides the platform's own (Ctrl+Shift+Z)
        redo_keys = QKeySequence.keyBindings(SK.Redo)
        if QKeySequence("Ctrl+Y") not in redo_keys:
            redo_keys.append(QKeySequence("Ctrl+Y"))
        self.act_redo.setShortcuts(redo_keys)
        self.act_redo.setIcon(QIcon.fromTheme("edit-redo"))
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        # short toolbar twins (no shortcuts: the menu actions own those)
        stack = self.editor.undo_stack
        self.tb_undo = QAction("Undo", self)
        self.tb_undo.triggered.connect(stack.undo)
        self.tb_redo = QAction("Redo", self)
        self.tb_redo.triggered.connect(stack.redo)
        for a, can, text, word in ((self.tb_undo, stack.canUndoChanged, stack.undoTextChanged, "Undo"),
                                   (self.tb_redo, stack.canRedoChanged, stack.redoTextChanged, "Redo")):
            a.setEnabled(False)
            can.connect(a.setEnabled)
            text.connect(lambda t, a=a, w=word: a.setToolTip(f"{w} {t}" if t else w))
        self.act_cut = self._act("Cu&t", self.cut, SK.Cut, "Cut the selection")
        self.act_copy = self._act("&Copy", self.copy, SK.Copy, "Copy the selection")
        self.act_paste = self._act("&Paste", self.paste, SK.Paste, "Paste nodes")
        self.act_duplicate = self._act("D&uplicate", self.duplicate, "Ctrl+D", "Duplicate the selection")
        # not SK.Delete: on KDE/GNOME it includes Ctrl+D, which is Duplicate's (one key, one action)
        self.act_delete = self._act("&Delete", self.delete_selection, ["Delete", "Backspace"],
                                    "Delete the selection (a region or zone goes with what it holds)",
                                    "edit-delete")
        self.act_select_all = self._act("Select &All", self.scene.select_all, SK.SelectAll)
        self.act_zoom_in = self._act("Zoom &In", self.view.zoom_in, [SK.ZoomIn, "Ctrl+="], "Zoom in",
                                     "zoom-in")
        self.act_zoom_out = self._act("Zoom &Out", self.view.zoom_out, SK.ZoomOut, "Zoom out", "zoom-out")
        self.act_zoom_reset = self._act("&Actual Size", self.view.reset_zoom, "Ctrl+0", "Zoom to 100 %",
                                        "zoom-original")
        self.act_fit = self._act("&Fit to Window", self.view.fit, "Ctrl+Shift+H",
                                 "Show the whole design", "zoom-fit-best")
        self.act_snap = self._act("&Snap to Grid", self._toggle_snap, "Ctrl+Shift+G", checkable=True)
        self.act_snap.setChecked(True)
        self.act_grid = self._act("Show &Grid", self._toggle_grid, checkable=True)
        self.act_grid.setChecked(True)
        self.align_actions = {}
        for mode, text, key in [("left", "Align &Left", "Ctrl+Shift+Left"),
                                ("hcenter", "Align &Centres", ""),
                                ("right", "Align &Right", "Ctrl+Shift+Right"),
                                ("top", "Align &Top", "Ctrl+Shift+Up"),
                                ("vcenter", "Align &Middles", ""),
                                ("bottom", "Align &Bottom", "Ctrl+Shift+Down"),
                                ("distribute_h", "Distribute &Horizontally", ""),
                                ("distribute_v", "Distribute &Vertically", "")]:
            self.align_actions[mode] = self._act(text, lambda _c=False, m=mode: self.align(m),
                                                 [key] if key else [])

    def _menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        m.addAction(self.act_new)
        m.addAction(self.act_open)
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.examples_menu = m.addMenu("Open &Example")
        self._fill_examples()
        m.addSeparator()
        m.addAction(self.act_save)
        m.addAction(self.act_save_as)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu("&Edit")
        for a in (self.act_undo, self.act_redo, None, self.act_cut, self.act_copy, self.act_paste,
                  self.act_duplicate, self.act_delete, None, self.act_select_all):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu("&View")
        for a in (self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset, self.act_fit, None,
                  self.act_snap, self.act_grid):
            m.addSeparator() if a is None else m.addAction(a)
        m.addSeparator()
        m.addAction(self.palette_dock.toggleViewAction())
        m.addAction(self.properties_dock.toggleViewAction())
        m.addAction(self.insights_dock.toggleViewAction())
        self._dock_toggles = m  # the zone check dock is added after the menus exist
        m = mb.addMenu("&Arrange")
        for i, a in enumerate(self.align_actions.values()):
            if i in (3, 6):
                m.addSeparator()
            m.addAction(a)
        m = mb.addMenu("&Help")
        m.addAction(self._act("&Keyboard and Mouse", self._show_help))
        m.addAction(self._act("&About Modeller", self._show_about))

    def _toolbar(self) -> None:
        tb = QToolBar("Main")
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.setStyleSheet("QToolBar { spacing: 2px; padding: 2px 6px; }"
                         "QToolButton { padding: 3px 8px; border-radius: 4px; }"
                         "QToolButton:hover { background: #e2e8f0; }"
                         "QToolButton:checked { background: #dbeafe; }")
        for a in (self.act_new, self.act_open, self.act_save, None, self.tb_undo, self.tb_redo, None,
                  self.act_delete, self.act_duplicate, None, self.act_zoom_out, self.act_zoom_reset,
                  self.act_zoom_in, self.act_fit, None, self.act_snap):
            tb.addSeparator() if a is None else tb.addAction(a)
        self.addToolBar(tb)
        self.toolbar = tb

    def _status(self) -> None:
        sb = self.statusBar()
        self.counts_label = QLabel()
        self.zoom_label = QLabel("100 %")
        self.zoom_label.setMinimumWidth(52)
        sb.addPermanentWidget(self.counts_label)
        sb.addPermanentWidget(self.zoom_label)

    def _connect(self) -> None:
        self.editor.designReplaced.connect(self._on_replaced)
        self.editor.undo_stack.cleanChanged.connect(lambda _c: self._update_title())
        self.scene.selectionChanged.connect(self._on_selection)
        self.scene.message.connect(self.show_status)
        self.scene.nodeActivated.connect(self._focus_name)
        self.analysis.reportReady.connect(self._on_report)
        self.analysis.badgesReady.connect(self._on_badges)
        self.analysis.failed.connect(self._on_analysis_failed)
        self.analysis.busyChanged.connect(self.banner.set_busy)
        self.palette.kindActivated.connect(self.add_at_centre)
        self.insights.node_clicked.connect(self.select_from_chart)
        self.view.filesDropped.connect(self.open_files)
        self.view.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f} %"))
        self.properties.refused.connect(lambda _k, msg: self.show_status(f"Not applied: {msg}"))
        if self.autosaver is not None:
            self.autosaver.error.connect(self.show_status)

    def _watch(self, design: Design) -> None:
        if self._subscribed is not None:
            self._subscribed.unsubscribe(self._on_design_changed)
        # first: the analysis's debounce then runs while the canvas and panels redraw
        # (the canvas's sync is 25-50 ms of a 300-node edit), not after them
        design.subscribe(self._on_design_changed, first=True)
        self._subscribed = design
        self._update_counts()

    # -- reactions ---------------------------------------------------------------
    def _on_design_changed(self, design: Design) -> None:
        self.analysis.schedule()
        self._update_counts()
        self._update_title()  # a renamed design renames the window

    def _on_replaced(self, design: Design) -> None:
        self._watch(design)
        self.analysis.reset()
        self.banner.show_message("Analysing…")
        self._update_title()

    def _on_selection(self) -> None:
        ids = self.scene.selected_node_ids()
        self.properties.set_selection(ids, self.scene.selected_link_keys())
        self.insights.set_selected(ids[0] if len(ids) == 1 else None)

    def select_from_chart(self, node_id: str) -> None:
        """A bar in an insight chart was clicked: select that item and bring it into view."""
        if node_id not in self.editor.design.nodes:
            return
        self.scene.select_ids([node_id])
        item = self.scene.item_for(node_id)
        if item is not None:
            self.view.ensureVisible(item.sceneBoundingRect(), 40, 40)

    def _on_badges(self, report: object, revision: int) -> None:
        """The engine's first, badges-only result: shown and painted at once (the worker
        waits for this paint before the rest of its pass); the banner and panels keep
        the busy look until the full report."""
        self.scene.apply_report(report, revision)
        self.view.viewport().repaint()

    def _on_report(self, report: object, revision: int) -> None:
        self.scene.apply_report(report, revision)
        if self.editor.design.clients():
            d = self.analysis.last_design or self.editor.design
            self.banner.show_report(report, {c.id: c.name for c in d.clients() if not d.links_from(c.id)})
        else:  # "every client is served" holds vacuously: say what is missing instead
            self.banner.show_message(NO_CLIENT)
        self.properties.set_report(report)
        self.insights.set_report(report, self.editor.design, snapshot=self.analysis.last_design)

    def _on_analysis_failed(self, message: str) -> None:
        self.properties.set_report(None)
        self.insights.set_report(None, self.editor.design)
        self.scene.clear_report()
        if not self.editor.design.clients() and not self.analysis.unavailable:
            # nothing to serve yet: not an error the person needs to read about
            self.banner.show_message(NO_CLIENT)
            return
        self.banner.show_message(message, error=True)
        if not self.analysis.unavailable:
            self.show_status(message)

    def _update_counts(self) -> None:
        d = self.editor.design
        self.counts_label.setText(f"{plural(len(d.nodes), 'node')} · {plural(len(d.links), 'link')}")

    def _update_title(self) -> None:
        name = Path(self.path).name if self.path else (self.editor.design.name or "Untitled")
        self.setWindowTitle(f"{name}[*] — Modeller")
        self.setWindowModified(not self.editor.undo_stack.isClean())

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MS)

    def _focus_name(self, node_id: str) -> None:
        self.properties_dock.show()
        edit = self.properties.editors.get("name")
        if edit is not None:
            edit.setFocus()
            edit.selectAll()  # type: ignore[attr-defined]

    def _toggle_snap(self, on: bool) -> None:
        self.scene.snap_to_grid = bool(on)

    def _toggle_grid(self, on: bool) -> None:
        self.view.show_grid = bool(on)  # the view resets its cached grid and repaints

    # -- editing -----------------------------------------------------------------
    def _visible_scene_rect(self) -> tuple[float, float, float, float]:
        r = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        return r.x(), r.y(), r.width(), r.height()

    def add_at_centre(self, kind: str) -> str:
        c = self.view.mapToScene(self.view.viewport().rect().center())
        return self.scene.add_kind_at(kind, QPointF(c))

    def delete_selection(self) -> None:
        ids, links = self.scene.selected_node_ids(), self.scene.selected_link_keys()
        if not ids and not links:
            self.show_status("Nothing selected to delete")
            return
        self.editor.delete(ids, links)

    def copy(self) -> bool:
        ids = self.scene.selected_node_ids()
        if not ids:
            self.show_status("Select nodes to copy")
            return False
        text = self.editor.fragment_text(ids)
        md = QMimeData()
        md.setData(FRAGMENT_MIME, text.encode("utf-8"))
        md.setText(text)
        QApplication.clipboard().setMimeData(md)
        _release_clipboard_at_exit()
        self.editor.paste_count = 0
        self.show_status(f"Copied {plural(len(self.editor.top_level(ids)), 'node')}")
        return True

    def cut(self) -> None:
        if self.copy():
            self.delete_selection()

    def paste(self) -> list[str]:
        md = QApplication.clipboard().mimeData()
        if md is None:
            return []
        if md.hasFormat(FRAGMENT_MIME):
            text = bytes(md.data(FRAGMENT_MIME).data()).decode("utf-8")
        else:
            text = md.text()
            try:
                if json.loads(text).get("format") != "modeller.design":
                    raise ValueError
            except (ValueError, AttributeError):
                self.show_status("The clipboard holds no Modeller nodes")
                return []
        ids = self.editor.paste(text)
        self.scene.select_ids(ids)
        return ids

    def duplicate(self) -> list[str]:
        ids = self.editor.duplicate(self.scene.selected_node_ids())
        self.scene.select_ids(ids)
        return ids

    def align(self, mode: str) -> None:
        self.editor.align(self.scene.selected_node_ids(), mode)

    # -- files -------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the person cancelled."""
        if self.editor.undo_stack.isClean():
            return True
        name = Path(self.path).name if self.path else self.editor.design.name
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to “{name}” before closing it?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_file(self) -> bool:
        if not self.maybe_save():
            return False
        self._replace(Design(), None)
        self.show_status("New design")
        return True

    def open_design(self, design: Design) -> bool:
        """Show a design made elsewhere (an import, a template) as a new untitled document."""
        if not self.maybe_save():
            return False
        self._replace(design, None)
        return True

    def _replace(self, design: Design, path: str | None) -> None:
        if self.autosaver is not None:
            self.autosaver.discard()
        self.path = path
        self.editor.set_design(design)
        self.scene.clearSelection()
        self.view.fit()
        QTimer.singleShot(0, self.view.fit)  # again once the window has its final size
        self._update_title()

    def open_file(self, path: str | None = None, ask: bool = True) -> bool:
        """Open a design (asking for a path when none is given); refusals are shown, never raised."""
        if ask and not self.maybe_save():
            return False
        if path is None:
            start = last_folder(str(Path(self.path).parent) if self.path else str(Path.home()))
            path, _ = QFileDialog.getOpenFileName(self, "Open design", start, FILE_FILTER)
            if not path:
                return False
        try:
            design = load_design(path)
        except DesignError as exc:
            self.show_error("Cannot open the design", str(exc))
            self.recent.remove(path)
            return False
        if not check_and_lock(self, path):
            return False
        self._replace(design, str(Path(path).resolve()))
        self.recent.add(path)
        remember_folder(path)
        self.show_status(f"Opened {Path(path).name}: {plural(len(design.nodes), 'node')}, "
                         f"{plural(len(design.links), 'link')}")
        return True

    def open_example(self, path: str) -> bool:
        """Open a bundled example as a new, untitled design (the bundle stays untouched)."""
        if not self.maybe_save():
            return False
        try:
            design = load_design(path)
        except DesignError as exc:
            self.show_error("Cannot open the example", str(exc))
            return False
        self._replace(design, None)
        self.show_status(f"Example {Path(path).name} opened as a new design")
        return True

    def open_files(self, paths: list[str]) -> None:
        """Files dropped on the window: open the first here (after asking about changes)."""
        if paths:
            self.open_file(paths[0])

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self, path: str | None = None) -> bool:
        if path is None:
            start = self.path or str(Path.home() / f"{self.editor.design.name or 'design'}.arch.json")
            path, _ = QFileDialog.getSaveFileName(self, "Save design as", start, FILE_FILTER)
            if not path:
                return False
        if not path.endswith(".json"):
            path += ".arch.json"
        return self._write(path)

    def _write(self, path: str) -> bool:
        if not check_and_lock(self, path, saving=True):
            return False
        try:
            save_design_file(self.editor.document, path)  # the base and its variants
        except OSError as exc:
            self.show_error("Cannot save the design", str(exc))
            return False
        self.path = str(Path(path).resolve())
        remember_folder(self.path)
        self.editor.undo_stack.setClean()
        self.recent.add(self.path)
        if self.autosaver is not None:
            self.autosaver.discard()
        self._update_title()
        self.show_status(f"Saved {Path(path).name}")
        return True

    def recover(self, recovery: Recovery) -> bool:
        """Load an autosaved design; it stays marked modified until saved."""
        try:
            design = recovery.load()
        except (OSError, DesignError) as exc:
            self.show_error("Cannot recover the design", str(exc))
            return False
        self._replace(design, recovery.original)
        self.editor.undo_stack.resetClean()
        recovery.discard()
        if self.autosaver is not None:
            self.autosaver.autosave()
        self._update_title()
        self.show_status(f"Recovered {recovery.describe()} — save it to keep it")
        return True

    def show_error(self, title: str, text: str) -> None:
        self.show_status(text)
        QMessageBox.warning(self, title, text)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.recent.list()
        if not files:
            a = self.recent_menu.addAction("(none)")
            a.setEnabled(False)
            return
        for i, f in enumerate(files):
            a = self.recent_menu.addAction(f"&{i + 1} {Path(f).name}")
            a.setToolTip(f)
            a.triggered.connect(lambda _c=False, p=f: self.open_file(p))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear list", self.recent.clear)

    def _fill_examples(self) -> None:
        self.examples_menu.clear()
        files = sorted(examples_dir().glob("*.arch.json")) if examples_dir().is_dir() else []
        if not files:
            a = self.examples_menu.addAction("(none bundled)")
            a.setEnabled(False)
        for f in files:
            a = self.examples_menu.addAction(f.name.replace(".arch.json", ""))
            a.triggered.connect(lambda _c=False, p=str(f): self.open_example(p))
        self.examples_menu.aboutToShow.connect(self._refill_examples_once)

    def _refill_examples_once(self) -> None:
        self.examples_menu.aboutToShow.disconnect(self._refill_examples_once)
        self._fill_examples()

    def _show_help(self) -> None:
        QMessageBox.information(self, "Keyboard and mouse", (
            "Drag a kind from the palette onto the canvas; drop it in a region or zone to place it.\n"
            "Drag from a node's edge dot to another node to link them.\n"
            "Drag a region or zone by its title strip; drag its corner grips to resize.\n"
            "Drag on empty canvas to select with a band; Ctrl/Shift-click adds to the selection.\n"
            "Wheel: zoom · Shift+wheel: scroll · middle-drag or Space+drag: pan\n"
            "Arrow keys nudge (Shift: 1 px) · Ctrl+D duplicates · Ctrl+Shift+H fits the view."))

    def _show_about(self) -> None:
        from ... import __version__

        QMessageBox.about(self, "About Modeller",
                          f"Modeller {__version__}\nSketch an architecture; see its availability, "
                          "capacity and latency live.")

    # -- window events -----------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and design_files(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = design_files(event.mimeData().urls()) if event.mimeData().hasUrls() else []
        if files:
            event.acceptProposedAction()
            self.open_files(files)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.maybe_save():
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop the workers and remove this window's recovery file (a clean close)."""
        self.analysis.shutdown()
        release_locks(self)
        self.insights.shutdown()
        if self.autosaver is not None:
            self.autosaver.stop()
            self.autosaver.discard()


__all__ = ["MainWindow"]
