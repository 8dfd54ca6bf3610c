"""Remember a Ctrl+C that arrives while the program is still starting.

Python turns SIGINT into KeyboardInterrupt, and a KeyboardInterrupt raised while a C
extension module is being imported can be swallowed by the import machinery (seen
with ``xml.etree``'s accelerator): the person pressed Ctrl+C and the GUI starts
anyway. :func:`note_interrupts` keeps Python's behaviour (it still raises
KeyboardInterrupt, so the headless commands stop as before) but also remembers the
signal, and the GUI asks :func:`interrupted_early` once its own handler is installed
(see :mod:`modeller.ui.window.lifecycle`). While Qt itself is imported a KeyboardInterrupt is
worse (PySide6's bootstrap aborts the process or loses it), so the CLI only notes the
signal then (:func:`hold_interrupts`). No Qt here: the CLI imports it first thing.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

_noted: list[int] = []


def _handler(signum: int, _frame: Any) -> None:
    _noted.append(signum)
    raise KeyboardInterrupt


def note_interrupts() -> None:
    """Install the remembering handler, if Python's default one is in place (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _handler)
    except (OSError, ValueError):  # pragma: no cover - an embedded interpreter
        pass


def _note_only(signum: int, _frame: Any) -> None:
    _noted.append(signum)


def hold_interrupts() -> None:
    """Only remember Ctrl+C from now on, without raising: PySide6's import aborts the
    process, or swallows the exception, when a KeyboardInterrupt lands inside it. The
    GUI's own handler takes over from this one; :func:`release_interrupts` undoes it."""
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # e.g. a background job
            signal.signal(signal.SIGINT, _note_only)
    except (OSError, ValueError):  # pragma: no cover
        pass


def release_interrupts() -> bool:
    """Raise KeyboardInterrupt on Ctrl+C again; True when one came while held."""
    if threading.current_thread() is threading.main_thread():
        try:
            if signal.getsignal(signal.SIGINT) is _note_only:
                signal.signal(signal.SIGINT, _handler)
        except (OSError, ValueError):  # pragma: no cover
            pass
    return bool(_noted)


def interrupted_early() -> bool:
    """A Ctrl+C came before the GUI took over the signal (even if its exception was lost)."""
    return bool(_noted)


__all__ = ["hold_interrupts", "interrupted_early", "note_interrupts", "release_interrupts"]
