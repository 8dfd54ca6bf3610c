"""The real app (``modeller FILE`` through :func:`modeller.cli.main`) editing a design while
a test sends it SIGINT or SIGTERM (see test_signals.py).

Usage: python signal_child.py DESIGN SIDE_JSON [quit]

Once the window shows the design, a timer edits it in bursts: three edits (move a
service, change its replicas, rename the design) 60 ms apart, then a pause long enough
for the live analysis to run, again and again. ``EDITING`` goes to stdout after the
first edit. When the signal is handled (and again at ``aboutToQuit``, if the app gets there)
the design as it is in memory, with how many edits were made and whether an analysis
was running when the signal came, goes to SIDE_JSON, for the test to compare with the
recovery file.

With ``quit``, the child saves after a few edits and chooses File ▸ Quit instead (the
normal way out, exit code 0).
"""

from __future__ import annotations

import faulthandler
import json
import signal
import sys

from PySide6.QtCore import QTimer

from modeller.cli import main
from modeller.model import dumps_design
from modeller.ui.window import lifecycle
from modeller.ui.window.app import application

if hasattr(signal, "SIGUSR1"):  # the test asks for every thread's stack when the app hangs
    faulthandler.register(signal.SIGUSR1, all_threads=True)
design_path, side = sys.argv[1], sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else "edit"
app = application()
state: dict[str, object] = {"edits": 0, "ticks": 0, "busy_at_signal": None}
services: list[str] = []


def window():  # noqa: ANN201
    ws = getattr(app, "_modeller_windows", [])
    return ws[0] if ws else None


def edit() -> None:
    w = window()
    if w is None or not w.isVisible() or w.path is None:
        return
    state["ticks"] = int(state["ticks"]) + 1  # type: ignore[call-overload]
    if int(state["ticks"]) % 12 >= 3:  # type: ignore[call-overload]
        return  # the pause in which the analysis runs
    ed = w.editor
    if not services:
        services.extend(sorted(n.id for n in ed.design.nodes.values() if n.kind == "service"))
    i = int(state["edits"])  # type: ignore[call-overload]
    nid = services[(i * 7) % len(services)]
    if i % 3 == 0:
        ed.move({nid: (10.0, 0.0)})
    elif i % 3 == 1:
        ed.set_node_fields([nid], {"replicas": 2 + i % 3}, "Set replicas")
    else:
        ed.set_design_fields(name=f"Edited {i}")
    state["edits"] = i + 1
    if i == 0:
        print("EDITING", flush=True)
    if mode == "quit" and i == 4:
        assert w.save()
        w.act_quit.trigger()


def at_signal(_code: int) -> None:
    w = window()
    state["busy_at_signal"] = bool(w is not None and w.analysis.busy)
    dump()  # the app may leave without an aboutToQuit (an analysis still running)


def dump() -> None:
    w = window()
    with open(side, "w", encoding="utf-8") as f:
        json.dump({"design": dumps_design(w.editor.design), "edits": state["edits"],
                   "busy_at_signal": state["busy_at_signal"]}, f)


def start() -> None:
    app.aboutToQuit.connect(dump)  # after the app's own handler: run() connected it first
    if lifecycle._LIFECYCLE is not None:
        lifecycle._LIFECYCLE.ending.connect(at_signal)
    timer.start(60)


timer = QTimer()
timer.timeout.connect(edit)
QTimer.singleShot(0, start)
raise SystemExit(main([design_path]))
