"""The start page: the bundled templates with thumbnails and notes, shown over the canvas.

It appears when the app starts with nothing open (no file given, nothing recovered)
and from File ▸ New from Template…. Choosing a template opens it as a new, untitled
design (``MainWindow.open_example``), so nobody saves over the bundled file. The page
gets out of the way as soon as a design is opened, something is added to the canvas,
or something is dragged onto it.

Thumbnails are the templates drawn by the canvas scene itself (so they look like what
opens), rendered once per file version and cached.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QDragEnterEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...model import DesignError, load_design
from ...model.templates import Template, list_templates

THUMB_W, THUMB_H = 240, 150
SETTING_KEY = "startPage/showAtStartup"
_THUMBS: dict[tuple[str, int, int, int], QPixmap] = {}


# -- thumbnails --------------------------------------------------------------------
def render_thumbnail(path: str | Path, width: int = THUMB_W, height: int = THUMB_H) -> QPixmap:
    """The design in ``path`` drawn by the canvas scene into a ``width`` × ``height`` pixmap.

    Cached by (path, modification time, size): the start page is shown often, the files
    change only when someone edits the templates.
    """
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        mtime = -1
    key = (str(p.resolve()), mtime, width, height)
    cached = _THUMBS.get(key)
    if cached is not None:
        return cached
    pm = QPixmap(width, height)
    pm.fill(QColor("#f8fafc"))
    try:
        design = load_design(p)
    except DesignError:
        _THUMBS[key] = pm
        return pm
    try:
        _draw_design(design, pm)
    except Exception as exc:  # noqa: BLE001 - a thumbnail is decoration: never stop the start page
        print(f"modeller: no thumbnail for {p.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
    _THUMBS[key] = pm
    return pm


def _draw_design(design: Any, pm: QPixmap) -> None:
    from ..canvas.scene import DesignScene
    from ..editing.editor import Editor

    width, height = pm.width(), pm.height()
    editor = Editor(design)
    scene = DesignScene(editor)
    items = scene.node_items()
    if items:
        box = None
        for item in items.values():
            r = item.scene_rect()
            box = r if box is None else box.united(r)
        assert box is not None
        box = box.adjusted(-20, -20, 20, 20)
        # keep the aspect ratio: centre the design in the pixmap
        scale = min(width / box.width(), height / box.height())
        w, h = box.width() * scale, box.height() * scale
        target = QRectF((width - w) / 2, (height - h) / 2, w, h)
        painter = QPainter(pm)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            scene.render(painter, target, box, Qt.AspectRatioMode.KeepAspectRatio)
        finally:
            painter.end()
    scene.clear()
    scene.deleteLater()
    editor.deleteLater()


# -- the page ----------------------------------------------------------------------
def _wraps(label: QLabel) -> None:
    """Wrap to the width the layout gives (not demand the width of the longest line)."""
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(80)

class _TemplateRow(QFrame):
    """One template: thumbnail, title, its note and an Open button; a click opens it."""

    chosen = Signal(object)

    def __init__(self, template: Template, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = template
        self.setObjectName("templateRow")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("#templateRow { background: #ffffff; border: 1px solid #e2e8f0; "
                           "border-radius: 8px; }"
                           "#templateRow:hover { border: 1px solid #818cf8; background: #f5f7ff; }")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 10, 12, 10)
        lay.setSpacing(14)
        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB_W, THUMB_H)
        self.thumb.setStyleSheet("border: 1px solid #e2e8f0; border-radius: 4px; background: #f8fafc;")
        self.thumb.setPixmap(render_thumbnail(template.path))
        lay.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(4)
        head = QHBoxLayout()
        self.title = QLabel(template.title)
        self.title.setStyleSheet("font-size: 12pt; font-weight: 600; color: #0f172a; border: none;")
        _wraps(self.title)
        head.addWidget(self.title, 1)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip(f"Open “{template.title}” as a new, untitled design")
        self.open_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.open_button.clicked.connect(lambda: self.chosen.emit(self.template))
        head.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        text.addLayout(head)
        self.note = QLabel(template.note)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #334155; border: none;")
        self.note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        _wraps(self.note)
        text.addWidget(self.note, 1)
        lay.addLayout(text, 1)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.chosen.emit(self.template)
            event.accept()
            return
        super().mouseReleaseEvent(event)


class StartPage(QFrame):
    """The templates to start from, plus "Blank canvas" and "Open a file…"."""

    templateChosen = Signal(object)  # Template
    blankChosen = Signal()
    openChosen = Signal()

    def __init__(self, templates: list[Template] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        self.setStyleSheet("#startPage { background: #f1f5f9; }")
        self.setAutoFillBackground(True)
        self.setAcceptDrops(True)
        try:
            self.templates = list(templates) if templates is not None else list_templates()
        except DesignError:
            self.templates = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 20, 28, 12)
        outer.setSpacing(10)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        title = QLabel("Start from a template")
        title.setStyleSheet("font-size: 17pt; font-weight: 600; color: #0f172a;")
        sub = QLabel("Each template is a small, working design that teaches one availability idea — "
                     "its numbers appear as soon as it opens. It opens as a new, untitled design: "
                     "change anything, the template itself stays as it is.")
        sub.setStyleSheet("color: #475569;")
        _wraps(sub)
        titles.addWidget(title)
        titles.addWidget(sub)
        head.addLayout(titles, 1)
        self.blank_button = QPushButton("Blank canvas")
        self.blank_button.setToolTip("Start with an empty canvas and drag kinds from the palette (Esc)")
        self.blank_button.clicked.connect(self.blankChosen)
        self.open_button = QPushButton("Open a file…")
        self.open_button.clicked.connect(self.openChosen)
        for b in (self.blank_button, self.open_button):
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            head.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(head)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # the notes wrap to the width there is: never a sideways scrollbar hiding their ends
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("startBody")
        body.setStyleSheet("#startBody { background: #f1f5f9; }")
        rows = QVBoxLayout(body)
        rows.setContentsMargins(0, 0, 6, 0)
        rows.setSpacing(10)
        self.rows: dict[str, _TemplateRow] = {}
        for t in self.templates:
            row = _TemplateRow(t)
            row.chosen.connect(self.templateChosen)
            rows.addWidget(row)
            self.rows[t.id] = row
        if not self.templates:
            none = QLabel("No templates are bundled with this installation.")
            none.setStyleSheet("color: #64748b;")
            rows.addWidget(none)
        rows.addStretch(1)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)
        foot = QHBoxLayout()
        self.show_at_start = QCheckBox("Show this page when Modeller starts")
        self.show_at_start.setChecked(show_at_startup())
        self.show_at_start.toggled.connect(set_show_at_startup)
        foot.addWidget(self.show_at_start)
        hint = QLabel("Help ▸ Modeller Help (F1) explains the badges, colours and numbers.")
        hint.setStyleSheet("color: #64748b; font-size: 8pt;")
        _wraps(hint)
        hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        foot.addWidget(hint, 1)
        outer.addLayout(foot)

    def template_ids(self) -> list[str]:
        return [t.id for t in self.templates]

    def choose(self, template_id: str) -> None:
        """Pick a template by id, as a click on its row does."""
        self.rows[template_id].chosen.emit(self.rows[template_id].template)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.blankChosen.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Something dragged from the palette: step aside so it lands on the canvas."""
        self.blankChosen.emit()
        event.ignore()


