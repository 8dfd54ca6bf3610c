"""Chart 4: "the cost of the next nine" — system availability (nines) and monthly cost
as the selected node's replicas go 1..N (``sweep_replicas`` rows from the sweep worker)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ...formatting import fmt_money, fmt_nines, fmt_number
from .base import ChartStyle, ChartWidget, FmtAxis, esc, label_backdrop, show_line

HINT = ("Select a service, database, cache, queue, storage, external service, load "
        "balancer or DNS on the canvas to see what more (or fewer) replicas would buy.")


def _int_tick(v: float) -> str:
    return fmt_number(v) if abs(v - round(v)) < 1e-6 else ""


def _nines_tick(v: float) -> str:
    return fmt_nines(v)


class WhatIfChart(ChartWidget):
    """Two stacked plots sharing the replicas axis: nines (top) and cost a month (bottom)."""

    MAX_POINTS = 24  # label pool size (sweeps go to max(6, replicas + 2))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.nines_plot = self.add_plot(0, 0, left=FmtAxis("left", _nines_tick),
                                        bottom=FmtAxis("bottom", _int_tick))
        self.cost_plot = self.add_plot(1, 0, left=FmtAxis("left", fmt_money),
                                       bottom=FmtAxis("bottom", _int_tick))
        self.cost_plot.setXLink(self.nines_plot)
        self.nines_plot.getAxis("bottom").setStyle(showValues=False)
        for p in (self.nines_plot, self.cost_plot):
            p.showGrid(x=True, y=True, alpha=0.2)
        self.set_axis_label(self.nines_plot, "left", "availability (nines)")
        self.set_axis_label(self.cost_plot, "left", "cost a month")
        self.set_axis_label(self.cost_plot, "bottom", "replicas")
        # keep both y axes the same width so the x positions line up
        self.nines_curve = pg.PlotDataItem(connect="finite", antialias=True, symbol="o",
                                           symbolSize=8)
        self.cost_curve = pg.PlotDataItem(antialias=True, symbol="s", symbolSize=7)
        self.nines_plot.addItem(self.nines_curve)
        self.cost_plot.addItem(self.cost_curve)
        self.nines_plot.vb.sigResized.connect(self._fit_x)
        self.current_lines = (pg.InfiniteLine(angle=90, movable=False, label="",
                                              labelOpts={"position": 0.93}),
                              pg.InfiniteLine(angle=90, movable=False))
        self.nines_plot.addItem(self.current_lines[0])
        self.cost_plot.addItem(self.current_lines[1])
        self.nines_labels: list[pg.TextItem] = []
        self.cost_labels: list[pg.TextItem] = []
        for _ in range(self.MAX_POINTS):
            # below and right of the point: clear of the "now" line through it and of
            # the segment to the next point (both curves mostly rise or stay flat)
            a = pg.TextItem("", anchor=(-0.08, -0.05))
            b = pg.TextItem("", anchor=(-0.08, -0.05))
            a.setVisible(False)
            b.setVisible(False)
            self.nines_plot.addItem(a)
            self.cost_plot.addItem(b)
            self.nines_labels.append(a)
            self.cost_labels.append(b)
        self.node_id: str | None = None
        self.node_name = ""
        self.node_kind = ""
        self.current = 0
        self.rows: list[dict[str, Any]] = []
        self.updating = False
        self.restyle()
        self.set_title("<b>What-if: replicas</b>")
        self.show_hint(HINT)

    def apply_style(self, st: ChartStyle) -> None:
        self.nines_curve.setPen(pg.mkPen(st.series_colour(0), width=2.0))
        self.nines_curve.setSymbolBrush(st.series_colour(0))
        self.nines_curve.setSymbolPen(st.series_colour(0))
        self.cost_curve.setPen(pg.mkPen(st.series_colour(4), width=2.0))
        self.cost_curve.setSymbolBrush(st.series_colour(4))
        self.cost_curve.setSymbolPen(st.series_colour(4))
        for line in self.current_lines:
            line.setPen(pg.mkPen(st.foreground, width=1.2, style=Qt.PenStyle.DotLine))
        self.current_lines[0].label.setColor(st.foreground)
        self.current_lines[0].label.setFont(st.font)
        label_backdrop(self.current_lines[0], st)
        for t in (*self.nines_labels, *self.cost_labels):
            t.setFont(st.font)
            t.setColor(st.foreground)
        # equal left-axis widths line the two plots up (text width from the font)
        width = max(self.text_width_px(["availability", "cost a month", "00,000.00"])) * 0.6 \
            + st.point_size * 3.2
        for p in (self.nines_plot, self.cost_plot):
            p.getAxis("left").setWidth(int(width))
        if self.rows:
            self._redraw()

    # -- data --------------------------------------------------------------------
    def show_node_hint(self, text: str = HINT) -> None:
        self.node_id = None
        self.rows = []
        self.set_title("<b>What-if: replicas</b>")
        self.show_hint(text)

    def set_updating(self, node_id: str, name: str, updating: bool = True) -> None:
        """A sweep for ``node_id`` is running: keep the old curve only if it is the same node."""
        self.updating = updating
        if node_id != self.node_id or not self.rows:
            self.node_id, self.node_name, self.rows = node_id, name, []
            self.set_title(f"<b>What-if: replicas of {esc(name)}</b> <i>(computing…)</i>")
            self.show_hint(f"Computing availability and cost for 1… replicas of {name}…")
        else:
            self._update_title()

    def set_rows(self, node_id: str, name: str, kind: str, current: int,
                 rows: list[dict[str, Any]]) -> None:
        self.node_id, self.node_name, self.node_kind = node_id, name, kind
        self.current = current
        self.rows = list(rows)[: self.MAX_POINTS]
        self.updating = False
        self._redraw()

    def points(self) -> dict[str, np.ndarray]:
        """Replicas, nines (NaN when perfect) and monthly cost as plotted."""
        return {
            "replicas": np.array([float(r["replicas"]) for r in self.rows]),
            "nines": np.array([float(r["nines"]) if math.isfinite(r["nines"]) else math.nan
                               for r in self.rows]),
            "cost": np.array([float(r["cost_month"]) for r in self.rows]),
        }

    # -- drawing -----------------------------------------------------------------
    def _redraw(self) -> None:
        if not self.rows:
            return
        p = self.points()
        x, ny, cost = p["replicas"], p["nines"], p["cost"]
        self.nines_curve.setData(x, ny)
        self.cost_curve.setData(x, cost)
        for i, (a, b) in enumerate(zip(self.nines_labels, self.cost_labels)):
            if i < len(x):
                a.setText(fmt_nines(self.rows[i]["nines"]))
                a.setPos(x[i], ny[i] if math.isfinite(ny[i]) else 0.0)
                a.setVisible(math.isfinite(ny[i]))
                b.setText(self._cost_text(i))
                b.setPos(x[i], cost[i])
                b.setVisible(True)
            elif a.isVisible() or b.isVisible():
                a.setVisible(False)
                b.setVisible(False)
        show_line(self.current_lines[0], self.current, f"now: {self.current}")
        show_line(self.current_lines[1], self.current)
        finite = ny[np.isfinite(ny)]
        lo = float(finite.min()) if finite.size else 0.0
        hi = float(finite.max()) if finite.size else 1.0
        span = max(hi - lo, 0.5)
        self.nines_plot.setYRange(lo - 0.4 * span, hi + 0.25 * span, padding=0)
        # fitted, not from zero: the step per replica is the point, the labels give values
        clo, chi = (float(cost.min()), float(cost.max())) if cost.size else (0.0, 1.0)
        cspan = max(chi - clo, 1.0)
        self.cost_plot.setYRange(clo - 0.45 * cspan, chi + 0.15 * cspan, padding=0)
        self._fit_x()
        self._update_title()
        self.show_chart()

    def _fit_x(self) -> None:
        """Replicas 1..N with room on the right for the last point's label."""
        if not self.rows:
            return
        n = float(self.rows[-1]["replicas"])
        label_px = max(t.textItem.boundingRect().width()
                       for t in (self.nines_labels[len(self.rows) - 1],
                                 self.cost_labels[len(self.rows) - 1])) * 1.08 + 4.0
        width_px = max(self.nines_plot.vb.width(), 1.0)
        lo = 0.5  # the data needs [0.5, n + 0.5]
        frac = min(label_px / width_px, 0.5)
        # the label after x = n must fit: (hi - n) >= frac * (hi - lo)
        hi = max(n + 0.5, (n - frac * lo) / (1.0 - frac))
        self.nines_plot.setXRange(lo, hi, padding=0)

    def _cost_text(self, i: int) -> str:
        """The current count's cost in full, the others as the change from it."""
        row = self.rows[i]
        now = next((r for r in self.rows if int(r["replicas"]) == self.current), None)
        if now is None or row is now:
            return fmt_money(row["cost_month"])
        d = row["cost_month"] - now["cost_month"]
        return ("+" if d >= 0 else "−") + fmt_money(abs(d))

    def _update_title(self) -> None:
        name = esc(self.node_name)
        text = f"<b>What-if: replicas of {name}</b>"
        by_n = {int(r["replicas"]): r for r in self.rows}
        now, nxt = by_n.get(self.current), by_n.get(self.current + 1)
        if now is not None and nxt is not None:
            dn = nxt["nines"] - now["nines"]
            dc = nxt["cost_month"] - now["cost_month"]
            gain = "∞" if math.isinf(dn) or math.isnan(dn) else f"{dn:+.2f}"
            text += (f" — {self.current} → {self.current + 1} replicas: {gain} nines for "
                     f"{'+' if dc >= 0 else '−'}{fmt_money(abs(dc))} a month")
            if math.isfinite(dn) and abs(dn) < 0.005:
                text += " (another part limits availability)"
        if self.updating:
            text += " <i>(updating…)</i>"
        self.set_title(text)
