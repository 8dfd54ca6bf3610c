"""The Cut sets tab: the list a person reads, and a click that fails all the parts of a
cut set on the canvas (pytest-qt, real widgets, real clicks)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from modeller.ui.canvas import style

from .conftest import load, wait_report

# Shoppers -> LB (0.9995) -> web (2 x 0.99 over z1, z2) -> DB (2 x 0.995 over z1, z2);
# zones 0.999 in region r 0.9999. P(down) = 7.5547e-4 (see tests/test_cli_cutsets.py).
CHECKOUT = {
    "nodes": [
        {"id": "users", "kind": "client", "name": "Shoppers", "x": 0, "y": 120},
        {"id": "r", "kind": "region", "name": "eu", "x": 180, "y": 0, "w": 760, "h": 420,
         "availability": 0.9999},
        {"id": "z1", "kind": "zone", "name": "z1", "parent": "r", "x": 200, "y": 220, "w": 330,
         "h": 180, "availability": 0.999},
        {"id": "z2", "kind": "zone", "name": "z2", "parent": "r", "x": 580, "y": 220, "w": 330,
         "h": 180, "availability": 0.999},
        {"id": "lb", "kind": "load_balancer", "name": "LB", "parent": "r", "x": 220, "y": 60,
         "availability": 0.9995},
        {"id": "web", "kind": "service", "name": "web", "parent": "r", "x": 460, "y": 60,
         "replicas": 2, "availability": 0.99, "spread": ["z1", "z2"]},
        {"id": "db", "kind": "database", "name": "DB", "parent": "r", "x": 700, "y": 60,
         "replicas": 2, "availability": 0.995, "spread": ["z1", "z2"]},
    ],
    "links": [{"from": "users", "to": "lb"}, {"from": "lb", "to": "web"},
              {"from": "web", "to": "db"}],
}


def _open_tab(qtbot, window):  # noqa: ANN001, ANN202
    load(window, CHECKOUT)
    wait_report(qtbot, window)
    panel = window.insights
    window.insights_dock.show()
    panel.tabs.setCurrentWidget(panel.cutsets)
    view = panel.cutsets
    qtbot.waitUntil(lambda: view.list.count() > 0, timeout=20000)
    return view


def test_the_tab_lists_cut_sets_as_sentences(qtbot, window) -> None:  # noqa: ANN001
    view = _open_tab(qtbot, window)
    rows = [view.list.item(i).text() for i in range(view.list.count())]
    # the LB alone: 5e-4 / 7.5547e-4 = 66 %; both zones: 1e-6 / 7.5547e-4 = 0.13 %
    assert rows[0] == ("LB (its only replica)\n"
                       "    this failure alone takes Shoppers down: 66 % of the downtime")
    assert rows[-1] == ("zone z1 + zone z2\n"
                        "    these 2 failures together take Shoppers down: 0.13 % of the downtime")
    assert len(rows) == 5
    assert "5" in view.title.text() and "rare-event" in view.note.text()


def test_click_fails_every_part_of_the_cut_set(qtbot, window) -> None:  # noqa: ANN001
    view = _open_tab(qtbot, window)
    last = view.list.item(view.list.count() - 1)
    rect = view.list.visualItemRect(last)
    view.list.scrollToItem(last)
    rect = view.list.visualItemRect(last)
    QTest.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    fi = window.failit
    qtbot.waitUntil(lambda: fi.failed_set is not None)
    assert fi.active and fi.failed_id is None
    states = {nid: item.state for nid, item in window.scene.node_items().items()}
    # both zones failed; everything that needs a replica in either is down, Shoppers too
    assert states["z1"] == states["z2"] == style.FAILED
    assert states["lb"] == states["web"] == states["db"] == states["users"] == style.DOWN
    assert states["r"] == style.NORMAL
    text = fi.overlay.text()
    assert text.splitlines()[0] == "zone z1 + zone z2 → drops: Shoppers"
    assert "These 2 failures together take Shoppers down: 0.13 % of the downtime" in text
    # 1e-6 of a year (525,960 min) = 0.53 min = 32 s
    assert "All of them down at once: 32 s a year (probability 1e-06" in text
    # Esc restores the design; a second Esc leaves the mode
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert fi.failed_set is None and fi.active
    assert {item.state for item in window.scene.node_items().values()} == {style.NORMAL}
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not fi.active


def test_an_edit_restores_a_failed_cut_set(qtbot, window) -> None:  # noqa: ANN001
    view = _open_tab(qtbot, window)
    view.list.setCurrentRow(0)
    view.cut_set_clicked.emit(view.list.item(0).data(Qt.ItemDataRole.UserRole + 1))
    fi = window.failit
    assert fi.failed_set is not None
    assert window.scene.item_for("lb").state == style.FAILED
    window.editor.design.nodes["db"].availability = 0.999
    window.editor.design.changed()
    wait_report(qtbot, window)
    qtbot.waitUntil(lambda: fi.failed_set is None)
    assert "pick the cut set again" in fi.overlay.text()


def test_a_full_report_fills_the_tab_without_a_background_job(qtbot) -> None:  # noqa: ANN001
    from modeller.analysis import analyze
    from modeller.model import design_from_dict
    from modeller.ui.insights.panel import InsightsPanel

    design = design_from_dict({"format": "modeller.design", "version": 1, "name": "C",
                               **CHECKOUT})
    panel = InsightsPanel()
    qtbot.addWidget(panel)
    report = analyze(design, simulation_years=0, sweeps=False, cut_sets=True)
    panel.set_report(report, design)
    view = panel.cutsets
    assert view.list.count() == 5 and panel.worker.started == 0
    assert view.list.item(0).text().endswith("66 % of the downtime")
    panel.shutdown()
