"""The preset catalogue: published cloud SLA figures (and stated assumptions) as node fields.

Presets are data (``resources/presets/<provider>.json``), so a figure can be corrected
or a provider added without touching code. Every preset carries its source: a number
in an availability model is only as good as the document it came from, and the
properties panel shows that document next to the number.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .design import Node
from .errors import DesignError
from .kinds import FAILOVER_MODES, KIND_LABELS, KIND_ROLES, Role, is_container

SOURCE_KINDS = ("SLA", "documented", "secondary", "assumption")
"""How a figure was obtained: a provider's SLA page; a provider's other documentation
(user guide, official blog); a third-party summary only (check before relying on it);
or an assumption stated with its reasoning (providers publish no such figure)."""

PROVIDER_LABELS: dict[str, str] = {
    "aws": "AWS",
    "azure": "Azure",
    "gcp": "Google Cloud",
    "onprem": "On-premises",
}

# node fields a preset may set, with the check each value must pass
_COMPONENT_FIELDS = (
    "availability", "replicas", "min_healthy", "min_targets", "failover", "failover_seconds",
    "capacity_rps", "service_time_ms", "cost_month",
)
_CONTAINER_FIELDS = ("availability", "cost_month")
_PRESET_KEYS = {"id", "provider", "label", "kind", "fields", "source", "notes"}
_SOURCE_KEYS = {"document", "url", "date", "figure", "kind", "version"}


@dataclass(frozen=True)
class Source:
    """Where a preset's figure comes from.

    ``date`` is the day the figure was last checked against ``document``;
    ``version`` is the document's own version or "last updated" text, when it has one.
    """

    document: str
    url: str
    date: str
    figure: str
    kind: str
    version: str = ""


@dataclass(frozen=True)
class Preset:
    """A named set of node fields with the source of its availability figure."""

    id: str
    provider: str
    label: str
    kind: str
    fields: Mapping[str, Any]
    source: Source
    notes: str = ""
    path: Path | None = field(default=None, compare=False)

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def provider_label(self) -> str:
        return PROVIDER_LABELS.get(self.provider, self.provider)

    @property
    def availability(self) -> float | None:
        value = self.fields.get("availability")
        return None if value is None else float(value)


# --------------------------------------------------------------------------- validation

def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _text(raw: Mapping[str, Any], key: str, place: str, fix: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DesignError(f'"{key}" is missing or empty', place=place, fix=fix)
    return value.strip()


def _check_field(key: str, value: Any, place: str) -> Any:
    """One field value, checked the way the design loader checks it."""
    where = f"{place}.fields.{key}"
    if key == "availability":
        if not _is_number(value) or not 0.0 < value <= 1.0:
            raise DesignError(f"availability must be in (0, 1], got {json.dumps(value)[:40]}",
                              place=where, fix="write a fraction, e.g. 0.9995 for 99.95 %")
        return float(value)
    if key == "replicas":
        if not _is_number(value) or not float(value).is_integer() or value < 1:
            raise DesignError(f"replicas must be a whole number of at least 1, got {value!r}",
                              place=where, fix="write e.g. 2")
        return int(value)
    if key in ("min_healthy", "min_targets"):
        if value == "auto":
            return value
        if not _is_number(value) or not float(value).is_integer() or value < 1:
            raise DesignError(f'{key} must be "auto" or a whole number of at least 1, got {value!r}',
                              place=where, fix='write e.g. 2 or "auto"')
        return int(value)
    if key == "failover":
        if value not in FAILOVER_MODES:
            raise DesignError(f"unknown failover mode {value!r}", place=where,
                              fix='use "active-active" or "active-passive"')
        return value
    if key == "capacity_rps":
        if value is None:
            return None
        if not _is_number(value) or value <= 0:
            raise DesignError(f"capacity_rps must be a positive number, got {value!r}", place=where,
                              fix="write requests per second per replica, or leave it out")
        return float(value)
    # failover_seconds, service_time_ms, cost_month
    if not _is_number(value) or value < 0:
        raise DesignError(f"{key} must be a number of at least 0, got {value!r}", place=where,
                          fix="write a plain non-negative number")
    return float(value)


def _read_source(raw: Any, place: str) -> Source:
    where = f"{place}.source"
    if not isinstance(raw, dict):
        raise DesignError("has no source", place=place,
                          fix='add "source": {"document", "url", "date", "figure", "kind"}')
    unknown = set(raw) - _SOURCE_KEYS
    if unknown:
        raise DesignError(f"unknown source keys: {', '.join(sorted(unknown))}", place=where,
                          fix="use " + ", ".join(sorted(_SOURCE_KEYS)))
    document = _text(raw, "document", where, "name the document the figure comes from")
    url = _text(raw, "url", where, "give the address of the document")
    date = _text(raw, "date", where, "write the day the figure was checked, YYYY-MM-DD")
    try:
        _dt.date.fromisoformat(date)
    except ValueError:
        raise DesignError(f"date {date!r} is not YYYY-MM-DD", place=where,
                          fix="write e.g. 2024-01-22") from None
    figure = _text(raw, "figure", where, 'write the figure as the source states it, e.g. "99.95 %"')
    kind = raw.get("kind")
    if kind not in SOURCE_KINDS:
        raise DesignError(f"unknown source kind {kind!r}", place=where,
                          fix="use one of " + ", ".join(SOURCE_KINDS))
    version = raw.get("version", "")
    if not isinstance(version, str):
        raise DesignError("version must be text", place=where, fix="put it in quotes")
    return Source(document, url, date, figure, kind, version.strip())


def preset_from_dict(raw: Any, place: str = "preset", path: Path | None = None) -> Preset:
    """Build and validate one preset (raises DesignError naming the place)."""
    if not isinstance(raw, dict):
        raise DesignError("must be an object", place=place, fix='write {"id": ..., "kind": ...}')
    preset_id = _text(raw, "id", place, 'add "id": "provider.service.variant"')
    place = f'{place} "{preset_id}"'
    unknown = set(raw) - _PRESET_KEYS
    if unknown:
        raise DesignError(f"unknown keys: {', '.join(sorted(unknown))}", place=place,
                          fix="use " + ", ".join(sorted(_PRESET_KEYS)))
    provider = _text(raw, "provider", place, 'add "provider", e.g. "aws"')
    if not preset_id.startswith(provider + "."):
        raise DesignError(f'id should start with "{provider}."', place=place,
                          fix=f'rename it "{provider}.{preset_id}" or fix the provider')
    label = _text(raw, "label", place, "add a short label for the palette")
    kind = raw.get("kind")
    if kind not in KIND_ROLES:
        raise DesignError(f"unknown kind {json.dumps(kind)[:40]}", place=place,
                          fix="use one of " + ", ".join(KIND_ROLES))
    fields_raw = raw.get("fields")
    if not isinstance(fields_raw, dict) or "availability" not in fields_raw:
        raise DesignError("fields must be an object with at least an availability", place=place,
                          fix='write "fields": {"availability": 0.9995, ...}')
    allowed = _CONTAINER_FIELDS if is_container(kind) else _COMPONENT_FIELDS
    fields: dict[str, Any] = {}
    for key, value in fields_raw.items():
        if key not in allowed:
            raise DesignError(f'field "{key}" cannot be set on a {kind}', place=place,
                              fix="use only " + ", ".join(allowed))
        fields[key] = _check_field(key, value, place)
    if fields.get("failover") == "active-passive" and fields.get("replicas", 1) < 2 \
            and KIND_ROLES[kind] is Role.WORKER:
        raise DesignError("an active-passive worker needs at least 2 replicas", place=place,
                          fix='set "replicas": 2 or drop "failover"')
    notes = raw.get("notes", "")
    if not isinstance(notes, str):
        raise DesignError("notes must be text", place=place, fix="put the notes in quotes")
    source = _read_source(raw.get("source"), place)
    return Preset(preset_id, provider, label, kind, fields, source, notes.strip(), path)


def load_preset_file(path: str | Path) -> list[Preset]:
    """One provider file: a JSON list of presets."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DesignError(f"cannot be read ({exc.strerror or exc})", file=str(p),
                          fix="check the path and permissions") from None
    except UnicodeDecodeError as exc:
        raise DesignError(f"is not UTF-8 text (byte {exc.start})", file=str(p),
                          fix="save it as UTF-8 JSON") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        where = f"line {exc.lineno}, column {exc.colno}" if hasattr(exc, "lineno") else ""
        raise DesignError(f"is not valid JSON ({getattr(exc, 'msg', exc)})", place=where,
                          file=str(p), fix="fix the syntax there") from None
    if not isinstance(data, list):
        raise DesignError("must be a JSON list of presets", file=str(p), fix="write [ {...}, {...} ]")
    try:
        return [preset_from_dict(raw, f"presets[{i}]", p) for i, raw in enumerate(data)]
    except DesignError as err:
        raise err.in_file(str(p)) from None


