"""The packaging files agree with each other and with the app (text checks, no build).

The real build and install test is ``packaging/test_installed.sh`` (slow, needs root);
these catch the cheap mistakes first: a resource folder the spec does not bundle, a
desktop file key that is not in the spec, a file association that names another MIME
type than the shared-mime-info XML, an installer without an uninstaller.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import importlib.util
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "packaging"
MIME_TYPE = "application/x-modeller-design"
GLOB = "*.arch.json"


def read(rel: str) -> str:
    return (PKG / rel).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def build() -> ModuleType:
    """packaging/build.py as a module (the folder is not a package: ``packaging`` is
    also the name of a PyPI library)."""
    spec = importlib.util.spec_from_file_location("modeller_packaging_build", PKG / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spec_literal(name: str) -> object:
    """The literal value assigned to ``name`` at the top level of modeller.spec."""
    tree = ast.parse(read("modeller.spec"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"modeller.spec assigns no literal {name}")


def tiny_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + b"\x00\x00\x00\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# --- PyInstaller spec, entry script, build requirements ------------------------------------


def test_spec_bundles_the_resources_folder_where_resource_path_looks(tmp_path, monkeypatch):
    spec = read("modeller.spec")
    assert 'RESOURCES = ROOT / "resources"' in spec
    assert 'datas = [(str(RESOURCES), "resources")]' in spec
    for sub in ("examples", "icons"):  # the spec refuses to build without these
        assert (ROOT / "resources" / sub).is_dir()
    assert list((ROOT / "resources" / "examples").glob("*.arch.json"))

    # the layout the spec produces (<_MEIPASS>/resources/...) is the first place looked
    from modeller import resources

    bundled = tmp_path / "resources"
    (bundled / "examples").mkdir(parents=True)
    (bundled / "examples" / "multi-az.arch.json").write_text("{}")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_roots()[0] == bundled
    assert resources.example_path() == bundled / "examples" / "multi-az.arch.json"


def test_spec_uses_the_entry_script_and_collects_the_whole_package():
    spec = read("modeller.spec")
    assert '[str(HERE / "entry.py")]' in spec
    assert 'collect_submodules("modeller")' in spec  # GUI and exporters are lazy imports
    assert "pathex=[str(ROOT)]" in spec
    entry = ast.parse(read("entry.py"))
    imports = [n for n in ast.walk(entry) if isinstance(n, ast.ImportFrom)]
    assert any(n.module == "modeller.cli" and [a.name for a in n.names] == ["main"]
               for n in imports)
    calls = {n.func.attr for n in ast.walk(entry)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert {"freeze_support", "exit"} <= calls


def test_spec_excludes_no_qt_module_the_app_imports():
    excludes = set(spec_literal("excludes"))
    for heavy in ("PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtMultimedia",
                  "PySide6.QtQml", "PySide6.QtQuick", "tkinter"):
        assert heavy in excludes
    used: set[str] = set()
    for path in (ROOT / "modeller").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= {f"PySide6.{m}" for m in re.findall(r"PySide6\.(Qt\w+)", text)}
        used |= {f"PySide6.{m}" for line in re.findall(r"from PySide6 import ([^\n]+)", text)
                 for m in re.findall(r"Qt\w+", line)}
    # pyqtgraph imports these unconditionally; QtSvg and QtPrintSupport are kept on purpose
    used |= {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSvg",
             "PySide6.QtPrintSupport"}
    assert "PySide6.QtWidgets" in used
    assert not used & excludes, f"the spec excludes modules the app uses: {used & excludes}"


def test_spec_keeps_the_qt_plugins_a_desktop_app_needs():
    keep = spec_literal("KEEP_PLUGINS")
    assert isinstance(keep, dict)
    for platform in ("offscreen", "minimal", "xcb", "wayland", "windows", "cocoa"):
        assert platform in keep["platforms"]
    for fmt in ("svg", "jpeg"):
        assert fmt in keep["imageformats"]
    assert keep["iconengines"] is None and keep["styles"] is None  # whole folders


def test_build_requirements_are_pinned_and_cover_the_runtime_dependencies():
    lines = [ln.split("#")[0].strip() for ln in read("requirements-build.txt").splitlines()]
    pins = dict(ln.split("==", 1) for ln in lines if ln)
    assert all(re.fullmatch(r"\d+(\.\d+)+", v) for v in pins.values()), pins
    assert "pyinstaller" in {k.lower() for k in pins}
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    deps_block = re.search(r"^dependencies = \[(.*?)\]", pyproject, re.S | re.M)
    assert deps_block
    runtime = re.findall(r'"([A-Za-z0-9_.-]+)', deps_block.group(1))
    assert runtime
    pinned = {k.lower() for k in pins}
    assert {r.lower() for r in runtime} <= pinned


# --- icons -----------------------------------------------------------------------------------


def test_app_icon_svg_is_square_and_self_contained():
    tree = ET.parse(PKG / "icons" / "modeller.svg")
    root = tree.getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    x, y, w, h = (float(v) for v in root.attrib["viewBox"].split())
    assert w == h > 0
    tags = {el.tag.split("}")[-1] for el in root.iter()}
    assert "text" not in tags  # renders the same without fonts
    for el in root.iter():
        for key, value in el.attrib.items():
            if key.endswith("href"):
                assert value.startswith("#"), "nothing is fetched at render time"


def test_ico_writer_makes_a_valid_multi_size_icon(build):
    pngs = {s: tiny_png(s, s) for s in (16, 32, 256)}
    ico = build.make_ico(pngs)
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 3)
    seen = []
    for i in range(count):
        w, h, _, _, planes, bpp, size, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * i: 22 + 16 * i])
        payload = ico[offset: offset + size]
        assert payload == pngs[w or 256]
        assert build.png_size(payload) == ((w or 256), (h or 256))
        assert (planes, bpp) == (1, 32)
        seen.append(w or 256)
    assert seen == [16, 32, 256]
    assert len(ico) == 6 + 16 * 3 + sum(len(p) for p in pngs.values())


def test_icns_writer_makes_a_valid_container(build):
    pngs = {s: tiny_png(s, s) for s in (16, 32, 64, 128, 256, 512, 1024)}
    icns = build.make_icns(pngs)
    assert icns[:4] == b"icns"
    assert struct.unpack(">I", icns[4:8])[0] == len(icns)
    pos, kinds = 8, {}
    while pos < len(icns):
        kind, length = icns[pos:pos + 4], struct.unpack(">I", icns[pos + 4:pos + 8])[0]
        kinds[kind] = build.png_size(icns[pos + 8:pos + length])[0]
        pos += length
    assert pos == len(icns)
    assert kinds[b"ic07"] == 128 and kinds[b"ic10"] == 1024 and kinds[b"icp4"] == 16
    assert len(kinds) == len(build.ICNS_TYPES)


# --- Linux: .desktop, shared-mime-info, control ------------------------------------------------

# keys of the Desktop Entry Specification 1.5 (section "Recognized desktop entry keys")
DESKTOP_KEYS = {
    "Type", "Version", "Name", "GenericName", "NoDisplay", "Comment", "Icon", "Hidden",
    "OnlyShowIn", "NotShowIn", "DBusActivatable", "TryExec", "Exec", "Path", "Terminal",
    "Actions", "MimeType", "Categories", "Implements", "Keywords", "StartupNotify",
    "StartupWMClass", "URL", "PrefersNonDefaultGPU", "SingleMainWindow",
}
MAIN_CATEGORIES = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game",
                   "Graphics", "Network", "Office", "Science", "Settings", "System", "Utility"}


def desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)  # duplicates raise
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read_string(read("linux/modeller.desktop"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_desktop_file_has_only_valid_keys_and_opens_designs():
    entry = desktop_entry()
    for key in entry:
        base = key.split("[")[0]  # localised keys: Name[de]
        assert base in DESKTOP_KEYS or base.startswith("X-"), f"unknown key {key}"
    assert entry["Type"] == "Application"
    assert entry["Version"] in {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"}
    assert entry["Icon"] == "modeller"  # the name the hicolor PNGs are installed under
    assert entry["Terminal"] == "false"
    exec_words = entry["Exec"].split()
    assert exec_words[0] == "modeller" and exec_words[-1] in {"%f", "%F"}
    for key in ("MimeType", "Categories", "Keywords"):
        assert entry[key].endswith(";"), f"{key} is a list: it ends with ';'"
    assert MIME_TYPE in entry["MimeType"].split(";")
    assert len(set(entry["Categories"].split(";")) & MAIN_CATEGORIES) == 1


def test_mime_xml_declares_the_design_type_with_its_glob():
    ns = "{http://www.freedesktop.org/standards/shared-mime-info}"
    root = ET.fromstring(read("linux/modeller-mime.xml"))
    assert root.tag == f"{ns}mime-info"
    types = {t.attrib["type"]: t for t in root.findall(f"{ns}mime-type")}
    assert set(types) == {MIME_TYPE}
    design = types[MIME_TYPE]
    globs = [g.attrib["pattern"] for g in design.findall(f"{ns}glob")]
    assert globs == [GLOB]
    assert int(design.find(f"{ns}glob").attrib.get("weight", "50")) > 50  # beats *.json
    assert design.find(f"{ns}sub-class-of").attrib["type"] == "application/json"
    assert design.find(f"{ns}comment").text
    assert fnmatch.fnmatch("shop.arch.json", GLOB) and not fnmatch.fnmatch("shop.json", GLOB)


def test_control_template_fills_in_to_a_valid_control_file(build):
    text = build.control_file("1.2.3", "amd64", 4242, "2.36")
    assert "@" not in text.replace("<maintainers@", "<")  # every placeholder replaced
    fields: dict[str, str] = {}
    last = ""
    for line in text.rstrip("\n").split("\n"):
        if line.startswith(" "):
            fields[last] += "\n" + line
        else:
            last, value = line.split(":", 1)
            assert last not in fields
            fields[last] = value.strip()
    assert fields["Package"] == "modeller"
    assert fields["Version"] == "1.2.3" and fields["Architecture"] == "amd64"
    assert fields["Installed-Size"] == "4242"
    assert re.fullmatch(r".+ <[^@\s]+@[^>\s]+>", fields["Maintainer"])
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert depends[0] == "libc6 (>= 2.36)"
    # the libraries PyInstaller never bundles and the spec leaves to the host
    for pkg in ("libstdc++6", "libgl1", "libegl1", "libxcb1", "libfontconfig1",
                "libwayland-client0", "libxcb-icccm4", "libxcb-keysyms1"):
        assert pkg in depends
    assert "\n ." in fields["Description"]  # paragraph break in the long description
    assert "libc6 (>=" not in build.control_file("1", "amd64", 1, None)


# --- Windows: Inno Setup ------------------------------------------------------------------------


def inno_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in read("windows/modeller.iss").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def test_inno_setup_script_has_start_menu_association_and_uninstaller():
    iss = read("windows/modeller.iss")
    sec = inno_sections()
    setup = dict(line.split("=", 1) for line in sec["Setup"])
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["ChangesAssociations"] == "yes"
    assert setup.get("Uninstallable", "yes") == "yes"
    assert setup["UninstallDisplayIcon"] == r"{app}\{#AppExe}"
    assert setup["OutputBaseFilename"] == "Modeller-{#AppVersion}-windows-x64-setup"
    assert '#define AppExe "Modeller.exe"' in iss
    assert any(line.startswith(r'Name: "{group}\{#AppName}"') and r'{app}\{#AppExe}' in line
               for line in sec["Icons"])
    assert any("{uninstallexe}" in line for line in sec["Icons"])
    assert any(r'{#SourceDir}\*' in line and "recursesubdirs" in line for line in sec["Files"])
    reg = "\n".join(sec["Registry"])
    assert r'Subkey: "Software\Classes\{#ProgId}\shell\open\command"' in reg
    assert '""%1""' in reg
    assert r'Subkey: "Software\Classes\.json\OpenWithProgids"' in reg
    assert "uninsdeletekey" in reg and "uninsdeletevalue" in reg


def test_inno_names_match_the_spec_and_build_script():
    spec = read("modeller.spec")
    assert 'executable("Modeller", console=False' in spec  # Modeller.exe, the GUI
    assert 'executable("modeller-cli", console=True' in spec
    build_py = read("build.py")
    assert 'f"Modeller-{version}-windows-x64-setup.exe"' in build_py
    for define in ("AppVersion", "SourceDir", "OutputDir", "IconFile"):
        assert f"#ifndef {define}" in read("windows/modeller.iss")
        assert f'"/D{define}=' in build_py


# --- macOS: Info.plist --------------------------------------------------------------------------


def test_info_plist_declares_the_document_type():
    with (PKG / "macos" / "Info.plist").open("rb") as fh:
        plist = plistlib.load(fh)
    exported = {t["UTTypeIdentifier"]: t for t in plist["UTExportedTypeDeclarations"]}
    assert len(exported) == 1
    uti, decl = next(iter(exported.items()))
    tags = decl["UTTypeTagSpecification"]
    assert tags["public.filename-extension"] == ["arch.json"]
    assert tags["public.mime-type"] == [MIME_TYPE]
    assert "public.json" in decl["UTTypeConformsTo"]
    owners = [d for d in plist["CFBundleDocumentTypes"] if uti in d["LSItemContentTypes"]]
    assert len(owners) == 1
    assert owners[0]["LSHandlerRank"] == "Owner" and owners[0]["CFBundleTypeRole"] == "Editor"
    assert owners[0]["CFBundleTypeIconFile"] == "modeller.icns"  # the spec's icon("icns")
    spec = read("modeller.spec")
    assert 'HERE / "macos" / "Info.plist"' in spec and "info_plist=info_plist" in spec
    assert "argv_emulation=IS_MAC" in spec  # Finder's open-document event becomes argv


# --- CI workflow and shell scripts ------------------------------------------------------------


def test_workflow_builds_on_windows_and_macos_with_the_one_command():
    wf = (ROOT / ".github" / "workflows" / "build.yml").read_text(encoding="utf-8")
    assert re.search(r"os: windows-", wf) and re.search(r"os: macos-", wf)
    assert "run: python packaging/build.py" in wf
    assert "bash packaging/test_installed.sh" in wf
    assert "actions/upload-artifact@" in wf
    assert "\t" not in wf  # YAML forbids tabs for indentation


@pytest.mark.parametrize("script,shell", [("test_installed.sh", "bash"),
                                          ("linux/install-user.sh", "sh")])
def test_shell_scripts_parse(script: str, shell: str):
    if not shutil.which(shell):
        pytest.skip(f"no {shell}")
    proc = subprocess.run([shell, "-n", str(PKG / script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_installed_test_script_installs_removes_and_reports_counts():
    text = read("test_installed.sh")
    assert 'dpkg -i "$DEB"' in text and "dpkg -r modeller" in text
    assert "QT_QPA_PLATFORM=offscreen" in text
    assert 'echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"' in text
