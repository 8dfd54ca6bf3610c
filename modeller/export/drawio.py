"""draw.io (diagrams.net) import and export.

Export writes one uncompressed page that draw.io opens as is: a vertex per node
(regions and zones as containers, children placed relative to them), an edge per
link, and ``UserObject`` attributes (``modeller_kind``, ``modeller_availability``,
...) that carry our fields so a design survives a trip through draw.io exactly.

Import reads a diagram someone drew by hand and guesses a design from it: kinds
from shapes and labels, regions/zones from containers, links from edges. Every
guess is reported, one line each, so a person can check them. An imported file is
untrusted input: it is size-limited, a DOCTYPE/ENTITY is refused before parsing
(no entity expansion), compressed pages are inflated with a cap, and every
refusal is a ``DesignError`` naming the place and the fix.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import math
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree as ET

from .. import __version__
from ..formatting import fmt_nines, fmt_percent, fmt_util
from ..model import (
    FORMAT,
    KIND_LABELS,
    KIND_ROLES,
    VERSION,
    Design,
    DesignError,
    Role,
    design_from_dict,
    is_container,
)
from ..model.geometry import all_rects, default_size, grow_to_fit
from ..model.io import node_to_dict, read_file_bounded
from ..model.kinds import is_box
from ..model.presets import Preset, get_preset, presets_by_provider
from ..textsafe import for_xml, shorten
from .drawio_infer import SPREAD_WHY, box_by_label, infer_client, orient_rank, overlap_share
from .drawio_report import Guess, ImportReport
from .drawio_shapes import ShapeEntry, ShapeMap, load_shape_map, shape_names

__all__ = [
    "export_drawio", "import_drawio", "import_drawio_report", "ImportReport", "MAX_FILE_BYTES", "MAX_INFLATED_BYTES", "MAX_CELLS",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_INFLATED_BYTES = 50 * 1024 * 1024
MAX_CELLS = 50_000
MAX_NESTING = 64
NOTE_NAME = 60  # characters of a name or id repeated in a guess or a refusal
CYCLE_SHOWN = 8  # names listed for a cycle before "… n more …"

PREFIX = "modeller_"
# node fields stored as plain text; every other modeller_* attribute holds JSON
_TEXT_FIELDS = {"id", "kind", "name", "failover", "preset"}
_STORED_FIELDS = (
    "replicas", "availability", "mtbf_hours", "mttr_hours", "min_healthy", "min_targets",
    "capacity_rps", "service_time_ms", "cost_month", "failover", "failover_seconds", "spread",
    "demand_rps", "slo", "preset",
)
# what the canvas draws when a component has no size of its own (modeller.ui.geometry)
NODE_SIZE = (212.0, 80.0)
CONTAINER_SIZE = {"region": (760.0, 480.0), "zone": (340.0, 300.0), "group": (340.0, 240.0)}

FIX_FILE = "save it again from draw.io (File > Save as .drawio) and import that file"


# ---------------------------------------------------------------------------
# export

_STYLE_COMMON = "whiteSpace=wrap;html=1;"
KIND_STYLES: dict[str, str] = {
    "client": "rounded=1;arcSize=50;fillColor=#f1f5f9;strokeColor=#475569;",
    "service": "rounded=1;fillColor=#dbeafe;strokeColor=#2563eb;",
    "database": "shape=cylinder3;boundedLbl=1;backgroundOutline=1;size=10;"
                "fillColor=#ede9fe;strokeColor=#7c3aed;",
    "cache": "rounded=1;fillColor=#fee2e2;strokeColor=#dc2626;",
    "queue": "shape=process;size=0.06;fillColor=#fef3c7;strokeColor=#d97706;",
    "storage": "shape=cube;size=10;fillColor=#ccfbf1;strokeColor=#0d9488;",
    "external": "ellipse;shape=cloud;fillColor=#f8fafc;strokeColor=#64748b;",
    "load_balancer": "shape=hexagon;perimeter=hexagonPerimeter2;size=0.12;"
                     "fillColor=#d1fae5;strokeColor=#059669;",
    "dns": "rhombus;fillColor=#cffafe;strokeColor=#0891b2;",
    "region": "swimlane;rounded=1;arcSize=4;startSize=30;container=1;collapsible=0;"
              "fillColor=#dbeafe;swimlaneFillColor=#eff6ff;strokeColor=#1d4ed8;"
              "verticalAlign=top;align=left;spacingLeft=10;fontStyle=1;",
    "zone": "rounded=1;arcSize=4;dashed=1;container=1;collapsible=0;fillColor=#faf5ff;"
            "strokeColor=#7e22ce;verticalAlign=top;align=left;spacingLeft=10;fontStyle=1;",
    "group": "rounded=1;arcSize=4;dashed=1;dashPattern=1 3;container=1;collapsible=0;"
             "fillColor=#f8fafc;strokeColor=#64748b;verticalAlign=top;align=left;spacingLeft=10;"
             "fontStyle=1;",
}
EDGE_STYLE = ("edgeStyle=orthogonalEdgeStyle;rounded=0;orthogonalLoop=1;jettySize=auto;html=1;"
              "endArrow=block;endFill=1;")


def _fmt(v: float) -> str:
    """Geometry numbers: whole numbers without ".0", others at full precision."""
    v = float(v)
    if not math.isfinite(v):
        return "0"
    return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)


def _size(design: Design, node_id: str) -> tuple[float, float]:
    n = design.nodes[node_id]
    dw, dh = CONTAINER_SIZE.get(n.kind, NODE_SIZE)
    return (n.w if n.w else dw), (n.h if n.h else dh)


def _attr_value(key: str, value: Any) -> str:
    if key in _TEXT_FIELDS and isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _node_label(design: Design, node_id: str, report: Any) -> str:
    n = design.nodes[node_id]
    label = html.escape(n.name, quote=False)
    if report is None:
        return label
    res = report.clients.get(node_id) if n.role is Role.SOURCE else report.nodes.get(node_id)
    if res is None:
        return label
    numbers = f"{fmt_percent(res.availability, res.unavailability)} · {fmt_nines(res.nines)} nines"
    # a container's title strip holds one line
    return f"{label} · {numbers}" if n.is_container else f"{label}<br>{numbers}"


def _tooltip(design: Design, node_id: str, report: Any) -> str:
    n = design.nodes[node_id]
    # draw.io shows an html=1 cell's tooltip as HTML: the name is text, not markup
    lines = [f"{html.escape(n.name, quote=False)} ({KIND_LABELS.get(n.kind, n.kind)})"]
    if n.replicas != 1:
        lines.append(f"{n.replicas} replicas")
    if report is not None:
        res = report.clients.get(node_id) if n.role is Role.SOURCE else report.nodes.get(node_id)
        if res is not None:
            lines.append(f"availability {fmt_percent(res.availability, res.unavailability)} "
                         f"({fmt_nines(res.nines)} nines)")
            util = getattr(res, "utilization", None)
            if util is not None:
                lines.append(f"utilisation {fmt_util(util)}")
        if node_id in getattr(report, "spofs", ()):
            lines.append("single point of failure")
    return "\n".join(lines)


def export_drawio(design: Design, report: Any = None) -> str:
    """The design as an uncompressed draw.io file (one page), numbers on labels if a report is given.

    Our fields ride along as ``modeller_*`` attributes, so ``import_drawio`` restores the
    design exactly; draw.io users see them under Edit > Edit Data.
    """
    nodes = design.nodes
    cell_id = {nid: f"n-{nid}" for nid in nodes}

    def depth(nid: str) -> int:
        return len(design.enclosing(nid))  # groups too: a box before what it holds

    index = {nid: i for i, nid in enumerate(nodes)}
    # parents before children; containers (drawn behind) before components
    order = sorted(nodes, key=lambda nid: (not nodes[nid].is_box, depth(nid), index[nid]))

    xs, ys = [0.0], [0.0]
    for nid, n in nodes.items():
        w, h = _size(design, nid)
        xs.append(n.x + w)
        ys.append(n.y + h)

    mxfile = ET.Element("mxfile", {"host": "Modeller", "agent": f"Modeller {__version__}",
                                   "type": "device"})
    diagram = ET.SubElement(mxfile, "diagram", {"id": "modeller-page-1", "name": design.name})
    model = ET.SubElement(diagram, "mxGraphModel", {
        "dx": "1200", "dy": "800", "grid": "1", "gridSize": "10", "guides": "1", "tooltips": "1",
        "connect": "1", "arrows": "1", "fold": "1", "page": "1", "pageScale": "1",
        "pageWidth": _fmt(max(850.0, math.ceil(max(xs) + 40))),
        "pageHeight": _fmt(max(1100.0, math.ceil(max(ys) + 40))), "math": "0", "shadow": "0"})
    root = ET.SubElement(model, "root")
    settings: dict[str, Any] = {"default_mttr_hours": design.settings.default_mttr_hours}
    settings.update(design.settings.extra)
    top = {"label": "", "id": "0", PREFIX + "format": FORMAT, PREFIX + "version": str(VERSION),
           PREFIX + "name": design.name,
           PREFIX + "settings": json.dumps(settings, ensure_ascii=False, allow_nan=False)}
    if design.extra:
        top[PREFIX + "extra"] = json.dumps(design.extra, ensure_ascii=False, allow_nan=False)
    ET.SubElement(ET.SubElement(root, "object", top), "mxCell")
    ET.SubElement(root, "mxCell", {"id": "1", "parent": "0"})

    for nid in order:
        n = nodes[nid]
        attrs = {"label": _node_label(design, nid, report), "tooltip": _tooltip(design, nid, report),
                 "id": cell_id[nid], PREFIX + "id": nid, PREFIX + "kind": n.kind,
                 PREFIX + "name": n.name, PREFIX + "index": str(index[nid])}
        stored = node_to_dict(n)
        for key in _STORED_FIELDS:
            if key in stored:
                attrs[PREFIX + key] = _attr_value(key, stored[key])
        if n.extra:
            attrs[PREFIX + "extra"] = json.dumps(n.extra, ensure_ascii=False, allow_nan=False)
        if not n.w and not n.h:
            attrs[PREFIX + "size"] = "auto"
        obj = ET.SubElement(root, "UserObject", attrs)
        parent = n.parent if n.parent in nodes else None
        style = KIND_STYLES.get(n.kind, KIND_STYLES["service"]) + _STYLE_COMMON
        cell = ET.SubElement(obj, "mxCell", {
            "style": style, "vertex": "1", "parent": cell_id[parent] if parent else "1"})
        w, h = _size(design, nid)
        px, py = (nodes[parent].x, nodes[parent].y) if parent else (0.0, 0.0)
        ET.SubElement(cell, "mxGeometry", {"x": _fmt(n.x - px), "y": _fmt(n.y - py),
                                           "width": _fmt(w), "height": _fmt(h), "as": "geometry"})

    for i, lk in enumerate(design.links):
        if lk.source not in nodes or lk.target not in nodes:
            continue
        attrs = {"label": "" if lk.calls == 1.0 else f"× {lk.calls:g}", "id": f"e-{i}",
                 PREFIX + "calls": json.dumps(lk.calls), PREFIX + "optional": json.dumps(lk.optional)}
        if lk.extra:
            attrs[PREFIX + "extra"] = json.dumps(lk.extra, ensure_ascii=False, allow_nan=False)
        obj = ET.SubElement(root, "UserObject", attrs)
        style = EDGE_STYLE + ("dashed=1;" if lk.optional else "")
        cell = ET.SubElement(obj, "mxCell", {"style": style, "edge": "1", "parent": "1",
                                             "source": cell_id[lk.source],
                                             "target": cell_id[lk.target]})
        ET.SubElement(cell, "mxGeometry", {"relative": "1", "as": "geometry"})

    ET.indent(mxfile, space="  ")
    # XML 1.0 cannot hold some characters a name may (\v, NUL), not even as &#11;: they
    # become U+FFFD so the file stays well-formed (docs/semantics.md, "Text")
    return for_xml(ET.tostring(mxfile, encoding="unicode")) + "\n"


# ---------------------------------------------------------------------------
# reading the file safely

_DANGER = re.compile(r"<!\s*(doctype|entity)", re.IGNORECASE)


def _refuse(problem: str, fix: str = FIX_FILE, place: str = "", source: str = "") -> DesignError:
    return DesignError(problem, place=place, fix=fix, file=source)


def _check_text(text: str, source: str, place: str = "") -> None:
    if _DANGER.search(text):
        raise _refuse("contains a DOCTYPE or ENTITY declaration, which draw.io never writes "
                      "(refused: entity expansion can exhaust memory)", place=place, source=source,
                      fix="remove the <!DOCTYPE ...> / <!ENTITY ...> lines or re-save it from draw.io")


def _parse_xml(text: str, source: str, place: str = "") -> ET.Element:
    _check_text(text, source, place)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)  # the text is decoded already
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        where = f"{place}, line {line}, column {col}" if place else f"line {line}, column {col}"
        msg = str(exc).split(":")[0]
        raise _refuse(f"is not valid XML ({msg}); the file may be truncated or damaged",
                      place=where, source=source) from None


def _inflate(payload: str, source: str, place: str) -> str:
    """A compressed page: base64 → raw DEFLATE → URI-encoded XML (with size caps)."""
    compact = "".join(payload.split())
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse("holds a compressed page that is not valid base64", place=place,
                      source=source) from None
    inflater = zlib.decompressobj(-15)
    try:
        data = inflater.decompress(raw, MAX_INFLATED_BYTES + 1)
    except zlib.error as exc:
        raise _refuse(f"holds a compressed page that does not inflate ({exc})", place=place,
                      source=source) from None
    if len(data) > MAX_INFLATED_BYTES or inflater.unconsumed_tail:
        raise _refuse(f"holds a compressed page larger than {MAX_INFLATED_BYTES // 2**20} MiB "
                      "when inflated", place=place, source=source,
                      fix="split the diagram into smaller files") from None
    if not inflater.eof:
        raise _refuse("holds a compressed page that ends early (truncated)", place=place,
                      source=source) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse("holds a compressed page that is not text", place=place,
                      source=source) from None
    stripped = text.lstrip()
    if not stripped.startswith("<"):
        text = unquote(text)  # draw.io URI-encodes before deflating
    return text


def _read_source(path_or_text: str | os.PathLike[str] | bytes) -> tuple[str, str, str]:
    """(xml text, source name for messages, a default design name)."""
    if isinstance(path_or_text, bytes):
        if len(path_or_text) > MAX_FILE_BYTES:
            raise _refuse(f"is larger than {MAX_FILE_BYTES // 2**20} MiB",
                          fix="this does not look like a draw.io diagram")
        raw, source, stem = path_or_text, "", ""
    elif isinstance(path_or_text, str) and path_or_text.lstrip("\ufeff \t\r\n").startswith("<"):
        if len(path_or_text) > MAX_FILE_BYTES:
            raise _refuse(f"is larger than {MAX_FILE_BYTES // 2**20} MiB",
                          fix="this does not look like a draw.io diagram")
        return path_or_text.lstrip("\ufeff"), "", ""
    else:
        p = Path(path_or_text)
        source = str(p)
        stem = p.name
        for suffix in (".svg", ".xml", ".drawio", ".dio"):
            if stem.lower().endswith(suffix) and len(stem) > len(suffix):
                stem = stem[: -len(suffix)]
        # a regular file only (not /dev/zero, not a FIFO), read with a bound
        raw = read_file_bounded(p, MAX_FILE_BYTES,
                                too_big_fix="this does not look like a draw.io diagram")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(f"is not UTF-8 text (byte {exc.start}); is it a .drawio file?",
                      source=source, fix=FIX_FILE) from None
    return text, source, stem


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _find_model(root: ET.Element, source: str, notes: list[str]) -> tuple[ET.Element, str]:
    """The first page's <mxGraphModel> and the page name."""
    tag = _local(root.tag)
    if tag == "svg" and root.get("content"):  # a .drawio.svg carries the file in `content`
        return _find_model(_parse_xml(root.get("content", ""), source, "svg content"), source,
                           notes)
    if tag == "mxGraphModel":
        return root, ""
    if tag != "mxfile":
        raise _refuse(f"is not a draw.io diagram (its top element is <{tag}>, not <mxfile>)",
                      source=source, fix="export the diagram from draw.io as .drawio (XML)")
    pages = [d for d in root if _local(d.tag) == "diagram"]
    if not pages:
        raise _refuse("has no <diagram> page", source=source, place="mxfile")
    page = pages[0]
    name = page.get("name", "") or ""
    if len(pages) > 1:
        others = ", ".join(f'"{_q(d.get("name", "?"))}"' for d in pages[1:6])
        if len(pages) > 6:
            others += f" and {len(pages) - 6} more"
        notes.append(f'imported the first page "{_q(name) or "1"}" only; ignored {len(pages) - 1} '
                     f"other page(s): {others}")
    place = f'page "{_q(name)}"' if name else "page 1"
    models = [c for c in page if _local(c.tag) == "mxGraphModel"]
    if models:
        return models[0], name
    payload = (page.text or "").strip()
    if not payload:
        raise _refuse("is empty (no <mxGraphModel>)", place=place, source=source,
                      fix="draw something on the first page or choose another file")
    inner = _parse_xml(_inflate(payload, source, place), source, place)
    if _local(inner.tag) != "mxGraphModel":
        raise _refuse(f"holds <{_local(inner.tag)}> instead of <mxGraphModel>", place=place,
                      source=source)
    return inner, name


