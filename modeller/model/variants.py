"""Named variants of a design: each a set of overrides on the base (DESIGN section 4c).

A design file may hold ``"variants"``: a list of objects, each one option to compare
with the base ("three small instances instead of one big one", "a second region")::

    {"name": "Two regions",
     "nodes": {"web": {"replicas": 3}},              # field overrides on base nodes
     "add_nodes": [{"id": "eu-2", "kind": "region", ...}],
     "remove_nodes": ["old-cache"],
     "links": [{"from": "lb", "to": "web", "calls": 2}],   # field overrides on base links
     "add_links": [{"from": "dns", "to": "lb-2"}],
     "remove_links": [{"from": "web", "to": "old-cache"}],
     "settings": {"default_mttr_hours": 0.5}}

Every key but ``name`` is optional. An override replaces a field's value as the file
writes it (``slo`` and ``spread`` are replaced whole); ``null`` puts a field back to its
default (an unknown field is removed). Removing a node removes its links. Unknown keys
of a variant, and unknown fields inside its nodes and links, are kept.

:func:`materialise` applies a variant to the base and returns an ordinary
:class:`~modeller.model.design.Design` (no variants of its own): analysing it gives
exactly the numbers of the same design saved as its own file. :func:`diff` is the
inverse: given the base and an edited materialised variant it returns the overrides
(the smallest set: a field equal to the base's is not stored), so the GUI edits a
variant as a plain design and stores the difference back.

Loading is strict and friendly (one :class:`DesignError` naming the variant, the place
and the fix): an override of a node the base does not have, an added node whose id the
base already uses, or a variant whose result has a cycle or a bad value is refused.
Pure Python, no Qt.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any

from .design import Design, Node
from .errors import DesignError

# the keys of a variant object this module reads; any other key is kept in ``extra``
VARIANT_KEYS = ("name", "nodes", "add_nodes", "remove_nodes", "links", "add_links",
                "remove_links", "settings")
MAX_NAME = 80


@dataclass
class Variant:
    """One named option: overrides on the base design, as the file stores them (JSON values).

    ``nodes`` maps a base node id to its field overrides; ``links`` holds link field
    overrides keyed by ``(from, to)``; ``add_*`` hold whole node / link objects;
    ``remove_links`` holds ``(from, to)`` keys. ``extra`` keeps unknown keys.
    """

    name: str
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    add_nodes: list[dict[str, Any]] = field(default_factory=list)
    remove_nodes: list[str] = field(default_factory=list)
    links: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    add_links: list[dict[str, Any]] = field(default_factory=list)
    remove_links: list[tuple[str, str]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when the variant changes nothing (it equals the base)."""
        return not any(getattr(self, f.name) for f in fields(self) if f.name not in ("name", "extra"))

    def changed_nodes(self) -> set[str]:
        """Ids of nodes this variant adds or whose fields it overrides (not removed ones)."""
        return set(self.nodes) | {str(n.get("id")) for n in self.add_nodes}

    def to_dict(self) -> dict[str, Any]:
        """The variant as the file writes it (empty parts left out, unknown keys kept)."""
        out: dict[str, Any] = {"name": self.name}
        out.update(self.extra)
        if self.nodes:
            out["nodes"] = copy.deepcopy(self.nodes)
        if self.add_nodes:
            out["add_nodes"] = copy.deepcopy(self.add_nodes)
        if self.remove_nodes:
            out["remove_nodes"] = list(self.remove_nodes)
        if self.links:
            out["links"] = [{"from": s, "to": t, **copy.deepcopy(v)} for (s, t), v in self.links.items()]
        if self.add_links:
            out["add_links"] = copy.deepcopy(self.add_links)
        if self.remove_links:
            out["remove_links"] = [{"from": s, "to": t} for s, t in self.remove_links]
        if self.settings:
            out["settings"] = copy.deepcopy(self.settings)
        return out

    def copy(self) -> Variant:
        return copy.deepcopy(self)


