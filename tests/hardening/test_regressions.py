"""The smallest reproducers of the bugs the hardening tests found.

They were strict xfails until the engine/loader was fixed; they now guard against the
bugs coming back. (A new bug found by the fuzzers goes here first as a strict xfail,
with a KNOWN_BUGS entry in helpers.py so the property tests can look past it.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from modeller.analysis import Report, analyze
from modeller.model import DesignError, Node, dumps_design, loads_design

from .helpers import REPO, check_cli, check_refusal, cli_env, hang_guard, run_cli


def _doc(nodes: list[dict[str, Any]], links: list[tuple], **top: Any) -> str:
    return json.dumps({"format": "modeller.design", "version": 1, **top, "nodes": nodes,
                       "links": [{"from": a, "to": b, **(extra[0] if extra else {})}
                                 for a, b, *extra in links]})


def _analyse_or_refuse(text: str, seconds: float = 10.0, **kw: Any) -> None:
    """The contract: a Report or a one-line DesignError, within a hang guard."""
    try:
        with hang_guard(seconds):
            report = analyze(loads_design(text, "bug.arch.json"), **kw)
    except DesignError as err:
        check_refusal(err)
        return
    assert isinstance(report, Report)
    assert 0.0 <= report.system.availability <= 1.0


# -- loader ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [[], {}], ids=["list", "object"])
def test_kind_of_wrong_type_is_refused(kind: Any) -> None:
    with pytest.raises(DesignError) as info:
        loads_design(_doc([{"id": "a", "kind": kind}], []), "k.arch.json")
    check_refusal(info.value)


BIG_INT = "1" + "0" * 400  # a valid JSON number; Python parses it as an int > float max


@pytest.mark.parametrize("where", ["x", "replicas", "version", "calls"])
def test_integer_literals_beyond_float_range_are_refused(where: str) -> None:
    if where == "version":
        text = '{"format": "modeller.design", "version": BIG, "nodes": []}'
    elif where == "calls":
        text = ('{"format": "modeller.design", "nodes": [{"id": "c", "kind": "client"}, '
                '{"id": "a", "kind": "service"}], "links": [{"from": "c", "to": "a", '
                '"calls": BIG}]}')
    else:
        text = ('{"format": "modeller.design", "nodes": [{"id": "a", "kind": "service", '
                '"FIELD": BIG}]}').replace("FIELD", where)
    text = text.replace("BIG", BIG_INT)
    with pytest.raises(DesignError) as info:
        loads_design(text, "big.arch.json")
    check_refusal(info.value)


def test_lone_surrogate_id_is_refused_or_round_trips(tmp_path: Path) -> None:
    text = _doc([{"id": "\ud800", "kind": "client"}], [])  # ASCII: "\\ud800" escape
    try:
        design = loads_design(text, "s.arch.json")
    except DesignError as err:
        check_refusal(err)
        return
    assert loads_design(dumps_design(design).encode("utf-8").decode("utf-8")) == design
    path = tmp_path / "s.arch.json"
    path.write_text(text, encoding="ascii")
    check_cli(run_cli(path, "--json"), "lone surrogate")


# -- engine: extreme but accepted numbers -------------------------------------------------

C = {"id": "c", "kind": "client", "demand_rps": 1}
EXTREME: dict[str, tuple[str, str]] = {
    # compiled.compile_design: ceil(direct_load / capacity) with 1 / 5e-324 = inf
    "capacity": ("compiled.py: math.ceil(inf) when load/capacity overflows (OverflowError)",
                 _doc([C, {"id": "a", "kind": "service", "capacity_rps": 5e-324}], [("c", "a")])),
    # sweeps run compile_design at 2x demand: 2 * 1e308 = inf
    "sweep_demand": ("sweeps.sweep_demand -> compiled.py: demand 1e308 x 2 = inf (OverflowError)",
                     _doc([{**C, "demand_rps": 1e308},
                           {"id": "a", "kind": "service", "capacity_rps": 1e308, "replicas": 3}],
                          [("c", "a")])),
    # queueing.MMc: service rate 1 / 5e-324 = inf is refused with ValueError
    "service_time": ("queueing.MMc.__post_init__: ValueError for service_time_ms 5e-324",
                     _doc([C, {"id": "a", "kind": "service", "service_time_ms": 5e-324}],
                          [("c", "a")])),
    # latency.station_for: floor(capacity * service_time) = floor(inf)
    "servers": ("latency.station_for: math.floor(inf) servers (OverflowError)",
                _doc([C, {"id": "a", "kind": "service", "capacity_rps": 1e308,
                          "service_time_ms": 1e308}], [("c", "a")])),
    # queueing.erlang_b: ~12 sqrt(a) Python steps for offered load a = 1e20: hangs
    "offered_load": ("queueing.erlang_b loops ~sqrt(offered load) times: hangs at a = 1e20",
                     _doc([{**C, "demand_rps": 1e17},
                           {"id": "a", "kind": "service", "capacity_rps": 1e18,
                            "service_time_ms": 1e6}], [("c", "a")])),
    # latency._end_to_end_p99: mixed extreme service times give NaN / inf grid sizes
    "p99_mixed_service_times": (
        "latency._invert_all: int(NaN) for service times 1e308 then 1 (ValueError)",
        _doc([C, {"id": "a", "kind": "service", "service_time_ms": 1e308},
              {"id": "b", "kind": "service", "service_time_ms": 1}], [("c", "a"), ("a", "b")])),
    "p99_tiny_and_huge_service_times": (
        "latency._tail_bounds: int(inf) for service times 1e-300 then 1e12 (OverflowError)",
        _doc([C, {"id": "a", "kind": "service", "service_time_ms": 1e-300},
              {"id": "b", "kind": "service", "service_time_ms": 1e12}], [("c", "a"), ("a", "b")])),
    # latency._invert_level multiplies the transform `calls` times in a Python loop
    "p99_huge_calls": ("latency._invert_level: `for _ in range(floor(calls))` — calls 1e6 costs "
                       "1 s, calls 1e308 never ends",
                       _doc([C, {"id": "a", "kind": "service", "service_time_ms": 1},
                             {"id": "b", "kind": "service", "service_time_ms": 1}],
                            [("c", "a"), ("a", "b", {"calls": 1e308})])),
}


@pytest.mark.parametrize("case", list(EXTREME))
def test_extreme_numbers(case: str) -> None:
    full = case == "sweep_demand"
    _analyse_or_refuse(EXTREME[case][1], seconds=5.0, simulation_years=0, sweeps=full)


def test_huge_mtbf_and_mttr_mean_half_availability() -> None:
    """The loader refuses hours above 1e9; the model's arithmetic must not overflow anyway."""
    text = _doc([C, {"id": "a", "kind": "service", "mtbf_hours": 1e308, "mttr_hours": 1e308}],
                [("c", "a")])
    with pytest.raises(DesignError) as info:
        loads_design(text)
    check_refusal(info.value)
    node = Node(id="a", kind="service", mtbf_hours=1e308, mttr_hours=1e308)
    assert node.replica_availability == pytest.approx(0.5)
    assert node.replica_unavailability == pytest.approx(0.5)


