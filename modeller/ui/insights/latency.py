"""Chart 3: end-to-end latency (mean and p99) per client as demand scales, with each
client's p99 SLO and the current demand marked. The curve data is a
``sweep_demand`` run by the sweep worker; the markers come from the live report."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from ...formatting import fmt_headroom, fmt_ms, fmt_number, fmt_slo
from .base import ChartStyle, ChartWidget, FmtAxis, esc, fmt_label, label_backdrop, show_line

MAX_FACTOR = 2.0  # the sweep and the x axis run 0..2x nominal demand
DEMAND_FACTORS = [round(0.1 * i, 2) for i in range(21)]


def _finite(x: float | None) -> float:
    return float(x) if x is not None and math.isfinite(x) else math.nan


def _ms(x: float | None) -> str:
    """"151.1 ms", or "saturated" for a station past its capacity."""
    if x is not None and math.isinf(x):
        return "saturated"
    return f"{fmt_ms(x)} ms"


def _factor(v: float) -> str:
    return f"{fmt_number(v)}×"


class LatencyChart(ChartWidget):
    """Mean (dashed) and p99 (solid) latency curves per client against demand."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = self.add_plot(bottom=FmtAxis("bottom", _factor), left=FmtAxis("left"))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.set_axis_label(self.plot, "bottom", "demand (× nominal)")
        self.set_axis_label(self.plot, "left", "end-to-end latency (ms)")
        # the key is a line of text under the title: it never hides a curve
        self.key = QLabel(self)
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.key.setWordWrap(True)
        self.layout().insertWidget(1, self.key)
        self.curves: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem]] = {}
        self.slo_lines: dict[str, pg.InfiniteLine] = {}
        self.now_line = pg.InfiniteLine(pos=1.0, angle=90, movable=False, label="nominal",
                                        labelOpts={"position": 0.96,
                                                   "anchors": [(0, 0.5), (0, 0.5)]})
        self.plot.addItem(self.now_line)
        # its label runs along the line, right of it: clear of the curves, which
        # mostly end at saturation, and of the horizontal SLO labels on the left
        self.saturation_line = pg.InfiniteLine(pos=MAX_FACTOR, angle=90, movable=False,
                                               label="",
                                               labelOpts={"position": 0.5, "rotateAxis": (1, 0),
                                                          "anchors": [(0.5, 0), (0.5, 0)]})
        self.saturation_line.setVisible(False)
        self.plot.addItem(self.saturation_line)
        self.now_points = pg.ScatterPlotItem(size=9)
        self.plot.addItem(self.now_points)
        self.order: list[str] = []  # client ids, colour order
        self.names: dict[str, str] = {}
        self.slo: dict[str, float] = {}
        self.now: dict[str, tuple[float, float]] = {}  # client -> (mean, p99) from the report
        self.demand: dict[str, float] = {}
        self.headroom = math.inf
        self.rows: list[dict[str, Any]] = []
        self.updating = False
        self.restyle()
        self.set_title("<b>Latency vs demand</b>")
        self.show_hint("No analysis yet")

    # -- data --------------------------------------------------------------------
    def set_report(self, report: Any, names: dict[str, str] | None = None) -> None:
        """Markers from the live report: SLO lines, the nominal point, saturation."""
        if report is None:
            self.show_hint("No analysis yet")
            return
        names = names or {}
        self.order = list(report.clients)
        self.names = {c: names.get(c, c) for c in self.order}
        self.slo = {c: float(r.slo["latency_ms_p99"]) for c, r in report.clients.items()
                    if r.slo.get("latency_ms_p99") is not None}
        self.now = {c: (float(r.latency_ms.mean), float(r.latency_ms.p99))
                    for c, r in report.clients.items() if r.latency_ms is not None}
        self.demand = {c: r.demand_rps for c, r in report.clients.items()}
        self.headroom = report.system.headroom
        self._sync_items()
        self._redraw()

    def set_rows(self, rows: list[dict[str, Any]] | None) -> None:
        """The demand sweep (``sweep_demand`` rows); None while it is computed."""
        self.rows = list(rows or [])
        self.updating = False
        self._redraw()

    def set_updating(self, updating: bool) -> None:
        if updating != self.updating:
            self.updating = updating
            self._update_title()

    def series(self, client: str) -> dict[str, np.ndarray]:
        """Factor, mean and p99 arrays (NaN where saturated) for one client."""
        rows = [r for r in self.rows if client in r.get("latency_ms", {})]
        return {
            "factor": np.array([float(r["factor"]) for r in rows]),
            "mean": np.array([_finite(r["latency_ms"][client]["mean"]) for r in rows]),
            "p99": np.array([_finite(r["latency_ms"][client]["p99"]) for r in rows]),
        }

    # -- items -------------------------------------------------------------------
    def _colour(self, client: str) -> QColor:
        return self.style_.series_colour(self.order.index(client))

    def _sync_items(self) -> None:
        """One pair of curves and one SLO line per client; extra ones are removed (rare:
        a client deleted), existing ones keep their items."""
        for c in list(self.curves):
            if c not in self.order:
                for item in self.curves.pop(c):
                    self.plot.removeItem(item)
        for c in list(self.slo_lines):
            if c not in self.slo:
                self.plot.removeItem(self.slo_lines.pop(c))
        for c in self.order:
            if c not in self.curves:
                mean = pg.PlotDataItem(connect="finite", antialias=True)
                p99 = pg.PlotDataItem(connect="finite", antialias=True)
                self.plot.addItem(p99)
                self.plot.addItem(mean)
                self.curves[c] = (mean, p99)
        for c in self.slo:
            if c not in self.slo_lines:
                line = pg.InfiniteLine(angle=0, movable=False, label="",
                                       labelOpts={"position": 0.02,
                                                  "anchors": [(0, 1), (0, 1)]})
                self.plot.addItem(line)
                self.slo_lines[c] = line
        self._restyle_series()
        self._rebuild_legend()

    def _rebuild_legend(self) -> None:
        """The key: per client its swatches (solid p99, dashed mean, dash-dot SLO) with the
        values at nominal demand."""
        many = len(self.order) > 1
        parts = []
        for c in self.order:
            col = self._colour(c).name()
            slo_col = col if many else self.style_.danger.name()
            m, p = self.now.get(c, (math.nan, math.nan))
            who = f"{esc(self.names[c])}: " if many else ""
            part = (f"{who}<span style='color:{col}'>━━</span> p99 {_ms(p)} &nbsp;"
                    f"<span style='color:{col}'>╍╍</span> mean {_ms(m)}")
            if c in self.slo:
                part += (f" &nbsp;<span style='color:{slo_col}'>─·─</span> "
                         f"SLO {esc(fmt_slo({'latency_ms_p99': self.slo[c]}))}")
            parts.append(part)
        text = "At nominal demand — " + "; &nbsp;".join(parts)
        if self.key.text() != text:
            self.key.setText(text)

    def _restyle_series(self) -> None:
        st = self.style_
        many = len(self.order) > 1
        for c, (mean, p99) in self.curves.items():
            col = self._colour(c)
            p99.setPen(pg.mkPen(col, width=2.0))
            mean.setPen(pg.mkPen(col, width=1.6, style=Qt.PenStyle.DashLine))
        for c, line in self.slo_lines.items():
            col = self._colour(c) if many else st.danger
            line.setPen(pg.mkPen(col, width=1.4, style=Qt.PenStyle.DashDotLine))
            line.label.setFormat(fmt_label(f"SLO {fmt_number(self.slo[c])} ms"))
            line.label.setColor(col)
            line.label.setFont(st.font)
            label_backdrop(line, st)

    def apply_style(self, st: ChartStyle) -> None:
        self.now_line.setPen(pg.mkPen(st.foreground, width=1.2, style=Qt.PenStyle.DotLine))
        self.now_line.label.setColor(st.foreground)
        self.now_line.label.setFont(st.font)
        self.saturation_line.setPen(pg.mkPen(st.warning, width=1.2, style=Qt.PenStyle.DashLine))
        self.saturation_line.label.setColor(st.warning)
        self.saturation_line.label.setFont(st.font)
        label_backdrop(self.now_line, st)
        label_backdrop(self.saturation_line, st)
        if self.order:
            self._restyle_series()
            self._rebuild_legend()
            self._redraw()

    # -- drawing -----------------------------------------------------------------
    def _redraw(self) -> None:
        if not self.order:
            self.show_hint("No client: add a client with a demand to see latency vs demand.")
            return
        if not self.now and not any("latency_ms" in r for r in self.rows):
            self.show_hint("No latency figures in this analysis.")
            return
        ymax_data = 0.0
        for c, (mean, p99) in self.curves.items():
            s = self.series(c)
            mean.setData(s["factor"], s["mean"])
            p99.setData(s["factor"], s["p99"])
            finite = s["p99"][np.isfinite(s["p99"])]
            if finite.size:
                ymax_data = max(ymax_data, float(finite.max()))
        spots = []
        for c, (m, p) in self.now.items():
            col = self._colour(c)
            spots += [{"pos": (1.0, v), "brush": pg.mkBrush(col), "pen": pg.mkPen(col)}
                      for v in (m, p) if math.isfinite(v)]
        self.now_points.setData(spots=spots)
        for c, line in self.slo_lines.items():
            line.setValue(self.slo[c])
        self._place_markers()
        # y: show the SLOs and the nominal point; a curve that explodes near saturation
        # leaves the top of the view rather than flattening everything below it
        anchor = max([*self.slo.values(), *(p for _, p in self.now.values() if math.isfinite(p)),
                      1e-9])
        ymax = min(max(ymax_data, anchor * 1.15), anchor * 3.0) if ymax_data else anchor * 1.3
        if not math.isfinite(ymax) or ymax <= 0:
            ymax = 1.0
        self.plot.setYRange(0.0, ymax * 1.06, padding=0)
        self.plot.setXRange(0.0, MAX_FACTOR, padding=0.02)
        self._update_title()
        self.show_chart()

    def _place_markers(self) -> None:
        show_line(self.now_line, 1.0, "nominal")
        if math.isfinite(self.headroom) and self.headroom <= MAX_FACTOR:
            # utilisation reaches 100 % here (the latency model's rounding of servers
            # may keep a curve finite a little beyond it)
            show_line(self.saturation_line, self.headroom,
                      f"headroom {fmt_headroom(self.headroom)} ")
        else:
            self.saturation_line.setVisible(False)

    def _update_title(self) -> None:
        total = sum(self.demand.values())
        text = (f"<b>Latency vs demand</b> — end-to-end per client as demand goes 0–2× "
                f"nominal ({fmt_number(total)} rps)")
        if self.updating:
            text += " <i>(updating…)</i>"
        elif not self.rows:
            text += " <i>(computing the curve…)</i>"
        self.set_title(text)