def default_presets_dir() -> Path:
    """The bundled catalogue (source checkout, wheel install or frozen app)."""
    try:
        from ..resources import resource_path
    except ImportError:  # pragma: no cover - the resources module ships with the package
        return Path(__file__).resolve().parents[2] / "resources" / "presets"
    return resource_path("presets")


def load_presets(directory: str | Path | None = None) -> list[Preset]:
    """Every preset in ``directory/*.json`` (default: the bundled catalogue), validated.

    Files are read in name order and presets keep their order within a file. Ids must
    be unique across files. Raises DesignError with the file and preset named.
    """
    d = Path(directory) if directory is not None else default_presets_dir()
    if not d.is_dir():
        raise DesignError("preset folder not found", file=str(d),
                          fix="reinstall Modeller or point to a folder of preset files")
    out: list[Preset] = []
    seen: dict[str, Path] = {}
    for path in sorted(d.glob("*.json")):
        for preset in load_preset_file(path):
            if preset.id in seen:
                raise DesignError(f'duplicate preset id "{preset.id}" (also in {seen[preset.id].name})',
                                  file=str(path), fix="give every preset its own id")
            seen[preset.id] = path
            out.append(preset)
    return out


@lru_cache(maxsize=1)
def _bundled() -> tuple[Preset, ...]:
    return tuple(load_presets())