# -- through the CLI (memory-capped child processes) -------------------------------------

CLI_CASES = {
    "replicas_1e6": (
        "exact._binomial_table allocates (replicas+1)^2 floats: replicas 1e6 (accepted by the "
        "loader) asks for 7.3 TiB -> MemoryError, exit 3; 12 000 replicas take 2.6 GB and 30 s",
        _doc([{"id": "c", "kind": "client"},
              {"id": "a", "kind": "service", "replicas": 1_000_000, "availability": 0.9}],
             [("c", "a")])),
    "simulation_short_mtbf": (
        "simulation._renewal sizes arrays by the expected failures: MTBF 1e-6 h -> "
        "MemoryError (32 GiB), exit 3",
        _doc([{"id": "c", "kind": "client"},
              {"id": "a", "kind": "service", "availability": 0.5}], [("c", "a")],
             settings={"default_mttr_hours": 1e-6})),
    "simulation_subnormal_mttr": (
        "simulation._renewal: int(inf) when MTBF is 5e-324 h (OverflowError), exit 3",
        _doc([{"id": "c", "kind": "client"},
              {"id": "a", "kind": "service", "availability": 0.5}], [("c", "a")],
             settings={"default_mttr_hours": 5e-324})),
    "overflow_warning_on_stderr": (
        "calls 1e308: numpy prints a 2-line RuntimeWarning (scenarios.py overflow) on stderr",
        _doc([{"id": "c", "kind": "client", "demand_rps": 1e308},
              {"id": "a", "kind": "service"}, {"id": "b", "kind": "service"}],
             [("c", "a", {"calls": 1e308}), ("a", "b", {"calls": 1e308})])),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_extreme_files(case: str, tmp_path: Path) -> None:
    path = tmp_path / f"{case}.arch.json"
    path.write_text(CLI_CASES[case][1], encoding="utf-8")
    check_cli(run_cli(path, "--json", timeout=120, memory_bytes=3 * 2**30), case)


# -- deep nesting once the BDD has raised the recursion limit ----------------------------

_DEEP_CHILD = textwrap.dedent("""
    import json, sys
    from modeller.model import DesignError, loads_design
    from modeller.analysis import analyze
    small = {"format": "modeller.design", "nodes": [
        {"id": "c", "kind": "client"}, {"id": "a", "kind": "service", "availability": 0.9}],
        "links": [{"from": "c", "to": "a"}]}
    analyze(loads_design(json.dumps(small)), simulation_years=0, sweeps=False)
    depth = 15000
    text = ('{"format": "modeller.design", "nodes": [{"id": "c", "kind": "client", "x1": '
            + "[" * depth + "]" * depth + "}]}")
    try:
        design = loads_design(text)
    except DesignError:
        print("refused")
    else:
        design.copy()  # what the GUI hands its analysis worker
        print("loaded")
""")


def test_deep_file_after_an_analysis_on_a_small_stack() -> None:
    def small_stack() -> None:  # pragma: no cover - runs in the child
        import resource
        resource.setrlimit(resource.RLIMIT_STACK, (2**20, 2**20))

    proc = subprocess.run([sys.executable, "-c", _DEEP_CHILD], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env=cli_env(), preexec_fn=small_stack)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-1500:]}"
    assert proc.stdout.strip() in ("refused", "loaded")