# ---------------------------------------------------------------------------
# cells


@dataclass
class _Cell:
    id: str
    order: int
    parent: str | None
    vertex: bool
    edge: bool
    source: str | None
    target: str | None
    style: dict[str, str]
    tokens: list[str]
    label: str
    attrs: dict[str, str]
    x: float = 0.0
    y: float = 0.0
    w: float | None = None
    h: float | None = None
    relative: bool = False
    children: list[str] = field(default_factory=list)


def _parse_style(style: str) -> tuple[dict[str, str], list[str]]:
    pairs: dict[str, str] = {}
    tokens: list[str] = []
    for part in style.split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" in part:
            k, v = part.split("=", 1)
            pairs[k.strip().lower()] = v.strip()
        else:
            tokens.append(part.lower())
    return pairs, tokens


def _number(text: str | None, default: float | None) -> float | None:
    if text is None:
        return default
    try:
        v = float(text)
    except ValueError:
        return default
    return v if math.isfinite(v) else default


def _cells(model: ET.Element, source: str, notes: list[str]) -> list[_Cell]:
    roots = [c for c in model if _local(c.tag) == "root"]
    if not roots:
        raise _refuse("has no <root> of cells", place="mxGraphModel", source=source)
    out: list[_Cell] = []
    seen: set[str] = set()
    for i, el in enumerate(roots[0]):
        if i >= MAX_CELLS:
            raise _refuse(f"has more than {MAX_CELLS} cells", source=source,
                          fix="split the diagram into smaller files")
        tag = _local(el.tag)
        attrs: dict[str, str] = {}
        if tag == "mxCell":
            cell_el = el
            label = el.get("value", "") or ""
            cid = el.get("id")
        elif tag in ("UserObject", "object"):
            inner = [c for c in el if _local(c.tag) == "mxCell"]
            cell_el = inner[0] if inner else ET.Element("mxCell")
            attrs = {k: v for k, v in el.attrib.items() if k not in ("id", "label")}
            label = el.get("label", "") or ""
            cid = el.get("id") or cell_el.get("id")
        else:
            continue
        if not cid:
            continue
        if cid in seen:
            notes.append(f'cell id "{_q(cid)}" appears twice; kept the first')
            continue
        seen.add(cid)
        style, tokens = _parse_style(cell_el.get("style", "") or "")
        cell = _Cell(cid, i, cell_el.get("parent"), cell_el.get("vertex") == "1",
                     cell_el.get("edge") == "1", cell_el.get("source"), cell_el.get("target"),
                     style, tokens, label, attrs)
        geo = next((g for g in cell_el if _local(g.tag) == "mxGeometry"), None)
        if geo is not None:
            cell.x = _number(geo.get("x"), 0.0) or 0.0
            cell.y = _number(geo.get("y"), 0.0) or 0.0
            w, h = _number(geo.get("width"), None), _number(geo.get("height"), None)
            cell.w = w if w is not None and w > 0 else None
            cell.h = h if h is not None and h > 0 else None
            cell.relative = geo.get("relative") == "1"
        out.append(cell)
    return out


