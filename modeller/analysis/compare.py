"""Options side by side: the base and its variants (or two files), one column each.

Every option is analysed on its own with :func:`modeller.analysis.analyze` (exact pass
only: ``simulation_years=0, sweeps=False``), so a column holds exactly the numbers of
that option saved as a file and analysed alone. Nothing is recomputed here: each row
reads one figure off each option's report:

- availability and nines (system), downtime minutes a year;
- success ratio: the worst client's ``success_ratio`` when the report has one;
- RTO / RPO: the worst over ``resilience_summary`` when the report has one;
- cost a month, headroom (demand multiplier the design survives), p99: the worst
  client p99 (ms; infinite when a station saturates);
- single points of failure (count), zones: every single-zone-loss scenario survives
  (``failures[kind == "zone"].survives``).

Each row says which way is better; the best value (ties included, within 1e-12
relative) is marked when the options differ, and every option's delta against the
first (the base, or file A) is given: value − base value. Qt-free.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Design
from .report import Report

REL_TIE = 1e-12


@dataclass(frozen=True)
class Row:
    """How one compared figure is read off a report and which way is better."""

    key: str
    label: str
    better: str  # "high", "low" or "" (not ranked)
    unit: str = ""


ROWS: tuple[Row, ...] = (
    Row("availability", "Availability", "high"),
    Row("nines", "Nines", "high"),
    Row("downtime_minutes_per_year", "Downtime a year", "low", "min"),
    Row("success_ratio", "Success ratio (worst client)", "high"),
    Row("rto_minutes", "RTO (worst disruption)", "low", "min"),
    Row("rpo_seconds", "RPO (worst disruption)", "low", "s"),
    Row("cost_month", "Cost a month", "low"),
    Row("headroom", "Headroom", "high", "×"),
    Row("p99_ms", "p99 latency (worst client)", "low", "ms"),
    Row("spofs", "Single points of failure", "low"),
    Row("zone_survival", "Survives losing any one zone", "high"),
    Row("meets_slo", "Every SLO met", "high"),
)
ROW_BY_KEY = {r.key: r for r in ROWS}


@dataclass
class Option:
    """One compared design: its name, where it came from, the design and its report."""

    name: str
    source: str  # "base", "variant" or a file path
    design: Design
    report: Report
    values: dict[str, Any] = field(default_factory=dict)  # row key -> figure (None: not known)
    unavailability: float = 0.0  # the report's, for exact availability deltas
    zones_lost: list[str] = field(default_factory=list)  # zones whose loss is not survived


@dataclass
class Comparison:
    """Options (the first is the reference) and, per row, values, deltas and the best."""

    title: str
    options: list[Option]
    rows: list[Row]
    deltas: dict[str, list[float | None]]  # row key -> per option, value − first's
    best: dict[str, list[int]]  # row key -> indices of the best options ([] when all equal)

    def value(self, key: str, index: int) -> Any:
        return self.options[index].values.get(key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: infinities become null (as in the report)."""
        return _json({
            "title": self.title,
            "reference": self.options[0].name if self.options else None,
            "rows": [{"key": r.key, "label": r.label, "better": r.better or None,
                      "unit": r.unit or None,
                      "best": [self.options[i].name for i in self.best[r.key]]} for r in self.rows],
            "options": [{
                "name": o.name,
                "source": o.source,
                "values": {r.key: o.values.get(r.key) for r in self.rows},
                "deltas": {r.key: self.deltas[r.key][i] for r in self.rows},
                "unavailability": o.unavailability,
                "zones_not_survived": list(o.zones_lost),
                "spofs": list(o.report.spofs),
            } for i, o in enumerate(self.options)],
        })


