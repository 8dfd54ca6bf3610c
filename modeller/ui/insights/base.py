"""What every insight chart shares: palette-derived colours, font-derived sizes, a title,
a hint page, formatted axes and a horizontal-bar helper.

Charts build their pyqtgraph items once and later only change their data
(``setOpts``/``setData``), so a new report never clears and re-adds items (no flicker).
Colours come from the widget's palette (which follows ``QApplication.palette()``) and
every size from the widget's font, so light/dark themes and 200 % scaling just work.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from ...formatting import fmt_number

__all__ = ["ChartStyle", "show_line", "fmt_label", "label_backdrop", "chart_style", "ChartWidget", "FmtAxis", "HBars", "elide", "esc"]

MAX_NAME = 28  # characters of a node name on a bar axis before it is elided

_LIGHT = {
    "bar": "#5b7bd5", "container": "#94a3b8", "warning": "#ea580c", "danger": "#dc2626",
    "good": "#15803d",
    "series": ("#2563eb", "#16a34a", "#9333ea", "#0891b2", "#c2410c", "#be185d"),
}
_DARK = {
    "bar": "#7c9cf0", "container": "#64748b", "warning": "#fb923c", "danger": "#f87171",
    "good": "#4ade80",
    "series": ("#60a5fa", "#4ade80", "#c084fc", "#22d3ee", "#fb923c", "#f472b6"),
}


@dataclass(frozen=True)
class ChartStyle:
    """Colours and fonts for one chart, derived from a widget's palette and font."""

    dark: bool
    background: QColor
    foreground: QColor
    muted: QColor
    bar: QColor
    container: QColor
    warning: QColor
    danger: QColor
    good: QColor
    series: tuple[QColor, ...]
    font: QFont  # tick labels, value labels
    point_size: float

    def css(self, color: QColor | None = None, scale: float = 1.0) -> dict[str, str]:
        """Style options for pyqtgraph labels (``AxisItem.setLabel``)."""
        c = color or self.foreground
        return {"color": c.name(), "font-size": f"{self.point_size * scale:.1f}pt"}

    def series_colour(self, i: int) -> QColor:
        return self.series[i % len(self.series)]


def _point_size(font: QFont) -> float:
    pt = font.pointSizeF()
    if pt <= 0:  # a font set in pixels
        pt = max(1.0, font.pixelSize() * 0.75)
    return pt


def chart_style(widget: QWidget) -> ChartStyle:
    """The style for ``widget``: its palette (the application's unless overridden) and font."""
    pal = widget.palette()
    bg = pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Base)
    fg = pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    dark = bg.lightness() < 128
    c = _DARK if dark else _LIGHT
    muted = QColor(fg)
    muted.setAlphaF(0.55)
    font = QFont(widget.font())
    pt = _point_size(font)
    return ChartStyle(dark, bg, fg, muted, QColor(c["bar"]), QColor(c["container"]),
                      QColor(c["warning"]), QColor(c["danger"]), QColor(c["good"]),
                      tuple(QColor(s) for s in c["series"]), font, pt)


def fmt_label(text: str) -> str:
    """An InfiniteLine label treats its text as a format string: keep braces literal."""
    return text.replace("{", "{{").replace("}", "}}")


def show_line(line: pg.InfiniteLine, value: float, label: str | None = None) -> None:
    """Show a line at ``value`` and set its label (in that order: a hidden label
    ignores new text)."""
    line.setVisible(True)
    line.setValue(float(value))
    if label is not None:
        line.label.setFormat(fmt_label(label))


def label_backdrop(line: pg.InfiniteLine, st: ChartStyle) -> None:
    """A line's label gets a translucent backdrop so lines and curves behind it don't
    cross its text."""
    bg = QColor(st.background)
    bg.setAlpha(200)
    line.label.fill = pg.mkBrush(bg)
    line.label.update()


def esc(text: str) -> str:
    """Escape a user-supplied name for a rich-text label."""
    return html.escape(str(text), quote=False)


