"""Numbers for people, formatted one way everywhere (reports, CLI tables, GUI labels).

Pure Python. The rules match ``modeller.cli``'s terminal report so a figure reads the
same in the terminal, in an HTML/Markdown report and on a draw.io label.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "fmt_percent", "fmt_nines", "fmt_duration", "fmt_headroom", "fmt_util", "fmt_number",
    "fmt_ms", "fmt_small", "fmt_money", "fmt_slo", "fmt_scalar",
]


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_percent(availability: float | None, unavailability: float | None = None) -> str:
    """Availability as a percentage with enough digits to show two of the unavailability.

    Pass the unavailability when you have it: 1 - A loses digits beyond ~12 nines.
    ``fmt_percent(0.99953)`` -> "99.953 %", ``fmt_percent(0.9999)`` -> "99.990 %".
    """
    if _missing(availability):
        return "—"
    assert availability is not None
    u = 1.0 - availability if unavailability is None else unavailability
    if u <= 0.0:
        return "100 %"
    if u >= 1.0:
        return "0 %"
    # 1e-9: an unavailability of 1.0000000000287e-4 (from 1 - 0.9999) is still 1e-4
    decimals = max(2, min(12, 1 - math.floor(math.log10(u * 100.0) + 1e-9)))
    return f"{100.0 - 100.0 * u:.{decimals}f} %"


def fmt_nines(nines: float | None) -> str:
    """Nines to two decimals ("3.35"); infinite for a perfect design."""
    if _missing(nines):
        return "—"
    assert nines is not None
    # a certain outage is -log10(1) = -0.0: show "0.00", not "-0.00"
    return "∞" if math.isinf(nines) else f"{max(nines, 0.0) + 0.0:.2f}"


def fmt_duration(minutes: float | None) -> str:
    """A yearly downtime for people: "4 h 23 min", "52.6 min", "38 s", "2 d 5 h", "< 1 ms"."""
    if minutes is None or not math.isfinite(minutes):
        return "—"
    if minutes <= 0.0:
        return "0 s"
    if minutes < 1.0:
        seconds = minutes * 60.0
        if seconds < 0.001:  # also hides float noise such as 1e-12 s
            return "< 1 ms"
        return f"{seconds:.0f} s" if seconds >= 9.5 else f"{seconds:.2g} s"
    if minutes < 59.95:
        return f"{minutes:.1f} min"
    if minutes < 24 * 60 - 0.5:
        h, m = divmod(round(minutes), 60)
        return f"{h} h {m} min"
    d, h = divmod(round(minutes / 60.0), 24)
    return f"{d} d {h} h"


def fmt_headroom(headroom: float | None) -> str:
    """The demand multiplier the design survives ("1.67×")."""
    if _missing(headroom):
        return "—"
    assert headroom is not None
    if math.isinf(headroom):
        return "unlimited (no capacities given)"
    text = f"{headroom:.2f}×"
    return text + " — overloaded at nominal demand" if headroom < 1.0 else text


def fmt_util(u: float | None) -> str:
    """Utilisation as a whole percentage ("57 %")."""
    if _missing(u):
        return "—"
    assert u is not None
    return "∞" if math.isinf(u) else f"{100.0 * u:.0f} %"


def fmt_number(x: float | None) -> str:
    """Requests per second and similar: thousands separators, one decimal below 100."""
    if _missing(x):
        return "—"
    assert x is not None
    if math.isinf(x):
        return "∞"
    return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.1f}"


def fmt_ms(x: float | None) -> str:
    """A latency in milliseconds; a saturated station says so instead of "inf"."""
    if _missing(x):
        return "—"
    assert x is not None
    return "saturated" if math.isinf(x) else f"{x:.1f}"


def fmt_small(x: float | None) -> str:
    """Three significant digits (Birnbaum importance and other small fractions)."""
    if _missing(x):
        return "—"
    return "0" if x == 0 else f"{x:.3g}"


def fmt_money(x: float | None) -> str:
    """A monthly cost: whole numbers stay whole, others get cents."""
    if x is None:
        return "—"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def fmt_slo(slo: dict[str, Any] | None) -> str:
    """A client's targets: "≥ 99.9 %, p99 ≤ 300 ms"."""
    if not slo:
        return "—"
    parts = []
    try:
        if "availability" in slo:
            parts.append(f"≥ {round(100.0 * float(slo['availability']), 8):g} %")
        if "latency_ms_p99" in slo:
            parts.append(f"p99 ≤ {float(slo['latency_ms_p99']):g} ms")
    except (TypeError, ValueError):
        return "—"
    return ", ".join(parts) or "—"


def fmt_scalar(v: Any) -> str:
    """A value of unknown meaning (report extras): six significant digits for floats."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.6g}" if math.isfinite(v) else ("∞" if v > 0 else "—")
    return "—" if v is None else str(v)
