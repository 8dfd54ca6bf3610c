"""Starter templates: small designs that each teach one availability idea.

A template is an ordinary ``*.arch.json`` design with a top-level ``"template"``
object (title, note, order) that the loader keeps as an unknown field. Listing reads
only that header, so the "New from template" menu stays cheap; opening a template is
``load_design(template.path)``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from .errors import DesignError

SUFFIX = ".arch.json"


@dataclass(frozen=True)
class Template:
    """One template file and the header shown in the chooser."""

    path: Path
    title: str
    note: str
    order: float

    @property
    def id(self) -> str:
        """The file name without ``.arch.json`` (e.g. ``single-instance``)."""
        name = self.path.name
        return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else self.path.stem


def default_templates_dir() -> Path:
    """The bundled templates (source checkout, wheel install or frozen app)."""
    try:
        from ..resources import resource_path
    except ImportError:  # pragma: no cover - the resources module ships with the package
        return Path(__file__).resolve().parents[2] / "resources" / "templates"
    return resource_path("templates")


def read_template(path: str | Path) -> Template:
    """The header of one template file (raises DesignError naming the file)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise DesignError(f"cannot be read ({exc.strerror or exc})", file=str(p),
                          fix="check the path and permissions") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DesignError(f"is not valid JSON ({exc})", file=str(p),
                          fix="fix the syntax or restore the file") from None
    header = data.get("template") if isinstance(data, dict) else None
    if not isinstance(header, dict):
        raise DesignError('has no "template" object', file=str(p),
                          fix='add "template": {"title": ..., "note": ..., "order": n}')
    title, note, order = header.get("title"), header.get("note"), header.get("order")
    if not isinstance(title, str) or not title.strip():
        raise DesignError("needs a title", place="template.title", file=str(p), fix="add a short title")
    if not isinstance(note, str) or not note.strip():
        raise DesignError("needs a note", place="template.note", file=str(p),
                          fix="explain what the template teaches and what to try")
    if isinstance(order, bool) or not isinstance(order, (int, float)) or not math.isfinite(order):
        raise DesignError("order must be a number", place="template.order", file=str(p),
                          fix="write e.g. 1")
    return Template(p, title.strip(), note.strip(), float(order))


def list_templates(directory: str | Path | None = None) -> list[Template]:
    """Every ``*.arch.json`` template in ``directory`` (default: bundled), by order then title."""
    d = Path(directory) if directory is not None else default_templates_dir()
    if not d.is_dir():
        return []
    found = [read_template(p) for p in d.glob("*" + SUFFIX)]
    return sorted(found, key=lambda t: (t.order, t.title.casefold(), t.path.name))


__all__ = ["SUFFIX", "Template", "default_templates_dir", "list_templates", "read_template"]
