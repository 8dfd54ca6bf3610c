""""Fail it" mode driven through real clicks and keys on a MainWindow.

Every check reads back what the canvas shows (each item's ``state``, its pen and brush,
rendered pixels, the overlay's text) and compares it with the report's own failure
scenario, so a wrong shading or number fails here.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from modeller.formatting import fmt_percent
from modeller.model import dumps_design, load_design
from modeller.ui.canvas import style
from modeller.ui.canvas.items import ContainerItem
from modeller.ui.failit.mode import install_failit, outcome_text, summary_line
from modeller.ui.failit.zone_check import DROPS_COLOUR, HOT_COLOUR

from .conftest import (
    EXAMPLES,
    centre_of,
    click,
    drag,
    handle_point,
    load,
    mouse,
    show_point,
    title_point,
    wait_report,
)

# zone B's loss leaves web's one surviving replica at 1000 / 600 rps: overloaded, still serving
HOT = {
    "nodes": [
        {"id": "users", "kind": "client", "name": "Shoppers", "x": 0, "y": 100, "demand_rps": 1000},
        {"id": "r", "kind": "region", "name": "eu", "x": 200, "y": 0, "w": 900, "h": 400,
         "availability": 0.9999},
        {"id": "za", "kind": "zone", "name": "zone A", "parent": "r", "x": 220, "y": 200, "w": 300,
         "h": 150, "availability": 0.9995},
        {"id": "zb", "kind": "zone", "name": "zone B", "parent": "r", "x": 560, "y": 200, "w": 300,
         "h": 150, "availability": 0.9995},
        {"id": "lb", "kind": "load_balancer", "name": "LB", "parent": "r", "x": 240, "y": 60,
         "availability": 0.9999, "min_targets": 1},
        {"id": "web", "kind": "service", "name": "web", "parent": "r", "x": 500, "y": 60, "replicas": 2,
         "spread": ["za", "zb"], "availability": 0.999, "capacity_rps": 600, "min_healthy": 1},
        {"id": "db", "kind": "database", "name": "DB", "parent": "za", "x": 240, "y": 240,
         "availability": 0.999},
    ],
    "links": [{"from": "users", "to": "lb"}, {"from": "lb", "to": "web"}, {"from": "web", "to": "db"}],
}

# HOT with web able to carry everything on one replica (1200 rps) and an optional "Stats"
# tier of 2 x 600 rps over the two zones: losing zone B drops no client (the link is
# optional) but leaves Stats at 1000 / 600 = 167 % and web at 1000 / 1200 = 83 %.
OPTIONAL_HOT = {
    "nodes": [dict(n, capacity_rps=1200) if n["id"] == "web" else n for n in HOT["nodes"]] + [
        {"id": "stats", "kind": "service", "name": "Stats", "parent": "r", "x": 700, "y": 60, "replicas": 2,
         "spread": ["za", "zb"], "availability": 0.999, "capacity_rps": 600}],
    "links": HOT["links"] + [{"from": "web", "to": "stats", "optional": True}],
}


def open_example(window, qtbot, name: str):  # noqa: ANN001, ANN201
    window._replace(load_design(EXAMPLES / f"{name}.arch.json"), None)
    QApplication.processEvents()
    window.view.reset_zoom()
    return wait_report(qtbot, window)


@pytest.fixture
def fi(window):  # noqa: ANN001, ANN201
    return install_failit(window)


def expected_states(window, scenario) -> dict[str, str]:  # noqa: ANN001
    """What every box should show, straight from the scenario's lists (independent of failit)."""
    d = window.editor.design
    inside = set(d.descendants(scenario.down)) if d.nodes[scenario.down].is_container else set()
    out = {}
    for nid, node in d.nodes.items():
        if nid == scenario.down:
            out[nid] = "failed"
        elif nid in scenario.nodes_down or nid in scenario.clients_down or (
                node.is_container and nid in inside):
            out[nid] = "down"
        elif nid in scenario.overloaded:
            out[nid] = "overloaded"
        else:
            out[nid] = "normal"
    return out


def shown_states(window) -> dict[str, str]:  # noqa: ANN001
    return {nid: item.state for nid, item in window.scene.node_items().items()}


