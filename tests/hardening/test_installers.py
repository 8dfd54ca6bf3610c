"""Trustworthy installers (issue 17, items 9-13), checked without a build: licences and
notices, what the bundle leaves to the host, stripping, reproducible archives, the
release on tags, and no speed limits in the installed-package test.

The build itself (`python packaging/build.py` + `packaging/test_installed.sh`) checks the
bundle it made: glibc <= 2.35, licences in place, no system helpers, libpython stripped.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
import sysconfig
import tarfile
import time
import zipfile
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "packaging"


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("modeller_packaging_build_i17", PKG / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _spec_tree() -> ast.Module:
    return ast.parse((PKG / "modeller.spec").read_text(encoding="utf-8"))


def _spec_literal(name: str) -> object:
    for node in _spec_tree().body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name
                                                for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"modeller.spec assigns no literal {name}")


# -- 10. licences and notices ---------------------------------------------------------------


def test_the_repository_has_its_licence_and_a_notice() -> None:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Permission is hereby granted" in licence
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    for component in ("Python", "Qt 6", "PySide6", "NumPy", "OpenBLAS", "NetworkX", "pyqtgraph",
                      "Lesser General Public License v3", "PyInstaller"):
        assert component in notice, component
    lgpl = (PKG / "licenses" / "LGPL-3.0.txt").read_text(encoding="utf-8")
    gpl = (PKG / "licenses" / "GPL-3.0.txt").read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in lgpl and "Version 3, 29 June 2007" in lgpl
    assert "GNU GENERAL PUBLIC LICENSE" in gpl and "Version 3, 29 June 2007" in gpl


def test_the_spec_bundles_every_licence() -> None:
    """Run the spec's licence_datas() here (the build venv has the same distributions)."""
    func = next(n for n in _spec_tree().body
                if isinstance(n, ast.FunctionDef) and n.name == "licence_datas")
    scope = {"ROOT": ROOT, "HERE": PKG, "Path": Path, "sys": sys, "sysconfig": sysconfig,
             "distribution": distribution, "PackageNotFoundError": PackageNotFoundError}
    exec(compile(ast.Module(body=[func], type_ignores=[]), "modeller.spec", "exec"), scope)  # noqa: S102
    datas = scope["licence_datas"]()
    by_dest: dict[str, set[str]] = {}
    for src, dest in datas:
        assert Path(src).is_file(), src
        by_dest.setdefault(dest, set()).add(Path(src).name)
    assert {"LICENSE", "NOTICE", "LGPL-3.0.txt", "GPL-3.0.txt"} <= by_dest["licenses"]
    for dist in ("numpy", "networkx", "pyqtgraph"):
        assert "LICENSE.txt" in by_dest.get(f"licenses/{dist}", set()), dist
    assert by_dest.get("licenses/python"), "no Python licence"
    numpy_licence = next(Path(s) for s, d in datas if d == "licenses/numpy" and s.endswith("LICENSE.txt"))
    assert "OpenBLAS" in numpy_licence.read_text(encoding="utf-8")
    assert "datas += licence_datas()" in (PKG / "modeller.spec").read_text(encoding="utf-8")


def test_the_deb_has_a_machine_readable_copyright(build: ModuleType) -> None:
    text = (PKG / "linux" / "copyright").read_text(encoding="utf-8")
    assert text.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    used = {re.search(r"^License: (.+)$", p, re.M).group(1) for p in paragraphs
            if p.startswith("Files:")}
    defined = {p.splitlines()[0].removeprefix("License: ") for p in paragraphs
               if p.startswith("License:")}
    assert used <= defined, f"License paragraphs missing for {used - defined}"
    assert {"MIT", "LGPL-3"} <= used
    for line in text.splitlines():  # a continuation line starts with a space; none is empty
        assert line == "" or not line.startswith("\t")
    source = (PKG / "build.py").read_text(encoding="utf-8")
    assert '"linux" / "copyright", doc / "copyright"' in source
    assert 'doc = stage / "usr" / "share" / "doc" / APP_ID' in source


# -- 9. the bundle: host libraries, trimming, stripping ---------------------------------------


