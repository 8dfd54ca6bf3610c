"""The draw.io shape-library map: which Modeller kind (and preset) a library shape names.

draw.io's cloud libraries (AWS 4, Azure, Google Cloud, IBM, Kubernetes) draw a part as a
named shape or icon: ``shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.rds``,
``shape=mxgraph.gcp2.hexIcon;prIcon=cloud_sql``, ``image=img/lib/azure2/...svg``. The map
from those names to kinds is data, not code: ``resources/drawio/*.json`` (documented in
``resources/drawio/README.md``), plus an optional user file ``drawio-shapes.json`` in
Modeller's configuration folder (:func:`user_shape_file`) whose entries take precedence.

Looking a cell up (:meth:`ShapeMap.lookup`): the cell's names (:func:`shape_names`) are
tried in order against the exact entries; only when none matches are the glob
``patterns`` tried ("any other ``mxgraph.aws4.*`` shape is a service"), so the importer
can tell an entry from a library-wide default. Names compare case-insensitively.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model import KIND_ROLES, DesignError, Role
from ..model.io import read_file_bounded
from ..model.presets import Preset, get_preset

__all__ = [
    "MAP_FORMAT", "USER_FILE", "GROUP_MEANINGS", "ShapeEntry", "ShapeMap", "shape_names",
    "bundled_map_dir", "user_shape_file", "load_shape_map", "load_map_file", "default_shape_map",
]

MAP_FORMAT = "modeller.drawio-shapes"
USER_FILE = "drawio-shapes.json"
MAX_MAP_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 20_000
GROUP_MEANINGS = ("region", "zone", "spread", "group")
"""What a box from a library means: a failure domain (region, zone), a set of replicas
spread over the zones it spans (an Auto Scaling group), or a visual group."""

# words that name no product on their own (a label "Cloud service" is not a product)
_GENERIC = {"cloud", "service", "services", "server", "servers", "instance", "instances",
            "database", "storage", "queue", "users", "client", "clients", "internet", "table",
            "general", "generic", "application", "applications", "mobile", "network",
            "networking", "gateway", "resource", "resources", "compute", "analytics",
            "monitor", "website", "devices", "device", "message", "messages", "management",
            "security", "endpoint", "endpoints", "function", "functions", "container",
            "containers", "registry", "backup", "object", "bucket", "volume", "disk", "user",
            "messaging", "monitoring", "logging", "dashboard", "gear", "documents", "document",
            "folder", "folders", "events", "event", "topic", "notification", "scheduler"}
_NAME_NOISE = {"alt", "instance", "resource", "icon", "2", "3"}

# components only: clients, workers and routers (boxes are "groups" entries)
_COMPONENT_KINDS = tuple(k for k, r in KIND_ROLES.items()
                         if r in (Role.SOURCE, Role.WORKER, Role.ROUTER))


@dataclass(frozen=True)
class ShapeEntry:
    """What one library name means. ``kind`` for a component, ``group`` for a box."""

    name: str
    library: str
    kind: str | None = None
    group: str | None = None  # one of GROUP_MEANINGS
    preset: str | None = None
    pattern: bool = False  # matched by a library-wide glob, not by its own entry
    origin: str = ""  # the file it came from (bundled name or the user file's path)
    provider: str | None = None  # the preset catalogue's provider ("aws"), when the map says


@dataclass
class ShapeMap:
    """Exact entries (name -> entry) and glob patterns, components and boxes apart."""

    shapes: dict[str, ShapeEntry] = field(default_factory=dict)
    groups: dict[str, ShapeEntry] = field(default_factory=dict)
    patterns: list[ShapeEntry] = field(default_factory=list)  # name holds the glob
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # a user file that was not used

    def lookup(self, names: list[str]) -> ShapeEntry | None:
        """The component entry for the first name that has one; else the first glob that
        matches any name (marked ``pattern``); else None."""
        for n in names:
            hit = self.shapes.get(n)
            if hit is not None:
                return hit
        for p in self.patterns:
            for n in names:
                if fnmatch.fnmatchcase(n, p.name):
                    return ShapeEntry(n, p.library, kind=p.kind, pattern=True, origin=p.origin,
                                      provider=p.provider)
        return None

    def product_in_label(self, label: str) -> tuple[ShapeEntry, str] | None:
        """The map entry whose product name a label spells ("Cloud SQL", "Compute Engine",
        "DynamoDB"), and the words found; the longest name wins, then the first.

        Names come from the entries themselves (``mxgraph.gcp2.cloud_sql`` -> "cloud sql",
        ``img/lib/azure2/databases/SQL_Database.svg`` -> "sql database"): two or more
        words, or one distinctive word of at least six letters. Words every library uses
        ("cloud", "service", "server", "users", ...) alone name nothing. Linear in the
        label: each run of up to four words is one dictionary look-up."""
        index = self._products()
        words = [w for w in re.split(r"[^a-z0-9]+", label.lower()) if w]
        best: tuple[int, int, str] | None = None
        for i in range(len(words)):
            for n in range(min(4, len(words) - i), 0, -1):
                phrase = " ".join(words[i:i + n])
                if phrase in index and (best is None or n > best[0]):
                    best = (n, i, phrase)
                    break
        if best is None:
            return None
        return index[best[2]], best[2]

    def _products(self) -> dict[str, ShapeEntry]:
        cached = self.__dict__.get("_product_index")
        if cached is not None and cached[0] == len(self.shapes):
            return cached[1]
        out: dict[str, ShapeEntry] = {}
        for key, entry in self.shapes.items():
            stem = re.split(r"[./]", key.rsplit(".svg", 1)[0])[-1]
            words = [w for w in re.split(r"[^a-z0-9]+", stem) if w and not w.isdigit()]
            while words and words[-1] in _NAME_NOISE:
                words.pop()
            if not words or (len(words) == 1 and (len(words[0]) < 6 or words[0] in _GENERIC)):
                continue
            phrase = " ".join(words)
            if len(words) > 1 and all(w in _GENERIC for w in words):
                continue
            out[phrase] = entry  # a later library (aws4 after aws3) names it
        self.__dict__["_product_index"] = (len(self.shapes), out)
        return out

    def lookup_group(self, names: list[str]) -> ShapeEntry | None:
        """The box entry (region / zone / spread / group) for the first name that has one."""
        for n in names:
            hit = self.groups.get(n)
            if hit is not None:
                return hit
        return None

    def merge(self, other: ShapeMap) -> None:
        """Add ``other``'s entries; its exact entries replace ours, its globs go first."""
        self.shapes.update(other.shapes)
        self.groups.update(other.groups)
        self.patterns[:0] = other.patterns
        self.files.extend(other.files)


