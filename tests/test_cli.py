"""The ``modeller`` command: analyze, exit codes, --version, the headless fallback."""

from __future__ import annotations

import itertools
import json
import math
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import modeller
import modeller.analysis
from modeller import cli
from modeller.cli import fmt_duration, fmt_percent, main
from modeller.model import loads_design

# example -> exit code its SLOs call for (three-tier is the "before" picture: it misses 99 %)
EXAMPLE_EXIT = {"three-tier": 1, "multi-az": 0, "two-regions": 0}

SECTION4_KEYS = {"system", "clients", "nodes", "failures", "spofs", "warnings"}
SYSTEM_KEYS = {"availability", "unavailability", "nines", "downtime_minutes_per_year",
               "meets_slo", "cost_month", "headroom", "bottleneck"}
NODE_KEYS = {"availability", "load_rps", "capacity_rps", "utilization", "latency_ms",
             "birnbaum", "downtime_contribution_minutes", "cost_month"}


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELLER_DEBUG", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- analyze the examples --------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXAMPLE_EXIT))
def test_analyze_example_json(examples_dir: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = examples_dir / f"{name}.arch.json"
    code, out, err = run(capsys, "analyze", str(path), "--json")
    assert err == ""
    report = json.loads(out)
    assert SECTION4_KEYS <= set(report)
    assert SYSTEM_KEYS <= set(report["system"])
    assert code == EXAMPLE_EXIT[name]
    assert report["system"]["meets_slo"] is (code == 0)
    assert all(c["meets_slo"] for c in report["clients"].values()) is (code == 0)
    design = modeller.load_design(path)
    assert set(report["clients"]) == {c.id for c in design.clients()}
    served = {n.id for n in design.components()} - set(report["clients"])
    assert served | {n.id for n in design.containers()} == set(report["nodes"])
    for node_id in served:
        assert NODE_KEYS <= set(report["nodes"][node_id])
    a, u = report["system"]["availability"], report["system"]["unavailability"]
    assert 0.9 < a < 1 and a + u == pytest.approx(1.0, abs=1e-12)
    assert report["system"]["nines"] == pytest.approx(-math.log10(u), rel=1e-9)
    assert report["system"]["downtime_minutes_per_year"] == pytest.approx(u * 525_960, rel=1e-9)
    assert report["system"]["cost_month"] == pytest.approx(
        sum(n.cost_month * n.replicas for n in design.nodes.values()))
    # every example is indented, so it reads in a diff
    assert out.startswith('{\n  "system": {\n')


def test_three_tier_numbers(examples_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A chain in one zone: the product of its parts (web: one of two replicas is enough)."""
    code, out, _ = run(capsys, "analyze", str(examples_dir / "three-tier.arch.json"), "--json")
    report = json.loads(out)
    expected = 0.9999 * 0.9995 * 0.999 * (1 - 0.005**2) * 0.995 * 0.995
    assert report["system"]["availability"] == pytest.approx(expected, abs=1e-13)
    assert code == 1  # SLO 99 % > 98.84 %
    # (v2) SPOFs by failure unit: web has 2 replicas and one carries the load, so losing
    # either replica drops nobody: not a SPOF; lb, app, db have one replica each
    assert set(report["spofs"]) == {"us-east-1", "use1-az1", "lb", "app", "db"}
    assert report["spof_units"]["app"] == "its only replica"
    assert report["spof_units"]["use1-az1"] == "zone us-east-1a"
    assert report["system"]["bottleneck"] == "db"
    assert report["system"]["headroom"] == pytest.approx(1000 / 600)
    assert report["nodes"]["db"]["load_rps"] == pytest.approx(600)  # 300 rps x 2 calls


def _multi_az_by_hand() -> float:
    """P(served) for multi-az.arch.json by enumerating region and zone states.

    Given the domains, replicas are independent: web needs 2 of its 3 (700 rps each for
    1200), app 2 of 3 (800 each), the db 1 of 2 and not in a 30 s failover window.
    """
    a_rep, a_zone, a_region, a_lb = 0.995, 0.9995, 0.9999, 0.9999
    mtbf = a_rep * 1.0 / (1 - a_rep)  # MTTR = default 1 h
    p_failover = (30 / 3600) / (mtbf + 1.0)  # (v2) renewal rate 1/(MTBF + MTTR)

    def at_least(k: int, ups: list[float]) -> float:
        total = 0.0
        for states in itertools.product((True, False), repeat=len(ups)):
            if sum(states) >= k:
                total += math.prod(p if s else 1 - p for p, s in zip(ups, states, strict=True))
        return total

    total = 0.0
    for zones in itertools.product((True, False), repeat=3):
        pz = math.prod(a_zone if z else 1 - a_zone for z in zones)
        rep = [a_rep if z else 0.0 for z in zones]
        served = at_least(2, rep) * at_least(2, rep) * at_least(1, rep[:2]) * (1 - p_failover)
        total += pz * served
    return a_region * a_lb * total


def test_multi_az_numbers(examples_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", str(examples_dir / "multi-az.arch.json"), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["system"]["availability"] == pytest.approx(_multi_az_by_hand(), abs=1e-12)
    zones = report["zones"]
    assert sorted(zones) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert all(z["survives"] and z["clients_down"] == [] for z in zones.values())
    assert report["nodes"]["web"]["utilization"] == pytest.approx(1200 / 2100)
    assert report["nodes"]["db"]["utilization"] == pytest.approx(2400 / 4000)  # active member only
    assert "cache" not in report["spofs"]  # optional link


def test_two_regions_survives_a_region(examples_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", str(examples_dir / "two-regions.arch.json"), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["spofs"] == ["dns"]
    survived = {f["down"]: f["survives"] for f in report["failures"]}
    assert survived["eu-west-1"] and survived["us-east-1"]
    assert 0.9999 < report["system"]["availability"] < 0.99999  # DNS alone is 99.999 %


def test_analyze_table(examples_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = examples_dir / "multi-az.arch.json"
    code, out, err = run(capsys, "analyze", str(path))
    assert code == 0 and err == ""
    report = modeller.analyze(modeller.load_design(path))
    s = report.system
    assert "Web shop — one region, three zones" in out
    assert fmt_percent(s.availability, s.unavailability) in out
    assert f"({s.nines:.2f} nines)" in out
    assert fmt_duration(s.downtime_minutes_per_year) + " a year" in out
    assert "bottleneck: Orders DB (db)" in out
    for section in ("Clients", "Nodes", "Failure scenarios", "Single points of failure ("):
        assert section in out
    lines = out.splitlines()
    # one row per node, zones and regions first among the scenarios
    for node_id in report.nodes:
        assert any(line.split()[:1] == [node_id] for line in lines)
    scen = lines.index(next(line for line in lines if line.startswith("Failure scenarios")))
    first_rows = [line.split()[0] for line in lines[scen + 3: scen + 7]]
    assert first_rows == ["eu-west-1", "eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert "Traceback" not in out


def test_missed_slo_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design = {
        "format": "modeller.design", "version": 1, "name": "Too ambitious",
        "nodes": [
            {"id": "users", "kind": "client", "demand_rps": 10, "slo": {"availability": 0.9999}},
            {"id": "api", "kind": "service", "availability": 0.999},
        ],
        "links": [{"from": "users", "to": "api"}],
    }
    path = tmp_path / "miss.arch.json"
    path.write_text(json.dumps(design), encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(path), "--json")
    assert code == 1 and err == ""
    report = json.loads(out)
    assert report["system"]["meets_slo"] is False
    assert report["clients"]["users"]["availability"] == pytest.approx(0.999)
    code, out, _ = run(capsys, "analyze", str(path))
    assert code == 1 and "MISSED" in out
    # the same design with a reachable SLO passes
    design["nodes"][0]["slo"] = {"availability": 0.99}
    path.write_text(json.dumps(design), encoding="utf-8")
    assert run(capsys, "analyze", str(path))[0] == 0


# -- version, usage, internal errors --------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out == f"modeller {modeller.__version__}\n" == "modeller 0.1.0\n"


def test_version_from_a_real_process() -> None:
    proc = subprocess.run([sys.executable, "-m", "modeller", "--version"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout == "modeller 0.1.0\n"


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "analyze")
    assert code == 2 and "FILE" in err


def test_internal_error_is_one_line(examples_dir: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(design, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(modeller.analysis, "analyze", broken)
    code, out, err = run(capsys, "analyze", str(examples_dir / "three-tier.arch.json"))
    assert code == 3 and out == ""
    assert err.splitlines() == [
        "modeller: internal error: ZeroDivisionError: float division by zero "
        "(set MODELLER_DEBUG=1 for details)"]
    monkeypatch.setenv("MODELLER_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["analyze", str(examples_dir / "three-tier.arch.json")])


# -- GUI or headless fallback ---------------------------------------------------------


def _headless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)


def test_no_display_shows_the_bundled_example(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _headless(monkeypatch)
    monkeypatch.setitem(sys.modules, "modeller.ui.window.app", None)  # the GUI must not be tried
    code, out, err = run(capsys)
    assert code == 0
    assert len(err.splitlines()) == 1
    assert "no display" in err and "bundled example" in err and "multi-az.arch.json" in err
    assert "Web shop — one region, three zones" in out and "Availability" in out


def test_no_display_with_a_file_analyses_that_file(
        examples_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _headless(monkeypatch)
    code, out, err = run(capsys, str(examples_dir / "three-tier.arch.json"))
    assert code == 1  # that design misses its SLO
    assert "no display" in err and "three-tier.arch.json" in err
    assert "Booking site" in out


def test_gui_gets_the_files(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    seen: list[list[str]] = []
    fake = types.ModuleType("modeller.ui.window.app")
    fake.run = lambda files: seen.append(list(files)) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "modeller.ui.window.app", fake)
    assert run(capsys, "a.arch.json", "b.arch.json")[0] == 0
    assert run(capsys)[0] == 0
    assert seen == [["a.arch.json", "b.arch.json"], []]


def test_gui_that_cannot_import_falls_back(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setitem(sys.modules, "modeller.ui.window.app", None)  # import raises ImportError
    code, out, err = run(capsys)
    assert code == 0
    assert err.startswith("modeller: the GUI cannot start") and len(err.splitlines()) == 1
    assert "Web shop" in out


def test_no_display_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    _headless(monkeypatch)
    assert cli.no_display_reason() is not None
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert cli.no_display_reason() is None
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delenv("WAYLAND_DISPLAY")
    assert cli.no_display_reason() is None


# -- formatting ------------------------------------------------------------------------


@pytest.mark.parametrize("minutes,text", [
    (262.98, "4 h 23 min"), (52.596, "52.6 min"), (525.96, "8 h 46 min"), (5.2596, "5.3 min"),
    (0.5, "30 s"), (0.001, "0.06 s"), (0.0, "0 s"), (2.8e-14, "< 1 ms"), (6092.25, "4 d 6 h"), (59.99, "1 h 0 min"),
    (math.inf, "—"),
])
def test_fmt_duration(minutes: float, text: str) -> None:
    assert fmt_duration(minutes) == text


@pytest.mark.parametrize("a,u,text", [
    (0.9995, 0.0005, "99.950 %"), (0.9999, 1 - 0.9999, "99.990 %"), (0.99953, 0.00047, "99.953 %"),
    (0.9884168924, 0.0115831076, "98.84 %"), (1 - 1e-12, 1e-12, "99.99999999990 %"),
    (1.0, 0.0, "100 %"), (0.5, 0.5, "50.00 %"),
])
def test_fmt_percent(a: float, u: float, text: str) -> None:
    assert fmt_percent(a, u) == text


def test_readme_example_is_a_valid_design() -> None:
    """The file-format example in the README loads and analyses (keeps the README honest)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", readme, re.S)
    assert len(blocks) == 1
    design = loads_design(blocks[0], "README.md")
    report = modeller.analyze(design)
    assert report.system.meets_slo
    # (v2) three web replicas, two needed: losing any one drops nobody, so web is no SPOF;
    # the db's failover window is one (a failure unit of its own)
    assert set(report.spofs) == {"eu", "lb", "db"}
    assert report.spof_units["db"] == "its failover window"
    assert "modeller analyze resources/examples/multi-az.arch.json" in readme
    assert "QT_QPA_PLATFORM=offscreen python -m pytest" in readme


# -- the examples lay out cleanly on a canvas -------------------------------------------

NODE_W, NODE_H = 140, 70  # the canvas's node box


def _rect(n) -> tuple[float, float, float, float]:
    return (n.x, n.y, n.w, n.h) if n.is_container else (n.x, n.y, NODE_W, NODE_H)


@pytest.mark.parametrize("name", sorted(EXAMPLE_EXIT))
def test_example_layout(examples_dir: Path, name: str) -> None:
    design = modeller.load_design(examples_dir / f"{name}.arch.json")
    for n in design.nodes.values():
        if n.parent is None:
            continue
        x, y, w, h = _rect(n)
        px, py, pw, ph = _rect(design.nodes[n.parent])
        assert px + 30 <= x and x + w <= px + pw - 30, (n.id, "outside its container (x)")
        assert py + 30 <= y and y + h <= py + ph - 30, (n.id, "outside its container (y)")
    containers = design.containers()
    for i, a in enumerate(containers):
        for b in containers[i + 1:]:
            if a.parent != b.parent:
                continue
            ax, ay, aw, ah = _rect(a)
            bx, by, bw, bh = _rect(b)
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a.id, b.id)
    boxes = [n for n in design.nodes.values() if not n.is_container]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            ax, ay, aw, ah = _rect(a)
            bx, by, bw, bh = _rect(b)
            apart = ax + aw + 20 <= bx or bx + bw + 20 <= ax or ay + ah + 20 <= by or by + bh + 20 <= ay
            assert apart, (a.id, b.id, "overlap")
        # a node drawn inside a zone it is not placed in would mislead the reader
        for c in design.containers():
            if c.id == a.parent or c.id in design.ancestors(a.id):
                continue
            cx, cy, cw, ch = _rect(c)
            ax, ay, aw, ah = _rect(a)
            inside = cx < ax + aw and ax < cx + cw and cy < ay + ah and ay < cy + ch
            assert not inside, (a.id, "drawn over", c.id)


def test_analyze_simulate_runs_exactly_the_years_asked(examples_dir: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", str(examples_dir / "multi-az.arch.json"),
                       "--simulate", "40", "--seed", "3")
    assert code == 0
    assert "Simulation (40 simulated years, seed 3)" in out
    assert "(own: the part alone; serves: with what it needs" in out
    assert "  - db: its failover window" in out
    assert "survives, hot: web (86 %)" in out  # a zone lost: 1200 rps on 2 x 700
