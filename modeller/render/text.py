"""Fitting text into boxes: shrink, wrap or shorten it, and say when it had to be cut.

Every label an item draws goes through :func:`fit_text`, which returns a :class:`Fit`
recording the full text and what is shown. An item puts the full text of every cut fit
into its tooltip, so nothing is ever cut without an ellipsis and a tooltip (a test walks
every item's fits). Image exports ask for ``never_cut``: the text is then drawn whole at
the smallest size even if it runs past its box — an export never truncates a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

from .style import font

FontSpec = tuple[float, bool]  # point size, bold


@dataclass(frozen=True)
class Fit:
    """How a text fits a width: the lines shown, their font, and whether it was cut."""

    full: str
    lines: tuple[str, ...]
    spec: FontSpec
    width: float  # the widest shown line
    cut: bool = False  # shortened or elided: the tooltip must carry ``full``
    overflow: bool = False  # drawn whole but wider than asked (exports only)
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def shown(self) -> str:
        return "\n".join(self.lines)

    @property
    def font(self) -> QFont:
        return font(*self.spec)

    @property
    def line_height(self) -> float:
        return QFontMetricsF(self.font).height()

    @property
    def height(self) -> float:
        return self.line_height * len(self.lines)


def _fm(spec: FontSpec) -> QFontMetricsF:
    return QFontMetricsF(font(*spec))


def text_width(text: str, spec: FontSpec) -> float:
    return _fm(spec).horizontalAdvance(text)


def _wrap(text: str, spec: FontSpec, width: float) -> list[str]:
    """Greedy word wrap; a word longer than the width gets a line of its own."""
    fm = _fm(spec)
    lines: list[str] = []
    cur = ""
    for word in text.split(" "):
        trial = f"{cur} {word}" if cur else word
        if cur and fm.horizontalAdvance(trial) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    lines.append(cur)
    return lines


@lru_cache(maxsize=8192)
def fit_text(full: str, width: float, specs: tuple[FontSpec, ...], max_lines: int = 1,
             variants: tuple[str, ...] = (), never_cut: bool = False) -> Fit:
    """The first of ``full`` then ``variants`` (shorter forms) that fits ``width`` in at
    most ``max_lines`` lines, trying each font of ``specs`` (largest first).

    When nothing fits: with ``never_cut`` the shortest form whole at the smallest font
    (``overflow``); otherwise the text elided with "…" (``cut``).
    """
    width = max(width, 1.0)
    for i, text in enumerate((full, *variants)):
        for spec in specs:
            fm = _fm(spec)
            if fm.horizontalAdvance(text) <= width:
                return Fit(full, (text,), spec, fm.horizontalAdvance(text), cut=i > 0)
            if max_lines > 1:
                lines = _wrap(text, spec, width)
                widest = max(fm.horizontalAdvance(s) for s in lines)
                if len(lines) <= max_lines and widest <= width:
                    return Fit(full, tuple(lines), spec, widest, cut=i > 0)
    spec = specs[-1]
    fm = _fm(spec)
    last = (full, *variants)[-1]
    if never_cut:
        lines = _wrap(last, spec, width) if max_lines > 1 else [last]
        if len(lines) > max_lines:
            lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1:])]
        widest = max(fm.horizontalAdvance(s) for s in lines)
        return Fit(full, tuple(lines), spec, widest, cut=last != full, overflow=True)
    text = full if max_lines > 1 else last
    if max_lines > 1:
        lines = _wrap(text, spec, width)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1] + " " + "…"
        lines = [fm.elidedText(s, Qt.TextElideMode.ElideRight, width) if fm.horizontalAdvance(s) > width
                 else s for s in lines]
    else:
        lines = [fm.elidedText(text, Qt.TextElideMode.ElideRight, width)]
    widest = max(fm.horizontalAdvance(s) for s in lines)
    return Fit(full, tuple(lines), spec, widest, cut=True)


def tooltip_with(base: str, fits: list[Fit], extra: list[str] = ()) -> str:  # type: ignore[assignment]
    """An item's tooltip: ``base``, then the full text of every fit that had to be cut,
    then ``extra`` lines (never the same line twice)."""
    lines = [base] if base else []
    for f in fits:
        if (f.cut or f.overflow) and f.full not in lines and f.full not in base:
            lines.append(f.full)
    for e in extra:
        if e and e not in lines:
            lines.append(e)
    return "\n".join(lines)