# ---------------------------------------------------------------------------- names

def _lib_prefix(shape: str) -> str:
    """``mxgraph.gcp2.hexicon`` -> ``mxgraph.gcp2.`` (the library's namespace)."""
    parts = shape.split(".")
    return ".".join(parts[:2]) + "." if len(parts) >= 3 and parts[0] == "mxgraph" else ""


def _image_name(image: str) -> str:
    """An image path from ``img/lib/`` on (draw.io may prefix a host); data: URIs -> ''."""
    low = image.strip().lower()
    if low.startswith("data:"):
        return ""
    at = low.find("img/lib/")
    return low[at:] if at >= 0 else ""


def shape_names(style: dict[str, str], tokens: list[str]) -> list[str]:
    """The library names a cell's style gives, most specific first, lower case.

    ``resIcon``/``prIcon``/``grIcon`` (qualified with the shape's library when they are
    bare, as GCP's ``prIcon=cloud_sql`` and Kubernetes' ``prIcon=pod`` are), then
    ``shape.prType`` (IBM boxes), the ``shape`` itself, bare style names and the image
    path of an ``image`` cell (``img/lib/azure2/...svg``).
    """
    shape = style.get("shape", "").strip().lower()
    prefix = _lib_prefix(shape)
    out: list[str] = []

    def add(name: str) -> None:
        if name and name not in out:
            out.append(name)

    for key in ("resicon", "pricon", "gricon"):
        v = style.get(key, "").strip().lower()
        if v:
            add(v if v.startswith("mxgraph.") or not prefix else prefix + v)
    prtype = style.get("prtype", "").strip().lower()
    if prtype and shape:
        add(f"{shape}.{prtype}")
    add(shape)
    for t in tokens:
        if t.startswith("mxgraph."):
            add(t)
    add(_image_name(style.get("image", "")))
    return out


