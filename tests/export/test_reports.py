"""HTML, Markdown and CSV reports: the same numbers as `modeller analyze --json`."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import pytest

from modeller import cli
from modeller.analysis import analyze
from modeller.export import CSV_COLUMNS, csv_report, html_report, markdown_report
from modeller.formatting import (
    fmt_duration,
    fmt_headroom,
    fmt_money,
    fmt_ms,
    fmt_nines,
    fmt_number,
    fmt_percent,
    fmt_small,
    fmt_util,
)
from modeller.model import Design, Link, Node, load_design

from .helpers import html_tables

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
SMALL = ["multi-az.arch.json", "three-tier.arch.json", "two-regions.arch.json"]


def _json_report(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    """What `modeller analyze FILE --json` prints (the CLI, not our own Report object)."""
    code = cli.main(["analyze", str(path), "--json"])
    assert code in (0, 1)
    return json.loads(capsys.readouterr().out)


def _table(tables: list[list[list[str]]], first_header: str) -> list[list[str]]:
    return next(t for t in tables if t and t[0] and t[0][0] == first_header)


@pytest.mark.parametrize("name", SMALL)
def test_html_shows_the_cli_json_numbers(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / name
    data = _json_report(path, capsys)
    design = load_design(path)
    text = html_report(analyze(design), design, source=name, generated="2024-05-01")
    tables = html_tables(text)

    s = data["system"]
    headline = re.search(r'<dl class="headline">(.*?)</dl>', text, re.S).group(1)
    assert f"{fmt_percent(s['availability'], s['unavailability'])} ({fmt_nines(s['nines'])} nines)" \
        in headline
    assert f"<dd>{fmt_duration(s['downtime_minutes_per_year'])}</dd>" in headline
    assert fmt_headroom(s["headroom"] if s["headroom"] is not None else math.inf) in headline
    assert f"<dd>{fmt_money(s['cost_month'])}</dd>" in headline
    if s["bottleneck"]:
        assert f"({s['bottleneck']})" in headline

    rows = {r[1]: r for r in _table(tables, "node")[1:]}
    assert set(rows) == set(data["nodes"])
    for nid, n in data["nodes"].items():
        lat = n["latency_ms"]
        assert rows[nid] == [
            n["name"], nid, n["kind"], str(n["replicas"]),
            fmt_percent(n["own_availability"], n["own_unavailability"]),
            fmt_percent(n["availability"], n["unavailability"]), fmt_nines(n["nines"]),
            fmt_number(n["load_rps"]), fmt_number(n["capacity_rps"]), fmt_util(n["utilization"]),
            fmt_ms(lat["mean"]) if lat else "—", fmt_ms(lat["p99"]) if lat else "—",
            fmt_small(n["birnbaum"]), fmt_duration(n["downtime_contribution_minutes"]),
            fmt_percent(n["availability_given_down"]), fmt_money(n["cost_month"]),
        ], nid

    clients = {r[1]: r for r in _table(tables, "client")[1:]}
    assert set(clients) == set(data["clients"])
    for cid, c in data["clients"].items():
        row = clients[cid]
        assert row[3] == fmt_percent(c["availability"], c["unavailability"])
        assert row[4] == fmt_nines(c["nines"])
        assert row[5] == fmt_duration(c["downtime_minutes_per_year"])
        assert row[9] == ("ok" if c["meets_slo"] else "MISSED")

    failures = _table(tables, "down")[1:]
    assert len(failures) == len(data["failures"])
    kinds = [r[1] for r in failures]
    domains = [k for k in kinds if k in ("region", "zone")]
    assert kinds[: len(domains)] == domains, "regions and zones come first"
    by_down = {r[0].rsplit(" (", 1)[-1].rstrip(")") if r[0].endswith(")") else r[0]: r
               for r in failures}
    for f in data["failures"]:
        row = by_down[f["down"]]
        assert row[2] == (("yes, hot" if f["hot"] else "yes") if f["survives"] else "no")
        assert (row[5] == "—") == (not f["hot"])
        assert row[6] == fmt_percent(f["availability_given_down"], f["unavailability_given_down"])


@pytest.mark.parametrize("name", SMALL)
def test_csv_has_one_row_per_node_at_full_precision(name: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / name
    data = _json_report(path, capsys)
    report = analyze(load_design(path))
    rows = list(csv.DictReader(io.StringIO(csv_report(report))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [r["id"] for r in rows] == list(data["nodes"])
    for r in rows:
        n = data["nodes"][r["id"]]
        obj = report.nodes[r["id"]]
        assert (r["name"], r["kind"], int(r["replicas"])) == (n["name"], n["kind"], n["replicas"])
        for col in ("availability", "unavailability", "nines", "load_rps", "capacity_rps",
                    "utilization", "birnbaum", "downtime_contribution_minutes",
                    "availability_given_down", "cost_month"):
            expected = getattr(obj, col)
            if expected is None:
                assert r[col] == "" and n[col] is None
            else:
                assert float(r[col]) == expected, (r["id"], col)  # exact, not approximate
                if math.isfinite(expected):
                    assert float(r[col]) == n[col]
        for col, key in (("latency_mean_ms", "mean"), ("latency_p99_ms", "p99")):
            lat = obj.latency_ms
            assert r[col] == ("" if lat is None else repr(getattr(lat, key)))


@pytest.mark.parametrize("name", SMALL)
def test_markdown_has_every_name_and_the_headline(name: str) -> None:
    path = EXAMPLES / name
    design = load_design(path)
    report = analyze(design)
    md = markdown_report(report, design, source=name, generated="2024-05-01 10:00")
    assert md.startswith(f"# {design.name}\n")
    assert f"File: {name}" in md and "Generated: 2024-05-01 10:00" in md
    for node in design.nodes.values():
        assert f"| {node.name} |" in md, node.name
    s = report.system
    assert f"**Availability:** {fmt_percent(s.availability, s.unavailability)} " \
           f"({fmt_nines(s.nines)} nines)" in md
    assert f"**Downtime a year:** {fmt_duration(s.downtime_minutes_per_year)}" in md
    for spof in report.spofs:
        assert spof in md.split("**Single points of failure:**")[1].split("\n")[0]
    for header in ("## Clients", "## Nodes", "## What if X fails", "## Warnings"):
        assert header in md
    # every table row has as many cells as its header
    for block in re.findall(r"((?:^\|.*\|\n)+)", md, re.M):
        lines = block.strip().split("\n")
        widths = {len(re.split(r"(?<!\\)\|", line)) for line in lines}
        assert len(widths) == 1, lines[0]


def test_headline_reads_like_a_person_wrote_it() -> None:
    design = load_design(EXAMPLES / "multi-az.arch.json")
    md = markdown_report(analyze(design), design, generated="x")
    assert "- **Availability:** 99.955 % (3.35 nines)" in md
    assert "- **Downtime a year:** 3 h 57 min" in md
    assert "- **Headroom:** 1.67× (bottleneck: Orders DB (db))" in md
    assert "- **Cost a month:** 1,525" in md
    assert "| eu-west-1a | zone | yes, hot | — | — | Storefront (86 %) | 97.40 % |" in md
    assert "Application LB (lb) (its only replica)" in md  # SPOFs with their failure unit
    assert "| Orders DB | db | database | 2 | 99.9933 % | 99.983 % |" in md  # own, serves


def _hostile() -> Design:
    return Design("<script>alert('x')</script> | *bold*", [
        Node("u", "client", name="=HYPERLINK(\"http://evil\")", demand_rps=5.0),
        Node("a", "service", name="A | B <img src=x onerror=alert(1)>", availability=0.99,
             capacity_rps=10.0),
    ], [Link("u", "a")], extra={"description": "<iframe src='http://evil'></iframe>"})


def test_user_strings_are_escaped_everywhere() -> None:
    design = _hostile()
    report = analyze(design)
    report.warnings.append("<b>warning</b> & more")
    text = html_report(report, design, generated="x")
    assert "<script>" not in text and "<img" not in text and "<iframe" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;b&gt;warning&lt;/b&gt; &amp; more" in text
    md = markdown_report(report, design, generated="x")
    assert not re.search(r"(?<!\\)<", md), "every < in Markdown is escaped"
    assert r"A \| B \<img src=x onerror=alert(1)\>" in md
    rows = list(csv.DictReader(io.StringIO(csv_report(report))))
    assert rows[0]["name"] == "A | B <img src=x onerror=alert(1)>"
    csv_text = csv_report(Report_with_formula_name())
    assert "'=1+1" in csv_text and ",=1+1" not in csv_text


def Report_with_formula_name():  # noqa: N802 - reads as a noun in the test above
    design = Design("d", [Node("u", "client", demand_rps=1.0), Node("s", "service", name="=1+1")],
                      [Link("u", "s")])
    return analyze(design)


def test_html_is_self_contained() -> None:
    design = load_design(EXAMPLES / "multi-az.arch.json")
    text = html_report(analyze(design), design, generated="x")
    lower = text.lower()
    for forbidden in ("<script", "<link", " src=", "href=", "url(", "@import", "<iframe"):
        assert forbidden not in lower, forbidden
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) == {"http://www.w3.org/2000/svg"}
    assert text.count("<svg") == 3  # contribution ranking, utilisation, simulated downtime
    assert '<meta charset="utf-8">' in text and "default-src 'none'" in text


def text_svgs(text: str) -> int:
    return text.count("<svg")


def test_charts_use_report_values() -> None:
    design = load_design(EXAMPLES / "multi-az.arch.json")
    report = analyze(design)
    text = html_report(report, design, generated="x")
    ranking = re.search(r"<svg[^>]*aria-label=\"Downtime contribution[^\"]*\".*?</svg>", text, re.S)
    titles = re.findall(r"<rect[^>]*><title>([^<]*)</title>", ranking.group(0))
    top = sorted((n for n in report.nodes.values() if n.downtime_contribution_minutes > 1e-6),
                 key=lambda n: -n.downtime_contribution_minutes)[:15]
    assert titles == [f"{n.name}: {fmt_duration(n.downtime_contribution_minutes)}" for n in top]
    util = re.search(r"<svg[^>]*aria-label=\"Utilisation[^\"]*\".*?</svg>", text, re.S).group(0)
    assert "100 %" in util
    for n in report.nodes.values():
        if n.utilization is not None:
            assert f"<title>{n.name}: {fmt_util(n.utilization)}</title>" in util


def test_simulation_extras_become_a_section_and_a_histogram() -> None:
    from modeller.analysis.simulation import simulate

    design = load_design(EXAMPLES / "multi-az.arch.json")
    report = analyze(design, simulation_years=0, sweeps=False)
    assert text_svgs(html_report(report, design, generated="x")) == 2
    sim = simulate(design, years=200, seed=3)
    report.extras["simulation"] = sim
    text = html_report(report, design, generated="x")
    md = markdown_report(report, design, generated="x")
    d = sim["downtime_minutes"]
    for key in ("mean", "p50", "p95", "p99"):
        assert fmt_duration(d[key]) in md
        assert f"<td class=\"num\">{fmt_duration(d[key])}</td>" in text
    assert "## Simulation" in md and "Simulated years | 200 (seed 3)" in md
    assert text.count("<svg") == 3
    hist = re.search(r"<svg[^>]*aria-label=\"Simulated annual downtime\".*?</svg>", text, re.S)
    bars = re.findall(r"<title>[^<]*: (\d+)</title>", hist.group(0))
    assert [int(b) for b in bars] == sim["histogram"]["counts"]
    assert "engine" not in md.lower().split("## warnings")[1]  # diagnostics stay out


@pytest.mark.parametrize("broken", [
    {"downtime_minutes": "lots"},
    {"histogram": {"edges": [0, 1], "counts": [1, 2, 3]}},
    {"histogram": {"edges": ["a", "b"], "counts": [1]}},
    {"downtime_minutes": {"mean": None, "p50": float("nan")}, "ci95": [0.9]},
    "not even a dict",
    None,
])
def test_odd_extras_never_break_a_report(broken) -> None:
    design = load_design(EXAMPLES / "three-tier.arch.json")
    report = analyze(design)
    report.extras["simulation"] = broken
    report.extras["sweeps"] = {"points": [[1, 2]], "replicas": 3, "best": {"a": 1.5}}
    text = html_report(report, design, generated="x")
    md = markdown_report(report, design, generated="x")
    assert text.count("<svg") == 2
    assert "| replicas | 3 |" in md and "| best | a=1.5 |" in md


def test_sweeps_become_what_if_tables() -> None:
    design = load_design(EXAMPLES / "multi-az.arch.json")
    report = analyze(design)
    sweeps = report.extras["sweeps"]
    md = markdown_report(report, design, generated="x")
    assert "## What if demand changes" in md and "## What if we add replicas" in md
    one = next(p for p in sweeps["demand"] if p["factor"] == 1.0)
    assert (f"| 1× | {fmt_percent(one['availability'], one['unavailability'])} | "
            f"{fmt_nines(one['nines'])} | {fmt_util(one['max_utilization'])} | "
            f"{one['headroom']:.2f}× | Orders DB |") in md
    for nid, points in sweeps["replicas"].items():
        name = report.nodes[nid].name
        for p in points:
            assert (f"| {name} | {p['replicas']} | "
                    f"{fmt_percent(p['availability'], p['unavailability'])} | "
                    f"{fmt_nines(p['nines'])} | {fmt_duration(p['downtime_minutes_per_year'])} | "
                    f"{fmt_money(p['cost_month'])} |") in md
    assert "-0.00" not in md  # a certain outage has 0 nines, not minus zero


def test_a_report_without_clients_or_capacity_still_renders() -> None:
    design = Design("Empty-ish", [Node("u", "client"), Node("s", "service")], [Link("u", "s")])
    report = analyze(design)
    text = html_report(report, design, generated="x")
    assert "no capacities given" in text
    assert "no part contributes downtime" in text
    md = markdown_report(report, design, generated="x")
    assert "**Headroom:** unlimited (no capacities given)" in md
