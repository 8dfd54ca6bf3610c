"""Issue 17 item 12: the installed-package test has hang guards, never speed limits.

``packaging/test_installed.sh`` failed on a loaded machine with "main window took
4105 ms" (a limit on a time), and its 120 s guard around ``analyze large-300 --json``
fired under load (the analysis took 78-100 s there, 2 s when idle). Every guard around
an analysis, an export or the GUI must be generous (here: at least 10 minutes) and a
measured time may only be reported as a figure.
"""

from __future__ import annotations

import re
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "test_installed.sh"
GENEROUS_S = 600  # what "generous" means for anything that analyses or draws


def _guards(text: str) -> dict[str, int]:
    """The guard variables the script sets (NAME=${OVERRIDE:-N} or NAME=N)."""
    out = {}
    for name, value in re.findall(r"^(GUARD_\w+)=(?:\$\{\w+:-)?(\d+)\}?\s*$", text, re.M):
        out[name] = int(value)
    return out


def _seconds(arg: str, guards: dict[str, int]) -> int:
    arg = arg.strip('"')
    if arg.isdigit():
        return int(arg)
    m = re.fullmatch(r"\$\(\(\s*(\w+)\s*\+\s*(\d+)\s*\)\)", arg)
    if m:
        return guards[m.group(1)] + int(m.group(2))
    return guards[arg.lstrip("$").strip("{}")]


def test_every_analysis_export_and_gui_guard_is_generous() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    guards = _guards(text)
    assert guards["GUARD_ANALYSIS"] >= 900 and guards["GUARD_WINDOW"] >= GENEROUS_S
    checked = 0
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for arg, rest in re.findall(r'\btimeout\s+("\$\w+"|\$\(\([^)]*\)\)|\d+)\s+(.*)', line):
            seconds = _seconds(arg, guards)
            # refused at once, or only printing help
            quick = any(x in rest for x in ("no-such-file", "broken.arch.json", "--help"))
            if not quick and (re.search(r"\b(analyze|export)\b", rest)
                              or "example.arch.json" in rest):
                if "gui.out" in rest:  # "still running after 5 s": a minimum, not a limit
                    continue
                assert seconds >= GENEROUS_S, line
                checked += 1
            else:
                assert seconds >= 60, line  # --version, --help, a refused file
    assert checked >= 5  # analyze x3 (example, every bundled one, the tar.gz), export, GUI


def test_times_are_figures_never_limits() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    assert not re.search(r"took \$", text)  # "main window took 4105 ms" is gone
    for line in text.splitlines():
        code = line.split("#", 1)[0]
        # a measured time (…_ms, or now_ms - t0) compared with anything but a guard
        if re.search(r"\$\{?\w*ms\}?\"?\s+-(lt|le|gt|ge)\b|now_ms\) - t0 \)\) -(lt|gt)", code):
            assert "GUARD_" in code, line
    assert re.search(r"-lt \$\(\(GUARD_WINDOW \* 1000\)\)", text)
