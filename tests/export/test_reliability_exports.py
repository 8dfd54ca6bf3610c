"""DESIGN 4b in the CLI table, the JSON, and the HTML / Markdown / CSV exports (issue 14).

The fixture (tests/export/fixtures/recovery-demo.arch.json): an active-passive DNS (detect
1 min, failover 60 s) in front of two regions; eu's web tier spread over two zones with a
zone-by-zone rollout; an active-passive sync-replicated database in eu (detect 2 min,
failover 30 s) copying async (5 s) to us; a policy per disruption type.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

from modeller import cli
from modeller.analysis import analyze
from modeller.export import CSV_COLUMNS, csv_report, html_report, markdown_report
from modeller.model import load_design, loads_design

from .helpers import html_tables

DEMO = Path(__file__).resolve().parent / "fixtures" / "recovery-demo.arch.json"
OLD_COLUMNS = ("id", "name", "kind", "replicas", "availability", "unavailability", "nines",
               "load_rps", "capacity_rps", "utilization", "latency_mean_ms", "latency_p99_ms",
               "birnbaum", "downtime_contribution_minutes", "availability_given_down",
               "cost_month", "own_availability", "own_unavailability")


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return analyze(load_design(DEMO), simulation_years=0, sweeps=False)


def test_cli_table_has_recovery_and_success_sections(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["analyze", str(DEMO), "--simulate", "0"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    i = lines.index("Recovery (RTO: until every client is served again; RPO: acknowledged "
                    "writes lost)")
    table = {ln.split("  ")[1].strip(): ln for ln in lines[i + 3:i + 7]}
    # losing region eu: the DNS fails over in 1 min + 60 s = 2.0 min; the async copy in
    # db-us is 5 s behind; policy region RTO <= 60 min, RPO <= 10 s: met
    assert table["region"].split() == ["region", "2", "2.0", "min", "(eu)", "5", "s", "(eu)",
                                       "RTO", "≤", "1", "h", "0", "min,", "RPO", "≤", "10",
                                       "s", "yes"]
    # one replica: the single DNS takes its 60 min MTTR, over the 15 min policy
    assert "1 h 0 min (dns)" in table["hardware (one replica)"]
    assert table["hardware (one replica)"].rstrip().endswith("NO")
    assert table["software (bad change)"].split()[3:6] == ["1", "0", "s"]  # zone-by-zone: survives
    j = next(k for k, ln in enumerate(lines) if ln.startswith("Success and error budget"))
    row = lines[j + 3].split()
    # success 0.999 (web-eu's errors) x availability ~1; budget (1 - 0.999) x 43,830 min
    assert row[:3] == ["users", "99.90", "%"] and "43.8 min" in lines[j + 3]


def test_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["analyze", str(DEMO), "--json", "--simulate", "0"])
    data = json.loads(capsys.readouterr().out)
    users = data["clients"]["users"]
    assert users["request_success"] == pytest.approx(0.999, rel=1e-12)
    assert users["success_ratio"] == pytest.approx(0.999 * users["availability"], rel=1e-12)
    # recs (optional, 5 % errors) is reached by every request (the DNS sends all to eu)
    assert users["degraded_fraction"] == pytest.approx(0.999 * 0.05 * users["availability"],
                                                       rel=1e-9)
    assert users["error_budget_minutes_per_month"] == pytest.approx(43.83, rel=1e-9)
    eu = next(r for r in data["resilience"] if r["target"] == "eu")
    assert eu == {"disruption": "region", "target": "eu", "rto_minutes": pytest.approx(2.0),
                  "rpo_seconds": 5.0, "meets_policy": True, "survives": True,
                  "rto_note": eu["rto_note"], "rpo_note": eu["rpo_note"]}
    assert data["resilience_summary"]["hardware"]["meets_policy"] is False
    assert data["resilience_summary"]["hardware"]["worst_rto_target"] == "dns"
    assert data["nodes"]["recs"]["request_success"] == pytest.approx(0.95, rel=1e-15)


def test_html_and_markdown_recovery_tables(report) -> None:  # type: ignore[no-untyped-def]
    design = load_design(DEMO)
    html = html_report(report, design)
    tables = html_tables(html)
    rec = next(t for t in tables if t[0][:2] == ["disruption", "targets"])
    assert rec[1][0] == "hardware (one replica)" and rec[1][-1] == "NO"
    assert rec[4][:4] == ["region", "2", "2.0 min (eu)", "5 s (eu)"]
    assert '<tr class="bad">' in html.split("<h2>Recovery</h2>")[1].split("</table>")[0]
    detail = next(t for t in tables if t[0][:2] == ["disruption", "target"])
    assert ["hardware", "db-eu", "2.5 min", "0 s", "yes", "yes"] == detail[6][:6]
    md = markdown_report(report, design)
    assert "## Recovery" in md and "## Success and error budget" in md
    assert "| region | 2 | 2.0 min (eu) | 5 s (eu) |" in md


def test_csv_appends_recovery_columns_at_the_end(report) -> None:  # type: ignore[no-untyped-def]
    assert CSV_COLUMNS[:len(OLD_COLUMNS)] == OLD_COLUMNS
    assert CSV_COLUMNS[len(OLD_COLUMNS):] == (
        "request_success", "hardware_rto_minutes", "hardware_rpo_seconds",
        "software_rto_minutes", "software_rpo_seconds", "domain_rto_minutes",
        "domain_rpo_seconds", "meets_policy")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(csv_report(report)))}
    assert (rows["eu"]["domain_rto_minutes"], rows["eu"]["domain_rpo_seconds"],
            rows["eu"]["meets_policy"]) == ("2.0", "5.0", "1")
    assert rows["eu"]["request_success"] == ""
    assert (rows["db-eu"]["hardware_rto_minutes"], rows["db-eu"]["software_rto_minutes"]) == \
        ("2.5", "")
    assert rows["dns"]["meets_policy"] == "0"
    assert float(rows["recs"]["request_success"]) == 0.95


def test_unprotected_data_is_inf_in_csv_and_everything_in_text() -> None:
    d = loads_design(json.dumps({"format": "modeller.design", "version": 1, "nodes": [
        {"id": "c", "kind": "client"}, {"id": "q", "kind": "queue"}],
        "links": [{"from": "c", "to": "q"}]}))
    r = analyze(d, simulation_years=0, sweeps=False)
    rows = list(csv.DictReader(io.StringIO(csv_report(r))))
    assert math.isinf(float(rows[0]["hardware_rpo_seconds"]))
    assert rows[0]["meets_policy"] == ""  # no policy
    text = cli.format_report(d, r)
    assert "1 h 0 min (q)  everything (q)" in text
    assert "No policy set" in text