def show_at_startup() -> bool:
    from ..files.saving import settings

    value = settings().value(SETTING_KEY, True)
    return value not in (False, "false", "0", 0)


def set_show_at_startup(on: bool) -> None:
    from ..files.saving import settings

    s = settings()
    s.setValue(SETTING_KEY, bool(on))
    s.sync()


# -- wiring into the main window ---------------------------------------------------
class _Overlay(QObject):
    """Keeps the start page over the canvas and hides it when a design shows up."""

    def __init__(self, window: Any, page: StartPage) -> None:
        super().__init__(window)
        self.window = window
        self.page = page
        self._policies: tuple[Qt.ScrollBarPolicy, Qt.ScrollBarPolicy] | None = None
        self._hidden_docks: list[QDockWidget] = []
        window.view.installEventFilter(self)
        window.editor.designReplaced.connect(lambda _d: self.hide())
        window.editor.undo_stack.indexChanged.connect(self._on_edit)
        page.templateChosen.connect(self.open_template)
        page.blankChosen.connect(self.hide)
        page.openChosen.connect(self._open_file)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.window.view and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest,
                                                         QEvent.Type.ChildAdded):
            self.page.setGeometry(self.window.view.rect())
            if not self.page.isHidden():
                self.page.raise_()  # the view raises its scroll bars when they appear
        return False

    def _scroll_bars(self, visible: bool) -> None:
        """The view keeps its scroll bars above any child: hide them while the page is up."""
        view = self.window.view
        if not visible:
            if self._policies is None:
                self._policies = (view.horizontalScrollBarPolicy(), view.verticalScrollBarPolicy())
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        elif self._policies is not None:
            view.setHorizontalScrollBarPolicy(self._policies[0])
            view.setVerticalScrollBarPolicy(self._policies[1])
            self._policies = None

    def _bottom_docks(self, visible: bool) -> None:
        """The panels under the canvas have nothing to show before a design is open: they
        make room for the page and come back (only those it hid) when it goes."""
        w = self.window
        if not visible:
            for dock in w.findChildren(QDockWidget):
                if (dock.parent() is w and not dock.isHidden() and not dock.isFloating()
                        and w.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea):
                    dock.hide()
                    self._hidden_docks.append(dock)
        else:
            for dock in self._hidden_docks:
                if shiboken6.isValid(dock):  # a dock may have been deleted meanwhile
                    dock.show()
            self._hidden_docks = []

    def show(self) -> None:
        self._scroll_bars(False)
        self._bottom_docks(False)
        back = bool(self.window.editor.design.nodes)
        self.page.blank_button.setText("Back to the design" if back else "Blank canvas")
        self.page.blank_button.setToolTip("Close this page (Esc)" if back else
                                          "Start with an empty canvas and drag kinds from the palette (Esc)")
        self.page.setGeometry(self.window.view.rect())
        self.page.show()
        self.page.raise_()
        self.page.setFocus()

    def hide(self) -> None:
        if not self.page.isHidden() or self._policies is not None:
            self.page.hide()
            self._scroll_bars(True)
            self._bottom_docks(True)
            self.window.view.setFocus()

    def _on_edit(self, _index: int) -> None:
        if self.window.editor.design.nodes:
            self.hide()

    def _open_file(self) -> None:
        self.window.open_file()

    def open_template(self, template: Template) -> bool:
        """Open ``template`` as a new, untitled design (after asking about unsaved changes)."""
        if not self.window.open_example(str(template.path)):
            return False
        self.hide()
        self.window.show_status(f"Template “{template.title}” opened as a new design — "
                                "save it under your own name to keep your changes")
        return True


