"""Files in the GUI: settings location, recent files, saving, autosave/recovery.

Every file is written the way the command line writes it (``atomic_write_bytes``: a
temp file, fsync, rename): a symlink is replaced, never written through, and a full
disk says "No space left on device". Recovery files are private: 0600 in a 0700 folder,
whatever the design file's own mode.

Autosave writes the design to a recovery file (AppDataLocation/recovery, or
``$MODELLER_CONFIG_DIR/recovery``) every few seconds while there are unsaved
changes, and shortly after every undo-stack change. A clean save or close
removes it; a recovery file left behind by a session that is gone is offered at
the next start. "Gone" is decided by the session's QLockFile (pid + process name +
host + boot id), not by the pid alone: after a crash or a reboot the pid is often
reused by another program, and a bare pid check would then hide the recovery.
"""

from __future__ import annotations

import json
import math
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QLockFile,
    QObject,
    QSettings,
    QStandardPaths,
    QTimer,
    Signal,
)

from ...model import Design, DesignError, atomic_write_bytes, dumps_design, load_design
from ...model.io import read_file_bounded

ORGANISATION = "Modeller"
APPLICATION = "Modeller"
CONFIG_ENV = "MODELLER_CONFIG_DIR"
MAX_RECENT = 10
AUTOSAVE_MS = 5000
AFTER_EDIT_MS = 1500
RECOVERY_SUFFIX = ".arch.json"
MAX_META_BYTES = 1 << 20


def config_dir() -> Path:
    """Where settings and recovery files live: ``$MODELLER_CONFIG_DIR`` or AppDataLocation."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        p = Path(env)
    else:
        loc = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        p = Path(loc) if loc else Path.home() / ".modeller"
    p.mkdir(parents=True, exist_ok=True)
    return p


def settings() -> QSettings:
    """The app's settings; an INI file under ``$MODELLER_CONFIG_DIR`` when that is set (tests)."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return QSettings(str(Path(env) / "modeller.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def write_bytes(path: str | os.PathLike[str], data: bytes, *, private: bool = False) -> None:
    """Write atomically (temp file, fsync, rename): the old file stays intact until the new
    one is complete; a symlink at ``path`` is replaced. ``private``: mode 0600.
    Raises OSError("cannot write PATH: reason") with the system's reason."""
    try:
        atomic_write_bytes(path, data, mode=PRIVATE_FILE if private else None)
    except OSError as exc:
        err = OSError(f"cannot write {path}: {exc.strerror or exc}")
        err.errno = exc.errno
        raise err from None


def write_text(path: str | os.PathLike[str], text: str, *, private: bool = False) -> None:
    """UTF-8 text through :func:`write_bytes`."""
    write_bytes(path, text.encode("utf-8"), private=private)


def save_design_file(design: Design, path: str | os.PathLike[str]) -> None:
    """Save a design; OSError (with the reason) when it cannot be written or reopened."""
    try:
        text = dumps_design(design)
    except DesignError as err:  # e.g. an infinite number: never write what cannot reopen
        raise OSError(f"cannot write {path}: {err}") from None
    write_text(path, text)


# -- recent files -------------------------------------------------------------------
class RecentFiles:
    """A bounded most-recent-first list of opened files that drops missing ones."""

    KEY = "recentFiles"

    def __init__(self, limit: int = MAX_RECENT) -> None:
        self.limit = limit

    def list(self) -> list[str]:
        raw = settings().value(self.KEY, [])
        if isinstance(raw, str):
            raw = [raw] if raw else []
        files = [str(p) for p in (raw or []) if p and Path(str(p)).exists()]
        return files[: self.limit]

    def _store(self, files: list[str]) -> None:
        s = settings()
        s.setValue(self.KEY, files[: self.limit])
        s.sync()

    def add(self, path: str | os.PathLike[str]) -> None:
        p = str(Path(path).resolve())
        files = [f for f in self.list() if f != p]
        self._store([p, *files])

    def remove(self, path: str) -> None:
        self._store([f for f in self.list() if f != str(Path(path).resolve())])

    def clear(self) -> None:
        self._store([])


# -- autosave and recovery ---------------------------------------------------------
@dataclass
class Recovery:
    """A recovery file left by a session that did not close cleanly."""

    path: Path
    meta_path: Path
    original: str | None
    saved_at: float
    name: str
    lock_path: Path | None = None

    def load(self) -> Design:
        return load_design(self.path)  # a regular file, read with a bound

    def discard(self) -> None:
        # with the files, the debris of a write the crash interrupted (QSaveFile temp files)
        debris = [*self.path.parent.glob(f"{self.path.name}.??????"),  # older QSaveFile temps
                  *self.path.parent.glob(f".{self.path.name}.*.tmp")]
        for p in (self.path, self.meta_path, self.lock_path, *debris):
            if p is None:
                continue
            try:
                p.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        what = Path(self.original).name if self.original else "an unsaved design"
        return f"“{self.name}” ({what}), autosaved {when}"


def recovery_dir() -> Path:
    """The folder of recovery files: private (0700), like the files in it."""
    p = config_dir() / "recovery"
    p.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    try:
        if p.stat().st_mode & 0o777 != PRIVATE_FOLDER:
            p.chmod(PRIVATE_FOLDER)  # made by an older Modeller with 0755
    except OSError:
        pass
    return p


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _session_lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # a session is alive as long as its process is, however long
    return lock


def _session_gone(lock_path: Path) -> bool:
    """True when the session's lock file shows its process is gone (crash, kill, reboot,
    pid reused by another program); False when it is alive or there is no lock to ask."""
    if not lock_path.exists():
        return False
    lock = _session_lock(lock_path)
    if not lock.tryLock(0):
        return False  # held by a live session (or unreadable: trust the pid)
    lock.unlock()  # it was stale: QLockFile removed it and we let go again
    return True


