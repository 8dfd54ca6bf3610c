"""Variants (model/variants.py): overrides on the base, round trips, friendly refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modeller.model import (
    MISSING,
    DesignError,
    Link,
    Node,
    dumps_design,
    load_design,
    loads_design,
    save_design,
)
from modeller.model.io import design_to_dict
from modeller.model.variants import diff, fresh_name, materialise, name_problem

REPO = Path(__file__).resolve().parents[2]


def base_dict() -> dict[str, Any]:
    return {
        "format": "modeller.design", "version": 1, "name": "Shop",
        "settings": {"default_mttr_hours": 1},
        "nodes": [
            {"id": "users", "kind": "client", "x": 0, "y": 0, "demand_rps": 100},
            {"id": "lb", "kind": "load_balancer", "x": 0, "y": 100, "availability": 0.999},
            {"id": "web", "kind": "service", "x": 0, "y": 200, "availability": 0.99,
             "capacity_rps": 200, "cost_month": 50, "owner": "team-a"},
            {"id": "cache", "kind": "cache", "x": 200, "y": 200},
        ],
        "links": [{"from": "users", "to": "lb"}, {"from": "lb", "to": "web"},
                  {"from": "web", "to": "cache", "optional": True}],
    }


def with_variants(*variants: dict[str, Any]) -> str:
    data = base_dict()
    data["variants"] = list(variants)
    return json.dumps(data)


def test_file_without_variants_is_unchanged_byte_for_byte(tmp_path: Path) -> None:
    # every bundled example and template: save, reopen, save again -> identical bytes,
    # and no "variants" key appears in a file that had none
    files = sorted((REPO / "resources").rglob("*.arch.json"))
    assert files
    for f in files:
        d = load_design(f)
        if d.variants:
            continue
        text = dumps_design(d)
        assert '"variants"' not in text, f
        out = tmp_path / f.name
        save_design(d, out)
        again = load_design(out)
        assert dumps_design(again) == text, f
        assert again == d


def test_materialise_applies_every_kind_of_override() -> None:
    text = with_variants({
        "name": "Bigger",
        "nodes": {"web": {"replicas": 3, "capacity_rps": None}},
        "add_nodes": [{"id": "db", "kind": "database", "x": 0, "y": 300, "colour": "teal"}],
        "remove_nodes": ["cache"],
        "links": [{"from": "lb", "to": "web", "calls": 2}],
        "add_links": [{"from": "web", "to": "db"}],
        "settings": {"default_mttr_hours": 0.5},
    })
    d = loads_design(text)
    v = d.variant("Bigger")
    assert v.variants == []
    assert d.nodes["web"].replicas == 1 and d.nodes["web"].capacity_rps == 200  # base untouched
    assert v.nodes["web"].replicas == 3
    assert v.nodes["web"].capacity_rps is None  # null: back to the default (unlimited)
    assert v.nodes["web"].extra == {"owner": "team-a"}  # unknown field of the base kept
    assert "cache" not in v.nodes and v.link("web", "cache") is None  # its link went with it
    assert v.nodes["db"].extra == {"colour": "teal"}
    assert v.link("lb", "web").calls == 2.0  # type: ignore[union-attr]
    assert [lk.key for lk in v.links] == [("users", "lb"), ("lb", "web"), ("web", "db")]
    assert v.settings.default_mttr_hours == 0.5
    assert list(v.nodes) == ["users", "lb", "web", "db"]


def test_round_trip_keeps_unknown_fields_also_inside_variants(tmp_path: Path) -> None:
    text = with_variants({
        "name": "Two", "colour": "#ff0000", "notes": {"why": "cheaper"},
        "nodes": {"web": {"replicas": 2, "team": "sre"}},
        "add_nodes": [{"id": "db", "kind": "database", "x": 0, "y": 300, "tier": "gold"}],
        "add_links": [{"from": "web", "to": "db", "label": "sql"}],
    })
    d = loads_design(text)
    path = tmp_path / "v.arch.json"
    save_design(d, path)
    again = load_design(path)
    assert again == d
    raw = json.loads(path.read_text(encoding="utf-8"))
    var = raw["variants"][0]
    assert var["colour"] == "#ff0000" and var["notes"] == {"why": "cheaper"}
    assert var["nodes"] == {"web": {"replicas": 2, "team": "sre"}}
    assert var["add_nodes"][0]["tier"] == "gold"
    assert var["add_links"] == [{"from": "web", "to": "db", "label": "sql"}]
    assert list(raw)[-1] == "variants"  # written after the links
    assert dumps_design(again) == path.read_text(encoding="utf-8")  # stable


def test_edit_a_materialised_variant_and_store_the_diff() -> None:
    d = loads_design(json.dumps(base_dict()))
    edited = d.copy()
    edited.variants = []
    edited.set_node_fields("web", replicas=3, availability=0.995)
    edited.set_node_fields("web", **{"owner": "team-b"})
    edited.remove_node("cache")
    edited.remove_link("web", "cache")
    edited.add_node(Node(id="db", kind="database", x=5, y=6))
    edited.add_link(Link("web", "db", calls=2.0))
    edited.set_link_fields("users", "lb", optional=True)
    d.store_variant("Option B", edited)
    v = d.variants[0]
    assert v.nodes == {"web": {"replicas": 3, "availability": 0.995, "owner": "team-b"}}
    assert v.remove_nodes == ["cache"]
    assert v.remove_links == []  # a removed node's links are implied
    assert v.add_nodes == [{"id": "db", "kind": "database", "x": 5, "y": 6}]
    assert v.add_links == [{"from": "web", "to": "db", "calls": 2}]
    assert v.links == {("users", "lb"): {"optional": True}}
    assert design_to_dict(d.variant("Option B")) == design_to_dict(edited)
    # storing the base itself leaves an empty variant; an unchanged field is not stored
    d.store_variant("Option B", d.variant("Option B"))
    assert d.variants[0] == v
    plain = d.copy()
    plain.variants = []
    d.store_variant("Same", plain)
    assert d.variants[1].empty


def test_back_to_default_is_stored_as_the_default() -> None:
    d = loads_design(json.dumps(base_dict()))
    edited = d.copy()
    edited.set_node_fields("lb", availability=1.0)  # the default: the file leaves it out
    edited.set_node_fields("web", capacity_rps=None)
    edited.set_node_fields("web", **{"owner": MISSING})
    d.store_variant("x", edited)
    assert d.variants[0].nodes == {"lb": {"availability": 1}, "web": {"capacity_rps": None,
                                                                       "owner": None}}
    v = d.variant("x")
    assert v.nodes["lb"].availability == 1.0 and v.nodes["web"].extra == {}


@pytest.mark.parametrize(("variant", "message"), [
    ({"name": "B", "nodes": {"ghost": {"replicas": 2}}},
     'variants[0] "B".nodes "ghost": overrides a node the base design does not have — '
     "remove that override, or add the node under add_nodes"),
    ({"name": "B", "add_links": [{"from": "web", "to": "lb"}]},
     'variants[0] "B": links: dependency cycle lb → web → lb — remove one of these links: a '
     "request cannot loop back (in this variant)"),
    ({"name": "B", "nodes": {"web": {"replicas": 0}}},
     'variants[0] "B": node "web".replicas: must be a whole number of at least 1'),
    ({"name": "B", "add_nodes": [{"id": "web", "kind": "service"}]},
     'variants[0] "B".add_nodes[0]: adds "web", which the base design already has'),
    ({"name": "B", "remove_links": [{"from": "users", "to": "web"}]},
     'variants[0] "B".remove_links[0]: removes the link users → web, which the base'),
    ({"name": "B", "remove_nodes": ["lb"]},
     None),  # fine: users then links to nothing (a warning, not a refusal)
    ({"name": "B", "remove_nodes": ["nope"]},
     'variants[0] "B".remove_nodes[0]: removes "nope", which the base design does not have'),
    ({"nodes": {}}, "variants[0].name: needs a name"),
])
def test_friendly_refusals_name_the_variant(variant: dict[str, Any], message: str | None) -> None:
    text = with_variants(variant)
    if message is None:
        assert loads_design(text).variants[0].remove_nodes == ["lb"]
        return
    with pytest.raises(DesignError) as info:
        loads_design(text, "shop.arch.json")
    assert str(info.value).startswith("shop.arch.json: " + message), str(info.value)


def test_duplicate_variant_names_are_refused() -> None:
    with pytest.raises(DesignError, match=r'variants\[1\] "two": has the same name as variants\[0\]'):
        loads_design(with_variants({"name": "Two"}, {"name": "two"}))


def test_stale_overrides_are_dropped_when_the_base_changes() -> None:
    # the base loses a node a variant overrides: the GUI still shows the variant, and the
    # file written next is one the loader accepts
    d = loads_design(with_variants({"name": "B", "nodes": {"cache": {"replicas": 2},
                                                           "web": {"replicas": 2}},
                                    "add_links": [{"from": "lb", "to": "cache"}]}))
    d.remove_node("cache")
    d.remove_link("web", "cache")
    v = d.variant("B")
    assert "cache" not in v.nodes and v.nodes["web"].replicas == 2
    again = loads_design(dumps_design(d))
    assert again.variants[0].nodes == {"web": {"replicas": 2}}
    assert again.variants[0].add_links == []


def test_materialised_variant_equals_the_same_design_saved_alone(tmp_path: Path) -> None:
    d = loads_design(with_variants({"name": "B", "nodes": {"web": {"replicas": 2}}}))
    v = d.variant("B")
    save_design(v, tmp_path / "b.arch.json")
    assert load_design(tmp_path / "b.arch.json") == v
    assert materialise(d, d.variants[0]) == v


def test_names() -> None:
    d = loads_design(with_variants({"name": "Option B"}))
    assert fresh_name(d) == "Option C"
    assert name_problem(d, "option b") == 'there is already a variant called "Option B"'
    assert name_problem(d, "Base") is not None and name_problem(d, " ") is not None
    assert name_problem(d, "Option B", ignore=0) is None
    assert diff(d, d.variant("Option B"), "x").empty


def test_an_id_the_base_gains_later_keeps_the_variants_node() -> None:
    # the variant adds "db"; later the base gets a node "db" of its own: the variant shows
    # its own db, and the file written next stores it as an override (the loader accepts it)
    d = loads_design(with_variants({"name": "B", "add_nodes": [
        {"id": "db", "kind": "database", "x": 0, "y": 300, "replicas": 2}],
        "add_links": [{"from": "web", "to": "db"}]}))
    d.add_node(Node(id="db", kind="database", x=5, y=5))
    d.add_link(Link("web", "db", calls=3.0))
    v = d.variant("B")
    assert v.nodes["db"].replicas == 2 and v.nodes["db"].x == 0
    assert v.link("web", "db").calls == 1.0  # type: ignore[union-attr]
    again = loads_design(dumps_design(d))
    assert again.variants[0].nodes == {"db": {"x": 0, "y": 300, "replicas": 2}}
    assert again.variants[0].links == {("web", "db"): {"calls": 1}}
    assert again.variant("B") == v