# -------------------------------------------------------------------- reading

def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(index: int, name: Any) -> str:
    if isinstance(name, str) and name.strip():
        return f'variants[{index}] "{_short(name)}"'
    return f"variants[{index}]"


def _link_key(raw: Any, place: str) -> tuple[str, str]:
    if not isinstance(raw, dict) or not isinstance(raw.get("from"), str) \
            or not isinstance(raw.get("to"), str):
        raise DesignError("must be an object with a \"from\" and a \"to\" id", place=place,
                          fix='write {"from": "<node id>", "to": "<node id>"}')
    return raw["from"], raw["to"]


def read_variant(raw: Any, index: int) -> Variant:
    """One variant object, checked for shape (not yet against the base)."""
    where = _where(index, raw.get("name") if isinstance(raw, dict) else None)
    if not isinstance(raw, dict):
        raise DesignError("must be an object", place=where,
                          fix='write {"name": "Option B", "nodes": {"<id>": {"replicas": 3}}}')
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DesignError("needs a name", place=where + ".name", fix='add "name": "Option B"')
    if len(name) > MAX_NAME:
        raise DesignError(f"name is longer than {MAX_NAME} characters", place=where + ".name",
                          fix="use a short name: it labels a tab and a table column")
    v = Variant(name=name)
    nodes = raw.get("nodes", {})
    if not isinstance(nodes, dict) or not all(isinstance(o, dict) for o in nodes.values()):
        raise DesignError("must map node ids to objects of field overrides", place=where + ".nodes",
                          fix='write {"<node id>": {"replicas": 3}}')
    for nid, over in nodes.items():
        if "id" in over and over["id"] != nid:
            raise DesignError("cannot change a node's id", place=f'{where}.nodes "{_short(nid)}".id',
                              fix="remove the node and add one with the new id instead")
        v.nodes[nid] = {k: val for k, val in over.items() if k != "id"}
    for key in ("add_nodes", "add_links", "remove_nodes", "remove_links", "links"):
        if not isinstance(raw.get(key, []), list):
            raise DesignError("must be a list", place=f"{where}.{key}", fix="write [ ... ]")
    for i, node in enumerate(raw.get("add_nodes", [])):
        if not isinstance(node, dict) or not isinstance(node.get("id"), str):
            raise DesignError("must be a node object with an id", place=f"{where}.add_nodes[{i}]",
                              fix='write {"id": "...", "kind": "service", ...}')
        v.add_nodes.append(copy.deepcopy(node))
    for i, nid in enumerate(raw.get("remove_nodes", [])):
        if not isinstance(nid, str):
            raise DesignError("must be a node id", place=f"{where}.remove_nodes[{i}]",
                              fix='write the id in quotes, e.g. "web"')
        v.remove_nodes.append(nid)
    for i, link in enumerate(raw.get("links", [])):
        key = _link_key(link, f"{where}.links[{i}]")
        v.links[key] = {k: val for k, val in link.items() if k not in ("from", "to")}
    for i, link in enumerate(raw.get("add_links", [])):
        _link_key(link, f"{where}.add_links[{i}]")
        v.add_links.append(copy.deepcopy(link))
    for i, link in enumerate(raw.get("remove_links", [])):
        v.remove_links.append(_link_key(link, f"{where}.remove_links[{i}]"))
    settings = raw.get("settings", {})
    if not isinstance(settings, dict):
        raise DesignError("must be an object", place=where + ".settings",
                          fix='write {"default_mttr_hours": 0.5}')
    v.settings = copy.deepcopy(settings)
    v.extra = {k: copy.deepcopy(val) for k, val in raw.items() if k not in VARIANT_KEYS}
    return v


def read_variants(raw: Any) -> list[Variant]:
    """The ``variants`` list of a file: shapes checked, names unique (case-insensitive)."""
    if not isinstance(raw, list):
        raise DesignError("must be a list of variants", place="variants",
                          fix='write [{"name": "Option B", ...}]')
    out: list[Variant] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        v = read_variant(item, i)
        folded = v.name.strip().casefold()
        if folded in seen:
            raise DesignError(f'has the same name as variants[{seen[folded]}]',
                              place=_where(i, v.name), fix="give every variant its own name")
        seen[folded] = i
        out.append(v)
    return out


