"""Badges: the part's own figure first, what it serves second, both labelled; full
figures in the tooltips."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from modeller.model import design_from_dict
from modeller.render.badges import GOOD, WARN, node_badges

DESIGN = design_from_dict({"format": "modeller.design", "version": 1, "nodes": [
    {"id": "users", "kind": "client", "slo": {"availability": 0.999}},
    {"id": "z", "kind": "zone", "w": 300, "h": 200, "availability": 0.9995},
    {"id": "web", "kind": "service", "parent": "z", "replicas": 2, "availability": 0.99}],
    "links": [{"from": "users", "to": "web"}]})


def _res(a: float, own: float | None = None, util: float | None = None):  # noqa: ANN202
    r = SimpleNamespace(availability=a, unavailability=1 - a, nines=2.0, utilization=util,
                        load_rps=50.0, capacity_rps=100.0)
    if own is not None:
        r.own_availability, r.own_unavailability = own, 1 - own
    return r


def test_own_first_then_serves_then_util_each_labelled():
    report = SimpleNamespace(
        nodes={"web": _res(0.9994, own=0.9999, util=0.5), "z": _res(0.9995)},
        clients={"users": SimpleNamespace(availability=0.9994, unavailability=0.0006, nines=3.22,
                                          slo={"availability": 0.999}, meets_slo=True)})
    b = node_badges(DESIGN, report)
    assert [x.label for x in b["web"]] == ["own", "serves", "util"]
    own, serves, util = b["web"]
    assert own.text == "own 99.990 %" and own.level == GOOD
    assert serves.text == "serves 99.940 % · 2.00 nines" and serves.level == GOOD
    assert util.text == "util 50 %"
    assert "enough of its 2 replicas are up" in own.tooltip and "0.9999" in own.tooltip
    assert "P(serves) = 0.9994" in serves.tooltip and "down a year" in serves.tooltip
    assert serves.short == "serves 99.940 %"  # a narrow box keeps the figure whole
    assert b["z"][0].text == "99.950 % · 2.00 nines" and b["z"][0].short == "99.950 %"
    assert b["users"][0].text.startswith("served 99.940 %")


def test_without_own_figure_the_report_still_shows_serves():
    report = SimpleNamespace(nodes={"web": _res(0.995)}, clients={})
    [serves] = node_badges(DESIGN, report)["web"]
    assert serves.label == "serves" and serves.level == WARN  # within 10x of the 99.9 % budget


def test_dimming_badges_repaints_without_laying_out_again(qapp, monkeypatch):  # noqa: ANN001
    """Every edit dims every box's badges until the new report lands: a pure stale flip
    keeps the layout (300 boxes re-fitted their text on each edit before)."""
    from modeller.render.badges import Badge
    from modeller.render.items.container import ContainerItem
    from modeller.render.items.node import NodeItem

    for item in (NodeItem("web"), ContainerItem("z")):
        badges = [Badge("own 99.990 %", GOOD, label="own")]
        item.set_badges(badges)
        laid: list[int] = []
        monkeypatch.setattr(item, "_layout", lambda laid=laid: laid.append(1))
        item.set_badges(list(badges), stale=True)
        assert item.stale and laid == []
        item.set_badges(list(badges), stale=False)
        assert not item.stale and laid == []
        item.set_badges([Badge("own 99.000 %", WARN, label="own")], stale=False)
        assert laid == [1] and item.badges[0].level == WARN


@pytest.mark.parametrize("kind", ["node", "zone"])
@pytest.mark.parametrize("zoom, repainted", [(0.2, False), (0.4, True), (1.0, True)])
def test_a_box_drawn_without_text_is_not_repainted_for_dimming(qapp, kind, zoom, repainted):  # noqa: ANN001
    """Zoomed far out a box (or a zone's title) is drawn without its badges, so dimming
    changes nothing there: no repaint (300 boxes cost 25 ms of an edit). From 40 % up
    (40 % exactly included) it repaints, edit after edit."""
    from PySide6.QtCore import QRectF
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    from modeller.render.badges import Badge
    from modeller.render.items.container import ContainerItem
    from modeller.render.items.node import NodeItem

    scene = QGraphicsScene()
    item = NodeItem("web") if kind == "node" else ContainerItem("z1")
    if kind == "zone":
        from modeller.model import Node

        item.sync(Node("z1", "zone", name="zone a"), (0.0, 0.0, 400.0, 240.0), 0)
    scene.addItem(item)
    scene.setSceneRect(QRectF(-50, -50, 500, 340))
    item.set_badges([Badge("own 99.990 %", GOOD, label="own")])
    view = QGraphicsView(scene)
    view.resize(400, 300)
    view.scale(zoom, zoom)
    view.centerOn(item)
    view.viewport().grab()  # one paint at this zoom
    for stale in (True, False):  # an edit's dim and undim, each painted
        item.set_badges(list(item.badges), stale=stale)
        view.viewport().grab()
    calls: list[int] = []
    real_update = item.update
    item.update = lambda *a: (calls.append(1), real_update(*a))  # type: ignore[method-assign]
    item.set_badges(list(item.badges), stale=True)
    assert item.stale and bool(calls) is repainted
    view.viewport().grab()
    item.set_badges(list(item.badges), stale=False)  # the next edit's undimming
    assert not item.stale and len(calls) == (2 if repainted else 0)
