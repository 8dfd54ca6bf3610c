""""Survives losing one zone?" — one row per zone and region, straight from the report.

Each row is the report's deterministic scenario for that container
(``report.failure(id)``): which clients it drops (red), a node above 100 % with
no client dropped ("does not survive", red), survives but a node above the target
utilisation ("survives, hot", amber) or survives (green); what is left overloaded
or hot, and P(system | down). Clicking a row asks for "Fail it" on it
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

from ...formatting import fmt_percent, fmt_util
from ...model import Design
from ..canvas import style

COLUMNS = ["Zone / region", "Losing it", "Hot / overloaded", "P(sys | down)"]
SURVIVES_COLOUR, DROPS_COLOUR, OVERLOAD_COLOUR = "#166534", "#991b1b", "#92400e"
HOT_COLOUR = "#b45309"  # amber: survives, but a node runs above the target utilisation
MAX_WIDTH = 560  # the table asks for at most this much width
NO_REPORT = "No numbers yet: the analysis runs after each change."
NO_ZONES = ("No zones or regions in this design. Put nodes in zones (or spread their "
            "replicas over zones) to check that it survives losing one.")


def _name(design: Design | None, nid: str) -> str:
    node = design.nodes.get(nid) if design is not None else None
    return node.name if node is not None and node.name else nid


def _names(design: Design | None, ids: list[str]) -> str:
    return ", ".join(_name(design, i) for i in ids)


def _wrapped(items: list[str], per_line: int = 4) -> str:
    """A long list for a tooltip: a few names a line."""
    return ",\n    ".join(", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line))


def _util_of(f: Any, design: Design | None, nid: str) -> str:
    util = getattr(f, "utilization", None) or {}
    return f"{_name(design, nid)} ({fmt_util(util[nid])})" if nid in util else _name(design, nid)


OUTCOME_NAMES = 1  # the outcome names the busiest; the next column lists them all


def _busiest(f: Any, ids: list[str]) -> list[str]:
    """``ids`` busiest first (unknown utilisation last), ties in the report's order."""
    util = getattr(f, "utilization", None) or {}
    return sorted(ids, key=lambda n: -util[n] if n in util else 0.0)


def _few(items: list[str]) -> str:
    if len(items) > OUTCOME_NAMES:
        return ", ".join(items[:OUTCOME_NAMES]) + f" +{len(items) - OUTCOME_NAMES} more"
    return ", ".join(items)


def outcome_of(f: Any, design: Design | None) -> tuple[str, str]:
    """(kind, words) of a scenario: "drops" ("✘ drops Shoppers"), "overloaded" (no client
    dropped, but a node runs above 100 %: "✘ does not survive: Orders DB at 107 %"), "hot"
    ("⚠ survives, hot: Web (86 %)") or "survives" ("✔ survives"). Overloaded and hot nodes
    are named busiest first, at most OUTCOME_NAMES of them."""
    if f.clients_down:
        return "drops", f"✘ drops {_names(design, list(f.clients_down))}"
    util = getattr(f, "utilization", None) or {}
    if f.overloaded:
        at = [f"{_name(design, n)} at {fmt_util(util[n])}" if n in util else _name(design, n)
              for n in _busiest(f, list(f.overloaded))]
        return "overloaded", f"✘ does not survive: {_few(at)}"
    hot = list(getattr(f, "hot", None) or [])
    if hot:
        return "hot", "⚠ survives, hot: " + _few([_util_of(f, design, n) for n in _busiest(f, hot)])
    return "survives", "✔ survives"


