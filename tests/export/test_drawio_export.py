"""Exporting to draw.io, and the exact round trip design → .drawio → design."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from modeller.analysis import analyze
from modeller.export import export_drawio, import_drawio
from modeller.export.drawio import NODE_SIZE
from modeller.formatting import fmt_nines, fmt_percent
from modeller.model import Design, Link, Node, dumps_design, load_design

from .helpers import NESTED

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "resources" / "examples")
                  .glob("*.arch.json"))


def _cells(xml: str) -> tuple[ET.Element, list[ET.Element]]:
    """The model root and every cell (UserObject/object unwrapped to their mxCell, id kept)."""
    mxfile = ET.fromstring(xml)
    assert mxfile.tag == "mxfile"
    pages = mxfile.findall("diagram")
    assert len(pages) == 1
    model = pages[0].find("mxGraphModel")
    assert model is not None, "the page is stored uncompressed"
    root = model.find("root")
    assert root is not None
    return root, list(root)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_round_trip_exactly(path: Path, tmp_path: Path) -> None:
    design = load_design(path)
    for report in (None, analyze(design, simulation_years=0, sweeps=False)):
        xml = export_drawio(design, report)
        back, notes = import_drawio(xml)
        assert notes == []  # our own file: nothing guessed
        assert back == design  # ids, kinds, names, parents, geometry, fields, links, extras
        assert dumps_design(back) == dumps_design(design)
    out = tmp_path / "copy.drawio"
    out.write_text(xml, encoding="utf-8")
    again, _ = import_drawio(out)
    assert again == design


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 4


def test_export_structure_is_what_drawio_reads() -> None:
    design = load_design(EXAMPLES[[p.name for p in EXAMPLES].index("multi-az.arch.json")])
    report = analyze(design, simulation_years=0, sweeps=False)
    root, elements = _cells(export_drawio(design, report))
    assert elements[0].tag == "object" and elements[0].get("id") == "0"
    assert elements[0].find("mxCell") is not None and elements[0].find("mxCell").get("parent") is None
    assert elements[1].tag == "mxCell" and elements[1].get("id") == "1"
    assert elements[1].get("parent") == "0"
    by_node = {el.get("modeller_id"): el for el in elements if el.get("modeller_id")}
    assert set(by_node) == set(design.nodes)
    seen: set[str] = {"0", "1"}
    for el in elements[2:]:
        cell = el.find("mxCell")
        assert el.tag == "UserObject" and cell is not None
        assert cell.get("parent") in seen, "a parent comes before its children"
        seen.add(el.get("id"))
    for nid, node in design.nodes.items():
        el = by_node[nid]
        cell = el.find("mxCell")
        geo = cell.find("mxGeometry")
        assert cell.get("vertex") == "1" and geo.get("as") == "geometry"
        parent = design.nodes[node.parent] if node.parent else None
        assert cell.get("parent") == (f"n-{parent.id}" if parent else "1")
        # child geometry is relative to its container
        assert float(geo.get("x")) == node.x - (parent.x if parent else 0.0)
        assert float(geo.get("y")) == node.y - (parent.y if parent else 0.0)
        w = float(geo.get("width"))
        assert w == (node.w if node.w else (NODE_SIZE[0] if not node.is_container else w))
        style = cell.get("style")
        if node.kind == "region":
            assert style.startswith("swimlane;") and "container=1;" in style
        if node.kind == "zone":
            assert "container=1;" in style
        if node.kind == "database":
            assert "shape=cylinder3;" in style
        res = report.clients.get(nid) or report.nodes[nid]
        numbers = f"{fmt_percent(res.availability, res.unavailability)} · {fmt_nines(res.nines)} nines"
        assert el.get("label").endswith(numbers)
        assert el.get("modeller_kind") == node.kind
    assert by_node["db"].get("label") == "Orders DB<br>99.983 % · 3.76 nines"
    assert by_node["db"].get("modeller_failover") == "active-passive"
    assert by_node["db"].get("modeller_spread") == '["eu-west-1a", "eu-west-1b"]'
    edges = [el for el in elements if el.find("mxCell") is not None
             and el.find("mxCell").get("edge") == "1"]
    assert len(edges) == len(design.links)
    for el, lk in zip(edges, design.links):
        cell = el.find("mxCell")
        assert (cell.get("source"), cell.get("target")) == (f"n-{lk.source}", f"n-{lk.target}")
        assert "endArrow=block;" in cell.get("style")
        assert ("dashed=1;" in cell.get("style")) == lk.optional
    optional = [lk for lk in design.links if lk.optional]
    assert optional, "the example has an optional link to check"


def test_user_strings_are_escaped_and_survive() -> None:
    name = 'A <b>bold</b> & "quoted" name'
    design = Design('Design <script>alert(1)</script>', [
        Node("u", "client", name="Users & <friends>", demand_rps=10.0),
        Node("s", "service", name=name, availability=0.99, x=300.5, y=-20.25,
             extra={"owner": "team α", "tags": ["a", "b"]}),
    ], [Link("u", "s", calls=2.5, extra={"note": "x"})])
    xml = export_drawio(design, analyze(design))
    assert "<script>" not in xml and "<b>bold" not in xml
    root, elements = _cells(xml)
    s = next(el for el in elements if el.get("modeller_id") == "s")
    assert s.get("label").startswith("A &lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\" name<br>")
    back, notes = import_drawio(xml)
    assert back == design and notes == []


def test_no_size_stays_no_size_and_a_resized_shape_keeps_its_size() -> None:
    design = Design("d", [Node("a", "service"), Node("b", "service", x=300, w=150, h=90)])
    back, _ = import_drawio(export_drawio(design))
    assert (back.nodes["a"].w, back.nodes["a"].h) == (None, None)
    assert (back.nodes["b"].w, back.nodes["b"].h) == (150.0, 90.0)
    resized = export_drawio(design).replace('width="212" height="80"', 'width="250" height="80"')
    back, _ = import_drawio(resized)
    assert (back.nodes["a"].w, back.nodes["a"].h) == (250.0, 80.0)


def test_a_node_moved_in_drawio_keeps_its_new_place_and_container() -> None:
    design = Design("d", [
        Node("r", "region", x=0, y=0, w=600, h=400),
        Node("z", "zone", parent="r", x=20, y=40, w=200, h=200),
        Node("s", "service", parent="z", x=40, y=80),
    ])
    xml = export_drawio(design)
    # in draw.io: drag the service out of the zone into the region, 100 px right
    xml = xml.replace('parent="n-z">\n            <mxGeometry x="20" y="40"',
                      'parent="n-r">\n            <mxGeometry x="340" y="80"')
    back, notes = import_drawio(xml)
    s = back.nodes["s"]
    assert (s.parent, s.x, s.y) == ("r", 340.0, 80.0)
    assert notes == []


def test_imported_foreign_design_round_trips_through_our_export() -> None:
    design, _ = import_drawio(NESTED)
    back, notes = import_drawio(export_drawio(design, analyze(design)))
    assert back == design and notes == []
