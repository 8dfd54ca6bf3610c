"""Chart 2: utilisation per node at nominal demand, with the 100 % line and the
bottleneck (DESIGN section 3: utilisation = load / active capacity)."""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ...formatting import fmt_headroom, fmt_number, fmt_util
from .base import BarChart, BarRow, ChartStyle, esc


def utilisation_rows(report: Any, limit: int) -> list[BarRow]:
    """Nodes with a capacity, busiest first (ties keep the report's order), in percent."""
    ranked = sorted(((nid, n) for nid, n in report.nodes.items()
                     if n.utilization is not None and math.isfinite(n.utilization)),
                    key=lambda kv: -kv[1].utilization)
    bottleneck = report.system.bottleneck
    rows = []
    for nid, n in ranked[:limit]:
        u = n.utilization
        if nid == bottleneck:
            rows.append(BarRow(nid, n.name, 100.0 * u, f"{fmt_util(u)} · bottleneck",
                               "warning", "warning"))
        elif u > 1.0:
            rows.append(BarRow(nid, n.name, 100.0 * u, f"{fmt_util(u)} · overloaded",
                               "danger", "danger"))
        else:
            rows.append(BarRow(nid, n.name, 100.0 * u, fmt_util(u)))
    return rows


class UtilisationChart(BarChart):
    """Horizontal bars of utilisation (%), busiest ``LIMIT`` nodes."""

    LIMIT = 12  # rows stay legible in a bottom dock of ~300 px

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("utilisation at nominal demand (%)", fmt_number, parent=parent)
        self.bars.x_floor = 100.0
        self.bars.top_space = 0.9
        self.limit_line = pg.InfiniteLine(pos=100.0, angle=90, movable=False)
        self.plot.addItem(self.limit_line)
        self.limit_label = pg.TextItem("100 %", anchor=(0.5, 0.5))
        self.limit_label.setPos(100.0, -1.05)
        self.plot.addItem(self.limit_label)
        self.restyle()
        self.set_title("<b>Utilisation</b>")
        self.show_hint("No analysis yet")

    def apply_style(self, st: ChartStyle) -> None:
        self.limit_line.setPen(pg.mkPen(st.danger, width=1.5, style=Qt.PenStyle.DashLine))
        self.limit_label.setFont(st.font)
        self.limit_label.setColor(st.danger)
        super().apply_style(st)

    def set_report(self, report: Any) -> None:
        if report is None:
            self.show_hint("No analysis yet")
            return
        total = sum(1 for n in report.nodes.values()
                    if n.utilization is not None and math.isfinite(n.utilization))
        rows = utilisation_rows(report, self.LIMIT)
        shown = f"busiest {len(rows)} of {total}" if total > len(rows) else f"{total} nodes"
        sysr = report.system
        text = f"<b>Utilisation</b> at nominal demand ({esc(shown)}); headroom " \
               f"{esc(fmt_headroom(sysr.headroom))}"
        if sysr.bottleneck is not None and sysr.bottleneck in report.nodes:
            text += f", bottleneck <b>{esc(report.nodes[sysr.bottleneck].name)}</b>"
        self.set_title(text)
        self.set_rows(rows)
        if rows:
            self.show_chart()
        else:
            self.show_hint("No node has a capacity: give a node capacity_rps to see its "
                           "utilisation.")
