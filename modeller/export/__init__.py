"""Exports (HTML/Markdown/CSV reports, draw.io, PNG/SVG/PDF pictures) and the draw.io import.

Everything here reads a ``Design`` and a ``Report``; no number is recomputed. The
headless commands ``modeller export`` and ``modeller import-drawio`` live here as
``export_command`` / ``import_command`` so the CLI only wires arguments to them
(see ``add_commands``). Pictures come from :mod:`.diagram`, which needs Qt: it is
imported only when a picture is asked for, so ``modeller analyze`` never loads Qt.
"""

from __future__ import annotations

import argparse
import base64
import struct
import sys
from html import escape as html_escape
from pathlib import Path
from typing import Any

from ..model import DesignError, atomic_write_text, dumps_design, load_design
from ..textsafe import for_terminal, for_xml, for_xml_bytes, shorten
from .drawio import export_drawio, import_drawio, import_drawio_report
from .reports import CSV_COLUMNS, csv_report, html_report, markdown_report

__all__ = [
    "export_drawio", "import_drawio", "import_drawio_report", "csv_report", "html_report", "markdown_report",
    "CSV_COLUMNS", "FORMATS", "IMAGE_FORMATS", "export_text", "export_bytes", "embed_diagram",
    "export_command", "import_command", "add_commands",
]

EXIT_OK = 0
EXIT_REFUSED = 2

# output suffix -> format name
FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
           ".csv": "csv", ".drawio": "drawio", ".xml": "drawio",
           ".png": "png", ".svg": "svg", ".pdf": "pdf"}
IMAGE_FORMATS = ("png", "svg", "pdf")
FORMAT_NAMES = ("html", "markdown", "csv", "drawio", *IMAGE_FORMATS)
SUFFIXES = ".html, .md, .csv, .drawio, .png, .svg or .pdf"
QT_MISSING = "PNG, SVG and PDF pictures need Qt: install PySide6-Essentials (pip install PySide6-Essentials)"


def format_for(path: str, explicit: str | None = None) -> str | None:
    """The export format for an output path (or the explicit ``--format``), None if unknown."""
    if explicit:
        return explicit if explicit in FORMAT_NAMES else None
    name = path.lower()
    if name.endswith(".drawio.xml"):
        return "drawio"
    return FORMATS.get(Path(name).suffix)


def embed_diagram(page: str, design: Any, report: Any) -> str:
    """The HTML report with the diagram (its nines on every box) as an inline PNG.

    The picture is a data URI, so the file stays self-contained (the report's CSP allows
    ``img-src data:``). Without Qt the report is returned unchanged: tables and charts
    are still complete.
    """
    try:
        from .diagram import png_bytes
    except ImportError:
        return page
    scale = 2.0
    data = png_bytes(design, report, scale=scale, legend=False)
    width, height = struct.unpack(">II", data[16:24])  # the PNG's IHDR chunk
    alt = html_escape(f"Diagram of {design.name or 'the design'} with each part's availability")
    figure = ("<h2>Diagram</h2>\n"
              f'<figure class="diagram" style="margin: 0; overflow-x: auto;"><img alt="{alt}" '
              f'width="{round(width / scale)}" height="{round(height / scale)}" '
              'style="max-width: 100%; height: auto;" '
              f'src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}"></figure>\n')
    for marker in ("<h2>Charts</h2>", "</body>"):
        if marker in page:
            return page.replace(marker, figure + marker, 1)
    return page + figure


def export_text(fmt: str, design: Any, report: Any, *, source: str = "",
                generated: Any = None, diagram: bool = False) -> str:
    """The text of one export format (``html``, ``markdown``, ``csv`` or ``drawio``).

    ``diagram=True`` embeds the picture in an HTML report (needs Qt; see :func:`embed_diagram`).
    """
    if fmt == "html":
        # control characters a name may hold are parse errors in HTML: U+FFFD instead
        text = for_xml(html_report(report, design, source=source, generated=generated))
        return embed_diagram(text, design, report) if diagram else text
    if fmt == "markdown":
        return markdown_report(report, design, source=source, generated=generated)
    if fmt == "csv":
        return csv_report(report)
    if fmt == "drawio":
        return export_drawio(design, report)
    raise ValueError(f"unknown export format {fmt!r}")


