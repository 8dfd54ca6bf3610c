"""Lock files beside open designs, so two windows never silently overwrite each other.

Opening (or saving as) ``shop.arch.json`` takes ``.~shop.arch.json.lock`` in the
same folder: a :class:`QLockFile` holding the pid, process name, host name and
boot id (its modification time says since when). Another window or Modeller
process that opens the same file finds the lock and asks the person what to do
(open anyway, open an untitled copy, or cancel). A lock whose process is gone
(killed, crashed, rebooted, pid reused by another program) is stale and taken
over silently; a lock from another host is never guessed stale (that host may
still be running), it only makes us ask. Time-based staleness is off: a window
may legitimately stay open for days.

The main window calls :func:`check_and_lock` before it shows a file it opens and
before it writes a file, and :func:`release_locks` when it shuts down; in between,
a :class:`LockKeeper` keeps exactly the lock of the window's current file
(opening another file, New, or an example drops the old one).
"""

from __future__ import annotations

import os
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QSysInfo, QTimer
from PySide6.QtWidgets import QMessageBox

LOCK_PREFIX = ".~"
LOCK_SUFFIX = ".lock"
CORRUPT_AFTER_S = 10.0  # a lock file nobody can read, this old, is debris of a crash mid-write

# results of DesignLock.acquire()
ACQUIRED = "acquired"
BUSY = "busy"  # another live window/process holds it
UNLOCKABLE = "unlockable"  # no lock possible (read-only folder, ...): nobody else can lock either

# answers of the conflict prompt
ANYWAY = "anyway"
COPY = "copy"
CANCEL = "cancel"


def lock_path(path: str | os.PathLike[str]) -> Path:
    """``dir/.~name.arch.json.lock`` for ``dir/name.arch.json``."""
    p = Path(path)
    return p.with_name(f"{LOCK_PREFIX}{p.name}{LOCK_SUFFIX}")


def _norm(path: str | os.PathLike[str]) -> str:
    return str(Path(path).resolve())


def _bundled(path: str) -> bool:
    """Files shipped with the app (examples, templates) are read-only: never lock them
    (an installed bundle is not writable, and a checkout should not collect lock files)."""
    from .paths import resources_dir

    try:
        Path(path).relative_to(resources_dir().resolve())
    except ValueError:
        return False
    return True


@dataclass
class Holder:
    """Who holds a lock, as far as the lock file tells."""

    pid: int
    hostname: str
    app: str
    since: float | None

    @property
    def this_process(self) -> bool:
        return self.pid == os.getpid() and self.hostname in ("", QSysInfo.machineHostName())

    def describe(self) -> str:
        when = ""
        if self.since:
            fmt = "%H:%M" if time.time() - self.since < 20 * 3600 else "%Y-%m-%d %H:%M"
            when = f" since {time.strftime(fmt, time.localtime(self.since))}"
        if self.this_process:
            return f"in another window of this Modeller{when}"
        if not self.pid:
            return f"by a program that left an unreadable lock file{when}"
        host = self.hostname or "this computer"
        if self.hostname == QSysInfo.machineHostName():
            host = "this computer"
        return f"in another Modeller on {host} (process {self.pid}){when}"