def _catalogue(presets: Iterable[Preset] | None) -> list[Preset]:
    return list(_bundled() if presets is None else presets)


def get_preset(preset_id: str, presets: Iterable[Preset] | None = None) -> Preset | None:
    """The preset with this id (None when unknown, e.g. a file from a newer catalogue)."""
    for p in _catalogue(presets):
        if p.id == preset_id:
            return p
    return None


def presets_by_provider(presets: Iterable[Preset] | None = None) -> dict[str, list[Preset]]:
    """Presets grouped by provider id, providers in catalogue order (for the palette)."""
    out: dict[str, list[Preset]] = {}
    for p in _catalogue(presets):
        out.setdefault(p.provider, []).append(p)
    return out


# words people type for a kind that its presets' labels may not contain ("sql" for RDS)
SEARCH_ALIASES = {
    "database": "sql db rdbms",
    "cache": "redis memcached",
    "queue": "messaging pubsub",
    "storage": "blob bucket object",
    "load_balancer": "lb",
    "service": "vm compute instance",
}


def search_presets(text: str, presets: Iterable[Preset] | None = None) -> list[Preset]:
    """Presets whose label, provider, kind or id contain every word of ``text``.

    Case-insensitive; provider and kind also match by their display names ("Google
    Cloud", "Load balancer"), so people can type what they see. Empty text: all.
    """
    words = text.casefold().split()
    out = []
    for p in _catalogue(presets):
        hay = " ".join((p.label, p.provider, p.provider_label, p.kind,
                        KIND_LABELS.get(p.kind, ""), p.id, SEARCH_ALIASES.get(p.kind, ""))
                       ).casefold()
        if all(w in hay for w in words):
            out.append(p)
    return out


# --------------------------------------------------------------------------- applying

def apply_preset(node: Node, preset: Preset) -> dict[str, Any]:
    """The field values to set on ``node`` so it follows ``preset`` (one undo step).

    Includes ``preset: <id>`` so the properties panel can show the source. When the
    node has both MTBF and MTTR (which would override availability), MTBF is cleared
    so the preset's availability takes effect; MTTR stays as the repair time.
    Raises DesignError when the kinds differ.
    """
    if node.kind != preset.kind:
        raise DesignError(
            f'preset "{preset.label}" is for a {KIND_LABELS.get(preset.kind, preset.kind)}, '
            f"but {node.name} is a {KIND_LABELS.get(node.kind, node.kind)}",
            place=f'node "{node.id}"', fix="pick a preset of the same kind")
    values: dict[str, Any] = dict(preset.fields)
    if node.mtbf_hours is not None and node.mttr_hours is not None and "availability" in values:
        values["mtbf_hours"] = None
    # fields the preset does not name (e.g. replicas for a per-instance figure) are kept
    values["preset"] = preset.id
    return values


def node_from_preset(preset: Preset, node_id: str, *, name: str = "", x: float = 0.0,
                     y: float = 0.0, parent: str | None = None) -> Node:
    """A new node of the preset's kind carrying its fields (what a palette drop creates)."""
    node = Node(id=node_id, kind=preset.kind, name=name or preset.label, x=x, y=y, parent=parent)
    for key, value in apply_preset(node, preset).items():
        setattr(node, key, value)
    return node


def format_percent(fraction: float) -> str:
    """0.9995 -> "99.95 %" (trailing zeros dropped; up to 6 decimals)."""
    text = f"{fraction * 100:.6f}".rstrip("0").rstrip(".")
    return f"{text} %"


def describe_source(preset: Preset) -> str:
    """One line for the properties panel: figure, document, kind and check date."""
    s = preset.source
    kind = {"SLA": "published SLA", "documented": "provider documentation",
            "secondary": "secondary source — check before relying on it",
            "assumption": "assumption"}[s.kind]
    version = f", {s.version}" if s.version else ""
    return f"{s.figure} — {s.document}{version} ({kind}; checked {s.date})"


__all__ = [
    "PROVIDER_LABELS", "SOURCE_KINDS", "Preset", "Source", "apply_preset", "default_presets_dir",
    "describe_source", "format_percent", "get_preset", "load_preset_file", "load_presets",
    "node_from_preset", "preset_from_dict", "presets_by_provider", "search_presets",
]
