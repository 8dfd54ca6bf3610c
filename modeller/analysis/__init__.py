"""Pure functions Design -> Report (numpy / networkx only, no Qt)."""

from .compiled import compile_design
from .engine import analyze
from .report import Report, nines

__all__ = ["analyze", "compile_design", "Report", "nines"]
