"""Long-session soak: thousands of random edits through the real undo commands.

- In segments of at most SEGMENT pushes (below the editor's undo limit of 500),
  undoing every command of the segment gives back the segment's start state and
  redoing them all gives back its end state, exactly (``design_to_dict``), and the
  canvas mirrors the design at both points.
- Every CHECK_EVERY steps the report the window shows (delivered by the worker
  thread) equals a fresh ``analyze(design.copy(), simulation_years=0,
  sweeps=False)`` of the same design, to the last bit: no stale cache, no result
  of an older revision.
- Every state the edits reach can be saved and reopened (what autosave writes is
  always recoverable): ``loads_design(dumps_design(d))`` succeeds and re-dumps to
  the same text.
- Memory: 500 edit+undo cycles twice; the second 500 may not grow traced Python
  memory by more than 5 MB (see MEMORY_BOUND for why that number).

``MODELLER_SOAK_STEPS`` (default 2000) and ``MODELLER_SOAK_SEED`` (default 20240611)
make it longer or different; a failure prints the seed and step, and writes the
design it failed on next to the test's tmp_path.
"""

from __future__ import annotations

import json
import math
import os
import time
import tracemalloc

import pytest

from modeller.analysis import analyze
from modeller.model import DesignError, design_to_dict, dumps_design, loads_design
from modeller.model import geometry as geo

from .conftest import EXAMPLES, make_window
from .edits import RandomEdits

STEPS = int(os.environ.get("MODELLER_SOAK_STEPS", "2000"))
SEED = int(os.environ.get("MODELLER_SOAK_SEED", "20240611"))
SEGMENT = 400  # pushes per undo/redo round trip: below the undo limit (500), so nothing is dropped
CHECK_EVERY = 50
CYCLES = 500
# Traced Python memory the second 500 edit+undo cycles may add. A cycle returns the design
# to the same state, so a leak-free session grows by ~0 after the first 500 (which fill
# bounded caches: the engine's lru_cache, Qt wrapper pools). One leaked Design copy or
# Report per cycle is >= 10 KB here, i.e. >= 5 MB over 500 cycles: the bound catches any
# per-edit leak of that size while leaving room for allocator and cache noise.
MEMORY_BOUND = 5 * 1024 * 1024


