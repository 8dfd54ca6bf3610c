"""Property tests of the file loader (DESIGN section 2: "strict and friendly").

Every input — a mutated example, a truncated file, random JSON, a hand-written
horror — either loads (and then analyses to a Report or a DesignError) or is refused
with one DesignError. Never another exception, never a hang, never a traceback from
the CLI.
"""

from __future__ import annotations

import copy
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, event, given, note
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from modeller.model import DesignError, load_design, loads_design
from modeller.model.kinds import KIND_ROLES

from .helpers import (
    DEEP,
    DEEP_LIST,
    DEEP_OBJECT,
    LINK_KEYS,
    NASTY_NUMBERS,
    NASTY_OTHER,
    NASTY_TEXT,
    NODE_KEYS,
    RAW_MARK,
    RAW_TOKENS,
    SEED_FILES,
    SEED_TEXT,
    SMALL_SEED_NAMES,
    analyse_design,
    analyse_text,
    chain_doc,
    check_cli,
    check_refusal,
    dump_with_raw,
    hang_guard,
    run_cli,
)

KINDS = list(KIND_ROLES)
COMPONENT_KINDS = [k for k in KINDS if k not in ("region", "zone", "client")]

# -- strategies -------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
random_json = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=30)

nasty_values = st.one_of(
    st.sampled_from(NASTY_NUMBERS), st.sampled_from(NASTY_TEXT), st.sampled_from(NASTY_OTHER),
    st.integers(min_value=-(10**7), max_value=10**7),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20), random_json)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON document that holds a value."""
    out: list[tuple] = []
    if isinstance(doc, dict):
        items: Any = doc.items()
    elif isinstance(doc, list):
        items = enumerate(doc)
    else:
        return out
    for key, value in items:
        out.append((*prefix, key))
        out.extend(_paths(value, (*prefix, key)))
    return out


def _parent(doc: Any, path: tuple) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


def _node_ids(doc: dict) -> list[str]:
    nodes = doc.get("nodes")
    if not isinstance(nodes, list):
        return []
    return [n["id"] for n in nodes if isinstance(n, dict) and isinstance(n.get("id"), str)]


def _node_dicts(doc: dict) -> list[dict]:
    nodes = doc.get("nodes")
    return [n for n in nodes if isinstance(n, dict)] if isinstance(nodes, list) else []


def _rename(doc: dict, old: str, new: str) -> None:
    """Rename a node everywhere it is referred to (a valid edit)."""
    for n in _node_dicts(doc):
        if n.get("id") == old:
            n["id"] = new
        if n.get("parent") == old:
            n["parent"] = new
        if isinstance(n.get("spread"), list):
            n["spread"] = [new if z == old else z for z in n["spread"]]
    links = doc.get("links")
    for lk in links if isinstance(links, list) else []:
        if isinstance(lk, dict):
            for end in ("from", "to"):
                if lk.get(end) == old:
                    lk[end] = new


OPS = ["set", "set", "set_raw", "delete", "delete", "dup_node", "dangle", "add_link",
       "kind", "rename_unicode", "field"]


def mutate(doc: dict, draw: Any, raw: list[str]) -> str:
    """Apply one random edit; returns a description for `note`."""
    op = draw(st.sampled_from(OPS))
    paths = _paths(doc)
    ids = _node_ids(doc)
    nodes = _node_dicts(doc)
    if op in ("set", "set_raw", "delete") and paths:
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        if op == "delete":
            del parent[path[-1]]
            return f"delete {path}"
        if op == "set_raw":
            parent[path[-1]] = RAW_MARK
            token = draw(st.sampled_from(RAW_TOKENS))
            raw.append(token)
            return f"raw {path} = {token[:20]}"
        value = copy.deepcopy(draw(nasty_values))  # shared NASTY_OTHER lists would alias
        parent[path[-1]] = value
        return f"set {path} = {value!r:.60}"
    if op == "field" and nodes:  # a known field with a nasty value: reaches the checks
        node = draw(st.sampled_from(nodes))
        key = draw(st.sampled_from(NODE_KEYS))
        node[key] = copy.deepcopy(draw(nasty_values))
        return f"field {node.get('id')!r}.{key} = {node[key]!r:.60}"
    if op == "dup_node" and nodes:
        node = draw(st.sampled_from(nodes))
        doc["nodes"].append(copy.deepcopy(node))
        return f"duplicate node {node.get('id')!r}"
    if op == "dangle" and nodes:
        node = draw(st.sampled_from(nodes))
        where = draw(st.sampled_from(["parent", "spread", "link_from", "link_to", "id"]))
        ghost = draw(st.sampled_from(["ghost", "", "\u202eghost", "\x00"]))
        if where == "parent":
            node["parent"] = ghost
        elif where == "spread":
            node["spread"] = [ghost]
        elif where == "id":
            node["id"] = ghost  # links to the old id now dangle
        elif isinstance(doc.get("links"), list):
            end = "from" if where == "link_from" else "to"
            doc["links"].append({"from": node.get("id"), "to": ghost} if end == "to"
                                else {"from": ghost, "to": node.get("id")})
        return f"dangle {where} of {node.get('id')!r} -> {ghost!r}"
    if op == "add_link" and len(ids) >= 2 and isinstance(doc.get("links"), list):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        link: dict[str, Any] = {"from": a, "to": b}
        if draw(st.booleans()):
            link[draw(st.sampled_from(LINK_KEYS[2:]))] = copy.deepcopy(draw(nasty_values))
        doc["links"].append(link)
        return f"link {a!r} -> {b!r}"
    if op == "kind" and nodes:
        node = draw(st.sampled_from(nodes))
        node["kind"] = draw(st.sampled_from([*KINDS, "bogus", "Service", ""]))
        return f"kind of {node.get('id')!r} = {node['kind']!r}"
    if op == "rename_unicode" and ids:
        old = draw(st.sampled_from(ids))
        new = draw(st.sampled_from(NASTY_TEXT) | st.text(min_size=1, max_size=10))
        if new in ids:
            return "rename skipped"
        _rename(doc, old, new)
        return f"rename {old!r} -> {new!r}"
    return f"{op}: nothing to do"


@st.composite
def mutated_designs(draw: Any, max_ops: int = 4) -> str:
    name = draw(st.sampled_from(SMALL_SEED_NAMES))
    doc = json.loads(SEED_TEXT[name])
    raw: list[str] = []
    edits = [mutate(doc, draw, raw) for _ in range(draw(st.integers(1, max_ops)))]
    note(f"{name}: {edits}")
    return dump_with_raw(doc, raw)


@st.composite
def design_shaped(draw: Any) -> dict:
    """Random JSON in the shape of a design: the reader gets past the format check."""
    node = st.dictionaries(st.sampled_from(NODE_KEYS), nasty_values, max_size=6)
    link = st.dictionaries(st.sampled_from(LINK_KEYS), nasty_values, max_size=4)
    doc: dict[str, Any] = {"format": "modeller.design"}
    if draw(st.booleans()):
        doc["version"] = draw(st.sampled_from([1, 1.0, 0, 2, -1, "1", None, 10**30]))
    doc["nodes"] = draw(st.lists(node, max_size=6))
    if draw(st.booleans()):
        doc["links"] = draw(st.lists(link, max_size=6))
    if draw(st.booleans()):
        doc["settings"] = draw(st.dictionaries(st.sampled_from(["default_mttr_hours", "x"]),
                                               nasty_values, max_size=2))
    return doc


# small valid-by-construction designs with extreme (but accepted) numbers
extreme_positive = st.sampled_from([5e-324, 1e-300, 1e-9, 0.5, 1.0, 3.0, 1e6, 1e12, 1e300, 1e308])
availability = st.sampled_from([5e-324, 1e-300, 0.5, 0.9, 0.999999999999, 1 - 2**-53, 1.0])


@st.composite
def extreme_designs(draw: Any) -> dict:
    n = draw(st.integers(2, 7))
    containers = draw(st.integers(0, 3))
    nodes: list[dict[str, Any]] = []
    cont_ids = [f"z{i}" for i in range(containers)]
    for i, cid in enumerate(cont_ids):
        c: dict[str, Any] = {"id": cid, "kind": draw(st.sampled_from(["region", "zone"])),
                             "availability": draw(availability)}
        if i and draw(st.booleans()):
            c["parent"] = cont_ids[draw(st.integers(0, i - 1))]
        nodes.append(c)
    comp_ids = [f"n{i}" for i in range(n)]
    for i, nid in enumerate(comp_ids):
        kind = "client" if i == 0 else draw(st.sampled_from(COMPONENT_KINDS))
        nd: dict[str, Any] = {"id": nid, "kind": kind}
        if kind == "client":
            nd["demand_rps"] = draw(st.sampled_from([0, 1, 100, 1e6, 1e12, 1e300, 1e308]))
            if draw(st.booleans()):
                nd["slo"] = {"availability": draw(availability),
                             "latency_ms_p99": draw(extreme_positive)}
        else:
            nd["replicas"] = draw(st.sampled_from([1, 2, 3, 7, 50, 1000]))
            nd["availability"] = draw(availability)
            for key in ("capacity_rps", "service_time_ms", "cost_month", "failover_seconds"):
                if draw(st.booleans()):
                    nd[key] = draw(extreme_positive)
            if draw(st.booleans()):
                nd["mtbf_hours"] = draw(extreme_positive)
                if draw(st.booleans()):
                    nd["mttr_hours"] = draw(extreme_positive)
            if draw(st.booleans()):
                nd["failover"] = "active-passive"
            if draw(st.booleans()):
                nd["min_healthy"] = draw(st.integers(1, nd["replicas"]))
            if draw(st.booleans()):
                nd["min_targets"] = draw(st.integers(1, 4))
            if cont_ids and draw(st.booleans()):
                nd["parent"] = draw(st.sampled_from(cont_ids))
            elif cont_ids and draw(st.booleans()):
                nd["spread"] = draw(st.lists(st.sampled_from(cont_ids), min_size=1, max_size=3))
        nodes.append(nd)
    links = []
    for j in range(1, n):  # a DAG: links go from lower to higher index
        for i in range(j):
            if draw(st.integers(0, 2)) == 0 or (i == j - 1 and draw(st.booleans())):
                lk: dict[str, Any] = {"from": comp_ids[i], "to": comp_ids[j]}
                if draw(st.booleans()):
                    lk["calls"] = draw(extreme_positive)
                if draw(st.integers(0, 3)) == 0:
                    lk["optional"] = True
                links.append(lk)
    settings = {"default_mttr_hours": draw(extreme_positive)}
    return {"format": "modeller.design", "version": 1, "settings": settings,
            "nodes": nodes, "links": links}


# -- in-process properties ----------------------------------------------------------


@given(mutated_designs())
def test_mutated_examples_load_or_refuse(text: str) -> None:
    event(analyse_text(text))


@given(st.sampled_from([p.name for p in SEED_FILES]), st.data())
def test_truncated_files_are_refused(name: str, data: Any) -> None:
    raw = SEED_TEXT[name].encode("utf-8")
    cut = data.draw(st.integers(0, len(raw) - 1), label="cut")
    text_or_none: str | None
    try:
        text_or_none = raw[:cut].decode("utf-8-sig")
    except UnicodeDecodeError:
        text_or_none = None
    if text_or_none is None:  # a cut inside a UTF-8 sequence: load the bytes from disk
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "cut.arch.json"
            path.write_bytes(raw[:cut])
            with pytest.raises(DesignError) as info:
                load_design(path)
            check_refusal(info.value)
            assert "UTF-8" in str(info.value)
        return
    stripped = raw[:cut].rstrip()
    # a JSON object cut anywhere before its closing brace is never complete JSON
    assume(stripped != raw.rstrip())
    with pytest.raises(DesignError) as info:
        loads_design(text_or_none, "cut.arch.json")
    check_refusal(info.value)
    assert "cut.arch.json" in str(info.value)


@given(st.sampled_from(SMALL_SEED_NAMES), st.data())
def test_byte_level_mutations(name: str, data: Any) -> None:
    raw = bytearray(SEED_TEXT[name].encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        pos = data.draw(st.integers(0, len(raw) - 1), label="pos")
        what = data.draw(st.sampled_from(["flip", "insert", "delete", "bom", "nul"]), label="op")
        if what == "flip":
            raw[pos] = data.draw(st.integers(0, 255), label="byte")
        elif what == "insert":
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=4), label="bytes")
        elif what == "delete":
            del raw[pos]
        elif what == "bom":
            raw[0:0] = b"\xef\xbb\xbf"
        else:
            raw[pos:pos] = b"\x00"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bytes.arch.json"
        path.write_bytes(bytes(raw))
        try:
            design = load_design(path)
        except DesignError as err:
            check_refusal(err)
            return
    analyse_design(design)


@given(random_json)
def test_random_json_is_refused(doc: Any) -> None:
    # without "format": "modeller.design" nothing is a design
    with pytest.raises(DesignError) as info:
        loads_design(json.dumps(doc), "random.json")
    check_refusal(info.value)


@given(design_shaped())
def test_design_shaped_random_json(doc: dict) -> None:
    event(analyse_text(json.dumps(doc)))


@hsettings(max_examples=60)
@given(extreme_designs())
def test_extreme_but_valid_numbers_analyse(doc: dict) -> None:
    """Accepted numbers at the ends of their ranges: the full analysis (sweeps and all,
    no simulation: that is covered by the memory-capped CLI test)."""
    event(analyse_text(json.dumps(doc), sweeps=True))


# -- hand-picked horrors --------------------------------------------------------------

BASE = {
    "format": "modeller.design", "version": 1,
    "nodes": [{"id": "c", "kind": "client", "demand_rps": 10},
              {"id": "a", "kind": "service", "replicas": 2, "availability": 0.99}],
    "links": [{"from": "c", "to": "a"}],
}


def _with(path: tuple, raw: str) -> str:
    doc = copy.deepcopy(BASE)
    _parent(doc, path)[path[-1]] = RAW_MARK
    return dump_with_raw(doc, [raw])


HORRORS: dict[str, str] = {
    "deep list": DEEP_LIST,
    "deep object": DEEP_OBJECT,
    "deep unclosed": "[" * DEEP,
    "deep in a node": _with(("nodes", 1, "extra"), DEEP_LIST),
    "deep as a name": _with(("nodes", 1, "name"), DEEP_OBJECT),
    "NaN availability": _with(("nodes", 1, "availability"), "NaN"),
    "Infinity demand": _with(("nodes", 0, "demand_rps"), "Infinity"),
    "1e400 x": _with(("nodes", 1, "x"), "1e400"),
    "-0.0 availability": _with(("nodes", 1, "availability"), "-0.0"),
    "-0.0 demand": _with(("nodes", 0, "demand_rps"), "-0.0"),
    "5000-digit replicas": _with(("nodes", 1, "replicas"), "9" * 5000),
    "400-digit x": _with(("nodes", 1, "x"), "1" + "0" * 400),
    "400-digit replicas": _with(("nodes", 1, "replicas"), "1" + "0" * 400),
    "400-digit version": _with(("version",), "1" + "0" * 400),
    "400-digit calls": _with(("links", 0, "calls"), "1" + "0" * 400),
    "NUL id": json.dumps({**BASE, "nodes": [{"id": "\x00", "kind": "client"}], "links": []}),
    "lone surrogate id": json.dumps({**BASE, "nodes": [{"id": "\ud800", "kind": "client"}],
                                     "links": []}),
    "empty": "",
    "BOM only": "\ufeff",
    "null": "null",
    "string": '"modeller.design"',
    "duplicate keys": '{"format": "x", "format": "modeller.design", "nodes": [], "nodes": 1}',
}


@pytest.mark.parametrize("label", list(HORRORS))
def test_hand_written_horrors(label: str) -> None:
    outcome = analyse_text(HORRORS[label])
    assert outcome in ("refused", "report", "known-bug")


def test_deep_nesting_is_a_clean_refusal_and_the_interpreter_survives() -> None:
    for text in (DEEP_LIST, DEEP_OBJECT, "[" * DEEP, _with(("nodes", 1, "extra"), DEEP_LIST)):
        with pytest.raises(DesignError, match="nested too deeply") as info:
            loads_design(text, "deep.arch.json")
        check_refusal(info.value)
    # and the interpreter still works normally afterwards (no exhausted C stack)
    assert loads_design(json.dumps(BASE)).nodes["a"].replicas == 2


def test_unicode_names_survive_load_analyse_and_save() -> None:
    ids = ["\u202eevil\u202c", "\u05e2\u05d1\u05e8\u05d9\u05ea", "\U0001f525\U0001f469\u200d\U0001f467",
           "tab-name", "a-b"]
    names = [*ids[:3], "tab\tname", "a\x00b\x1b[2J\x9b"]  # names keep control characters
    doc = copy.deepcopy(BASE)
    for i, (node_id, name) in enumerate(zip(ids, names, strict=True)):
        doc["nodes"].append({"id": node_id, "kind": "service", "name": name + "!"})
        doc["links"].append({"from": "a" if i == 0 else ids[i - 1], "to": node_id})
    design = loads_design(json.dumps(doc, ensure_ascii=False))
    assert list(design.nodes)[2:] == ids
    assert [n.name for n in design.nodes.values()][2:] == [n + "!" for n in names]
    assert analyse_design(design) == "report"
    from modeller.model import dumps_design
    assert loads_design(dumps_design(design)) == design


@pytest.mark.parametrize("node_id", ["tab\tname", "a\x00b", "esc\x1b[2J", "cr\rx", "csi\x9bx", "del\x7f"])
def test_control_characters_in_ids_are_refused_in_one_line(node_id: str) -> None:
    """Ids reach terminals, file names and XML: a control character in one is refused on
    load, naming the character (docs/semantics.md, "Text")."""
    doc = copy.deepcopy(BASE)
    doc["nodes"].append({"id": node_id, "kind": "service"})
    with pytest.raises(DesignError, match=r"id contains a control character \(U\+00") as info:
        loads_design(json.dumps(doc, ensure_ascii=False), "ids.arch.json")
    check_refusal(info.value)


# -- duplicate / dangling ids: refused with the offending id named ----------------------


@pytest.mark.parametrize(("label", "edit", "needle"), [
    ("duplicate id", lambda d: d["nodes"].append({"id": "a", "kind": "service"}), '"a"'),
    ("dangling link", lambda d: d["links"].append({"from": "a", "to": "ghost"}), "ghost"),
    ("dangling parent", lambda d: d["nodes"][1].update(parent="ghost"), "ghost"),
    ("dangling spread", lambda d: d["nodes"][1].update(spread=["ghost"]), "ghost"),
    ("cycle", lambda d: d["nodes"].append({"id": "b", "kind": "service"})
     or d["links"].extend([{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]), "cycle"),
])
def test_bad_ids_are_named(label: str, edit: Any, needle: str) -> None:
    doc = copy.deepcopy(BASE)
    edit(doc)
    with pytest.raises(DesignError) as info:
        loads_design(json.dumps(doc), "ids.arch.json")
    check_refusal(info.value)
    assert needle in str(info.value)


# -- size ---------------------------------------------------------------------------


def test_ten_thousand_node_chain_loads_without_hanging() -> None:
    text = json.dumps(chain_doc(10_000))
    with hang_guard(120):  # only a hang fails; speed is the bench's business
        design = loads_design(text, "chain.arch.json")
    assert len(design.nodes) == 10_000 and len(design.links) == 9_999


def test_ten_thousand_node_generated_architecture_round_trips() -> None:
    """The benchmark generator's architecture-shaped design (regions, zones, pools,
    shared databases): 10 000 nodes and ~38 000 links load, validate and round-trip."""
    from bench.generate import sized

    from modeller.model import dumps_design

    design = sized(10_000)
    text = dumps_design(design)
    with hang_guard(120):
        loaded = loads_design(text, "big.arch.json")
    assert loaded == design and len(loaded.nodes) == 10_000


# -- through the CLI -------------------------------------------------------------------


def _cli_sample() -> dict[str, str]:
    """A fixed, seeded sample of mutated files plus the horrors (ASCII-safe on disk)."""
    rng = random.Random(9)
    sample: dict[str, str] = {}
    for i in range(14):
        name = SMALL_SEED_NAMES[i % len(SMALL_SEED_NAMES)]
        doc = json.loads(SEED_TEXT[name])
        paths = _paths(doc)
        path = paths[rng.randrange(len(paths))]
        pool = NASTY_NUMBERS + NASTY_TEXT + NASTY_OTHER
        _parent(doc, path)[path[-1]] = pool[rng.randrange(len(pool))]
        if i % 3 == 0:
            text = dump_with_raw(doc, [], ascii_only=True)
            cut = rng.randrange(len(text))
            text = text[:cut]
        else:
            text = json.dumps(doc, ensure_ascii=True)
        sample[f"mutated-{i}-{name}"] = text
    # "400-digit x" and "lone surrogate id" exit 3 today: see test_regressions.py
    for label in ("deep list", "deep in a node", "NaN availability", "NUL id", "empty"):
        sample[label] = HORRORS[label]
    return sample


CLI_SAMPLE = _cli_sample()


@pytest.mark.parametrize("label", list(CLI_SAMPLE))
def test_cli_never_shows_a_traceback(label: str, tmp_path: Path) -> None:
    path = tmp_path / "in.arch.json"
    path.write_text(CLI_SAMPLE[label], encoding="utf-8", errors="surrogatepass")
    res = run_cli(path, "--json", timeout=120, memory_bytes=4 * 2**30)
    check_cli(res, label)
