"""Time one peer on one bench family in a child process (the bench gives it a time and
memory limit: a peer that explodes on a design must not take the bench with it).

    python -m tests.bench.peers.run_peer scram|repyability "tier chain 250" REPEAT

Prints one JSON object: seconds (what the ratio uses: SCRAM's own probability +
importance time; RePyability's build + reliability + importance), wall, bdd (SCRAM's
BDD and products time), unavailability, exact, error.
"""

from __future__ import annotations

import json
import sys

from ..families import FAMILIES
from . import repyability_rbd, scram_ft


def measure(peer: str, family: str, repeat: int) -> dict:
    design = FAMILIES[family]()
    out: dict = {"seconds": [], "wall": [], "unavailability": None, "exact": True, "error": ""}
    if peer == "scram":
        if not scram_ft.scram_available():
            out["error"] = "not installed"
            return out
        tree = scram_ft.fault_tree(design, "replica")
        out["exact"] = tree.exact
        for _ in range(repeat):
            res = scram_ft.run_scram(tree, limit_order=2, importance=True, products=False)
            out["seconds"].append(res.seconds.get("probability", 0.0)
                                  + res.seconds.get("importance", 0.0))
            out.setdefault("bdd", []).append(res.seconds.get("products", 0.0))
            out["wall"].append(res.wall)
            out["unavailability"] = res.probability
    else:
        if not repyability_rbd.available():
            out["error"] = "not installed"
            return out
        d = repyability_rbd.diagram(design)
        out["exact"] = d.exact
        for _ in range(repeat):
            res = repyability_rbd.run(d)
            out["seconds"].append(res.seconds)
            out["wall"].append(res.seconds)
            out["unavailability"] = res.unavailability
    return out


def main(argv: list[str]) -> int:
    peer, family, repeat = argv[0], argv[1], int(argv[2])
    try:
        result = measure(peer, family, repeat)
    except Exception as exc:  # reported as the peer's result, not a crash
        result = {"seconds": [], "wall": [], "unavailability": None, "exact": False,
                  "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:80] if str(exc) else ''}"}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
