"""Chart 1: which parts cost the most downtime a year (DESIGN section 3, "downtime
contribution"): the minutes a year that would vanish if the part never failed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ...formatting import fmt_duration
from .base import BarChart, BarRow, esc

CONTAINER_KINDS = ("zone", "region")


def ranking_rows(report: Any, limit: int) -> list[BarRow]:
    """Nodes, zones and regions with a downtime contribution, biggest first (ties keep
    the report's order), at most ``limit``."""
    ranked = sorted(((nid, n) for nid, n in report.nodes.items()
                     if n.downtime_contribution_minutes > 0.0),
                    key=lambda kv: -kv[1].downtime_contribution_minutes)
    rows = []
    for nid, n in ranked[:limit]:
        container = n.kind in CONTAINER_KINDS
        name = f"{n.name} ({n.kind})" if container else n.name
        m = n.downtime_contribution_minutes
        rows.append(BarRow(nid, name, m, fmt_duration(m), "container" if container else "bar"))
    return rows


class DowntimeRankingChart(BarChart):
    """Horizontal bars of downtime contribution (minutes a year), top ``LIMIT``."""

    LIMIT = 10  # rows stay legible in a bottom dock of ~300 px

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("downtime a year (min)", parent=parent)
        self.restyle()
        self.set_title("<b>Downtime contribution</b>")
        self.show_hint("No analysis yet")

    def set_report(self, report: Any) -> None:
        if report is None:
            self.show_hint("No analysis yet")
            return
        total = sum(1 for n in report.nodes.values() if n.downtime_contribution_minutes > 0.0)
        rows = ranking_rows(report, self.LIMIT)
        system = fmt_duration(report.system.downtime_minutes_per_year)
        shown = f"top {len(rows)} of {total}" if total > len(rows) else f"{len(rows)} parts"
        self.set_title(f"<b>Downtime contribution</b> — minutes a year that vanish if the part "
                       f"never failed ({esc(shown)}; system {esc(system)} a year). "
                       f"Click a bar to select it.")
        self.set_rows(rows)
        if rows:
            self.show_chart()
        else:
            self.show_hint("No part adds downtime: the design never goes down.")
