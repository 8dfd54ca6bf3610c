"""Live numbers: every edit re-analyses off the UI thread and the badges and banner follow."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer

from modeller import analyze
from modeller.render.badges import BAD, GOOD, NEUTRAL, WARN
from modeller.ui.panels.fields import fmt_downtime, fmt_nines, fmt_percent

from .conftest import load, make_window, wait_report

ONE = {
    "nodes": [
        {"id": "users", "kind": "client", "x": 0, "y": 0, "demand_rps": 80,
         "slo": {"availability": 0.999}},
        {"id": "web", "kind": "service", "x": 300, "y": 0, "availability": 0.999, "capacity_rps": 100},
    ],
    "links": [{"from": "users", "to": "web"}],
}


def _figures(badges):  # noqa: ANN001, ANN202
    """The badges without the node's own figure (shown first once the report has it)."""
    return [b for b in badges if b.label != "own"]


def test_badges_and_banner_show_the_report(window, qtbot):
    load(window, ONE)
    report = wait_report(qtbot, window)
    assert report.nodes["web"].availability == pytest.approx(0.999)
    badges = window.scene.badges("web")
    own = getattr(report.nodes["web"], "own_availability", None)
    assert [b.text for b in badges if b.label == "own"] == ([] if own is None else ["own 99.90 %"])
    assert [b.text for b in _figures(badges)] == ["serves 99.90 % · 3.00 nines", "util 80 %"]
    assert [b.level for b in _figures(badges)] == [GOOD, WARN]  # meets the 99.9 % SLO; 80 % > 70 %
    assert not window.scene.item_for("web").stale
    banner = window.banner.texts()
    assert banner["availability"] == "99.90 % · 3.00 nines"
    assert banner["downtime"] == fmt_downtime(0.001 * 525960) == "8 h 46 min"
    assert banner["headroom"] == "1.25×"
    assert banner["spofs"] == str(len(report.spofs)) and "web" in report.spofs
    assert banner["slo"] == "1 of 1 met"
    # the client's badge: how well it is served
    assert [b.text for b in window.scene.badges("users")] == ["served 99.90 % · 3.00 nines"]


def test_an_edit_updates_badges_and_colours(window, qtbot):
    load(window, ONE)
    wait_report(qtbot, window)
    window.scene.select_ids(["web"])
    window.properties.commit("availability", "99.5 %")
    assert window.scene.item_for("web").stale  # old numbers dimmed until the new report lands
    wait_report(qtbot, window)
    [avail, util] = _figures(window.scene.badges("web"))
    assert avail.text == "serves 99.50 % · 2.30 nines" and avail.level == WARN  # within 10x of the budget
    window.properties.commit("availability", "98 %")
    wait_report(qtbot, window)
    assert _figures(window.scene.badges("web"))[0].level == BAD
    window.properties.commit("capacity_rps", "50")
    report = wait_report(qtbot, window)
    assert report.nodes["web"].utilization == pytest.approx(1.6)
    assert _figures(window.scene.badges("web"))[1].text == "util 160 %"
    assert _figures(window.scene.badges("web"))[1].level == BAD
    assert window.banner.texts()["headroom"] == "0.62×"
    # undo brings the old numbers back
    window.editor.undo_stack.undo()
    wait_report(qtbot, window)
    assert _figures(window.scene.badges("web"))[1].text == "util 80 %"


TWO = {
    "nodes": [
        {"id": "users", "kind": "client", "x": 0, "y": 0, "demand_rps": 40,
         "slo": {"availability": 0.999, "latency_ms_p99": 500}},
        {"id": "partners", "kind": "client", "x": 0, "y": 200, "demand_rps": 40,
         "slo": {"availability": 0.999}},
        {"id": "web", "kind": "service", "x": 300, "y": 100, "availability": 0.999,
         "capacity_rps": 100, "service_time_ms": 20},
    ],
    "links": [{"from": "users", "to": "web"}, {"from": "partners", "to": "web"}],
}


