"""Reading and writing ``*.arch.json`` design files: strict, friendly and atomic."""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .design import FORMAT, VERSION, Design, Link, Node, Settings
from .errors import DesignError
from .kinds import FAILOVER_MODES, KIND_ROLES
from .reliability import LINK_KEYS as _RELIABILITY_LINK_KEYS
from .reliability import NODE_KEYS as _RELIABILITY_NODE_KEYS
from .reliability import (
    check_policy,
    check_success_slo,
    link_fields_to_dict,
    node_fields_to_dict,
    read_link_fields,
    read_node_fields,
)
from .validation import validate

MAX_FILE_BYTES = 64 * 1024 * 1024

# version -> function upgrading a dict of that version to version + 1
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_NODE_KEYS = {
    "id", "kind", "name", "x", "y", "w", "h", "parent", "replicas", "availability",
    "mtbf_hours", "mttr_hours", "min_healthy", "min_targets", "capacity_rps",
    "service_time_ms", "cost_month", "failover", "failover_seconds", "spread",
    "demand_rps", "slo", "preset", *_RELIABILITY_NODE_KEYS,
}
_LINK_KEYS = {"from", "to", "calls", "optional", *_RELIABILITY_LINK_KEYS}
_TOP_KEYS = {"format", "version", "name", "settings", "nodes", "links", "variants"}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(value: Any) -> bool:
    """A JSON number that is a finite float (a 400-digit integer literal is not)."""
    if not _is_number(value):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


# Bounds that keep every number inside what the engine computes exactly and quickly;
# beyond them a design is no longer an architecture but a typo.
MAX_REPLICAS = 10_000
MAX_RATE = 1e12  # rps: demand and capacity
MIN_CAPACITY = 1e-6  # rps
MAX_SERVICE_MS = 1e8  # about 28 hours
MIN_SERVICE_MS = 1e-6  # a nanosecond (0 means "takes no time")
MAX_CALLS = 10_000
MAX_HOURS = 1e9  # MTBF / MTTR
MIN_MTBF_HOURS = 1e-3  # 3.6 s
MAX_COORD = 1e9


# C0 and C1 control characters and DEL: refused in ids (they reach terminals, file names
# and XML); kept in names and other text, which every output escapes (modeller.textsafe)
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_ID_ECHO = 60  # characters of an id repeated in a message


