"""Modeller: sketch an architecture, see its availability, capacity and latency live."""

from __future__ import annotations

__version__ = "0.1.0"

from .model import Design, DesignError, load_design, save_design  # noqa: E402


def analyze(design: Design, **kwargs):  # type: ignore[no-untyped-def]
    """Analyse a design; see :func:`modeller.analysis.analyze`."""
    from .analysis import analyze as _analyze

    return _analyze(design, **kwargs)


__all__ = ["Design", "DesignError", "load_design", "save_design", "analyze", "__version__"]