OUTCOME_COLOURS = {"drops": DROPS_COLOUR, "overloaded": DROPS_COLOUR, "hot": HOT_COLOUR,
                   "survives": SURVIVES_COLOUR}


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
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sized by _fit_columns
        head.setStretchLastSection(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
                    cell.setForeground(QBrush(QColor(row["colour"])))
                if col == 2 and (row["overloaded_ids"] or row["hot_ids"]):
                    cell.setForeground(QBrush(QColor(OVERLOAD_COLOUR if row["overloaded_ids"] else HOT_COLOUR)))
                self.table.setItem(i, col, cell)
        self.table.blockSignals(False)
        self.table.setVisible(bool(self._rows))
        self._fit_width()
        if report is None:
            self.summary.setText(message or NO_REPORT)
        elif not self._rows:
            self.summary.setText(NO_ZONES)
        else:
            self.summary.setText(self._summary())
        self.set_current(current)

    def _summary(self) -> str:
        n = len(self._rows)
        drops = sum(1 for r in self._rows if r["outcome_kind"] == "drops")
        over = sum(1 for r in self._rows if r["outcome_kind"] == "overloaded")
        hot = sum(1 for r in self._rows if r["outcome_kind"] == "hot")
        click = " Click a row to see it fail."
        if drops or over:
            if not over:
                text = f"✘ {drops} of {n} would drop clients."
            elif not drops:
                text = f"✘ {over} of {n} would not survive: a node above 100 %."
            else:
                text = (f"✘ {drops + over} of {n} would not survive: {drops} drop clients, "
                        f"{over} leave a node above 100 %.")
            text = f"<b style='color:{DROPS_COLOUR}'>{text}</b>"
            if hot:
                text += f" <span style='color:{HOT_COLOUR}'>⚠ {hot} more survive hot.</span>"
            return text + click
        if hot:
            return (f"<b style='color:{HOT_COLOUR}'>⚠ Survives losing any one of these {n}, but "
                    f"{hot} of them leave a node above the target utilisation.</b>" + click)
        return f"<b style='color:{SURVIVES_COLOUR}'>✔ Survives losing any one of these {n}.</b>" + click

    def _fit_width(self) -> None:
        """Ask for the width that shows every column (up to MAX_WIDTH): the dock then takes
        it from its neighbour instead of hiding P(sys | down) behind a scrollbar."""
        head = self.table.horizontalHeader()
        need = sum(max(head.sectionSizeHint(i), self.table.sizeHintForColumn(i))
                   for i in range(self.table.columnCount()))
        need += 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width()
        self.table.setMinimumWidth(min(need, MAX_WIDTH))
        self._fit_columns()

    def _natural(self, col: int) -> int:
        head = self.table.horizontalHeader()
        return max(head.sectionSizeHint(col), self.table.sizeHintForColumn(col))

    def _fit_columns(self) -> None:
        """Name and P(sys | down) at their full width; "Losing it" and "Hot / overloaded"
        share what is left and are cut with "…" when it is not enough (each cell's tooltip
        has the whole text), so the table never needs a horizontal scroll bar."""
        head = self.table.horizontalHeader()
        avail = self.table.viewport().width()
        w0, w1, w2, w3 = (self._natural(c) for c in range(4))
        spare = avail - w0 - w3
        if w1 + w2 > spare:
            w2 = min(w2, max(head.sectionSizeHint(2), int(spare * 0.3)))
            w1 = max(head.sectionSizeHint(1), spare - w2)
        head.resizeSection(0, w0)
        head.resizeSection(1, w1)
        head.resizeSection(2, w2)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_columns()

    def _row(self, f: Any, design: Design | None) -> dict[str, Any]:
        util = getattr(f, "utilization", None) or {}
        hot = list(getattr(f, "hot", None) or [])
        over = [f"{_name(design, n)} ({fmt_util(util[n])})" if n in util else _name(design, n)
                for n in _busiest(f, list(f.overloaded)) + _busiest(f, hot)]
        listed = ", ".join(over)
        if len(over) > 3:  # the count first: a long list is cut at the column's edge
            listed = f"({len(over)}) {listed}"
        kind, outcome = outcome_of(f, design)
        down = [n for n in f.nodes_down if n != f.down]
        tip = f"{_name(design, f.down)} down: " + (f"also down: {_names(design, down)}" if down
                                                     else "nothing else goes down")
        if f.overloaded:
            tip += "\nAbove 100 %: " + _wrapped(over[:len(f.overloaded)])
        if hot:
            tip += "\nHot (above the target utilisation, within 100 %): " + _wrapped(over[len(f.overloaded):])
        return {"id": f.down, "kind": f.kind, "name": _name(design, f.down), "survives": f.survives,
                "outcome": outcome, "outcome_kind": kind, "colour": OUTCOME_COLOURS[kind],
                "overloaded": listed or "—", "overloaded_ids": list(f.overloaded), "hot_ids": hot,
                "p": fmt_percent(f.availability_given_down, f.unavailability_given_down), "tooltip": tip}

    def rows(self) -> list[dict[str, Any]]:
        """The rows as shown (id, name, survives, outcome, outcome_kind, overloaded, p) — for
        tests and exports; outcome_kind is "drops", "overloaded", "hot" or "survives"."""
        keys = ("id", "name", "survives", "outcome", "outcome_kind", "overloaded", "p")
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


__all__ = ["HOT_COLOUR", "ZoneCheckPanel", "outcome_of"]
