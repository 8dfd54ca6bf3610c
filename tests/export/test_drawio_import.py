"""Importing diagrams people drew in draw.io: guesses, geometry, links, and hostile files."""

from __future__ import annotations

import random

import pytest

from modeller.analysis import analyze
from modeller.export import drawio
from modeller.export.drawio import clean_label, import_drawio
from modeller.model import DesignError

from .helpers import FIXTURES, NESTED, compress_page, compressed_file, graph_model

# id: (kind, name, parent, x, y, w, h) — absolute positions: parents' offsets added up
EXPECTED_NODES = {
    "shoppers": ("client", "Shoppers", None, 40, 230, 30, 60),
    "route-53": ("dns", "Route 53", None, 120, 120, 100, 50),
    "eu-west-1": ("region", "eu-west-1", None, 280, 40, 780, 460),
    "application-load-balancer": ("load_balancer", "Application Load Balancer", "eu-west-1",
                                  300, 220, 120, 60),
    "availability-zone-a": ("zone", "Availability Zone A", "eu-west-1", 460, 80, 300, 190),
    "eu-west-1b": ("zone", "eu-west-1b", "eu-west-1", 460, 290, 300, 190),
    "web-a": ("service", "Web A", "availability-zone-a", 480, 130, 120, 60),
    "web-b": ("service", "Web B", "eu-west-1b", 480, 340, 120, 60),
    "redis": ("cache", "Redis", "eu-west-1b", 630, 400, 110, 50),
    "orders-db": ("database", "Orders DB", "eu-west-1", 900, 240, 80, 100),
    "database": ("database", "Database", "availability-zone-a", 660, 140, 60, 80),
}
# (from, to, optional), in document order
EXPECTED_LINKS = [
    ("shoppers", "route-53", False),
    ("route-53", "application-load-balancer", False),  # the edge with waypoints
    ("application-load-balancer", "web-a", False),
    ("application-load-balancer", "web-b", False),
    ("web-a", "orders-db", False),  # the edge with a label child
    ("web-b", "orders-db", False),  # its target is a port inside the DB's UserObject
    ("web-a", "redis", True),  # dashed
    ("orders-db", "database", False),
    ("shoppers", "application-load-balancer", False),  # drawn lb -> users, arrow at the start
]


def _shape(design):
    nodes = {n.id: (n.kind, n.name, n.parent, n.x, n.y, n.w, n.h) for n in design.nodes.values()}
    links = [(lk.source, lk.target, lk.optional) for lk in design.links]
    return nodes, links


def test_nested_fixture_imports_exactly() -> None:
    design, notes = import_drawio(NESTED)
    nodes, links = _shape(design)
    assert nodes == EXPECTED_NODES
    assert links == EXPECTED_LINKS
    assert all(lk.calls == 1.0 for lk in design.links)
    assert design.name == "checkout-nested"
    assert list(design.nodes)[:3] == ["shoppers", "route-53", "eu-west-1"]  # document order


def test_nested_fixture_reports_every_guess() -> None:
    _, notes = import_drawio(NESTED)
    text = "\n".join(notes)
    for expected in (
        '"Shoppers": client (actor shape)',
        '"Route 53": dns (label says "route 53")',
        '"eu-west-1": region (label looks like a region name)',
        '"Availability Zone A": zone (label says zone)',
        '"eu-west-1b": zone (label looks like a zone name)',
        '"Orders DB": database (label says "db")',
        '"Redis": cache (label says "redis")',
        '"Web A": service (no hint in shape or label; default)',
        '"Database": database (cylinder shape)',  # named after its kind first
        'unnamed shape (cell "Yx1-primary") named "Database"',
        'skipped free text "Draft — do not share" (not a component)',
        'edge "Web A" → "Redis": optional (dashed line)',
        'duplicate edge "Web A" → "Orders DB" merged',
        'edge "Application Load Balancer" → "Availability Zone A" dropped: links connect '
        "components, not regions, zones or groups",
        'edge "Yx1-e13" dropped: one end not attached to a shape',
        'edge "Database" → "Orders DB" dropped: it closes the cycle Orders DB → Database → '
        "Orders DB",
        "(its arrowhead is at the start)",
        # the label names a product of the AWS map: its kind and sourced preset (issue 19)
        '"Application Load Balancer": load_balancer (label names aws4 "application load '
        'balancer"); preset aws.elb.multi_az (0.9999)',
    ):
        assert expected in text, expected
    assert len(notes) == len(set(notes))


