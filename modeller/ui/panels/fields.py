"""Parsing what people type into the properties panel, and formatting numbers to show.

Pure Python (no Qt) so the rules are easy to test: every parser either returns the
values to apply or raises ``ValueError`` with a message meant for the person typing.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ... import formatting as F

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_PERCENT = re.compile(rf"^\s*({_NUM})\s*%\s*$")
_PLAIN = re.compile(rf"^\s*({_NUM})\s*$")
_NINES = re.compile(rf"^\s*({_NUM})\s*(?:nines|9s)\s*$", re.IGNORECASE)
_RATIO = re.compile(
    rf"^\s*(?:mtbf\s*)?({_NUM})\s*(?:h|hours?)?\s*/\s*(?:mttr\s*)?({_NUM})\s*(?:h|hours?)?\s*$",
    re.IGNORECASE,
)

AVAILABILITY_HINT = "e.g. 99.95 %, 0.9995, 3.5 nines or MTBF/MTTR hours like 720/1"
# A bare number (no "%") is read by its size (docs/semantics.md, "Typing an availability"):
# up to 1 a fraction, 50 to 100 a percentage, and in between ambiguous, so refused.
AMBIGUOUS_LOW, AMBIGUOUS_HIGH = 1.0, 50.0


def parse_fraction(text: str, what: str = "availability") -> float:
    """A probability in (0, 1] from "99.95 %", "99.95", "0.9995" or "3 nines".

    A bare number from 0 to 1 is a fraction (0.995 → 99.5 %), from 50 to 100 a percentage
    (99.5 → 99.5 %); one above 1 and below 50 could be either ("1.5": 1.5 % or a typo for
    0.015?) and is refused with a hint to add the unit."""
    if not text.strip():
        raise ValueError(f"enter an {what} ({AVAILABILITY_HINT})")
    m = _PERCENT.match(text)
    if m:
        value = float(m.group(1)) / 100.0
    elif _NINES.match(text):
        n = float(_NINES.match(text).group(1))  # type: ignore[union-attr]
        if not 0 < n <= 15:
            raise ValueError("nines must be between 0 and 15")
        value = 1.0 - 10.0 ** (-n)
    elif _PLAIN.match(text):
        typed = _PLAIN.match(text).group(1)  # type: ignore[union-attr]
        value = float(typed)
        if AMBIGUOUS_LOW < value < AMBIGUOUS_HIGH:
            raise ValueError(f"“{typed}” is ambiguous: type {typed} % or {value / 100:.10g} "
                             "(a bare number between 1 and 50 could be either)")
        if AMBIGUOUS_HIGH <= value <= 100.0:  # "99.95" can only mean a percentage
            value /= 100.0
    elif re.match(r"^\s*\d+,\d+\s*%?\s*$", text):  # "99,5": a decimal comma, not MTBF,MTTR
        raise ValueError(f"“{text.strip()}”: use a decimal point ({text.strip().replace(',', '.')})")
    else:
        raise ValueError(f"“{text.strip()}” is not an {what} ({AVAILABILITY_HINT})")
    if not math.isfinite(value) or not 0.0 < value <= 1.0:
        raise ValueError(f"{what} must be above 0 % and at most 100 %")
    return value


def parse_availability(text: str) -> dict[str, Any]:
    """Node fields from an availability entry: a probability, or MTBF/MTTR in hours."""
    m = _RATIO.match(text)
    if m:
        mtbf, mttr = float(m.group(1)), float(m.group(2))
        if not (math.isfinite(mtbf) and mtbf > 0):
            raise ValueError("MTBF must be a positive number of hours")
        if not (math.isfinite(mttr) and mttr >= 0):
            raise ValueError("MTTR must be zero or a positive number of hours")
        return {"availability": 1.0, "mtbf_hours": mtbf, "mttr_hours": mttr}
    return {"availability": parse_fraction(text), "mtbf_hours": None, "mttr_hours": None}


def parse_number(text: str, *, low: float = 0.0, low_open: bool = False, blank: Any = ...,
                 what: str = "value", high: float | None = None) -> Any:
    """A finite number at least ``low`` (or above it) and at most ``high``; ``blank`` is
    returned for empty text."""
    t = text.strip().replace(",", "")
    if not t:
        if blank is ...:
            raise ValueError(f"enter a {what}")
        return blank
    if t.endswith("%"):
        raise ValueError(f"{what} is a plain number, not a percentage")
    try:
        value = float(t)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number")
    if value < low or (low_open and value == low):
        bound = f"greater than {low:g}" if low_open else f"at least {low:g}"
        raise ValueError(f"{what} must be {bound}")
    if high is not None and value > high:
        raise ValueError(f"{what} must be at most {high:g}")
    return value


def parse_int(text: str, *, low: int = 1, allow_auto: bool = False, what: str = "value",
              high: int = 1_000_000) -> int | str:
    """A whole number at least ``low``; "auto" (or blank) when allowed."""
    t = text.strip().lower()
    if allow_auto and t in ("", "auto"):
        return "auto"
    try:
        value = float(t)
    except ValueError:
        extra = ' or "auto"' if allow_auto else ""
        raise ValueError(f"{what} must be a whole number{extra}") from None
    if not value.is_integer():
        raise ValueError(f"{what} must be a whole number")
    if value < low:
        raise ValueError(f"{what} must be at least {low}")
    if value > high:
        raise ValueError(f"{what} must be at most {high}")
    return int(value)


def parse_zone_list(text: str, zones: set[str]) -> list[str]:
    """Zone ids separated by commas or spaces; each must exist."""
    ids = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    unknown = [z for z in ids if z not in zones]
    if unknown:
        raise ValueError(f"no zone or region called {', '.join(unknown)}")
    return ids


# -- formatting -------------------------------------------------------------------
def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 node", "2 nodes", "0 nodes" (``many`` for irregular plurals: "replica"/"replicas")."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def fmt_number(value: float | None, blank: str = "") -> str:
    """A number as people write it: 1200, 0.5, 12.25 (no float noise)."""
    if value is None:
        return blank
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.6g}"


def fmt_percent(availability: float, unavailability: float | None = None) -> str:
    """Availability as a percentage: the one rule of :mod:`modeller.formatting`."""
    return F.fmt_percent(availability, unavailability)


def fmt_nines(nines: float) -> str:
    return f"{F.fmt_nines(nines)} nines"


def fmt_downtime(minutes: float) -> str:
    """Downtime a year as the largest sensible units: "4 h 7 min", "26 s"."""
    return F.fmt_duration(minutes)


def fmt_utilization(u: float | None) -> str:
    return "" if u is None else F.fmt_util(u)


def fmt_headroom(h: float | None) -> str:
    """Short form for badges and the banner (they colour an overload instead of saying it)."""
    return F.fmt_headroom(h).split(" — ")[0]
