"""Exports (HTML/Markdown/CSV reports, draw.io) and the draw.io import.

Everything here reads a ``Design`` and a ``Report``; no number is recomputed. The
headless commands ``modeller export`` and ``modeller import-drawio`` live here as
``export_command`` / ``import_command`` so the CLI only wires arguments to them
(see ``add_commands``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..model import DesignError, atomic_write_text, dumps_design, load_design
from .drawio import export_drawio, import_drawio
from .reports import CSV_COLUMNS, csv_report, html_report, markdown_report

__all__ = [
    "export_drawio", "import_drawio", "csv_report", "html_report", "markdown_report",
    "CSV_COLUMNS", "FORMATS", "export_text", "export_command", "import_command", "add_commands",
]

EXIT_OK = 0
EXIT_REFUSED = 2

# output suffix -> format name
FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
           ".csv": "csv", ".drawio": "drawio", ".xml": "drawio"}
FORMAT_NAMES = ("html", "markdown", "csv", "drawio")


def format_for(path: str, explicit: str | None = None) -> str | None:
    """The export format for an output path (or the explicit ``--format``), None if unknown."""
    if explicit:
        return explicit if explicit in FORMAT_NAMES else None
    name = path.lower()
    if name.endswith(".drawio.xml"):
        return "drawio"
    return FORMATS.get(Path(name).suffix)


def export_text(fmt: str, design: Any, report: Any, *, source: str = "",
                generated: Any = None) -> str:
    """The text of one export format (``html``, ``markdown``, ``csv`` or ``drawio``)."""
    if fmt == "html":
        return html_report(report, design, source=source, generated=generated)
    if fmt == "markdown":
        return markdown_report(report, design, source=source, generated=generated)
    if fmt == "csv":
        return csv_report(report)
    if fmt == "drawio":
        return export_drawio(design, report)
    raise ValueError(f"unknown export format {fmt!r}")


def _refuse(message: str) -> int:
    print("modeller: " + " ".join(str(message).split()), file=sys.stderr)
    return EXIT_REFUSED


def export_command(args: argparse.Namespace) -> int:
    """``modeller export FILE -o OUT.{html,md,csv,drawio} [--format F] [--simulate YEARS]``.

    Reads ``args.file``, ``args.output`` and optionally ``args.format``, ``args.simulate``
    (simulated years; None = the engine's default, 0 = none) and ``args.seed``. Returns 0,
    or 2 with one line on stderr when the input or the output is refused.
    """
    src = str(args.file)
    out = str(getattr(args, "output", "") or "")
    if not out:
        return _refuse("export needs an output file: add -o report.html (or .md, .csv, .drawio)")
    fmt = format_for(out, getattr(args, "format", None))
    if fmt is None:
        suffix = Path(out).suffix or "(none)"
        return _refuse(f"{out}: unknown export type {suffix} — use .html, .md, .csv or .drawio "
                       "(PNG/SVG/PDF images come from the GUI exporter)")
    try:
        design = load_design(src)
    except DesignError as err:
        return _refuse(str(err))
    from ..analysis import analyze  # late: keeps `modeller --help` fast

    years = getattr(args, "simulate", None)
    options: dict[str, Any] = {}
    if fmt == "drawio":  # the diagram shows exact numbers only: skip the slow extras
        options = {"simulation_years": 0, "sweeps": False}
    elif years is not None:
        options = {"simulation_years": max(int(years), 0), "seed": int(getattr(args, "seed", 0) or 0)}
    try:
        report = analyze(design, **options)
    except DesignError as err:
        return _refuse(err.in_file(src) if not err.file else err)
    text = export_text(fmt, design, report, source=Path(src).name)
    try:
        atomic_write_text(out, text)
    except OSError as exc:
        return _refuse(f"{out}: cannot be written ({exc.strerror or exc}) — check the folder "
                       "exists and is writable")
    return EXIT_OK


def import_command(args: argparse.Namespace) -> int:
    """``modeller import-drawio FILE -o OUT.arch.json``: guesses go to stderr, one per line."""
    src = str(args.file)
    out = str(getattr(args, "output", "") or "")
    if not out:
        stem = Path(src).name
        for suffix in (".xml", ".drawio", ".svg"):
            stem = stem[: -len(suffix)] if stem.lower().endswith(suffix) else stem
        out = str(Path(src).with_name(stem + ".arch.json"))
    try:
        design, notes = import_drawio(src)
    except DesignError as err:
        return _refuse(str(err))
    for line in notes:
        print(f"  guessed: {line}", file=sys.stderr)
    try:
        atomic_write_text(out, dumps_design(design))
    except OSError as exc:
        return _refuse(f"{out}: cannot be written ({exc.strerror or exc}) — check the folder "
                       "exists and is writable")
    print(f"{out}: {len(design.nodes)} nodes, {len(design.links)} links "
          f"({len(notes)} guesses to check)", file=sys.stderr)
    return EXIT_OK


def add_commands(sub: Any) -> None:
    """Add ``export`` and ``import-drawio`` to the CLI's sub-parsers (``func`` is set)."""
    exp = sub.add_parser(
        "export", help="write an HTML/Markdown/CSV report or a draw.io diagram",
        description="Analyse a design and write a report (.html, .md, .csv) or a draw.io "
                    "diagram (.drawio) with the numbers on it. Exit 0 ok, 2 refused.")
    exp.add_argument("file", metavar="FILE", help="a *.arch.json design file")
    exp.add_argument("-o", "--output", required=True, metavar="OUT",
                     help="output file; its suffix picks the format (.html .md .csv .drawio)")
    exp.add_argument("--format", choices=FORMAT_NAMES, help="override the format the suffix picks")
    exp.add_argument("--simulate", type=int, default=None, metavar="YEARS",
                     help="simulated years for the annual-downtime section (default: as "
                          "`analyze`; 0 leaves it out)")
    exp.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    exp.set_defaults(func=export_command)

    imp = sub.add_parser(
        "import-drawio", help="turn a draw.io diagram into a design file",
        description="Read a draw.io (.drawio/.xml) diagram and write a design, guessing kinds "
                    "from shapes and labels; every guess is listed on stderr. Exit 0 ok, "
                    "2 refused.")
    imp.add_argument("file", metavar="FILE", help="a .drawio file")
    imp.add_argument("-o", "--output", metavar="OUT",
                     help="the design file to write (default: FILE with .arch.json)")
    imp.set_defaults(func=import_command)