def elide(text: str, limit: int = MAX_NAME) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FmtAxis(pg.AxisItem):
    """An axis whose tick labels go through :mod:`modeller.formatting` (no SI prefixes)."""

    def __init__(self, orientation: str, formatter: Callable[[float], str] = fmt_number,
                 **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.formatter = formatter
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [self.formatter(v * scale) for v in values]


class ChartWidget(QWidget):
    """A title above a pyqtgraph canvas, or a hint text in its place.

    Subclasses build their items in ``__init__`` and implement ``apply_style`` (called
    at start and whenever the palette or font changes).
    """

    shown = Signal()  # became visible: the panel may start the chart's background work

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.title)
        self._stack = QStackedWidget(self)
        layout.addWidget(self._stack, 1)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setAntialiasing(True)
        self.graphics.ci.layout.setContentsMargins(6, 4, 10, 4)
        self._stack.addWidget(self.graphics)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setMargin(12)
        self._stack.addWidget(self.hint)
        self.style_: ChartStyle = chart_style(self)
        self._axis_labels: list[tuple[pg.AxisItem, str]] = []
        self._plots: list[pg.PlotItem] = []
        self._restyling = False

    # -- building ----------------------------------------------------------------
    def add_plot(self, row: int = 0, col: int = 0, **axes: pg.AxisItem) -> pg.PlotItem:
        """A non-interactive plot (fixed ranges set by the chart, no context menu)."""
        plot = self.graphics.addPlot(row=row, col=col, axisItems=axes or None)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(False, False)
        plot.vb.disableAutoRange()
        self._plots.append(plot)
        return plot

    def set_axis_label(self, plot: pg.PlotItem, side: str, text: str) -> None:
        axis = plot.getAxis(side)
        self._axis_labels = [(a, t) for a, t in self._axis_labels if a is not axis]
        self._axis_labels.append((axis, text))
        axis.setLabel(text, **self.style_.css())

    # -- pages -------------------------------------------------------------------
    def show_hint(self, text: str) -> None:
        self.hint.setText(text)
        self._stack.setCurrentWidget(self.hint)

    def show_chart(self) -> None:
        self._stack.setCurrentWidget(self.graphics)

    @property
    def showing_hint(self) -> bool:
        return self._stack.currentWidget() is self.hint

    def set_title(self, html_text: str) -> None:
        if self.title.text() != html_text:
            self.title.setText(html_text)

    # -- style -------------------------------------------------------------------
    def restyle(self) -> None:
        """Re-read palette and font; recolour every item (no item is re-created)."""
        if self._restyling:
            return
        self._restyling = True
        try:
            st = self.style_ = chart_style(self)
            self.graphics.setBackground(st.background)
            muted = QColor(st.foreground)
            muted.setAlphaF(0.6)
            self.hint.setStyleSheet(f"color: {muted.name(QColor.NameFormat.HexArgb)};")
            for plot in self._plots:
                for side in ("left", "bottom", "right", "top"):
                    axis = plot.getAxis(side)
                    axis.setPen(st.muted)
                    axis.setTextPen(st.foreground)
                    axis.setTickFont(st.font)
                    # tick labels sit a font-proportional distance from the axis line
                    axis.setStyle(tickTextOffset=max(3, int(st.point_size * 0.5)),
                                  tickLength=-max(4, int(st.point_size * 0.6)),
                                  maxTickLevel=0)  # minor grid lines cost ~35 % of a paint
                    axis.setTickDensity(1.6)  # ... so the labelled ticks come a bit denser
            for axis, text in self._axis_labels:
                axis.setLabel(text, **st.css())
            self.apply_style(st)
        finally:
            self._restyling = False

    def apply_style(self, st: ChartStyle) -> None:
        """Recolour the chart's own items; subclasses override."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                            QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self.restyle()
        super().changeEvent(event)

    def showEvent(self, event: QEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.shown.emit()

    # -- helpers -----------------------------------------------------------------
    def text_width_px(self, texts: Sequence[str]) -> list[float]:
        fm = QFontMetricsF(self.style_.font)
        return [fm.horizontalAdvance(t) for t in texts]

    def scene_point(self, plot: pg.PlotItem, x: float, y: float) -> QPointF:
        """Where data point (x, y) of ``plot`` is on the graphics view's viewport."""
        scene = plot.vb.mapViewToScene(QPointF(x, y))
        return QPointF(self.graphics.mapFromScene(scene))


