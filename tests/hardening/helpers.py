"""Shared pieces of the hardening tests: seed files, nasty values, the two oracles.

The oracle for a file is the loader contract (DESIGN section 2): it either loads and
then analyses to a Report (or a DesignError), or it is refused with one DesignError.
Anything else — an OverflowError, a MemoryError, a RecursionError, a hang — is a bug.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modeller.analysis import Report, analyze
from modeller.model import Design, DesignError, loads_design

REPO = Path(__file__).resolve().parents[2]
SEED_FILES = sorted([*(REPO / "resources" / "examples").glob("*.arch.json"),
                     *(REPO / "resources" / "templates").glob("*.arch.json")])
# the 300-node example costs ~0.2 s a live analysis: keep it out of the per-example loops
SMALL_SEEDS = [p for p in SEED_FILES if p.stat().st_size < 20_000]
SEED_TEXT = {p.name: p.read_text(encoding="utf-8") for p in SEED_FILES}
SMALL_SEED_NAMES = [p.name for p in SMALL_SEEDS]

DEEP = 100_000
DEEP_LIST = "[" * DEEP + "]" * DEEP
DEEP_OBJECT = '{"a":' * DEEP + "1" + "}" * DEEP

# values that replace a field wholesale: wrong types, extremes, text that looks like a number
NASTY_NUMBERS: list[Any] = [
    0, -0.0, -1, 1, 2, 0.5, 3.5, 1e308, -1e308, 1.7976931348623157e308, 5e-324, 1e-300,
    2**53 + 1, 2**63, 10**30, 1_000_000, 1_000_001, 0.999999999999, 1.0000000001, 100_000,
]
NASTY_TEXT: list[Any] = [
    "", " ", "NaN", "nan", "Infinity", "-Infinity", "1e999", "0x10", "auto", "active-passive",
    "\u202eevil\u202c", "\u05e2\u05d1\u05e8\u05d9\u05ea", "\u0645\u0631\u062d\u0628\u0627",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467", "\U0001f525" * 40, "a\x00b", "\x00",
    "\ud800", "x" * 5000, "region", "zone", "service", "load_balancer", "client", "dns",
    "users", "db", "..", "/etc/passwd", "<script>", "\n\r\t",
]
NASTY_OTHER: list[Any] = [None, True, False, [], {}, [1, 2], {"a": 1}, [[[[]]]], ["eu-a"]]
# tokens only a hand-written file can hold (json.dumps cannot produce them)
RAW_TOKENS = [
    "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "-0.0", "0e-400", "1" + "0" * 400,
    "9" * 5000, "-" + "9" * 400, DEEP_LIST, DEEP_OBJECT,
]
RAW_MARK = "\u0001raw\u0001"  # placeholder string, replaced by a raw token after dumping

NODE_KEYS = [
    "id", "kind", "name", "x", "y", "w", "h", "parent", "replicas", "availability",
    "mtbf_hours", "mttr_hours", "min_healthy", "min_targets", "capacity_rps",
    "service_time_ms", "cost_month", "failover", "failover_seconds", "spread",
    "demand_rps", "slo", "preset",
]
LINK_KEYS = ["from", "to", "calls", "optional"]


class Hang(Exception):
    """Raised inside a call that outlived its hang guard (the traceback shows where)."""


@contextmanager
def hang_guard(seconds: float) -> Iterator[None]:
    """Interrupt the main thread after ``seconds`` (SIGALRM): a hang becomes a failure
    with a traceback instead of a stuck test run. A no-op off the main thread."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass(frozen=True)
class KnownBug:
    """An open engine/loader bug: tolerated by the property tests (counted, not hidden)
    so they keep looking for new ones; each has a strict-xfail regression test."""

    exc: type[BaseException] | tuple[type[BaseException], ...]
    where: str  # regex over "file:function" frames of the traceback
    test: str  # the regression test that pins it


KNOWN_BUGS: list[KnownBug] = []  # every bug found so far is fixed (test_regressions.py)
SEEN_KNOWN: dict[str, int] = {}


# in-process analyses stay bounded: the engine's binomial tables cost replicas**2 floats
MAX_IN_PROCESS_REPLICAS = 1500
IN_PROCESS_SECONDS = 3.0  # small designs analyse in < 0.1 s; a known hang costs this much


def _frames(exc: BaseException) -> str:
    out = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name != "on_alarm":  # the hang guard's own frame
            out.append(f"{Path(code.co_filename).name}:{code.co_name}")
        tb = tb.tb_next
    return " ".join(out)


