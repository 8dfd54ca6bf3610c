"""Design files: round trip, atomic save, and friendly refusal of every malformed input."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from modeller.cli import main
from modeller.model import (
    Design,
    DesignError,
    design_to_dict,
    dumps_design,
    load_design,
    loads_design,
    save_design,
)

EXAMPLES = ("three-tier", "multi-az", "two-regions")

BASE: dict = {
    "format": "modeller.design",
    "version": 1,
    "name": "Tiny",
    "settings": {"default_mttr_hours": 2},
    "nodes": [
        {"id": "users", "kind": "client", "demand_rps": 100, "slo": {"availability": 0.99}},
        {"id": "web", "kind": "service", "replicas": 2, "availability": 0.995, "capacity_rps": 200},
        {"id": "db", "kind": "database", "availability": 0.999},
    ],
    "links": [{"from": "users", "to": "web"}, {"from": "web", "to": "db", "calls": 2}],
}


def tiny(**top) -> dict:
    d = copy.deepcopy(BASE)
    d.update(top)
    return d


def node(d: dict, node_id: str) -> dict:
    return next(n for n in d["nodes"] if n["id"] == node_id)


# -- round trip ---------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_round_trip(examples_dir: Path, tmp_path: Path, name: str) -> None:
    original = load_design(examples_dir / f"{name}.arch.json")
    out = tmp_path / "copy.arch.json"
    save_design(original, out)
    again = load_design(out)
    assert again == original
    assert len(again.nodes) == len(original.nodes) >= 7
    # saving what was loaded is a fixed point: same bytes the second time
    assert dumps_design(again) == out.read_text(encoding="utf-8")
    # the example's own unknown field (its description) survives
    assert again.extra["description"] == original.extra["description"]
    assert len(original.extra["description"]) > 40


def test_unknown_fields_survive_save(tmp_path: Path) -> None:
    raw = tiny(owner={"team": "payments", "oncall": ["ana", "bo"]})
    raw["x-revision"] = 7
    raw["settings"]["currency"] = "EUR"
    node(raw, "web")["runbook"] = "https://wiki.example/web"
    node(raw, "web")["tags"] = {"tier": "front", "pci": False}
    node(raw, "users")["slo"]["error_budget_policy"] = "freeze"
    raw["links"][1]["protocol"] = "grpc"
    src = tmp_path / "in.arch.json"
    src.write_text(json.dumps(raw), encoding="utf-8")

    design = load_design(src)
    dst = tmp_path / "out.arch.json"
    save_design(design, dst)
    saved = json.loads(dst.read_text(encoding="utf-8"))

    assert saved["owner"] == {"team": "payments", "oncall": ["ana", "bo"]}
    assert saved["x-revision"] == 7
    assert saved["settings"] == {"default_mttr_hours": 2, "currency": "EUR"}
    assert node(saved, "web")["runbook"] == "https://wiki.example/web"
    assert node(saved, "web")["tags"] == {"tier": "front", "pci": False}
    assert node(saved, "users")["slo"] == {"availability": 0.99, "error_budget_policy": "freeze"}
    assert saved["links"][1] == {"from": "web", "to": "db", "calls": 2, "protocol": "grpc"}
    assert saved["links"][0] == {"from": "users", "to": "web"}
    assert load_design(dst) == design


def test_round_trip_keeps_every_number() -> None:
    raw = tiny()
    node(raw, "web").update({"min_healthy": 1, "service_time_ms": 12.5, "cost_month": 70,
                             "mtbf_hours": 2000, "mttr_hours": 0.5})
    design = loads_design(json.dumps(raw))
    web = design.nodes["web"]
    assert (web.replicas, web.min_healthy, web.capacity_rps) == (2, 1, 200.0)
    assert web.replica_availability == pytest.approx(2000 / 2000.5, rel=1e-15)
    again = loads_design(dumps_design(design))
    assert again == design
    assert design_to_dict(again) == design_to_dict(design)


# -- atomic save --------------------------------------------------------------


def test_save_leaves_no_temp_file(tmp_path: Path) -> None:
    design = loads_design(json.dumps(tiny()))
    target = tmp_path / "d.arch.json"
    save_design(design, target)
    save_design(design, target)  # overwrite too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.arch.json"]
    assert load_design(target) == design


def test_failed_save_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "d.arch.json"
    old = loads_design(json.dumps(tiny(name="Old")))
    save_design(old, target)
    before = target.read_bytes()

    def refuse(src, dst):  # the rename step fails (disk full, permissions, crash...)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    new = loads_design(json.dumps(tiny(name="New")))
    with pytest.raises(OSError):
        save_design(new, target)
    monkeypatch.undo()

    assert target.read_bytes() == before
    assert load_design(target).name == "Old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.arch.json"]


# -- refusals: exit 2, one stderr line naming the place, never a traceback -----


def _with(**changes) -> dict:
    """BASE with node/link edits: keys 'node:<id>' (dict update) or top-level keys."""
    d = tiny()
    for key, value in changes.items():
        if key.startswith("node_"):
            node(d, key[5:]).update(value)
        else:
            d[key] = value
    return d


def _nodes_plus(*extra: dict) -> list:
    return copy.deepcopy(BASE["nodes"]) + list(extra)


CYCLE_LINKS = [
    {"from": "users", "to": "web"}, {"from": "web", "to": "db"},
    {"from": "db", "to": "auth"}, {"from": "auth", "to": "web"},
]

BAD_DESIGNS: dict[str, tuple[object, list[str]]] = {
    # name: (file content: bytes, str or dict, substrings the one line must contain)
    "not_json": ('{"format": "modeller.design", nodes: []}', ["is not valid JSON", "line 1, column 31"]),
    "wrong_format": (tiny(format="drawio.mxfile"), ["format", "drawio.mxfile"]),
    "newer_version": (tiny(version=7), ["version", "newer"]),
    "dangling_link": (tiny(links=[{"from": "users", "to": "ghost"}]), ["links[0]", '"ghost"']),
    "dangling_parent": (_with(node_web={"parent": "eu-west-9"}), ['node "web"', '"eu-west-9"']),
    "cycle": (tiny(nodes=_nodes_plus({"id": "auth", "kind": "service"}), links=CYCLE_LINKS),
              ["cycle", "web → db → auth → web"]),
    "string_availability": (_with(node_web={"availability": "99.5%"}),
                            ['nodes[1] "web".availability', "finite number"]),
    "nan_literal": ('{"format": "modeller.design", "nodes": [{"id": "a", "kind": "service", '
                    '"availability": NaN}]}', ["NaN"]),
    "overflow_to_infinity": ('{"format": "modeller.design", "nodes": [{"id": "a", "kind": "service", '
                             '"capacity_rps": 1e999}]}', ['nodes[0] "a".capacity_rps', "finite"]),
    "negative_replicas": (_with(node_web={"replicas": -2}), ['nodes[1] "web".replicas', "whole number"]),
    "availability_zero": (_with(node_db={"availability": 0}), ['nodes[2] "db".availability', "greater than 0"]),
    "availability_above_one": (_with(node_db={"availability": 1.5}), ['nodes[2] "db".availability', "at most 1"]),
    "container_loop": (tiny(nodes=_nodes_plus(
        {"id": "eu", "kind": "region", "parent": "eu-a"},
        {"id": "eu-a", "kind": "zone", "parent": "eu"})), ["containers hold each other", "eu", "eu-a"]),
    "duplicate_id": (tiny(nodes=_nodes_plus({"id": "web", "kind": "cache"})), ['duplicate id "web"', "nodes[3]"]),
    "link_into_container": (tiny(nodes=_nodes_plus({"id": "eu", "kind": "region"}),
                                 links=[{"from": "users", "to": "eu"}]), ["links[0]", "regions or zones"]),
    "min_healthy_above_replicas": (_with(node_web={"min_healthy": 3}), ['node "web"', "min_healthy 3", "2 replicas"]),
    "binary": (bytes(range(256)) * 4, ["not UTF-8"]),
    "binary_zeros": (b"\x00" * 64, ["is not valid JSON"]),
    "top_level_list": ("[1, 2, 3]", ["top level"]),
}


def _write(path: Path, content: object) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")


def _refused(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    code = main(["analyze", str(path)])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("case", sorted(BAD_DESIGNS))
def test_malformed_input_is_refused_in_one_line(
        case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELLER_DEBUG", raising=False)
    content, expected = BAD_DESIGNS[case]
    path = tmp_path / f"{case}.arch.json"
    _write(path, content)
    line = _refused(capsys, path)
    assert str(path) in line  # the file
    for piece in expected:  # the place and the problem
        assert piece in line, line
    assert " — " in line  # and the fix
    with pytest.raises(DesignError):  # the library refuses the same way
        load_design(path)


def test_missing_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nope.arch.json"
    line = _refused(capsys, path)
    assert str(path) in line and "cannot be read" in line


def test_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _refused(capsys, tmp_path)
    assert "cannot be read" in line


@pytest.mark.parametrize("content,expected", [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "not UTF-8"),
    ('{"format": "modeller.design", "nodes": [{"id": "a", "kind": "service", "replicas": -1}]}',
     'nodes[0] "a".replicas'),
])
def test_refusal_from_a_real_process(tmp_path: Path, content: object, expected: str) -> None:
    """The installed command behaves the same: exit 2, one line, no traceback."""
    path = tmp_path / "bad.arch.json"
    _write(path, content)
    env = {k: v for k, v in os.environ.items() if k != "MODELLER_DEBUG"}
    proc = subprocess.run([sys.executable, "-m", "modeller", "analyze", str(path)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert expected in proc.stderr and "Traceback" not in proc.stderr


def test_a_refused_file_loads_nothing(tmp_path: Path) -> None:
    """Never a half-loaded design: the error carries no partial result."""
    path = tmp_path / "x.arch.json"
    _write(path, tiny(links=[{"from": "users", "to": "web"}, {"from": "web", "to": "nowhere"}]))
    with pytest.raises(DesignError) as info:
        load_design(path)
    assert info.value.file == str(path)
    assert info.value.place.startswith("links[1]")
    assert isinstance(loads_design(json.dumps(tiny())), Design)
