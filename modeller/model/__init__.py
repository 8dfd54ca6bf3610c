"""The design document: pure Python, no Qt."""

from .design import FORMAT, MINUTES_PER_YEAR, MISSING, VERSION, Design, Link, Node, Settings
from .errors import DesignError
from .io import (
    atomic_write_bytes,
    atomic_write_text,
    design_from_dict,
    design_to_dict,
    dumps_design,
    load_design,
    loads_design,
    save_design,
)
from .kinds import KIND_LABELS, KIND_ROLES, Role, is_container, role_of
from .validation import container_loop, dependency_cycle, link_problem, validate

__all__ = [
    "FORMAT", "MINUTES_PER_YEAR", "MISSING", "VERSION", "Design", "Link", "Node", "Settings",
    "DesignError", "atomic_write_bytes", "atomic_write_text", "design_from_dict", "design_to_dict", "dumps_design",
    "load_design", "loads_design", "save_design", "KIND_LABELS", "KIND_ROLES", "Role",
    "is_container", "role_of", "container_loop", "dependency_cycle", "link_problem", "validate",
]
