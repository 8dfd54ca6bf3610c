"""When Qt's X11 plugin cannot load (a bare Debian after `pip install .`), `modeller`
says in one line which system libraries are missing and how to install them, then
shows the headless analysis, instead of Qt's raw "could not load the xcb plugin" abort."""

from __future__ import annotations

import pytest

from modeller import cli, qtdeps


def test_missing_xcb_libraries_are_named_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli.sys, "platform", "linux")
    monkeypatch.setattr(qtdeps.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(qtdeps, "missing_for_xcb", lambda: ["libxcb-cursor.so.0", "libxcb-icccm.so.4"])

    def no_gui(_files: list[str]) -> int:
        raise AssertionError("the GUI must not be started without its libraries")

    import modeller.ui.window.app

    monkeypatch.setattr(modeller.ui.window.app, "run", no_gui)
    code = cli.main([])
    out, err = capsys.readouterr()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in lines[0]
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in lines[0]
    assert code in (0, 1) and "Availability" in out  # the headless analysis instead


@pytest.mark.parametrize(("env", "expected"), [
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({}, False),
])
def test_xcb_is_checked_only_when_qt_would_use_it(monkeypatch: pytest.MonkeyPatch, env: dict,
                                                  expected: bool) -> None:
    monkeypatch.setattr(qtdeps.sys, "platform", "linux")
    assert qtdeps.uses_xcb(env) is expected


def test_every_library_has_a_package_and_the_readme_lists_them() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for soname, package in qtdeps.XCB_LIBRARIES.items():
        assert soname.startswith("lib") and package.startswith("lib")
        assert package in readme, f"README.md does not list {package}"
    assert set(qtdeps.missing_for_xcb()) <= set(qtdeps.XCB_LIBRARIES)
