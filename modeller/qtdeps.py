"""Which system libraries Qt's X11 (xcb) platform plugin needs, and which are missing.

``pip install .`` on a bare Debian/Ubuntu gets Qt from the PySide6 wheel but not the
X11 libraries its xcb plugin loads; Qt then aborts with a raw "could not load the Qt
platform plugin xcb" message. ``missing_for_xcb()`` asks the dynamic loader first (no
Qt involved), so ``modeller`` can say in one line which packages to install.
The same list is in README.md ("System libraries on Linux").
"""

from __future__ import annotations

import ctypes
import os
import sys

# soname -> Debian/Ubuntu package (from `objdump -p` on PySide6's libqxcb/libQt6XcbQpa)
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
}


def uses_xcb(env: dict[str, str] | None = None) -> bool:
    """True when Qt would pick the X11 platform plugin (Linux, X display, no override)."""
    env = dict(os.environ) if env is None else env
    if not sys.platform.startswith("linux"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0].split(";")[0] == "xcb"
    if env.get("WAYLAND_DISPLAY"):
        return False  # Qt 6 tries Wayland first in a Wayland session
    return bool(env.get("DISPLAY"))


def missing_for_xcb() -> list[str]:
    """The sonames of XCB_LIBRARIES the dynamic loader cannot find (empty: all there)."""
    missing = []
    for soname in XCB_LIBRARIES:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    return missing


def missing_message(missing: list[str]) -> str:
    """One line naming the missing libraries and the command that installs them."""
    packages = " ".join(XCB_LIBRARIES[s] for s in missing)
    return (f"the GUI cannot start: Qt's X11 plugin needs system libraries that are missing "
            f"({', '.join(missing)}); on Debian/Ubuntu: sudo apt install {packages}")
