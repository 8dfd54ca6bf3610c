#!/usr/bin/env python3
"""Build the standalone Modeller app and this platform's installers with one command.

    python packaging/build.py                  # build venv -> icons -> PyInstaller -> installers
    python packaging/build.py --no-installer   # stop after the one-folder app
    python packaging/build.py --python python3.12

Outputs in packaging/dist/:
  Linux    modeller/ (the app), modeller_<v>_<arch>.deb, modeller-<v>-linux-<machine>.tar.gz
  Windows  modeller/ (Modeller.exe, modeller-cli.exe), Modeller-<v>-windows-x64-setup.exe, .zip
  macOS    Modeller.app, Modeller-<v>-macos-<machine>.dmg

Only Python packages are downloaded (pinned in requirements-build.txt, into a venv of
their own under the temp folder); icons are rendered here from icons/modeller.svg with Qt.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "modeller.spec"
REQUIREMENTS = HERE / "requirements-build.txt"
ICON_SVG = HERE / "icons" / "modeller.svg"
DIST = HERE / "dist"
WORK = HERE / "build"
ICON_DIR = WORK / "icons"

APP_ID = "modeller"
MIME_TYPE = "application/x-modeller-design"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)  # the hicolor theme's usual sizes
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# .icns entry type -> pixel size; all PNG payloads (macOS 10.7+)
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
    (b"ic14", 512),
)
IN_VENV_FLAG = "MODELLER_BUILD_IN_VENV"
# the newest glibc the Linux bundle may need: Ubuntu 22.04 (Debian 12 has 2.36)
MAX_GLIBC = (2, 35)
# .deb compression, measured on the trimmed bundle (158 MiB, loaded 2-core machine):
#   xz:6     43.4 MiB, ~250 s  (the default: a release is downloaded many times)
#   zstd:19  47.1 MiB, ~180 s   (zstd:22 saved only 2 % more, at ~290 s)
#   zstd:3   57.8 MiB, 3 s: MODELLER_DEB_COMPRESSION=zstd:3 for quick local builds
# (zstd needs dpkg >= 1.21.18 to install: Debian 12, Ubuntu 22.04)
DEB_COMPRESSION = os.environ.get("MODELLER_DEB_COMPRESSION", "xz:6")


def log(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def run(cmd: Sequence[str | os.PathLike[str]], **kwargs) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """Run a command, echoing it; a failure stops the build with the command's exit code."""
    print("   $ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def read_version() -> str:
    text = (ROOT / "modeller" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not match:
        raise SystemExit("build.py: no __version__ in modeller/__init__.py")
    return match.group(1)


# ---------------------------------------------------------------------------------------
# the build venv


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_build_venv(venv: Path, base_python: str) -> Path:
    """Create (or reuse) the venv with the pinned build requirements; returns its python.

    A stamp holding the hash of requirements-build.txt and the base interpreter tells
    whether the venv is current, so a second build installs nothing.
    """
    stamp = venv / "modeller-build.stamp"
    want = hashlib.sha256(REQUIREMENTS.read_bytes() + base_python.encode()).hexdigest()
    py = venv_python(venv)
    if py.exists() and stamp.exists() and stamp.read_text().strip() == want:
        log(f"build venv {venv} is current")
        return py
    log(f"creating build venv {venv}")
    run([base_python, "-m", "venv", "--clear", venv])
    run([py, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", REQUIREMENTS])
    stamp.write_text(want + "\n")
    return py


# ---------------------------------------------------------------------------------------
# icons


def render_pngs(svg: Path, sizes: Iterable[int]) -> dict[int, bytes]:
    """Render the SVG logo at each size with Qt (QSvgRenderer -> QImage -> PNG bytes)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"build.py: {svg} is not a valid SVG")
    out: dict[int, bytes] = {}
    for size in sorted(set(sizes)):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buf, "PNG")
        buf.close()
        out[size] = bytes(data.data())
    return out


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


def make_ico(pngs: Mapping[int, bytes]) -> bytes:
    """A Windows .ico holding one PNG-compressed image per size (Windows Vista and later)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def make_icns(pngs: Mapping[int, bytes]) -> bytes:
    """A macOS .icns with PNG payloads; entries whose size is missing are left out."""
    body = b""
    for kind, size in ICNS_TYPES:
        if size in pngs:
            body += kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def build_icons(out: Path) -> dict[int, Path]:
    """modeller.svg -> PNGs, modeller.ico and modeller.icns in ``out``; returns the PNGs."""
    log(f"rendering icons from {ICON_SVG.relative_to(ROOT)}")
    out.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(ICON_SVG, (*PNG_SIZES, *ICO_SIZES, 1024))
    paths = {}
    for size in PNG_SIZES:
        paths[size] = out / f"modeller-{size}.png"
        paths[size].write_bytes(pngs[size])
    shutil.copy2(ICON_SVG, out / "modeller.svg")
    (out / "modeller.ico").write_bytes(make_ico({s: pngs[s] for s in ICO_SIZES}))
    icns = out / "modeller.icns"
    iconutil = shutil.which("iconutil") if sys.platform == "darwin" else None
    if iconutil:  # Apple's own tool, when there is one; same result, fewer surprises
        iconset = out / "modeller.iconset"
        shutil.rmtree(iconset, ignore_errors=True)
        iconset.mkdir()
        for base in (16, 32, 128, 256, 512):
            (iconset / f"icon_{base}x{base}.png").write_bytes(pngs[base])
            (iconset / f"icon_{base}x{base}@2x.png").write_bytes(pngs[base * 2])
        run([iconutil, "-c", "icns", "-o", icns, iconset])
    else:
        icns.write_bytes(make_icns(pngs))
    return paths


# ---------------------------------------------------------------------------------------
# PyInstaller


def run_pyinstaller(clean: bool) -> Path:
    """One-folder build with modeller.spec; returns packaging/dist/modeller."""
    log("PyInstaller (one-folder)")
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", DIST, "--workpath", WORK / "pyinstaller", SPEC]
    if clean:
        cmd.insert(4, "--clean")
    env = dict(os.environ, MODELLER_ICON_DIR=str(ICON_DIR))
    run(cmd, cwd=ROOT, env=env)
    bundle = DIST / "modeller"
    if not bundle.is_dir():
        raise SystemExit(f"build.py: PyInstaller left no {bundle}")
    return bundle


def cli_executable() -> Path:
    """The bundled executable that prints to a console."""
    if sys.platform.startswith("win"):
        return DIST / "modeller" / "modeller-cli.exe"
    if sys.platform == "darwin":
        return DIST / "Modeller.app" / "Contents" / "MacOS" / "modeller"
    return DIST / "modeller" / "modeller"


def smoke_test(exe: Path, version: str, runs: int = 5) -> float:
    """``--version`` must print the version; returns the median wall time in seconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True,
                              timeout=60)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0 or version not in proc.stdout:
            raise SystemExit(f"build.py: {exe} --version gave exit {proc.returncode}: "
                             f"{proc.stdout.strip()} {proc.stderr.strip()}")
    return statistics.median(times)


# ---------------------------------------------------------------------------------------
# Linux: .deb and portable tar.gz


def strip_interpreter(bundle: Path) -> int:
    """Strip the interpreter's own ELF files (libpython: 22 MB -> 5.5 MB, lib-dynload), the
    only unstripped ones; returns the bytes saved. Wheel-vendored libraries are left alone:
    stripping auditwheel/patchelf output (numpy.libs' OpenBLAS) makes it unloadable."""
    strip = shutil.which("strip")
    if not strip or not sys.platform.startswith("linux"):
        return 0
    targets = [p for p in bundle.rglob("libpython3*.so*") if p.is_file() and not p.is_symlink()]
    targets += [p for p in bundle.rglob("*.so") if p.parent.name == "lib-dynload" and p.is_file()]
    before = sum(p.stat().st_size for p in targets)
    for path in sorted(targets):
        run([strip, "--strip-unneeded", path])
    return before - sum(p.stat().st_size for p in targets)


def remove_dangling_links(bundle: Path) -> list[str]:
    """Remove symlinks whose target is not bundled (PyInstaller links top-level names to
    Qt libraries the spec then prunes); returns their paths relative to the bundle."""
    gone = []
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() and not path.exists():
            gone.append(path.relative_to(bundle).as_posix())
            path.unlink()
    return gone


def deb_architecture() -> str:
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def glibc_by_file(bundle: Path) -> dict[Path, tuple[int, ...]]:
    """Each bundled ELF file and the highest GLIBC_x.y symbol version it asks for."""
    objdump = shutil.which("objdump")
    if not objdump:
        return {}
    out_by_file: dict[Path, tuple[int, ...]] = {}
    for path in sorted(bundle.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
        out = subprocess.run([objdump, "-p", str(path)], capture_output=True, text=True).stdout
        versions = [tuple(int(x) for x in v.split("."))
                    for v in re.findall(r"\bGLIBC_(\d+(?:\.\d+)+)\b", out)]
        if versions:
            out_by_file[path] = max(versions)
    return out_by_file


def glibc_needed(bundle: Path) -> str | None:
    """The highest GLIBC_x.y symbol version any bundled ELF file asks for (via objdump);
    names the files above MAX_GLIBC, which keep the .deb off older systems."""
    by_file = glibc_by_file(bundle)
    if not by_file:
        return None
    over = {p: v for p, v in by_file.items() if v > MAX_GLIBC}
    for p, v in sorted(over.items()):
        log(f"warning: {p.relative_to(bundle)} needs GLIBC_{'.'.join(map(str, v))} "
            f"(> {'.'.join(map(str, MAX_GLIBC))}): add it to HOST_LIBRARIES in modeller.spec")
    return ".".join(map(str, max(by_file.values())))


def control_file(version: str, arch: str, installed_kib: int, glibc: str | None) -> str:
    """DEBIAN/control from linux/control (placeholders @VERSION@ @ARCH@ @SIZE@ @GLIBC@)."""
    text = (HERE / "linux" / "control").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("#")) + "\n"
    libc = f"libc6 (>= {glibc})" if glibc else "libc6"
    return (text.replace("@VERSION@", version).replace("@ARCH@", arch)
            .replace("@SIZE@", str(installed_kib)).replace("@LIBC@", libc))


def normalise_modes(root: Path) -> None:
    """Directories 755, executables 755, everything else 644 (PyInstaller copies modes)."""
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            p = Path(dirpath, d)
            if not p.is_symlink():
                p.chmod(0o755)
        for f in filenames:
            p = Path(dirpath, f)
            if p.is_symlink():
                continue
            p.chmod(0o755 if p.stat().st_mode & 0o111 else 0o644)
    root.chmod(0o755)


def install_desktop_files(share: Path, icons: Mapping[int, Path]) -> None:
    """The freedesktop pieces under a ``share`` folder: .desktop, icons, MIME type."""
    (share / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / "linux" / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop")
    (share / "mime" / "packages").mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / "linux" / f"{APP_ID}-mime.xml", share / "mime" / "packages" / f"{APP_ID}.xml")
    mime_icon = MIME_TYPE.replace("/", "-")
    hicolor = share / "icons" / "hicolor"
    for size, png in icons.items():
        for context, name in (("apps", APP_ID), ("mimetypes", mime_icon)):
            dest = hicolor / f"{size}x{size}" / context
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(png, dest / f"{name}.png")
    for context, name in (("apps", APP_ID), ("mimetypes", mime_icon)):
        dest = hicolor / "scalable" / context
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ICON_SVG, dest / f"{name}.svg")


def dir_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def build_deb(bundle: Path, version: str, icons: Mapping[int, Path]) -> Path:
    """/opt/modeller + /usr/bin/modeller + desktop integration, built with dpkg-deb."""
    dpkg_deb = shutil.which("dpkg-deb")
    if not dpkg_deb:
        raise SystemExit("build.py: dpkg-deb not found (Debian/Ubuntu: apt-get install dpkg)")
    log("Debian package")
    stage = WORK / "deb" / "root"
    shutil.rmtree(stage.parent, ignore_errors=True)
    shutil.copytree(bundle, stage / "opt" / APP_ID, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    os.symlink(f"/opt/{APP_ID}/{APP_ID}", stage / "usr" / "bin" / APP_ID)
    install_desktop_files(stage / "usr" / "share", icons)
    doc = stage / "usr" / "share" / "doc" / APP_ID
    doc.mkdir(parents=True)
    shutil.copy2(HERE / "linux" / "copyright", doc / "copyright")  # machine-readable (DEP-5)
    normalise_modes(stage)

    md5 = []
    for path in sorted(stage.rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - dpkg's format
            md5.append(f"{digest}  {path.relative_to(stage).as_posix()}")
    arch = deb_architecture()
    debian = stage / "DEBIAN"
    debian.mkdir()
    (debian / "md5sums").write_text("\n".join(md5) + "\n")
    installed_kib = (dir_size(stage) + 1023) // 1024
    (debian / "control").write_text(control_file(version, arch, installed_kib, glibc_needed(bundle)))
    for f in debian.iterdir():
        f.chmod(0o644)
    debian.chmod(0o755)

    out = DIST / f"{APP_ID}_{version}_{arch}.deb"
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(source_date_epoch()))  # clamps file times
    method, _, level = DEB_COMPRESSION.partition(":")
    run([dpkg_deb, "--build", "--root-owner-group", f"-Z{method}", *([f"-z{level}"] if level else []),
         stage, out], env=env)
    return out


def build_tarball(bundle: Path, version: str, icons: Mapping[int, Path]) -> Path:
    """A portable folder: the app, its desktop files and install-user.sh, as tar.gz."""
    log("portable tar.gz")
    name = f"{APP_ID}-{version}-linux-{platform.machine()}"
    stage = WORK / "tar" / name
    shutil.rmtree(stage.parent, ignore_errors=True)
    shutil.copytree(bundle, stage, symlinks=True)
    install_desktop_files(stage / "share", icons)
    shutil.copy2(HERE / "linux" / "install-user.sh", stage / "install-user.sh")
    (stage / "install-user.sh").chmod(0o755)
    for notice in ("LICENSE", "NOTICE"):  # the full texts are in _internal/licenses
        shutil.copy2(ROOT / notice, stage / notice)
    normalise_modes(stage)
    out = DIST / f"{name}.tar.gz"
    write_tar_gz(stage, out, mtime=source_date_epoch())
    return out


def write_tar_gz(folder: Path, out: Path, mtime: int) -> None:
    """tar.gz with sorted entries, root ownership and one timestamp: same input, same bytes."""
    import gzip

    def norm(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mtime = mtime
        return info

    paths = [folder, *sorted(folder.rglob("*"))]
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=mtime,
                                               filename="") as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar:
            for path in paths:
                arcname = path.relative_to(folder.parent).as_posix()
                tar.add(path, arcname=arcname, recursive=False, filter=norm)


def write_zip(folder: Path, out: Path, mtime: int, base: str | None = None) -> None:
    """A zip with sorted entries, one timestamp and plain modes: same input, same bytes.
    ``base``: the folder name inside the archive (default: the folder's own name)."""
    import zipfile

    stamp = time.gmtime(max(mtime, 315532800))[:6]  # zip dates start in 1980
    top = base if base is not None else folder.name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            name = f"{top}/{rel}" if top else rel
            if path.is_dir():
                info = zipfile.ZipInfo(name + "/", stamp)
                info.external_attr = (0o40755 << 16) | 0x10
                zf.writestr(info, b"")
                continue
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = (0o100755 if os.access(path, os.X_OK) else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())


def normalise_zip_in_place(path: Path, mtime: int) -> None:
    """Rewrite a zip (PyInstaller's base_library.zip) with sorted entries and one time;
    the bytes of each entry are unchanged."""
    import zipfile

    stamp = time.gmtime(max(mtime, 315532800))[:6]
    with zipfile.ZipFile(path) as src:
        entries = sorted((i.filename, src.read(i.filename), i.compress_type) for i in src.infolist())
    tmp = path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as dst:
        for name, data, method in entries:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = method
            info.external_attr = 0o100644 << 16
            dst.writestr(info, data)
    os.replace(tmp, path)


def source_date_epoch() -> int:
    """The last commit's time (or SOURCE_DATE_EPOCH): archive timestamps that don't drift."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 0


# ---------------------------------------------------------------------------------------
# Windows: Inno Setup installer and a zip


def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
        if base and Path(base, "Inno Setup 6", "ISCC.exe").is_file():
            return str(Path(base, "Inno Setup 6", "ISCC.exe"))
    return None


def build_windows(bundle: Path, version: str) -> list[Path]:
    outputs = []
    log("zip of the app folder")
    zip_out = DIST / f"Modeller-{version}-windows-x64.zip"
    write_zip(bundle, zip_out, source_date_epoch())
    outputs.append(zip_out)
    iscc = find_iscc()
    if not iscc:
        raise SystemExit("build.py: Inno Setup's ISCC.exe not found (choco install innosetup, "
                         "or run with --no-installer)")
    log("Inno Setup installer")
    run([iscc, "/Q", f"/DAppVersion={version}", f"/DSourceDir={bundle}", f"/DOutputDir={DIST}",
         f"/DIconFile={ICON_DIR / 'modeller.ico'}", HERE / "windows" / "modeller.iss"])
    outputs.append(DIST / f"Modeller-{version}-windows-x64-setup.exe")
    return outputs


# ---------------------------------------------------------------------------------------
# macOS: .dmg of the .app


def build_dmg(version: str) -> Path:
    app = DIST / "Modeller.app"
    if not app.is_dir():
        raise SystemExit(f"build.py: PyInstaller left no {app}")
    log("disk image (hdiutil)")
    stage = WORK / "dmg"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    run(["ditto", app, stage / "Modeller.app"])  # keeps symlinks and code signatures
    os.symlink("/Applications", stage / "Applications")  # drag here to install
    out = DIST / f"Modeller-{version}-macos-{platform.machine()}.dmg"
    run(["hdiutil", "create", "-volname", f"Modeller {version}", "-srcfolder", stage,
         "-ov", "-format", "UDZO", out])
    return out


# ---------------------------------------------------------------------------------------


def human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--no-installer", action="store_true",
                   help="build the one-folder app only (no .deb/.tar.gz, .exe setup or .dmg)")
    p.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    p.add_argument("--no-venv", action="store_true",
                   help="use the running Python as it is (it must have requirements-build.txt)")
    p.add_argument("--venv", type=Path,
                   default=Path(os.environ.get("MODELLER_BUILD_VENV", "")
                                or Path(tempfile.gettempdir()) / "modeller-build-venv"),
                   help="where the build venv lives (default: %(default)s)")
    p.add_argument("--python", default=sys.executable,
                   help="the interpreter the build venv is made from (default: this one)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.no_venv and os.environ.get(IN_VENV_FLAG) != "1":
        py = ensure_build_venv(args.venv, args.python)
        env = dict(os.environ, **{IN_VENV_FLAG: "1"})
        cmd = [str(py), str(Path(__file__).resolve()), *(argv if argv is not None else sys.argv[1:])]
        return subprocess.run(cmd, env=env).returncode

    started = time.perf_counter()
    version = read_version()
    log(f"Modeller {version} on {sys.platform} ({platform.machine()}), Python {platform.python_version()}")
    DIST.mkdir(parents=True, exist_ok=True)
    icons = build_icons(ICON_DIR)
    bundle = run_pyinstaller(args.clean)
    dangling = remove_dangling_links(bundle)
    if dangling:
        log(f"removed {len(dangling)} links to pruned libraries: {', '.join(dangling)}")
    saved = strip_interpreter(bundle)
    if saved:
        log(f"stripped the interpreter's own libraries: {human(saved)} less")
    if sys.platform != "darwin":  # (macOS: the .app is signed; a rewrite would break it)
        for base_library in bundle.rglob("base_library.zip"):  # entry order varies by build
            normalise_zip_in_place(base_library, source_date_epoch())
    exe = cli_executable()
    startup = smoke_test(exe, version)

    outputs: list[Path] = []
    if not args.no_installer:
        if sys.platform.startswith("linux"):
            outputs += [build_deb(bundle, version, icons), build_tarball(bundle, version, icons)]
        elif sys.platform.startswith("win"):
            outputs += build_windows(bundle, version)
        elif sys.platform == "darwin":
            outputs.append(build_dmg(version))

    app = DIST / "Modeller.app" if sys.platform == "darwin" else bundle
    print()
    log(f"done in {time.perf_counter() - started:.0f} s")
    files = sum(1 for p in app.rglob("*") if p.is_file())
    print(f"  app folder   {app}  ({human(dir_size(app))}, {files} files)")
    print(f"  executable   {exe}  (--version median of 5: {startup * 1000:.0f} ms)")
    for out in outputs:
        print(f"  installer    {out}  ({human(out.stat().st_size)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
