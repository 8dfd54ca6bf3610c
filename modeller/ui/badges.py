"""What each node's badges say: moved to :mod:`modeller.render.badges` (shared with the
image exports); this name stays for the widgets that import it from here."""

from ..render.badges import (  # noqa: F401
    BAD,
    GOOD,
    NEUTRAL,
    UTIL_BAD,
    UTIL_WARN,
    WARN,
    Badge,
    availability_badge,
    availability_level,
    node_badges,
    strictest_slo,
    utilization_badge,
    utilization_level,
)