def known_bug(exc: BaseException) -> KnownBug | None:
    frames = _frames(exc)
    for bug in KNOWN_BUGS:
        if isinstance(exc, bug.exc) and re.search(bug.where, frames):
            SEEN_KNOWN[bug.test] = SEEN_KNOWN.get(bug.test, 0) + 1
            return bug
    return None


def check_refusal(err: DesignError) -> None:
    """A refusal is one non-empty line for a person."""
    text = str(err)
    assert text.strip(), "empty DesignError"
    assert "\n" not in text and "\r" not in text, f"multi-line refusal: {text!r}"
    assert "Traceback" not in text


def analyse_text(text: str, *, simulation_years: int = 0, sweeps: bool = False,
                 latency: bool = True) -> str:
    """The loader/engine contract for one file's text: 'refused', 'report' or 'known-bug'.

    Any other exception propagates (and fails the test)."""
    try:
        with hang_guard(IN_PROCESS_SECONDS):
            design = loads_design(text, "fuzz.arch.json")
    except DesignError as err:
        check_refusal(err)
        return "refused"
    except Exception as exc:
        if known_bug(exc):
            return "known-bug"
        raise
    return analyse_design(design, simulation_years=simulation_years, sweeps=sweeps,
                          latency=latency)


def analyse_design(design: Design, *, simulation_years: int = 0, sweeps: bool = False,
                   latency: bool = True) -> str:
    if max((n.replicas for n in design.nodes.values()), default=1) > MAX_IN_PROCESS_REPLICAS:
        return "too-big"  # covered by a memory-capped CLI test instead
    try:
        with hang_guard(IN_PROCESS_SECONDS):
            report = analyze(design, simulation_years=simulation_years, sweeps=sweeps,
                             latency=latency)
    except DesignError as err:
        check_refusal(err)
        return "refused"
    except Exception as exc:
        if known_bug(exc):
            return "known-bug"
        raise
    assert isinstance(report, Report)
    s = report.system
    # whatever the input, the headline numbers are probabilities
    assert 0.0 <= s.availability <= 1.0, s.availability
    assert 0.0 <= s.unavailability <= 1.0, s.unavailability
    assert abs(s.availability + s.unavailability - 1.0) <= 1e-9, (s.availability, s.unavailability)
    json.dumps(report.to_dict(), allow_nan=False)  # the --json output must be real JSON
    return "report"


def dump_with_raw(doc: Any, raw: list[str], *, ascii_only: bool = False) -> str:
    """json.dumps, then each RAW_MARK string (in order) becomes the next raw token."""
    text = json.dumps(doc, ensure_ascii=ascii_only)
    mark = json.dumps(RAW_MARK, ensure_ascii=ascii_only)
    for token in raw:
        text = text.replace(mark, token, 1)
    return text


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("MODELLER_DEBUG", None)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["PYTHONWARNINGS"] = "default"  # as a user would see them
    return env


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(path: Path, *args: str, timeout: float = 60.0,
            memory_bytes: int | None = None) -> CliResult:
    """`modeller analyze FILE` in a child process, with a hang timeout and a memory cap."""

    def limit() -> None:  # pragma: no cover - runs in the child
        if memory_bytes is not None:
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    proc = subprocess.run(
        [sys.executable, "-m", "modeller", "analyze", str(path), *args],
        capture_output=True, text=True, timeout=timeout, cwd=REPO, env=cli_env(),
        preexec_fn=limit if memory_bytes is not None else None, errors="replace")
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def check_cli(res: CliResult, label: str = "") -> None:
    """Exit 0/1/2, at most one stderr line, never a traceback."""
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in res.stderr, f"{label}: traceback\n{res.stderr[-3000:]}"
    assert res.code in (0, 1, 2), f"{label}: exit {res.code}: {res.stderr[-2000:]}"
    assert len(lines) <= 1, f"{label}: {len(lines)} stderr lines:\n{res.stderr[-2000:]}"
    if res.code == 2:
        assert len(lines) == 1, f"{label}: refused without a message"
    else:
        json.loads(res.stdout)  # --json output parses


def chain_doc(n: int, availability: float = 0.99999, *, demand: float = 10.0) -> dict[str, Any]:
    """A client calling a chain of n - 1 services (n nodes in all)."""
    nodes: list[dict[str, Any]] = [{"id": "c", "kind": "client", "demand_rps": demand}]
    nodes += [{"id": f"s{i}", "kind": "service", "availability": availability}
              for i in range(n - 1)]
    links = [{"from": "c", "to": "s0"}]
    links += [{"from": f"s{i}", "to": f"s{i + 1}"} for i in range(n - 2)]
    return {"format": "modeller.design", "version": 1, "name": f"chain {n}",
            "nodes": nodes, "links": links}
