"""Regenerate the README screenshots, offscreen, at 1440 × 900.

    python docs/make_screenshots.py            # writes docs/screenshots/*.png
    python docs/make_screenshots.py --out DIR  # somewhere else

Writes ``start-page.png`` (the templates a new person sees first),
``multi-az-template.png`` (the multi-AZ template opened and analysed) and
``properties-preset.png`` (its database selected: the properties panel shows where
the 99.95 % comes from) and ``spread-zone-failed.png`` (the multi-AZ example, whose
tiers are spread over three zones — a replica chip in every zone — with one zone
failed in "Fail it" mode). Each shot waits for the analysis worker to deliver the
report of exactly the design shown, so no screenshot has stale or missing numbers.
Settings go to a throw-away folder: your recent files and preferences are untouched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1440, 900)
TEMPLATE = "multi-az-active-active"
SELECTED = "db"  # the template's RDS Multi-AZ database, made from a preset
SPREAD_EXAMPLE = "multi-az.arch.json"  # tiers spread over three zones
FAILED_ZONE = "eu-west-1b"


def _pump(app, seconds: float = 0.05) -> None:  # noqa: ANN001
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def _wait_for_report(app, window, timeout: float = 60.0) -> object:  # noqa: ANN001
    a = window.analysis
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        app.processEvents()
        if not a.busy and a.last_report is not None and a.last_revision == window.editor.design.revision:
            return a.last_report
        time.sleep(0.01)
    raise SystemExit(f"the analysis did not finish within {timeout:.0f} s: {a.last_error or 'no report'}")


def _shoot(app, window, path: Path) -> None:  # noqa: ANN001
    window.resize(*SIZE)
    _pump(app)
    if (window.width(), window.height()) != SIZE:
        print(f"warning: the window is {window.width()}×{window.height()}, not {SIZE[0]}×{SIZE[1]} "
              "(a widget's minimum size is larger)", file=sys.stderr)
    if not window.grab().save(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="folder for the PNG files (default: docs/screenshots)")
    parser.add_argument("--show", action="store_true", help="use the real display, not offscreen")
    args = parser.parse_args(argv)
    if not args.show:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["MODELLER_CONFIG_DIR"] = tempfile.mkdtemp(prefix="modeller-shots-")
    sys.path.insert(0, str(ROOT))

    import modeller.analysis  # noqa: F401  (load numpy before the worker thread needs it)
    from modeller.model.templates import list_templates
    from modeller.ui.editing.presets_ui import install_presets
    from modeller.ui.window.app import application
    from modeller.ui.window.help import install_help
    from modeller.ui.window.main_window import MainWindow
    from modeller.ui.window.start_page import install_start_page

    args.out.mkdir(parents=True, exist_ok=True)
    app = application([sys.argv[0]])
    window = MainWindow(autosave=False, analysis_delay_ms=20)
    install_presets(window)
    install_help(window)
    page = install_start_page(window, show=True)
    window.resize(*SIZE)
    window.show()
    _pump(app, 0.3)
    try:
        _shoot(app, window, args.out / "start-page.png")

        template = next(t for t in list_templates() if t.id == TEMPLATE)
        page.templateChosen.emit(template)  # what a click on its row does
        _wait_for_report(app, window)
        window.resize(*SIZE)
        _pump(app)
        window.view.fit()
        _pump(app)
        _shoot(app, window, args.out / "multi-az-template.png")

        window.scene.select_ids([SELECTED])
        _pump(app)
        _wait_for_report(app, window)
        _shoot(app, window, args.out / "properties-preset.png")

        from modeller.ui.files.paths import examples_dir

        window.editor.undo_stack.setClean()
        window.open_file(str(examples_dir() / SPREAD_EXAMPLE), ask=False)
        _wait_for_report(app, window)
        window.resize(*SIZE)
        _pump(app)
        window.view.fit()
        window.failit.set_active(True)
        window.failit.fail(FAILED_ZONE)
        _pump(app, 0.3)
        _shoot(app, window, args.out / "spread-zone-failed.png")
        window.failit.set_active(False)
    finally:
        window.editor.undo_stack.setClean()
        window.shutdown()
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
