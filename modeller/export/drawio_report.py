"""What a draw.io import decided, per node, for people to check.

Every node of an imported design gets one :class:`Guess`: how its kind was found —
``library`` (a shape map entry, resources/drawio), ``label`` (words in its label or a
generic shape such as a cylinder), ``default`` (nothing said what it is: a service, or a
library shape the map has no entry for), ``box`` (a region, zone, group or Auto Scaling
group), ``inferred`` (a client added because none was drawn) or ``ours`` (a Modeller
export: nothing guessed). The CLI prints :meth:`ImportReport.summary` in one line and
the details under it; the GUI lists the guesses grouped with a click to select each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Guess", "ImportReport", "HOW_LABELS", "REVIEW_ORDER"]

HOW_LABELS = {
    "library": "mapped by library",
    "label": "by label or shape",
    "default": "defaulted",
    "box": "boxes (regions, zones, groups)",
    "inferred": "added (guessed)",
    "ours": "from a Modeller export",
}
REVIEW_ORDER = ("default", "label", "library", "box", "inferred", "ours")
"""The groups a person should check first: defaults say least about a part."""


@dataclass
class Guess:
    """One node's decision: its id in the design, name, kind, how, and the sentence."""

    node_id: str
    name: str
    kind: str
    how: str  # a HOW_LABELS key
    text: str
    preset: str | None = None
    library: str | None = None  # the map library ("aws4") when how == "library"
    generic: bool = False  # a library shape without its own entry (kind from the pattern)


@dataclass
class ImportReport:
    """The guesses per node, and every other note (edges, skipped text, warnings)."""

    source: str = ""
    guesses: list[Guess] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # every line, in the order decided
    client_inferred: bool = False
    libraries: dict[str, int] = field(default_factory=dict)  # library -> parts mapped by it

    def by_how(self) -> dict[str, list[Guess]]:
        out: dict[str, list[Guess]] = {h: [] for h in REVIEW_ORDER}
        for g in self.guesses:
            out.setdefault(g.how, []).append(g)
        return out

    def counts(self) -> dict[str, int]:
        return {h: len(gs) for h, gs in self.by_how().items()}

    @property
    def parts(self) -> list[Guess]:
        """Guesses for components drawn in the file (no boxes, no added client)."""
        return [g for g in self.guesses if g.how in ("library", "label", "default", "ours")]

    @property
    def with_preset(self) -> int:
        return sum(1 for g in self.guesses if g.preset)

    def summary(self) -> str:
        """One line: parts mapped by library (which), by label, defaulted, presets, client."""
        c = self.counts()
        libs = ", ".join(f"{k} {v}" for k, v in sorted(self.libraries.items(), key=lambda kv: -kv[1]))
        parts = [f"{len(self.parts)} parts: {c['library']} mapped by library"
                 + (f" ({libs})" if libs else ""),
                 f"{c['label']} by label or shape", f"{c['default']} defaulted",
                 f"{self.with_preset} with a sourced preset"]
        if c["box"]:
            parts.append(f"{c['box']} boxes")
        if c["ours"]:
            parts = [f"{c['ours']} parts from a Modeller export (nothing guessed)"]
        parts.append("client inferred (a guess)" if self.client_inferred else
                     "client drawn" if any(g.kind == "client" for g in self.guesses) else "no client")
        return "; ".join(parts)

    def details(self) -> list[str]:
        """The guesses grouped (defaults first), then the other notes."""
        out: list[str] = []
        for how, gs in self.by_how().items():
            if not gs or how == "ours":
                continue
            out.append(f"{HOW_LABELS.get(how, how)} ({len(gs)}):")
            out.extend(f"  {g.text}" for g in gs)
        said = {g.text for g in self.guesses}
        rest = [n for n in self.notes if n not in said]
        if rest:
            out.append(f"other notes ({len(rest)}):")
            out.extend(f"  {n}" for n in rest)
        return out