# ---------------------------------------------------------------------------
# guessing kinds

# "[^<>]" rather than "[^>]": a scan from one "<" stops at the next, so a label of many
# "<" without ">" costs linear time, not quadratic
_TAG = re.compile(r"<[^<>]*>")
_BREAK = re.compile(r"<\s*(br|/div|/p|/li|/h\d)\b[^<>]*>", re.IGNORECASE)


def _q(text: Any, limit: int = NOTE_NAME) -> str:
    """A name or id as a guess or a message repeats it: bounded, on one line."""
    return shorten(" ".join(str(text).split()), limit)


def clean_label(label: str) -> str:
    """A draw.io label (maybe HTML) as one line of plain text."""
    text = _BREAK.sub(" ", label)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\xa0", " ")
    return " ".join(text.split())


def _words(text: str) -> tuple[list[str], str]:
    """Lower-case words of a label or shape name, and them joined by single spaces."""
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]
    return words, " " + " ".join(words) + " "


# (kind, whole words, phrases/substrings): the first kind that matches wins
_KEYWORDS: list[tuple[str, set[str], tuple[str, ...]]] = [
    ("load_balancer", {"lb", "elb", "alb", "nlb", "glb", "haproxy"},
     (" load balancer", " load balancing", "loadbalancer", " balancer")),
    ("dns", {"dns", "route53"}, (" route 53 ",)),
    ("database", {"db", "rds", "aurora", "database", "databases", "dynamo", "cassandra"},
     ("sql", "postgres", "mongo", "dynamodb", "database", "cosmosdb")),
    ("cache", {"redis", "memcached", "elasticache"}, ("cache",)),
    ("queue", {"sqs", "sns", "kafka", "rabbitmq", "queue", "queues", "pubsub", "kinesis"},
     ("queue", "kafka", " pub sub ", "event hub", "service bus")),
    ("storage", {"s3", "bucket", "buckets", "blob", "storage"}, ("storage", "bucket")),
    ("client", {"user", "users", "client", "clients", "browser", "browsers", "actor"},
     ("umlactor",)),
    ("external", {"external"}, (" 3rd party ", " third party ", "external")),
]