class DesignLock:
    """The lock file of one design path (not held until :meth:`acquire` succeeds)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = _norm(path)
        self.lock_file = lock_path(self.path)
        self._lock = QLockFile(str(self.lock_file))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, never by age

    @property
    def held(self) -> bool:
        return self._lock.isLocked()

    def acquire(self) -> str:
        """ACQUIRED, BUSY (someone alive holds it) or UNLOCKABLE (cannot write a lock here).

        A lock left by a dead process is removed and taken over by ``tryLock``.
        """
        if self.held:
            return ACQUIRED
        if _bundled(self.path):
            return UNLOCKABLE
        if self._lock.tryLock(0):
            return ACQUIRED
        if self._lock.error() != QLockFile.LockError.LockFailedError:
            return UNLOCKABLE
        holder = self.holder()
        if holder is not None and not holder.pid and holder.since is not None \
                and time.time() - holder.since > CORRUPT_AFTER_S:
            # unreadable debris (not a live holder writing it right now): clear it and retry
            if self._lock.removeStaleLockFile() and self._lock.tryLock(0):
                return ACQUIRED
        return BUSY

    def holder(self) -> Holder | None:
        """What the lock file on disk says (None when there is none)."""
        try:
            since: float | None = self.lock_file.stat().st_mtime
        except OSError:
            return None
        try:
            ok_pid, host, app = self._lock.getLockInfo()
        except (TypeError, ValueError):  # pragma: no cover - a binding without the tuple form
            ok_pid, host, app = 0, "", ""
        return Holder(int(ok_pid or 0), str(host or ""), str(app or ""), since)

    def release(self) -> None:
        if self.held:
            self._lock.unlock()


def ask_conflict(window: Any, path: str, holder: Holder | None, saving: bool) -> str:
    """Ask what to do about a file open elsewhere: ANYWAY, COPY (open only) or CANCEL."""
    name = Path(path).name
    where = holder.describe() if holder is not None else "in another Modeller"
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Design already open")
    box.setText(f"“{name}” is open {where}.")
    if saving:
        box.setInformativeText("Saving here replaces the file under that window; whichever saves "
                               "last wins and the other's changes are lost.")
        anyway = box.addButton("Save anyway", QMessageBox.ButtonRole.AcceptRole)
        copy_btn = None
    else:
        box.setInformativeText("If both windows save, whichever saves last wins and the other's "
                               "changes are lost. A copy opens untitled: nothing is overwritten "
                               "until you choose where to save it.")
        anyway = box.addButton("Open anyway", QMessageBox.ButtonRole.AcceptRole)
        copy_btn = box.addButton("Open a copy", QMessageBox.ButtonRole.ActionRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(copy_btn or cancel)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is anyway:
        return ANYWAY
    if copy_btn is not None and clicked is copy_btn:
        return COPY
    return CANCEL


class LockKeeper(QObject):
    """Holds the lock of one window's current file and nothing else."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self._window = weakref.ref(window)
        self.locks: dict[str, DesignLock] = {}
        self.acknowledged: set[str] = set()  # paths the person chose to use although held elsewhere
        self._pending: str | None = None  # locked for a save-as that may still fail
        editor = getattr(window, "editor", None)
        if editor is not None:
            editor.designReplaced.connect(self._on_replaced)
            editor.undo_stack.cleanChanged.connect(self._on_clean)

    def _on_replaced(self, _design: object) -> None:
        self.sync()

    def _on_clean(self, _clean: bool) -> None:
        self.sync()

    def current(self) -> str | None:
        w = self._window()
        p = getattr(w, "path", None) if w is not None else None
        return _norm(p) if p else None

    def held_paths(self) -> list[str]:
        return [p for p, lk in self.locks.items() if lk.held]

    def sync(self, final: bool = False) -> None:
        """Keep only the current file's lock (and a pending save-as target unless ``final``);
        quietly take the current file's lock when it has become free."""
        cur = self.current()
        if final or self._pending == cur:  # the save/open has returned, or it switched already
            self._pending = None
        keep = {cur, self._pending} - {None}
        for p in list(self.locks):
            if p not in keep:
                self.locks.pop(p).release()
        self.acknowledged &= keep
        if cur is not None and cur not in self.locks:
            lk = DesignLock(cur)
            if lk.acquire() == ACQUIRED:
                self.locks[cur] = lk

    def check(self, path: str | os.PathLike[str], saving: bool = False) -> bool:
        """Lock ``path`` for this window, asking first when another window holds it.

        False means: do not go on (the person cancelled, or chose a copy, which this
        function has already opened).
        """
        p = _norm(path)
        if p in self.locks and self.locks[p].held:
            return True
        lk = DesignLock(p)
        result = lk.acquire()
        if result == ACQUIRED:
            self.locks[p] = lk
        elif result == BUSY and p not in self.acknowledged:
            answer = ask_conflict(self._window(), p, lk.holder(), saving)
            if answer == COPY:
                self._open_copy(p)
                return False
            if answer != ANYWAY:
                return False
            self.acknowledged.add(p)
        if p != self.current():
            # the caller switches to p only if its open/save succeeds: decide once it returned
            self._pending = p
            QTimer.singleShot(0, lambda: self.sync(final=True))
        return True

    def _open_copy(self, path: str) -> None:
        """Show the file as an untitled design (saving it asks for a new name)."""
        from ...model import DesignError, load_design

        w = self._window()
        if w is None:
            return
        try:
            design = load_design(path)
        except DesignError as exc:
            w.show_error("Cannot open the design", str(exc))
            return
        w._replace(design, None)
        w.show_status(f"Opened a copy of {Path(path).name} (it is open elsewhere): "
                      "Save As to keep your changes")

    def release(self) -> None:
        for lk in self.locks.values():
            lk.release()
        self.locks.clear()
        self.acknowledged.clear()
        self._pending = None


def keeper(window: Any) -> LockKeeper:
    """The window's keeper, made on first use."""
    k = getattr(window, "_lock_keeper", None)
    if k is None:
        k = LockKeeper(window)
        window._lock_keeper = k
    return k


def check_and_lock(window: Any, path: str | os.PathLike[str], saving: bool = False) -> bool:
    """Before ``window`` shows (or writes, with ``saving``) ``path``: True to go on."""
    return keeper(window).check(path, saving)


def release_locks(window: Any) -> None:
    """The window closes: give its lock back so others can open the file without a warning."""
    k = getattr(window, "_lock_keeper", None)
    if k is not None:
        k.release()


__all__ = ["ACQUIRED", "BUSY", "UNLOCKABLE", "DesignLock", "Holder", "LockKeeper", "ask_conflict",
           "check_and_lock", "keeper", "lock_path", "release_locks"]
