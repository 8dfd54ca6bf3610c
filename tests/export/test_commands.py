"""`modeller export` and `modeller import-drawio` as the CLI will call them."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import pytest

from modeller.analysis import analyze
from modeller.export import add_commands, csv_report, export_command, import_command
from modeller.export.drawio import import_drawio
from modeller.model import load_design

from .helpers import FIXTURES, NESTED

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "multi-az.arch.json"


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="modeller")
    add_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


@pytest.mark.parametrize(("suffix", "marker"), [
    (".html", "<!DOCTYPE html>"), (".md", "# Web shop"), (".csv", "id,name,kind"),
    (".drawio", "<mxfile"),
])
def test_export_writes_each_format(tmp_path: Path, suffix: str, marker: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"report{suffix}"
    ns = _parse(["export", str(EXAMPLE), "-o", str(out), "--simulate", "100"])
    assert ns.func(ns) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(marker)
    assert capsys.readouterr().err == ""
    if suffix == ".md":
        assert "Simulated years | 100 (seed 0)" in text
    if suffix == ".drawio":
        design, notes = import_drawio(out)
        assert design == load_design(EXAMPLE) and notes == []


def test_csv_export_matches_the_report(tmp_path: Path) -> None:
    out = tmp_path / "nodes.csv"
    assert export_command(argparse.Namespace(file=str(EXAMPLE), output=str(out))) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    expected = list(csv.DictReader(io.StringIO(csv_report(
        analyze(load_design(EXAMPLE), simulation_years=0, sweeps=False)))))
    assert rows == expected


@pytest.mark.parametrize(("argv", "message"), [
    (["{example}", "-o", "{tmp}/out.gif"], "unknown export type .gif"),
    (["{tmp}/missing.arch.json", "-o", "{tmp}/out.html"], "cannot be read"),
    (["{bad}", "-o", "{tmp}/out.html"], "not valid JSON"),
    (["{example}", "-o", "{tmp}/no/such/dir/out.html"], "cannot be written"),
])
def test_export_refusals_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      argv: list[str], message: str) -> None:
    bad = tmp_path / "bad.arch.json"
    bad.write_text("{nope", encoding="utf-8")
    args = [a.format(example=EXAMPLE, tmp=tmp_path, bad=bad) for a in argv]
    ns = _parse(["export", *args])
    assert ns.func(ns) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("modeller: ")


def test_import_command_writes_a_loadable_design(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "checkout.arch.json"
    ns = _parse(["import-drawio", str(NESTED), "-o", str(out)])
    assert ns.func(ns) == 0
    design = load_design(out)
    assert design == import_drawio(NESTED)[0]
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    # 8 parts (Shoppers, Route 53, the LB, Web A/B, Redis, Orders DB, the cylinder) and
    # 3 boxes (eu-west-1 and its two zones); Web A and Web B say nothing: defaulted
    assert first == ("checkout-nested.drawio: 8 parts: 0 mapped by library; 6 by label or shape; "
                     "2 defaulted; 1 with a sourced preset; 3 boxes; client drawn")
    assert '\n    "Orders DB": database (label says "db")' in err  # grouped, indented
    assert "\n  by label or shape (6):" in err and "\n  defaulted (2):" in err
    assert f"{out}: 11 nodes, 9 links" in err


def test_import_command_default_output_and_refusal(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "diagram.drawio"
    src.write_text(NESTED.read_text(encoding="utf-8"), encoding="utf-8")
    assert import_command(argparse.Namespace(file=str(src), output=None)) == 0
    assert (tmp_path / "diagram.arch.json").is_file()
    capsys.readouterr()
    assert import_command(argparse.Namespace(file=str(FIXTURES / "billion-laughs.drawio"),
                                             output=str(tmp_path / "x.arch.json"))) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DOCTYPE or ENTITY" in err
    assert not (tmp_path / "x.arch.json").exists()
