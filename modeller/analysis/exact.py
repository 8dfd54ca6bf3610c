"""Exact availability: P(serve) for every node and client, importances, P(sys | X down).

Two exact methods share one compiled design and one set of rules; they differ only in
how the regions and zones enter:

- ``exact_columns.py`` conditions on the joint state of the failure domains (each
  state a column, evaluated side by side): fastest when the joint states are few.
- ``exact_diagram.py`` makes every region and zone a decision-diagram variable, so
  their number is limited by the diagram's size, not by enumerating joint states
  (a global service in 6-30 regions).

:func:`exact_availability` takes the columns while there are at most
``COLUMN_LIMIT`` joint states, else the diagram. Both agree with brute-force
enumeration (tests/analysis) and with each other to 1e-12.
"""

from __future__ import annotations

from .compiled import Compiled
from .domains import count_columns
from .exact_columns import exact_by_columns
from .exact_diagram import ExactResult, _level_masses, exact_by_diagram

__all__ = ["COLUMN_LIMIT", "ExactResult", "_level_masses", "exact_availability", "method_for"]

COLUMN_LIMIT = 4096


def method_for(compiled: Compiled) -> str:
    """"columns" or "diagram": which exact method :func:`exact_availability` uses."""
    return "columns" if count_columns(compiled) <= COLUMN_LIMIT else "diagram"


def exact_availability(compiled: Compiled, importances: bool = True,
                       method: str | None = None) -> ExactResult:
    """Exact P(serve) of every node and the system, and (with ``importances``)
    P(sys | X up/down) for every node and container X. ``method``: force "columns"
    or "diagram" (default: :func:`method_for`)."""
    method = method or method_for(compiled)
    if method == "columns":
        return exact_by_columns(compiled, importances)
    if method == "diagram":
        return exact_by_diagram(compiled, importances)
    raise ValueError(f"unknown exact method {method!r}")