# words that make a label name a part serving people, not the people ("User Config Lambda",
# "Customer API", "User portal"): such a label is not a client
_NOT_PEOPLE = {"lambda", "function", "functions", "service", "services", "api", "apis",
               "config", "configuration", "server", "servers", "app", "application", "backend",
               "manager", "management", "pool", "table", "portal", "directory", "auth",
               "authentication", "identity", "profile", "profiles", "registry", "store"}


def _keyword_kind(text: str) -> tuple[str, str] | None:
    words, joined = _words(text)
    for kind, whole, phrases in _KEYWORDS:
        if kind == "client" and _NOT_PEOPLE.intersection(words):
            continue
        hit = next((w for w in words if w in whole), None)
        if hit is None and kind == "database":
            hit = next((w for w in words if w.endswith("db") and len(w) > 3), None)
        if hit is None:
            hit = next((p.strip() for p in phrases if p in joined), None)
        if hit is not None:
            return kind, hit
    return None


def _shape_text(cell: _Cell) -> str:
    """The shape-identifying parts of a style (not colours): shape, icons, image, bare names."""
    parts = [cell.style.get(k, "") for k in ("shape", "resicon", "pricon", "image")]
    return " ".join(parts + cell.tokens)


_DATA_KINDS = ("database", "cache", "storage")


def _guess_component(cell: _Cell, name: str, names: list[str],
                     smap: ShapeMap) -> tuple[str, str, str, ShapeEntry | None]:
    """(kind, why, how, map entry) for a shape that holds nothing.

    Order: the library map's own entry for the shape (most specific: an RDS icon is a
    database whatever its label says — except that a compute shape labelled as a data
    store, "MongoDB" on an EC2 icon, is that data store); a product the label names ("Cloud
    SQL", "DynamoDB": the map entry of that name, with its preset); words in the label; a
    generic shape (cylinder, actor, cloud); words in the shape's name; the library-wide
    pattern (a known library shape without its own entry: a service); else a service.
    """
    entry = smap.lookup(names)
    found = _keyword_kind(name)
    if entry is not None and not entry.pattern and entry.kind:
        if entry.kind == "service" and found and found[0] in _DATA_KINDS:
            # a database run on a VM or in a StatefulSet: the label names the part
            return found[0], (f'label says "{found[1]}"; its {entry.library} shape '
                              f'"{entry.name}" is a service that runs it'), "label", None
        return entry.kind, f'{entry.library} shape "{entry.name}"', "library", entry
    product = smap.product_in_label(name) if name else None
    if product is not None and product[0].kind:
        hit, words = product
        return hit.kind, f'label names {hit.library} "{words}"', "label", hit
    if found:
        return found[0], f'label says "{found[1]}"', "label", None
    shape = _shape_text(cell).lower()
    if "cylinder" in shape or "datastore" in shape:
        return "database", "cylinder shape", "label", None
    if "umlactor" in shape or re.search(r"(^|[^a-z])actor([^a-z]|$)", shape):
        return "client", "actor shape", "label", None
    if cell.style.get("shape") == "cloud" or "cloud" in cell.tokens:
        return "external", "cloud shape", "label", None
    found = _keyword_kind(shape)
    if found:
        return found[0], f'shape "{found[1]}"', "label", None
    if entry is not None and entry.kind:
        return entry.kind, (f'{entry.library} shape "{entry.name}" has no entry in the shape map; '
                            f"{entry.kind} by default"), "default", entry
    return "service", "no hint in shape or label; default", "default", None


def _guess_container(cell: _Cell, name: str, inside_region: bool,
                     names: list[str] | None = None,
                     smap: ShapeMap | None = None) -> tuple[str, str]:
    """(meaning, why) of a box: region, zone, spread (an Auto Scaling group) or group.

    A library box names its meaning in the map (``grIcon=mxgraph.aws4.group_vpc`` is a
    group, ``group_region`` a region); otherwise its label decides (drawio_infer)."""
    entry = smap.lookup_group(names or []) if smap is not None else None
    if entry is not None and entry.group:
        return entry.group, f'{entry.library} box "{entry.name}"'
    if "group_region" in cell.style.get("gricon", "").lower():
        return "region", "AWS region group"
    return box_by_label(name, inside_region)


# ---------------------------------------------------------------------------
# import


_SLUG = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # the loader refuses these in ids
GEOMETRY_BUDGET = 1_000_000  # box-against-shape comparisons for Auto Scaling groups


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:40].strip("-")


def _decode_attr(key: str, value: str) -> Any:
    if key in _TEXT_FIELDS:
        return value
    try:
        return json.loads(value, parse_constant=lambda token: token)
    except ValueError:
        return value  # typed by hand in draw.io's Edit Data ("auto", "active-passive")


def _ours(attrs: dict[str, str]) -> dict[str, Any]:
    return {k[len(PREFIX):]: _decode_attr(k[len(PREFIX):], v) for k, v in attrs.items()
            if k.startswith(PREFIX)}


def _is_text(cell: _Cell) -> bool:
    return bool({"text", "edgelabel"} & set(cell.tokens)) or cell.style.get("shape") == "line" \
        or "line" in cell.tokens


def _is_container_style(cell: _Cell) -> bool:
    return "swimlane" in cell.tokens or "group" in cell.tokens or \
        cell.style.get("container") == "1" or cell.style.get("shape") == "swimlane"


Source = str | os.PathLike[str] | bytes


def import_drawio(path_or_text: Source, *,
                  shape_map: ShapeMap | None = None) -> tuple[Design, list[str]]:
    """A design guessed from a draw.io file (path or XML text), and one line per guess.

    Our own exports carry ``modeller_*`` attributes and come back exactly (no guesses).
    Raises DesignError (never anything else) when the file cannot be used.
    ``shape_map`` defaults to the bundled library map plus the user's file
    (:func:`~modeller.export.drawio_shapes.load_shape_map`).
    """
    design, report = import_drawio_report(path_or_text, shape_map=shape_map)
    return design, report.notes


def import_drawio_report(path_or_text: Source, *,
                         shape_map: ShapeMap | None = None) -> tuple[Design, ImportReport]:
    """Like :func:`import_drawio`, with the guesses per node (:class:`ImportReport`)."""
    source = "" if isinstance(path_or_text, bytes) or (
        isinstance(path_or_text, str) and path_or_text.lstrip("\ufeff \t\r\n").startswith("<")) \
        else str(path_or_text)
    try:
        text, source, stem = _read_source(path_or_text)
        smap = shape_map if shape_map is not None else load_shape_map()
        return _import_text(text, source, stem, smap)
    except DesignError:
        raise
    except RecursionError:
        raise _refuse("is nested too deeply to be a diagram", source=source) from None
    except MemoryError:
        raise _refuse("needs more memory than this computer has to import", source=source,
                      fix="split the diagram into smaller files") from None
    except Exception as exc:  # untrusted input must never crash the caller
        raise _refuse(f"could not be read as a draw.io diagram ({type(exc).__name__}: "
                      f"{shorten(str(exc), 200)})", source=source) from None


