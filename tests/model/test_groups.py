"""The ``group`` kind (issue 19): a labelled box that holds parts on the canvas and in the
files (a VPC, a subnet, an account) and is never a failure domain."""

from __future__ import annotations

import pytest

from modeller.analysis import analyze
from modeller.model import Design, DesignError, Link, Node, validate
from modeller.model.geometry import container_at, default_size
from modeller.model.io import design_from_dict, dumps_design, load_design
from modeller.model.kinds import KIND_ROLES, Role, is_box, is_container, is_group
from modeller.model.validation import link_problem
from modeller.resources import resource_path


def test_group_is_a_box_but_not_a_failure_domain() -> None:
    assert KIND_ROLES["group"] is Role.GROUP
    assert is_group("group") and is_box("group") and not is_container("group")
    assert is_box("zone") and is_box("region") and not is_box("service")
    assert default_size("group") == (340.0, 240.0)


def _nested() -> Design:
    return Design("g", [
        Node("r", "region"), Node("vpc", "group", parent="r"), Node("za", "zone", parent="vpc"),
        Node("subnet", "group", parent="za"), Node("web", "service", parent="subnet"),
        Node("loose", "service", parent="vpc"),
    ])


def test_ancestors_skip_groups_and_enclosing_keeps_them() -> None:
    d = _nested()
    assert d.ancestors("web") == ["za", "r"]  # the zone is its failure domain
    assert d.enclosing("web") == ["subnet", "za", "vpc", "r"]
    assert d.ancestors("loose") == ["r"]  # a group's nearest domain
    assert d.ancestors("za") == ["r"]
    assert set(d.descendants("vpc")) == {"za", "subnet", "web", "loose"}
    assert [n.id for n in d.components()] == ["web", "loose"]
    assert [n.id for n in d.groups()] == ["vpc", "subnet"]
    assert [n.id for n in d.containers()] == ["r", "za"]


def test_a_group_holds_parts_but_cannot_be_linked_or_spread() -> None:
    d = _nested()
    validate(d)  # a part inside a group inside a zone is fine
    assert link_problem(d, "web", "vpc") == "a group is a box on the canvas; wire the parts inside it instead"
    d.links.append(Link("web", "subnet"))
    with pytest.raises(DesignError, match="links connect parts, not groups"):
        validate(d)
    d.links.clear()
    d.nodes["web"].spread = ["subnet"]
    with pytest.raises(DesignError, match="is not a zone or region"):
        validate(d)
    d.nodes["web"].spread = []
    d.nodes["vpc"].spread = ["za"]
    with pytest.raises(DesignError, match="cannot be spread"):
        validate(d)


def test_a_group_round_trips_through_the_file() -> None:
    d = _nested()
    back = design_from_dict(__import__("json").loads(dumps_design(d)))
    assert back == d


def test_a_drop_lands_in_the_innermost_box_groups_included() -> None:
    d = Design("g", [Node("r", "region", x=0, y=0, w=800, h=600),
                     Node("vpc", "group", parent="r", x=20, y=40, w=500, h=400)])
    assert container_at(d, 100, 100) == "vpc"
    assert container_at(d, 700, 100) == "r"


def _with_groups(design: Design) -> Design:
    """The same design with a VPC group around every zone and a subnet group around each
    part placed directly in a zone: boxes people draw that must change no number."""
    g = design.copy()
    for region in [n for n in g.nodes.values() if n.kind == "region"]:
        vpc = Node(f"vpc-{region.id}", "group", parent=region.id, x=region.x, y=region.y)
        g.add_node(vpc)
        for z in [n for n in g.nodes.values() if n.kind == "zone" and n.parent == region.id]:
            z.parent = vpc.id
    for part in [n for n in g.nodes.values() if n.parent is not None
                 and g.nodes[n.parent].kind == "zone" and not n.is_box]:
        sub = Node(f"subnet-{part.id}", "group", parent=part.parent, x=part.x, y=part.y)
        g.add_node(sub)
        part.parent = sub.id
    return g


@pytest.mark.parametrize("example", ["multi-az.arch.json", "two-regions.arch.json",
                                     "three-tier.arch.json"])
def test_adding_group_boxes_changes_no_number(example: str) -> None:
    base = load_design(resource_path("examples", example))
    grouped = _with_groups(base)
    assert len(grouped.groups()) > 0
    validate(grouped)
    a = analyze(base, simulation_years=0, sweeps=False)
    b = analyze(grouped, simulation_years=0, sweeps=False)
    assert b.system.availability == a.system.availability
    assert b.system.unavailability == a.system.unavailability
    assert {k: (c.availability, c.unavailability) for k, c in b.clients.items()} == \
        {k: (c.availability, c.unavailability) for k, c in a.clients.items()}
    assert {k: (n.availability, n.unavailability, n.birnbaum) for k, n in a.nodes.items()} == \
        {k: (n.availability, n.unavailability, n.birnbaum) for k, n in b.nodes.items()
         if not k.startswith(("vpc-", "subnet-"))}
    assert not any(k.startswith(("vpc-", "subnet-")) for k in b.nodes)  # groups get no figures
    assert b.spofs == a.spofs
    assert [f.down for f in b.failures] == [f.down for f in a.failures]  # no group scenario
