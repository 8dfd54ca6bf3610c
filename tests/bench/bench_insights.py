"""How long the insight charts take to redraw from a new report (issue 5).

    python -m tests.bench.bench_insights                      # the bundled 300-node example
    python -m tests.bench.bench_insights --sizes 130 500 --repeat 30
    python -m tests.bench.bench_analysis --bench insights      # through the shared runner

Every live report reaches ``InsightsPanel.set_report`` on the UI thread, so it must
fit well inside the live budget (~50 ms) next to the canvas's own repaint. Rows
(medians of ``repeat`` samples after one warm-up; two reports of different revisions
alternate so every call really changes the data):

- ``set_report`` — the call itself: ranking and utilisation bars, latency markers,
  cached sweep results re-applied, the sweep timer re-armed (the sweeps themselves run
  later on the worker thread and are not timed here);
- ``set_report + paint <tab>`` — the same plus rendering the visible chart into a
  pixmap (``grab()``), i.e. until the pixels are new;
- ``sweep request (UI thread)`` — what the debounce timer then costs the UI thread when
  the what-if chart is visible: the design snapshot handed to the worker plus the
  request (the sweep itself runs on the worker thread and is waited out untimed);
- ``sweep request, snapshot given`` — the same when the caller passes the analysis
  worker's design copy (``set_report(..., snapshot=...)``): no copy on the UI thread.

Runs offscreen when there is no display.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import modeller.ui  # noqa: E402,F401  (PySide6 work-around first)
from modeller.model import Design, load_design  # noqa: E402

from .bench_analysis import Row, machine_line, print_table, register, time_call  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "large-300.arch.json"
BUDGET_MS = 50.0


def _app():  # noqa: ANN202
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _two_reports(design: Design) -> list[tuple[object, Design]]:
    """The design and an edited copy (one worker's availability), each with its report."""
    from modeller.analysis import analyze

    other = design.copy()
    target = next(n for n in other.nodes.values() if n.kind == "service")
    target.availability = 0.995 if target.availability != 0.995 else 0.999
    other.changed()
    return [(analyze(d, simulation_years=0, sweeps=False), d) for d in (design, other)]


def measure(design: Design, label: str, repeat: int = 15) -> list[Row]:
    from modeller.ui.insights import InsightsPanel

    app = _app()
    panel = InsightsPanel(delay_ms=10**8)  # the sweeps are not what is timed here
    panel.resize(900, 560)
    panel.show()
    app.processEvents()
    pairs = _two_reports(design)
    n, m = len(design.nodes), len(design.links)
    state = {"i": 0}

    def one() -> None:
        report, d = pairs[state["i"] % 2]
        state["i"] += 1
        panel.set_report(report, d)

    _fill_background_charts(panel, *pairs[0])
    rows = [Row("insights", "set_report", n, m, time_call(one, repeat), label)]
    try:
        for tab in range(panel.tabs.count()):
            panel.tabs.setCurrentIndex(tab)
            app.processEvents()
            chart = panel.tabs.currentWidget()

            def paint(chart=chart) -> None:  # noqa: ANN001
                one()
                chart.grab()  # renders the chart and its plot canvas now

            name = panel.tabs.tabText(tab)
            rows.append(Row("insights", f"set_report + paint {name}", n, m,
                            time_call(paint, repeat), label))
        rows.append(_request_row(panel, pairs, n, m, repeat, label))
        rows.append(_request_row(panel, pairs, n, m, repeat, label, snapshot=True))
    finally:
        panel.shutdown()
        panel.close()
        panel.deleteLater()
        app.processEvents()
    return rows


def _fill_background_charts(panel, report, design: Design) -> None:  # noqa: ANN001
    """Give the worker-fed charts real data once (untimed), so their paint is realistic:
    a new report keeps those curves (marked "updating") until the next sweep lands."""
    from modeller.analysis.simulation import simulate
    from modeller.analysis.sweeps import sweep_demand, sweep_replicas
    from modeller.ui.insights.latency import DEMAND_FACTORS

    panel.set_report(report, design)
    panel.latency.set_rows(sweep_demand(design, DEMAND_FACTORS))
    node = max((nid for nid in report.nodes if not design.nodes[nid].is_container),
               key=lambda nid: report.nodes[nid].downtime_contribution_minutes)
    nd = design.nodes[node]
    panel.whatif.set_rows(node, nd.name, nd.kind, nd.replicas,
                          sweep_replicas(design, node, max(6, nd.replicas + 2)))
    panel.histogram.set_simulation(simulate(design, years=300))


def _request_row(panel, pairs, n: int, m: int, repeat: int, label: str,  # noqa: ANN001
                 snapshot: bool = False) -> Row:
    import gc
    import time

    app = _app()
    panel.tabs.setCurrentWidget(panel.whatif)
    report, d = pairs[0]
    node = max((nid for nid in report.nodes if not d.nodes[nid].is_container),
               key=lambda nid: report.nodes[nid].downtime_contribution_minutes)
    name = "sweep request, snapshot given" if snapshot else "sweep request (UI thread)"
    row = Row("insights", name, n, m, note=label)
    copies = [d.copy() for _, d in pairs]  # made before timing, as the analysis worker does
    for i in range(repeat + 1):
        report, d = pairs[i % 2]
        panel.set_report(report, d, snapshot=copies[i % 2] if snapshot else None)
        panel.set_selected(node)
        panel._timer.stop()
        gc.collect()
        t0 = time.perf_counter()
        panel.refresh()
        dt = time.perf_counter() - t0
        panel.worker.cancel("replicas")
        panel.worker.wait()
        app.processEvents()
        if i:
            row.samples.append(dt)
    return row


@register("insights")
def bench_insights(designs: dict[int, Design], repeat: int) -> list[Row]:
    """The bundled 300-node example, plus the generated designs."""
    rows: list[Row] = []
    if EXAMPLE.exists():
        rows += measure(load_design(EXAMPLE), EXAMPLE.name, repeat)
    for size, design in designs.items():
        rows += measure(design, f"generated {size}", repeat)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the insight charts (issue 5).")
    ap.add_argument("--sizes", type=int, nargs="*", default=[],
                    help="also time generated designs of about these node counts")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--file", type=Path, default=EXAMPLE, help="a design file to time")
    args = ap.parse_args(argv)
    print(machine_line())
    print(f"budget: a redraw well within the live {BUDGET_MS:g} ms")
    rows = measure(load_design(args.file), args.file.name, args.repeat)
    if args.sizes:
        from .bench_analysis import designs_for

        for size, design in designs_for(args.sizes).items():
            rows += measure(design, f"generated {size}", args.repeat)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
