"""The issue-16 families, timed against the peers (SCRAM, RePyability) when installed.

    python -m tests.bench.bench_families                 # our live pass on every family
    python -m tests.bench.bench_families --compare       # and the peers, with ratios
    python -m tests.bench.bench_families --compare --only "tier chain" --repeat 3
    python -m tests.bench.bench_analysis --bench families --compare   # the same, registered

What is timed (median of ``--repeat`` samples after one warm-up; peers: fewer samples,
they are slower):

- ours: the live pass ``analyze(design, simulation_years=0, sweeps=False)`` — exact
  availability per client and node, Birnbaum importances, every failure scenario.
- SCRAM (Debian's ``scram``, C++ BDD): the design as a replica-level fault tree
  (``peers/scram_ft.py``), ``scram --bdd --probability true --importance true -l 2``.
  "SCRAM p+i" is what SCRAM reports it spent on probability + importance (the issue's
  measure), "SCRAM BDD" what it spent building the BDD and its products (no ratio),
  "SCRAM wall" the whole process.
- RePyability (PyPI, pure Python): the design as an RBD (``peers/repyability_rbd.py``):
  building it, its reliability and every block's Birnbaum importance.

Each peer runs in a child process (``peers/run_peer.py``) limited to ``--peer-timeout``
seconds and 6 GiB: one that does not finish is a row saying so, not a hung bench.

Ratios are ours / peer (below 1: we are faster). Each peer's P(down) is checked against
ours; a translation that is not exact (capacity pools, loads that move with zones) or a
P(down) that differs by more than 1e-5 relative is marked ``≈`` (still timed). A
family our engine refuses shows the message instead of a time.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from modeller.model import Design

from .bench_analysis import Row, machine_line, register, time_call
from .families import FAMILIES

ROOT = Path(__file__).resolve().parents[2]  # the repository: ``python -m tests.bench...``

OPTIONS: dict[str, object] = {"compare": False, "only": None, "peer_repeat": 3,
                              "peer_timeout": 120.0}


@dataclass
class Peer:
    name: str
    seconds: list[float] = field(default_factory=list)  # what the ratio uses
    wall: list[float] = field(default_factory=list)
    bdd: list[float] = field(default_factory=list)  # SCRAM: building the BDD, products
    unavailability: float = math.nan
    exact: bool = True
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else math.nan


@dataclass
class Line:
    family: str
    components: int
    links: int = 0
    ours: list[float] = field(default_factory=list)
    q: float = math.nan
    error: str = ""
    peers: dict[str, Peer] = field(default_factory=dict)

    @property
    def ours_ms(self) -> float:
        return statistics.median(self.ours) * 1000.0 if self.ours else math.nan


def _ours(design: Design) -> Callable[[], object]:
    from modeller.analysis import analyze
    return lambda: analyze(design, simulation_years=0, sweeps=False)


PEER_TIMEOUT = 120.0  # seconds per peer and family (all its samples)
PEER_MEMORY = 6 * 2**30  # bytes of address space for a peer's process


def _limit_memory() -> None:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (PEER_MEMORY, PEER_MEMORY))


def _peer(peer: str, label: str, family: str, repeat: int, timeout: float) -> Peer:
    """Run ``peers/run_peer.py`` in a child process with a time and memory limit."""
    out = Peer(label)
    cmd = [sys.executable, "-m", f"{__package__}.peers.run_peer", peer, family, str(repeat)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=_limit_memory, cwd=ROOT)
    except subprocess.TimeoutExpired:
        out.error = f"did not finish in {timeout:g} s"
        return out
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        out.error = ("out of memory" if "MemoryError" in proc.stderr
                     else f"failed: {tail[:60]}")
        return out
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    out.seconds, out.wall, out.bdd = data["seconds"], data["wall"], data.get("bdd", [])
    out.exact, out.error = bool(data["exact"]), data["error"]
    if data["unavailability"] is not None:
        out.unavailability = float(data["unavailability"])
    return out


def measure(names: Sequence[str], repeat: int, compare: bool, peer_repeat: int,
            timeout: float = PEER_TIMEOUT) -> list[Line]:
    lines = []
    for name in names:
        design = FAMILIES[name]()
        line = Line(name, len(design.nodes), len(design.links))
        try:
            run = _ours(design)
            line.ours = time_call(run, repeat, budget_s=20.0)
            from modeller.analysis import analyze
            line.q = analyze(design, simulation_years=0, sweeps=False,
                             latency=False).system.unavailability
        except Exception as exc:  # e.g. refused: too many joint states
            line.error = str(exc).splitlines()[0][:70]
        if compare:
            line.peers["SCRAM"] = _peer("scram", "SCRAM", name, peer_repeat, timeout)
            line.peers["RePyability"] = _peer("repyability", "RePyability", name, peer_repeat,
                                              timeout)
        lines.append(line)
        print(f"  measured {name} ({line.components} components)", file=sys.stderr, flush=True)
    return lines


def _agrees(line: Line, peer: Peer) -> bool:
    if not peer.exact or math.isnan(line.q) or math.isnan(peer.unavailability):
        return False
    return abs(peer.unavailability - line.q) <= 1e-5 * max(line.q, 1e-300)


def _ms(x: float) -> str:
    return "—" if math.isnan(x) else (f"{x:.3f}" if x < 1 else f"{x:.1f}")


def print_comparison(lines: Sequence[Line], out=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    head = (f"{'family':<22} {'comp':>5} {'ours ms':>9} {'SCRAM p+i':>10} {'ratio':>7} "
            f"{'SCRAM BDD':>10} {'SCRAM wall':>10} {'ratio':>7} {'RePy ms':>9} {'ratio':>7}  notes")
    print(head, file=out)
    print("-" * len(head), file=out)
    for ln in lines:
        notes = []
        ours = ln.ours_ms
        if ln.error:
            notes.append(f"ours: {ln.error}")
        cells = []
        for key in ("SCRAM", "RePyability"):
            p = ln.peers.get(key)
            if p is None or p.error or not p.seconds:
                if p is not None and p.error:
                    notes.append(f"{key}: {p.error}")
                cells.append(("—", "—", "—", "—", "—") if key == "SCRAM" else ("—", "—"))
                continue
            mark = "" if _agrees(ln, p) else "≈"
            if mark:
                notes.append(f"{key} ≈ (translation not exact or P(down) differs: "
                             f"{p.unavailability:.6g} vs {ln.q:.6g})")
            own = p.median * 1000.0
            ratio = f"{ours / own:.2f}{mark}" if own > 0 and not math.isnan(ours) else "—"
            if key == "SCRAM":
                wall = statistics.median(p.wall) * 1000.0
                wratio = f"{ours / wall:.2f}{mark}" if not math.isnan(ours) else "—"
                bdd = statistics.median(p.bdd) * 1000.0 if p.bdd else math.nan
                cells.append((_ms(own), ratio, _ms(bdd), _ms(wall), wratio))
            else:
                cells.append((_ms(own), ratio))
        s, r = cells
        print(f"{ln.family:<22} {ln.components:>5} {_ms(ours):>9} {s[0]:>10} {s[1]:>7} "
              f"{s[2]:>10} {s[3]:>10} {s[4]:>7} {r[0]:>9} {r[1]:>7}  {'; '.join(notes)}",
              file=out)
    print("ratio = ours / peer (below 1: ours is faster); ≈: see notes", file=out)


@register("families")
def bench_families(designs: dict[int, Design], repeat: int) -> list[Row]:
    """Issue-16 families (the sizes are fixed per family; ``designs`` is not used)."""
    only = OPTIONS.get("only")
    names = [n for n in FAMILIES if not only or str(only) in n]
    compare = bool(OPTIONS.get("compare"))
    lines = measure(names, repeat, compare, int(OPTIONS.get("peer_repeat", 3)),  # type: ignore[call-overload]
                    float(OPTIONS.get("peer_timeout", PEER_TIMEOUT)))  # type: ignore[arg-type]
    if compare:
        print_comparison(lines)
    rows = []
    for ln in lines:
        if ln.ours:
            rows.append(Row("families", ln.family, ln.components, ln.links, ln.ours))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Issue-16 families, optionally against the peers.")
    ap.add_argument("--compare", action="store_true",
                    help="also time SCRAM and RePyability when installed, and print ratios")
    ap.add_argument("--only", help="families whose name contains this text")
    ap.add_argument("--repeat", type=int, default=7, help="samples of our live pass")
    ap.add_argument("--peer-repeat", type=int, default=3, help="samples of each peer")
    ap.add_argument("--peer-timeout", type=float, default=PEER_TIMEOUT,
                    help="seconds a peer may take on one family (all its samples)")
    args = ap.parse_args(argv)
    print(machine_line())
    t0 = time.perf_counter()
    names = [n for n in FAMILIES if not args.only or args.only in n]
    lines = measure(names, args.repeat, args.compare, args.peer_repeat, args.peer_timeout)
    if args.compare:
        print_comparison(lines)
    else:
        for ln in lines:
            print(f"{ln.family:<22} {ln.components:>5} {_ms(ln.ours_ms):>9} ms  {ln.error}")
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
