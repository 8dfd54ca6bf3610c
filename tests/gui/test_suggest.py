"""The Suggest dock on a real MainWindow: find, hover, apply as one undo step, the chart."""

from __future__ import annotations

import json
import time

import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication

from modeller.analysis import analyze
from modeller.ui.panels.suggest import HIGHLIGHT, Suggest, SuggestPanel

from .conftest import EXAMPLES, load


@pytest.fixture
def suggest(window) -> Suggest:  # noqa: ANN001
    s = window.suggest
    assert isinstance(s, Suggest)
    s.dock.show()
    s.dock.raise_()
    return s


def three_tier(window):  # noqa: ANN001, ANN201
    return load(window, json.loads((EXAMPLES / "three-tier.arch.json").read_text(encoding="utf-8")))


def find_and_wait(qtbot, panel: SuggestPanel) -> None:  # noqa: ANN001
    panel.find_button.click()
    qtbot.waitUntil(lambda: not panel.busy and panel.recommendation is not None
                    and bool(panel.nines_rows), timeout=180000)
    QApplication.processEvents()


def hover(widget, inside: bool) -> None:  # noqa: ANN001
    if inside:
        ev = QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5))
        QApplication.sendEvent(widget, ev)
    else:
        QApplication.sendEvent(widget, QEvent(QEvent.Type.Leave))


def test_dock_and_menu_toggle_exist(window, suggest):  # noqa: ANN001
    assert suggest.dock.objectName() == "suggestDock"
    texts = [a.text() for a in window._dock_toggles.actions()]
    assert "Suggest" in texts


def test_find_hover_apply_undo_on_the_three_tier_example(window, qtbot, suggest):  # noqa: ANN001
    design = three_tier(window)
    panel = suggest.panel
    find_and_wait(qtbot, panel)
    assert panel.cards, panel.status.text()
    first = panel.cards[0]
    assert first.option.label == "cheapest"
    assert first.change_lines == ["Booking API: replicas 1 → 2"]
    assert "+140 a month" in panel.status.text()
    # hovering outlines exactly the parts the option changes, leaving restores them
    item = window.scene.item_for("app")
    hover(first, True)
    assert suggest.highlighted == ["app"] and item.highlight == HIGHLIGHT
    assert window.scene.item_for("db").highlight is None
    hover(first, False)
    assert suggest.highlighted == [] and item.highlight is None
    # Apply: one undo step, the design now meets its SLO
    stack = window.editor.undo_stack
    before = stack.count()
    first.apply_button.click()
    design = window.editor.design
    assert stack.count() == before + 1
    assert design.nodes["app"].replicas == 2
    assert analyze(design, simulation_years=0, sweeps=False).system.meets_slo
    # options describe the old design now: Apply is refused
    assert not first.apply_button.isEnabled()
    stack.undo()
    assert design.nodes["app"].replicas == 1
    assert not analyze(design, simulation_years=0, sweeps=False).system.meets_slo


def test_an_option_with_several_changes_is_one_undo_step(window, qtbot, suggest):  # noqa: ANN001
    data = json.loads((EXAMPLES / "multi-az.arch.json").read_text(encoding="utf-8"))
    for n in data["nodes"]:
        if n["id"] == "web":
            n.pop("spread")
            n["parent"] = "eu-west-1a"
    load(window, data)
    panel = suggest.panel
    find_and_wait(qtbot, panel)
    option = panel.cards[0].option
    assert {c["field"] for c in option.changes} == {"spread", "parent"}
    stack = window.editor.undo_stack
    before = stack.count()
    panel.cards[0].apply_button.click()
    d = window.editor.design
    assert stack.count() == before + 1
    assert d.nodes["web"].spread == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert d.nodes["web"].parent == "eu-west-1"
    stack.undo()
    assert d.nodes["web"].spread == [] and d.nodes["web"].parent == "eu-west-1a"


def test_nines_chart_plots_the_cheapest_design_per_half_nine(window, qtbot, suggest):  # noqa: ANN001
    three_tier(window)
    panel = suggest.panel
    find_and_wait(qtbot, panel)
    xs, ys = panel.chart.points()
    assert xs[1:] == pytest.approx([2.0, 2.5, 3.0])
    assert ys[0] == pytest.approx(500.0) and ys[1] == pytest.approx(640.0)
    assert ys == sorted(ys)
    assert len(panel.chart.out_lines) == 1  # 3.5 nines: above what the one zone allows
    assert not panel.chart.showing_hint


def test_cancel_stops_a_search_and_says_so(window, qtbot, suggest, monkeypatch):  # noqa: ANN001
    import modeller.analysis.recommend as rec

    three_tier(window)
    real = rec.analyze
    gate = {"calls": 0}

    def slow(design, **kw):  # noqa: ANN001, ANN003, ANN202
        gate["calls"] += 1
        time.sleep(0.05)  # a big design: each evaluation takes a while
        return real(design, **kw)
    monkeypatch.setattr(rec, "analyze", slow)
    monkeypatch.setattr("modeller.ui.panels.suggest.PROGRESS_AFTER_MS", 50)
    panel = suggest.panel
    panel.find_button.click()
    qtbot.waitUntil(lambda: panel.cancel_button.isVisible(), timeout=10000)
    assert panel.progress.isVisible() and not panel.find_button.isEnabled()
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: not panel.busy, timeout=60000)
    assert panel.status.text() == "Search cancelled."
    assert panel.find_button.isEnabled() and not panel.progress.isVisible()
    assert panel.cards == []