def install_start_page(window: Any, show: bool | None = None) -> StartPage:
    """Add File ▸ New from Template… and show the start page when the window starts empty.

    ``show``: True/False forces it; None shows it when nothing is open yet and the
    person has not turned it off. Opening a file, recovering a design or adding a node
    hides it, so callers that open files after this call need do nothing.
    """
    existing = getattr(window, "start_page", None)
    if existing is not None:  # installed already (e.g. by MainWindow itself): just obey ``show``
        if show is True:
            window.start_overlay.show()
        elif show is False:
            window.start_overlay.hide()
        return existing
    page = StartPage(parent=window.view)
    page.hide()
    overlay = _Overlay(window, page)
    window.start_page = page
    window.start_overlay = overlay
    act = QAction("New from &Template…", window)
    act.setShortcut(QKeySequence("Ctrl+Shift+N"))
    act.setStatusTip("Start a new design from one of the bundled templates")
    act.triggered.connect(overlay.show)
    window.addAction(act)
    window.act_new_from_template = act
    menu = _menu(window, "File")
    if menu is not None:
        before = getattr(window, "act_open", None)
        if before is not None and before in menu.actions():
            menu.insertAction(before, act)
        else:
            menu.addAction(act)
    if show is None:
        show = (show_at_startup() and window.path is None and not window.editor.design.nodes
                and window.editor.undo_stack.isClean())
    if show:
        overlay.show()
    return page


def show_start_page(window: Any) -> None:
    """Show the start page over the canvas (File ▸ New from Template…)."""
    install_start_page(window, show=True)


def _menu(window: Any, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if menu is not None and action.text().replace("&", "") == title:
            return menu
    return None


__all__ = ["StartPage", "install_start_page", "render_thumbnail", "show_start_page"]
