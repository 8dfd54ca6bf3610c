"""``modeller recommend FILE [--json]``: options, exit codes, and applying an option to the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modeller.cli import main
from modeller.resources import resource_path

THREE_TIER = resource_path("examples") / "three-tier.arch.json"


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELLER_DEBUG", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def apply_to_file(src: Path, changes: list[dict], dst: Path) -> None:
    """Edit the JSON file itself, field by field, as a person following the option would."""
    data = json.loads(src.read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in data["nodes"]}
    for ch in changes:
        assert nodes[ch["node"]].get(ch["field"], ch["from"]) == ch["from"] or ch["field"] in (
            "spread", "parent", "failover", "min_healthy")  # fields left at their defaults
        nodes[ch["node"]][ch["field"]] = ch["to"]
    dst.write_text(json.dumps(data, indent=2), encoding="utf-8")


def test_three_tier_option_applied_to_the_file_passes_analyze(capsys, tmp_path):
    code, out, err = run(capsys, "analyze", str(THREE_TIER))
    assert code == 1  # misses its 99 % SLO on purpose
    code, out, err = run(capsys, "recommend", str(THREE_TIER), "--json")
    assert code == 0 and err == ""
    rec = json.loads(out)
    assert rec["found"] is True and rec["search"]["exhaustive"] is True
    best = rec["options"][0]
    assert best["label"] == "cheapest"
    assert best["changes"] == [{"node": "app", "field": "replicas", "from": 1, "to": 2}]
    assert best["cost_month"] == 640.0 and best["delta_cost_month"] == 140.0
    assert best["meets"] == {"users.availability": True, "users.latency_ms_p99": True, "zones": None}
    for key in ("availability", "nines", "downtime_minutes_per_year", "p99"):
        assert isinstance(best[key], float)
    fixed = tmp_path / "three-tier-fixed.arch.json"
    apply_to_file(THREE_TIER, best["changes"], fixed)
    code, out, err = run(capsys, "analyze", str(fixed), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["system"]["meets_slo"] is True
    assert report["system"]["availability"] == pytest.approx(best["availability"], rel=1e-12)
    assert report["clients"]["users"]["latency_ms"]["p99"] == pytest.approx(best["p99"], rel=1e-9)
    # every option is a real fix, not only the first
    for opt in rec["options"][1:]:
        other = tmp_path / f"{opt['label'].replace(' ', '-')}.arch.json"
        apply_to_file(THREE_TIER, opt["changes"], other)
        assert run(capsys, "analyze", str(other))[0] == 0


def test_text_output_names_the_change_and_the_target(capsys):
    code, out, err = run(capsys, "recommend", str(THREE_TIER))
    assert code == 0
    assert "Option 1: cheapest (1 change)" in out
    assert "Booking API: replicas 1 → 2" in out
    assert "MISSED  Customers: availability ≥ 99 %" in out
    assert "exhaustive over these levers" in out
    assert "n/a     survives losing any one zone" in out


def test_exit_1_names_what_is_closest_and_why(capsys, tmp_path):
    data = json.loads((resource_path("examples") / "multi-az.arch.json").read_text(encoding="utf-8"))
    for n in data["nodes"]:
        if n["id"] == "users":
            n["slo"]["availability"] = 0.9999  # the region alone is 99.99 %
    path = tmp_path / "too-strict.arch.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, "recommend", str(path))
    assert code == 1
    assert "No option meets every target." in out
    assert "eu-west-1 alone fails every request" in out
    assert "Closest" in out
    code, out, _ = run(capsys, "recommend", str(path), "--json")
    rec = json.loads(out)
    assert code == 1 and rec["found"] is False and rec["options"] == []
    assert rec["closest"]["availability"] < 0.9999


def test_a_design_that_already_meets_everything_exits_0(capsys):
    code, out, _ = run(capsys, "recommend", str(resource_path("examples") / "multi-az.arch.json"))
    assert code == 0
    assert "meets every target: nothing to change" in out


def test_bad_input_is_refused_like_analyze(capsys, tmp_path):
    bad = tmp_path / "bad.arch.json"
    bad.write_text('{"format": "modeller.design", "version": 1, "nodes": [{"id": "a"}]}',
                   encoding="utf-8")
    code_a, _, err_a = run(capsys, "analyze", str(bad))
    code_r, out_r, err_r = run(capsys, "recommend", str(bad))
    assert code_a == code_r == 2
    assert err_r == err_a and err_r.strip() and out_r == ""
    code, _, err = run(capsys, "recommend", str(tmp_path / "missing.arch.json"))
    assert code == 2 and "missing.arch.json" in err
