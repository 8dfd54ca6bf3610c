"""``modeller analyze``: the minimal cut sets section and its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modeller.cli import main
from modeller.model import Design, Link, Node, save_design


def _design(path: Path) -> Path:
    """Shoppers -> LB (0.9995) -> web (2 x 0.99 over z1, z2) -> DB (2 x 0.995 over z1,
    z2); zones 0.999 in region r 0.9999. P(down) = 1 - 0.9999 x 0.9995 x [0.999^2 (1 -
    0.01^2)(1 - 0.005^2) + 2 x 0.999 x 0.001 x 0.99 x 0.995] = 7.5547e-4."""
    d = Design("Checkout", [
        Node("users", "client", "Shoppers", demand_rps=100.0),
        Node("r", "region", availability=0.9999),
        Node("z1", "zone", parent="r", availability=0.999),
        Node("z2", "zone", parent="r", availability=0.999),
        Node("lb", "load_balancer", "LB", parent="r", availability=0.9995),
        Node("web", "service", parent="r", replicas=2, availability=0.99, spread=["z1", "z2"]),
        Node("db", "database", "DB", parent="r", replicas=2, availability=0.995,
             spread=["z1", "z2"]),
    ], [Link("users", "lb"), Link("lb", "web"), Link("web", "db")])
    out = path / "checkout.arch.json"
    save_design(d, out)
    return out


def test_analyze_lists_cut_sets_as_sentences(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    main(["analyze", str(_design(tmp_path)), "--simulate", "0"])
    text = capsys.readouterr().out
    section = text[text.index("Minimal cut sets"):]
    lines = section.splitlines()
    # LB: 5e-4 / 7.5547e-4 = 66 %; both zones: 1e-6 / 7.5547e-4 = 0.13 %
    assert lines[1] == "   1. LB (its only replica)"
    assert lines[2] == ("      this failure alone takes Shoppers down: 66 % of the downtime "
                        "(probability 0.0005)")
    assert "   5. zone z1 + zone z2" in lines
    assert ("      these 2 failures together take Shoppers down: 0.13 % of the downtime "
            "(probability 1e-06)") in lines
    assert "rare-event approximation" in section


def test_analyze_json_has_cut_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["analyze", str(_design(tmp_path)), "--json", "--simulate", "0"])
    data = json.loads(capsys.readouterr().out)
    cuts = data["cut_sets"]
    assert [len(c["units"]) for c in cuts] == [1, 1, 1, 1, 2]
    pair = cuts[-1]
    assert [u["id"] for u in pair["units"]] == ["z1", "z2"] and pair["order"] == 2
    assert pair["probability"] == pytest.approx(1e-6, rel=1e-12)
    assert pair["share_of_downtime"] == pytest.approx(1e-6 / 7.554743671404074e-4, rel=1e-9)
    assert pair["clients"] == ["users"]
    assert data["cut_sets_summary"]["complete"] is True