def body_point(window, container_id: str) -> QPointF:  # noqa: ANN001
    """An empty spot inside a container's body (below its title, left of anything it holds)."""
    r = window.scene.item_for(container_id).scene_rect()
    return QPointF(r.left() + 15, r.bottom() - 15)


def pixels(window, item) -> QImage:  # noqa: ANN001
    """The item's box as the canvas paints it (100 % zoom)."""
    r = item.scene_rect()
    img = QImage(int(r.width()), int(r.height()), QImage.Format.Format_ARGB32)
    img.fill(QColor("#ffffff"))
    p = QPainter(img)
    window.scene.render(p, QRectF(0, 0, r.width(), r.height()), r)
    p.end()
    return img


def near(c: QColor, want: QColor, tol: int = 6) -> bool:
    return all(abs(a - b) <= tol for a, b in ((c.red(), want.red()), (c.green(), want.green()),
                                              (c.blue(), want.blue())))


def assert_all_normal(window) -> None:  # noqa: ANN001
    for nid, item in window.scene.node_items().items():
        assert (item.state, item.in_scenario, item.fail_badges) == ("normal", False, None), nid
        assert item.opacity() == 1.0, nid
        assert item.body_pen().color() not in style.FAIL_BORDER.values(), nid
    for key, link in window.scene.link_items().items():
        assert (link.state, link.in_scenario, link.opacity()) == ("normal", False, 1.0), key


