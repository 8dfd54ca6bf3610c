"""Where the bundled ``resources/`` folder (examples, presets, icons) lives at run time.

The same code runs from a source checkout, from ``pip install .`` (the files are
installed as data under ``<prefix>/share/modeller``, see pyproject.toml) and from a
PyInstaller bundle (``sys._MEIPASS/resources``), so nothing else should guess paths.
"""

from __future__ import annotations

import site
import sys
from pathlib import Path

EXAMPLE = ("examples", "multi-az.arch.json")  # the design shown when there is no GUI


def resource_roots() -> list[Path]:
    """Candidate ``resources`` directories, most specific first (existing ones only)."""
    candidates: list[Path] = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        candidates.append(Path(meipass) / "resources")
    # source checkout or editable install: <repo>/modeller/resources.py -> <repo>/resources
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    # wheel install: [tool.setuptools.data-files] puts them under <prefix>/share/modeller
    prefixes = [sys.prefix, sys.base_prefix]
    user_base = getattr(site, "USER_BASE", None)
    if user_base:
        prefixes.append(user_base)
    for prefix in prefixes:
        candidates.append(Path(prefix) / "share" / "modeller")
    seen: set[Path] = set()
    roots: list[Path] = []
    for c in candidates:
        if c in seen:
            continue
        seen.add(c)
        # a folder merely called "resources" next to site-packages is not ours
        if (c / "examples").is_dir() or (c / "presets").is_dir():
            roots.append(c)
    return roots


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. ``resource_path("examples", "x.arch.json")``.

    Returns the first root that holds it; if none does, the path under the first root
    (or under the checkout location) so that an error message names a real place.
    """
    roots = resource_roots()
    for root in roots:
        p = root.joinpath(*parts)
        if p.exists():
            return p
    base = roots[0] if roots else Path(__file__).resolve().parent.parent / "resources"
    return base.joinpath(*parts)


def example_path() -> Path:
    """The bundled example shown by the headless fallback."""
    return resource_path(*EXAMPLE)