def test_the_badges_land_before_the_full_report(window, qtbot):
    """The engine's preliminary result shows the edit's availability on the canvas
    first; the banner stays "analysing…" and a client whose verdict needs the latency
    keeps its old badge, dimmed, until the full report lands."""
    load(window, TWO)
    wait_report(qtbot, window)
    seen: list[tuple] = []

    def look(stage: str, revision: int) -> None:
        sc = window.scene
        seen.append((stage, revision, {n: sc.item_for(n).stale for n in ("web", "users", "partners")},
                     {n: [b.text for b in _figures(sc.badges(n))] for n in ("web", "users", "partners")},
                     window.banner.texts()["state"], window.banner.texts()["availability"]))

    window.analysis.badgesReady.connect(lambda _r, rev: look("badges", rev))
    window.analysis.reportReady.connect(lambda _r, rev: look("report", rev))
    window.scene.select_ids(["web"])
    window.properties.commit("availability", "99.5 %")
    revision = window.editor.design.revision
    wait_report(qtbot, window)
    assert [(s[0], s[1]) for s in seen] == [("badges", revision), ("report", revision)]
    _, _, stale, texts, state, banner = seen[0]
    assert stale == {"web": False, "partners": False, "users": True}
    assert texts["web"] == ["serves 99.50 % · 2.30 nines", "util 80 %"]
    assert texts["partners"] == ["served 99.50 % · 2.30 nines"]
    assert texts["users"] == ["served 99.90 % · 3.00 nines"]  # the old figure, dimmed
    assert state == "analysing…" and banner == "99.90 % · 3.00 nines"  # the banner waits
    _, _, stale, texts, _, _ = seen[1]
    assert stale == {"web": False, "partners": False, "users": False}
    assert texts["users"] == ["served 99.50 % · 2.30 nines"]
    assert window.banner.texts()["availability"] == "99.50 % · 2.30 nines"


def test_shown_numbers_match_the_engine_for_an_example(window, qtbot, examples_dir):
    assert window.open_file(str(examples_dir / "multi-az.arch.json"), ask=False)
    report = wait_report(qtbot, window)
    fresh = analyze(window.editor.design.copy())
    s = fresh.system
    assert window.banner.texts()["availability"] == f"{fmt_percent(s.availability, s.unavailability)} · " \
                                                    f"{fmt_nines(s.nines)}"
    assert report.system.availability == pytest.approx(s.availability, rel=1e-12)
    for nid, res in fresh.nodes.items():
        item = window.scene.item_for(nid)
        if item is None or window.editor.design.nodes[nid].kind == "client":
            continue
        text = _figures(window.scene.badges(nid))[0].text
        prefix = "" if item.__class__.__name__ == "ContainerItem" else "serves "
        assert text == f"{prefix}{fmt_percent(res.availability, res.unavailability)} · {fmt_nines(res.nines)}", nid


def test_node_serving_no_slo_is_neutral(window, qtbot):
    load(window, {"nodes": [{"id": "c", "kind": "client", "x": 0, "y": 0},
                            {"id": "s", "kind": "service", "x": 300, "y": 0, "availability": 0.9}],
                  "links": [{"from": "c", "to": "s"}]})
    wait_report(qtbot, window)
    assert _figures(window.scene.badges("s"))[0].level == NEUTRAL


def test_stale_results_are_dropped_and_the_newest_edit_wins(qtbot):
    gate = threading.Event()
    seen: list[int] = []

    def slow(design):  # noqa: ANN001, ANN202
        seen.append(design.revision)
        if len(seen) == 1:
            gate.wait(5)
        return analyze(design)

    w = make_window(qtbot, analyze=slow)
    load(w, ONE)
    qtbot.waitUntil(lambda: w.analysis.busy and len(seen) == 1)
    w.scene.select_ids(["web"])
    for text in ("99 %", "98 %", "97 %"):  # three edits while the first analysis runs
        w.properties.commit("availability", text)
        qtbot.wait(40)
    gate.set()
    report = wait_report(qtbot, w)
    assert w.analysis.dropped >= 1
    assert seen[-1] == w.editor.design.revision and len(seen) <= 3  # intermediate edits skipped
    assert report.nodes["web"].availability == pytest.approx(0.97)
    assert _figures(w.scene.badges("web"))[0].text.startswith("serves 97.00 %")


