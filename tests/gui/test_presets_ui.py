"""Presets in the editor: the palette groups and filters them, a drop or double-click adds a
node carrying the preset's fields as one undo step, and the properties panel shows where
the figure came from and applies presets as one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

import modeller.analysis  # noqa: F401  (numpy imported here, not first in the worker thread)
from modeller.model import Node
from modeller.model.presets import get_preset, presets_by_provider
from modeller.ui.editing.presets_ui import (
    PRESET_MIME,
    install_presets,
    preset_differences,
    preset_of,
    short_name,
)

from .conftest import centre_of, drop_mime, load, show_point

ZONED = {
    "nodes": [
        {"id": "users", "kind": "client", "x": 0, "y": 150, "demand_rps": 100,
         "slo": {"availability": 0.999}},
        {"id": "r", "kind": "region", "name": "eu", "x": 250, "y": 0, "w": 700, "h": 420,
         "availability": 0.9999},
        {"id": "za", "kind": "zone", "name": "zone A", "parent": "r", "x": 280, "y": 60, "w": 300,
         "h": 300, "availability": 0.9995},
        {"id": "web", "kind": "service", "name": "Web", "parent": "r", "x": 700, "y": 150,
         "availability": 0.999},
        {"id": "db", "kind": "database", "name": "Main DB", "x": 1100, "y": 150,
         "availability": 0.999, "replicas": 3, "cost_month": 10},
        {"id": "db2", "kind": "database", "name": "Other DB", "x": 1100, "y": 400,
         "availability": 0.99},
    ],
    "links": [{"from": "users", "to": "web"}, {"from": "web", "to": "db"}],
}


@pytest.fixture
def pwindow(window):  # noqa: ANN001, ANN201
    install_presets(window)
    return window


def test_palette_lists_presets_grouped_by_provider(pwindow):
    shown = pwindow.palette.visible_presets()
    assert list(shown) == ["AWS", "Azure", "Google Cloud", "On-premises"]
    catalogue = presets_by_provider()
    assert {k: len(v) for k, v in shown.items()} == {"AWS": 16, "Azure": 14, "Google Cloud": 13,
                                                     "On-premises": 12}
    assert shown["AWS"] == [p.id for p in catalogue["aws"]]
    assert shown["On-premises"] == [p.id for p in catalogue["onprem"]]
    # the provider headings are not draggable; every preset row is
    tree = pwindow.palette.tree
    heading = pwindow.palette.provider_items["aws"]
    assert not heading.flags() & Qt.ItemFlag.ItemIsDragEnabled
    assert pwindow.palette.preset_items["aws.rds.multi_az"].flags() & Qt.ItemFlag.ItemIsDragEnabled
    assert tree.mimeData([heading]).formats() == []


def test_search_filters_the_presets(pwindow):
    pal = pwindow.palette
    pal.set_search("rds multi")
    assert pal.visible_presets() == {"AWS": ["aws.rds.multi_az", "aws.rds.multi_az_pair"]}
    assert pal.provider_items["aws"].isExpanded()  # results are open, not hidden in a group
    pal.set_search("REDIS")  # case-insensitive, across providers
    assert pal.visible_presets() == {
        "AWS": ["aws.elasticache.multi_az", "aws.elasticache.single_az"],
        "Azure": ["azure.redis.standard"],
        "Google Cloud": ["gcp.memorystore.standard"],
        "On-premises": ["onprem.cache"],
    }
    assert pal.provider_items["azure"].text(0) == "Azure  (1)"
    pal.set_search("google zone")  # provider display names match too
    assert pal.visible_presets() == {"Google Cloud": ["gcp.gce.multi_zone", "gcp.cloudsql.zonal", "gcp.zone"]}
    pal.set_search("no such thing")
    assert pal.visible_presets() == {}
    assert not pal.no_match.isHidden() and "no such thing" in pal.no_match.text()
    pal.set_search("")
    assert sum(len(v) for v in pal.visible_presets().values()) == 55
    assert pal.no_match.isHidden()
    assert not pal.provider_items["aws"].isExpanded()


def test_drag_payload_carries_kind_and_preset():
    from modeller.ui.editing.editor import KIND_MIME
    from modeller.ui.panels.palette import Palette

    pal = Palette()
    md = pal.preset_mime_for("aws.rds.multi_az")
    assert bytes(md.data(KIND_MIME).data()) == b"database"  # a kind-only handler still works
    assert bytes(md.data(PRESET_MIME).data()) == b"aws.rds.multi_az"
    assert preset_of(md) is get_preset("aws.rds.multi_az")
    assert preset_of(pal.mime_for("database")) is None
    pal.deleteLater()


def test_dropping_a_preset_in_a_zone_adds_one_undoable_node(pwindow):
    load(pwindow, ZONED)
    d = pwindow.editor.design
    before = d.copy()
    p = centre_of(pwindow, "za")
    show_point(pwindow, p)
    assert drop_mime(pwindow, pwindow.palette.preset_mime_for("aws.rds.multi_az_pair"), p)
    new = [nid for nid in d.nodes if nid not in before.nodes]
    assert len(new) == 1
    n = d.nodes[new[0]]
    assert (n.kind, n.preset, n.parent) == ("database", "aws.rds.multi_az_pair", "za")
    assert n.availability == 0.995 and n.replicas == 2
    assert (n.failover, n.failover_seconds, n.capacity_rps, n.cost_month) == ("active-passive", 120.0,
                                                                            2000.0, 125.0)
    assert n.name == "RDS Multi-AZ as a primary/standby pair"
    assert pwindow.scene.selected_node_ids() == [n.id]
    assert pwindow.scene._drop_target is None  # the zone's drop highlight went away
    stack = pwindow.editor.undo_stack
    assert stack.count() == 1 and "AWS preset" in stack.text(0)
    stack.undo()
    assert d == before


def test_double_click_adds_the_preset_at_the_centre_of_the_view(pwindow, qtbot):
    load(pwindow, ZONED)
    d = pwindow.editor.design
    tree = pwindow.palette.tree
    pwindow.palette.provider_items["azure"].setExpanded(True)
    item = pwindow.palette.preset_items["azure.sql.zone_redundant"]
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    assert rect.isValid()
    # a real double-click: press and release, then the double-click press and its release
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center())
    QTest.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      rect.center())
    [nid] = [x for x in d.nodes if x not in ("users", "r", "za", "web", "db", "db2")]
    n = d.nodes[nid]
    assert (n.preset, n.availability, n.kind) == ("azure.sql.zone_redundant", 0.99995, "database")
    centre = pwindow.view.mapToScene(pwindow.view.viewport().rect().center())
    box = pwindow.scene.item_for(nid).scene_rect()
    assert abs(box.center().x() - centre.x()) <= 10 and abs(box.center().y() - centre.y()) <= 10
    pwindow.editor.undo_stack.undo()
    assert nid not in d.nodes


def test_properties_show_the_source_of_a_preset_node(pwindow):
    load(pwindow, ZONED)
    drop_mime(pwindow, pwindow.palette.preset_mime_for("aws.rds.multi_az"), QPointF(1400, 150))
    text = pwindow.properties.preset_text()
    p = get_preset("aws.rds.multi_az")
    for part in (p.source.document, p.source.figure, p.source.date, p.source.url, p.source.version,
                 "SLA", "promise", "place it in the region"):
        assert part in text, part
    assert "edited" not in text
    assert pwindow.properties.preset_box.restore.isHidden()
    # a secondary-source figure says so
    pwindow.scene.clearSelection()
    drop_mime(pwindow, pwindow.palette.preset_mime_for("aws.ec2.instance"), QPointF(1400, 450))
    assert "secondary" in pwindow.properties.preset_text()
    assert "check the provider's page" in pwindow.properties.preset_text()


def test_apply_preset_is_one_undo_step(pwindow):
    load(pwindow, ZONED)
    d = pwindow.editor.design
    pwindow.scene.select_ids(["db"])
    box = pwindow.properties.preset_box
    assert "none" in pwindow.properties.preset_text()
    # only presets of the node's kind are offered
    ids = box.choice_ids()
    assert ids and all(get_preset(i).kind == "database" for i in ids)
    assert "aws.rds.multi_az" in ids and "aws.ec2.instance" not in ids
    before = d.nodes["db"].copy()
    stack = pwindow.editor.undo_stack
    idx = ids.index("aws.rds.multi_az")
    box.apply_combo.setCurrentIndex(idx)
    box.apply_combo.activated.emit(idx)
    n = d.nodes["db"]
    assert (n.preset, n.availability, n.replicas, n.cost_month, n.capacity_rps) == (
        "aws.rds.multi_az", 0.9995, 1, 250.0, 2000.0)
    assert n.name == "Main DB"  # the name and place are the person's, not the preset's
    assert stack.count() == 1 and stack.text(0).startswith("Apply preset")
    assert box.apply_combo.currentIndex() == -1
    assert "Amazon RDS Service Level Agreement" in pwindow.properties.preset_text()
    stack.undo()
    assert d.nodes["db"] == before
    stack.redo()
    assert d.nodes["db"].preset == "aws.rds.multi_az"


def test_apply_preset_to_a_same_kind_selection_is_one_step(pwindow):
    load(pwindow, ZONED)
    d = pwindow.editor.design
    pwindow.scene.select_ids(["db", "db2"])
    assert pwindow.properties.apply_preset("onprem.db_cluster")
    assert [d.nodes[x].preset for x in ("db", "db2")] == ["onprem.db_cluster"] * 2
    assert [d.nodes[x].replicas for x in ("db", "db2")] == [2, 2]
    assert pwindow.editor.undo_stack.count() == 1
    pwindow.editor.undo_stack.undo()
    assert (d.nodes["db"].replicas, d.nodes["db2"].availability) == (3, 0.99)
    # mixed kinds: no preset box at all
    pwindow.scene.select_ids(["db", "web"])
    assert pwindow.properties.preset_box is None


def test_a_hand_edit_keeps_the_preset_and_marks_it_edited(pwindow):
    load(pwindow, ZONED)
    d = pwindow.editor.design
    pwindow.scene.select_ids(["db"])
    pwindow.properties.apply_preset("gcp.cloudsql.ha_enterprise")
    assert pwindow.properties.commit("availability", "99.9 %")
    n = d.nodes["db"]
    assert n.preset == "gcp.cloudsql.ha_enterprise" and n.availability == pytest.approx(0.999)
    text = pwindow.properties.preset_text()
    assert "edited" in text and "availability (preset: 99.95 %)" in text
    box = pwindow.properties.preset_box
    assert not box.restore.isHidden()
    count = pwindow.editor.undo_stack.count()
    box.restore.click()
    assert d.nodes["db"].availability == 0.9995
    assert pwindow.editor.undo_stack.count() == count + 1
    assert "edited" not in pwindow.properties.preset_text() and box.restore.isHidden()
    # MTBF/MTTR typed in override the preset's availability: that is an edit too
    assert pwindow.properties.commit("availability", "720/1")
    assert "edited" in pwindow.properties.preset_text()
    # undoing the hand edits brings back the unmarked preset
    pwindow.editor.undo_stack.undo()
    pwindow.editor.undo_stack.undo()
    pwindow.editor.undo_stack.undo()
    assert "edited" not in pwindow.properties.preset_text()


def test_unknown_preset_id_is_shown_not_dropped(pwindow):
    data = {"nodes": [{"id": "db", "kind": "database", "preset": "aws.rds.from_the_future",
                       "availability": 0.99}], "links": []}
    load(pwindow, data)
    pwindow.scene.select_ids(["db"])
    text = pwindow.properties.preset_text()
    assert "aws.rds.from_the_future" in text and "Not in this version's catalogue" in text
    assert pwindow.editor.design.nodes["db"].preset == "aws.rds.from_the_future"


def test_preset_differences_and_short_names():
    p = get_preset("aws.rds.multi_az_pair")
    n = Node(id="d", kind="database")
    for k, v in p.fields.items():
        setattr(n, k, v)
    assert preset_differences(n, p) == []
    n.availability = 0.99500000000000001  # float noise from "99.5 %" is not an edit
    assert preset_differences(n, p) == []
    n.failover_seconds = 30.0
    n.replicas = 3
    assert preset_differences(n, p) == ["replicas", "failover_seconds"]
    n.mtbf_hours, n.mttr_hours = 1000.0, 5.0
    assert "availability" in preset_differences(n, p)
    assert short_name(get_preset("aws.rds.multi_az")) == "RDS Multi-AZ"
    assert short_name(get_preset("aws.sqs")) == "SQS queue"
