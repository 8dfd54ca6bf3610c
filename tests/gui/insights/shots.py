"""Screenshots of every insight chart, for looking at them (not a test).

    python -m tests.gui.insights.shots three-tier large-300
    QT_SCALE_FACTOR=2 python -m tests.gui.insights.shots large-300
    python -m tests.gui.insights.shots three-tier --dark --size 480x380

Each chart is grabbed (``widget.grab()``) after its background sweep has landed and
saved as ``<out>/<example>-<chart>[-dark]-x<scale>[-<w>w].png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import modeller.ui  # noqa: E402,F401  (PySide6 work-around first)

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"
CHARTS = ["ranking", "utilisation", "latency", "whatif", "histogram"]


def dark_palette():  # noqa: ANN201
    from PySide6.QtGui import QColor, QPalette

    pal = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#1f2937"), (QPalette.ColorRole.Base, "#111827"),
                         (QPalette.ColorRole.Text, "#e5e7eb"), (QPalette.ColorRole.WindowText, "#e5e7eb"),
                         (QPalette.ColorRole.Button, "#374151"), (QPalette.ColorRole.ButtonText, "#e5e7eb")):
        pal.setColor(role, QColor(colour))
    return pal


def shoot(example: str, out: Path, size: tuple[int, int], dark: bool,
          select: str | None) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from modeller.analysis import analyze
    from modeller.model import load_design
    from modeller.ui.insights import InsightsPanel

    app = QApplication.instance() or QApplication([])
    if dark:
        app.setPalette(dark_palette())
    design = load_design(EXAMPLES / f"{example}.arch.json")
    report = analyze(design, simulation_years=0, sweeps=False)
    panel = InsightsPanel(delay_ms=0)
    panel.resize(*size)
    panel.show()
    panel.set_report(report, design)
    if select is None:  # the biggest contributor that has replicas
        select = max((n for n in report.nodes if not design.nodes[n].is_container),
                     key=lambda n: report.nodes[n].downtime_contribution_minutes)
    panel.set_selected(select)
    scale = os.environ.get("QT_SCALE_FACTOR", "1")
    suffix = ("-dark" if dark else "") + f"-x{scale}" + ("" if size == (900, 560) else f"-{size[0]}w")
    paths = []
    try:
        for i, name in enumerate(CHARTS):
            panel.tabs.setCurrentIndex(i)
            t0 = time.monotonic()
            while time.monotonic() - t0 < 60:
                app.processEvents()
                time.sleep(0.02)
                if not panel.worker.busy and time.monotonic() - t0 > 0.3:
                    break
            app.processEvents()
            path = out / f"{example}-{name}{suffix}.png"
            panel.tabs.currentWidget().grab().save(str(path))
            paths.append(path)
    finally:
        panel.shutdown()
        panel.close()
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("examples", nargs="*", default=["three-tier"])
    ap.add_argument("--out", type=Path, default=Path("/work/notes/shots/insights"))
    ap.add_argument("--size", default="900x560")
    ap.add_argument("--dark", action="store_true")
    ap.add_argument("--select", default=None, help="node to sweep in the what-if chart")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    w, h = (int(v) for v in args.size.split("x"))
    for example in args.examples:
        for p in shoot(example, args.out, (w, h), args.dark, args.select):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