def test_engine_error_is_a_message_not_a_crash(qtbot):
    calls = []

    def broken(design):  # noqa: ANN001, ANN202
        calls.append(1)
        if len(calls) >= 2:
            raise ZeroDivisionError("boom")
        return analyze(design)

    w = make_window(qtbot, analyze=broken)
    load(w, ONE)
    wait_report(qtbot, w)
    w.scene.select_ids(["web"])
    w.properties.commit("availability", "99 %")
    qtbot.waitUntil(lambda: "boom" in w.banner.texts()["state"])
    assert "Analysis failed: ZeroDivisionError: boom" in w.statusBar().currentMessage()
    assert w.banner.texts()["availability"] == "—"
    # the editor still works
    w.properties.commit("availability", "99.9 %")
    assert w.editor.design.nodes["web"].availability == pytest.approx(0.999)


def test_missing_engine_shows_analysis_unavailable(qtbot):
    from modeller.ui.window import worker

    def missing(design):  # noqa: ANN001, ANN202
        raise worker._Unavailable(worker.UNAVAILABLE)

    w = make_window(qtbot, analyze=missing)
    load(w, ONE)
    qtbot.waitUntil(lambda: w.analysis.unavailable)
    assert w.banner.texts()["state"].startswith("Analysis unavailable")
    assert w.scene.badges("web") == []


def test_ui_stays_responsive_while_the_engine_works(qtbot):
    def slow(design):  # noqa: ANN001, ANN202
        time.sleep(0.6)  # an engine busy in another thread
        return analyze(design)

    w = make_window(qtbot, analyze=slow)
    load(w, ONE)
    qtbot.waitUntil(lambda: w.analysis.busy)
    ticks: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
    timer.start(20)
    qtbot.wait(400)
    timer.stop()
    assert w.analysis.busy  # still analysing ...
    assert len(ticks) >= 10  # ... while the event loop keeps running (a frozen loop ticks ~once)
    wait_report(qtbot, w)


def test_large_example_stays_responsive(qtbot, examples_dir):
    """The 300-node example: the scene builds fast, and an edit reaches the badges while the
    event loop keeps ticking (tests/bench/bench_gui.py measures the same in detail)."""
    from modeller.model import load_design
    from modeller.ui.editing.commands import SetNodeFieldsCommand

    design = load_design(examples_dir / "large-300.arch.json")
    w = make_window(qtbot)
    w.editor.set_design(design)
    assert len(w.scene.node_items()) == 300 and len(w.scene.link_items()) == len(design.links)
    wait_report(qtbot, w, timeout=30000)
    target = "us-east-svc001"
    ticks: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
    timer.start(10)
    w.editor.push(SetNodeFieldsCommand(design, {target: {"availability": 0.95}}, "edit"))
    report = wait_report(qtbot, w, timeout=30000)
    timer.stop()
    assert report.nodes[target].availability < 0.999
    badge = _figures(w.scene.badges(target))[0]
    res = report.nodes[target]
    assert badge.text == f"serves {fmt_percent(res.availability, res.unavailability)} · {fmt_nines(res.nines)}"
    assert ticks  # the event loop ran during the analysis (the stall is measured by bench_gui)


def test_the_window_schedules_the_analysis_before_the_canvas_syncs(qtbot) -> None:  # noqa: ANN001
    """Real window: at the moment the canvas syncs after an edit, the debounce already runs."""
    from modeller.model import Node

    w = make_window(qtbot)
    seen: list[bool] = []
    original = w.scene.sync

    def sync() -> None:
        seen.append(w.analysis._timer.isActive())
        original()

    w.scene.sync = sync  # type: ignore[method-assign]
    w.analysis._timer.stop()  # the window's first analysis
    w.editor.design.add_node(Node("web", "service"))
    w.editor.design.changed()
    assert seen and seen[-1] is True