def export_bytes(fmt: str, design: Any, report: Any, *, source: str = "", generated: Any = None,
                 scale: float = 2.0, transparent: bool = False, diagram: bool = True) -> bytes:
    """The file contents for any export format; pictures and the HTML diagram need Qt
    (``ImportError`` without it). ``scale`` and ``transparent`` apply to PNG."""
    if fmt in IMAGE_FORMATS:
        from .diagram import ensure_app, image_bytes

        ensure_app(prefer_offscreen=True)  # a command needs no display; the GUI has its app
        data = image_bytes(fmt, design, report, scale=scale, transparent=transparent and fmt != "pdf",
                           source=source, generated=generated)
        # a name may hold a character XML cannot (\v): the SVG must stay well-formed
        return for_xml_bytes(data) if fmt == "svg" else data
    if fmt == "html" and diagram:
        try:
            from .diagram import ensure_app
        except ImportError:
            diagram = False
        else:
            ensure_app(prefer_offscreen=True)
    return export_text(fmt, design, report, source=source, generated=generated,
                       diagram=diagram).encode("utf-8")


MAX_MESSAGE = 2000  # characters of one refusal on a terminal
MAX_NOTE = 300  # characters of one import guess on a terminal


def _refuse(message: str) -> int:
    line = for_terminal(" ".join(str(message).split()), keep_newlines=False)
    print("modeller: " + shorten(line, MAX_MESSAGE), file=sys.stderr)
    return EXIT_REFUSED


def export_command(args: argparse.Namespace) -> int:
    """``modeller export FILE -o OUT.{html,md,csv,drawio,png,svg,pdf} [--format F] ...``.

    Reads ``args.file``, ``args.output`` and optionally ``args.format``, ``args.simulate``
    (simulated years; None = the engine's default, 0 = none), ``args.seed``, ``args.scale``
    (PNG pixels per canvas pixel, default 2) and ``args.transparent`` (PNG). Pictures and
    draw.io use the live pass (exact numbers, no simulation or sweeps); an HTML report
    embeds the diagram when Qt is installed. Returns 0, or 2 with one line on stderr when
    the input or the output is refused.
    """
    src = str(args.file)
    out = str(getattr(args, "output", "") or "")
    if not out:
        return _refuse(f"export needs an output file: add -o report.html (or {SUFFIXES})")
    fmt = format_for(out, getattr(args, "format", None))
    if fmt is None:
        suffix = Path(out).suffix or "(none)"
        return _refuse(f"{out}: unknown export type {suffix} — use {SUFFIXES}")
    scale = getattr(args, "scale", None)
    scale = 2.0 if scale is None else float(scale)
    if not (0 < scale <= 16):
        return _refuse(f"--scale {scale:g}: use a number above 0 and at most 16 (2 is the default)")
    if fmt in IMAGE_FORMATS:
        try:
            import PySide6.QtGui  # noqa: F401  (refuse early, before the analysis)
        except ImportError:
            return _refuse(QT_MISSING)
    try:
        design = load_design(src)
    except DesignError as err:
        return _refuse(str(err))
    from ..analysis import analyze  # late: keeps `modeller --help` fast

    years = getattr(args, "simulate", None)
    options: dict[str, Any] = {}
    if fmt == "drawio" or fmt in IMAGE_FORMATS:  # exact numbers only: skip the slow extras
        options = {"simulation_years": 0, "sweeps": False}
    elif years is not None:
        options = {"simulation_years": max(int(years), 0), "seed": int(getattr(args, "seed", 0) or 0)}
    else:  # reports: the simulation and sweeps fit the default time budget
        from ..analysis.engine import DEFAULT_TIME_BUDGET
        options = {"time_budget": DEFAULT_TIME_BUDGET}
    try:
        report = analyze(design, **options)
    except DesignError as err:
        return _refuse(err.in_file(src) if not err.file else err)
    try:
        data = export_bytes(fmt, design, report, source=Path(src).name, scale=scale,
                            transparent=bool(getattr(args, "transparent", False)))
    except ImportError:
        return _refuse(QT_MISSING)
    except RuntimeError as exc:  # diagram.DiagramError: the picture could not be made
        return _refuse(f"{out}: {exc}")
    try:
        if fmt in IMAGE_FORMATS:
            from ..model import atomic_write_bytes

            atomic_write_bytes(out, data)
        else:
            atomic_write_text(out, data.decode("utf-8"))
    except OSError as exc:
        return _refuse(f"{out}: cannot be written ({exc.strerror or exc}) — check the folder "
                       "exists and is writable")
    return EXIT_OK