def _json(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


# ----------------------------------------------------------------- reading a report

def _client_success(report: Report) -> float | None:
    """The worst client's success ratio (``clients.<id>.success_ratio``), when reported."""
    ratios = [getattr(c, "success_ratio", None) for c in report.clients.values()
              if getattr(c, "connected", True)]
    ratios = [float(r) for r in ratios if isinstance(r, (int, float)) and not isinstance(r, bool)]
    return min(ratios) if ratios else None


def _summary_entries(report: Report) -> list[dict[str, Any]]:
    """``resilience_summary`` (worst RTO / RPO per disruption type) as a list of dicts,
    wherever and however the report keeps it (objects with ``to_dict``, dicts, a list)."""
    summary = getattr(report, "resilience_summary", None)
    if not summary:
        summary = (getattr(report, "extras", None) or {}).get("resilience_summary")
    if not summary:
        return []

    def as_dict(v: Any) -> dict[str, Any]:
        if isinstance(v, dict):
            return v
        to_dict = getattr(v, "to_dict", None)
        return to_dict() if callable(to_dict) else dict(getattr(v, "__dict__", {}))

    if isinstance(summary, dict):
        return [as_dict(v) for v in summary.values()]
    if isinstance(summary, (list, tuple)):
        return [as_dict(v) for v in summary]
    return []


def _worst_rto(entries: list[dict[str, Any]]) -> float | None:
    """The largest RTO (minutes) over disruption types; None when none is given."""
    values = []
    for e in entries:
        v = e.get("worst_rto_minutes", e.get("rto_minutes"))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            values.append(float(v))
    return max(values) if values else None


def _worst_rpo(entries: list[dict[str, Any]]) -> float | None:
    """The largest RPO (seconds) over disruption types: "everything" (``rpo_everything``,
    or a plain ``rpo_seconds`` of null) is infinite; None when no type gives one."""
    values = []
    for e in entries:
        if e.get("rpo_everything"):
            values.append(math.inf)
        elif "worst_rpo_seconds" in e:
            v = e["worst_rpo_seconds"]
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                values.append(float(v))
        elif "rpo_seconds" in e:
            v = e["rpo_seconds"]
            values.append(math.inf if v is None else float(v))
    return max(values) if values else None


def _p99(report: Report) -> float | None:
    lats = [c.latency_ms.p99 for c in report.clients.values()
            if c.latency_ms is not None and c.connected]
    return max(lats) if lats else None


def read_values(report: Report) -> tuple[dict[str, Any], list[str]]:
    """Every row's figure for one report, and the zones whose loss it does not survive."""
    s = report.system
    entries = _summary_entries(report)
    zones = [f for f in report.failures if f.kind == "zone"]
    lost = [f.down for f in zones if not f.survives]
    values: dict[str, Any] = {
        "availability": s.availability,
        "nines": s.nines,
        "downtime_minutes_per_year": s.downtime_minutes_per_year,
        "success_ratio": _client_success(report),
        "rto_minutes": _worst_rto(entries),
        "rpo_seconds": _worst_rpo(entries),
        "cost_month": s.cost_month,
        "headroom": s.headroom,
        "p99_ms": _p99(report),
        "spofs": len(report.spofs),
        "zone_survival": (not lost) if zones else None,
        "meets_slo": s.meets_slo,
    }
    return values, lost


# ----------------------------------------------------------------- comparing

def _same(a: float, b: float) -> bool:
    if a == b:
        return True
    if math.isinf(a) or math.isinf(b):
        return False
    return abs(a - b) <= REL_TIE * max(abs(a), abs(b))


def _rank(row: Row, values: Sequence[Any]) -> list[int]:
    """Indices of the best values; [] when unranked, fewer than two known, or all equal."""
    if not row.better:
        return []
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return []
    pick = max if row.better == "high" else min
    top = pick(v for _, v in known)
    best = [i for i, v in known if _same(v, top)]
    return [] if len(best) == len(known) else best


def _delta(row: Row, value: Any, ref: Any, opt: Option, base: Option) -> float | None:
    if value is None or ref is None or isinstance(value, bool) or isinstance(ref, bool):
        return None
    if row.key == "availability":  # from the unavailabilities: keeps the small digits
        return base.unavailability - opt.unavailability
    v, r = float(value), float(ref)
    if math.isinf(v) or math.isinf(r):
        return 0.0 if v == r else (math.inf if v > r else -math.inf)
    return v - r


def analyse_option(design: Design) -> Report:
    """The exact pass the comparison uses (no simulation, no sweeps): the same call a
    test makes on the option saved as its own file."""
    from .engine import analyze

    return analyze(design, simulation_years=0, sweeps=False)


def compare(named: Sequence[tuple[str, str, Design]], *, title: str = "",
            analyse: Callable[[Design], Report] = analyse_option,
            reports: Sequence[Report | None] | None = None) -> Comparison:
    """Compare ``(name, source, design)`` options; the first is the reference.

    ``reports`` may hand in reports already computed (the GUI's) for some options; the
    others are analysed with ``analyse``. Rows that no option has a figure for (RTO/RPO
    before the resilience analysis exists) are left out.
    """
    options: list[Option] = []
    for i, (name, source, design) in enumerate(named):
        report = reports[i] if reports is not None and i < len(reports) else None
        if report is None:
            report = analyse(design)
        values, lost = read_values(report)
        options.append(Option(name, source, design, report, values,
                              report.system.unavailability, lost))
    rows = [r for r in ROWS if any(o.values.get(r.key) is not None for o in options)]
    deltas: dict[str, list[float | None]] = {}
    best: dict[str, list[int]] = {}
    for row in rows:
        vals = [o.values.get(row.key) for o in options]
        best[row.key] = _rank(row, vals)
        ref = vals[0] if vals else None
        deltas[row.key] = [_delta(row, v, ref, o, options[0]) for v, o in zip(vals, options, strict=True)]
    return Comparison(title, options, rows, deltas, best)


def compare_variants(design: Design, *, analyse: Callable[[Design], Report] = analyse_option,
                     base_name: str = "Base") -> Comparison:
    """The base and every variant of ``design`` (DesignError naming a refused variant)."""
    from ..model.variants import materialise

    base = design.copy()
    base.variants = []
    named: list[tuple[str, str, Design]] = [(base_name, "base", base)]
    for i, v in enumerate(design.variants):
        named.append((v.name, "variant", materialise(design, v, strict=False, index=i)))
    return compare(named, title=design.name, analyse=analyse)


def compare_files(paths: Sequence[str], *, analyse: Callable[[Design], Report] = analyse_option,
                  names: Sequence[str] | None = None) -> Comparison:
    """Two (or more) design files side by side, each analysed as it is (its base)."""
    from pathlib import Path

    from ..model import load_design

    named: list[tuple[str, str, Design]] = []
    for i, p in enumerate(paths):
        d = load_design(p)
        d.variants = []
        name = names[i] if names is not None else (d.name or Path(p).name)
        named.append((name, str(p), d))
    seen: dict[str, int] = {}
    for i, (name, src, d) in enumerate(named):  # two files with one name: add the file name
        if name in seen:
            named[i] = (f"{name} ({Path(src).name})", src, d)
            j = seen[name]
            named[j] = (f"{name} ({Path(named[j][1]).name})", named[j][1], named[j][2])
        seen[name] = i
    title = " vs ".join(n for n, _, _ in named)
    return compare(named, title=title, analyse=analyse)


__all__ = ["ROWS", "ROW_BY_KEY", "Row", "Option", "Comparison", "read_values", "compare",
           "compare_variants", "compare_files", "analyse_option"]