def test_imported_design_can_be_analysed() -> None:
    design, _ = import_drawio(NESTED)
    report = analyze(design)
    assert set(report.clients) == {"shoppers"}
    # a drawing has no figures: every part is perfect but the load balancer, whose label
    # names an AWS product with a sourced preset (99.99 %); both client paths pass it
    assert report.system.availability == pytest.approx(0.9999, rel=1e-12)
    assert "orders-db" in report.spofs


def test_text_and_path_give_the_same_design() -> None:
    from_path, notes_path = import_drawio(NESTED)
    from_text, notes_text = import_drawio(NESTED.read_text(encoding="utf-8"))
    from_bytes, _ = import_drawio(NESTED.read_bytes())
    assert _shape(from_path) == _shape(from_text) == _shape(from_bytes)
    assert notes_path == notes_text
    assert from_text.name == "Checkout"  # no file name: the page name


def test_compressed_page_imports_like_the_plain_one(tmp_path) -> None:
    model = graph_model(NESTED.read_text(encoding="utf-8"))
    path = tmp_path / "checkout-nested.drawio"
    path.write_text(compressed_file([("Checkout", model)]), encoding="utf-8")
    assert "<mxCell" not in path.read_text(encoding="utf-8")
    design, notes = import_drawio(path)
    plain, plain_notes = import_drawio(NESTED)
    assert _shape(design) == _shape(plain)
    assert notes == plain_notes


def test_only_the_first_page_is_imported(tmp_path) -> None:
    model = graph_model(NESTED.read_text(encoding="utf-8"))
    other = ('<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
             '<mxCell id="2" value="Ghost" style="rounded=1;" vertex="1" parent="1">'
             '<mxGeometry x="0" y="0" width="80" height="40" as="geometry"/></mxCell>'
             "</root></mxGraphModel>")
    path = tmp_path / "two-pages.drawio"
    path.write_text(compressed_file([("Checkout", model), ("Sketches", other)]), encoding="utf-8")
    design, notes = import_drawio(path)
    assert "ghost" not in design.nodes
    assert len(design.nodes) == len(EXPECTED_NODES)
    assert 'imported the first page "Checkout" only; ignored 1 other page(s): "Sketches"' in notes


def test_userobject_attributes_and_html_labels() -> None:
    xml = """<mxfile host="app.diagrams.net"><diagram id="d" name="Page-1"><mxGraphModel>
      <root><mxCell id="0"/><mxCell id="1" parent="0"/>
      <object label="&lt;div&gt;Payments&lt;/div&gt;&lt;div&gt;&lt;i&gt;API&lt;/i&gt;&lt;/div&gt;"
              team="core" id="api">
        <mxCell style="rounded=1;html=1;" vertex="1" parent="1">
          <mxGeometry x="10" y="20" width="120" height="60" as="geometry"/></mxCell></object>
      <UserObject label="Ledger" modeller_kind="database" modeller_replicas="2"
                  modeller_availability="0.9995" modeller_min_healthy="auto" id="ledger">
        <mxCell style="rounded=1;html=1;" vertex="1" parent="1">
          <mxGeometry x="200" y="20" width="120" height="60" as="geometry"/></mxCell></UserObject>
      <mxCell id="e" edge="1" parent="1" source="api" target="ledger" style="endArrow=block;">
        <mxGeometry relative="1" as="geometry"/></mxCell>
      </root></mxGraphModel></diagram></mxfile>"""
    design, notes = import_drawio(xml)
    api, ledger = design.nodes["payments-api"], design.nodes["ledger"]
    assert (api.kind, api.name) == ("service", "Payments API")
    assert (ledger.kind, ledger.replicas, ledger.availability) == ("database", 2, 0.9995)
    # no client was drawn: one is guessed for the entry point (issue 19)
    assert [(lk.source, lk.target) for lk in design.links] == [
        ("users-guessed", "payments-api"), ("payments-api", "ledger")]
    assert design.name == "Imported diagram"
    assert not any('"Ledger"' in n for n in notes)  # its kind was given, not guessed


