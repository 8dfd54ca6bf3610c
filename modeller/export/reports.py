"""HTML, Markdown and CSV reports made from one ``Report`` (never recomputed).

Markdown and HTML are built from the same formatted rows, so a number reads the
same in both (and in the terminal: see ``formatting``). CSV keeps full precision
for spreadsheets and scripts. Every string that came from a user (names, ids,
warnings) is escaped for the target format: a design can be an imported file.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from ..formatting import (
    fmt_duration,
    fmt_headroom,
    fmt_money,
    fmt_ms,
    fmt_nines,
    fmt_number,
    fmt_percent,
    fmt_scalar,
    fmt_slo,
    fmt_small,
    fmt_util,
)
from ..model import Design
from . import svgcharts

if TYPE_CHECKING:  # only a type here: `import modeller.export` stays quick for the CLI
    from ..analysis.report import Report

__all__ = ["CSV_COLUMNS", "csv_report", "markdown_report", "html_report"]

CSV_COLUMNS = (
    "id", "name", "kind", "replicas", "availability", "unavailability", "nines", "load_rps",
    "capacity_rps", "utilization", "latency_mean_ms", "latency_p99_ms", "birnbaum",
    "downtime_contribution_minutes", "availability_given_down", "cost_month",
    "own_availability", "own_unavailability",
    # (4b) issue 14: success of a request arriving here; RTO (minutes) / RPO (seconds; inf:
    # nothing protects the data) of losing one replica, a bad change, and (zones and
    # regions) the container itself; 1/0 whether every such row meets the policy (empty:
    # the policy sets nothing)
    "request_success", "hardware_rto_minutes", "hardware_rpo_seconds", "software_rto_minutes",
    "software_rpo_seconds", "domain_rto_minutes", "domain_rpo_seconds", "meets_policy",
)

_EXTRAS_NOT_SHOWN = {"engine"}  # developer diagnostics; still in `analyze --json`
_FAILURE_ORDER = {"region": 0, "zone": 1}
TOP_CONTRIBUTORS = 15


# ---------------------------------------------------------------------------
# the shared, formatted content


@dataclass
class _Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    right: set[int] = field(default_factory=set)  # right-aligned (numeric) columns
    note: str = ""


@dataclass
class _Content:
    title: str
    source: str
    generated: str
    description: str
    headline: list[tuple[str, str]]
    tables: list[_Table]
    spofs: list[str]
    warnings: list[str]
    extras: list[_Table]


def _name(report: Report, design: Design | None, node_id: str) -> str:
    n = report.nodes.get(node_id)
    if n is not None and n.name:
        return n.name
    if design is not None and node_id in design.nodes:
        return design.nodes[node_id].name
    return node_id


def _label(report: Report, design: Design | None, node_id: str) -> str:
    """"Orders DB (db)", or just the id when the name is the id."""
    name = _name(report, design, node_id)
    return node_id if name == node_id else f"{name} ({node_id})"


def when_text(generated: _dt.datetime | _dt.date | str | None) -> str:
    if generated is None:
        generated = _dt.datetime.now().astimezone()
    if isinstance(generated, _dt.datetime):
        return generated.strftime("%Y-%m-%d %H:%M")
    if isinstance(generated, _dt.date):
        return generated.isoformat()
    return str(generated)


def _headline(report: Report, design: Design | None) -> list[tuple[str, str]]:
    s = report.system
    headroom = fmt_headroom(s.headroom)
    if s.bottleneck:
        headroom += f" (bottleneck: {_label(report, design, s.bottleneck)})"
    missed = [_label(report, design, cid) for cid, c in report.clients.items() if not c.meets_slo]
    spofs = "; ".join(
        _label(report, design, x) + (f" ({report.spof_units[x]})" if x in report.spof_units else "")
        for x in report.spofs) or "none"
    return [
        ("Availability", f"{fmt_percent(s.availability, s.unavailability)} "
                         f"({fmt_nines(s.nines)} nines)"),
        ("Downtime a year", fmt_duration(s.downtime_minutes_per_year)),
        ("Headroom", headroom),
        ("Single points of failure", f"{len(report.spofs)}: {spofs}" if report.spofs else "none"),
        ("Cost a month", fmt_money(s.cost_month)),
        ("SLO", "met" if s.meets_slo else "missed by " + ", ".join(missed)),
    ]


def _clients_table(report: Report, design: Design | None) -> _Table:
    rows = []
    for cid, c in report.clients.items():
        lat = c.latency_ms
        rows.append([
            _name(report, design, cid), cid, fmt_number(c.demand_rps),
            fmt_percent(c.availability, c.unavailability), fmt_nines(c.nines),
            fmt_duration(c.downtime_minutes_per_year),
            fmt_ms(lat.mean) if lat else "—", fmt_ms(lat.p99) if lat else "—",
            fmt_slo(c.slo), "ok" if c.meets_slo else "MISSED",
        ])
    return _Table("Clients", ["client", "id", "demand rps", "availability", "nines",
                              "downtime a year", "mean ms", "p99 ms", "SLO", "status"],
                  rows, right={2, 3, 4, 5, 6, 7})


def _nodes_table(report: Report) -> _Table:
    rows = []
    for nid, n in report.nodes.items():
        lat = n.latency_ms
        rows.append([
            n.name, nid, n.kind, str(n.replicas),
            fmt_percent(n.own_availability, n.own_unavailability),
            fmt_percent(n.availability, n.unavailability),
            fmt_nines(n.nines), fmt_number(n.load_rps), fmt_number(n.capacity_rps),
            fmt_util(n.utilization), fmt_ms(lat.mean) if lat else "—",
            fmt_ms(lat.p99) if lat else "—", fmt_small(n.birnbaum),
            fmt_duration(n.downtime_contribution_minutes),
            fmt_percent(n.availability_given_down), fmt_money(n.cost_month),
        ])
    return _Table("Nodes", ["node", "id", "kind", "replicas", "own availability", "serves",
                            "nines (serves)", "load rps",
                            "capacity rps", "utilisation", "mean ms", "p99 ms", "Birnbaum",
                            "downtime contribution a year", "system availability if down",
                            "cost a month"],
                  rows, right=set(range(3, 16)),
                  note="Own availability: the part alone (enough of its own replicas up, not "
                       "failing over). Serves: with everything it depends on and the zones "
                       "around it. Downtime contribution: the downtime a year that would vanish if this "
                       "part never failed. Birnbaum: P(system up | part up) − P(system up | "
                       "part down).")


def _failures_table(report: Report, design: Design | None) -> _Table:
    failures = sorted(report.failures, key=lambda f: _FAILURE_ORDER.get(f.kind, 2))  # stable
    rows = []
    for f in failures:
        over = ", ".join(f"{_name(report, design, o)} ({fmt_util(f.utilization.get(o))})"
                         for o in f.overloaded)
        rows.append([
            _label(report, design, f.down), f.kind,
            ("yes, hot" if f.hot else "yes") if f.survives else "no",
            ", ".join(_name(report, design, c) for c in f.clients_down) or "—",
            over or "—",
            ", ".join(f"{_name(report, design, h)} ({fmt_util(f.utilization.get(h))})"
                      for h in f.hot) or "—",
            fmt_percent(f.availability_given_down, f.unavailability_given_down),
        ])
    return _Table("What if X fails", ["down", "kind", "survives?", "clients down", "overloaded",
                                      "hot", "system availability then"], rows, right={6},
                  note="One part down, everything else up; regions and zones first. It does not "
                       "survive when a client drops or a part runs above 100 %; hot: above the "
                       "target utilisation.")


def _recovery_tables(report: Report, design: Design | None) -> list[_Table]:
    """(4b) Success and error budget per client; worst RTO/RPO per disruption type against
    the policy; every disruption row (``export.resilience`` builds the cells)."""
    from .resilience import (
        CLIENT_HEADER,
        DETAIL_HEADER,
        SUMMARY_HEADER,
        client_rows,
        detail_rows,
        summary_rows,
    )

    names = {nid: _name(report, design, nid) for nid in [*report.clients, *report.nodes]}
    out: list[_Table] = []
    rows = client_rows(report, names)
    if rows:
        out.append(_Table("Success and error budget", CLIENT_HEADER, rows, right={1, 2, 4, 5},
                          note="Success ratio: availability × the share of requests that do "
                               "not error. Degraded: requests that succeed but an optional "
                               "call failed. Error budget: (1 − availability SLO) × 43,830 "
                               "minutes a month; used: the expected downtime's share of it."))
    rows = summary_rows(report, names)
    if rows:
        out.append(_Table("Recovery", SUMMARY_HEADER, rows, right={1},
                          note="RTO: minutes until every client is served again (0 when the "
                               "design survives; detect + failover when something takes over; "
                               "else detect + recover). RPO: acknowledged writes lost "
                               "(everything: no copy or backup survives)."))
        out.append(_Table("Recovery by target", DETAIL_HEADER, detail_rows(report, names)))
    return out


def _get(obj: Any, *path: str) -> Any:
    """obj[path[0]][path[1]]..., or None when any step is missing or of the wrong type."""
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _simulation_table(sim: dict[str, Any]) -> _Table | None:
    rows: list[list[str]] = []
    down = _get(sim, "downtime_minutes")
    for key, text in (("mean", "Mean annual downtime"), ("p50", "Median year (p50)"),
                      ("p95", "1 year in 20 is worse than (p95)"),
                      ("p99", "1 year in 100 is worse than (p99)"), ("max", "Worst simulated year")):
        v = _num(_get(down, key))
        if v is not None:
            rows.append([text, fmt_duration(v)])
    a, u = _num(sim.get("availability")), _num(sim.get("unavailability"))
    if a is not None:
        rows.append(["Simulated availability", fmt_percent(a, u)])
    ci = sim.get("ci95")
    if isinstance(ci, (list, tuple)) and len(ci) == 2 and all(_num(x) is not None for x in ci):
        rows.append(["95 % confidence interval",
                     f"{fmt_percent(float(ci[0]))} – {fmt_percent(min(float(ci[1]), 1.0))}"])
    outages = _num(sim.get("outages_per_year"))
    if outages is not None:
        rows.append(["Outages a year (mean)", f"{outages:.1f}"])
    p_miss = _num(sim.get("p_miss_slo"))
    if p_miss is not None:
        slo = _num(sim.get("slo"))
        what = f" {fmt_slo({'availability': slo})} SLO" if slo is not None else " SLO"
        rows.append([f"P(a year misses the{what})", f"{100.0 * p_miss:.1f} %"])
    years = _num(sim.get("years"))
    if years is not None:
        seed = sim.get("seed")
        rows.append(["Simulated years", f"{years:,.0f}" + (f" (seed {seed})" if seed is not None
                                                            else "")])
    if not rows:
        return None
    return _Table("Simulation", ["", "value"], rows, right={1},
                  note="Time view: failures and repairs simulated year by year.")


def _short_headroom(h: float | None) -> str:
    if h is None or math.isnan(h):
        return "—"
    return "∞" if math.isinf(h) else f"{h:.2f}×"


def _sweep_tables(sweeps: dict[str, Any], report: Report,
                  design: Design | None) -> list[_Table]:
    """The engine's what-ifs: demand 0..2x nominal, and replicas for the top contributors."""
    out = []
    demand = sweeps.get("demand")
    rows: list[list[str]] = []
    if isinstance(demand, list):
        for point in demand:
            factor, a = _num(_get(point, "factor")), _num(_get(point, "availability"))
            if factor is None or a is None:
                continue
            p99s = [_num(_get(lat, "p99")) for lat in (_get(point, "latency_ms") or {}).values()] \
                if isinstance(_get(point, "latency_ms"), dict) else []
            p99s = [x for x in p99s if x is not None]
            bottleneck = _get(point, "bottleneck")
            rows.append([
                f"{factor:g}×", fmt_percent(a, _num(_get(point, "unavailability"))),
                fmt_nines(_num(_get(point, "nines"))),
                fmt_util(_num(_get(point, "max_utilization"))),
                _short_headroom(_num(_get(point, "headroom"))),
                _name(report, design, bottleneck) if isinstance(bottleneck, str) else "—",
                fmt_ms(max(p99s)) if p99s else "—",
            ])
    if rows:
        out.append(_Table("What if demand changes", [
            "demand", "availability", "nines", "highest utilisation", "headroom", "bottleneck",
            "worst client p99 ms"], rows, right={0, 1, 2, 3, 4, 6},
            note="Nominal demand of every client scaled by the factor; capacity-aware."))
    replicas = sweeps.get("replicas")
    rows = []
    if isinstance(replicas, dict):
        for nid, points in replicas.items():
            if not isinstance(points, list):
                continue
            for point in points:
                n, a = _num(_get(point, "replicas")), _num(_get(point, "availability"))
                if n is None or a is None:
                    continue
                rows.append([
                    _name(report, design, str(nid)), f"{n:g}",
                    fmt_percent(a, _num(_get(point, "unavailability"))),
                    fmt_nines(_num(_get(point, "nines"))),
                    fmt_duration(_num(_get(point, "downtime_minutes_per_year"))),
                    fmt_money(_num(_get(point, "cost_month"))),
                ])
    if rows:
        out.append(_Table("What if we add replicas", [
            "node", "replicas", "system availability", "nines", "downtime a year",
            "cost a month"], rows, right={1, 2, 3, 4, 5},
            note="For the biggest downtime contributors: the whole system with that node at "
                 "each replica count."))
    return out


