"""``modeller compare``: exit codes, JSON, text and the HTML/Markdown/PDF exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modeller.cli import main
from tests.analysis.test_compare import DESIGN

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "resources" / "templates"


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELLER_DEBUG", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    p = tmp_path / "shop.arch.json"
    p.write_text(json.dumps(DESIGN), encoding="utf-8")
    return p


def test_variants_json(capsys: pytest.CaptureFixture[str], shop: Path) -> None:
    code, out, err = run(capsys, "compare", str(shop), "--json")
    assert code == 0 and err == ""  # "Two" and "Spread" meet the 99.9 % SLO
    data = json.loads(out)
    assert [o["name"] for o in data["options"]] == ["Base", "Two", "Spread"]
    assert [o["values"]["cost_month"] for o in data["options"]] == [100, 200, 200]
    best = {r["key"]: r["best"] for r in data["rows"]}
    assert best["availability"] == ["Spread"] and best["cost_month"] == ["Base"]
    assert data["options"][2]["values"]["zone_survival"] is True


def test_two_files_text_and_exit_one_when_no_option_meets_its_slo(
        capsys: pytest.CaptureFixture[str]) -> None:
    single = str(TEMPLATES / "single-instance.arch.json")  # misses its 99.9 % SLO
    code, out, _ = run(capsys, "compare", single, single)
    assert code == 1
    assert "Availability" in out and "Cost a month" in out and "(same)" in out
    code, _, _ = run(capsys, "compare", single, str(TEMPLATES / "multi-az-active-active.arch.json"))
    assert code == 0


def test_refusals_exit_two(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "compare", str(TEMPLATES / "single-instance.arch.json"))
    assert code == 2 and out == ""
    assert "has no variants to compare" in err and "modeller compare A B" in err
    code, _, err = run(capsys, "compare", str(tmp_path / "missing.arch.json"), "x")
    assert code == 2 and "missing.arch.json: cannot be read" in err
    bad = tmp_path / "bad.arch.json"
    data = dict(DESIGN, variants=[{"name": "B", "nodes": {"ghost": {}}}])
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "compare", str(bad))
    assert code == 2 and 'bad.arch.json: variants[0] "B".nodes "ghost"' in err
    code, _, err = run(capsys, "compare", "a", "b", "c")
    assert code == 2 and "one file (its variants) or two files" in err


@pytest.mark.parametrize("suffix", [".html", ".md", ".json", ".pdf"])
def test_exports(capsys: pytest.CaptureFixture[str], shop: Path, tmp_path: Path,
                 suffix: str) -> None:
    out = tmp_path / f"cmp{suffix}"
    code, stdout, err = run(capsys, "compare", str(shop), "-o", str(out))
    assert code == 0 and stdout == "" and err == ""
    data = out.read_bytes()
    if suffix == ".pdf":
        assert data.startswith(b"%PDF")
        return
    text = data.decode("utf-8")
    for name in ("Base", "Two", "Spread"):
        assert name in text
    if suffix == ".html":
        assert "<svg" in text and text.count("<circle") == 3 and "★" in text
        assert "<script" not in text
    if suffix == ".md":
        # cost: the base is the cheapest, marked in its cell; deltas against the base
        assert "| Cost a month | **100** ★ | 200 (+100) | 200 (+100) |" in text
    code, _, err = run(capsys, "compare", str(shop), "-o", str(tmp_path / "x.docx"))
    assert code == 2 and "unknown type .docx" in err