# -------------------------------------------------------------------- applying

def _check_against(base: Design, v: Variant, where: str) -> None:
    """Refuse overrides that name nodes or links the base does not have (strict load)."""
    base_links = {lk.key for lk in base.links}
    for nid in v.nodes:
        if nid not in base.nodes:
            raise DesignError("overrides a node the base design does not have",
                              place=f'{where}.nodes "{_short(nid)}"',
                              fix="remove that override, or add the node under add_nodes")
    for i, nid in enumerate(v.remove_nodes):
        if nid not in base.nodes:
            raise DesignError(f'removes "{_short(nid)}", which the base design does not have',
                              place=f"{where}.remove_nodes[{i}]", fix="remove that entry")
    removed = set(v.remove_nodes)
    for i, node in enumerate(v.add_nodes):
        nid = node["id"]
        if nid in base.nodes and nid not in removed:
            raise DesignError(f'adds "{_short(nid)}", which the base design already has',
                              place=f"{where}.add_nodes[{i}]",
                              fix='override its fields under "nodes" instead, or use a new id')
    for (s, t) in v.links:
        if (s, t) not in base_links:
            raise DesignError("overrides a link the base design does not have",
                              place=f"{where}.links {_short(s, 40)} → {_short(t, 40)}",
                              fix="remove that override, or add the link under add_links")
    for i, (s, t) in enumerate(v.remove_links):
        if (s, t) not in base_links:
            raise DesignError(f"removes the link {_short(s, 40)} → {_short(t, 40)}, which the "
                              "base design does not have", place=f"{where}.remove_links[{i}]",
                              fix="remove that entry")
    gone = set(v.remove_links)
    for i, link in enumerate(v.add_links):
        key = (link["from"], link["to"])
        if key in base_links and key not in gone and key[0] not in removed and key[1] not in removed:
            raise DesignError(f"adds the link {_short(key[0], 40)} → {_short(key[1], 40)}, which "
                              "the base design already has", place=f"{where}.add_links[{i}]",
                              fix='override its fields under "links" instead')


def _apply_fields(target: dict[str, Any], overrides: dict[str, Any]) -> None:
    """Override fields in a node/link/settings dict; ``None`` puts a field back to its default."""
    for key, value in overrides.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)


_NODE_PLACE = re.compile(r'^nodes\[\d+\] ')
_LINK_PLACE = re.compile(r'^links\[\d+\] ')


def _in_variant(err: DesignError, where: str) -> DesignError:
    """A refusal of the materialised design, restated to name the variant."""
    place = err.place
    place = _NODE_PLACE.sub("node ", place)
    place = _LINK_PLACE.sub("link ", place)
    place = f"{where}: {place}" if place else where
    fix = err.fix + " (in this variant)" if err.fix else "change this variant"
    return DesignError(err.problem, place=place, fix=fix, file=err.file)