def _import_text(text: str, source: str, stem: str,
                 smap: ShapeMap | None = None) -> tuple[Design, ImportReport]:
    smap = smap if smap is not None else load_shape_map()
    report = ImportReport(source=source)
    notes = report.notes
    notes.extend(smap.problems)
    root = _parse_xml(text, source)
    model, page_name = _find_model(root, source, notes)
    cells = _cells(model, source, notes)
    return _build(cells, source, stem, page_name, report, smap), report


CAPTION_BUDGET = 2_000_000  # icon-against-text comparisons when naming unlabelled icons


def _captions(candidates: dict[str, _Cell], texts: list[_Cell],
              pos: dict[str, tuple[float, float]], own_file: bool) -> dict[str, str]:
    """Unlabelled shape -> the free text that names it (cell ids).

    People often leave an icon's label empty and write its name in a text box under it
    (or to its right). A text names the nearest unlabelled shape of the same draw.io
    parent whose box it sits just below (its top within 40 px under the shape, its centre
    over the shape's width widened by 40 px) or just right of (within 60 px, centred on
    its height). Each text names one shape. Comparisons stop at CAPTION_BUDGET."""
    if own_file or not texts:
        return {}
    by_parent: dict[str | None, list[_Cell]] = {}
    for t in texts:
        by_parent.setdefault(t.parent, []).append(t)
    out: dict[str, str] = {}
    taken: set[str] = set()
    budget = CAPTION_BUDGET
    for cid, c in candidates.items():
        if clean_label(c.label) or c.attrs.get(PREFIX + "kind") or c.w is None or c.h is None:
            continue
        near = by_parent.get(c.parent, [])
        budget -= len(near)
        if budget < 0:
            break
        x, y = pos[cid]
        best: tuple[float, str] | None = None
        for t in near:
            if t.id in taken:
                continue
            tx, ty = pos[t.id]
            tw, th = t.w or 0.0, t.h or 0.0
            cx, cy = tx + tw / 2, ty + th / 2
            below = x - 40 <= cx <= x + c.w + 40 and y + c.h - 10 <= ty <= y + c.h + 40
            right = y - 10 <= cy <= y + c.h + 10 and x + c.w - 10 <= tx <= x + c.w + 60
            if below or right:
                d = abs(cx - (x + c.w / 2)) + abs(cy - (y + c.h / 2))
                if best is None or d < best[0]:
                    best = (d, t.id)
        if best is not None:
            out[cid] = best[1]
            taken.add(best[1])
    return out


def _rect(pos: dict[str, tuple[float, float]], c: _Cell) -> tuple[float, float, float, float]:
    x, y = pos[c.id]
    return x, y, c.w or 0.0, c.h or 0.0


