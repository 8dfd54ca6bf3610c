"""The insights panel: the five issue-5 charts in tabs, fed from the newest report.

``set_report(report, design)`` redraws the report-only charts at once (ranking,
utilisation, the latency markers) and marks the background data stale; a short timer
later (so a drag that produces a report per frame costs one sweep) the sweep worker
computes what a *visible* chart still needs — a chart nobody looks at costs nothing
until it is shown. Data already in the report (the full report's ``extras``) is used
as is. Results for an older design revision or another selection are dropped.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ...model import Design, Role
from .cutsets import CutSetsView
from .histogram import DowntimeHistogramChart
from .latency import DEMAND_FACTORS, LatencyChart
from .ranking import DowntimeRankingChart
from .sweep_worker import SweepWorker, cut_sets_job, demand_job, replicas_job, simulation_job
from .utilisation import UtilisationChart
from .whatif import HINT, WhatIfChart

SIMULATION_YEARS = 300


def sweep_size(replicas: int) -> int:
    """How far the what-if sweep goes: at least 6, and two past the current count."""
    return max(6, replicas + 2)


class InsightsPanel(QWidget):
    """Tabs: Downtime, Utilisation, Latency, What-if, Simulation, Cut sets.

    ``node_clicked(node_id)`` fires when a bar of the ranking or utilisation chart is
    clicked; connect ``set_selected`` to the canvas selection (one node id or None).
    """

    node_clicked = Signal(str)
    cut_set_clicked = Signal(object)  # a row of the Cut sets tab: fail all its parts

    def __init__(self, parent: QWidget | None = None, *, worker: SweepWorker | None = None,
                 delay_ms: int = 250, simulation_years: int = SIMULATION_YEARS) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.ranking = DowntimeRankingChart()
        self.utilisation = UtilisationChart()
        self.latency = LatencyChart()
        self.whatif = WhatIfChart()
        self.histogram = DowntimeHistogramChart()
        for chart, label, tip in (
            (self.ranking, "Downtime", "Which parts cost the most downtime a year"),
            (self.utilisation, "Utilisation", "Load against capacity per node"),
            (self.latency, "Latency", "End-to-end latency as demand grows"),
            (self.whatif, "What-if", "Availability and cost as the selected node's "
                                     "replicas change"),
            (self.histogram, "Simulation", "Simulated downtime per year against the SLO"),
        ):
            i = self.tabs.addTab(chart, label)
            self.tabs.setTabToolTip(i, tip)
            chart.shown.connect(self._schedule_soon)
        self.cutsets = CutSetsView()
        i = self.tabs.addTab(self.cutsets, "Cut sets")
        self.tabs.setTabToolTip(i, "Which failures, together, take a client down, and their "
                                   "share of the downtime; click one to fail all its parts")
        self.cutsets.shown.connect(self._schedule_soon)
        self.cutsets.cut_set_clicked.connect(self.cut_set_clicked)
        self.ranking.node_clicked.connect(self.node_clicked)
        self.utilisation.node_clicked.connect(self.node_clicked)
        self.worker = worker if worker is not None else SweepWorker(self)
        self.worker.resultReady.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)
        self.simulation_years = simulation_years
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.refresh)
        self._soon = QTimer(self)  # selection changes and newly shown charts: no debounce
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.refresh)
        self.report: Any = None
        self.design: Design | None = None
        self.selected: str | None = None
        self._snapshot: tuple[Hashable, Design] | None = None
        # (design key, node id | None) -> result, for the current design revision only
        self._cache: dict[tuple[str, Hashable, str | None], Any] = {}
        self.last_error = ""
        self.dropped = 0  # results that arrived for a design revision no longer shown

    # -- inputs ------------------------------------------------------------------
    def set_report(self, report: Any, design: Design | None, *,
                   snapshot: Design | None = None) -> None:
        """Show a new report (``None``: the analysis failed; the charts say so).

        ``design`` is the live document (names, selection, revision checks). Pass
        ``snapshot`` when you hold a copy nobody edits at the same revision (the analysis
        worker's): the sweeps then use it instead of copying the design on the UI thread
        (~16 ms for 300 nodes).
        """
        self.report, self.design = report, design
        if snapshot is not None and design is not None and \
                snapshot.revision == design.revision:
            self._snapshot = (self._design_key(), snapshot)
        names = {nid: n.name for nid, n in design.nodes.items()} if design is not None else {}
        self.ranking.set_report(report)
        self.utilisation.set_report(report)
        self.latency.set_report(report, names)
        if report is None:
            self.whatif.show_node_hint("No analysis yet")
            self.histogram.set_simulation(None)
            self.cutsets.show_hint("No analysis yet")
            return
        key = self._design_key()
        self._cache = {k: v for k, v in self._cache.items() if k[1] == key}
        extras = report.extras or {}
        sim = extras.get("simulation")
        if sim:
            self._cache[("simulation", key, None)] = sim
        if getattr(report, "cut_sets_summary", None):  # the full report has them
            self._cache[("cut_sets", key, None)] = {
                "cut_sets": report.cut_sets, "summary": report.cut_sets_summary,
                "q": report.system.unavailability}
        sweeps = extras.get("sweeps") or {}
        demand = sweeps.get("demand")
        if demand and all("latency_ms" in r for r in demand):
            self._cache[("demand", key, None)] = demand
        for nid, rows in (sweeps.get("replicas") or {}).items():
            if design is not None and nid in design.nodes and \
                    len(rows) >= sweep_size(design.nodes[nid].replicas):
                self._cache[("replicas", key, nid)] = rows
        self._apply_cached()
        self._schedule()

    @Slot(object)
    def set_selected(self, node_id: str | None) -> None:
        """The canvas selection changed (one node, or None for nothing / several)."""
        self.selected = node_id or None
        self.ranking.set_selected(self.selected)
        self.utilisation.set_selected(self.selected)
        if self.report is not None:
            self._apply_whatif()
            self._schedule_soon()

    def shutdown(self) -> None:
        """Stop the timer and the background jobs (call when the window closes)."""
        self._timer.stop()
        self._soon.stop()
        self.worker.shutdown()

    # -- scheduling ----------------------------------------------------------------
    def _design_key(self) -> Hashable:
        d = self.design
        return (id(d), d.revision) if d is not None else None

    def _current(self) -> bool:
        """The report answers the design as it is now (else a newer report is coming)."""
        return self.design is not None and self.report is not None and \
            getattr(self.report, "revision", self.design.revision) == self.design.revision

    def _schedule(self) -> None:
        self._timer.start()

    @Slot()
    def _schedule_soon(self) -> None:
        """Selection changes and newly shown charts need no debounce."""
        if self.report is not None:
            self._soon.start()

    def _whatif_node(self) -> str | None:
        d = self.design
        nid = self.selected
        if d is None or nid is None or nid not in d.nodes:
            return None
        node = d.nodes[nid]
        if node.is_container or node.role is Role.SOURCE:
            return None
        return nid

    def _needs(self) -> list[tuple[str, str | None]]:
        """(kind, node) the visible charts still miss for the current design."""
        key = self._design_key()
        out: list[tuple[str, str | None]] = []
        nid = self._whatif_node()
        if nid is not None and self.whatif.isVisible() and \
                ("replicas", key, nid) not in self._cache:
            out.append(("replicas", nid))
        if self.latency.isVisible() and self.report.clients and \
                ("demand", key, None) not in self._cache:
            out.append(("demand", None))
        if self.histogram.isVisible() and ("simulation", key, None) not in self._cache:
            out.append(("simulation", None))
        if self.cutsets.isVisible() and ("cut_sets", key, None) not in self._cache:
            out.append(("cut_sets", None))
        return out

    def _snapshot_design(self) -> Design:
        key = self._design_key()
        if self._snapshot is None or self._snapshot[0] != key:
            assert self.design is not None
            self._snapshot = (key, self.design.copy())
        return self._snapshot[1]

    @Slot()
    def refresh(self) -> None:
        """Ask the worker for whatever a visible chart lacks (no-op when nothing does)."""
        if self.report is None or not self._current() or not self.isVisible():
            return
        key = self._design_key()
        for kind, nid in self._needs():
            wanted = (kind, key, nid)
            if self.worker.in_flight(kind) == wanted:
                continue  # already on its way
            design = self._snapshot_design()
            if kind == "replicas":
                assert nid is not None
                n = sweep_size(design.nodes[nid].replicas)
                self.worker.request(kind, wanted, replicas_job(design, nid, n))
                self.whatif.set_updating(nid, design.nodes[nid].name)
            elif kind == "demand":
                self.worker.request(kind, wanted, demand_job(design, DEMAND_FACTORS))
                self.latency.set_updating(True)
            elif kind == "cut_sets":
                self.worker.request(kind, wanted, cut_sets_job(
                    design, self.report.system.unavailability, self.report.failures))
                self.cutsets.set_updating(True)
            else:
                self.worker.request(kind, wanted, simulation_job(design, self.simulation_years))
                self.histogram.set_updating(True)

    # -- results -------------------------------------------------------------------
    @Slot(str, object, object)
    def _on_result(self, kind: str, wanted: Hashable, result: Any) -> None:
        if not isinstance(wanted, tuple) or wanted[1] != self._design_key():
            self.dropped += 1  # computed for a design revision that is no longer shown
            return
        self._cache[wanted] = result
        self.last_error = ""
        self._apply_cached()

    @Slot(str, object, str)
    def _on_failed(self, kind: str, wanted: Hashable, message: str) -> None:
        if not isinstance(wanted, tuple) or wanted[1] != self._design_key():
            self.dropped += 1
            return
        self.last_error = message
        text = f"Could not compute this chart: {message}"
        if kind == "replicas" and wanted[2] == self._whatif_node():
            self.whatif.show_node_hint(text)
        elif kind == "demand":
            self.latency.set_updating(False)
            self.latency.show_hint(text)
        elif kind == "simulation":
            self.histogram.set_updating(False)
            self.histogram.show_hint(text)
        elif kind == "cut_sets":
            self.cutsets.show_hint(text)

    def _apply_cached(self) -> None:
        key = self._design_key()
        demand = self._cache.get(("demand", key, None))
        if demand is not None:
            self.latency.set_rows(demand)
        elif self.latency.rows:
            self.latency.set_updating(True)  # the old curve stays until the new one lands
        sim = self._cache.get(("simulation", key, None))
        if sim is not None:
            self.histogram.set_simulation(sim)
        elif self.histogram.simulation is not None:
            self.histogram.set_updating(True)
        cuts = self._cache.get(("cut_sets", key, None))
        if cuts is not None and self.design is not None:
            names = {nid: n.name for nid, n in self.design.nodes.items()
                     if n.role is Role.SOURCE}
            self.cutsets.set_result(cuts["cut_sets"], cuts["summary"], names, cuts["q"])
        elif self.cutsets.cuts:
            self.cutsets.set_updating(True)
        self._apply_whatif()

    def _apply_whatif(self) -> None:
        nid = self._whatif_node()
        if nid is None:
            if self.selected is not None and self.design is not None and \
                    self.selected in self.design.nodes:
                node = self.design.nodes[self.selected]
                what = "a container" if node.is_container else "a client"
                self.whatif.show_node_hint(f"{node.name} is {what}: it has no replicas to "
                                           "change. " + HINT)
            else:
                self.whatif.show_node_hint()
            return
        assert self.design is not None
        node = self.design.nodes[nid]
        rows = self._cache.get(("replicas", self._design_key(), nid))
        if rows is not None:
            self.whatif.set_rows(nid, node.name, node.kind, node.replicas, rows)
        else:
            self.whatif.set_updating(nid, node.name)