@pytest.mark.parametrize(("label", "style", "kind"), [
    ("Orders DB", "rounded=1;", "database"),
    ("PostgreSQL primary", "", "database"),
    ("Amazon RDS", "", "database"),
    ("MongoDB", "", "database"),
    ("Session cache", "", "cache"),
    ("Redis", "", "cache"),
    ("Order queue", "", "queue"),
    ("Kafka", "", "queue"),
    ("SQS", "", "queue"),
    ("S3", "", "storage"),
    ("Assets bucket", "", "storage"),
    ("Blob storage", "", "storage"),
    ("LB", "", "load_balancer"),
    ("Internal ALB", "", "load_balancer"),
    ("Load Balancer", "", "load_balancer"),
    ("DNS", "", "dns"),
    ("Route 53", "", "dns"),
    ("Users", "", "client"),
    ("Web browser", "", "client"),
    ("External payment API", "", "external"),
    ("3rd party KYC", "", "external"),
    ("Checkout", "", "service"),
    ("Dashboard", "", "service"),  # "db" is a word, not any "db" inside a word
    ("Records", "", "service"),  # nor "rds"
    ("", "shape=cylinder3;boundedLbl=1;", "database"),
    ("Ledger", "shape=datastore;", "database"),
    ("", "shape=umlActor;verticalLabelPosition=bottom;", "client"),
    ("Partner", "ellipse;shape=cloud;whiteSpace=wrap;", "external"),
    ("", "sketch=0;shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.elasticache;", "cache"),
    ("", "shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.simple_queue_service;", "queue"),
    ("", "shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.route_53;", "dns"),
    ("Web", "shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.application_load_balancer;",
     "load_balancer"),
    ("Cache", "shape=cylinder3;", "cache"),  # the label is more specific than the shape
])
def test_component_kind_guess(label: str, style: str, kind: str) -> None:
    xml = (f'<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
           f'<mxCell id="x" value="{label}" style="{style}" vertex="1" parent="1">'
           f'<mxGeometry x="0" y="0" width="100" height="60" as="geometry"/></mxCell>'
           f"</root></mxGraphModel>")
    design, _ = import_drawio(xml)
    drawn = [n.kind for n in design.nodes.values() if not n.extra.get("guessed")]
    assert drawn == [kind]


@pytest.mark.parametrize(("outer", "inner", "kinds"), [
    ("Europe", "Frontend", ("group", "group")),  # boxes with no hint fail nothing (issue 19)
    ("Region Europe", "Frontend", ("region", "group")),  # a box in a region is not a zone
    ("us-east-1", "us-east-1a", ("region", "zone")),
    ("europe-west1", "europe-west1-b", ("region", "zone")),
    ("Primary region", "AZ 1", ("region", "zone")),
    ("Web tier2", "app-server1", ("group", "group")),  # not region names
    ("VPC eu-west-1", "Private subnet eu-west-1a", ("group", "group")),  # networks, not domains
    ("Region", "Auto Scaling group", ("region", "service")),  # an empty ASG: a part
])
def test_container_kind_guess(outer: str, inner: str, kinds: tuple[str, str]) -> None:
    xml = (f'<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
           f'<mxCell id="o" value="{outer}" style="swimlane;" vertex="1" parent="1">'
           f'<mxGeometry x="0" y="0" width="500" height="400" as="geometry"/></mxCell>'
           f'<mxCell id="i" value="{inner}" style="group;" vertex="1" parent="o">'
           f'<mxGeometry x="10" y="30" width="200" height="200" as="geometry"/></mxCell>'
           f"</root></mxGraphModel>")
    design, _ = import_drawio(xml)
    got = [n for n in design.nodes.values() if not n.extra.get("guessed")]
    assert tuple(n.kind for n in got) == kinds
    assert got[1].parent == got[0].id


def test_clean_label() -> None:
    assert clean_label("Orders&nbsp;<b>DB</b>") == "Orders DB"
    assert clean_label("Web<br>tier") == "Web tier"
    assert clean_label("&lt;script&gt; x") == "<script> x"


def test_copied_shape_with_our_id_gets_a_fresh_one() -> None:
    cell = ('<UserObject label="Web" modeller_id="web" modeller_kind="service" id="{cid}">'
            '<mxCell style="rounded=1;" vertex="1" parent="1"><mxGeometry x="{x}" y="0" '
            'width="100" height="60" as="geometry"/></mxCell></UserObject>')
    xml = ('<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
           + cell.format(cid="a", x=0) + cell.format(cid="b", x=200) + "</root></mxGraphModel>")
    design, notes = import_drawio(xml)
    assert list(design.nodes) == ["web", "web-2", "users-guessed"]  # no client drawn
    assert any('repeats id "web"' in n for n in notes)


# ---------------------------------------------------------------------------
# refusals: every one a DesignError naming the place and a fix, never a crash


def _refused(source, match: str) -> DesignError:
    with pytest.raises(DesignError, match=match) as info:
        import_drawio(source)
    err = info.value
    assert err.fix, "a refusal says how to fix it"
    assert "\n" not in str(err)
    return err


