"""Hostile files and text (issue 17, items 5-8): special files, non-finite numbers,
duplicate keys, control characters.

Bounded by hang guards (SIGALRM in-process, a timeout on child processes) and memory
caps (RLIMIT_AS in the child), never by measuring time.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from modeller.model import (
    Design,
    DesignError,
    Link,
    Node,
    dumps_design,
    load_design,
    loads_design,
    save_design,
)
from modeller.textsafe import for_terminal, for_xml, for_xml_bytes

from .helpers import check_cli, check_refusal, hang_guard, run_cli

BASE: dict = {
    "format": "modeller.design", "version": 1, "name": "Shop",
    "nodes": [{"id": "users", "kind": "client", "demand_rps": 10},
              {"id": "web", "kind": "service", "availability": 0.999}],
    "links": [{"from": "users", "to": "web"}],
}
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # anything but \t and \n


def _doc(**changes: object) -> dict:
    doc = copy.deepcopy(BASE)
    doc.update(changes)
    return doc


# -- 5. special files -----------------------------------------------------------------


needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@needs_dev_zero
def test_dev_zero_is_refused_without_reading_it() -> None:
    with hang_guard(30), pytest.raises(DesignError, match=r"cannot be read \(it is a device") as info:
        load_design("/dev/zero")
    check_refusal(info.value)


@needs_dev_zero
def test_dev_zero_from_the_command_line_exits_2_in_bounded_memory() -> None:
    res = run_cli(Path("/dev/zero"), "--json", timeout=120, memory_bytes=1024 * 2**20)
    check_cli(res, "/dev/zero")  # was: read until memory ran out, exit 3
    assert res.code == 2 and "device" in res.stderr


@needs_fifo
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "design.arch.json"
    os.mkfifo(fifo)
    with hang_guard(30), pytest.raises(DesignError, match="named pipe") as info:
        load_design(fifo)  # was: open() waited forever for a writer
    check_refusal(info.value)
    res = run_cli(fifo, "--json", timeout=120)
    check_cli(res, "fifo")
    assert res.code == 2 and "named pipe" in res.stderr


def test_a_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(DesignError, match="folder, not a file"):
        load_design(tmp_path)


def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from modeller.model import io

    path = tmp_path / "big.arch.json"
    path.write_text(json.dumps(_doc()), encoding="utf-8")
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 64)
    with pytest.raises(DesignError, match="larger than"):
        io.read_file_bounded(path, 64)


# -- 6. numbers too large for a float ---------------------------------------------------


@pytest.mark.parametrize("where", ["node", "slo", "link", "settings", "top"])
def test_1e400_in_an_unknown_field_is_refused_on_load(where: str) -> None:
    doc = _doc()
    if where == "node":
        doc["nodes"][1]["budget"] = "RAW"
    elif where == "slo":
        doc["nodes"][0]["slo"] = {"availability": 0.99, "budget": "RAW"}
    elif where == "link":
        doc["links"][0]["weight"] = ["RAW"]
    elif where == "settings":
        doc["settings"] = {"budget": {"deep": ["RAW"]}}
    else:
        doc["budget"] = "RAW"
    text = json.dumps(doc).replace('"RAW"', "1e400")
    with pytest.raises(DesignError, match="too large to store") as info:
        loads_design(text, "big.arch.json")  # was: loaded as inf, saved as Infinity
    check_refusal(info.value)
    assert "budget" in str(info.value) or "weight" in str(info.value)


def test_1e400_from_the_command_line_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "inf.arch.json"
    path.write_text(json.dumps(_doc(budget="RAW")).replace('"RAW"', "1e400"), encoding="utf-8")
    res = run_cli(path, "--json", timeout=120)
    check_cli(res, "1e400")
    assert res.code == 2 and "design.budget" in res.stderr


def test_a_huge_integer_in_an_unknown_field_round_trips(tmp_path: Path) -> None:
    big = 10**400  # a JSON integer is exact, not a float: it can be written back as is
    design = loads_design(json.dumps(_doc(budget=big)))
    path = tmp_path / "big.arch.json"
    save_design(design, path)
    assert load_design(path).extra["budget"] == big


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, [1.0, {"x": math.inf}]])
def test_saving_a_non_finite_number_is_refused_and_writes_nothing(tmp_path: Path, value: object) -> None:
    design = loads_design(json.dumps(_doc()))
    design.nodes["web"].extra["budget"] = value
    path = tmp_path / "out.arch.json"
    path.write_text("previous", encoding="utf-8")
    with pytest.raises(DesignError, match="cannot be saved") as info:
        save_design(design, path)
    check_refusal(info.value)
    assert 'node "web".budget' in str(info.value)
    assert path.read_text(encoding="utf-8") == "previous"  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.arch.json"]  # no temp debris
    with pytest.raises(DesignError):
        dumps_design(design)


# -- 8. duplicate keys ----------------------------------------------------------------------


def test_duplicate_keys_are_refused_not_last_wins() -> None:
    text = json.dumps(_doc()).replace('"availability": 0.999',
                                      '"availability": 0.999, "availability": 0.5')
    with pytest.raises(DesignError, match='key "availability" twice') as info:
        loads_design(text, "dup.arch.json")
    check_refusal(info.value)
    assert 'id "web"' in str(info.value)
    top = '{"format": "modeller.design", "name": "a", "name": "b", "nodes": []}'
    with pytest.raises(DesignError, match='key "name" twice'):
        loads_design(top)


# -- 7. control characters: escaped on the way to a terminal or into XML ---------------


NASTY_NAME = "Pay\x1b[2J\x1b]0;owned\x07\x00ment\rs\x0bvc\x9b31m\x7f"


def _nasty_design_file(tmp_path: Path) -> Path:
    doc = _doc(name="Shop\x1b[31m")
    doc["nodes"][1]["name"] = NASTY_NAME
    doc["nodes"][0]["slo"] = {"availability": 0.99999}  # missed: the client is listed
    path = tmp_path / "nasty.arch.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_names_with_control_characters_load_and_keep_their_text(tmp_path: Path) -> None:
    design = load_design(_nasty_design_file(tmp_path))
    assert design.nodes["web"].name == NASTY_NAME  # stored as typed


@pytest.mark.parametrize("as_json", [False, True])
def test_the_terminal_never_sees_a_raw_control_character(tmp_path: Path, as_json: bool) -> None:
    res = run_cli(_nasty_design_file(tmp_path), *(["--json"] if as_json else []), timeout=120)
    assert res.code in (0, 1), res.stderr
    assert not RAW_CONTROL.search(res.stdout), [m.group() for m in RAW_CONTROL.finditer(res.stdout)]
    if as_json:
        report = json.loads(res.stdout)  # still JSON, and the name is intact inside it
        assert report["nodes"]["web"]["name"] == NASTY_NAME
    else:
        assert "Pay\\x1b[2J" in res.stdout


def test_refusals_escape_control_characters_too(tmp_path: Path) -> None:
    doc = _doc()
    doc["links"].append({"from": "web", "to": "gh\x1b]0;owned\x07ost"})
    path = tmp_path / "dangling.arch.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    res = run_cli(path, timeout=120)
    check_cli(res, "dangling")
    assert res.code == 2 and "gh\\x1b]0;owned\\x07ost" in res.stderr
    assert not RAW_CONTROL.search(res.stderr)


def test_a_long_id_is_not_echoed_whole(tmp_path: Path) -> None:
    doc = _doc()
    doc["links"].append({"from": "web", "to": "x" * 1_000_000})
    path = tmp_path / "long.arch.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    res = run_cli(path, timeout=120)
    check_cli(res, "long id")
    assert res.code == 2 and len(res.stderr) < 2100


def test_text_helpers() -> None:
    assert for_terminal("a\x1b[2Jb\rc\nd\te\x9b") == "a\\x1b[2Jb\\rc\nd\te\\x9b"
    assert for_terminal("a\nb", keep_newlines=False) == "a\\nb"
    assert for_xml("a\x0bb\x00c\td\ne\ufffe") == "a\ufffdb\ufffdc\td\ne\ufffd"
    assert for_xml_bytes("a\x0bb é\uffff".encode()) == "a\ufffdb é\ufffd".encode()


def test_svg_export_is_well_formed_with_a_vertical_tab_in_a_name() -> None:
    pytest.importorskip("PySide6.QtSvg")
    from modeller.analysis import analyze
    from modeller.export import export_bytes

    design = Design("Shop\x0b", [Node("users", "client", name="us\x0bers", demand_rps=5.0),
                                 Node("web", "service", name="w\x00e\x1bb", availability=0.99)],
                    [Link("users", "web")])
    report = analyze(design, simulation_years=0, sweeps=False)
    data = export_bytes("svg", design, report)
    ET.fromstring(data)  # was: "not well-formed (invalid token)"
    assert "us\ufffders".encode() in data


def test_html_report_holds_no_raw_control_characters(tmp_path: Path) -> None:
    from modeller.analysis import analyze
    from modeller.export import export_text

    design = load_design(_nasty_design_file(tmp_path))
    report = analyze(design, simulation_years=0, sweeps=False)
    html = export_text("html", design, report)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", html)
    assert "Pay\ufffd[2J" in html


def test_deeply_nested_zones_are_refused_in_linear_time() -> None:
    """5 000 zones inside each other: the old loop check walked every chain with a list
    (n·d² steps, hours); now one linear pass, and more than 64 levels is refused."""
    n = 5000
    nodes = [{"id": "z0", "kind": "region"}]
    nodes += [{"id": f"z{i}", "kind": "zone", "parent": f"z{i - 1}"} for i in range(1, n)]
    with hang_guard(60), pytest.raises(DesignError, match="nested regions/zones") as info:
        loads_design(json.dumps(_doc(nodes=nodes, links=[])))
    check_refusal(info.value)
    assert "at most 64" in str(info.value)
    ok = [{"id": "z0", "kind": "region"}] + [{"id": f"z{i}", "kind": "zone", "parent": f"z{i - 1}"}
                                              for i in range(1, 65)]
    assert len(loads_design(json.dumps(_doc(nodes=ok, links=[]))).nodes) == 65


def test_a_long_container_loop_is_named_briefly() -> None:
    n = 3000
    nodes = [{"id": f"z{i}", "kind": "zone", "parent": f"z{(i + 1) % n}"} for i in range(n)]
    with hang_guard(60), pytest.raises(DesignError, match="containers hold each other") as info:
        loads_design(json.dumps(_doc(nodes=nodes, links=[])))
    assert len(str(info.value)) < 600 and "more" in str(info.value)
