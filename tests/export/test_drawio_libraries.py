"""draw.io's cloud shape libraries become real parts with sourced figures (issue 19).

Each fixture (tests/export/library_fixtures.py) draws the same web app with one library's
real shape names: a region, two zones, a scaling group across both zones holding one
instance in each, a load balancer, a database in the first zone, a function and object
storage. The numbers are derived by hand from the presets the map attaches.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hardening.helpers import hang_guard

from modeller.analysis import analyze
from modeller.export import drawio
from modeller.export.drawio import export_drawio, import_drawio, import_drawio_report
from modeller.export.drawio_shapes import (
    ShapeMap,
    bundled_map_dir,
    default_shape_map,
    load_map_file,
    load_shape_map,
    shape_names,
    user_shape_file,
)
from modeller.model import DesignError
from modeller.model.presets import get_preset

from . import library_fixtures as fx

REL = 1e-12


def _import(name: str):
    return import_drawio_report(fx.ALL[name](), shape_map=default_shape_map())


def _web_app_availability(region: float, zone: float, instance: float, lb: float, db: float,
                          store: float) -> float:
    """Client → LB → scaling group (one replica in zone A, one in zone B) → DB (zone A),
    storage, function (perfect, no preset). Everything needs the region; the DB needs
    zone A, and given zone A is up the group serves unless both replicas are down:
    A = R · lb · store · db · Za · [1 − (1 − e)(1 − Zb · e)]."""
    return region * lb * store * db * zone * (1 - (1 - instance) * (1 - zone * instance))


# (name, region/zone preset ids, instance, lb, db, storage presets)
CLOUDS = [
    ("aws", "aws.region", "aws.az", "aws.ec2.instance", "aws.elb.multi_az", "aws.rds.single_az",
     "aws.s3.standard", "web-tier"),
    ("azure", "azure.region", "azure.zone", "azure.vm.single", "azure.lb.standard",
     "azure.sql.single", "azure.storage.blob_lrs", "vm-scale-set"),
    ("gcp", "gcp.region", "gcp.zone", "gcp.gce.instance", "gcp.lb", "gcp.cloudsql.zonal",
     "gcp.gcs.regional", "managed-instance-group"),
]


@pytest.mark.parametrize(("name", "region", "zone", "inst", "lb", "db", "store", "group"), CLOUDS)
def test_cloud_fixture_kinds_presets_containers_spread_and_numbers(
        name: str, region: str, zone: str, inst: str, lb: str, db: str, store: str,
        group: str) -> None:
    design, report = _import(name)
    n = design.nodes
    zones = [z.id for z in n.values() if z.kind == "zone"]
    assert len(zones) == 2
    regions = [r for r in n.values() if r.kind == "region"]
    assert len(regions) == 1 and regions[0].preset == region
    assert all(n[z].preset == zone for z in zones)
    # the scaling group: one part, one replica per zone it spans, its instances folded in
    asg = n[group]
    assert (asg.kind, asg.replicas, asg.spread, asg.preset) == ("service", 2, zones, inst)
    assert "web-a" not in n and "web-b" not in n
    assert (n["front-lb"].kind, n["front-lb"].preset, n["front-lb"].parent) == \
        ("load_balancer", lb, regions[0].id)
    assert (n["orders-db"].kind, n["orders-db"].preset, n["orders-db"].parent) == \
        ("database", db, zones[0])
    assert (n["images"].kind, n["images"].preset) == ("storage", store)
    # icons become Modeller-sized parts centred where the icon was (78 px icon at x=900 in
    # the region: centre 939), and the boxes grow to keep holding them
    from modeller.model.geometry import node_rect
    lb_rect, region_rect = node_rect(n["front-lb"]), node_rect(regions[0])
    assert n["front-lb"].w is None and lb_rect[0] + lb_rect[2] / 2 == 939.0
    assert region_rect[0] <= lb_rect[0] and lb_rect[0] + lb_rect[2] <= region_rect[0] + region_rect[2]
    assert region_rect[1] <= lb_rect[1]
    assert (n["thumbnailer"].kind, n["thumbnailer"].preset) == ("service", None)
    # the network box is a group: it holds the zones but fails nothing
    groups = [g for g in n.values() if g.kind == "group"]
    assert len(groups) == 1 and n[zones[0]].parent == groups[0].id
    # no client was drawn: one is guessed for the entry point, and said so
    assert report.client_inferred
    assert n["users-guessed"].kind == "client" and n["users-guessed"].extra["guessed"] is True
    links = {(lk.source, lk.target) for lk in design.links}
    assert links == {("users-guessed", "front-lb"), ("front-lb", group), (group, "orders-db"),
                     (group, "images"), (group, "thumbnailer"), ("thumbnailer", "images")}
    # figures: every one from the preset the map named
    p = {k: get_preset(k).availability for k in (region, zone, inst, lb, db, store)}
    assert n[group].availability == p[inst]
    want = _web_app_availability(p[region], p[zone], p[inst], p[lb], p[db], p[store])
    got = analyze(design).system.availability
    assert got == pytest.approx(want, rel=REL)
    assert got < 1.0  # a design always gets numbers


def test_aws_numbers_by_hand() -> None:
    """The same formula with the AWS figures written out: region 99.99 %, AZ 99.95 %,
    EC2 99.5 %, ELB 99.99 %, RDS single-AZ 99.5 %, S3 99.9 %.
    1 − (1 − 0.995)(1 − 0.9995·0.995) = 1 − 0.005 · 0.0054975 = 0.9999725125;
    0.9999 · 0.9999 · 0.999 · 0.995 · 0.9995 · 0.9999725125 = 0.993282002246036."""
    design, _ = _import("aws")
    assert analyze(design).system.availability == pytest.approx(0.993282002246036, rel=REL)


def test_aws_guesses_are_reported_by_how_they_were_found() -> None:
    _, report = _import("aws")
    by = report.by_how()
    assert {g.node_id for g in by["library"]} == {"orders-db", "front-lb", "thumbnailer",
                                                   "images", "web-tier"}
    assert by["default"] == [] and by["label"] == []
    assert {g.node_id for g in by["box"]} == {"eu-west-1", "vpc", "availability-zone-a",
                                               "availability-zone-b"}
    assert [g.node_id for g in by["inferred"]] == ["users-guessed"]
    assert report.libraries == {"aws4": 5}
    line = report.summary()
    assert line.startswith("5 parts: 5 mapped by library (aws4 5); 0 by label or shape; "
                           "0 defaulted; 7 with a sourced preset")
    assert line.endswith("client inferred (a guess)")
    text = "\n".join(report.notes)
    assert 'edge "Images" – "Web tier" (no arrowhead) read as "Web tier" → "Images"' in text
    assert '(arrowheads at both ends) read as drawn, "Web tier" → "Thumbnailer"' in text
    assert 'one service with 2 replica(s), one per zone it spans ("Availability Zone A", ' \
           '"Availability Zone B")' in text
    assert '"VPC": group (aws4 box "mxgraph.aws4.group_vpc2")' in text


def test_edge_labels_stay_labels() -> None:
    design, _ = _import("azure")
    labelled = [lk for lk in design.links if lk.extra.get("label")]
    assert [(lk.source, lk.target, lk.extra["label"]) for lk in labelled] == \
        [("vm-scale-set", "orders-db", "SQL")]
    assert not any(node.name == "SQL" for node in design.nodes.values())


def test_gcp_card_takes_its_icon_and_label() -> None:
    design, report = _import("gcp")
    db = design.nodes["orders-db"]
    assert (db.name, db.kind, db.preset) == ("Orders DB", "database", "gcp.cloudsql.zonal")
    # "Project Zone" names a project: a group, not a zone
    assert design.nodes["project-zone"].kind == "group"


def test_ibm_boxes_and_drawn_client() -> None:
    design, report = _import("ibm")
    n = design.nodes
    assert (n["dallas"].kind, n["vpc"].kind, n["dallas-1"].kind, n["dallas-2"].kind) == \
        ("region", "group", "zone", "zone")
    assert n["customers"].kind == "client" and not report.client_inferred
    assert (n["instance-group"].replicas, n["instance-group"].spread) == (2, ["dallas-1", "dallas-2"])
    assert all(node.preset is None for node in n.values())  # no IBM presets in the catalogue
    # no figures drawn: every part is perfect, so the design is (exactly) 100 %
    assert analyze(design).system.availability == 1.0


def test_kubernetes_icons_and_a_database_run_in_a_statefulset() -> None:
    design, report = _import("kubernetes")
    n = design.nodes
    assert n["front-lb"].kind == "load_balancer"  # an Ingress spreads requests over pods
    assert n["images"].kind == "storage"  # a PersistentVolume
    assert n["orders-db"].kind == "database"  # "Orders DB" on a StatefulSet icon
    assert n["node-pool-web"].spread == ["zone-a", "zone-b"]
    assert n["namespace-shop"].kind == "group"
    assert report.client_inferred
    assert any('its kubernetes shape "mxgraph.kubernetes.sts" is a service that runs it' in g.text
               for g in report.guesses)


# -- the map ------------------------------------------------------------------------------


def test_every_bundled_map_loads_and_names_real_presets() -> None:
    files = sorted(bundled_map_dir().glob("*.json"))
    assert [f.stem for f in files] == ["aws3", "aws4", "azure", "gcp2", "ibm", "kubernetes"]
    for f in files:
        m = load_map_file(f)  # validates kinds, meanings and preset ids/kinds
        for e in list(m.shapes.values()) + list(m.groups.values()):
            if e.preset:
                p = get_preset(e.preset)
                assert p is not None and p.kind == (e.kind or e.group), (f.name, e.name)
    full = default_shape_map()
    assert len(full.shapes) > 400 and len(full.groups) >= 30


def test_people_and_devices_are_clients() -> None:
    m = default_shape_map()
    for names in (["mxgraph.aws4.users"], ["mxgraph.aws4.illustration_devices"],
                  ["mxgraph.aws4.mobile_client"], ["mxgraph.azure.laptop"],
                  ["img/lib/ibm/users/browser.svg"], ["mxgraph.kubernetes.user"],
                  ["mxgraph.gcp2.users"]):
        hit = m.lookup(names)
        assert hit is not None and hit.kind == "client", names


@pytest.mark.parametrize(("style", "tokens", "expected"), [
    ({"shape": "mxgraph.aws4.resourceIcon", "resicon": "mxgraph.aws4.RDS"}, [],
     ["mxgraph.aws4.rds", "mxgraph.aws4.resourceicon"]),
    ({"shape": "mxgraph.gcp2.hexIcon", "pricon": "cloud_sql"}, [],
     ["mxgraph.gcp2.cloud_sql", "mxgraph.gcp2.hexicon"]),
    ({"shape": "mxgraph.kubernetes.icon2", "pricon": "pod"}, [],
     ["mxgraph.kubernetes.pod", "mxgraph.kubernetes.icon2"]),
    ({"shape": "mxgraph.ibm.box", "prtype": "zone"}, [], ["mxgraph.ibm.box.zone", "mxgraph.ibm.box"]),
    ({"image": "https://app.diagrams.net/img/lib/azure2/compute/Virtual_Machine.svg"}, ["image"],
     ["img/lib/azure2/compute/virtual_machine.svg"]),
    ({"image": "data:image/svg+xml,PHN2Zz4="}, ["image"], []),
    ({}, ["mxgraph.aws4.lambda_function"], ["mxgraph.aws4.lambda_function"]),
])
def test_shape_names(style: dict[str, str], tokens: list[str], expected: list[str]) -> None:
    assert shape_names(style, tokens) == expected


def test_an_unmapped_library_shape_is_a_default_not_a_library_match() -> None:
    xml = fx.Diagram()
    xml.icon("a", "Thing", fx.AWS_ICON + "quantum_widget;", 0, 0)
    design, report = import_drawio_report(xml.xml("x"), shape_map=default_shape_map())
    g = next(g for g in report.guesses if g.node_id == "thing")
    assert (g.kind, g.how, g.generic) == ("service", "default", True)
    assert "has no entry in the shape map" in g.text


def test_a_user_file_extends_the_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELLER_CONFIG_DIR", str(tmp_path))
    assert user_shape_file() == tmp_path / "drawio-shapes.json"
    user_shape_file().write_text(json.dumps({
        "format": "modeller.drawio-shapes", "version": 1, "library": "mine",
        "shapes": {"mxgraph.aws4.lambda": {"kind": "service", "preset": "aws.ec2.multi_az"},
                   "img/lib/custom/ledger.svg": "database"},
        "groups": {"mxgraph.aws4.group_vpc2": {"as": "zone"}}}), encoding="utf-8")
    m = load_shape_map()
    assert m.lookup(["mxgraph.aws4.lambda"]).preset == "aws.ec2.multi_az"  # replaces bundled
    assert m.lookup(["img/lib/custom/ledger.svg"]).kind == "database"
    assert m.lookup_group(["mxgraph.aws4.group_vpc2"]).group == "zone"
    assert m.problems == []
    design, _ = import_drawio(fx.aws())  # the importer reads it without being told
    assert design.nodes["thumbnailer"].preset == "aws.ec2.multi_az"
    assert design.nodes["vpc"].kind == "zone"


@pytest.mark.parametrize(("content", "said"), [
    ("{not json", "is not JSON"),
    ('{"format": "modeller.drawio-shapes", "shapes": {"x": {"kind": "region"}}}', "unknown kind"),
    ('{"format": "modeller.drawio-shapes", "shapes": {"x": {"kind": "database", '
     '"preset": "aws.s3.standard"}}}', "is for a storage, not a database"),
    ('{"format": "modeller.drawio-shapes", "groups": {"x": {"as": "moat"}}}', "unknown meaning"),
])
def test_a_bad_user_file_is_skipped_and_said(tmp_path: Path, content: str, said: str) -> None:
    f = tmp_path / "drawio-shapes.json"
    f.write_text(content, encoding="utf-8")
    m = load_shape_map(f)
    assert len(m.problems) == 1 and said in m.problems[0] and str(f) in m.problems[0]
    assert m.shapes == default_shape_map().shapes  # the bundled map still works
    design, report = import_drawio_report(fx.aws(), shape_map=m)
    assert report.notes[0] == m.problems[0]
    assert design.nodes["orders-db"].kind == "database"


def test_a_bundled_map_error_names_the_entry() -> None:
    with pytest.raises(DesignError, match=r'shapes\["mxgraph.aws4.x"\].*not in the catalogue'):
        from modeller.export.drawio_shapes import map_from_dict
        map_from_dict({"format": "modeller.drawio-shapes",
                       "shapes": {"mxgraph.aws4.x": {"kind": "service", "preset": "aws.nope"}}},
                      "test.json")


# -- round trip and bounds ----------------------------------------------------------------


def test_imported_library_design_round_trips_through_our_export() -> None:
    design, _ = _import("aws")
    back, notes = import_drawio(export_drawio(design))
    assert back == design
    assert notes == []  # our own file: nothing guessed, no client added


def test_many_scaling_groups_stay_within_the_time_bound() -> None:
    """3 000 scaling groups over 3 000 instances and 200 zones: the geometric matching is
    budgeted (drawio.GEOMETRY_BUDGET), the rest is one bounded walk per shape."""
    d = fx.Diagram()
    for z in range(200):
        d.box(f"z{z}", f"Zone {z}", "dashed=1;container=1;", z * 500, 0, 480, 400)
    for i in range(3000):
        d.box(f"g{i}", "Auto Scaling group", "dashed=1;", (i % 200) * 500, 100, 900, 100)
        d.icon(f"v{i}", f"web {i}", fx.AWS_ICON + "ec2;", (i % 200) * 500 + 10, 120)
    started = time.monotonic()
    with hang_guard(120):
        design, report = import_drawio_report(d.xml("many"), shape_map=default_shape_map())
    assert time.monotonic() - started < 60
    groups = [n for n in design.nodes.values() if n.name == "Auto Scaling group"]
    assert len(groups) == 3000 and all(g.kind == "service" for g in groups)
    # the first groups were matched by geometry (a zone and an instance each), then the
    # budget ran out and the rest count only what draw.io says they hold: said once
    assert groups[0].spread == ["zone-0", "zone-1"] and groups[0].replicas == 2
    assert sum(1 for x in report.notes if "too many shapes to compare" in x) == 1
    assert drawio.GEOMETRY_BUDGET <= 2_000_000


def test_shape_map_type_is_exported() -> None:
    assert isinstance(default_shape_map(), ShapeMap)


def test_an_unlabelled_icon_takes_the_text_written_under_it() -> None:
    d = fx.Diagram()
    d.icon("db", "", "outlineConnect=0;shape=mxgraph.aws3.rds_db_instance;", 100, 100, size=50)
    d.box("t1", "Orders DB", "text;html=1;strokeColor=none;fillColor=none;", 90, 155, 80, 30)
    d.box("t2", "Draft", "text;html=1;", 600, 600, 60, 30)  # far away: stays a skipped note
    design, report = import_drawio_report(d.xml("x"), shape_map=default_shape_map())
    db = design.nodes["orders-db"]
    assert (db.kind, db.preset) == ("database", "aws.rds.single_az")
    assert '"Orders DB": named by the text written beside it' in report.notes
    assert 'skipped free text "Draft" (not a component)' in report.notes
    assert not any('"Orders DB" (not a component)' in n for n in report.notes)


@pytest.mark.parametrize(("label", "kind"), [
    ("User Config Lambda", "service"), ("Customer portal", "service"), ("Users", "client"),
    ("Mobile users", "client")])
def test_a_label_about_a_part_serving_people_is_not_a_client(label: str, kind: str) -> None:
    d = fx.Diagram()
    d.box("a", label, "rounded=1;", 0, 0, 120, 60)
    design, _ = import_drawio(d.xml("x"), shape_map=default_shape_map())
    assert [n.kind for n in design.nodes.values() if not n.extra.get("guessed")] == [kind]


@pytest.mark.parametrize(("label", "kind", "preset"), [
    ("Cloud SQL", "database", "gcp.cloudsql.zonal"),
    ("Cloud Apps Compute Engine", "service", "gcp.gce.instance"),
    ("Amazon DynamoDB table", "database", None),
    ("Messaging (Rules Actions) Pub/Sub", "queue", None),  # "messaging" alone names nothing
    ("Orders DB", "database", None),  # no product: the keyword
])
def test_a_label_naming_a_product_takes_its_kind_and_preset(label: str, kind: str,
                                                            preset: str | None) -> None:
    d = fx.Diagram()
    d.box("a", label, "rounded=1;", 0, 0, 160, 60)
    design, _ = import_drawio(d.xml("x"), shape_map=default_shape_map())
    node = next(n for n in design.nodes.values() if not n.extra.get("guessed"))
    assert (node.kind, node.preset) == (kind, preset)