def _build(cells: list[_Cell], source: str, stem: str, page_name: str,
           report: ImportReport, smap: ShapeMap) -> Design:
    notes = report.notes
    by_id = {c.id: c for c in cells}
    top = next((c for c in cells if c.parent is None or c.parent not in by_id), None)
    meta = _ours(top.attrs) if top is not None and not (top.vertex or top.edge) else {}
    own_file = meta.get("format") == FORMAT

    def where(c: _Cell) -> str:
        name = clean_label(c.label) or c.attrs.get(PREFIX + "name", "")
        return f'cell "{_q(c.id)}"' + (f" ({_q(name, 40)})" if name else "")

    # vertices that become nodes; labels and decorations are skipped
    candidates: dict[str, _Cell] = {}
    texts: list[_Cell] = []  # free text: a note, or the name of the icon it is written under
    attached: dict[str, _Cell] = {}  # a card's icon: the first relative child with a name
    for c in cells:
        if not c.vertex:
            continue
        parent = by_id.get(c.parent or "")
        if parent is not None and parent.edge:
            continue  # an edge's label
        if c.relative:
            if parent is not None and parent.id not in attached and \
                    shape_names(c.style, c.tokens):
                attached[parent.id] = c
            continue  # a label or port attached to another shape
        if _is_text(c) and not c.attrs.get(PREFIX + "kind"):
            if clean_label(c.label):
                texts.append(c)
            continue
        candidates[c.id] = c

    # nearest candidate ancestor and absolute position (iterative: files can nest deeply)
    anc: dict[str, str | None] = {}
    pos: dict[str, tuple[float, float]] = {}

    def resolve(cid: str) -> None:
        chain: list[_Cell] = []
        in_chain: set[str] = set()
        cur = by_id.get(cid)
        while cur is not None and cur.id not in pos:
            if cur.id in in_chain:
                raise _refuse("cells contain each other in a loop", place=where(cur),
                              source=source)
            chain.append(cur)
            in_chain.add(cur.id)
            if len(chain) > MAX_NESTING * 4:
                raise _refuse(f"shapes are nested more than {MAX_NESTING} deep",
                              place=where(cur), source=source, fix="flatten the containers")
            cur = by_id.get(cur.parent or "")
        for c in reversed(chain):
            parent = by_id.get(c.parent or "")
            if parent is None or not (parent.vertex or parent.edge):
                pos[c.id], anc[c.id] = (0.0, 0.0) if not c.vertex else (c.x, c.y), None
                continue
            px, py = pos[parent.id]
            dx, dy = (c.x, c.y) if c.vertex and not c.relative else (0.0, 0.0)
            pos[c.id] = (px + dx, py + dy)
            anc[c.id] = parent.id if parent.id in candidates else anc[parent.id]

    for cid in candidates:
        resolve(cid)
    for t in texts:
        resolve(t.id)
    caption = _captions(candidates, texts, pos, own_file)
    for t in texts:
        if t.id not in caption.values():
            notes.append(f'skipped free text "{_q(clean_label(t.label))}" (not a component)')

    holders = {anc[cid] for cid in candidates if anc[cid] is not None}
    depth: dict[str, int] = {}
    for cid in sorted(candidates, key=lambda k: candidates[k].order):
        d, cur = 0, anc[cid]
        while cur is not None and d <= MAX_NESTING:
            d += 1
            cur = anc[cur]
        if d > MAX_NESTING:
            raise _refuse(f"containers are nested more than {MAX_NESTING} deep",
                          place=where(candidates[cid]), source=source, fix="flatten the containers")
        depth[cid] = d

    # kinds, parents first so "inside a region" is known
    kinds: dict[str, str] = {}
    names: dict[str, str] = {}
    meaning: dict[str, str] = {}  # boxes: region / zone / spread / group
    icons: set[str] = set()  # cells drawn with a library icon (icon-sized, label outside)
    how: dict[str, tuple[str, str, ShapeEntry | None]] = {}  # cid -> (how, why, entry)
    for cid in sorted(candidates, key=lambda k: (depth[k], candidates[k].order)):
        c = candidates[cid]
        ours = _ours(c.attrs)
        label = clean_label(c.label)
        icon = attached.get(cid)
        if not label and icon is not None and not ours:
            label = clean_label(icon.label)  # a card: its label sits on its icon
        if not label and cid in caption:
            label = clean_label(by_id[caption[cid]].label)
            notes.append(f'"{_q(label)}": named by the text written beside it')
        name = ours.get("name") if isinstance(ours.get("name"), str) and ours.get("name") else label
        lib_names = shape_names(c.style, c.tokens)
        if any(n.startswith(("mxgraph.", "img/lib/")) for n in lib_names):
            icons.add(cid)
        if icon is not None:
            lib_names += [n for n in shape_names(icon.style, icon.tokens) if n not in lib_names]
        domain = anc[cid]
        while domain is not None and not is_container(kinds.get(domain, "")):
            domain = anc[domain]
        kind = ours.get("kind")
        if isinstance(kind, str) and kind in KIND_ROLES:
            how[cid] = ("ours", "", None)
        elif kind is not None:
            raise _refuse(f"modeller_kind {json.dumps(kind)[:40]} is not a kind", place=where(c),
                          source=source, fix="use one of " + ", ".join(KIND_ROLES))
        elif cid in holders or _is_container_style(c) or smap.lookup_group(lib_names) or (
                smap.lookup(lib_names) is None and name
                and box_by_label(name, False)[0] == "spread"):  # a scaling group drawn over
            inside_region = domain is not None and kinds[domain] == "region"
            m, why = _guess_container(c, name or "", inside_region, lib_names, smap)
            meaning[cid] = m
            kind = "group" if m == "spread" else m
            how[cid] = ("box", why, smap.lookup_group(lib_names))
        else:
            kind, why, how_found, entry = _guess_component(c, name or "", lib_names, smap)
            how[cid] = (how_found, why, entry)
        if cid in holders and not is_box(kind):
            notes.append(f'"{_q(name or c.id)}" is a {kind} but holds shapes; they are placed in '
                         "its container instead")
        if not name:
            name = SPREAD_WHY if meaning.get(cid) == "spread" else KIND_LABELS[kind]
            notes.append(f'unnamed shape (cell "{_q(c.id)}") named "{name}"')
        kinds[cid] = kind
        names[cid] = name

    # Auto Scaling groups: one node, one replica per zone it spans, its instances folded in
    alias: dict[str, str] = {}  # folded instance cell -> its group's cell
    spread_of: dict[str, list[str]] = {}  # group cell -> zone cells, document order
    spread_preset: dict[str, ShapeEntry | None] = {}
    spread_count: dict[str, int] = {}  # group cell -> instances folded into it
    spread_boxes = [cid for cid in candidates if meaning.get(cid) == "spread"]
    if spread_boxes:
        spread_set = set(spread_boxes)
        zones = [cid for cid in candidates if kinds[cid] == "zone"]
        parts = [cid for cid in candidates if not is_box(kinds[cid]) and kinds[cid] != "note"
                 and KIND_ROLES[kinds[cid]] is not Role.SOURCE]

        def nearest(cid: str, among: set[str]) -> str | None:
            """The nearest ancestor of ``cid`` in ``among`` (a bounded walk: depth <= 64)."""
            cur = anc[cid]
            while cur is not None and cur not in among:
                cur = anc[cur]
            return cur

        # drawn inside the group in draw.io: linear, one bounded walk per shape
        held_parts: dict[str, list[str]] = {sid: [] for sid in spread_boxes}
        held_zones: dict[str, list[str]] = {sid: [] for sid in spread_boxes}
        owned: set[str] = set()
        for p in parts:
            owner = nearest(p, spread_set)
            if owner is not None:
                held_parts[owner].append(p)
                owned.add(p)
        zone_set = set(zones)
        for z in zones:
            owner = nearest(z, spread_set)
            if owner is not None:
                held_zones[owner].append(z)
        # drawn over zones and instances it does not hold: geometry, within a budget
        budget = GEOMETRY_BUDGET
        for sid in spread_boxes:
            srect = _rect(pos, candidates[sid])
            around = nearest(sid, zone_set)  # a group drawn inside one zone spans that zone
            spanned = ([around] if around is not None else []) + held_zones[sid]
            members = list(held_parts[sid])
            budget -= len(zones) + len(parts)
            if budget >= 0 and srect[2] > 0 and srect[3] > 0:
                outer: set[str] = set()  # boxes around the group: never "spanned" by it
                cur = anc[sid]
                while cur is not None:
                    outer.add(cur)
                    cur = anc[cur]
                taken = set(spanned)
                for z in zones:
                    if z not in taken and z not in outer and \
                            overlap_share(srect, _rect(pos, candidates[z])) >= 0.2:
                        spanned.append(z)
                for p in parts:
                    if p in owned or p in alias:
                        continue
                    x, y, w, h = _rect(pos, candidates[p])
                    cx, cy = x + w / 2, y + h / 2
                    if srect[0] <= cx <= srect[0] + srect[2] and \
                            srect[1] <= cy <= srect[1] + srect[3]:
                        members.append(p)
            elif budget < 0 and budget + len(zones) + len(parts) >= 0:
                notes.append("too many shapes to compare with the Auto Scaling groups: only "
                             "the shapes drawn inside a group in draw.io count as its instances")
            spanned.sort(key=lambda z: candidates[z].order)
            members = [m for m in members if m not in alias]
            counts: dict[str, int] = {}
            for m in members:
                counts[kinds[m]] = counts.get(kinds[m], 0) + 1
            kind = max(counts, key=lambda k: counts[k]) if counts else "service"
            entry = next((how[m][2] for m in members if how[m][2] is not None
                          and how[m][2].preset and how[m][0] == "library"), None)
            for m in members:
                alias[m] = sid
            kinds[sid] = kind
            spread_of[sid] = spanned
            spread_preset[sid] = entry
            spread_count[sid] = len(members)
            zone_names = ", ".join(f'"{_q(names[z], 40)}"' for z in spanned[:CYCLE_SHOWN])
            replicas = len(spanned) if spanned else max(1, len(members))
            folded = (f"; its {len(members)} drawn instance(s) are its replicas, not separate parts"
                      if members else "")
            if spanned:
                said = (f"{SPREAD_WHY} ({how[sid][1]}): one {kind} with {replicas} replica(s), one "
                        f"per zone it spans ({zone_names}){folded}")
            else:
                said = (f"{SPREAD_WHY} ({how[sid][1]}) spanning no zone: one {kind} with "
                        f"{replicas} replica(s){folded}")
            how[sid] = ("library" if entry is not None else "label", said, entry)
        for m in alias:
            del candidates[m]

    # where each node sits: the nearest box around it (groups included)
    container_of: dict[str, str | None] = {}
    for cid in candidates:
        box = anc[cid]
        while box is not None and (box not in candidates or not is_box(kinds[box])):
            box = anc[box]
        container_of[cid] = box

    # ids: ours when present, usable and free, else from the name
    used: set[str] = set()
    next_suffix: dict[str, int] = {}  # base -> the first "-i" not yet tried (used only grows)
    node_id: dict[str, str] = {}
    order = sorted(candidates, key=lambda k: (_index(candidates[k]), candidates[k].order))
    for cid in order:
        want = _ours(candidates[cid].attrs).get("id")
        usable = isinstance(want, str) and want.strip() and not _CONTROL.search(want)
        if usable and want not in used:
            node_id[cid] = want
        else:
            base = _slug(names[cid]) or kinds[cid].replace("_", "-")
            new = base
            if new in used:
                i = next_suffix.get(base, 2)
                while f"{base}-{i}" in used:
                    i += 1
                new = f"{base}-{i}"
                next_suffix[base] = i + 1
            if isinstance(want, str) and want in used:
                notes.append(f'"{_q(names[cid])}" repeats id "{_q(want)}" (a copied shape?); '
                             f'it is now "{new}"')
            elif isinstance(want, str) and not usable and want.strip():
                notes.append(f'"{_q(names[cid])}": its id holds a control character; '
                             f'it is now "{new}"')
            node_id[cid] = new
        used.add(node_id[cid])

    # one cloud provider's parts only: its region and zone presets for boxes that have none
    providers = {how[k][2].provider for k in candidates if how[k][0] in ("library", "box")
                 and how[k][2] is not None and how[k][2].provider}
    provider = next(iter(providers)) if len(providers) == 1 else None
    provider_box: dict[str, Preset] = {}
    if provider is not None:
        for p in presets_by_provider().get(provider, []):
            if p.kind in ("region", "zone"):
                provider_box.setdefault(p.kind, p)

    nodes_out: list[dict[str, Any]] = []
    resized: list[str] = []  # icons that became Modeller-sized parts
    place_of: dict[int, str] = {}
    known_zones = {node_id[k] for k in candidates if is_container(kinds[k])}  # once, not per node
    for cid in order:
        c = candidates[cid]
        ours = _ours(c.attrs)
        d: dict[str, Any] = {"id": node_id[cid], "kind": kinds[cid], "name": names[cid]}
        x, y = pos[cid]
        d["x"], d["y"] = round(x, 6), round(y, 6)
        kind = kinds[cid]
        auto = ours.get("size") == "auto"
        default = CONTAINER_SIZE.get(kind, NODE_SIZE)
        if cid in spread_of:
            d["x"], d["y"] = round(x + 10.0, 6), round(y + 30.0, 6)  # a part, not the box
        elif not ours and cid in icons and not is_box(kind) and c.w is not None \
                and c.h is not None:
            # an icon is icon-sized with its name under it: the part gets Modeller's own
            # size (room for its name and badges), centred where the icon was
            nw, nh = default_size(kind)
            d["x"], d["y"] = round(x + c.w / 2 - nw / 2, 6), round(y + c.h / 2 - nh / 2, 6)
            resized.append(node_id[cid])
        elif c.w is not None and c.h is not None and not (auto and (c.w, c.h) == default):
            d["w"], d["h"] = round(c.w, 6), round(c.h, 6)
        if container_of[cid] is not None:
            d["parent"] = node_id[container_of[cid]]
        if not ours:
            how_found, why, entry = how[cid]
            preset = None
            if entry is not None and entry.preset and how_found in ("library", "box", "label"):
                preset = get_preset(entry.preset)
            if cid in spread_of:
                preset_entry = spread_preset.get(cid)
                preset = get_preset(preset_entry.preset) if preset_entry and preset_entry.preset \
                    else None
            from_provider = ""
            if preset is None and how_found == "box" and kind in provider_box:
                preset = provider_box[kind]
                from_provider = f", as every library part is {provider}'s"
            if preset is not None and preset.kind == kind:
                for key, value in preset.fields.items():
                    d[key] = value
                d["preset"] = preset.id
            if cid in spread_of:
                zones_here = [node_id[z] for z in spread_of[cid]]
                d["replicas"] = len(zones_here) if zones_here else max(1, spread_count[cid])
                if zones_here:
                    d["spread"] = zones_here
            with_preset = f"; preset {preset.id} ({preset.availability:g}{from_provider})" \
                if preset is not None and preset.availability is not None else ""
            text = f'"{_q(names[cid])}": {kind} ({why}){with_preset}'
            notes.append(text)
            report.guesses.append(Guess(
                node_id[cid], names[cid], kind, how_found, text,
                preset=d.get("preset"), library=entry.library if entry is not None else None,
                generic=bool(entry is not None and entry.pattern)))
            if how_found == "library" and entry is not None:
                report.libraries[entry.library] = report.libraries.get(entry.library, 0) + 1
        else:
            report.guesses.append(Guess(node_id[cid], names[cid], kind, "ours",
                                        f'"{_q(names[cid])}": {kind} (from Modeller)'))
        for key in _STORED_FIELDS:
            if key in ours:
                d[key] = ours[key]
        extra = ours.get("extra")
        if isinstance(extra, dict):
            for k, v in extra.items():
                d.setdefault(k, v)
        for key, value in ours.items():
            if key not in _STORED_FIELDS and key not in ("id", "kind", "name", "index", "size",
                                                          "extra", "parent"):
                d.setdefault(key, value)
        if isinstance(d.get("spread"), list):
            kept = [z for z in d["spread"] if isinstance(z, str) and z in known_zones]
            if len(kept) != len(d["spread"]):
                missing = [_q(z, 40) for z in d["spread"] if not (isinstance(z, str)
                                                                   and z in known_zones)]
                shown = ", ".join(missing[:CYCLE_SHOWN]) + (
                    f" and {len(missing) - CYCLE_SHOWN} more" if len(missing) > CYCLE_SHOWN else "")
                notes.append(f'"{_q(names[cid])}": spread over missing zones dropped ({shown})')
                d["spread"] = kept
        place_of[len(nodes_out)] = where(c)
        nodes_out.append(d)

    links_out = _links(cells, by_id, candidates, node_id, names, kinds, notes, alias,
                       guess=not own_file)

    if not own_file and nodes_out and not any(d["kind"] == "client" for d in nodes_out):
        component = {node_id[k] for k in candidates
                     if not is_box(kinds[k]) and kinds[k] != "note"}
        found = infer_client(nodes_out, links_out, component, used)
        if found is not None:
            client, entries, why = found
            nodes_out.append(client)
            links_out = [{"from": client["id"], "to": e} for e in entries] + links_out
            by_node = {d["id"]: d["name"] for d in nodes_out}
            shown = ", ".join(f'"{_q(by_node[e], 40)}"' for e in entries[:CYCLE_SHOWN]) + (
                f" and {len(entries) - CYCLE_SHOWN} more" if len(entries) > CYCLE_SHOWN else "")
            text = (f'no client drawn: added "{client["name"]}" (a guess) sending requests to '
                    f"{why}: {shown}")
            notes.append(text)
            report.client_inferred = True
            report.guesses.append(Guess(client["id"], client["name"], "client", "inferred", text))
    if not own_file and nodes_out and not any(
            any(k in d for k in ("availability", "mtbf_hours")) for d in nodes_out):
        notes.append("a drawing has no availability, capacity or cost figures: every part starts "
                     "at 100 % — set them in Modeller")

    design_name = meta.get("name") if own_file and isinstance(meta.get("name"), str) else None
    if design_name is None:
        design_name = stem or (page_name if page_name and not re.fullmatch(r"Page-\d+", page_name)
                               else "Imported diagram")
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "name": design_name}
    if own_file:
        if isinstance(meta.get("settings"), dict):
            data["settings"] = meta["settings"]
        if isinstance(meta.get("extra"), dict):
            for k, v in meta["extra"].items():
                data.setdefault(k, v)
    data["nodes"] = nodes_out
    data["links"] = links_out
    try:
        design = design_from_dict(data)
    except DesignError as err:
        m = re.match(r'nodes\[(\d+)\](?: "[^"]*")?(?:\.(\w+))?', err.place or "")
        place = err.place
        if m and int(m.group(1)) in place_of:
            field_name = m.group(2) or ""
            place = place_of[int(m.group(1))] + (f" {PREFIX}{field_name}" if field_name else "")
        fix = err.fix
        if m:
            fix = f"{fix} (in draw.io: select the shape, Edit > Edit Data)"
        raise DesignError(err.problem, place=place, fix=fix, file=source) from None
    if not own_file:
        _fit_boxes(design, resized)
    return design


