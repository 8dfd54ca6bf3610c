"""How long the exact analysis takes on architecture-shaped designs (issue 2 "Speed").

    python -m tests.bench.bench_analysis [--sizes 40 130 500] [--repeat 15]
    python -m tests.bench.bench_analysis --profile 500     # cProfile of one analysis
    python -m tests.bench.bench_analysis --bench all        # every registered bench

The GUI re-analyses on every edit, so what matters is the wall time of one full
``analyze(design)`` at the sizes people draw. Machines are noisy: we warm up once,
take many samples and report the median and p90, never the mean.

Other benches (scene build, edit-to-badge latency) live in ``tests/bench/bench_*.py``
and plug in through ``register``: a function ``(designs, repeat) -> list[Row]`` that
uses ``time_call`` and returns rows; ``main`` imports those modules and runs them.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import io
import math
import os
import pkgutil
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from modeller.model import Design

from .generate import sized

DEFAULT_SIZES = (40, 130, 300, 500)
# Issue 2 targets for one full analysis (ms), by node count.
TARGETS_MS: dict[int, float] = {40: 16.0, 130: 50.0, 500: 250.0}


@dataclass
class Row:
    """One line of a bench table: a measured thing at one design size."""

    bench: str
    label: str
    nodes: int
    links: int
    samples: list[float] = field(default_factory=list)  # seconds
    note: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000.0

    @property
    def p90_ms(self) -> float:
        return percentile(self.samples, 90) * 1000.0

    @property
    def min_ms(self) -> float:
        return min(self.samples) * 1000.0

    @property
    def target_ms(self) -> float | None:
        return target_for(self.nodes) if self.label == "analyze" else None


BenchFn = Callable[[dict[int, Design], int], list[Row]]
BENCHES: dict[str, BenchFn] = {}


def register(name: str) -> Callable[[BenchFn], BenchFn]:
    """Add a bench to ``--bench``; other ``bench_*.py`` files in this folder use it."""
    def deco(fn: BenchFn) -> BenchFn:
        BENCHES[name] = fn
        return fn
    return deco


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: with 15 samples p90 is a real sample)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def target_for(nodes: int) -> float | None:
    """The issue's target for a design of about this many nodes (within 25 %)."""
    size = min(TARGETS_MS, key=lambda s: abs(s - nodes))
    return TARGETS_MS[size] if abs(size - nodes) <= 0.25 * size else None


def time_call(fn: Callable[[], object], repeat: int, warmup: int = 1,
              budget_s: float = 30.0) -> list[float]:
    """Wall times (s) of ``repeat`` calls after ``warmup`` untimed ones.

    A full GC runs before each sample so one sample does not pay for another's garbage;
    when a call is slow the sampling stops after ``budget_s`` (with at least 3 samples).
    """
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    spent = 0.0
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        samples.append(dt)
        spent += dt
        if spent > budget_s and len(samples) >= 3:
            break
    return samples


def designs_for(sizes: Sequence[int], seed: int = 0) -> dict[int, Design]:
    """Requested size -> generated design (the same designs for every bench)."""
    return {size: sized(size, seed) for size in sizes}


def _analyze() -> Callable[..., object]:
    from modeller.analysis import analyze  # late: the engine may not exist yet
    return analyze


def analysis_phases(analyze: Callable[..., object]) -> dict[str, Callable[[Design], object]]:
    """What to time. "analyze" is the live pass the canvas runs after every edit
    (exact availability, importances, every failure scenario, latency) and is what
    the targets apply to; the full report adds the simulation and the sweeps."""
    from modeller.analysis.compiled import compile_design
    from modeller.analysis.simulation import simulate
    from modeller.analysis.sweeps import sweep_demand

    return {
        "analyze": lambda d: analyze(d, simulation_years=0, sweeps=False),
        "analyze(latency=False)": lambda d: analyze(d, simulation_years=0, sweeps=False,
                                                    latency=False),
        "compile_design": compile_design,
        "simulate(1000 years)": lambda d: simulate(d, years=1000),
        "sweep_demand(21 points)": sweep_demand,
        "analyze (CLI default: 1.5 s budget)": lambda d: analyze(
            d, time_budget=_default_budget()),
        "analyze (full report, no budget)": analyze,
    }


def _default_budget() -> float:
    from modeller.analysis.engine import DEFAULT_TIME_BUDGET
    return DEFAULT_TIME_BUDGET


