"""Presentation mode (F5): the canvas alone, full screen, numbers large enough for a
projector, and the failure scenarios one key press at a time.

The presentation shows the window's own scene in a second view fitted to the screen
(badges grow with the diagram), a banner with the system's figures in large type, and
a panel with the current scenario's outcome. Keys: → / ↓ / Space / Page Down the next
failure scenario (zones first, then regions, then single parts), ← / ↑ / Page Up the
previous one, Home the design as drawn, 1 the base and 2, 3 … the variants, Esc (or F5)
leaves. A scenario is shaded with Fail it's drawing (``scenario_states`` and
``scenario_badges`` on the scene); every number is the newest report's.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsView,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...formatting import fmt_duration, fmt_money, fmt_nines, fmt_percent
from ...model import KIND_LABELS
from ...render.style import CANVAS_BG
from ..failit.mode import outcome_kind, scenario_badges, scenario_lines, scenario_states

SHORTCUT = "F5"
ORDER = {"zone": 0, "region": 1}
OUTCOME_COLOURS = {"drops": "#991b1b", "overloaded": "#92400e", "hot": "#92400e",
                   "survives": "#166534"}
TITLE_PT = 18.0
BANNER_PT = 24.0
PANEL_PT = 20.0


def scenario_order(report: Any) -> list[Any]:
    """The failure scenarios to step through: zones first, then regions, then parts
    (each group in the report's order)."""
    failures = list(getattr(report, "failures", None) or [])
    return sorted(failures, key=lambda f: ORDER.get(f.kind, 2))


class _Stage(QGraphicsView):
    """The scene fitted to the screen; no editing, no scroll bars, no grid."""

    def __init__(self, scene: Any, parent: QWidget) -> None:
        super().__init__(scene, parent)
        self.setObjectName("presentationCanvas")
        self.setInteractive(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setBackgroundBrush(CANVAS_BG)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        scene = self.scene()
        rect = scene.itemsBoundingRect() if scene is not None else QRectF()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect.adjusted(-30, -30, 30, 30), Qt.AspectRatioMode.KeepAspectRatio)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        painter.fillRect(rect, CANVAS_BG)


class PresentationWindow(QWidget):
    """The full-screen presentation of one main window's canvas."""

    left = Signal()

    def __init__(self, window: Any) -> None:
        super().__init__(window, Qt.WindowType.Window)  # its own top-level window, owned by the main one
        self.window = window
        self.setObjectName("presentation")
        self.setWindowTitle("Modeller — presentation")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#presentation { background: #ffffff; }"
                           "#presentationBanner { background: #0f172a; }"
                           "#presentationBanner QLabel { color: #f8fafc; }"
                           "#presentationPanel { background: #f8fafc; border-top: 2px solid #cbd5e1; }")
        self.index = -1  # -1: the design as drawn; else an index into self.scenarios
        self.scenarios: list[Any] = []
        self.failed_id: str | None = None
        self._cached: list[QGraphicsItem] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.banner = QWidget()
        self.banner.setObjectName("presentationBanner")
        self.banner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        col = QVBoxLayout(self.banner)
        col.setContentsMargins(28, 10, 28, 12)
        col.setSpacing(2)
        self.title = QLabel()
        self.title.setObjectName("presentationTitle")
        self.title.setFont(_font(TITLE_PT, bold=True))
        self.figures = QLabel()
        self.figures.setObjectName("presentationFigures")
        self.figures.setFont(_font(BANNER_PT))
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        for label in (self.title, self.figures):  # a long name never widens the screen
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            col.addWidget(label)
        lay.addWidget(self.banner)
        self.stage = _Stage(window.scene, self)
        lay.addWidget(self.stage, 1)
        self.panel = QLabel()
        self.panel.setObjectName("presentationPanel")
        self.panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.panel.setFont(_font(PANEL_PT))
        self.panel.setTextFormat(Qt.TextFormat.RichText)
        self.panel.setWordWrap(True)
        self.panel.setContentsMargins(28, 12, 28, 14)
        self.panel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.panel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        window.analysis.reportReady.connect(self._on_report)
        window.editor.designReplaced.connect(self._on_replaced)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.stage.fit)
        self.refresh()

    # -- state ---------------------------------------------------------------------------
    @property
    def design(self) -> Any:
        return self.window.editor.design

    @property
    def report(self) -> Any:
        return self.window.analysis.last_report

    def option_name(self) -> str:
        variants = getattr(self.window, "variants", None)
        current = variants.current if variants is not None else None
        return current or ("Base" if variants is not None and variants.names() else "")

    def refresh(self) -> None:
        """Banner, scenario list and panel from the newest report (the scenario kept by id)."""
        report = self.report
        self.scenarios = scenario_order(report)
        if self.failed_id is not None:
            ids = [f.down for f in self.scenarios]
            self.index = ids.index(self.failed_id) if self.failed_id in ids else -1
        name = self.design.name or "Untitled"
        option = self.option_name()
        self.title.setText(html.escape(name) + (f"  —  {html.escape(option)}" if option else ""))
        s = getattr(report, "system", None)
        if s is None:
            self.figures.setText("Analysing…")
        else:
            spofs = len(getattr(report, "spofs", []) or [])
            self.figures.setText(
                f"<b>{fmt_percent(s.availability, s.unavailability)}</b> "
                f"({fmt_nines(s.nines)} nines) &nbsp; · &nbsp; "
                f"<b>{fmt_duration(s.downtime_minutes_per_year)}</b> down a year &nbsp; · &nbsp; "
                f"<b>{fmt_money(s.cost_month)}</b> a month &nbsp; · &nbsp; "
                f"<b>{spofs}</b> SPOF{'s' if spofs != 1 else ''}")
        self._show_current()

    def _uncache(self) -> None:
        """Items cache their picture per view (DeviceCoordinateCache); with this second view
        at another scale a cached picture can outlive a scenario's repaint, so while the
        presentation shows, items paint directly (restored on leaving)."""
        for item in self.window.scene.items():
            if item.cacheMode() != QGraphicsItem.CacheMode.NoCache:
                self._cached.append(item)
                item.setCacheMode(QGraphicsItem.CacheMode.NoCache)

    def _recache(self) -> None:
        for item in self._cached:
            try:
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            except RuntimeError:  # deleted since (a variant switch rebuilt the scene)
                pass
        self._cached = []

    def _show_current(self) -> None:
        scene = self.window.scene
        if self.isVisible():
            self._uncache()
        if self.index < 0 or self.index >= len(self.scenarios):
            self.index = -1
            self.failed_id = None
            scene.clear_scenario()
            count = len(self.scenarios)
            self.panel.setText(
                f"<b>The design as drawn.</b> &nbsp; → steps through {count} failure "
                f"scenario{'s' if count != 1 else ''} (zones first) · 1–9 switch the option · "
                "Esc leaves")
            return
        sc = self.scenarios[self.index]
        self.failed_id = sc.down
        design, report = self.design, self.report
        states = scenario_states(design, sc)
        scene.show_scenario(states, scenario_badges(design, sc, states))
        lines = scenario_lines(design, sc, report)
        colour = OUTCOME_COLOURS.get(outcome_kind(sc), "#0f172a")
        kind = KIND_LABELS.get(sc.kind, sc.kind)
        head = (f"<span style='color:#475569'>{self.index + 1} of {len(self.scenarios)} · "
                f"{html.escape(kind)}</span><br><b style='color:{colour}'>"
                f"{html.escape(lines[0])}</b>")
        rest = "<br>".join(html.escape(x) for x in lines[1:])
        self.panel.setText(head + ("<br>" + rest if rest else ""))

    # -- keys ----------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        """Next (+1) or previous (−1) scenario; past either end: the design as drawn."""
        n = len(self.scenarios)
        if n == 0:
            self.index = -1
        elif self.index < 0:
            self.index = 0 if delta > 0 else n - 1
        else:
            self.index += delta
            if self.index >= n or self.index < 0:
                self.index = -1
        self.failed_id = self.scenarios[self.index].down if self.index >= 0 else None
        self._show_current()

    def choose_option(self, number: int) -> bool:
        """Key ``number``: 1 the base, 2 the first variant … (False when there is none)."""
        variants = getattr(self.window, "variants", None)
        if variants is None:
            return False
        names = [None, *variants.names()]
        if not 1 <= number <= len(names):
            return False
        variants.switch(names[number - 1])
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Escape, Qt.Key.Key_F5):
            self.leave()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Space, Qt.Key.Key_PageDown):
            self.step(+1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace):
            self.step(-1)
        elif key == Qt.Key.Key_Home:
            self.index, self.failed_id = -1, None
            self._show_current()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.choose_option(key - Qt.Key.Key_0)
        else:
            super().keyPressEvent(event)

    # -- following the window ------------------------------------------------------------
    def _on_report(self, _report: Any, _revision: int) -> None:
        if self.isVisible():
            self.refresh()

    def _on_replaced(self, _design: Any) -> None:
        if self.isVisible():
            self.refresh()
            self._refit.start()

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._refit.start()

    def showEvent(self, event: QEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._uncache()
        self._refit.start()

    def leave(self) -> None:
        self.window.scene.clear_scenario()
        self._recache()
        self.index, self.failed_id = -1, None
        self.hide()
        self.left.emit()


class Presentation(QObject):
    """The F5 action of one main window and its presentation window."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.screen: PresentationWindow | None = None
        self.action = QAction("&Presentation Mode", window)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        tip = ("Presentation mode (F5): the canvas full screen with large numbers; arrow keys "
               "step through the failure scenarios, 1–9 switch the option, Esc leaves")
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)
        self.action.triggered.connect(lambda _checked=False: self.enter())
        window.addAction(self.action)

    @property
    def active(self) -> bool:
        return self.screen is not None and self.screen.isVisible()

    def enter(self, full_screen: bool = True) -> PresentationWindow:
        failit = getattr(self.window, "failit", None)
        if failit is not None and failit.active:
            failit.set_active(False)
        self.window.scene.clearSelection()
        if self.screen is None:
            self.screen = PresentationWindow(self.window)
            self.screen.left.connect(self._left)
        screen = self.screen
        screen.index, screen.failed_id = -1, None
        screen.refresh()
        if full_screen:
            screen.showFullScreen()
        else:
            screen.show()
        screen.activateWindow()
        screen.setFocus()
        return screen

    def _left(self) -> None:
        self.window.activateWindow()
        self.window.view.setFocus()


def _font(points: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(points)
    f.setBold(bold)
    return f


def install_presentation(window: Any) -> Presentation:
    """Add presentation mode (F5) to a MainWindow: the action, in the View menu."""
    existing = getattr(window, "presentation", None)
    if isinstance(existing, Presentation):
        return existing
    p = Presentation(window)
    window.presentation = p
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == "View" and menu_action.menu() is not None:
            menu_action.menu().addSeparator()
            menu_action.menu().addAction(p.action)
            break
    return p


__all__ = ["Presentation", "PresentationWindow", "install_presentation", "scenario_order"]


