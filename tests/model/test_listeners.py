"""Design change listeners: called in order after every change, ``first`` ones before
the rest (the window starts the analysis's debounce before the canvas redraws)."""

from __future__ import annotations

from modeller.model import Design, Node


def test_listeners_run_in_order_and_first_goes_first() -> None:
    d = Design(name="t")
    calls: list[tuple[str, int]] = []
    d.subscribe(lambda x: calls.append(("canvas", x.revision)))
    d.subscribe(lambda x: calls.append(("panel", x.revision)))
    d.subscribe(lambda x: calls.append(("analysis", x.revision)), first=True)
    d.add_node(Node("web", "service"))
    calls.clear()
    d.changed()
    assert calls == [("analysis", d.revision), ("canvas", d.revision), ("panel", d.revision)]