def test_entity_bomb_is_refused_before_parsing() -> None:
    err = _refused(FIXTURES / "billion-laughs.drawio", "DOCTYPE or ENTITY")
    assert "billion-laughs.drawio" in str(err)


def test_entity_inside_a_compressed_page_is_refused() -> None:
    model = '<!DOCTYPE x [<!ENTITY a "b">]><mxGraphModel><root/></mxGraphModel>'
    _refused(compressed_file([("Page-1", model)]), "DOCTYPE or ENTITY")


def test_decompression_bomb_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(drawio, "MAX_INFLATED_BYTES", 1 << 20)
    model = "<mxGraphModel><root>" + "<!-- padding -->" * 200_000 + "</root></mxGraphModel>"
    assert len(model) > 2 << 20
    _refused(compressed_file([("Page-1", model)]), "larger than 1 MiB when inflated")


def test_oversized_file_is_refused(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(drawio, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.drawio"
    path.write_text(NESTED.read_text(encoding="utf-8"), encoding="utf-8")
    _refused(path, "larger than")
    _refused(NESTED.read_text(encoding="utf-8"), "larger than")


def test_truncated_fixture_is_refused() -> None:
    err = _refused(FIXTURES / "truncated.drawio", "not valid XML")
    assert "line " in err.place and "truncated.drawio" in str(err)


def _truncated_payload() -> str:
    payload = compress_page(graph_model(NESTED.read_text(encoding="utf-8")))
    cut = payload[: len(payload) // 2]
    return cut[: len(cut) - len(cut) % 4]


@pytest.mark.parametrize(("content", "match"), [
    (b"", "not valid XML"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8"),
    (b"hello, this is not a diagram", "not valid XML"),
    (b"<html><body>nope</body></html>", "not a draw.io diagram"),
    (b"<mxfile host='x'></mxfile>", "no <diagram> page"),
    (b"<mxfile><diagram name='P'></diagram></mxfile>", "is empty"),
    (b"<mxfile><diagram name='P'>%%%not base64%%%</diagram></mxfile>", "not valid base64"),
    (b"<mxfile><diagram name='P'>aGVsbG8gd29ybGQ=</diagram></mxfile>", "does not inflate"),
    (("<mxfile><diagram name='P'>" + _truncated_payload() + "</diagram></mxfile>").encode(),
     "truncated|does not inflate"),
    (b"<mxfile><diagram name='P'><mxGraphModel/></diagram></mxfile>", "no <root>"),
    (b'<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
     b'<mxCell id="a" value="A" vertex="1" parent="b"/><mxCell id="b" value="B" vertex="1" '
     b'parent="a"/></root></mxGraphModel>', "loop"),
    (b'<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
     b'<UserObject label="X" modeller_kind="spaceship" id="x"><mxCell vertex="1" parent="1"/>'
     b"</UserObject></root></mxGraphModel>", "not a kind"),
])
def test_garbage_is_refused(tmp_path, content: bytes, match: str) -> None:
    path = tmp_path / "input.drawio"
    path.write_bytes(content)
    err = _refused(path, match)
    assert str(path) in str(err)


def test_bad_own_attribute_names_the_shape_and_field() -> None:
    xml = ('<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
           '<UserObject label="Web" modeller_availability="1.5" id="w1">'
           '<mxCell style="rounded=1;" vertex="1" parent="1"><mxGeometry width="100" height="60" '
           'as="geometry"/></mxCell></UserObject></root></mxGraphModel>')
    err = _refused(xml, "at most 1")
    assert 'cell "w1" (Web) modeller_availability' in err.place
    assert "Edit Data" in err.fix


def test_missing_file_is_refused(tmp_path) -> None:
    _refused(tmp_path / "nope.drawio", "cannot be read")


def test_deep_nesting_is_refused() -> None:
    cells = "".join(f'<mxCell id="c{i}" value="Z{i}" style="group;" vertex="1" '
                    f'parent="{"1" if i == 0 else f"c{i - 1}"}"><mxGeometry x="1" y="1" '
                    f'width="10" height="10" as="geometry"/></mxCell>' for i in range(2000))
    xml = f'<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>{cells}</root></mxGraphModel>'
    _refused(xml, "nested more than")


def test_random_damage_never_crashes() -> None:
    """Cut, flip and splice the fixture (plain and compressed): a design or a DesignError."""
    plain = NESTED.read_text(encoding="utf-8")
    packed = compressed_file([("P", graph_model(plain))])
    rng = random.Random(20240514)
    outcomes = {"ok": 0, "refused": 0}
    for i in range(300):
        text = plain if i % 2 else packed
        chars = list(text)
        for _ in range(rng.randint(1, 6)):
            op = rng.random()
            pos = rng.randrange(len(chars))
            if op < 0.4:
                chars[pos] = rng.choice('<>"=/&;#x01 aZ%')
            elif op < 0.7:
                del chars[pos:pos + rng.randint(1, 40)]
            else:
                chars[pos:pos] = list(rng.choice(['parent="0"', 'source="Yx1-db"', "&amp;",
                                                  'vertex="1"', 'edge="1"', "<mxCell/>"]))
        try:
            drawio._import_text("".join(chars), "fuzz.drawio", "fuzz")  # no safety net here
            outcomes["ok"] += 1
        except DesignError:
            outcomes["refused"] += 1
    assert outcomes["ok"] > 0 and outcomes["refused"] > 0


def test_compressed_payload_damage_never_crashes() -> None:
    payload = compress_page(graph_model(NESTED.read_text(encoding="utf-8")))
    rng = random.Random(7)
    refused = 0
    for _ in range(200):
        chars = list(payload)
        pos = rng.randrange(len(chars))
        chars[pos] = rng.choice("ABCDEFGHabcdefgh0123456789+/")
        text = f"<mxfile><diagram name='P'>{''.join(chars)}</diagram></mxfile>"
        try:
            drawio._import_text(text, "fuzz.drawio", "fuzz")
        except DesignError:
            refused += 1
    assert refused > 150  # a flipped base64 character almost always breaks the DEFLATE stream


def _mutated_cells(rng: random.Random) -> str:
    """Valid XML, hostile structure: random parents, ends, flags, styles, numbers, attributes."""
    from xml.etree import ElementTree as ET

    root = ET.fromstring(NESTED.read_text(encoding="utf-8"))
    cells_root = root.find("./diagram/mxGraphModel/root")
    assert cells_root is not None
    elements = list(cells_root)
    cells = [el if el.tag == "mxCell" else el.find("mxCell") for el in elements]
    ids = [el.get("id") or "" for el in elements] + ["", "nope", "0", "1"]
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(elements))
        el, cell = elements[i], cells[i]
        if cell is None:
            continue
        op = rng.randrange(10)
        if op == 0:
            cell.set("parent", rng.choice(ids))
        elif op == 1:
            cell.set(rng.choice(["source", "target"]), rng.choice(ids))
        elif op == 2:
            cell.set(rng.choice(["vertex", "edge"]), rng.choice(["1", "0"]))
        elif op == 3:
            cell.set("style", rng.choice(["swimlane;", "text;", "group;", "edgeLabel;",
                                          "container=1;", "shape=line;", "endArrow=none;"
                                          "startArrow=block;", "dashed=1;", ";;=;==;"]))
        elif op == 4:
            geo = cell.find("mxGeometry")
            if geo is not None:
                geo.set(rng.choice(["x", "y", "width", "height"]),
                        rng.choice(["nan", "-5", "1e400", "abc", "", "0"]))
                if rng.random() < 0.3:
                    geo.set("relative", "1")
        elif op == 5:
            el.set("id", rng.choice(ids))  # duplicates and collisions
        elif op == 6 and el.tag == "UserObject":
            el.set(rng.choice(["modeller_kind", "modeller_replicas", "modeller_spread",
                               "modeller_availability", "modeller_id", "modeller_extra"]),
                   rng.choice(["zone", "2", '["Yx1-aza"]', "0.5", "[]", "{}", "NaN", '"x"']))
        elif op == 7:
            cells_root.remove(el)
            elements[i] = ET.Element("removed")
            cells[i] = None
        elif op == 8:
            cell.set("value", rng.choice(["", "<b>DB</b>", "eu-west-1", "Users", "Zone 9"]))
        else:
            clone = ET.fromstring(ET.tostring(el))
            cells_root.append(clone)
    return ET.tostring(root, encoding="unicode")


def test_hostile_cell_graphs_never_crash() -> None:
    rng = random.Random(99)
    outcomes = {"ok": 0, "refused": 0}
    for _ in range(300):
        text = _mutated_cells(rng)
        try:
            design, _ = drawio._import_text(text, "fuzz.drawio", "fuzz")  # no safety net here
        except DesignError:
            outcomes["refused"] += 1
        else:
            outcomes["ok"] += 1
            # whatever comes out is a valid, analysable design (the engine cannot yet analyse
            # a design without clients: np.array([]) has no bool dtype in _failure_scenarios)
            if design.clients():
                analyze(design, simulation_years=0, sweeps=False)
    assert outcomes["ok"] > 150 and outcomes["refused"] > 0, outcomes
