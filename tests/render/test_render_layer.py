"""render/ sits under ui/: the image export draws through it without loading the window."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import modeller

PROBE = r"""
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from modeller import analyze, load_design
from modeller.export.diagram import png_bytes
d = load_design(sys.argv[1])
data = png_bytes(d, analyze(d, simulation_years=0, sweeps=False), scale=1.0)
assert data[:8] == b"\x89PNG\r\n\x1a\n"
print(json.dumps(sorted(m for m in sys.modules if m.startswith("modeller."))))
"""


def test_an_image_export_never_loads_the_ui(examples_dir: Path):
    proc = subprocess.run([sys.executable, "-c", PROBE, str(examples_dir / "multi-az.arch.json")],
                          capture_output=True, text=True, timeout=300,
                          cwd=Path(modeller.__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr
    mods = json.loads(proc.stdout.splitlines()[-1])
    assert "modeller.render.scene" in mods and "modeller.export.diagram" in mods
    assert [m for m in mods if m == "modeller.ui" or m.startswith("modeller.ui.")] == []
