"""The "Suggest" dock: the cheapest changes that meet every target, side by side.

The numbers come from :mod:`modeller.analysis.recommend` run off the UI thread on a
:class:`SweepWorker` (newest request wins; cancel stops it at its next evaluation).
Hovering an option outlines the parts it changes on the canvas (the scene items'
``set_highlight``, only on items nothing else outlines); "Apply" pushes one
``SetNodeFieldsCommand``, so one Undo takes the whole option back. Below the options,
"the cost of each extra nine": the cheapest design for each availability level from
the current one to two nines more, in half-nine steps.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...formatting import fmt_duration, fmt_headroom, fmt_money, fmt_ms, fmt_nines, fmt_percent
from ...model import Design
from ..editing.commands import SetNodeFieldsCommand
from ..insights.base import ChartStyle, ChartWidget, FmtAxis, esc
from ..insights.sweep_worker import JobCancelled, SweepWorker

HIGHLIGHT = QColor("#d97706")  # amber: "this option changes me"
PROGRESS_AFTER_MS = 1000  # searches shorter than this show no progress bar
LABELS = {"cheapest": "Cheapest", "fewest changes": "Fewest changes",
          "most headroom": "Most headroom", "closest": "Closest (still misses a target)"}


class _Progress(QObject):
    """Carries progress from the worker thread to the UI (queued connection)."""

    step = Signal(int, int, str)


def recommend_job(design: Design, progress: _Progress):  # noqa: ANN201
    def run(cancelled):  # noqa: ANN001, ANN202
        from ...analysis.recommend import SearchCancelled, recommend

        try:
            return recommend(design, progress=progress.step.emit, cancelled=cancelled)
        except SearchCancelled:
            raise JobCancelled from None
    return run


def nines_job(design: Design, progress: _Progress):  # noqa: ANN201
    def run(cancelled):  # noqa: ANN001, ANN202
        from ...analysis.recommend import SearchCancelled, nines_cost

        try:
            return nines_cost(design, progress=progress.step.emit, cancelled=cancelled)
        except SearchCancelled:
            raise JobCancelled from None
    return run


class OptionCard(QFrame):
    """One option: its changes, its numbers and an Apply button. Hover = highlight."""

    hovered = Signal(list)  # node ids, [] on leave
    applyRequested = Signal(object)  # the Option

    def __init__(self, option: Any, design: Design, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ...analysis.recommend import describe_change

        self.option = option
        self.setObjectName("optionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#optionCard { border: 1px solid #cbd5e1; border-radius: 6px; }"
                           "#optionCard:hover { border: 2px solid #d97706; }")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(230)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(3)
        head = QHBoxLayout()
        title = QLabel(f"<b>{esc(LABELS.get(option.label, option.label))}</b><br>"
                       f"{len(option.changes)} change{'s' if len(option.changes) != 1 else ''} · "
                       f"<b>{_signed_money(option.delta_cost_month)}</b>/month")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)
        head.addWidget(title, 1)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setToolTip("Apply these changes (one step: Undo takes them all back)")
        self.apply_button.clicked.connect(lambda: self.applyRequested.emit(self.option))
        head.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(head)
        self.change_lines = [describe_change(design, ch) for ch in option.changes]
        changes = QLabel("\n".join("• " + t for t in self.change_lines))
        changes.setWordWrap(True)
        changes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(changes)
        p99 = f"{fmt_ms(option.p99_ms)} ms" if option.p99_ms is not None else "—"
        rows = [(f"{fmt_percent(option.availability, option.unavailability)}",
                 f"{fmt_nines(option.nines)} nines"),
                (f"{fmt_duration(option.downtime_minutes_per_year)}", "down a year"),
                (p99, "worst p99"), (fmt_headroom(option.headroom), "headroom"),
                (fmt_money(option.cost_month), "a month")]
        numbers = QLabel("<table cellspacing=0 cellpadding=0>" + "".join(
            f"<tr><td align=right><b>{esc(v)}</b>&nbsp;&nbsp;</td><td>{esc(k)}</td></tr>"
            for v, k in rows) + "</table>")
        numbers.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(numbers)
        clients = {k.split(".", 1)[0] for k in option.meets if "." in k}
        met = []
        for key, v in option.meets.items():
            mark = "✓" if v else ("–" if v is None else "✗")
            short = key.split(".", 1)[1] if len(clients) == 1 and "." in key else key
            met.append(f"{mark} {short.replace('latency_ms_p99', 'p99')}")
        verdict = QLabel("  ".join(met))
        verdict.setWordWrap(True)
        verdict.setToolTip("✓ met · ✗ missed · – not applicable")
        verdict.setStyleSheet("color: #15803d;" if option.meets_all else "color: #b91c1c;")
        lay.addWidget(verdict)
        lay.addStretch(1)

    def enterEvent(self, event: QEvent) -> None:  # noqa: N802
        self.hovered.emit(list(self.option.nodes))
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self.hovered.emit([])
        super().leaveEvent(event)


def _signed_money(x: float) -> str:
    return ("+" if x >= 0 else "−") + fmt_money(abs(x))


class NinesCostChart(ChartWidget):
    """Cost a month of the cheapest design for each availability level (nines)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = self.add_plot(left=FmtAxis("left", fmt_money),
                                  bottom=FmtAxis("bottom", lambda v: f"{v:.1f}"))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.set_axis_label(self.plot, "left", "cost a month")
        self.set_axis_label(self.plot, "bottom", "availability (nines)")
        self.curve = pg.PlotDataItem(antialias=True, symbol="o", symbolSize=9)
        self.plot.addItem(self.curve)
        self.labels: list[pg.TextItem] = []
        self.out_lines: list[pg.InfiniteLine] = []  # one dashed line per level out of reach
        self.shades: list[pg.LinearRegionItem] = []
        self.rows: list[dict[str, Any]] = []
        self.restyle()
        self.set_title("<b>Cost of each extra nine</b>")
        self.show_hint("Click “Find options” to see what each extra half nine costs.")

    def apply_style(self, st: ChartStyle) -> None:
        self._st = st
        self.curve.setPen(pg.mkPen(st.series_colour(4), width=2.0))
        self.curve.setSymbolBrush(st.series_colour(4))
        self.curve.setSymbolPen(st.series_colour(4))
        if self.rows:
            self._redraw()

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = list(rows)
        self._redraw()

    def points(self) -> tuple[list[float], list[float]]:
        got = [r for r in self.rows if r["reachable"] and r["cost_month"] is not None]
        return [float(r["nines"]) for r in got], [float(r["cost_month"]) for r in got]

    def _redraw(self) -> None:
        st = getattr(self, "_st", None) or self.style_
        for item in [*self.labels, *self.out_lines, *self.shades]:
            self.plot.removeItem(item)
        self.labels, self.out_lines, self.shades = [], [], []
        xs, ys = self.points()
        if not xs:
            self.show_hint("No availability level above the current one is within reach of "
                           "these levers.")
            return
        self.curve.setData(xs, ys)
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
            text = "now " + fmt_money(y) if i == 0 else _signed_money(y - ys[0])
            anchor = (-0.1, -0.15) if i == 0 else (0.5, 1.25)  # "now" below-right of its point
            label = pg.TextItem(text, anchor=anchor, color=st.foreground)
            label.setFont(st.font)
            label.setPos(x, y)
            self.plot.addItem(label)
            self.labels.append(label)
        out = [float(r["nines"]) for r in self.rows if not r["reachable"]]
        allx = xs + out
        lo, hi = min(allx), max(allx)
        span = max(hi - lo, 0.5)
        x0, x1 = lo - 0.12 * span, hi + 0.15 * span
        self.plot.setXRange(x0, x1, padding=0)
        ylo, yhi = min(ys), max(ys)
        yspan = max(yhi - ylo, 0.25 * abs(yhi), 1.0)  # room for the labels on a flat curve
        y0, y1 = ylo - 0.45 * yspan, yhi + 0.55 * yspan
        self.plot.setYRange(y0, y1, padding=0)
        for x in out:
            line = pg.InfiniteLine(pos=x, angle=90, movable=False)
            line.setPen(pg.mkPen(st.muted, width=1.2, style=Qt.PenStyle.DashLine))
            self.plot.addItem(line)
            self.out_lines.append(line)
        if out:  # one label over the levels these levers cannot reach
            first = min(out)
            shade = QColor(st.muted)
            shade.setAlphaF(0.12)
            region = pg.LinearRegionItem(values=(first - 0.2, x1), movable=False,
                                         brush=pg.mkBrush(shade), pen=pg.mkPen(None))
            self.plot.addItem(region)
            self.shades.append(region)
            # bottom right: the cost curve rises to the right, so that corner stays clear
            note = pg.TextItem("out of reach", anchor=(1.0, 1.0), color=st.foreground)
            note.setFont(st.font)
            note.setPos(x1, y0)
            self.plot.addItem(note)
            self.labels.append(note)
        steps = len(xs) - 1
        self.set_title(f"<b>Cost of each extra nine</b> — cheapest design per half nine "
                       f"({steps} level{'s' if steps != 1 else ''} within reach"
                       + (f", {len(out)} out of reach" if out else "") + ")")
        self.show_chart()