def _extra_table(key: str, value: Any) -> _Table | None:
    """Later analysis stages add report.extras; show what is simple, skip the rest."""
    title = key.replace("_", " ").capitalize()
    rows: list[list[str]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if v is None or isinstance(v, (str, int, float, bool)):
                rows.append([str(k), fmt_scalar(v)])
            elif isinstance(v, dict) and v and all(
                    x is None or isinstance(x, (str, int, float, bool)) for x in v.values()):
                rows.append([str(k), ", ".join(f"{a}={fmt_scalar(b)}" for a, b in v.items())])
    elif value is None or isinstance(value, (str, int, float, bool)):
        rows.append([title, fmt_scalar(value)])
    return _Table(title, ["", "value"], rows) if rows else None


def _extras(report: Report, design: Design | None) -> list[_Table]:
    out: list[_Table] = []
    for key, value in (report.extras or {}).items():
        if key in _EXTRAS_NOT_SHOWN:
            continue
        try:
            tables: list[_Table] = []
            if key == "simulation" and isinstance(value, dict):
                tables = [t for t in [_simulation_table(value)] if t is not None]
            elif key == "sweeps" and isinstance(value, dict):
                tables = _sweep_tables(value, report, design)
            if not tables:
                tables = [t for t in [_extra_table(key, value)] if t is not None]
        except Exception:  # an add-on must never break the main report
            tables = []
        out += tables
    return out


def _content(report: Report, design: Design | None, source: str,
             generated: _dt.datetime | _dt.date | str | None) -> _Content:
    title = design.name if design is not None else "Modeller report"
    description = ""
    if design is not None and isinstance(design.extra.get("description"), str):
        description = design.extra["description"]
    tables = []
    if report.clients:
        tables.append(_clients_table(report, design))
    if report.nodes:
        tables.append(_nodes_table(report))
    if report.failures:
        tables.append(_failures_table(report, design))
    tables += _recovery_tables(report, design)  # (4b) issue 14
    return _Content(
        title=title, source=source, generated=when_text(generated), description=description,
        headline=_headline(report, design), tables=tables,
        spofs=[_label(report, design, x) for x in report.spofs],
        warnings=[str(w) for w in report.warnings], extras=_extras(report, design))


# ---------------------------------------------------------------------------
# Markdown

# intraword "_" renders literally in GitHub Markdown, so ids like load_balancer stay readable
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*[]<>|"})


def md_escape(text: str) -> str:
    """A user string made inert in Markdown (and safe in a table cell)."""
    return " ".join(str(text).split()).translate(_MD_SPECIAL)


def _md_table(t: _Table) -> list[str]:
    out = ["| " + " | ".join(md_escape(h) or " " for h in t.header) + " |",
           "|" + "|".join("---:" if i in t.right else "---" for i in range(len(t.header))) + "|"]
    for row in t.rows:
        out.append("| " + " | ".join(md_escape(c) for c in row) + " |")
    return out


def markdown_report(report: Report, design: Design | None = None, *, source: str = "",
                    generated: _dt.datetime | _dt.date | str | None = None) -> str:
    """The report as Markdown (GitHub flavour tables), for wikis, issues and pull requests."""
    c = _content(report, design, source, generated)
    out = [f"# {md_escape(c.title)}", ""]
    meta = []
    if c.source:
        meta.append(f"File: {md_escape(c.source)}")
    meta.append(f"Generated: {md_escape(c.generated)}")
    out += ["  \n".join(meta), ""]
    if c.description:
        out += [md_escape(c.description), ""]
    out += ["## System", ""]
    out += [f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in c.headline]
    for t in c.tables:
        out += ["", f"## {md_escape(t.title)}", ""]
        if t.note:
            out += [md_escape(t.note), ""]
        out += _md_table(t)
    out += ["", "## Warnings", ""]
    out += [f"- {md_escape(w)}" for w in c.warnings] or ["None."]
    for t in c.extras:
        out += ["", f"## {md_escape(t.title)}", ""]
        if t.note:
            out += [md_escape(t.note), ""]
        out += _md_table(t)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: quote them inert."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_number(v: float | int | None) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    return repr(float(v))  # shortest text that parses back to the same float ("inf" too)


def csv_report(report: Report) -> str:
    """One row per analysed node (containers included) at full float precision."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for nid, n in report.nodes.items():
        lat = n.latency_ms
        w.writerow([
            _csv_text(nid), _csv_text(n.name), n.kind, _csv_number(n.replicas),
            _csv_number(n.availability), _csv_number(n.unavailability), _csv_number(n.nines),
            _csv_number(n.load_rps), _csv_number(n.capacity_rps), _csv_number(n.utilization),
            _csv_number(lat.mean if lat else None), _csv_number(lat.p99 if lat else None),
            _csv_number(n.birnbaum), _csv_number(n.downtime_contribution_minutes),
            _csv_number(n.availability_given_down), _csv_number(n.cost_month),
            _csv_number(n.own_availability), _csv_number(n.own_unavailability),
            *_csv_recovery(report, nid, n),
        ])
    return buf.getvalue()


def _csv_recovery(report: Report, nid: str, n: Any) -> list[str]:
    """(4b) The columns CSV_COLUMNS appends for issue 14 (empty where they do not apply)."""
    rows = {r.disruption: r for r in getattr(report, "resilience", []) if r.target == nid}
    cells = [_csv_number(None if n.kind in ("region", "zone") else n.request_success)]

    def pair(kind: str | None) -> list[str]:
        r = rows.get(kind) if kind else None
        if r is None:
            return ["", ""]
        rpo = math.inf if r.rpo_seconds is None else r.rpo_seconds
        return [_csv_number(r.rto_minutes), _csv_number(rpo)]

    domain = n.kind if n.kind in ("region", "zone") else None
    cells += pair("hardware") + pair("software") + pair(domain)
    met = [r.meets_policy for r in rows.values() if r.meets_policy is not None]
    cells.append(_csv_number(all(met)) if met else "")
    return cells


# ---------------------------------------------------------------------------
# HTML

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #0f172a;
       margin: 2rem auto; max-width: 1200px; padding: 0 1rem; line-height: 1.45; }
h1 { margin-bottom: .2rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #e2e8f0; padding-bottom: .2rem; }
.meta, .note { color: #475569; font-size: .9rem; }
.headline { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem;
            background: #f8fafc; border: 1px solid #e2e8f0; border-radius: 8px; padding: 1rem; }
.headline dt { font-weight: 600; }
.headline dd { margin: 0; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .9rem; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e2e8f0; padding: .3rem .6rem; text-align: left;
         vertical-align: top; }
th { background: #f1f5f9; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.bad td { background: #fef2f2; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
svg.chart { max-width: 100%; height: auto; }
@media print { body { margin: 0; } .scroll { overflow: visible; } }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _html_table(t: _Table, bad_rows: Sequence[int] = ()) -> list[str]:
    out = ['<div class="scroll"><table>', "<thead><tr>"]
    num = ' class="num"'
    out += [f'<th{num if i in t.right else ""} scope="col">{escape(h)}</th>'
            for i, h in enumerate(t.header)]
    out.append("</tr></thead><tbody>")
    for r, row in enumerate(t.rows):
        cls = ' class="bad"' if r in bad_rows else ""
        cells = "".join(f'<td{num if i in t.right else ""}>{escape(c)}</td>'
                        for i, c in enumerate(row))
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table></div>")
    return out


def _charts(report: Report) -> list[str]:
    charts = []
    contributions = [(n.name, n.downtime_contribution_minutes) for n in report.nodes.values()]
    largest = max((v for _, v in contributions), default=0.0)
    # below 1e-9 of the largest is rounding noise of P(sys | X up) - P(sys), not a contribution
    ranked = sorted(((name, v) for name, v in contributions if v > 1e-9 * largest and v > 0.0),
                    key=lambda x: -x[1])
    charts.append(svgcharts.bar_chart(
        ranked[:TOP_CONTRIBUTORS], title="Downtime contribution a year (top 15)",
        value_text=fmt_duration, empty_text="no part contributes downtime"))
    utils = [(n.name, n.utilization) for n in report.nodes.values() if n.utilization is not None]
    charts.append(svgcharts.bar_chart(
        utils, title="Utilisation at nominal demand", value_text=fmt_util, reference=1.0,
        reference_text="100 %", empty_text="no capacities given"))
    sim = report.extras.get("simulation") if report.extras else None
    edges, counts = _get(sim, "histogram", "edges"), _get(sim, "histogram", "counts")
    if isinstance(edges, list) and isinstance(counts, list) and len(edges) == len(counts) + 1 \
            and counts and all(_num(x) is not None for x in [*edges, *counts]):
        markers = []
        mean = _num(_get(sim, "downtime_minutes", "mean"))
        if mean is not None:
            markers.append((mean, f"mean {fmt_duration(mean)}"))
        allowed = _num(_get(sim, "allowed_minutes"))
        if allowed is not None:
            markers.append((allowed, f"SLO allows {fmt_duration(allowed)}"))
        charts.append(svgcharts.histogram(
            edges, counts, title="Simulated annual downtime", x_text="minutes of downtime in a year",
            y_text="years", markers=markers))
    return charts


def html_report(report: Report, design: Design | None = None, *, source: str = "",
                generated: _dt.datetime | _dt.date | str | None = None) -> str:
    """One self-contained HTML file: inline CSS and SVG, no scripts, no external links."""
    c = _content(report, design, source, generated)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Modeller">',
        f"<title>{escape(c.title)} — availability report</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(c.title)}</h1>",
    ]
    meta = ([f"File: {escape(c.source)}"] if c.source else []) + [
        f"Generated: {escape(c.generated)}"]
    out.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if c.description:
        out.append(f"<p>{escape(c.description)}</p>")
    out.append("<h2>System</h2>")
    out.append('<dl class="headline">')
    out += [f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in c.headline]
    out.append("</dl>")
    out.append("<h2>Charts</h2>")
    out.append('<div class="charts">')
    out += _charts(report)
    out.append("</div>")
    for t in c.tables:
        out.append(f"<h2>{escape(t.title)}</h2>")
        if t.note:
            out.append(f'<p class="note">{escape(t.note)}</p>')
        bad: list[int] = []
        if t.title == "What if X fails":
            bad = [i for i, r in enumerate(t.rows) if r[2] == "no"]
        elif t.title == "Clients":
            bad = [i for i, r in enumerate(t.rows) if r[-1] == "MISSED"]
        elif t.title in ("Recovery", "Recovery by target"):  # (4b) policy missed
            met = t.header.index("met" if t.title == "Recovery" else "policy met")
            bad = [i for i, r in enumerate(t.rows) if r[met] == "NO"]
        out += _html_table(t, bad)
    out.append("<h2>Warnings</h2>")
    if c.warnings:
        out.append("<ul>" + "".join(f"<li>{escape(w)}</li>" for w in c.warnings) + "</ul>")
    else:
        out.append("<p>None.</p>")
    for t in c.extras:
        out.append(f"<h2>{escape(t.title)}</h2>")
        if t.note:
            out.append(f'<p class="note">{escape(t.note)}</p>')
        out += _html_table(t)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"