# ---------------------------------------------------------------------------- loading

def bundled_map_dir() -> Path:
    """``resources/drawio`` (source checkout, wheel install or frozen app)."""
    from ..resources import resource_path

    return resource_path("drawio")


def user_shape_file() -> Path:
    """Where a user's own map lives: ``drawio-shapes.json`` in Modeller's configuration
    folder — ``$MODELLER_CONFIG_DIR`` when set, else the folder the GUI keeps its
    settings and recovery files in (Qt's AppDataLocation for "Modeller/Modeller"):
    ``~/.local/share/Modeller/Modeller`` on Linux (``$XDG_DATA_HOME`` respected),
    ``~/Library/Application Support/Modeller/Modeller`` on macOS,
    ``%APPDATA%\\Modeller\\Modeller`` on Windows."""
    env = os.environ.get("MODELLER_CONFIG_DIR")
    if env:
        return Path(env) / USER_FILE
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "Modeller" / "Modeller" / USER_FILE


def _entry(raw: Any, where: str, *, is_group: bool) -> dict[str, Any]:
    """One entry as a dict: ``"service"`` is short for ``{"kind": "service"}``."""
    if isinstance(raw, str):
        raw = {"as": raw} if is_group else {"kind": raw}
    if not isinstance(raw, dict):
        raise DesignError("must be a kind name or an object", place=where,
                          fix='write e.g. {"kind": "database", "preset": "aws.rds.single_az"}')
    unknown = set(raw) - ({"as", "preset", "label"} if is_group else {"kind", "preset", "label"})
    if unknown:
        raise DesignError(f"unknown keys: {', '.join(sorted(unknown))}", place=where,
                          fix='use "kind" and "preset" (groups: "as" and "preset")')
    return raw


def _check_preset(preset_id: Any, want_kind: str | None, where: str,
                  presets: list[Preset] | None) -> str | None:
    if preset_id is None:
        return None
    if not isinstance(preset_id, str):
        raise DesignError("preset must be a preset id", place=where, fix='e.g. "aws.rds.single_az"')
    p = get_preset(preset_id, presets)
    if p is None:
        raise DesignError(f'preset "{preset_id[:60]}" is not in the catalogue', place=where,
                          fix="use an id from resources/presets/*.json or leave the preset out")
    if want_kind is not None and p.kind != want_kind:
        raise DesignError(f'preset "{preset_id}" is for a {p.kind}, not a {want_kind}',
                          place=where, fix="pick a preset of the same kind")
    return preset_id