@register("analysis")
def bench_analysis(designs: dict[int, Design], repeat: int) -> list[Row]:
    """Full analysis and its optional phases, per design size."""
    analyze = _analyze()
    rows = []
    for design in designs.values():
        for label, fn in analysis_phases(analyze).items():
            samples = time_call(lambda fn=fn, design=design: fn(design), repeat)
            rows.append(Row("analysis", label, len(design.nodes), len(design.links), samples))
    return rows


def machine_line() -> str:
    load = ""
    if hasattr(os, "getloadavg"):
        load = " load avg " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} cpus{load}")


def print_table(rows: Sequence[Row], out=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    """A fixed-width table; 'vs target' is median / target (<= 1.00 meets it)."""
    head = (f"{'bench':<9} {'phase':<30} {'nodes':>5} {'links':>5} {'n':>3} "
            f"{'median ms':>10} {'p90 ms':>9} {'min ms':>9} {'target':>7} {'vs target':>9}")
    print(head, file=out)
    print("-" * len(head), file=out)
    for r in rows:
        t = r.target_ms
        tgt = f"{t:7.0f}" if t else f"{'':>7}"
        ratio = f"{r.median_ms / t:9.2f}" if t else f"{'':>9}"
        print(f"{r.bench:<9} {r.label:<30} {r.nodes:>5} {r.links:>5} {len(r.samples):>3} "
              f"{r.median_ms:10.2f} {r.p90_ms:9.2f} {r.min_ms:9.2f} {tgt} {ratio}"
              + (f"  {r.note}" if r.note else ""), file=out)


def print_targets(out=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    parts = ", ".join(f"~{n} nodes <= {ms:g} ms" for n, ms in TARGETS_MS.items())
    print(f"targets (issue 2, full analyze, median): {parts}", file=out)


def profile(size: int, seed: int = 0, top: int = 25, out=sys.stdout) -> pstats.Stats:  # type: ignore[no-untyped-def]
    """cProfile one full analysis (after a warm-up) and print the top functions by
    cumulative time: where to look when tuning the engine."""
    analyze = _analyze()
    design = sized(size, seed)
    analyze(design, simulation_years=0, sweeps=False)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.runcall(analyze, design, simulation_years=0, sweeps=False)
    wall = time.perf_counter() - t0
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    print(f"profile of analyze(): {len(design.nodes)} nodes, {len(design.links)} links, "
          f"{wall * 1000:.1f} ms under cProfile", file=out)
    print(buf.getvalue(), file=out)
    return stats


def load_bench_modules() -> list[str]:
    """Import every other ``bench_*`` module here so its ``@register`` runs; a module
    that cannot import (no display, no engine yet) is reported, not fatal."""
    problems = []
    pkg = sys.modules[__package__] if __package__ else None
    if pkg is None or not hasattr(pkg, "__path__"):
        return problems
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("bench_") and f"{__package__}.{info.name}" != __name__:
            try:
                importlib.import_module(f"{__package__}.{info.name}")
            except Exception as exc:  # report and carry on
                problems.append(f"{info.name}: {type(exc).__name__}: {exc}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the analysis engine (issue 2).")
    ap.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                    help="approximate node counts (containers included)")
    ap.add_argument("--repeat", type=int, default=15, help="timed samples per phase")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bench", nargs="+", default=["analysis"],
                    help="registered benches to run, or 'all'")
    ap.add_argument("--profile", type=int, metavar="SIZE",
                    help="cProfile one analysis of a SIZE-node design instead")
    ap.add_argument("--top", type=int, default=25, help="functions to list with --profile")
    ap.add_argument("--compare", action="store_true",
                    help="run the issue-16 families against SCRAM and RePyability when "
                         "installed (bench_families.py); alone, it runs only that bench")
    ap.add_argument("--only", help="with --compare: families whose name contains this")
    args = ap.parse_args(argv)

    print(machine_line())
    if args.profile:
        profile(args.profile, args.seed, args.top)
        return 0
    problems = load_bench_modules()
    for p in problems:
        print(f"skipped bench module {p}")
    names = list(BENCHES) if "all" in args.bench else args.bench
    if args.compare:
        fam = importlib.import_module(f"{__package__}.bench_families")
        fam.OPTIONS.update(compare=True, only=args.only)
        if args.bench == ["analysis"]:
            names = ["families"]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown bench {', '.join(unknown)}; have: {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    designs = designs_for(args.sizes, args.seed)
    print_targets()
    rows: list[Row] = []
    for name in names:
        rows += BENCHES[name](designs, args.repeat)
    print_table(rows)
    return 0


if __name__ == "__main__":
    # run the canonical module, so benches that import ``register`` from it register
    # into the same BENCHES as the main() that runs them
    raise SystemExit(importlib.import_module(f"{__package__}.bench_analysis").main())
