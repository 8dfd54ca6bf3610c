"""Lists of part ids built when first read: the "X down" scenarios' lists.

A chain of 2,000 parts has 2,000 "X down" scenarios whose ``nodes_down`` lists hold two
million ids between them. Built as Python lists they cost 60 ms of the live pass, and
almost none is ever read: Fail it shows one scenario at a time, the zone check reads
the zones', the exports a table's worth. An :class:`IdList` keeps the positions of its
ids (a view into one array the scenario set shares) and the names, and builds its list
the first time anything but its length or truth is asked. It reads like a list: it
iterates, indexes and slices (slices are lists), ``in`` works, ``==`` compares with a
list, ``+`` with a list gives a list, and ``list()`` / ``json`` see the same ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np


def merged(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two sorted position lists as one (most columns add nothing to one of them)."""
    if not a.size:
        return b
    if not b.size:
        return a
    return np.sort(np.concatenate((a, b)), kind="stable")


class IdList(Sequence[str]):
    """The names at ``base`` and ``part`` (sorted, disjoint positions into ``names``),
    in position order; built on first read."""

    __slots__ = ("_base", "_list", "_names", "_part")

    def __init__(self, names: np.ndarray, base: np.ndarray, part: np.ndarray) -> None:
        self._names: np.ndarray | None = names
        self._base: np.ndarray | None = base
        self._part: np.ndarray | None = part
        self._list: list[str] | None = None

    # Readers on two threads (the canvas and a cut-set job) may build it at once: each
    # reads the attributes once into locals, so the worst case is building it twice.
    def _items(self) -> list[str]:
        built = self._list
        if built is None:
            names, base, part = self._names, self._base, self._part
            if names is None or base is None or part is None:  # built meanwhile
                built = self._list
                assert built is not None
                return built
            built = names[merged(base, part)].tolist()
            self._list = built
            self._names = self._base = self._part = None  # the shared arrays can go
        return built

    def __len__(self) -> int:
        base, part = self._base, self._part
        if base is None or part is None:
            return len(self._items())
        return int(base.size + part.size)

    def __bool__(self) -> bool:
        return len(self) > 0

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        return self._items()[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __contains__(self, value: object) -> bool:
        return value in self._items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdList):
            return self._items() == other._items()
        if isinstance(other, list):
            return self._items() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list: mutable-looking, unhashable

    def __add__(self, other: Any) -> list[str]:
        return self._items() + list(other)

    def __radd__(self, other: Any) -> list[str]:
        return list(other) + self._items()

    def __repr__(self) -> str:
        return repr(self._items())
