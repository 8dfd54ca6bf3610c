"""The folder the Open dialog starts in: the one a design was last opened from or saved to.

Kept in the app's settings (QSettings, see :func:`modeller.ui.files.saving.settings`), so it
outlives the window and the session.
"""

from __future__ import annotations

import os
from pathlib import Path

from .saving import settings

LAST_FOLDER_KEY = "files/last_folder"


def last_folder(default: str = "") -> str:
    """The folder a design was last opened from or saved to; ``default`` (or the home
    folder) when there is none yet or it is gone."""
    value = settings().value(LAST_FOLDER_KEY, "")
    folder = str(value) if value else ""
    return folder if folder and Path(folder).is_dir() else (default or str(Path.home()))


def remember_folder(path: str | os.PathLike[str]) -> None:
    """Remember the folder of ``path`` (a design just opened or saved)."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    s = settings()
    s.setValue(LAST_FOLDER_KEY, str(folder.resolve()))
    s.sync()


__all__ = ["LAST_FOLDER_KEY", "last_folder", "remember_folder"]