def materialise(base: Design, variant: Variant, *, strict: bool = True,
                index: int | None = None) -> Design:
    """The design this variant describes: the base with its overrides applied.

    Method: write the base as the file would (``design_to_dict``), drop removed nodes
    (and every link touching one) and removed links, override fields in place, append
    added nodes and links, then read the result back with the loader's checks — so the
    variant is exactly the design that file would hold. The result has no variants and
    keeps the base's name, settings (with overrides) and unknown top-level fields.

    ``strict`` refuses overrides of nodes or links the base does not have (what the
    loader does); otherwise such stale overrides are skipped (the GUI, after the base
    lost a node a variant touched), and a node or link the variant adds that the base
    has gained since replaces the base's. Every refusal names the variant.
    """
    from .io import design_from_dict, design_to_dict

    pos = index if index is not None else next(
        (i for i, v in enumerate(base.variants) if v is variant), 0)
    where = _where(pos, variant.name)
    if strict:
        _check_against(base, variant, where)
    data = design_to_dict(base, variants=False)
    removed = set(variant.remove_nodes)
    nodes: list[dict[str, Any]] = []
    for raw in data["nodes"]:
        if raw["id"] in removed:
            continue
        over = variant.nodes.get(raw["id"])
        if over:
            _apply_fields(raw, over)
        nodes.append(raw)
    at = {raw["id"]: i for i, raw in enumerate(nodes)}
    for raw in variant.add_nodes:
        if not strict and raw["id"] in at:  # the base gained this id since: the variant's wins
            nodes[at[raw["id"]]] = copy.deepcopy(raw)
        else:
            nodes.append(copy.deepcopy(raw))
    gone = set(variant.remove_links)
    links: list[dict[str, Any]] = []
    for raw in data["links"]:
        key = (raw["from"], raw["to"])
        if key in gone or key[0] in removed or key[1] in removed:
            continue
        over = variant.links.get(key)
        if over:
            _apply_fields(raw, over)
        links.append(raw)
    have = {n.get("id") for n in nodes}
    present = {(lk["from"], lk["to"]) for lk in links}
    for raw in variant.add_links:
        key = (raw["from"], raw["to"])
        if not strict and (key[0] not in have or key[1] not in have):
            continue  # stale: the base lost an end since
        if not strict and key in present:  # the base gained this link since: the variant's wins
            i = next(i for i, lk in enumerate(links) if (lk["from"], lk["to"]) == key)
            links[i] = copy.deepcopy(raw)
            continue
        links.append(copy.deepcopy(raw))
    data["nodes"] = nodes
    data["links"] = links
    _apply_fields(data["settings"], variant.settings)
    try:
        return design_from_dict(data)
    except DesignError as err:
        raise _in_variant(err, where) from None


def _default_json(key: str, node: dict[str, Any]) -> Any:
    """The value a known node field has when the file leaves it out (``None`` otherwise)."""
    if key == "name":
        return node.get("id")
    probe = Node(id=str(node.get("id", "x")), kind="service")
    if key in ("x", "y"):
        return 0
    if key in {f.name for f in fields(Node)} and key not in ("id", "kind", "extra"):
        value = getattr(probe, key)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return copy.deepcopy(value) if value not in ([], {}) else None
    return None


_LINK_DEFAULTS = {"calls": 1, "optional": False}


def _field_diff(base: dict[str, Any], edited: dict[str, Any], default: Any) -> dict[str, Any]:
    """Fields of ``edited`` that differ from ``base``; a field ``edited`` left out gets its
    default (``default(key)``; ``None`` = "back to the default")."""
    out: dict[str, Any] = {}
    for key, value in edited.items():
        if key not in base or base[key] != value \
                or isinstance(value, bool) != isinstance(base[key], bool):
            out[key] = copy.deepcopy(value)
    for key in base:
        if key not in edited:
            out[key] = default(key)
    return out


