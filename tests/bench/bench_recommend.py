"""How long ``modeller recommend`` takes (issue 15): the bundled examples and a generated
130-node design whose SLO is raised so a search is needed.

    python -m tests.bench.bench_recommend
    python -m tests.bench.bench_recommend --sizes 130 300

One run each (a search is seconds, not milliseconds); rows give wall time, designs
evaluated, whether the search was exhaustive, and the cheapest option's cost change.
"""

from __future__ import annotations

import argparse
import time

from modeller.analysis import analyze
from modeller.analysis.recommend import nines_cost, recommend
from modeller.model import load_design
from modeller.resources import resource_path

from .generate import sized

EXAMPLES = ("three-tier", "multi-az", "two-regions")


def _row(name: str, design, with_nines: bool) -> str:  # noqa: ANN001
    t0 = time.perf_counter()
    rec = recommend(design)
    t1 = time.perf_counter()
    per = (t1 - t0) / max(rec.evaluations, 1)
    best = rec.options[0] if rec.options else None
    text = (f"{name:<34} {len(design.nodes):>5} {t1 - t0:>8.2f} s {rec.evaluations:>6} "
            f"{'yes' if rec.exhaustive else 'no':>10}  "
            + (f"{best.delta_cost_month:+,.0f}/month, {len(best.changes)} changes" if best
               else ("meets already" if rec.current.meets_all else "none found"))
            + (f" ({per:.2f} s a design)" if rec.evaluations else ""))
    if with_nines:
        t2 = time.perf_counter()
        rows = nines_cost(design)
        text += f"; nines curve {time.perf_counter() - t2:.2f} s ({len(rows) - 1} levels)"
    return text


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[130])
    ap.add_argument("--nines", action="store_true", help="also time the cost-of-each-nine curve")
    ap.add_argument("--downtime", type=float, default=0.97,
                    help="generated designs: the SLO allows this share of today's downtime")
    args = ap.parse_args(argv)
    print(f"{'design':<34} {'nodes':>5} {'time':>10} {'evals':>6} {'exhaustive':>10}  cheapest")
    for name in EXAMPLES:
        design = load_design(resource_path("examples") / f"{name}.arch.json")
        print(_row(name, design, args.nines), flush=True)
    design = load_design(resource_path("examples") / "multi-az.arch.json")
    design.nodes["web"].spread, design.nodes["web"].parent = [], "eu-west-1a"
    design.nodes["users"].slo["availability"] = 0.9995
    print(_row("multi-az, web in one zone, SLO 99.95 %", design, args.nines), flush=True)
    for n in args.sizes:
        design = sized(n)
        rep = analyze(design, simulation_years=0, sweeps=False)
        # a little less downtime than today, so something must change
        for cid, c in rep.clients.items():
            design.nodes[cid].slo = dict(design.nodes[cid].slo,
                                         availability=1.0 - c.unavailability * args.downtime)
        label = f"generated {n} (SLO: {args.downtime:.0%} of downtime)"
        print(_row(label, design, args.nines), flush=True)


if __name__ == "__main__":
    main()
