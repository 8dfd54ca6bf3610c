"""Chart 5: simulated annual downtime (DESIGN section 3, "Simulation"): how bad a bad
year is, against the SLO's budget of downtime a year."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ...formatting import fmt_duration, fmt_number, fmt_percent
from .base import ChartStyle, ChartWidget, FmtAxis, label_backdrop, show_line

BUDGET_REACH = 1.5  # draw the SLO budget line when within 1.5x the histogram's range


class DowntimeHistogramChart(ChartWidget):
    """Bars of years per annual-downtime bin, the SLO budget line, P(miss) in the title."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = self.add_plot(bottom=FmtAxis("bottom"), left=FmtAxis("left"))
        self.plot.showGrid(x=False, y=True, alpha=0.2)
        self.set_axis_label(self.plot, "bottom", "downtime in a year (min)")
        self.set_axis_label(self.plot, "left", "simulated years")
        self.bars = pg.BarGraphItem(x0=np.zeros(0), width=np.zeros(0), height=np.zeros(0),
                                    y0=0.0)
        self.plot.addItem(self.bars)
        self.budget_line = pg.InfiniteLine(angle=90, movable=False, label="",
                                           labelOpts={"position": 0.9})
        self.plot.addItem(self.budget_line)
        self.budget_line.setVisible(False)
        self.off_chart = pg.TextItem("", anchor=(1, 0))
        self.off_chart.setVisible(False)
        self.plot.addItem(self.off_chart)
        self.simulation: dict[str, Any] | None = None
        self.updating = False
        self.restyle()
        self.set_title("<b>Simulated annual downtime</b>")
        self.show_hint("No simulation yet")

    def apply_style(self, st: ChartStyle) -> None:
        self.bars.setOpts(brush=st.bar, pen=pg.mkPen(st.background, width=1.0))
        self.budget_line.setPen(pg.mkPen(st.danger, width=1.6, style=Qt.PenStyle.DashLine))
        self.budget_line.label.setColor(st.danger)
        self.budget_line.label.setFont(st.font)
        label_backdrop(self.budget_line, st)
        self.off_chart.setColor(st.danger)
        self.off_chart.setFont(st.font)

    def set_updating(self, updating: bool) -> None:
        self.updating = updating
        if self.simulation is None:
            self.show_hint("Simulating years of failures and repairs…" if updating
                           else "No simulation yet")
        else:
            self._update_title()

    def set_simulation(self, sim: dict[str, Any] | None) -> None:
        """A ``simulate()`` summary (``report.extras["simulation"]``)."""
        self.simulation = sim
        self.updating = False
        if not sim or "histogram" not in sim:
            self.show_hint("No simulation yet")
            return
        edges = np.asarray(sim["histogram"]["edges"], dtype=float)
        counts = np.asarray(sim["histogram"]["counts"], dtype=float)
        widths = np.diff(edges)
        self.bars.setOpts(x0=edges[:-1], width=widths, height=counts, y0=0.0)
        top = float(edges[-1]) if edges.size else 1.0
        xmax = top
        allowed = sim.get("allowed_minutes")
        self.off_chart.setVisible(False)
        if allowed is None:
            self.budget_line.setVisible(False)
        elif allowed <= BUDGET_REACH * top:
            xmax = max(top, allowed * 1.04)
            show_line(self.budget_line, allowed, f"SLO budget {fmt_duration(allowed)}")
        else:  # far right of every simulated year: say so instead of squashing the bars
            self.budget_line.setVisible(False)
        ymax = float(counts.max()) if counts.size else 1.0
        self.plot.setXRange(0.0, xmax, padding=0.02)
        self.plot.setYRange(0.0, max(ymax, 1.0) * 1.12, padding=0)
        if allowed is not None and allowed > BUDGET_REACH * top:
            self.off_chart.setText(f"SLO budget {fmt_duration(allowed)} →")
            self.off_chart.setPos(xmax, max(ymax, 1.0) * 1.1)
            self.off_chart.setVisible(True)
        self._update_title()
        self.show_chart()

    def _update_title(self) -> None:
        sim = self.simulation or {}
        years = sim.get("years")
        dm = sim.get("downtime_minutes") or {}
        text = f"<b>Simulated annual downtime</b> ({fmt_number(years)} years)"
        p = sim.get("p_miss_slo")
        if p is not None:
            text += (f" — P(a year misses the {fmt_percent(sim.get('slo'))} SLO) = "
                     f"<b>{fmt_percent(p)}</b>")
        else:
            text += " — no availability SLO to miss"
        if dm:
            text += (f"; median {fmt_duration(dm.get('p50'))}, p95 {fmt_duration(dm.get('p95'))}"
                     f", p99 {fmt_duration(dm.get('p99'))}")
        if self.updating:
            text += " <i>(updating…)</i>"
        self.set_title(text)