def _canon(obj: object) -> str:
    """Exact comparison text: floats by repr, NaN and inf included, keys sorted."""
    def fix(o: object) -> object:
        if isinstance(o, float):
            return repr(o) if (math.isnan(o) or math.isinf(o)) else o
        if isinstance(o, dict):
            return {str(k): fix(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [fix(v) for v in o]
        return o
    return json.dumps(fix(obj), sort_keys=True)


def _fresh(design) -> tuple[str, str]:  # noqa: ANN001
    """What the window should show for ``design``: ("report", dict) or ("error", message)."""
    try:
        return "report", _canon(analyze(design.copy(), simulation_years=0, sweeps=False).to_dict())
    except DesignError as exc:
        return "error", f"Cannot analyse: {exc}"


class Shown:
    """What the window was last given to show, with the design revision it belongs to."""

    def __init__(self, window) -> None:  # noqa: ANN001
        self.window = window
        self.last: tuple[str, object, int] | None = None
        window.analysis.reportReady.connect(self._report)
        window.analysis.failed.connect(self._failed)

    def _report(self, report: object, revision: int) -> None:
        self.last = ("report", report, revision)

    def _failed(self, message: str) -> None:
        self.last = ("error", message, self.window.editor.design.revision)

    def current(self, qtbot) -> tuple[str, str]:  # noqa: ANN001
        w = self.window
        rev = w.editor.design.revision
        qtbot.waitUntil(lambda: self.last is not None and self.last[2] == rev
                        and not w.analysis.busy, timeout=30000)
        assert self.last is not None
        kind, value, _ = self.last
        if kind == "report":
            assert value is w.analysis.last_report  # the one the canvas, banner and panel got
            return kind, _canon(value.to_dict())  # type: ignore[attr-defined]
        return kind, str(value)


def _assert_canvas_mirrors(window) -> None:  # noqa: ANN001
    d = window.editor.design
    scene = window.scene
    assert set(scene.node_items()) == set(d.nodes)
    assert set(scene.link_items()) == {lk.key for lk in d.links}
    for nid, item in scene.node_items().items():
        r = item.scene_rect()
        want = geo.node_rect(d.nodes[nid])
        got = (r.x(), r.y(), r.width(), r.height())
        assert got == pytest.approx(want, abs=1e-6), nid


def _dump(tmp_path, design, why: str) -> str:  # noqa: ANN001
    p = tmp_path / "soak-failure.arch.json"
    p.write_text(dumps_design(design), encoding="utf-8")
    return f"{why} (seed {SEED}; design written to {p})"


@pytest.mark.slow
def test_soak_undo_redo_and_fresh_reports(qtbot, tmp_path):
    t0 = time.perf_counter()
    w = make_window(qtbot, autosave=True)
    assert w.open_example(str(EXAMPLES / "two-regions.arch.json"))
    shown = Shown(w)
    stack = w.editor.undo_stack
    edits = RandomEdits(w.editor, SEED, max_nodes=30, max_containers=6, allow_undo=False)
    pushes = [0]
    stack.indexChanged.connect(lambda _i: pushes.__setitem__(0, pushes[0] + 1))
    rng = edits.rng
    step = 0
    checked = rounds = 0
    errors_seen = 0
    first = True
    while step < STEPS:
        start = design_to_dict(w.editor.design)
        depth = 0  # commands of this segment on the undo side of the stack
        while step < STEPS and depth < SEGMENT:
            step += 1
            r = rng.random()
            if r < 0.04 and depth > 0:
                stack.undo()
                depth -= 1
            elif r < 0.06 and stack.canRedo():
                stack.redo()
                depth += 1
            else:
                before = pushes[0]
                op = edits.step()
                if pushes[0] != before:
                    depth += 1
                    assert not stack.canRedo(), op  # a push drops the redo branch
            if step % CHECK_EVERY == 0:
                got, want = shown.current(qtbot), _fresh(w.editor.design)
                assert got == want, _dump(tmp_path, w.editor.design,
                                          f"step {step}: shown report differs from a fresh analysis")
                errors_seen += got[0] == "error"
                checked += 1
                text = dumps_design(w.editor.design)
                try:
                    again = loads_design(text)
                except DesignError as exc:
                    raise AssertionError(_dump(tmp_path, w.editor.design,
                                               f"step {step}: a reachable design cannot be "
                                               f"reopened: {exc}")) from None
                assert dumps_design(again) == text
        end = design_to_dict(w.editor.design)
        for _ in range(depth):
            stack.undo()
        assert design_to_dict(w.editor.design) == start, f"undo of steps up to {step} (seed {SEED})"
        if first:  # the first segment started from a freshly opened file: that is "undo all"
            assert not stack.canUndo() and stack.isClean()
            first = False
        _assert_canvas_mirrors(w)
        for _ in range(depth):
            stack.redo()
        assert design_to_dict(w.editor.design) == end, f"redo of steps up to {step} (seed {SEED})"
        assert not stack.canRedo()
        _assert_canvas_mirrors(w)
        rounds += 1
    # the last state's report, after all that undoing and redoing, is still the fresh one
    assert shown.current(qtbot) == _fresh(w.editor.design)
    elapsed = time.perf_counter() - t0
    print(f"soak: {STEPS} steps, {rounds} undo/redo rounds, {checked} report checks "
          f"({errors_seen} refused designs), ops {edits.counts}, {elapsed:.1f} s")
    assert checked >= STEPS // CHECK_EVERY
    assert edits.counts.get("add", 0) > 50 and edits.counts.get("wire", 0) > 100
    assert len(w.editor.design.links) > 0


def _rss() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):  # pragma: no cover - not Linux
        return 0


@pytest.mark.slow
def test_memory_does_not_grow_over_edit_undo_cycles(qtbot):
    w = make_window(qtbot, autosave=True)
    assert w.open_example(str(EXAMPLES / "two-regions.arch.json"))
    start = design_to_dict(w.editor.design)
    stack = w.editor.undo_stack
    edits = RandomEdits(w.editor, SEED + 1, max_nodes=30, allow_undo=False)

    def cycles(n: int) -> None:
        for i in range(n):
            before = stack.index()
            edits.step()
            if stack.index() != before:
                stack.undo()
            if i % 50 == 49:  # let the worker analyse and the autosaver write, as in a session
                qtbot.wait(30)
        qtbot.waitUntil(lambda: not w.analysis.busy, timeout=30000)

    def traced() -> int:
        import gc

        gc.collect()
        return tracemalloc.get_traced_memory()[0]

    tracemalloc.start()
    try:
        m0, r0 = traced(), _rss()
        cycles(CYCLES)
        m1, r1 = traced(), _rss()
        cycles(CYCLES)
        m2, r2 = traced(), _rss()
    finally:
        tracemalloc.stop()
    assert design_to_dict(w.editor.design) == start  # every cycle undid itself
    mb = 1024 * 1024
    print(f"memory: traced +{(m1 - m0) / mb:.2f} MB then +{(m2 - m1) / mb:.2f} MB; "
          f"rss +{(r1 - r0) / mb:.1f} MB then +{(r2 - r1) / mb:.1f} MB")
    assert m2 - m1 < MEMORY_BOUND
    # C++ side (scene items, Qt commands) is invisible to tracemalloc: RSS is noisy, so the
    # bound only catches a gross leak (>100 KB a cycle)
    assert r2 - r1 < 50 * mb