def import_command(args: argparse.Namespace) -> int:
    """``modeller import-drawio FILE -o OUT.arch.json``: on stderr, one summary line (parts
    mapped by library / by label / defaulted, presets, client drawn or inferred), then the
    guesses grouped the same way (defaults first: they say least) and the other notes."""
    src = str(args.file)
    out = str(getattr(args, "output", "") or "")
    if not out:
        stem = Path(src).name
        for suffix in (".xml", ".drawio", ".svg"):
            stem = stem[: -len(suffix)] if stem.lower().endswith(suffix) else stem
        out = str(Path(src).with_name(stem + ".arch.json"))
    try:
        design, report = import_drawio_report(src)
    except DesignError as err:
        return _refuse(str(err))

    def term(text: str) -> str:
        return shorten(for_terminal(text, keep_newlines=False), MAX_NOTE)

    print(f"{term(Path(src).name)}: {term(report.summary())}", file=sys.stderr)
    for line in report.details():
        nested = line.startswith("  ")
        print(("    " if nested else "  ") + term(line.strip()), file=sys.stderr)
    try:
        atomic_write_text(out, dumps_design(design))
    except DesignError as err:
        return _refuse(err.in_file(src) if not err.file else err)
    except OSError as exc:
        return _refuse(f"{out}: cannot be written ({exc.strerror or exc}) — check the folder "
                       "exists and is writable")
    print(f"{for_terminal(out, keep_newlines=False)}: {len(design.nodes)} nodes, {len(design.links)} links "
          f"({len(report.notes)} notes to check)", file=sys.stderr)
    return EXIT_OK


def add_commands(sub: Any) -> None:
    """Add ``export`` and ``import-drawio`` to the CLI's sub-parsers (``func`` is set)."""
    exp = sub.add_parser(
        "export", help="write a report (HTML/Markdown/CSV), a draw.io diagram or a picture",
        description="Analyse a design and write a report (.html, .md, .csv), a draw.io "
                    "diagram (.drawio) or a picture of the diagram with its numbers and a "
                    "summary legend (.png, .svg, .pdf). Pictures work without a display. "
                    "Exit 0 ok, 2 refused.")
    exp.add_argument("file", metavar="FILE", help="a *.arch.json design file")
    exp.add_argument("-o", "--output", required=True, metavar="OUT",
                     help="output file; its suffix picks the format "
                          "(.html .md .csv .drawio .png .svg .pdf)")
    exp.add_argument("--format", choices=FORMAT_NAMES, help="override the format the suffix picks")
    exp.add_argument("--simulate", type=int, default=None, metavar="YEARS",
                     help="simulated years for the annual-downtime section (default: as "
                          "`analyze`; 0 leaves it out)")
    exp.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    exp.add_argument("--scale", type=float, default=2.0, metavar="N",
                     help="PNG: pixels per canvas pixel (default 2; 1 = as on screen at 100 %%)")
    exp.add_argument("--transparent", action="store_true",
                     help="PNG/SVG: leave the background transparent instead of white")
    exp.set_defaults(func=export_command)

    imp = sub.add_parser(
        "import-drawio", help="turn a draw.io diagram into a design file",
        description="Read a draw.io (.drawio/.xml) diagram and write a design. Shapes of "
                    "draw.io's AWS, Azure, Google Cloud, IBM and Kubernetes libraries become "
                    "parts with sourced presets (resources/drawio; add your own in "
                    "drawio-shapes.json in the configuration folder); other kinds are "
                    "guessed from labels. stderr gets a one-line summary, then every guess "
                    "grouped (mapped by library / by label / defaulted). Exit 0 ok, 2 refused.")
    imp.add_argument("file", metavar="FILE", help="a .drawio file")
    imp.add_argument("-o", "--output", metavar="OUT",
                     help="the design file to write (default: FILE with .arch.json)")
    imp.set_defaults(func=import_command)