def find_recoveries(include_own: bool = False) -> list[Recovery]:
    """Recovery files whose session ended without a clean close, newest first."""
    out = []
    for meta_path in recovery_dir().glob("*.meta.json"):
        try:
            meta = json.loads(read_file_bounded(meta_path, MAX_META_BYTES).decode("utf-8"))
        except (OSError, ValueError):  # DesignError (a FIFO, a device, too big) is a ValueError
            continue
        if not isinstance(meta, dict):
            continue
        stem = meta_path.name.replace(".meta.json", "")
        path = meta_path.with_name(stem + RECOVERY_SUFFIX)
        lock_path = meta_path.with_name(stem + ".lock")
        if not path.exists():
            continue
        try:
            pid = int(meta.get("pid", 0))
        except (TypeError, ValueError):
            pid = 0
        if pid == os.getpid():
            if not include_own:
                continue  # this process's own window
        elif pid and _alive(pid):
            if not _session_gone(lock_path):
                continue  # another running window owns it
            # the pid now belongs to someone else: remember the verdict (the lock file is gone)
            meta["pid"] = 0
            try:
                write_text(meta_path, json.dumps(meta), private=True)
            except OSError:
                pass
        try:
            saved_at = float(meta.get("saved_at", 0))
        except (TypeError, ValueError, OverflowError):
            saved_at = 0.0
        original = meta.get("original")
        out.append(Recovery(path, meta_path, original if isinstance(original, str) else None,
                            saved_at if math.isfinite(saved_at) else 0.0,
                            str(meta.get("name", "Untitled")), lock_path))
    for lock_path in recovery_dir().glob("session-*.lock"):
        if not lock_path.with_name(lock_path.name.replace(".lock", ".meta.json")).exists():
            _session_gone(lock_path)  # a crashed session that never autosaved: drop its lock
    out.sort(key=lambda r: -r.saved_at)
    return out


class Autosaver(QObject):
    """Writes the design to this window's recovery file while it has unsaved changes."""

    saved = Signal(str)  # recovery path
    error = Signal(str)

    def __init__(self, editor, path_source, parent: QObject | None = None,  # noqa: ANN001
                 interval_ms: int = AUTOSAVE_MS, after_edit_ms: int = AFTER_EDIT_MS) -> None:
        super().__init__(parent)
        self.editor = editor
        self._path_source = path_source  # () -> current file path or None
        token = uuid.uuid4().hex[:12]
        self.path = recovery_dir() / f"session-{token}{RECOVERY_SUFFIX}"
        self.meta_path = recovery_dir() / f"session-{token}.meta.json"
        # held while this session lives: tells a later start whether we crashed (see module doc)
        self.lock_path = recovery_dir() / f"session-{token}.lock"
        self._session = _session_lock(self.lock_path)
        self._session.tryLock(0)
        # the window's design-file lock follows its file from now on (see locks.py)
        self._window = parent if parent is not None and hasattr(parent, "editor") else None
        if self._window is not None:
            from .locks import keeper

            keeper(self._window)
        self._written: tuple[int, int] | None = None
        self._generation = 0
        self._stopped = False
        self._orphaned = False  # set when the app ends without a close (see leave_for_recovery)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(after_edit_ms)
        self.soon.timeout.connect(self.autosave)
        editor.undo_stack.indexChanged.connect(lambda _i: self.soon.start())
        editor.designReplaced.connect(self._on_replaced)

    def _on_replaced(self, _design: Design) -> None:
        self._generation += 1
        self._written = None

    def needed(self) -> bool:
        return not self.editor.undo_stack.isClean()

    def autosave(self) -> bool:
        """Write the recovery file if there are unsaved changes not yet written."""
        if not self.needed():
            self.discard()
            return False
        design = getattr(self.editor, "document", self.editor.design)  # with its variants
        key = (self._generation, design.revision)
        if key == self._written and self.path.exists():
            return False
        try:
            write_text(self.path, dumps_design(design), private=True)
            original = self._path_source()
            pid = 0 if self._orphaned else os.getpid()  # 0: "the session is gone, offer it"
            meta = {"pid": pid, "original": original, "saved_at": time.time(), "name": design.name}
            write_text(self.meta_path, json.dumps(meta), private=True)
        except (OSError, DesignError) as exc:
            self.error.emit(f"Autosave failed: {exc}")
            return False
        self._written = key
        self.saved.emit(str(self.path))
        return True

    def discard(self) -> None:
        """Remove this window's recovery file (after a clean save or close)."""
        for p in (self.path, self.meta_path):
            try:
                p.unlink()
            except FileNotFoundError:
                pass
        self._written = None

    @property
    def stopped(self) -> bool:
        """True once :meth:`stop` ran (the window closed, or the app is ending)."""
        return self._stopped

    def leave_for_recovery(self) -> bool:
        """The app ends without closing its windows (a signal, the session ending): write
        the unsaved changes now, marked as left by a session that is gone, so the next start
        offers them (with nothing unsaved, remove the recovery file). Calling it again
        writes only what changed since."""
        if not self._orphaned:
            self._orphaned = True
            self._written = None  # rewrite the meta file with the new mark
        return self.autosave()

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()
        self.soon.stop()
        self._session.unlock()
        if self._window is not None:
            from .locks import release_locks

            release_locks(self._window)


__all__ = ["Autosaver", "DesignError", "RecentFiles", "Recovery", "config_dir", "find_recoveries",
           "save_design_file", "settings", "write_text"]