def _fit_boxes(design: Design, resized: list[str]) -> None:
    """Grow the boxes around icons that became Modeller-sized parts (larger than the
    icons) so they still hold them: the same rule the canvas applies after a drop."""
    boxes = sorted({n for nid in resized for n in design.enclosing(nid)})
    if not boxes or len(design.nodes) > GROW_LIMIT:
        return
    rects = all_rects(design)
    for nid, fields in grow_to_fit(design, boxes, rects).items():
        for key, value in fields.items():
            setattr(design.nodes[nid], key, round(float(value), 6))


GROW_LIMIT = 2_000  # nodes; growing boxes walks every box's children (boxes x nodes)


def _index(c: _Cell) -> float:
    v = c.attrs.get(PREFIX + "index")
    n = _number(v, None) if v is not None else None
    return n if n is not None else math.inf


_NO_ARROW = ("none", "")


def _links(cells: list[_Cell], by_id: dict[str, _Cell], candidates: dict[str, _Cell],
           node_id: dict[str, str], names: dict[str, str], kinds: dict[str, str],
           notes: list[str], alias: dict[str, str] | None = None,
           guess: bool = True) -> list[dict[str, Any]]:
    alias = alias or {}
    groups = set(alias.values())  # scaling groups: edges to each instance become one

    def end(ref: str | None) -> str | None:
        """The node an edge end belongs to (a label or port inside a shape counts as the
        shape; an instance folded into its Auto Scaling group counts as the group)."""
        seen = 0
        cur = by_id.get(ref or "")
        while cur is not None and seen <= MAX_NESTING * 4:
            if cur.id in alias:
                return alias[cur.id]
            if cur.id in candidates:
                return cur.id
            if not cur.vertex:
                return None
            cur = by_id.get(cur.parent or "")
            seen += 1
        return None

    links: list[dict[str, Any]] = []
    index: dict[tuple[str, str], int] = {}
    for c in cells:
        if not c.edge:
            continue
        ours = _ours(c.attrs)
        s, t = end(c.source), end(c.target)
        label = clean_label(c.label)
        what = f'edge "{_q(label)}"' if label else f'edge "{_q(c.id)}"'
        if s is None or t is None:
            loose = "both ends" if s is None and t is None else "one end"
            notes.append(f"{what} dropped: {loose} not attached to a shape")
            continue
        if s == t:
            if c.source in alias or c.target in alias:
                continue  # between two instances of one Auto Scaling group: inside the part
            notes.append(f'{what} dropped: it loops on "{_q(names[s])}"')
            continue
        if is_box(kinds[s]) or is_box(kinds[t]):
            notes.append(f'edge "{_q(names[s])}" → "{_q(names[t])}" dropped: links connect components, '
                         "not regions, zones or groups")
            continue
        if kinds[s] == "note" or kinds[t] == "note":
            notes.append(f'edge "{_q(names[s])}" → "{_q(names[t])}" dropped: a note cannot be linked')
            continue
        start = c.style.get("startarrow", "none").lower()
        finish = c.style.get("endarrow", "classic").lower()
        if not ours and finish in _NO_ARROW and start not in _NO_ARROW:
            s, t = t, s
            notes.append(f'edge "{_q(names[t])}" → "{_q(names[s])}" read as "{_q(names[s])}" → "{_q(names[t])}" '
                         "(its arrowhead is at the start)")
        elif not ours and guess and (finish in _NO_ARROW) == (start in _NO_ARROW):
            both = "arrowheads at both ends" if finish not in _NO_ARROW else "no arrowhead"
            if orient_rank(kinds[s]) > orient_rank(kinds[t]):
                s, t = t, s
                notes.append(f'edge "{_q(names[t])}" – "{_q(names[s])}" ({both}) read as '
                             f'"{_q(names[s])}" → "{_q(names[t])}" ({kinds[s]} calls {kinds[t]})')
            elif orient_rank(kinds[s]) == orient_rank(kinds[t]) and KIND_ROLES[kinds[s]] \
                    is not Role.SOURCE:
                notes.append(f'edge "{_q(names[s])}" – "{_q(names[t])}" ({both}) read as drawn, '
                             f'"{_q(names[s])}" → "{_q(names[t])}"')
        if KIND_ROLES[kinds[t]] is Role.SOURCE:
            if KIND_ROLES[kinds[s]] is Role.SOURCE:
                notes.append(f'edge "{_q(names[s])}" → "{_q(names[t])}" dropped: both ends are clients')
                continue
            s, t = t, s
            notes.append(f'edge "{_q(names[t])}" → "{_q(names[s])}" reversed: clients only send requests')
        link: dict[str, Any] = {"from": node_id[s], "to": node_id[t]}
        if ours:
            if "calls" in ours:
                link["calls"] = ours["calls"]
            if "optional" in ours:
                link["optional"] = ours["optional"]
            if isinstance(ours.get("extra"), dict):
                for k, v in ours["extra"].items():
                    link.setdefault(k, v)
        else:
            if c.style.get("dashed") == "1":
                link["optional"] = True
                notes.append(f'edge "{_q(names[s])}" → "{_q(names[t])}": optional (dashed line)')
            if label:
                link["label"] = shorten(label, 200)  # an edge's words stay words, not parts
        key = (s, t)
        if key in index:
            if s not in groups and t not in groups:  # expected for a group's instances
                notes.append(f'duplicate edge "{_q(names[s])}" → "{_q(names[t])}" merged')
            if "label" in link:
                links[index[key]].setdefault("label", link["label"])
            continue
        index[key] = len(links)
        links.append(link)
    return _break_cycles(links, names, {v: k for k, v in node_id.items()}, notes)