def test_fail_a_zone_by_shortcut_and_click_shades_exactly_the_scenario(window, qtbot, fi):
    report = open_example(window, qtbot, "multi-az")
    before = dumps_design(window.editor.design)
    scenario = report.failure("eu-west-1b")
    assert scenario.nodes_down == ["cache"] and scenario.clients_down == [] and scenario.overloaded == []

    window.activateWindow()
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_F)
    assert fi.active and fi.action.isChecked() and window.scene.picking
    assert window.view.viewport().cursor().shape() == Qt.CursorShape.CrossCursor
    assert fi.overlay.isVisible() and fi.frame.isVisible()
    assert fi.overlay.header.text() == "Fail it — click a part to fail it, Esc to leave"

    show_point(window, body_point(window, "eu-west-1b"))
    click(window, body_point(window, "eu-west-1b"))  # the zone's empty body fails the zone
    assert fi.failed_id == "eu-west-1b"
    want = expected_states(window, scenario)
    assert shown_states(window) == want
    assert {k for k, v in want.items() if v != "normal"} == {"eu-west-1b", "cache"}

    zone, cache, web = (window.scene.item_for(i) for i in ("eu-west-1b", "cache", "web"))
    assert zone.body_pen().color() == style.FAIL_BORDER["failed"]
    assert zone.body_brush().color().rgb() == style.FAIL_FILL["failed"].rgb()
    assert cache.body_pen().color() == style.FAIL_BORDER["down"]
    assert cache.body_brush().color() == style.FAIL_FILL["down"]
    assert web.body_brush().color() == QColor("#ffffff") and web.opacity() == style.UNAFFECTED_OPACITY
    assert [b.text for b in cache.shown_badges()] == ["down"]
    assert [b.text for b in zone.shown_badges()] == ["failed"]
    assert [b.text for b in web.shown_badges()] == ["util 86 %"]  # 1200 rps on 2 x 700
    assert scenario.utilization["web"] == pytest.approx(1200 / 1400)
    # (v2) 86 % is above the target utilisation (0.8): it survives hot; the canvas has no hot
    # shading, so the box keeps the unaffected look and its badge takes the warning level
    assert scenario.hot == ["web"] and scenario.survives
    assert [b.level for b in web.shown_badges()] == ["warn"]
    assert [b.text for b in window.scene.item_for("users").shown_badges()] == ["served"]
    # the pixels agree: the cache's body is the down tint, the zone's body carries the hatch
    img = pixels(window, cache)
    assert near(img.pixelColor(int(cache.w) - 12, int(cache.h) - 8), style.FAIL_FILL["down"])
    img = pixels(window, zone)
    dark = sum(1 for x in range(10, 70) for y in range(int(zone.h) - 50, int(zone.h) - 10)
               if img.pixelColor(x, y).red() - img.pixelColor(x, y).green() > 60)
    assert 150 < dark < 1600  # dark red stripes over the pink body, not a solid fill
    assert near(img.pixelColor(int(zone.w) // 2, int(zone.h) - 1), style.FAIL_BORDER["failed"], 30)
    # the arrow into the lost cache is cut, the others faded
    assert window.scene.link_item("app", "cache").state == "down"
    assert window.scene.link_item("app", "cache").line_colour() == style.FAIL_BORDER["down"]
    assert window.scene.link_item("lb", "web").state == "normal"

    lines = fi.overlay.text().splitlines()
    assert lines == ["Zone eu-west-1b down → survives, hot: Storefront (86 %)",
                     "Also down: Session cache",
                     "Overloaded: none",
                     "Hot: Storefront (86 %) (above the target utilisation)",
                     f"P(system | down) = 97.40 %  (now {fmt_percent(report.system.availability, report.system.unavailability)})",
                     # (4b) the zone's resilience row: it survives (RTO 0); the session cache
                     # in it has no replication or backup, so its data is lost
                     "Recovery: zone RTO 0 s, RPO everything"]
    assert fmt_percent(scenario.availability_given_down, scenario.unavailability_given_down) == "97.40 %"
    # by hand: region × LB × zones a, c × web a, c (2 × 700 ≥ 1200) × app a, c × db's replica a
    # × (1 − failover window): (v2) the window's rate is 1/(MTBF + MTTR) = 1/200 h, so
    # p = (30 s / 3600) / 200 h (it was / 199 h under v1, 0.9740381126)
    window_p = (30 / 3600) / 200
    hand = 0.9999 * 0.9999 * 0.9995 ** 2 * 0.995 ** 2 * 0.995 ** 2 * 0.995 * (1 - window_p)
    assert scenario.availability_given_down == pytest.approx(hand, abs=1e-12)
    assert scenario.availability_given_down == pytest.approx(0.9740383165530773, abs=1e-12)
    assert summary_line(window.editor.design, scenario) == \
        "eu-west-1b down → survives, hot: Storefront (86 %); overloaded: none; P(system | down) = 97.40 %"
    assert f"color:{HOT_COLOUR}'>⚠ survives, hot: Storefront (86 %)" in fi.overlay.body.text()

    # nothing was edited or selected
    assert dumps_design(window.editor.design) == before
    assert window.editor.undo_stack.count() == 0
    assert window.scene.selectedItems() == []

    # Esc restores every item; Esc again leaves the mode
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    assert fi.active and fi.failed_id is None
    assert_all_normal(window)
    assert fi.overlay.text() == "" and fi.overlay.isVisible()
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    assert not fi.active and not fi.action.isChecked() and not window.scene.picking
    assert not fi.overlay.isVisible() and not fi.frame.isVisible()
    assert window.view.viewport().cursor().shape() == Qt.CursorShape.ArrowCursor
    # outside the mode a click selects again, and Esc is the canvas's own again
    click(window, centre_of(window, "web"))
    assert window.scene.selected_node_ids() == ["web"]
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.scene.selected_node_ids() == []


def test_overloaded_node_shows_its_utilisation_after_the_loss(window, qtbot, fi):
    load(window, HOT)
    report = wait_report(qtbot, window)
    scenario = report.failure("zb")
    # (v2) web left on one replica of 600 rps with 1000 rps runs at 167 %: above 100 % it does
    # not serve, so the loss of zone B drops the client (it survived under the v1 rules)
    assert scenario.overloaded == ["web"] and scenario.clients_down == ["users"] and not scenario.survives
    assert scenario.utilization["web"] == pytest.approx(1000 / 600)
    fi.set_active(True)
    click(window, title_point(window, "zb"))
    assert shown_states(window) == expected_states(window, scenario) == {
        "users": "down", "r": "normal", "za": "normal", "zb": "failed", "lb": "down",
        "web": "overloaded", "db": "normal"}
    web = window.scene.item_for("web")
    assert web.body_pen().color() == style.FAIL_BORDER["overloaded"]
    assert web.body_brush().color() == style.FAIL_FILL["overloaded"]
    assert [(b.text, b.level) for b in web.shown_badges()] == [("util 167 %", "bad")]
    assert near(pixels(window, web).pixelColor(int(web.w) - 12, int(web.h) - 8), style.FAIL_FILL["overloaded"])
    assert fi.overlay.text().splitlines()[:3] == ["Zone zone B down → drops: Shoppers", "Also down: LB",
                                                  "Overloaded: web (167 %)"]
    p = fmt_percent(scenario.availability_given_down, scenario.unavailability_given_down)
    assert p == "0 %" and f"P(system | down) = {p}" in fi.overlay.text()
    assert summary_line(window.editor.design, scenario) == \
        "zone B down → drops: Shoppers; overloaded: web (167 %); P(system | down) = 0 %"
    # zone A takes the database, so everything: drops the client
    click(window, title_point(window, "za"))
    scenario = report.failure("za")
    assert scenario.clients_down == ["users"]
    assert shown_states(window) == expected_states(window, scenario)
    assert window.scene.item_for("users").state == "down"
    assert [b.text for b in window.scene.item_for("users").shown_badges()] == ["not served"]
    assert fi.overlay.text().splitlines()[0] == "Zone zone A down → drops: Shoppers"
    assert "P(system | down) = 0 %" in fi.overlay.text()


def test_an_overloaded_optional_tier_does_not_survive_and_a_hot_one_is_named(window, qtbot, fi):
    load(window, OPTIONAL_HOT)
    report = wait_report(qtbot, window)
    scenario = report.failure("zb")
    assert scenario.clients_down == [] and scenario.overloaded == ["stats"] and scenario.hot == ["web"]
    assert not scenario.survives  # (v2) no client dropped, but a node above 100 %
    assert scenario.utilization["stats"] == pytest.approx(1000 / 600)
    assert scenario.utilization["web"] == pytest.approx(1000 / 1200)
    fi.set_active(True)
    click(window, title_point(window, "zb"))
    assert shown_states(window) == expected_states(window, scenario)
    lines = fi.overlay.text().splitlines()
    assert lines[0] == "Zone zone B down → does not survive: Stats at 167 %"
    assert "Overloaded: Stats (167 %)" in lines
    assert "Hot: web (83 %) (above the target utilisation)" in lines
    assert f"color:{DROPS_COLOUR}'>✘ does not survive: Stats at 167 %" in fi.overlay.body.text()
    # web's badge after the loss: the warning level (hot), not bad
    assert [(b.text, b.level) for b in window.scene.item_for("web").shown_badges()] == [("util 83 %", "warn")]
    # losing Stats alone: survives; the zone panel says the same words with a mark
    assert outcome_text(window.editor.design, report.failure("stats")) == "survives"
    rows = {r["id"]: r for r in fi.zone_panel.rows()}
    assert rows["zb"]["outcome"] == "✘ does not survive: Stats at 167 %"
    assert rows["zb"]["outcome_kind"] == "overloaded"
    assert rows["zb"]["overloaded"] == "Stats (167 %), web (83 %)"
    assert rows["za"]["outcome"] == "✘ drops Shoppers"


def test_a_node_and_a_region_fail_too(window, qtbot, fi):
    report = open_example(window, qtbot, "multi-az")
    fi.set_active(True)
    show_point(window, centre_of(window, "web"))
    click(window, centre_of(window, "web"))
    scenario = report.failure("web")
    assert scenario.clients_down == ["users"] and scenario.nodes_down == ["lb", "web"]
    assert shown_states(window) == expected_states(window, scenario)
    assert {k for k, v in shown_states(window).items() if v != "normal"} == {"web", "lb", "users"}
    assert window.scene.item_for("web").state == "failed"
    assert window.scene.item_for("lb").body_pen().color() == style.FAIL_BORDER["down"]
    assert window.scene.link_item("users", "lb").state == "down"
    assert window.scene.link_item("app", "db").state == "normal"
    assert fi.overlay.text().splitlines()[:3] == [
        "Service Storefront down → drops: Shoppers", "Also down: Application LB", "Overloaded: none"]
    assert "P(system | down) = 0 %" in fi.overlay.text()
    # the overlay shows the whole node down; its recovery row says it is one replica lost
    assert fi.overlay.text().splitlines()[-1] == \
        "Recovery: hardware, one replica lost: RTO 0 s, RPO 0 s"

    report = open_example(window, qtbot, "two-regions")
    assert fi.active and fi.failed_id is None  # a new design: the mode stays, the scenario goes
    assert_all_normal(window)
    show_point(window, title_point(window, "eu-west-1"))
    click(window, title_point(window, "eu-west-1"))
    scenario = report.failure("eu-west-1")
    assert scenario.survives and scenario.kind == "region"
    states = shown_states(window)
    assert states == expected_states(window, scenario)
    assert states["eu-west-1"] == "failed"
    assert states["eu-west-1a"] == states["eu-west-1b"] == "down"  # zones inside the lost region
    assert {k for k, v in states.items() if v == "down"} == set(scenario.nodes_down) | {"eu-west-1a", "eu-west-1b"}
    assert states["us-east-1"] == states["web-us-a"] == states["users"] == "normal"
    assert isinstance(window.scene.item_for("eu-west-1a"), ContainerItem)
    assert window.scene.item_for("eu-west-1a").body_pen().color() == style.FAIL_BORDER["down"]
    util = scenario.utilization["web-us-a"]
    assert [b.text for b in window.scene.item_for("web-us-a").shown_badges()] == [f"util {100 * util:.0f} %"]
    assert f"{100 * util:.0f}" == "83"
    assert scenario.hot == ["web-us-a", "web-us-b"] and scenario.overloaded == []
    # (v2) the DNS moves eu's 1000 rps to lb-us, whose pool must carry 2000 on 4 x 600: every
    # web replica in us is needed; the Payments tiers keep their nominal 500 rps (1 of 2 needed).
    # By hand: region us × zones a, b × DNS × lb-us × 4 web replicas × 2 Payments tiers
    # (1 − 0.005²) × the db pair (1 − 0.005²) × (1 − its failover window (30 s / 3600) / 200 h)
    hand = (0.9999 * 0.9995 ** 2 * 0.99999 * 0.9999 * 0.995 ** 4 * (1 - 0.005 ** 2) ** 2
            * (1 - 0.005 ** 2) * (1 - (30 / 3600) / 200))
    assert scenario.availability_given_down == pytest.approx(hand, abs=1e-12)
    p = fmt_percent(scenario.availability_given_down, scenario.unavailability_given_down)
    assert p == "97.88 %"  # 99.971 % under v1, when the region's traffic did not move
    lines = fi.overlay.text().splitlines()
    assert lines[0] == "Region eu-west-1 down → survives, hot: Web us-east-1a (83 %) +1 more"
    assert lines[1] == "Also down: LB eu-west-1, Web eu-west-1a, Web eu-west-1b, Payments eu-west-1a, and 2 more"
    assert lines[3] == "Hot: Web us-east-1a (83 %), Web us-east-1b (83 %) (above the target utilisation)"
    assert lines[4].startswith(f"P(system | down) = {p}")


def test_second_click_restores_and_another_part_switches(window, qtbot, fi):
    report = open_example(window, qtbot, "multi-az")
    fi.set_active(True)
    click(window, body_point(window, "eu-west-1a"))
    assert shown_states(window) == expected_states(window, report.failure("eu-west-1a"))
    click(window, body_point(window, "eu-west-1b"))
    assert fi.failed_id == "eu-west-1b"
    assert window.scene.item_for("eu-west-1a").state == "normal"
    assert shown_states(window) == expected_states(window, report.failure("eu-west-1b"))
    # a quick double-click is two clicks: fail, then restore
    mouse(window, "double", body_point(window, "eu-west-1b"))
    mouse(window, "release", body_point(window, "eu-west-1b"))
    assert fi.failed_id is None
    assert_all_normal(window)
    click(window, body_point(window, "eu-west-1c"))
    click(window, body_point(window, "eu-west-1c"))  # the same part again restores
    assert fi.failed_id is None and fi.active
    assert_all_normal(window)
    # a client cannot fail: it says so and shades nothing
    click(window, centre_of(window, "users"))
    assert fi.failed_id is None and "client" in fi.overlay.text()
    assert_all_normal(window)
    # the toolbar button leaves the mode from a scenario, restoring everything
    click(window, centre_of(window, "db"))
    assert window.scene.item_for("db").state == "failed"
    fi.action.trigger()
    assert not fi.active
    assert_all_normal(window)
    assert window.toolbar.widgetForAction(fi.action) is not None


def test_clicks_drags_and_keys_in_the_mode_never_edit(window, qtbot, fi):
    report = open_example(window, qtbot, "multi-az")
    design = window.editor.design
    before = dumps_design(design)
    fi.set_active(True)
    web, app = centre_of(window, "web"), centre_of(window, "app")
    drag(window, web, QPointF(web.x() + 120, web.y() + 200))  # would move
    drag(window, handle_point(window, "db"), centre_of(window, "cache"))  # would wire db -> cache
    drag(window, title_point(window, "eu-west-1c"), QPointF(900, 900))  # would move a zone
    drag(window, QPointF(-200, -200), QPointF(2000, 1500))  # would rubber-band select
    mouse(window, "double", app)  # would focus the properties' name field
    for key in (Qt.Key.Key_Left, Qt.Key.Key_Down):
        QTest.keyClick(window.view, key)
    QTest.keySequence(window, "Ctrl+A")
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert dumps_design(design) == before
    assert window.editor.undo_stack.count() == 0
    assert window.scene.selectedItems() == []
    assert window.scene.interaction is None
    # the boxes still sit where the file says (no drag preview was left behind)
    for nid in ("web", "db", "eu-west-1c"):
        node = design.nodes[nid]
        assert window.scene.item_for(nid).pos() == QPointF(node.x, node.y)
    assert report.failure("app") is not None


def test_scenario_follows_new_reports_and_ends_when_its_part_is_deleted(window, qtbot, fi):
    report = open_example(window, qtbot, "multi-az")
    fi.set_active(True)
    click(window, body_point(window, "eu-west-1b"))
    assert window.scene.item_for("web").state == "normal"
    assert report.failure("eu-west-1b").overloaded == []
    # web at 500 rps a replica: losing one of three leaves 1200 rps on 1000 -> overloaded
    window.editor.set_node_fields(["web"], {"capacity_rps": 500}, "Edit capacity")
    report = wait_report(qtbot, window)
    scenario = report.failure("eu-west-1b")
    assert fi.active and fi.failed_id == "eu-west-1b"
    assert "web" in scenario.overloaded and scenario.utilization["web"] == pytest.approx(1.2)
    assert shown_states(window) == expected_states(window, scenario)
    assert window.scene.item_for("web").state == "overloaded"
    assert [b.text for b in window.scene.item_for("web").shown_badges()] == ["util 120 %"]
    assert "Overloaded: Storefront (120 %)" in fi.overlay.text().splitlines()
    assert fmt_percent(scenario.availability_given_down, scenario.unavailability_given_down) in fi.overlay.text()
    # delete the failed zone (as the Delete key would outside the mode): the scenario ends
    window.editor.delete(["eu-west-1b"])
    assert fi.failed_id is None and fi.active
    assert_all_normal(window)
    assert "deleted" in fi.overlay.text()
    report = wait_report(qtbot, window)
    assert_all_normal(window)  # a later report does not bring it back


def test_install_adds_a_menu_and_toolbar_action_with_shortcut(window, fi):
    assert fi.action.text() == "Fail It" and fi.action.isCheckable()
    assert fi.action.shortcut().toString() == "F"
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert fi.action in view_menu.actions()
    assert fi.action in window.toolbar.actions()
    assert window.failit is fi
    assert not fi.escape_action.isEnabled()  # Esc belongs to the canvas outside the mode
    fi.set_active(True)
    assert fi.escape_action.isEnabled()
    # the overlay sits in the canvas's top-left corner
    vp = window.view.viewport().geometry()
    assert fi.overlay.geometry().topLeft().x() == vp.left() + 12
    assert fi.overlay.geometry().topLeft().y() == vp.top() + 12