def _short(text: str, limit: int = MAX_ID_ECHO) -> str:
    """Text for a message: at most ``limit`` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_problem(value: Any) -> str | None:
    """Why a JSON value kept as-is (an unknown field) could not be saved and reopened, or None.

    Iterative: the value may nest as deeply as the parser allowed."""
    todo = [value]
    while todo:
        v = todo.pop()
        if isinstance(v, float):
            if not math.isfinite(v):
                return "holds a number too large to store (a literal such as 1e400 becomes infinity)"
        elif isinstance(v, dict):
            for k, item in v.items():
                if not isinstance(k, str):
                    return f"holds a key that is not text ({k!r:.40})"
                todo.append(item)
        elif isinstance(v, (list, tuple)):
            todo.extend(v)
        elif not (v is None or isinstance(v, (str, int, bool))):
            return f"holds a value JSON cannot store ({type(v).__name__})"
    return None


def _check_kept(fields: dict[str, Any], place: str) -> None:
    """Refuse unknown fields the writer could not save as JSON that the loader reopens."""
    for key, value in fields.items():
        problem = _json_problem(value)
        if problem is not None:
            raise DesignError(problem, place=f"{place}.{_short(str(key))}",
                              fix="write a plain finite number (at most about 1.8e308)")


class _Reader:
    """Type-checked access to one JSON object, naming the place on refusal."""

    def __init__(self, obj: dict[str, Any], place: str) -> None:
        self.obj = obj
        self.place = place

    def fail(self, key: str, problem: str, fix: str) -> DesignError:
        return DesignError(problem, place=f"{self.place}.{key}", fix=fix)

    def number(self, key: str, default: Any, *, low: float | None = None, high: float | None = None,
               low_open: bool = False, fix: str = "") -> Any:
        if key not in self.obj or self.obj[key] is None and default is None:
            return default
        v = self.obj[key]
        if not _finite(v):
            raise self.fail(key, f"must be a finite number, got {json.dumps(v)[:40]}",
                            fix or "write a plain number")
        v = float(v)
        if low is not None and (v < low or (low_open and v == low)):
            bound = f"greater than {low:g}" if low_open else f"at least {low:g}"
            raise self.fail(key, f"must be {bound}, got {v:g}", fix or "correct the value")
        if high is not None and v > high:
            raise self.fail(key, f"must be at most {high:g}, got {v:g}", fix or "correct the value")
        return float(v)

    def integer(self, key: str, default: Any, *, low: int, high: int = MAX_REPLICAS,
                allow_auto: bool = False) -> Any:
        if key not in self.obj:
            return default
        v = self.obj[key]
        if allow_auto and v == "auto":
            return "auto"
        if _finite(v) and float(v).is_integer() and v >= low:
            if v > high:
                raise self.fail(key, f"is too large ({float(v):g})", f"use at most {high}")
            return int(v)
        extra = ' or "auto"' if allow_auto else ""
        raise self.fail(key, f"must be a whole number of at least {low}{extra}, got {json.dumps(v)[:40]}",
                        f"write a whole number such as {max(low, 1)}{extra}")

    def string(self, key: str, default: Any) -> Any:
        if key not in self.obj or (self.obj[key] is None and default is None):
            return default
        v = self.obj[key]
        if not isinstance(v, str):
            raise self.fail(key, f"must be text, got {json.dumps(v)[:40]}", "put the value in quotes")
        return v


def _read_node(raw: Any, index: int) -> Node:
    place = f"nodes[{index}]"
    if not isinstance(raw, dict):
        raise DesignError("must be an object", place=place, fix='write {"id": ..., "kind": ...}')
    if "id" not in raw:
        raise DesignError("has no id", place=place, fix='add "id": "some-name"')
    node_id = raw["id"]
    if not isinstance(node_id, str) or not node_id.strip():
        raise DesignError("id must be non-empty text", place=place, fix="give the node a name-like id")
    bad = _CONTROL_CHARS.search(node_id)
    if bad:
        raise DesignError(f"id contains a control character (U+{ord(bad.group()):04X} at "
                          f"character {bad.start() + 1})", place=place,
                          fix="use letters, digits, '-' or '_' in ids (names may hold any text)")
    place = f'nodes[{index}] "{_short(node_id)}"'
    r = _Reader(raw, place)
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KIND_ROLES:
        raise r.fail("kind", f"unknown kind {json.dumps(kind)[:40]}",
                     "use one of " + ", ".join(KIND_ROLES))
    node = Node(id=node_id, kind=kind)
    node.name = r.string("name", node_id) or node_id
    node.x = r.number("x", 0.0, low=-MAX_COORD, high=MAX_COORD)
    node.y = r.number("y", 0.0, low=-MAX_COORD, high=MAX_COORD)
    node.w = r.number("w", None, low=0, low_open=True, high=MAX_COORD)
    node.h = r.number("h", None, low=0, low_open=True, high=MAX_COORD)
    node.parent = r.string("parent", None)
    node.replicas = r.integer("replicas", 1, low=1)
    node.availability = r.number(
        "availability", 1.0, low=0.0, low_open=True, high=1.0,
        fix="write a fraction in (0, 1], e.g. 0.9995 for 99.95 %")
    node.mtbf_hours = r.number("mtbf_hours", None, low=MIN_MTBF_HOURS, high=MAX_HOURS)
    node.mttr_hours = r.number("mttr_hours", None, low=0.0, high=MAX_HOURS)
    node.min_healthy = r.integer("min_healthy", "auto", low=1, allow_auto=True)
    node.min_targets = r.integer("min_targets", "auto", low=1, allow_auto=True)
    node.capacity_rps = r.number("capacity_rps", None, low=MIN_CAPACITY, high=MAX_RATE)
    node.service_time_ms = r.number("service_time_ms", 0.0, low=0.0, high=MAX_SERVICE_MS)
    if 0.0 < node.service_time_ms < MIN_SERVICE_MS:
        raise r.fail("service_time_ms", f"is below a nanosecond ({node.service_time_ms:g} ms)",
                     "write 0 for a step that takes no time")
    node.cost_month = r.number("cost_month", 0.0, low=0.0)
    failover = r.string("failover", "active-active")
    if failover not in FAILOVER_MODES:
        raise r.fail("failover", f"unknown mode {failover!r}", 'use "active-active" or "active-passive"')
    node.failover = failover
    node.failover_seconds = r.number("failover_seconds", 0.0, low=0.0, high=MAX_HOURS)
    spread = raw.get("spread", [])
    if not isinstance(spread, list) or not all(isinstance(s, str) for s in spread):
        raise r.fail("spread", "must be a list of zone ids", 'write e.g. ["eu-a", "eu-b"]')
    node.spread = list(spread)
    node.demand_rps = r.number("demand_rps", None, low=0.0, high=MAX_RATE)
    slo = raw.get("slo", {})
    if not isinstance(slo, dict):
        raise r.fail("slo", "must be an object", 'write e.g. {"availability": 0.999}')
    sr = _Reader(slo, place + ".slo")
    node.slo = {}
    if "availability" in slo:
        node.slo["availability"] = sr.number(
            "availability", None, low=0.0, low_open=True, high=1.0, fix="write a fraction, e.g. 0.999")
    if "latency_ms_p99" in slo:
        node.slo["latency_ms_p99"] = sr.number("latency_ms_p99", None, low=0.0, low_open=True)
    if "success_ratio" in slo:  # (4b)
        node.slo["success_ratio"] = check_success_slo(slo["success_ratio"], place + ".slo.success_ratio")
    node.slo.update({k: v for k, v in slo.items() if k not in ("availability", "latency_ms_p99",
                                                               "success_ratio")})
    _check_kept({k: v for k, v in node.slo.items() if k not in ("availability", "latency_ms_p99")},
                place + ".slo")
    node.preset = r.string("preset", None)
    read_node_fields(r, raw, node)  # (4b) model/reliability.py
    node.extra = {k: v for k, v in raw.items() if k not in _NODE_KEYS}
    _check_kept(node.extra, place)
    return node


def _read_link(raw: Any, index: int) -> Link:
    place = f"links[{index}]"
    if not isinstance(raw, dict):
        raise DesignError("must be an object", place=place, fix='write {"from": ..., "to": ...}')
    r = _Reader(raw, place)
    for key in ("from", "to"):
        if not isinstance(raw.get(key), str):
            raise r.fail(key, "is missing or not an id", f'add "{key}": "<node id>"')
    link = Link(raw["from"], raw["to"])
    link.calls = r.number("calls", 1.0, low=0.0, low_open=True, high=MAX_CALLS,
                          fix="calls per request must be positive")
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise r.fail("optional", "must be true or false", "write true or false without quotes")
    link.optional = optional
    read_link_fields(r, raw, link)  # (4b) model/reliability.py
    link.extra = {k: v for k, v in raw.items() if k not in _LINK_KEYS}
    _check_kept(link.extra, place)
    return link


def check_node(node: Node) -> None:
    """Refuse (DesignError) a node the loader would refuse, so an edit can never make a
    design that cannot be reopened."""
    _read_node(node_to_dict(node), 0)
    if isinstance(node.min_healthy, int) and node.min_healthy > node.replicas:
        raise DesignError(f"min_healthy {node.min_healthy} is more than its {node.replicas} replicas",
                          place=f'node "{node.id}"', fix="lower min_healthy or add replicas")


def design_from_dict(data: Any) -> Design:
    """Build and validate a design from parsed JSON (raises DesignError)."""
    if not isinstance(data, dict):
        raise DesignError("the top level must be a JSON object", fix="is this a Modeller design file?")
    fmt = data.get("format")
    if fmt != FORMAT:
        raise DesignError(f"unknown format {json.dumps(fmt)[:60]}", place="format",
                          fix=f'a design file starts with "format": "{FORMAT}"')
    version = data.get("version", 1)
    if not _finite(version) or not float(version).is_integer() or version < 1:
        raise DesignError(f"bad version {json.dumps(version)[:40]}", place="version",
                          fix=f"use a whole number such as {VERSION}")
    version = int(version)
    if version > VERSION:
        raise DesignError(f"made by a newer Modeller (version {version}; this one reads up to {VERSION})",
                          place="version", fix="update Modeller to open it")
    while version < VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    name = data.get("name", "Untitled")
    if not isinstance(name, str):
        raise DesignError("must be text", place="name", fix="put the name in quotes")
    settings_raw = data.get("settings", {})
    if not isinstance(settings_raw, dict):
        raise DesignError("must be an object", place="settings", fix='write {"default_mttr_hours": 1}')
    sr = _Reader(settings_raw, "settings")
    settings = Settings(
        default_mttr_hours=sr.number("default_mttr_hours", 1.0, low=0.0, low_open=True,
                                     high=MAX_HOURS),
        extra={k: v for k, v in settings_raw.items() if k != "default_mttr_hours"},
    )
    _check_kept(settings.extra, "settings")
    if "policy" in settings.extra:  # (4b) model/reliability.py
        check_policy(settings.extra["policy"])
    nodes_raw = data.get("nodes", [])
    links_raw = data.get("links", [])
    if not isinstance(nodes_raw, list):
        raise DesignError("must be a list", place="nodes", fix="write [ {...}, {...} ]")
    if not isinstance(links_raw, list):
        raise DesignError("must be a list", place="links", fix="write [ {...}, {...} ]")
    nodes = [_read_node(raw, i) for i, raw in enumerate(nodes_raw)]
    links = [_read_link(raw, i) for i, raw in enumerate(links_raw)]
    extra = {k: v for k, v in data.items() if k not in _TOP_KEYS}
    _check_kept(extra, "design")
    seen: set[str] = set()
    for i, n in enumerate(nodes):
        if n.id in seen:
            raise DesignError(f'duplicate id "{_short(n.id)}"', place=f"nodes[{i}]",
                              fix="give every node its own id")
        seen.add(n.id)
    design = Design(name, nodes, links, settings, extra)
    validate(design)
    if "variants" in data:  # named options on the base (model/variants.py)
        from .variants import check_variants, read_variants

        design.variants = read_variants(data["variants"])
        check_variants(design)
    try:  # an unpaired surrogate (valid JSON escape, invalid Unicode) could never be saved
        dumps_design(design).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DesignError("contains text that is not valid Unicode (an unpaired surrogate "
                          f"at character {exc.start})", place="text",
                          fix="retype the names and ids with ordinary characters") from None
    return design


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


def node_to_dict(n: Node) -> dict[str, Any]:
    d: dict[str, Any] = {"id": n.id, "kind": n.kind}
    if n.name != n.id:
        d["name"] = n.name
    if n.parent is not None:
        d["parent"] = n.parent
    d["x"] = _num(round(n.x, 3))
    d["y"] = _num(round(n.y, 3))
    if n.w is not None:
        d["w"] = _num(round(n.w, 3))
    if n.h is not None:
        d["h"] = _num(round(n.h, 3))
    defaults = Node(id=n.id, kind=n.kind)
    for key in ("replicas", "availability", "mtbf_hours", "mttr_hours", "min_healthy", "min_targets",
                "capacity_rps", "service_time_ms", "cost_month", "failover", "failover_seconds",
                "demand_rps", "preset"):
        value = getattr(n, key)
        if value != getattr(defaults, key):
            d[key] = _num(value) if isinstance(value, float) else value
    if n.spread:
        d["spread"] = list(n.spread)
    if n.slo:
        d["slo"] = dict(n.slo)
    d.update(node_fields_to_dict(n))  # (4b)
    d.update(n.extra)
    return d


def link_to_dict(lk: Link) -> dict[str, Any]:
    d: dict[str, Any] = {"from": lk.source, "to": lk.target}
    if lk.calls != 1.0:
        d["calls"] = _num(lk.calls)
    if lk.optional:
        d["optional"] = True
    d.update(link_fields_to_dict(lk))  # (4b)
    d.update(lk.extra)
    return d


def design_to_dict(design: Design, *, variants: bool = True) -> dict[str, Any]:
    """The design as the file writes it; ``variants`` (after the links, only when the
    design has any) each as its smallest diff against the base."""
    settings: dict[str, Any] = {"default_mttr_hours": _num(design.settings.default_mttr_hours)}
    settings.update(design.settings.extra)
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "name": design.name,
                           "settings": settings}
    out.update(design.extra)
    out["nodes"] = [node_to_dict(n) for n in design.nodes.values()]
    out["links"] = [link_to_dict(lk) for lk in design.links]
    if variants and design.variants:
        from .variants import variants_to_list

        out["variants"] = variants_to_list(design)
    return out


def dumps_design(design: Design) -> str:
    """The design as JSON text; a DesignError (never a file the loader refuses) when a value
    cannot be written as JSON, e.g. an infinite number in an unknown field."""
    data = design_to_dict(design)
    try:
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except (ValueError, TypeError):
        pass
    place = "design"
    for where, fields in [("design", data), *((f'node "{_short(str(n.get("id")))}"', n)
                                              for n in data["nodes"]),
                          *((f"links[{i}]", lk) for i, lk in enumerate(data["links"]))]:
        found = next((k for k, v in fields.items() if k not in ("nodes", "links")
                      and _json_problem(v) is not None), None)
        if found is not None:
            place = f"{where}.{_short(str(found))}"
            break
    raise DesignError("cannot be saved: a value is not a finite number or not JSON", place=place,
                      fix="correct that value; Modeller never writes a file it cannot reopen")


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a number JSON allows")


class _DuplicateKey(Exception):
    def __init__(self, key: str, owner: Any) -> None:
        super().__init__(key)
        self.key = key
        self.owner = owner


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key, obj.get("id"))
            seen.add(key)
    return obj


def loads_design(text: str, source: str = "") -> Design:
    """Parse design text; every refusal is one DesignError naming ``source``."""
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        owner = f' (in the object with id "{_short(exc.owner)}")' if isinstance(exc.owner, str) else ""
        raise DesignError(f'has the key "{_short(exc.key)}" twice in one object{owner}',
                          file=source, fix="keep one of them: which one was meant is not clear") from None
    except RecursionError:
        raise DesignError("is nested too deeply to be a design", file=source,
                          fix="check that this is a Modeller design file") from None
    except ValueError as exc:
        lineno = getattr(exc, "lineno", None)
        where = f"line {lineno}, column {exc.colno}" if lineno else ""
        constant = re.search(r"-?\b(?:NaN|Infinity)\b", text) if not lineno else None
        if constant:
            line = text.count("\n", 0, constant.start()) + 1
            where = f"line {line}, column {constant.start() - text.rfind(chr(10), 0, constant.start())}"
        msg = getattr(exc, "msg", str(exc))
        raise DesignError(f"is not valid JSON ({msg})", place=where, file=source,
                          fix="fix the syntax there or restore a backup") from None
    try:
        return design_from_dict(data)
    except DesignError as err:
        raise err.in_file(source) from None
    except RecursionError:
        raise DesignError("is nested too deeply to be a design", file=source,
                          fix="check that this is a Modeller design file") from None


_NOT_A_FILE = ((stat.S_ISDIR, "it is a folder, not a file"),
               (stat.S_ISFIFO, "it is a named pipe, not a file"),
               (stat.S_ISCHR, "it is a device, not a file"),
               (stat.S_ISBLK, "it is a device, not a file"),
               (stat.S_ISSOCK, "it is a socket, not a file"))


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return next((why for test, why in _NOT_A_FILE if test(mode)), "it is not a regular file")


def read_file_bounded(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES, *,
                      too_big_fix: str = "this does not look like a design file") -> bytes:
    """The bytes of an untrusted file: a regular file only (never a FIFO, a device such as
    /dev/zero, or a folder) and at most ``limit`` bytes, however the file grows while it is
    read. Raises DesignError naming the file."""
    p = Path(path)

    def cannot(why: str, fix: str = "check the path and permissions") -> DesignError:
        return DesignError(f"cannot be read ({why})", file=str(p), fix=fix)

    def too_big() -> DesignError:
        return DesignError(f"is larger than {limit // 2**20} MiB", file=str(p), fix=too_big_fix)

    try:
        st = os.stat(p)  # never blocks, even on a FIFO
    except OSError as exc:
        raise cannot(exc.strerror or str(exc)) from None
    why = _not_regular(st.st_mode)
    if why:
        raise cannot(why, "choose a design file")
    if st.st_size > limit:
        raise too_big()
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise cannot(exc.strerror or str(exc)) from None
    try:
        why = _not_regular(os.fstat(fd).st_mode)  # swapped for a FIFO since the stat?
        if why:
            raise cannot(why, "choose a design file")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise too_big()
    except OSError as exc:
        raise cannot(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def load_design(path: str | os.PathLike[str]) -> Design:
    """Load and validate a design file; raises DesignError with one clear line."""
    p = Path(path)
    raw = read_file_bounded(p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DesignError(f"is not UTF-8 text (byte {exc.start})", file=str(p),
                          fix="save it as UTF-8 JSON") from None
    return loads_design(text, str(p))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None) -> None:
    """Write via a temp file, fsync and rename, so a crash never leaves a torn file.

    A symlink at ``path`` is replaced by the new file, never written through (the GUI
    writes the same way). The file keeps the mode of the one it replaces, or gets what
    open() would give; ``mode`` (e.g. 0o600 for a private recovery copy) overrides both."""
    p = Path(path)
    directory = p.parent if str(p.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=directory)
    try:
        if mode is None:
            _chmod_like_a_new_file(fd, p)
        elif hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, mode: int | None = None) -> None:
    """UTF-8 text with "\n" line ends, written atomically (see atomic_write_bytes)."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def _umask() -> int:
    """The process umask, read without changing it where the system allows (threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _chmod_like_a_new_file(fd: int, target: Path) -> None:
    """mkstemp makes owner-only files: keep the target's mode, or what open() would give."""
    if not hasattr(os, "fchmod"):
        return
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        os.fchmod(fd, mode)
    except OSError:
        pass


def save_design(design: Design, path: str | os.PathLike[str]) -> None:
    """Save atomically (temp file, fsync, rename)."""
    atomic_write_text(path, dumps_design(design))
