"""The Compare dialog: every option in a column, the best value in each row marked, a
chart of cost a month against downtime a year, and HTML / Markdown / PDF exports.

The numbers come from :func:`modeller.analysis.compare.compare_variants` (each option
analysed on its own, exact pass) and are formatted by :mod:`modeller.export.compare`,
so the table reads exactly like the exports and ``modeller compare``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...export.compare import BEST, COLOURS, chart_points, export_compare, table
from ...formatting import fmt_duration, fmt_money
from ...model import Design, DesignError
from ...model.io import atomic_write_bytes
from ..insights.base import ChartStyle, ChartWidget, FmtAxis

BEST_BG = QColor("#dcfce7")


class CostDowntimeChart(ChartWidget):
    """One dot per option: cost a month (x) against downtime a year (y); down-left is better."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = self.add_plot(left=FmtAxis("left", self._fmt_y),
                                  bottom=FmtAxis("bottom", fmt_money))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.set_axis_label(self.plot, "bottom", "cost a month")
        self.set_axis_label(self.plot, "left", "downtime a year (h)")
        self.scatter = pg.ScatterPlotItem(size=14, pxMode=True)
        self.plot.addItem(self.scatter)
        self.labels: list[pg.ScatterPlotItem] = []
        self.legend: pg.LegendItem | None = None
        self.points: list[tuple[str, float, float]] = []
        self.restyle()
        self.set_title("<b>Cost a month against downtime a year</b> — down and left is better")
        self.show_hint("No options to compare.")

    @staticmethod
    def _fmt_y(hours: float) -> str:
        return f"{hours:g}"

    def apply_style(self, st: ChartStyle) -> None:
        self._st = st
        if self.points:
            self._redraw()

    def set_points(self, points: list[tuple[str, float, float]]) -> None:
        """(option, cost a month, downtime minutes a year)."""
        self.points = list(points)
        self._redraw()

    def _redraw(self) -> None:
        st = getattr(self, "_st", None) or self.style_
        for item in self.labels:
            self.plot.removeItem(item)
        self.labels = []
        if self.legend is not None:
            self.legend.scene().removeItem(self.legend) if self.legend.scene() else None
            self.legend = None
        if not self.points:
            self.show_hint("No option has both a cost and a downtime.")
            return
        # one dot per option, named in a legend (labels beside the dots would collide)
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextColor=st.foreground,
                                          labelTextSize=f"{st.point_size:.1f}pt")
        self.scatter.clear()
        for i, (name, x, y) in enumerate(self.points):
            colour = COLOURS[i % len(COLOURS)]
            dot = pg.ScatterPlotItem([x], [y / 60.0], size=14, brush=pg.mkBrush(colour),
                                     pen=pg.mkPen("#ffffff", width=1.5),
                                     name=f"{name}: {fmt_money(x)} a month · "
                                          f"{fmt_duration(y)} a year")
            self.plot.addItem(dot)
            self.labels.append(dot)
        xs = [p[1] for p in self.points]
        ys = [p[2] / 60.0 for p in self.points]
        x_hi, y_hi = max(xs) or 1.0, max(ys) or 1.0
        self.plot.setXRange(0, x_hi * 1.15, padding=0)
        self.plot.setYRange(0, y_hi * 1.5, padding=0)  # room for the legend at the top
        self.show_chart()

    def legend_texts(self) -> list[str]:
        """The legend's entries (for tests and checks)."""
        if self.legend is None:
            return []
        return [label.text for _sample, label in self.legend.items]


class CompareDialog(QDialog):
    """The comparison of the document's base and variants (or any Comparison given)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare options")
        self.setObjectName("compareDialog")
        self.comparison: Any = None
        lay = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("compareHeading")
        self.heading.setWordWrap(True)
        lay.addWidget(self.heading)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget()
        self.table.setObjectName("compareTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        big = QFont(self.table.font())
        big.setPointSizeF(big.pointSizeF() * 1.15)
        self.table.setFont(big)
        split.addWidget(self.table)
        self.chart = CostDowntimeChart()
        self.chart.setMinimumHeight(260)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split, 1)
        row = QHBoxLayout()
        self.note = QLabel()
        self.note.setWordWrap(True)
        row.addWidget(self.note, 1)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, text in (("html", "Export HTML…"), ("markdown", "Export Markdown…"),
                          ("pdf", "Export PDF…")):
            b = QPushButton(text)
            b.setObjectName(f"compare_export_{fmt}")
            b.clicked.connect(lambda _c=False, f=fmt: self.export(f))
            row.addWidget(b)
            self.export_buttons[fmt] = b
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        lay.addLayout(row)
        self.resize(1100, 760)

    def compare_document(self, document: Design) -> bool:
        """Analyse the base and every variant (busy cursor) and show them; False (with the
        reason in the heading) when a variant is refused."""
        from ...analysis.compare import compare_variants

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            comparison = compare_variants(document)
        except DesignError as err:
            self.heading.setText(f"Cannot compare: {err}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.set_comparison(comparison)
        return True

    def set_comparison(self, comparison: Any) -> None:
        self.comparison = comparison
        t = table(comparison)
        self.heading.setText(f"<b style='font-size: 13pt'>Options compared: "
                             f"{_esc(comparison.title)}</b>")
        self.table.clear()
        self.table.setRowCount(len(t.rows))
        self.table.setColumnCount(len(t.header) - 1)
        self.table.setHorizontalHeaderLabels(t.header[1:])
        self.table.setVerticalHeaderLabels([label for label, _ in t.rows])
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r, (_label, cells) in enumerate(t.rows):
            for c, cell in enumerate(cells):
                text = cell.value + (f"  {BEST}" if cell.best else "")
                if cell.delta:
                    text += f"\n{cell.delta}"
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if cell.best:
                    item.setBackground(QBrush(BEST_BG))
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.table.setCurrentCell(-1, -1)
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth() + sum(
            self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setMaximumHeight(height + 2)  # the chart gets the rest of the dialog
        ref = comparison.options[0].name if comparison.options else ""
        self.note.setText(f"{BEST} best in its row (shaded); the second line is the change "
                          f"against {_esc(ref)}. Each option is analysed on its own.")
        self.chart.set_points(chart_points(comparison))

    def cell_text(self, row_label: str, option: str) -> str:
        """The table cell for a row label and an option name (for tests and checks)."""
        rows = [self.table.verticalHeaderItem(r).text() for r in range(self.table.rowCount())]
        cols = [self.table.horizontalHeaderItem(c).text() for c in range(self.table.columnCount())]
        item = self.table.item(rows.index(row_label), cols.index(option))
        return item.text() if item is not None else ""

    def export(self, fmt: str, path: str | None = None) -> bool:
        if self.comparison is None:
            return False
        suffix = {"html": ".html", "markdown": ".md", "pdf": ".pdf"}[fmt]
        if path is None:
            start = str(Path.home() / f"{self.comparison.title or 'options'} - compared{suffix}")
            path, _ = QFileDialog.getSaveFileName(self, "Export comparison", start,
                                                  f"{fmt.upper()} (*{suffix});;All files (*)")
            if not path:
                return False
        try:
            atomic_write_bytes(path, export_compare(fmt, self.comparison))
        except OSError as exc:
            self.note.setText(f"Cannot write {path}: {exc.strerror or exc}")
            return False
        self.note.setText(f"Exported to {path}")
        return True


def _esc(text: str) -> str:
    import html

    return html.escape(str(text), quote=False)


__all__ = ["CompareDialog", "CostDowntimeChart"]
