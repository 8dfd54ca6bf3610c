"""The "Recovery" tab (DESIGN 4b): RTO and RPO per disruption, coloured against the policy.

One table row per ``Report.resilience`` row: disruption (hardware = one replica, software
= a bad change, zone, region), target, RTO (minutes until every client is served again),
RPO (seconds of acknowledged writes lost; "everything" when nothing protects the data),
survives, policy met, and how it recovers (the engine's notes). Rows are grouped by
disruption type in the order hardware, software, zone, region, the worst of each type on
top (longest RTO, then largest RPO, "everything" largest). A row met is green, missed red,
without a policy neutral (the badge colours of ``modeller.render.style``). Clicking a row
emits ``target_clicked(target id)`` (the window fails it in Fail it). Nothing here
computes a number: the cells are ``modeller.export.resilience``'s, as in the CLI.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...export.resilience import DISRUPTION_LABELS, fmt_met, fmt_policy, fmt_rpo, fmt_rto
from ...model.reliability import DISRUPTIONS
from ...render.badges import BAD, GOOD, NEUTRAL
from ...render.style import LEVEL_COLOURS
from .base import esc

HEADER = ["disruption", "target", "RTO", "RPO", "survives", "policy met", "how it recovers"]
TARGET_ROLE = Qt.ItemDataRole.UserRole + 1


def ordered_rows(report: Any) -> list[Any]:
    """The report's resilience rows by disruption type, worst first within a type."""
    def badness(r: Any) -> tuple[float, float]:
        rpo = float("inf") if r.rpo_seconds is None else r.rpo_seconds
        return (-r.rto_minutes, -rpo)
    rows = list(getattr(report, "resilience", []) or [])
    order = {d: i for i, d in enumerate(DISRUPTIONS)}
    return sorted(rows, key=lambda r: (order.get(r.disruption, 99), *badness(r)))


def level(row: Any) -> str:
    return NEUTRAL if row.meets_policy is None else (GOOD if row.meets_policy else BAD)


class RecoveryView(QWidget):
    """A title line (policy per type) above the table; ``target_clicked(id)`` on a click."""

    target_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.title)
        self.table = QTableWidget(0, len(HEADER))
        self.table.setHorizontalHeaderLabels(HEADER)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        for c in range(len(HEADER) - 1):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(len(HEADER) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._clicked)
        lay.addWidget(self.table, 1)
        self.rows: list[Any] = []
        self._unfilled: tuple[Any, dict[str, str]] | None = None  # a report not in the table yet
        self.set_report(None, {})
        self._fill()

    def set_report(self, report: Any, names: dict[str, str]) -> None:
        """Show ``report``'s rows (None: "No analysis yet"). The table is filled when the
        tab shows (or is read): a 300-part design's 2,000 cells took 40 ms of every
        report, on the UI thread, while the tab was hidden."""
        self.rows = ordered_rows(report) if report is not None else []
        self.title.setText(self._title(report))
        self._unfilled = (report, dict(names))
        if self.isVisible():
            self._fill()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self._fill()
        super().showEvent(event)

    def _fill(self) -> None:
        if self._unfilled is None:
            return
        report, names = self._unfilled
        self._unfilled = None
        self.table.setUpdatesEnabled(False)
        try:
            self._fill_table(report, names)
        finally:
            self.table.setUpdatesEnabled(True)

    def _title(self, report: Any) -> str:
        if report is None:
            return "<b>Recovery</b> — no analysis yet"
        if not self.rows:
            return "<b>Recovery</b> — nothing to recover: the design has no parts yet"
        summary = getattr(report, "resilience_summary", {}) or {}
        policies = [f"{esc(d)} {esc(fmt_policy(s.policy))}" for d, s in summary.items() if s.policy]
        policy = ("policy: " + "; ".join(policies)) if policies else \
            "no policy set (design settings: select nothing, then Recovery policy)"
        return (f"<b>Recovery</b> — RTO: time until every client is served again; "
                f"RPO: acknowledged writes lost. Worst first per disruption; click a "
                f"row to fail it.<br><span style='color:#475569'>{policy}</span>")

    def _fill_table(self, report: Any, names: dict[str, str]) -> None:
        self.table.setRowCount(0)
        if report is None:
            return
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            cells = [DISRUPTION_LABELS.get(r.disruption, r.disruption), names.get(r.target, r.target),
                     fmt_rto(r.rto_minutes), fmt_rpo(r.rpo_seconds), "yes" if r.survives else "no",
                     fmt_met(r.meets_policy), "; ".join(x for x in (r.rto_note, r.rpo_note) if x)]
            bg, fg = LEVEL_COLOURS[level(r)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(TARGET_ROLE, r.target)
                item.setToolTip(cells[-1] or text)
                item.setBackground(QBrush(QColor(bg)))
                item.setForeground(QBrush(QColor(fg)))
                self.table.setItem(i, c, item)

    def cell_texts(self) -> list[list[str]]:
        """What the table shows, row by row (for tests and screen readers)."""
        self._fill()
        return [[self.table.item(i, c).text() for c in range(self.table.columnCount())]
                for i in range(self.table.rowCount())]

    def row_colour(self, i: int) -> str:
        self._fill()
        return self.table.item(i, 0).background().color().name()

    def click_row(self, i: int) -> None:
        """What a click on row ``i`` does."""
        self._fill()
        self.table.selectRow(i)
        self._clicked(i, 0)

    def _clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self.rows):
            self.target_clicked.emit(self.rows[row].target)


def install_recovery(window: Any) -> RecoveryView:
    """Add the Recovery tab to the window's insights panel and wire it: each report fills
    it; a clicked row selects its target and fails it in Fail it (entering the mode)."""
    view = RecoveryView()
    i = window.insights.tabs.addTab(view, "Recovery")
    window.insights.tabs.setTabToolTip(i, "RTO and RPO per disruption (hardware, software, zone, "
                                          "region) against the recovery policy; click a row "
                                          "to fail it")

    def names() -> dict[str, str]:
        return {nid: n.name for nid, n in window.editor.design.nodes.items()}

    def on_click(target: str) -> None:
        if target not in window.editor.design.nodes:
            return
        window.select_from_chart(target)
        window.failit.fail(target)

    window.analysis.reportReady.connect(lambda report, _rev: view.set_report(report, names()))
    window.analysis.failed.connect(lambda _msg: view.set_report(None, {}))
    view.target_clicked.connect(on_click)
    return view