class SuggestPanel(QWidget):
    """Find options, show them side by side, apply one; the nines-cost chart beneath."""

    hovered = Signal(list)  # node ids an option would change ([]: none)
    applyRequested = Signal(object)  # an Option

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = SweepWorker(self)
        self.worker.resultReady.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)
        self._progress = _Progress(self)
        self._progress.step.connect(self._on_step)
        self._nines_progress = _Progress(self)
        self._nines_progress.step.connect(self._on_nines_step)
        self.design: Design | None = None
        self.revision: int | None = None  # the design revision the options answer
        self.searched: Design | None = None  # ... and the design itself
        self._search = 0  # the newest search's id (a result answers it or is dropped)
        self.recommendation: Any = None
        self.nines_rows: list[dict[str, Any]] = []
        self.cards: list[OptionCard] = []

        top = QHBoxLayout()
        self.find_button = QPushButton("Find options")
        self.find_button.setToolTip("Search replicas, spread, min_healthy, failover and presets "
                                    "for the cheapest changes that meet every target")
        self.find_button.clicked.connect(self.find)
        self.status = QLabel("Find the cheapest changes that make every client meet its SLO "
                             "and the design survive losing a zone.")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        for w in (self.progress, self.cancel_button):
            w.setVisible(False)
        top.addWidget(self.find_button)
        top.addWidget(self.status, 1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)

        self.cards_host = QWidget()
        self.cards_layout = QHBoxLayout(self.cards_host)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.setSpacing(8)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.cards_host)
        self.notes = QLabel("")
        self.notes.setStyleSheet("color: #64748b;")
        self.notes.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(scroll, 1)
        ll.addWidget(self.notes)
        self.chart = NinesCostChart()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        split.setChildrenCollapsible(False)
        left.setMinimumWidth(360)
        self.chart.setMinimumWidth(300)
        self.splitter = split

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        self._show_progress_timer = QTimer(self)
        self._show_progress_timer.setSingleShot(True)
        self._show_progress_timer.timeout.connect(self._reveal_progress)

    # -- searching ---------------------------------------------------------------
    def set_design(self, design: Design | None) -> None:
        self.design = design
        self._update_stale()

    def find(self) -> None:
        """Search the current design (a copy: edits during the search do not race it)."""
        if self.design is None:
            return
        snapshot = self.design.copy()
        self.revision = self.design.revision
        self.searched = self.design
        self._search += 1
        self.recommendation = None
        self.nines_rows = []
        self.notes.setText("")
        self.notes.setToolTip("")
        self._clear_cards()
        self.status.setText("Searching…")
        self.progress.setRange(0, 0)
        self.worker.request("recommend", self._search, recommend_job(snapshot, self._progress))
        self.worker.request("nines", self._search, nines_job(snapshot.copy(), self._nines_progress))
        self.chart.rows = []
        self.chart.set_title("<b>Cost of each extra nine</b> <i>(computing…)</i>")
        self.chart.show_hint("Finding the cheapest design for each half nine…")
        self.find_button.setEnabled(False)
        self._show_progress_timer.start(PROGRESS_AFTER_MS)

    def cancel(self) -> None:
        self.worker.cancel("recommend")
        self.worker.cancel("nines")
        if not self.chart.rows:
            self.chart.set_title("<b>Cost of each extra nine</b>")
            self.chart.show_hint("Search cancelled.")
        self._done("Search cancelled.")

    @property
    def busy(self) -> bool:
        return self.worker.busy

    def _reveal_progress(self) -> None:
        if self.worker.busy:
            self.progress.setVisible(True)
            self.cancel_button.setVisible(True)

    def _on_nines_step(self, done: int, budget: int, stage: str) -> None:
        if self.worker.in_flight("nines") is not None:
            self.chart.show_hint(f"Finding the cheapest design for each half nine… {done} "
                                 f"design{'s' if done != 1 else ''} evaluated ({stage})")

    def _on_step(self, done: int, budget: int, stage: str) -> None:
        if self.worker.in_flight("recommend") is None:
            return
        # the budget is a ceiling, not a forecast: a busy bar, and the count in words
        self.progress.setRange(0, 0)
        self.progress.setToolTip(f"at most {budget} designs")
        self.status.setText(f"Searching… {done} design{'s' if done != 1 else ''} evaluated ({stage})")

    def _on_result(self, kind: str, key: Any, result: Any) -> None:
        if key != self._search:
            return
        if kind == "recommend":
            self.recommendation = result
            self._show_recommendation(result)
        elif kind == "nines":
            self.nines_rows = result
            self.chart.set_rows(result)
        if not self.worker.busy:
            self._done(None)

    def _on_failed(self, kind: str, key: Any, message: str) -> None:
        self._done(f"Cannot search: {message}")

    def _done(self, text: str | None) -> None:
        self._show_progress_timer.stop()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.find_button.setEnabled(True)
        if text is not None:
            self.status.setText(text)

    # -- showing -----------------------------------------------------------------
    def _clear_cards(self) -> None:
        for card in self.cards:
            card.hovered.disconnect()
            self.cards_layout.removeWidget(card)
            card.hide()
            card.setParent(None)  # gone now, not at the next event-loop turn
            card.deleteLater()
        self.cards = []
        self.hovered.emit([])

    def _show_recommendation(self, rec: Any) -> None:
        self._clear_cards()
        assert self.design is not None
        shown = list(rec.options)
        if rec.current.meets_all:
            self.status.setText("The design as drawn meets every target: nothing to change.")
        elif rec.found:
            best = rec.options[0]
            n = len(shown)
            cost = ("costs nothing more" if abs(best.delta_cost_month) < 0.005 else
                    f"costs {_signed_money(best.delta_cost_month)} a month")
            self.status.setText(f"{n} option{'s' if n != 1 else ''} meet{'s' if n == 1 else ''} "
                                f"every target; the cheapest {cost} ({rec.evaluations} designs "
                                "evaluated"
                                + (", exhaustive)" if rec.exhaustive else ", not exhaustive)"))
        else:
            why = " ".join(w[:1].upper() + w[1:] for w in rec.why)
            self.status.setText("No option meets every target. " + why)
            if rec.closest is not None:
                shown = [rec.closest]
        for opt in shown:
            card = OptionCard(opt, self.design)
            card.hovered.connect(self.hovered.emit)
            card.applyRequested.connect(self.applyRequested.emit)
            self.cards_layout.addWidget(card, 1)
            self.cards.append(card)
        self.notes.setText(f"{len(rec.notes)} note{'s' if len(rec.notes) != 1 else ''} on what was "
                           "not checked (hover to read)" if rec.notes else "")
        self.notes.setToolTip("\n".join("• " + n for n in rec.notes))
        self._update_stale()

    def _update_stale(self) -> None:
        stale = (self.design is None or self.revision is None or self.design is not self.searched
                 or self.design.revision != self.revision)
        for card in self.cards:
            card.apply_button.setEnabled(not stale)
            card.apply_button.setToolTip("The design changed since the search: find options again"
                                         if stale else "Apply these changes (one Undo takes them back)")

    def shutdown(self) -> None:
        self.worker.shutdown()


