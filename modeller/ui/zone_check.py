""""Survives losing one zone?" — one row per zone and region, straight from the report.

Each row is the report's deterministic scenario for that container
(``report.failure(id)``): survives or which clients it drops, what is left
overloaded, and P(system | down). Clicking a row asks for "Fail it" on it
(``zone_clicked``), so the canvas shows the blast radius.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..formatting import fmt_percent, fmt_util
from ..model import Design
from .canvas import style

COLUMNS = ["Zone / region", "Losing it", "Overloaded", "P(sys | down)"]
SURVIVES_COLOUR, DROPS_COLOUR, OVERLOAD_COLOUR = "#166534", "#991b1b", "#92400e"
MAX_WIDTH = 460  # the table asks for at most this much width
NO_REPORT = "No numbers yet: the analysis runs after each change."
NO_ZONES = ("No zones or regions in this design. Put nodes in zones (or spread their "
            "replicas over zones) to check that it survives losing one.")


def _name(design: Design | None, nid: str) -> str:
    node = design.nodes.get(nid) if design is not None else None
    return node.name if node is not None and node.name else nid


def _names(design: Design | None, ids: list[str]) -> str:
    return ", ".join(_name(design, i) for i in ids)


class ZoneCheckPanel(QWidget):
    """A table answering "do we survive losing this zone (or region)?" for each one."""

    zone_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoneCheckPanel")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
        self.table.cellClicked.connect(self._on_click)
        self.table.setToolTip("Click a row to fail that zone or region on the canvas")
        lay.addWidget(self.table, 1)
        self._ids: list[str] = []
        self._rows: list[dict[str, Any]] = []
        self.set_report(None, None)

    # -- content ---------------------------------------------------------------------
    def set_report(self, report: Any, design: Design | None, message: str = "") -> None:
        """Show the zone and region scenarios of ``report`` (None: no numbers, say why)."""
        failures = [f for f in (getattr(report, "failures", None) or [])
                    if getattr(f, "kind", None) in ("zone", "region")]
        current = self.current()
        self._rows = [self._row(f, design) for f in failures]
        self._ids = [r["id"] for r in self._rows]
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._rows))
        for i, row in enumerate(self._rows):
            for col, text in enumerate((row["name"], row["outcome"], row["overloaded"], row["p"])):
                cell = QTableWidgetItem(text)
                cell.setToolTip(row["tooltip"] if col == 0 else f"{text}\n{row['tooltip']}")
                if col == 0:
                    cell.setIcon(style.kind_icon(row["kind"]))
                    if row["kind"] == "region":
                        f = QFont(cell.font())
                        f.setBold(True)
                        cell.setFont(f)
                if col == 1:
                    cell.setForeground(QBrush(QColor(SURVIVES_COLOUR if row["survives"] else DROPS_COLOUR)))
                if col == 2 and row["overloaded_ids"]:
                    cell.setForeground(QBrush(QColor(OVERLOAD_COLOUR)))
                self.table.setItem(i, col, cell)
        self.table.blockSignals(False)
        self.table.setVisible(bool(self._rows))
        self._fit_width()
        if report is None:
            self.summary.setText(message or NO_REPORT)
        elif not self._rows:
            self.summary.setText(NO_ZONES)
        else:
            lost = [r for r in self._rows if not r["survives"]]
            if not lost:
                self.summary.setText(f"<b style='color:{SURVIVES_COLOUR}'>✔ Survives losing any one "
                                     f"of these {len(self._rows)}.</b> Click a row to see it fail.")
            else:
                self.summary.setText(f"<b style='color:{DROPS_COLOUR}'>✘ {len(lost)} of {len(self._rows)} "
                                     "would drop clients.</b> Click a row to see it fail.")
        self.set_current(current)

    def _fit_width(self) -> None:
        """Ask for the width that shows every column (up to MAX_WIDTH): the dock then takes
        it from its neighbour instead of hiding P(sys | down) behind a scrollbar."""
        head = self.table.horizontalHeader()
        need = sum(max(head.sectionSizeHint(i), self.table.sizeHintForColumn(i))
                   for i in range(self.table.columnCount()))
        need += 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width()
        self.table.setMinimumWidth(min(need, MAX_WIDTH))

    def _row(self, f: Any, design: Design | None) -> dict[str, Any]:
        util = getattr(f, "utilization", None) or {}
        over = [f"{_name(design, n)} ({fmt_util(util[n])})" if n in util else _name(design, n)
                for n in f.overloaded]
        outcome = "✔ survives" if f.survives else f"✘ drops {_names(design, list(f.clients_down))}"
        down = [n for n in f.nodes_down if n != f.down]
        tip = f"{_name(design, f.down)} down: " + (f"also down: {_names(design, down)}" if down
                                                     else "nothing else goes down")
        return {"id": f.down, "kind": f.kind, "name": _name(design, f.down), "survives": f.survives,
                "outcome": outcome, "overloaded": ", ".join(over) or "—", "overloaded_ids": list(f.overloaded),
                "p": fmt_percent(f.availability_given_down, f.unavailability_given_down), "tooltip": tip}

    def rows(self) -> list[dict[str, Any]]:
        """The rows as shown (id, name, survives, outcome, overloaded, p) — for tests and exports."""
        keys = ("id", "name", "survives", "outcome", "overloaded", "p")
        return [{k: r[k] for k in keys} for r in self._rows]

    # -- selection ---------------------------------------------------------------------
    def current(self) -> str | None:
        row = self.table.currentRow()
        return self._ids[row] if 0 <= row < len(self._ids) and self.table.selectedItems() else None

    def set_current(self, zone_id: str | None) -> None:
        """Mark the row of the part failed on the canvas (no signal)."""
        self.table.blockSignals(True)
        if zone_id in self._ids:
            self.table.selectRow(self._ids.index(zone_id))
        else:
            self.table.clearSelection()
        self.table.blockSignals(False)

    def click_row(self, zone_id: str) -> None:
        """As if the person clicked that row."""
        self._on_click(self._ids.index(zone_id), 0)

    def _on_click(self, row: int, col: int) -> None:
        if 0 <= row < len(self._ids):
            self.zone_clicked.emit(self._ids[row])


__all__ = ["ZoneCheckPanel"]