def test_system_helpers_come_from_the_host_and_the_deb_depends_on_them() -> None:
    host = _spec_literal("HOST_LIBRARIES")
    assert isinstance(host, tuple)
    for helper in ("libexpat.so", "libpcre2-", "libz.so", "libsystemd.so", "libpng16.so"):
        assert helper in host, helper
    assert all(h == h.lower() for h in host)  # keep() compares lower-cased file names
    control = (PKG / "linux" / "control").read_text(encoding="utf-8")
    depends = next(ln for ln in control.splitlines() if ln.startswith("Depends:"))
    for package in ("libexpat1", "zlib1g", "libpng16-16", "libpcre2-8-0", "libxcb-cursor0",
                    "libxcb-icccm4", "libxcb-keysyms1"):
        assert package in depends, package


def test_never_loaded_modules_are_not_bundled() -> None:
    excludes = set(_spec_literal("excludes"))
    assert {"ssl", "_ssl", "readline", "PySide6.QtNetwork", "_hashlib"} <= excludes
    used = set()
    for path in (ROOT / "modeller").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"^\s*(?:import|from) (ssl|readline|_hashlib|PySide6\.QtNetwork)\b",
                               text, re.M))
    assert not used, used


def test_only_the_interpreters_own_files_are_stripped(build: ModuleType, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """libpython and lib-dynload are stripped; wheel-vendored libraries never are (stripping
    numpy.libs' patchelf'ed OpenBLAS made numpy fail to import in the bundle)."""
    spec = (PKG / "modeller.spec").read_text(encoding="utf-8")
    assert "strip=True" not in spec and "strip=IS_LINUX" not in spec
    for rel in ("_internal/libpython3.11.so.1.0", "_internal/python3.11/lib-dynload/_json.so",
                "_internal/numpy.libs/libscipy_openblas64_.so", "_internal/PySide6/Qt/lib/libQt6Core.so.6"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"\x7fELF" + b"\0" * 100)
    stripped: list[str] = []
    monkeypatch.setattr(build, "run", lambda cmd, **_kw: stripped.append(Path(cmd[-1]).name))
    monkeypatch.setattr(build.shutil, "which", lambda name: "/usr/bin/strip")
    monkeypatch.setattr(build.sys, "platform", "linux")
    build.strip_interpreter(tmp_path)
    assert sorted(stripped) == ["_json.so", "libpython3.11.so.1.0"]


def test_the_build_warns_about_files_needing_a_newer_glibc(build: ModuleType, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert build.MAX_GLIBC == (2, 35)
    fake = {tmp_path / "libexpat.so.1": (2, 36), tmp_path / "libpython3.11.so.1.0": (2, 35)}
    monkeypatch.setattr(build, "glibc_by_file", lambda _bundle: fake)
    assert build.glibc_needed(tmp_path) == "2.36"
    out = capsys.readouterr().out
    assert "libexpat.so.1 needs GLIBC_2.36" in out and "libpython" not in out


def test_deb_compression_is_a_setting_with_measured_choices(build: ModuleType) -> None:
    method, _, level = build.DEB_COMPRESSION.partition(":")
    assert method in ("xz", "zstd", "gzip") and (not level or level.isdigit())
    source = (PKG / "build.py").read_text(encoding="utf-8")
    assert '-Z{method}' in source and "MODELLER_DEB_COMPRESSION" in source
    assert "zstd:3" in (PKG / "README.md").read_text(encoding="utf-8")


# -- 12. reproducible archives ----------------------------------------------------------------


def _tree(root: Path, order: list[str], stamp: float) -> Path:
    for rel in order:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(rel.encode() * 3)
        os.utime(p, (stamp, stamp))
    return root


def test_zips_and_tarballs_are_byte_for_byte_reproducible(build: ModuleType, tmp_path: Path) -> None:
    names = ["b/two.txt", "a/one.txt", "c.bin", "a/z/deep.txt"]
    one = _tree(tmp_path / "x1" / "modeller", names, time.time() - 5000)
    two = _tree(tmp_path / "x2" / "modeller", list(reversed(names)), time.time())
    build.write_zip(one, tmp_path / "1.zip", 1_700_000_000)
    build.write_zip(two, tmp_path / "2.zip", 1_700_000_000)
    assert (tmp_path / "1.zip").read_bytes() == (tmp_path / "2.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "1.zip") as zf:
        listed = zf.namelist()
        assert listed == sorted(listed) and listed[0].startswith("modeller/")
        assert {i.date_time for i in zf.infolist()} == {time.gmtime(1_700_000_000)[:6]}
    build.write_tar_gz(one, tmp_path / "1.tar.gz", 1_700_000_000)
    build.write_tar_gz(two, tmp_path / "2.tar.gz", 1_700_000_000)
    assert (tmp_path / "1.tar.gz").read_bytes() == (tmp_path / "2.tar.gz").read_bytes()
    with tarfile.open(tmp_path / "1.tar.gz") as tf:
        assert {m.uid for m in tf.getmembers()} == {0}


def test_base_library_zip_is_rewritten_in_a_fixed_order(build: ModuleType, tmp_path: Path) -> None:
    def make(path: Path, order: list[str]) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in order:
                zf.writestr(zipfile.ZipInfo(name, time.localtime()[:6]), name.encode() * 10)

    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    make(a, ["os.pyc", "abc.pyc", "encodings/__init__.pyc"])
    time.sleep(2.1)  # a different second: the original times differ
    make(b, ["encodings/__init__.pyc", "os.pyc", "abc.pyc"])
    for z in (a, b):
        build.normalise_zip_in_place(z, 1_700_000_000)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        assert zf.namelist() == ["abc.pyc", "encodings/__init__.pyc", "os.pyc"]
        assert zf.read("os.pyc") == b"os.pyc" * 10
    assert 'rglob("base_library.zip")' in (PKG / "build.py").read_text(encoding="utf-8")


# -- 11. releases on tags ----------------------------------------------------------------------


def test_tags_publish_a_release_with_a_which_file_table(build: ModuleType) -> None:
    wf = (ROOT / ".github" / "workflows" / "build.yml").read_text(encoding="utf-8")
    assert "\t" not in wf
    release = wf[wf.index("\n  release:\n"):]
    assert "if: startsWith(github.ref, 'refs/tags/v')" in release and "needs: build" in release
    assert "contents: write" in release and "gh release create" in release
    assert "--notes-file release-notes.md" in release and "SHA256SUMS" in release
    assert "permissions:\n  contents: read" in wf  # the build jobs stay read-only
    notes = (PKG / "release-notes.md").read_text(encoding="utf-8")
    assert "## Which file is for me?" in notes
    version = "9.8.7"
    filled = notes.replace("@VERSION@", version)
    for name in (f"modeller_{version}_amd64.deb", f"modeller-{version}-linux-x86_64.tar.gz",
                 f"Modeller-{version}-windows-x64-setup.exe", f"Modeller-{version}-windows-x64.zip",
                 f"Modeller-{version}-macos-arm64.dmg"):
        assert f"`{name}`" in filled, name
    # the names the build gives its outputs
    source = (PKG / "build.py").read_text(encoding="utf-8")
    assert 'f"{APP_ID}_{version}_{arch}.deb"' in source
    assert 'f"Modeller-{version}-windows-x64.zip"' in source
    assert 'f"Modeller-{version}-macos-{platform.machine()}.dmg"' in source
    # first start of unsigned apps
    assert "Open Anyway" in notes and "Privacy & Security" in notes
    assert "SmartScreen" in notes and "Run anyway" in notes


def test_the_workflow_installs_what_the_window_check_needs() -> None:
    wf = (ROOT / ".github" / "workflows" / "build.yml").read_text(encoding="utf-8")
    apt = wf[wf.index("sudo apt-get install"):wf.index("- name: Inno Setup")]
    for package in ("xvfb", "x11-utils", "binutils", "file"):
        assert re.search(rf"\b{package}\b", apt), package


def test_the_installed_test_reports_times_instead_of_limiting_them() -> None:
    text = (PKG / "test_installed.sh").read_text(encoding="utf-8")
    assert not re.search(r'\$\{?(start_ms|window_ms)\}?"? -lt', text), "a speed limit in a test"
    assert "main window took" not in text
    assert 'skip "xwininfo not installed' in text  # never a silent pass
    for check in ("/usr/share/doc/modeller/copyright", "2.35", "not stripped", "libQt6Network"):
        assert check in text, check


def test_links_to_pruned_libraries_are_removed(build: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "PySide6").mkdir()
    (tmp_path / "PySide6" / "libQt6Core.so.6").write_bytes(b"x")
    (tmp_path / "libQt6Core.so.6").symlink_to("PySide6/libQt6Core.so.6")
    (tmp_path / "libQt6Network.so.6").symlink_to("PySide6/libQt6Network.so.6")  # pruned
    assert build.remove_dangling_links(tmp_path) == ["libQt6Network.so.6"]
    assert (tmp_path / "libQt6Core.so.6").is_symlink()
    assert "find /opt/modeller -xtype l" in (PKG / "test_installed.sh").read_text(encoding="utf-8")