def map_from_dict(data: Any, origin: str, presets: list[Preset] | None = None) -> ShapeMap:
    """A validated map from a parsed file (DesignError names the entry and the fix)."""
    if not isinstance(data, dict) or data.get("format") != MAP_FORMAT:
        raise DesignError(f'is not a shape map (no "format": "{MAP_FORMAT}")', file=origin,
                          fix="start from a file in resources/drawio and keep its first lines")
    library = data.get("library") if isinstance(data.get("library"), str) else Path(origin).stem
    provider = data.get("provider")
    if provider is not None and not isinstance(provider, str):
        raise DesignError('"provider" must be a preset provider id such as "aws"', file=origin,
                          place="provider", fix="write a string or leave it out")
    out = ShapeMap(files=[origin])
    total = 0
    for section, is_group in (("shapes", False), ("groups", True)):
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            raise DesignError(f'"{section}" must be an object of name: entry', file=origin,
                              place=section, fix='write {"mxgraph.aws4.rds": {"kind": "database"}}')
        for name, raw in entries.items():
            total += 1
            if total > MAX_ENTRIES:
                raise DesignError(f"has more than {MAX_ENTRIES} entries", file=origin,
                                  fix="split it or keep only the shapes you use")
            where = f'{section}["{str(name)[:60]}"]'
            e = _entry(raw, where, is_group=is_group)
            key = str(name).strip().lower()
            if is_group:
                meaning = e.get("as")
                if meaning not in GROUP_MEANINGS:
                    raise DesignError(f"unknown meaning {json.dumps(meaning)[:40]}", place=where,
                                      file=origin, fix="use one of " + ", ".join(GROUP_MEANINGS))
                want = meaning if meaning in ("region", "zone") else None
                if e.get("preset") is not None and want is None:
                    raise DesignError("only a region or zone box takes a preset", place=where,
                                      file=origin, fix="remove the preset")
                preset = _check_preset(e.get("preset"), want, where, presets)
                out.groups[key] = ShapeEntry(key, library, group=meaning, preset=preset,
                                             origin=origin, provider=provider)
            else:
                kind = e.get("kind")
                if kind not in _COMPONENT_KINDS:
                    raise DesignError(f"unknown kind {json.dumps(kind)[:40]}", place=where,
                                      file=origin, fix="use one of " + ", ".join(_COMPONENT_KINDS))
                preset = _check_preset(e.get("preset"), kind, where, presets)
                out.shapes[key] = ShapeEntry(key, library, kind=kind, preset=preset, origin=origin,
                                             provider=provider)
    patterns = data.get("patterns", [])
    if not isinstance(patterns, list):
        raise DesignError('"patterns" must be a list', file=origin, place="patterns",
                          fix='write [{"match": "mxgraph.aws4.*", "kind": "service"}]')
    for i, p in enumerate(patterns):
        where = f"patterns[{i}]"
        if not isinstance(p, dict) or not isinstance(p.get("match"), str) \
                or p.get("kind") not in _COMPONENT_KINDS:
            raise DesignError("needs a glob and a component kind", place=where, file=origin,
                              fix='write {"match": "mxgraph.aws4.*", "kind": "service"}')
        out.patterns.append(ShapeEntry(p["match"].strip().lower(), library, kind=p["kind"],
                                       pattern=True, origin=origin, provider=provider))
    return out


def load_map_file(path: str | Path, presets: list[Preset] | None = None) -> ShapeMap:
    """One map file, read with a size bound and validated."""
    p = Path(path)
    raw = read_file_bounded(p, MAX_MAP_BYTES, too_big_fix="a shape map is a small JSON file")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DesignError(f"is not JSON ({str(exc)[:120]})", file=str(p),
                          fix="check the commas and quotes (a JSON validator helps)") from None
    return map_from_dict(data, str(p), presets)


@lru_cache(maxsize=1)
def _bundled() -> ShapeMap:
    out = ShapeMap()
    for path in sorted(bundled_map_dir().glob("*.json")):
        out.merge(load_map_file(path))
    return out


def load_shape_map(user_file: str | Path | None = None, *, use_user_file: bool = True) -> ShapeMap:
    """The bundled map, with the user's file (default :func:`user_shape_file`) on top.

    A user file that cannot be used is skipped and said in ``problems`` (the importer
    repeats it as a note): a typo in it must not stop anyone importing a diagram.
    """
    base = _bundled()
    out = ShapeMap(dict(base.shapes), dict(base.groups), list(base.patterns), list(base.files))
    if not use_user_file:
        return out
    path = Path(user_file) if user_file is not None else user_shape_file()
    try:
        exists = path.is_file()
    except OSError:
        exists = False
    if not exists:
        return out
    try:
        out.merge(load_map_file(path))
    except DesignError as err:
        out.problems.append(f"your shape map {path} was not used: {err}")
    except OSError as exc:
        out.problems.append(f"your shape map {path} could not be read ({exc.strerror or exc})")
    return out


def default_shape_map() -> ShapeMap:
    """The bundled map only (tests, and callers that want no user file)."""
    return load_shape_map(use_user_file=False)
