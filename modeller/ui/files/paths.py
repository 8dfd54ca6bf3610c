"""Where the UI finds its bundled files (icons, examples)."""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder, via :mod:`modeller.resources` when it is available."""
    try:
        from ...resources import resource_path
    except ImportError:  # pragma: no cover - fallback for a partial checkout
        return Path(__file__).resolve().parents[2] / "resources"
    return resource_path()


def icon_path(name: str) -> Path:
    """The SVG icon for a node kind (or the app icon, ``"modeller"``)."""
    return resources_dir() / "icons" / f"{name}.svg"


def examples_dir() -> Path:
    return resources_dir() / "examples"