def diff(base: Design, edited: Design, name: str, *, extra: dict[str, Any] | None = None) -> Variant:
    """The variant that turns ``base`` into ``edited`` (the inverse of :func:`materialise`).

    Nodes and links are matched by id and by ``(from, to)``; only fields whose written
    value differs are stored; a field the edited design leaves at its default is stored
    as that default (``null`` for a field without one). Node order among base nodes is
    the base's; added nodes and links keep the edited design's order.
    """
    from .io import design_to_dict

    b = design_to_dict(base, variants=False)
    e = design_to_dict(edited, variants=False)
    v = Variant(name=name, extra=copy.deepcopy(extra or {}))
    b_nodes = {n["id"]: n for n in b["nodes"]}
    e_nodes = {n["id"]: n for n in e["nodes"]}
    v.remove_nodes = [nid for nid in b_nodes if nid not in e_nodes]
    for nid, en in e_nodes.items():
        if nid not in b_nodes:
            v.add_nodes.append(en)
            continue
        over = _field_diff(b_nodes[nid], en, lambda k, n=en: _default_json(k, n))
        over.pop("id", None)
        if over:
            v.nodes[nid] = over
    removed = set(v.remove_nodes)
    b_links = {(lk["from"], lk["to"]): lk for lk in b["links"]}
    e_links = {(lk["from"], lk["to"]): lk for lk in e["links"]}
    v.remove_links = [k for k in b_links
                      if k not in e_links and k[0] not in removed and k[1] not in removed]
    for key, el in e_links.items():
        if key not in b_links or key[0] in removed or key[1] in removed:
            v.add_links.append(el)
            continue
        over = _field_diff(b_links[key], el, lambda k: _LINK_DEFAULTS.get(k))
        over.pop("from", None)
        over.pop("to", None)
        if over:
            v.links[key] = over
    v.settings = _field_diff(b["settings"], e["settings"], lambda k: None)
    return v


def normalised(base: Design, variant: Variant, index: int | None = None) -> Variant:
    """The variant rewritten as the smallest diff against the base as it is now.

    Stale overrides (of nodes or links the base no longer has) are dropped and fields
    the base now has anyway are not stored; unknown keys of the variant are kept.
    Raises DesignError (naming the variant) when the result is not a valid design."""
    edited = materialise(base, variant, strict=False, index=index)
    return diff(base, edited, variant.name, extra=variant.extra)


def check_variants(design: Design) -> None:
    """Materialise every variant strictly (the loader's check): one DesignError naming the
    first variant that is refused, the place and the fix."""
    for i, v in enumerate(design.variants):
        materialise(design, v, strict=True, index=i)


def variants_to_list(design: Design) -> list[dict[str, Any]]:
    """The ``variants`` list the file writes: each variant as the smallest diff against the
    base as it is now (so a base edit never leaves a variant the loader would refuse)."""
    return [normalised(design, v, i).to_dict() for i, v in enumerate(design.variants)]


# -------------------------------------------------------------------- editing helpers

def find(design: Design, name: str) -> int:
    """The index of the variant called ``name`` (KeyError when there is none)."""
    for i, v in enumerate(design.variants):
        if v.name == name:
            return i
    raise KeyError(f"no variant {name!r}")


def name_problem(design: Design, name: str, *, ignore: int | None = None) -> str | None:
    """Why ``name`` cannot name a variant of ``design`` (None when it can)."""
    text = name.strip()
    if not text:
        return "a variant needs a name"
    if len(text) > MAX_NAME:
        return f"a variant name has at most {MAX_NAME} characters"
    if text.casefold() == "base":
        return '"Base" names the design itself; choose another name'
    for i, v in enumerate(design.variants):
        if i != ignore and v.name.strip().casefold() == text.casefold():
            return f'there is already a variant called "{v.name}"'
    return None


def fresh_name(design: Design, stem: str = "Option") -> str:
    """A variant name not yet used: ``Option B``, ``Option C`` ... (or ``stem 2``, ...)."""
    letters = [chr(c) for c in range(ord("B"), ord("Z") + 1)]
    candidates = [f"{stem} {x}" for x in letters] if stem == "Option" else \
        [stem] + [f"{stem} {i}" for i in range(2, 100)]
    for name in candidates:
        if name_problem(design, name) is None:
            return name
    i = 2
    while name_problem(design, f"{stem} {i}") is not None:
        i += 1
    return f"{stem} {i}"


def dumps_variant(v: Variant) -> str:
    """One variant as compact JSON (for tests and messages)."""
    return json.dumps(v.to_dict(), ensure_ascii=False, sort_keys=True)


__all__ = [
    "VARIANT_KEYS", "Variant", "read_variant", "read_variants", "materialise", "diff",
    "normalised", "check_variants", "variants_to_list", "find", "name_problem", "fresh_name",
    "dumps_variant",
]