class Suggest(QObject):
    """Wires a SuggestPanel to a MainWindow: the dock, the highlight, Apply as one undo step."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel = SuggestPanel()
        self.dock = QDockWidget("Suggest", window)
        self.dock.setObjectName("suggestDock")
        self.dock.setWidget(self.panel)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                              | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        insights = getattr(window, "insights_dock", None)
        if insights is not None:
            window.tabifyDockWidget(insights, self.dock)
            insights.raise_()
        self._lit: list[str] = []
        self.panel.hovered.connect(self.highlight)
        self.panel.applyRequested.connect(self.apply)
        editor = window.editor  # type: ignore[attr-defined]
        editor.designReplaced.connect(self._on_replaced)
        self._watched: Design | None = None
        self._on_replaced(editor.design)

    def _on_replaced(self, design: Design) -> None:
        if self._watched is not None:
            self._watched.unsubscribe(self._on_changed)
        design.subscribe(self._on_changed)
        self._watched = design
        self.highlight([])
        self.panel.set_design(design)

    def _on_changed(self, design: Design) -> None:
        self.panel.set_design(design)

    def highlight(self, node_ids: list[str]) -> None:
        """Outline the parts an option changes (only items nothing else outlines)."""
        scene = self.window.scene  # type: ignore[attr-defined]
        for nid in self._lit:
            item = scene.item_for(nid)
            if item is not None and item.highlight == HIGHLIGHT:
                item.set_highlight(None)
        self._lit = []
        for nid in node_ids:
            item = scene.item_for(nid)
            if item is not None and item.highlight is None:
                item.set_highlight(HIGHLIGHT)
                self._lit.append(nid)

    @property
    def highlighted(self) -> list[str]:
        return list(self._lit)

    def apply(self, option: Any) -> bool:
        """Push the option's changes as one undo step (refused when the design moved on)."""
        from ...analysis.recommend import grouped_changes

        editor = self.window.editor  # type: ignore[attr-defined]
        design = editor.design
        if self.panel.revision is None or design is not self.panel.searched \
                or design.revision != self.panel.revision:
            self.window.show_status("The design changed since the search: find options again")  # type: ignore[attr-defined]
            return False
        self.highlight([])
        label = LABELS.get(option.label, option.label).lower()
        n = len(option.changes)
        editor.push(SetNodeFieldsCommand(design, grouped_changes(option.changes),
                                         f"Apply suggestion ({label}, {n} change{'s' if n != 1 else ''})"))
        self.window.show_status(f"Applied the {label} option: {n} change{'s' if n != 1 else ''} "  # type: ignore[attr-defined]
                                f"({_signed_money(option.delta_cost_month)} a month)")
        return True


def install_suggest(window: QMainWindow) -> Suggest:
    """Add the Suggest dock (tabbed with Insights) and its View-menu toggle to a MainWindow."""
    existing = getattr(window, "suggest", None)
    if isinstance(existing, Suggest):
        return existing
    s = Suggest(window)
    window.suggest = s  # type: ignore[attr-defined]
    menu = getattr(window, "_dock_toggles", None)
    if menu is not None:
        menu.addAction(s.dock.toggleViewAction())
    return s


__all__ = ["NinesCostChart", "OptionCard", "Suggest", "SuggestPanel", "install_suggest"]