def _break_cycles(links: list[dict[str, Any]], names: dict[str, str], cell_of: dict[str, str],
                  notes: list[str]) -> list[dict[str, Any]]:
    """Drop each edge that closes a cycle (depth-first in document order; linear time).

    Each note names at most CYCLE_SHOWN parts of the cycle, each name bounded: a file with
    many back-edges on a long path costs linear memory, not path length × back-edges."""
    adj: dict[str, list[int]] = {}
    for i, lk in enumerate(links):
        adj.setdefault(lk["from"], []).append(i)
    state: dict[str, int] = {}
    dropped: set[int] = set()

    def name(x: str) -> str:
        return _q(names[cell_of[x]], 40)

    for root in adj:
        if state.get(root):
            continue
        state[root] = 1
        stack: list[tuple[str, int]] = [(root, 0)]
        path = [root]
        depth_of = {root: 0}  # position on the current path: no path.index scans
        while stack:
            node, i = stack.pop()
            out = adj.get(node, [])
            if i < len(out):
                stack.append((node, i + 1))
                li = out[i]
                nxt = links[li]["to"]
                st = state.get(nxt, 0)
                if st == 1:
                    dropped.add(li)
                    start = depth_of[nxt]
                    length = len(path) - start  # parts on the cycle
                    if length <= CYCLE_SHOWN:
                        shown = [name(x) for x in path[start:]]
                    else:
                        head = CYCLE_SHOWN - 2
                        shown = [name(x) for x in path[start:start + head]]
                        shown += [f"… {length - CYCLE_SHOWN} more …"]
                        shown += [name(x) for x in path[-2:]]
                    notes.append("edge \"{}\" → \"{}\" dropped: it closes the cycle {}".format(
                        name(node), name(nxt), " → ".join([*shown, name(nxt)])))
                elif st == 0:
                    state[nxt] = 1
                    depth_of[nxt] = len(path)
                    path.append(nxt)
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                depth_of.pop(node, None)
                path.pop()
    return [lk for i, lk in enumerate(links) if i not in dropped]
