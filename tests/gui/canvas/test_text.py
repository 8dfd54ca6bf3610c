"""No label is cut without an ellipsis and a tooltip; an export never cuts a number."""

from __future__ import annotations

from modeller.analysis import analyze
from modeller.export.diagram import diagram_scene
from modeller.model import design_from_dict
from modeller.render.items import ChipItem, ContainerItem, NodeItem
from modeller.render.text import fit_text

from ..conftest import load, wait_report

CRAMPED = {
    "nodes": [
        {"id": "users", "kind": "client", "name": "Customers in every country we sell to", "x": 0, "y": 0,
         "demand_rps": 1200, "slo": {"availability": 0.99995}},
        {"id": "r", "kind": "region", "name": "us-east-1 (N. Virginia, the busiest region)", "x": 220, "y": -40,
         "w": 460, "h": 400, "availability": 0.99999},
        {"id": "za", "kind": "zone", "name": "us-east-1a availability zone", "parent": "r", "x": 240,
         "y": 130, "w": 200, "h": 200, "availability": 0.9995},
        {"id": "zb", "kind": "zone", "name": "us-east-1b", "parent": "r", "x": 460, "y": 130, "w": 200,
         "h": 200, "availability": 0.9995},
        {"id": "db", "kind": "database", "name": "Database (Multi-AZ) for orders and payments",
         "parent": "r", "x": 260, "y": 10, "replicas": 2, "failover": "active-passive",
         "availability": 0.99995, "spread": ["za", "zb"], "capacity_rps": 5000},
        {"id": "web", "kind": "service", "name": "Storefront web tier behind the balancer",
         "parent": "za", "x": 260, "y": 180, "availability": 0.9999, "capacity_rps": 2000},
    ],
    "links": [{"from": "users", "to": "web"}, {"from": "web", "to": "db"}],
}


def _walk(scene) -> list[tuple[object, object]]:  # noqa: ANN001
    return [(item, fit) for item in scene.text_items() for fit in item.fits]


def test_every_cut_label_has_an_ellipsis_and_its_tooltip(window, qtbot):
    load(window, CRAMPED)
    wait_report(qtbot, window)
    pairs = _walk(window.scene)
    assert len(pairs) > 12
    cut = [(item, fit) for item, fit in pairs if fit.cut]
    assert cut, "the cramped design must cut something, or this test checks nothing"
    for item, fit in pairs:
        shown = fit.shown.replace("\n", " ")
        if shown != fit.full:
            assert fit.cut, (fit.full, fit.shown)
            assert fit.full in item.toolTip(), (fit.full, item.toolTip())
            if isinstance(item, ChipItem) and item.compact:
                continue  # icon and count only; the name is in the tooltip
            # elided with "…", or a badge's short form (its figure whole, the rest in the tooltip)
            assert shown.endswith("…") or fit.full.startswith(shown), fit.shown
    # the database's two figures are labelled and the tooltip carries the full numbers
    db = window.scene.item_for("db")
    texts = [b.text for b in db.badges]
    assert any(t.startswith("serves ") for t in texts)
    assert "P(serves) = " in db.toolTip() and "down a year" in db.toolTip()


def test_an_export_never_cuts_a_number_or_a_name(qtbot):
    design = design_from_dict({"format": "modeller.design", "version": 1, **CRAMPED})
    report = analyze(design, simulation_years=0, sweeps=False)
    scene = diagram_scene(design, report)
    pairs = _walk(scene)
    for item, fit in pairs:
        assert "…" not in fit.shown, (type(item).__name__, fit.full, fit.shown)
        if isinstance(item, NodeItem):
            assert fit.shown.replace("\n", " ") == fit.full, fit.full  # names wrap, badges shrink
    zone = scene.item_for("za")
    assert isinstance(zone, ContainerItem)
    shown = [f.shown for f in zone.fits]
    assert "us-east-1a availability zone" in " ".join(s.replace("\n", " ") for s in shown)
    pct = f"{report.nodes['za'].availability * 100:.3f} %"
    assert any(pct in s for s in shown), shown  # "99.950 %" whole (never "99.950 % · 3....")


def test_fit_text_prefers_wrapping_and_shrinking_to_cutting(qtbot):
    f = fit_text("Database (Multi-AZ)", 112, ((9.0, True), (8.5, True)), 2)
    assert not f.cut and f.shown.replace("\n", " ") == "Database (Multi-AZ)"
    g = fit_text("a very long name that will never fit in a tiny box", 40, ((9.0, True),), 1)
    assert g.cut and g.shown.endswith("…")
    h = fit_text("99.950 % · 3.30 nines", 60, ((7.5, True),), 1, ("99.950 %",))
    assert h.shown == "99.950 %" and h.cut
    k = fit_text("a very long name", 20, ((9.0, True),), 1, never_cut=True)
    assert k.overflow and k.shown == "a very long name"
