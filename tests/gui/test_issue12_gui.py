"""(v2) Own availability vs "serves", SPOFs by failure unit and the four zone outcomes, as
the properties panel, the banner and the help say them."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication, QScrollArea

from modeller.model import MINUTES_PER_YEAR, load_design
from modeller.ui.panels.properties import NUMBERS_TIP
from modeller.ui.window.banner import spof_tip
from modeller.ui.window.help import show_help

from .conftest import EXAMPLES, wait_report


def _open(window, qtbot, name: str):  # noqa: ANN001, ANN202
    window._replace(load_design(EXAMPLES / f"{name}.arch.json"), None)
    QApplication.processEvents()
    return wait_report(qtbot, window)


def _numbers(window, node_id: str) -> list[str]:  # noqa: ANN001
    """The properties panel's analysis lines for one selected node, as plain text."""
    window.scene.select_ids([node_id])
    QApplication.processEvents()
    text = window.properties.numbers.text().replace("&nbsp;", " ")
    return [re.sub(r"<[^>]+>", "", line).strip() for line in text.split("<br>")]


def test_properties_show_own_first_then_serves_and_the_spof_unit(window, qtbot):
    report = _open(window, qtbot, "multi-az")
    lines = _numbers(window, "lb")
    # the LB entered at 99.99 %, one replica: its own figure is what was entered,
    # 0.0001 x 525 960 = 52.6 min a year; "serves" adds the region and everything below it
    assert report.nodes["lb"].own_availability == pytest.approx(0.9999, abs=1e-12)
    assert 0.0001 * MINUTES_PER_YEAR == pytest.approx(52.596)
    assert lines[1] == "Own availability  99.990 % (4.00 nines) · 52.6 min down a year"
    serves = report.nodes["lb"].availability
    assert serves < 0.9999
    assert lines[2].startswith("Serves (with what it needs)  ")
    assert lines[2].endswith("a year not serving")
    assert lines[-1] == "Single point of failure  its only replica"
    # the database: two replicas, but its failover window is the unit that makes it single
    assert _numbers(window, "db")[-1] == "Single point of failure  its failover window"
    # Storefront: 3 replicas over 3 zones that carry the load on any two: not a SPOF
    web = _numbers(window, "web")
    assert "web" not in report.spofs and not any(line.startswith("Single point") for line in web)
    assert web[1].startswith("Own availability") and web[2].startswith("Serves (with what it needs)")
    tip = window.properties.numbers.toolTip()
    assert tip == NUMBERS_TIP and "the part alone" in tip and "what it depends on" in tip
    # and it is all visible: the panel's scroll area never scrolls sideways
    for sa in window.properties.findChildren(QScrollArea):
        assert not sa.horizontalScrollBar().isVisible()


def test_banner_lists_each_spof_with_its_unit(window, qtbot):
    report = _open(window, qtbot, "multi-az")
    assert report.spofs == ["lb", "db", "eu-west-1"]
    tip = window.banner.spofs.toolTip()
    assert window.banner.texts()["spofs"] == "3"
    for line in ("lb — its only replica", "db — its failover window", "eu-west-1 — region eu-west-1"):
        assert line in tip.splitlines(), line
    assert spof_tip([], {}) == "No single failure drops a client"
    assert spof_tip(["x"], {}).splitlines()[-1] == "x"  # no unit known: the id alone


def test_help_says_own_serves_units_outcomes_and_moving_loads(window):
    dlg = show_help(window, "numbers")
    text = dlg.text("numbers")
    for must in ("Own availability", "Serves (with what it needs)", "failure unit", "its only replica",
                 "needs all 3 replicas", "its failover window", "assumed perfect",
                 "load moves at the routers", "survives, hot", "does not survive", "above 100 %",
                 "1/(MTBF + MTTR)", "80 % by default"):
        assert must in text, must
    assert "the rate is 1/MTBF" not in text  # the v1 rule is gone
    dlg.close()
