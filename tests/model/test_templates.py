"""Starter templates: each opens, analyses without warnings and matches a hand check.

Figures used below (from the presets the templates name):
  a  = 0.995    EC2 instance (aws.ec2.instance; RDS single instance has the same figure)
  z  = 0.9995   availability zone (aws.az, assumed)
  r  = 0.9999   region (aws.region, assumed)
  L  = 0.9999   multi-AZ load balancer (aws.elb.multi_az); L1 = 0.999 single-AZ (aws.elb.single_az)
  D  = 0.9995   RDS Multi-AZ as one box (aws.rds.multi_az)
  N  = 0.99999  DNS (aws.route53, assumed)
MTTR = 1 h (settings), so MTBF = a * MTTR / (1 - a).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modeller.model import DesignError, load_design
from modeller.model.presets import get_preset, load_presets
from modeller.model.templates import Template, list_templates, read_template

REPO = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = REPO / "resources" / "templates"
from modeller.model.geometry import NODE_H, NODE_W  # noqa: E402  (the canvas's box size)

LABEL_H = 28

a, z, r = 0.995, 0.9995, 0.9999
L, L1, D, N = 0.9999, 0.999, 0.9995, 0.99999
REQUIRED = ["single-instance", "vertical-vs-horizontal", "multi-az-active-active",
            "primary-standby-db", "two-regions-dns", "active-passive-dr", "one-region-or-two"]


def design_path(name: str) -> Path:
    return TEMPLATES_DIR / f"{name}.arch.json"


def _analyze(name: str):  # type: ignore[no-untyped-def]
    from modeller import analysis

    report = analysis.analyze(load_design(design_path(name)))
    assert report.warnings == []
    return report


def approx(x: float):  # type: ignore[no-untyped-def]
    return pytest.approx(x, rel=1e-12)


# --------------------------------------------------------------------------- listing

def test_list_templates_sorted_by_order() -> None:
    templates = list_templates(TEMPLATES_DIR)
    assert [t.id for t in templates][: len(REQUIRED)] == REQUIRED
    assert [t.order for t in templates] == sorted(t.order for t in templates)
    for t in templates:
        assert isinstance(t, Template) and t.path.is_file()
        assert t.title and len(t.note) > 200, t.id  # a paragraph: what it teaches, what to try
        assert "Try" in t.note, t.id
    assert [t.id for t in list_templates()] == [t.id for t in templates]  # default = bundled


def test_missing_or_bad_header_is_refused(tmp_path: Path) -> None:
    design = {"format": "modeller.design", "version": 1, "nodes": [], "links": []}
    p = tmp_path / "x.arch.json"
    p.write_text(json.dumps(design), encoding="utf-8")
    with pytest.raises(DesignError, match='x.arch.json: has no "template" object'):
        read_template(p)
    design["template"] = {"title": "X", "note": "n", "order": "first"}
    p.write_text(json.dumps(design), encoding="utf-8")
    with pytest.raises(DesignError, match="order must be a number"):
        list_templates(tmp_path)
    assert list_templates(tmp_path / "missing") == []


@pytest.mark.parametrize("name", REQUIRED)
def test_template_opens_keeps_header_and_uses_presets(name: str) -> None:
    design = load_design(design_path(name))
    assert design.extra["template"]["title"] == read_template(design_path(name)).title
    presets = load_presets()
    for node in design.nodes.values():
        if node.kind == "client":
            continue
        assert node.preset, f"{name}: {node.id} has no preset"
        preset = get_preset(node.preset, presets)
        assert preset is not None, node.preset
        assert preset.kind == node.kind
        # the availability figures are the preset's (capacity and cost may be resized)
        for key in ("availability", "failover", "failover_seconds"):
            if key in preset.fields:
                assert getattr(node, key) == preset.fields[key], (name, node.id, key)


@pytest.mark.parametrize("name", REQUIRED)
def test_layout_children_sit_inside_their_containers(name: str) -> None:
    base = load_design(design_path(name))
    for design in [base, *(base.variant(v.name) for v in base.variants)]:
        _check_layout(design, name)


def _check_layout(design, name: str) -> None:  # type: ignore[no-untyped-def]
    for node in design.nodes.values():
        w = node.w if node.is_container else NODE_W
        h = node.h if node.is_container else NODE_H
        assert w is not None and h is not None, node.id
        if node.parent is None:
            continue
        box = design.node(node.parent)
        assert box.w is not None and box.h is not None
        assert node.x >= box.x + 10 and node.x + w <= box.x + box.w - 10, (name, node.id)
        assert node.y >= box.y + LABEL_H + 10 and node.y + h <= box.y + box.h - 10, (name, node.id)
    # sibling boxes do not overlap
    items = list(design.nodes.values())
    for i, m in enumerate(items):
        for n in items[i + 1:]:
            if m.parent != n.parent:
                continue
            mw, mh = (m.w, m.h) if m.is_container else (NODE_W, NODE_H)
            nw, nh = (n.w, n.h) if n.is_container else (NODE_W, NODE_H)
            apart = (m.x + mw <= n.x or n.x + nw <= m.x or m.y + mh <= n.y or n.y + nh <= m.y)
            assert apart, (name, m.id, n.id)


# --------------------------------------------------------------------------- hand checks

def test_single_instance() -> None:
    # users -> web, web in zone in region: everything in series.
    # A = a * z * r = 0.995 * 0.9995 * 0.9999
    rep = _analyze("single-instance")
    assert rep.system.availability == approx(a * z * r)
    assert rep.system.availability == approx(0.99440304975)
    assert rep.system.meets_slo is False  # 99.9 % SLO: one instance cannot make it
    assert sorted(rep.spofs) == ["region", "web", "zone-a"]


def _variant_report(name: str, variant: str):  # type: ignore[no-untyped-def]
    from modeller import analysis

    report = analysis.analyze(load_design(design_path(name)).variant(variant))
    assert report.warnings == []
    return report


def test_variants_of_templates_keep_layout_and_presets() -> None:
    # every variant of a template is a design of its own: same checks as the base
    presets = load_presets()
    for name in REQUIRED:
        design = load_design(design_path(name))
        for v in design.variants:
            for node in design.variant(v.name).nodes.values():
                if node.kind != "client":
                    assert node.preset and get_preset(node.preset, presets) is not None, (name, v.name)


def test_vertical_vs_horizontal() -> None:
    # One file, three options for 900 rps (DESIGN 4c variants).
    # Base: one big instance (1500 rps) in zone a: V = r * z * a.
    rep = _analyze("vertical-vs-horizontal")
    assert rep.system.availability == approx(r * z * a)
    assert rep.system.availability == approx(0.99440304975)
    assert rep.system.meets_slo is False  # 99.5 % SLO
    # "Horizontal": single-AZ LB -> 3 small (500 rps) in zone a; 900 rps needs
    # ceil(900/500) = 2 of 3 up: P(>=2 of 3) = 3a^2 - 2a^3;  H = r * z * L1 * (3a^2 - 2a^3).
    h = _variant_report("vertical-vs-horizontal", "Horizontal")
    assert h.system.availability == approx(r * z * L1 * (3 * a**2 - 2 * a**3))
    assert h.system.meets_slo is True
    assert h.nodes["small"].capacity_rps == rep.nodes["big"].capacity_rps == 1500  # same capacity
    # "Horizontal over two zones": multi-AZ LB (region) -> 4 small spread a, b, a, b; 2 of 4
    # needed. Zones both up: P(>=2 of 4) = 1 - (1-a)^4 - 4a(1-a)^3; one zone up: both of its
    # replicas: a^2.  H2 = r * L * [z^2 P(>=2 of 4) + 2 z (1-z) a^2]
    h2 = _variant_report("vertical-vs-horizontal", "Horizontal over two zones")
    two_of_four = 1 - (1 - a) ** 4 - 4 * a * (1 - a) ** 3
    assert h2.system.availability == approx(r * L * (z * z * two_of_four + 2 * z * (1 - z) * a * a))
    assert all(f.survives for f in h2.failures if f.kind == "zone")
    assert [rep.system.cost_month, h.system.cost_month, h2.system.cost_month] == [210, 230, 305]


def test_one_region_or_two() -> None:
    # Per region: multi-AZ LB -> web in zone x and web in zone y; 400 rps needs 1 of 2:
    # S = r * L * (1 - (1 - z a)^2).  Base: DNS -> one region: A = N * S.
    s = r * L * (1 - (1 - z * a) ** 2)
    rep = _analyze("one-region-or-two")
    assert rep.system.availability == approx(N * s)
    assert sorted(rep.spofs) == ["dns", "eu", "lb-eu"]
    # "Two regions, active-active": DNS needs either region: A = N * (1 - (1 - S)^2)
    aa = _variant_report("one-region-or-two", "Two regions, active-active")
    assert aa.system.availability == approx(N * (1 - (1 - s) ** 2))
    assert aa.spofs == ["dns"]
    # "Warm standby": DR region with one server, S2 = r * L * z * a; DNS failover is
    # active-passive with a 150 s window after each failure of the primary LB:
    # p_F = (150 / 3600) / (MTBF + MTTR), MTBF = L * 1 h / (1 - L).
    # A = N * (1 - p_F) * (1 - (1 - S)(1 - S2))
    s2 = r * L * z * a
    p_f = (150 / 3600) / (L * 1.0 / (1 - L) + 1.0)
    ws = _variant_report("one-region-or-two", "Warm standby")
    assert ws.system.availability == approx(N * (1 - p_f) * (1 - (1 - s) * (1 - s2)))
    assert [rep.system.cost_month, aa.system.cost_month, ws.system.cost_month] == [166, 331, 262]


def test_multi_az_active_active() -> None:
    # LB (region) -> web-a/b/c, one per zone, each needs the Multi-AZ DB (region).
    # Given region up and DB serving, web-x serves with p = z * a, independently;
    # demand 800 over 500-rps servers needs 2 of 3: 3p^2 - 2p^3.
    # A = r * L * D * (3p^2 - 2p^3)
    p = z * a
    rep = _analyze("multi-az-active-active")
    assert rep.system.availability == approx(r * L * D * (3 * p**2 - 2 * p**3))
    assert "zone-a" not in rep.spofs and sorted(rep.spofs) == ["db", "lb", "region"]


def test_primary_standby_db() -> None:
    # LB (region) -> app-a (zone a), app-b (zone b); both need db: 2 replicas
    # active-passive spread over zones a and b, 120 s failover.
    # Failover window: MTBF = a * 1 h / (1 - a) = 199 h; p_F = (120 / 3600) / (MTBF + MTTR).
    # Condition on the zones:
    #   both up (z^2):            some app up and some db replica up: (1-(1-a)^2) * (1-(1-a)^2)
    #   only a or only b (2z(1-z)): that zone's app and db replica: a * a
    #   none: 0
    # A = r * L * (1 - p_F) * [z^2 (1-(1-a)^2)^2 + 2 z (1-z) a^2]
    mtbf = a * 1.0 / (1 - a)
    p_f = (120 / 3600) / (mtbf + 1.0)  # (v2) renewal rate 1/(MTBF + MTTR)
    inner = z**2 * (1 - (1 - a) ** 2) ** 2 + 2 * z * (1 - z) * a * a
    rep = _analyze("primary-standby-db")
    assert rep.system.availability == approx(r * L * (1 - p_f) * inner)
    # the failover window is the largest single part of the downtime (p_F * 525960 min)
    assert p_f * 525_960 > 0.35 * rep.system.downtime_minutes_per_year


def test_two_regions_dns() -> None:
    # Per region: LB (region) -> web in zone x and web in zone y, demand 200 per
    # region (DNS splits 400 equally) needs 1 of 2: S = r * L * (1 - (1 - z a)^2).
    # DNS needs either region: A = N * (1 - (1 - S)^2).
    s = r * L * (1 - (1 - z * a) ** 2)
    rep = _analyze("two-regions-dns")
    assert rep.system.availability == approx(N * (1 - (1 - s) ** 2))
    assert rep.spofs == ["dns"]


def test_active_passive_dr() -> None:
    # Primary: S1 = r * L * (1 - (1 - z a)^2) as above; DR: one server in one zone,
    # S2 = r * L * z * a. DNS failover is active-passive with a 150 s window after
    # each failure of its active member, the primary LB: MTBF = L * 1 h / (1 - L),
    # p_F = (150 / 3600) / MTBF.  A = N * (1 - p_F) * (1 - (1 - S1)(1 - S2)).
    s1 = r * L * (1 - (1 - z * a) ** 2)
    s2 = r * L * z * a
    p_f = (150 / 3600) / (L * 1.0 / (1 - L) + 1.0)  # (v2) renewal rate 1/(MTBF + MTTR)
    rep = _analyze("active-passive-dr")
    assert rep.system.availability == approx(N * (1 - p_f) * (1 - (1 - s1) * (1 - s2)))
    assert rep.nodes["web-dr"].load_rps == 0  # the standby takes no traffic
    assert rep.spofs == ["dns"]