class HBars:
    """Horizontal bars, biggest first from the top, with names on the left axis and a
    value label after each bar. Items are created once; rows beyond ``limit`` are hidden.
    """

    BAR_HEIGHT = 0.7
    MIN_ROWS = 5  # fewer bars do not grow into slabs

    def __init__(self, chart: ChartWidget, plot: pg.PlotItem, limit: int) -> None:
        self.chart = chart
        self.plot = plot
        self.limit = limit
        plot.invertY(True)
        plot.showGrid(x=True, y=False, alpha=0.25)
        self.item = pg.BarGraphItem(x0=np.zeros(0), y=np.zeros(0), height=self.BAR_HEIGHT,
                                    width=np.zeros(0), brush=chart.style_.bar, pen=None)
        plot.addItem(self.item)
        self.labels: list[pg.TextItem] = []
        for _ in range(limit):
            t = pg.TextItem("", anchor=(0, 0.5))
            t.setVisible(False)
            plot.addItem(t)
            self.labels.append(t)
        self.ids: list[str] = []
        self.values = np.zeros(0)
        self.texts: list[str] = []
        self.x_floor = 0.0  # the x range always reaches this (e.g. the 100 % line)
        self.top_space = 0.0  # rows of free space above the first bar (for a line's label)
        plot.vb.sigResized.connect(self.fit)

    def set_rows(self, ids: list[str], names: list[str], values: Sequence[float],
                 texts: list[str], brushes: list[QColor], pens: list[object]) -> None:
        n = len(ids)
        self.ids = list(ids)
        self.values = np.asarray(values, dtype=float)
        self.texts = list(texts)
        ys = np.arange(n, dtype=float)
        if n:
            self.item.setOpts(x0=np.zeros(n), y=ys, width=self.values, height=self.BAR_HEIGHT,
                              brushes=brushes, pens=pens)
        else:  # pyqtgraph 0.14 cannot take empty pen/brush lists
            self.item.setOpts(x0=ys, y=ys, width=ys, height=self.BAR_HEIGHT,
                              brushes=None, pens=None, pen=None)
        axis = self.plot.getAxis("left")
        axis.setTicks([[(float(i), elide(name)) for i, name in enumerate(names)], []])
        fg = self.chart.style_.foreground
        for i, label in enumerate(self.labels):
            if i < n:
                label.setText(texts[i], color=fg)
                label.setVisible(True)
            elif label.isVisible():
                label.setVisible(False)
        rows = max(n, self.MIN_ROWS)
        self.plot.setYRange(-0.6 - self.top_space, rows - 0.4, padding=0)
        self.fit()

    def fit(self) -> None:
        """Choose the x range so each value label fits right of its bar."""
        vals = self.values
        top = max(float(vals.max()) if vals.size else 0.0, self.x_floor, 1e-12)
        width_px = max(self.plot.vb.width(), 1.0)
        gap_px = 5.0  # 3 px between bar and label, 2 px to spare at the right edge
        xmax = top * 1.05
        # the label's own rectangle (text plus the text item's margins)
        widths = [t.textItem.boundingRect().width() for t in self.labels[: len(vals)]]
        for v, w in zip(vals, widths):
            frac = (w + gap_px) / width_px
            if frac < 0.8:
                xmax = max(xmax, float(v) / (1.0 - frac))
            else:  # a view too narrow for the label: leave what room we can
                xmax = max(xmax, float(v) * 5.0)
        self.plot.setXRange(0.0, xmax, padding=0)
        per_px = xmax / width_px
        for i, label in enumerate(self.labels[: len(self.ids)]):
            label.setPos(float(self.values[i]) + 3.0 * per_px, float(i))

    def apply_style(self, st: ChartStyle) -> None:
        for label in self.labels:
            label.setFont(st.font)
            label.setColor(st.foreground)
        self.fit()

    def row_at(self, scene_pos: QPointF) -> int | None:
        """The bar row under a scene point (anywhere across the plot, names included)."""
        if not self.plot.sceneBoundingRect().contains(scene_pos):
            return None
        y = self.plot.vb.mapSceneToView(scene_pos).y()
        i = int(round(y))
        if 0 <= i < len(self.ids) and abs(y - i) <= 0.5:
            return i
        return None


@dataclass
class BarRow:
    """One bar: ``role`` names a ChartStyle colour ("bar", "container", "warning", "danger")."""

    node_id: str
    name: str
    value: float
    text: str
    role: str = "bar"
    text_role: str = "foreground"


class BarChart(ChartWidget):
    """Ranked horizontal bars of nodes; a click on a row emits ``node_clicked(node_id)``
    and the selected node's bar gets an outline."""

    node_clicked = Signal(str)
    LIMIT = 15

    def __init__(self, axis_label: str, formatter: Callable[[float], str] = fmt_number,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = self.add_plot(bottom=FmtAxis("bottom", formatter))
        self.bars = HBars(self, self.plot, self.LIMIT)
        self.set_axis_label(self.plot, "bottom", axis_label)
        self.graphics.scene().sigMouseClicked.connect(self._on_click)
        self.graphics.setCursor(Qt.CursorShape.PointingHandCursor)
        self.rows: list[BarRow] = []
        self.selected: str | None = None

    def set_selected(self, node_id: str | None) -> None:
        if node_id != self.selected:
            self.selected = node_id
            self._paint()

    def set_rows(self, rows: list[BarRow]) -> None:
        self.rows = rows[: self.LIMIT]
        self._paint()

    def _paint(self) -> None:
        st = self.style_
        brushes = [getattr(st, r.role) for r in self.rows]
        outline = pg.mkPen(st.foreground, width=2.0)
        # every pen the same width: pyqtgraph sizes the item from one of them
        none = pg.mkPen(QColor(0, 0, 0, 0), width=2.0)
        pens = [outline if r.node_id == self.selected else none for r in self.rows]
        self.bars.set_rows([r.node_id for r in self.rows], [r.name for r in self.rows],
                           [r.value for r in self.rows], [r.text for r in self.rows],
                           brushes, pens)
        for label, r in zip(self.bars.labels, self.rows):
            label.setColor(getattr(st, r.text_role))

    def apply_style(self, st: ChartStyle) -> None:
        self.bars.apply_style(st)
        self._paint()

    def _on_click(self, ev: object) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or self.showing_hint:  # type: ignore[attr-defined]
            return
        i = self.bars.row_at(ev.scenePos())  # type: ignore[attr-defined]
        if i is not None:
            ev.accept()  # type: ignore[attr-defined]
            self.node_clicked.emit(self.bars.ids[i])

    def bar_point(self, node_id: str) -> QPointF:
        """The viewport point in the middle of a node's bar (for tests and tooltips)."""
        i = self.bars.ids.index(node_id)
        x = max(float(self.bars.values[i]) / 2.0, 1e-12)
        return self.scene_point(self.plot, x, float(i))
