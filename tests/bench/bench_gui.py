"""How the canvas feels on big designs: scene build, first paint, edit-to-badge latency, UI stalls.

    python -m tests.bench.bench_gui                     # the bundled 300-node example
    python -m tests.bench.bench_gui --sizes 130 300 500 --repeat 5
    python -m tests.bench.bench_analysis --bench gui    # through the shared bench runner

Rows (medians of ``repeat`` samples, one warm-up):

- ``scene build`` — replace the document and sync every item (``Editor.set_design``);
- ``first paint`` — render the fitted view once (``viewport().grab()``);
- ``first edit→badge − debounce`` — the first edit after opening the design (it draws
  every box's dimmed look once; ``edit→badge`` and the rows below are the two edits
  after it, as while editing);
- ``edit→badge`` — push one property edit (a node's availability) and wait until the
  canvas has painted the badges of that revision: debounce (150 ms, as in the app) +
  design copy + the engine's preliminary result (``analyze(..., preliminary=)``) in the
  worker thread + applying and painting the badges;
- ``edit→badge − debounce`` — the same without the fixed 150 ms wait;
- ``edit→report − debounce`` — until the full report is applied and painted (banner,
  panels, Fail it), without the debounce;
- ``max UI stall`` — the longest gap between 10 ms timer ticks on the UI thread during
  one edit→report cycle: how long the window could not react while the engine ran.

The bench waits the way the app does: in a blocking event loop (``QEventLoop.exec``)
left by the signals it waits for. (It used to spin ``processEvents``, which holds the
interpreter lock between calls and slowed the worker thread's analysis by half.)

Runs offscreen when there is no display.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import modeller.ui  # noqa: E402,F401  (PySide6 work-around first)
from modeller.model import Design, load_design  # noqa: E402

from .bench_analysis import Row, machine_line, print_table, register  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "large-300.arch.json"
DEBOUNCE_MS = 150


def _app():  # noqa: ANN202
    from modeller.ui.window.app import application

    return application([])


def measure(design: Design, label: str, repeat: int = 5) -> list[Row]:
    """Time the canvas on one design (a fresh window, autosave off)."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    from modeller.ui.editing.commands import SetNodeFieldsCommand
    from modeller.ui.window.main_window import MainWindow

    app = _app()
    w = MainWindow(autosave=False, analysis_delay_ms=DEBOUNCE_MS)
    w.resize(1440, 900)
    w.show()
    app.processEvents()
    n, m = len(design.nodes), len(design.links)
    rows = {k: Row("gui", k, n, m, note=label) for k in
            ("scene build", "first paint", "first edit→badge − debounce", "edit→badge",
             "edit→badge − debounce", "edit→report − debounce", "max UI stall")}
    marks: dict[str, float] = {}

    def badges_painted(_report: object, revision: int) -> None:
        # connected after the window's own slot, which applied and painted them
        if revision == w.editor.design.revision:
            marks.setdefault("badges", time.perf_counter())

    w.analysis.badgesReady.connect(badges_painted)

    def fresh() -> bool:
        a = w.analysis
        return not a.busy and a.last_revision == w.editor.design.revision and a.last_report is not None

    def wait_for(pred, timeout_s: float = 60.0) -> None:  # noqa: ANN001
        """Block in an event loop (as the app does) until ``pred()``; then let the
        window paint what the report changed."""
        loop = QEventLoop()
        check = QTimer()
        check.timeout.connect(lambda: loop.quit() if pred() else None)
        give_up = QTimer()
        give_up.setSingleShot(True)
        give_up.timeout.connect(loop.quit)
        w.analysis.reportReady.connect(loop.quit)
        w.analysis.failed.connect(loop.quit)
        try:
            check.start(20)  # a report that is dropped as stale re-runs: look again
            give_up.start(int(timeout_s * 1000))
            while not pred():
                if not give_up.isActive():
                    raise TimeoutError(f"no report after {timeout_s} s ({w.analysis.last_error})")
                loop.exec()
        finally:
            check.stop()
            give_up.stop()
            w.analysis.reportReady.disconnect(loop.quit)
            w.analysis.failed.disconnect(loop.quit)
        app.processEvents()  # the paint the report's updates asked for

    try:
        for i in range(repeat + 1):
            copy = design.copy()
            t0 = time.perf_counter()
            w.editor.set_design(copy)
            t1 = time.perf_counter()
            w.view.fit()
            w.view.viewport().grab()
            t2 = time.perf_counter()
            wait_for(fresh)
            # edits: toggle the availability of a worker node; the first after opening
            # pays for drawing every box's dimmed look once, the next ones are steady
            target = next(x for x in copy.nodes.values() if x.kind == "service")
            for edit in ("first", "steady", "steady"):
                new = 0.995 if target.availability != 0.995 else 0.999
                ticks: list[int] = []
                clock = QElapsedTimer()
                clock.start()
                timer = QTimer()
                timer.timeout.connect(lambda t=ticks, c=clock: t.append(c.elapsed()))
                timer.start(10)
                marks.clear()
                t3 = time.perf_counter()
                w.editor.push(SetNodeFieldsCommand(copy, {target.id: {"availability": new}},
                                                   "bench edit"))
                wait_for(fresh)
                t4 = time.perf_counter()
                timer.stop()
                app.processEvents()
                gaps = [b - a for a, b in zip(ticks, ticks[1:])] or [0]
                assert w.scene.badges(target.id), "no badge after the edit"
                if i == 0:
                    continue  # warm-up
                tb = marks.get("badges", t4)  # no preliminary (engine without it): the report's
                if edit == "first":
                    rows["first edit→badge − debounce"].samples.append(
                        max(tb - t3 - DEBOUNCE_MS / 1000, 0))
                    continue
                rows["edit→badge"].samples.append(tb - t3)
                rows["edit→badge − debounce"].samples.append(max(tb - t3 - DEBOUNCE_MS / 1000, 0))
                rows["edit→report − debounce"].samples.append(max(t4 - t3 - DEBOUNCE_MS / 1000, 0))
                rows["max UI stall"].samples.append(max(gaps) / 1000.0)
            if i:
                rows["scene build"].samples.append(t1 - t0)
                rows["first paint"].samples.append(t2 - t1)
    finally:
        w.analysis.badgesReady.disconnect(badges_painted)
        w.editor.undo_stack.setClean()
        w.shutdown()
        w.close()
        w.deleteLater()
        app.processEvents()
    return list(rows.values())


@register("gui")
def bench_gui(designs: dict[int, Design], repeat: int) -> list[Row]:
    """Generated designs of each size, plus the bundled 300-node example."""
    reps = max(3, min(repeat, 5))
    rows: list[Row] = []
    if EXAMPLE.exists():
        rows += measure(load_design(EXAMPLE), EXAMPLE.name, reps)
    for size, design in designs.items():
        rows += measure(design, f"generated {size}", reps)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the canvas (issue 4).")
    ap.add_argument("--sizes", type=int, nargs="*", default=[],
                    help="also time generated designs of about these node counts")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--file", type=Path, default=EXAMPLE, help="a design file to time")
    args = ap.parse_args(argv)
    print(machine_line())
    rows = measure(load_design(args.file), args.file.name, args.repeat)
    if args.sizes:
        from .bench_analysis import designs_for

        for size, design in designs_for(args.sizes).items():
            rows += measure(design, f"generated {size}", args.repeat)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
