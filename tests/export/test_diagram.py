"""Pictures of a design with its numbers: PNG/SVG/PDF content, sizes, the legend, the CLI."""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

import numpy as np  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402

from modeller.analysis import analyze  # noqa: E402
from modeller.export import add_commands, export_command  # noqa: E402
from modeller.export import diagram as D  # noqa: E402
from modeller.model import design_from_dict, load_design  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "resources" / "examples" / "multi-az.arch.json"
SVG_NS = "{http://www.w3.org/2000/svg}"
WHEN = "2025-06-01 12:00"


@pytest.fixture(scope="module")
def shop():  # noqa: ANN201
    design = load_design(EXAMPLE)
    return design, analyze(design, simulation_years=0, sweeps=False)


def _tall():  # noqa: ANN202
    """A vertical chain: taller than wide, so the legend goes beside it."""
    nodes = [{"id": "users", "kind": "client", "name": "Users", "x": 0, "y": 0,
              "demand_rps": 100, "slo": {"availability": 0.999}}]
    links = []
    prev = "users"
    for i in range(6):
        nodes.append({"id": f"s{i}", "kind": "service", "name": f"Step {i}", "x": 0,
                      "y": 140 * (i + 1), "availability": 0.9995, "capacity_rps": 400})
        links.append({"from": prev, "to": f"s{i}"})
        prev = f"s{i}"
    design = design_from_dict({"format": "modeller.design", "version": 1, "name": "Tall",
                               "nodes": nodes, "links": links})
    return design, analyze(design, simulation_years=0, sweeps=False)


def _pixels(image: QImage) -> np.ndarray:
    """H x W x 4 (B, G, R, A) bytes of an ARGB32 image."""
    img = image.convertToFormat(QImage.Format.Format_ARGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return arr.reshape(img.height(), img.bytesPerLine() // 4, 4)[:, : img.width()].copy()


def _count(pixels: np.ndarray, colour: str) -> int:
    c = QColor(colour)
    want = np.array([c.blue(), c.green(), c.red(), 255], dtype=np.uint8)
    return int(np.all(pixels == want, axis=-1).sum())


# -- SVG -------------------------------------------------------------------------------
def test_svg_keeps_every_name_and_nines_as_text(qapp, shop) -> None:  # noqa: ANN001
    design, report = shop
    svg = D.svg_text(design, report, source="multi-az.arch.json", generated=WHEN)
    root = ET.fromstring(svg)
    texts = [(e.text or "").strip() for e in root.iter(SVG_NS + "text")]
    for node in design.nodes.values():
        assert node.name in texts, node.name
    for nid, res in report.nodes.items():
        if design.nodes[nid].kind == "client":
            continue
        nines = f"{res.nines:.2f} nines"
        assert any(nines in t for t in texts), (nid, nines)
    for cid, res in report.clients.items():
        assert any(f"{res.nines:.2f} nines" in t for t in texts), cid
    # the legend: name, system nines, downtime, SPOF names, file and date
    assert design.name in texts
    assert any(t.endswith(f"{report.system.nines:.2f} nines") for t in texts)
    spof_line = next(t for t in texts if "Orders DB" in t and "," in t)
    assert [s.strip() for s in spof_line.split(",")] == [design.nodes[x].name for x in report.spofs]
    assert any("multi-az.arch.json" in t and WHEN in t for t in texts)
    # vector: text stays text; only the kind icons are bitmaps (one per box, one per
    # replica chip: 3 + 3 + 2 chips for the three spread tiers)
    assert len(list(root.iter(SVG_NS + "image"))) == len(design.nodes) + 8
    families = set(re.findall(r'font-family="([^"]*)"', svg))
    assert families and all(f.endswith("sans-serif") for f in families), families
    w, h = (float(x) for x in root.get("viewBox").split()[2:])
    assert w > 1200 and h > 370  # the 1200 x 370 design plus margins and the legend


def test_svg_has_no_selection_or_grid(qapp, shop) -> None:  # noqa: ANN001
    """The selection blue (#2563eb at 2.5 px) and the grid dots never reach a picture."""
    design, report = shop
    svg = D.svg_text(design, report)
    assert 'stroke-width="2.5"' not in svg
    assert "#d5dbe3" not in svg.lower()  # style.GRID_DOT


# -- PNG -------------------------------------------------------------------------------
def test_png_scale_doubles_the_size_and_shows_badges(qapp, shop) -> None:  # noqa: ANN001
    design, report = shop
    one = D.render_image(design, report, scale=1, generated=WHEN)
    two = D.render_image(design, report, scale=2, generated=WHEN)
    assert (two.width(), two.height()) == (2 * one.width(), 2 * one.height())
    assert 1200 < one.width() < 1400 and 370 < one.height() < 800
    px = _pixels(one)
    # badge fills: green (within SLO) on most boxes, amber on the session cache
    assert _count(px, "#dcfce7") > 2000
    assert _count(px, "#fef3c7") > 200
    # the legend's green box (SLO met) below the diagram
    assert _count(px, "#f0fdf4") > 20000


def test_png_background_white_or_transparent(qapp, shop) -> None:  # noqa: ANN001
    design, report = shop
    white = QImage.fromData(D.png_bytes(design, report, scale=1))
    clear = QImage.fromData(D.png_bytes(design, report, scale=1, transparent=True))
    assert white.size() == clear.size() and not white.isNull()
    for x, y in ((0, 0), (white.width() - 1, white.height() - 1)):
        c = white.pixelColor(x, y)
        assert (c.red(), c.green(), c.blue(), c.alpha()) == (255, 255, 255, 255)
        assert clear.pixelColor(x, y).alpha() == 0
    # the boxes, the region and the legend are painted in both
    assert (_pixels(clear)[:, :, 3] > 0).mean() > 0.5


def test_huge_scale_is_reduced_not_crashing(qapp, shop) -> None:  # noqa: ANN001
    design, report = shop
    img = D.render_image(design, report, scale=40)
    assert img.width() * img.height() <= D.MAX_PIXELS
    assert max(img.width(), img.height()) <= D.MAX_SIDE_PX
    with pytest.raises(D.DiagramError):
        D.render_image(design, report, scale=0)


# -- PDF -------------------------------------------------------------------------------
def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _media_box(pdf: bytes) -> tuple[float, float]:
    m = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert m, "no MediaBox"
    return float(m.group(1)), float(m.group(2))


def test_pdf_is_one_page_sized_to_the_diagram(qapp, shop) -> None:  # noqa: ANN001
    design, report = shop
    pdf = D.pdf_bytes(design, report, generated=WHEN)
    assert pdf.startswith(b"%PDF-")
    assert _pages(pdf) == 1
    w, h = _media_box(pdf)
    png = D.render_image(design, report, scale=1, generated=WHEN)
    # one canvas pixel is 1/96 inch = 0.75 pt: the page is the picture, landscape here
    assert w == pytest.approx(png.width() * 0.75, abs=1.5)
    assert h == pytest.approx(png.height() * 0.75, abs=1.5)
    assert w > h
    tall, tall_report = _tall()
    tw, th = _media_box(D.pdf_bytes(tall, tall_report))
    assert th > tw  # portrait for a tall diagram


def test_pdf_renders_and_keeps_text(qapp, shop, tmp_path) -> None:  # noqa: ANN001
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    design, report = shop
    src = tmp_path / "d.pdf"
    src.write_bytes(D.pdf_bytes(design, report))
    subprocess.run(["pdftoppm", "-png", "-r", "72", str(src), str(tmp_path / "page")], check=True,
                   timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    img = QImage(str(pages[0]))
    w, h = _media_box(src.read_bytes())
    assert abs(img.width() - w) <= 2 and abs(img.height() - h) <= 2
    assert _count(_pixels(img), "#dcfce7") > 500  # badges drawn
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(src), "-"], capture_output=True, text=True,
                              check=True, timeout=60).stdout
        for node in design.nodes.values():
            assert node.name in text
        assert f"{report.system.nines:.2f} nines" in text


# -- layout and legend -----------------------------------------------------------------
def test_legend_below_a_wide_and_beside_a_tall_diagram(qapp, shop) -> None:  # noqa: ANN001
    design, report = shop
    scene = D.diagram_scene(design, report)
    wide = D._page(scene, D.legend_content(design, report))
    assert wide.legend_at.y() >= wide.target.bottom() + D.GAP - 0.5
    assert wide.legend_at.x() == pytest.approx(wide.target.left())
    tall, tall_report = _tall()
    tscene = D.diagram_scene(tall, tall_report)
    side = D._page(tscene, D.legend_content(tall, tall_report))
    assert side.legend_at.x() >= side.target.right() + D.GAP - 0.5
    assert side.legend_at.y() == pytest.approx(side.target.top())
    for page in (wide, side):
        assert page.legend is not None
        assert page.legend_at.x() + page.legend.width <= page.width + 0.5
        assert page.legend_at.y() + page.legend.height <= page.height + 0.5
        # nothing is cropped: every box is inside the shown part of the scene
    for item in scene.node_items().values():
        assert wide.source.contains(item.sceneBoundingRect())


def test_scene_shows_the_report_badges_and_no_selection(qapp, shop) -> None:  # noqa: ANN001
    design, report = shop
    scene = D.diagram_scene(design, report)
    assert scene.selectedItems() == []
    db = [b for b in scene.badges("db") if b.label == "serves"]
    assert db and db[0].text.endswith(f"{report.nodes['db'].nines:.2f} nines")
    assert scene.design is not design  # a copy: the window's design is never touched


def test_legend_content_reads_like_the_banner(shop) -> None:  # noqa: ANN001
    design, report = shop
    c = D.legend_content(design, report, source="multi-az.arch.json", generated=WHEN)
    assert c.title == design.name and c.state == "ok"
    values = [m.value for m in c.metrics]
    s = report.system
    assert values[0] == f"99.955 % · {s.nines:.2f} nines"  # the one formatting rule
    assert values[1] == "3 h 57 min" and values[2] == f"{s.headroom:.2f}×"
    assert values[3] == str(len(report.spofs)) == "3"  # (v2) lb, the db's window, the region
    assert c.lines[0] == ("Single points of failure:",
                          "Application LB, Orders DB, eu-west-1")
    assert c.lines[1][0] == "Bottleneck:" and c.lines[1][1].startswith("Orders DB (util 60 %")
    assert c.footer.startswith(f"multi-az.arch.json · {WHEN} · Modeller ")


def test_no_report_still_draws_the_boxes(qapp) -> None:  # noqa: ANN001
    design = design_from_dict({"format": "modeller.design", "version": 1, "name": "Sketch",
                               "nodes": [{"id": "a", "kind": "service", "x": 0, "y": 0}]})
    c = D.legend_content(design, None)
    assert c.metrics == [] and "add a client" in c.message
    root = ET.fromstring(D.svg_text(design, None))
    texts = [(e.text or "").strip() for e in root.iter(SVG_NS + "text")]
    assert "a" in texts and "Sketch" in texts and not any("nines" in t for t in texts)
    empty = design_from_dict({"format": "modeller.design", "version": 1, "name": "Empty"})
    img = D.render_image(empty, None, scale=1)
    assert not img.isNull() and img.width() >= D.LEGEND_MIN_W


@pytest.mark.parametrize(("env", "platform", "want"), [
    ({}, "linux", True),
    ({"DISPLAY": ":0"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", False),
    ({}, "freebsd14", True),
    ({}, "darwin", False),
    ({}, "win32", False),
])
def test_needs_offscreen(env: dict[str, str], platform: str, want: bool) -> None:
    assert D.needs_offscreen(env, platform) is want


# -- the command line ------------------------------------------------------------------
def _headless_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display detection is Linux's")
def test_cli_exports_pictures_without_a_display(tmp_path: Path) -> None:
    """`modeller export` in a fresh process with no DISPLAY: PNG (scale 1 and 2), SVG, PDF."""
    outs = {"png1": tmp_path / "one.png", "png2": tmp_path / "two.png",
            "svg": tmp_path / "d.svg", "pdf": tmp_path / "d.pdf", "clear": tmp_path / "clear.png"}
    code = (
        "import sys\nfrom modeller.cli import main\n"
        f"args = {json.dumps([str(EXAMPLE)])}[0]\n"
        "codes = [\n"
        f"  main(['export', args, '-o', {str(outs['png1'])!r}, '--scale', '1']),\n"
        f"  main(['export', args, '-o', {str(outs['png2'])!r}]),\n"
        f"  main(['export', args, '-o', {str(outs['svg'])!r}]),\n"
        f"  main(['export', args, '-o', {str(outs['pdf'])!r}]),\n"
        f"  main(['export', args, '-o', {str(outs['clear'])!r}, '--scale', '1', '--transparent']),\n"
        "]\n"
        "import os\nprint(codes, os.environ.get('QT_QPA_PLATFORM'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=_headless_env(), capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[:5] == ["[0,", "0,", "0,", "0,", "0]"], proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("offscreen")  # chosen automatically
    one, two = QImage(str(outs["png1"])), QImage(str(outs["png2"]))
    assert not one.isNull() and (two.width(), two.height()) == (2 * one.width(), 2 * one.height())
    assert QImage(str(outs["clear"])).pixelColor(0, 0).alpha() == 0
    assert one.pixelColor(0, 0).alpha() == 255
    assert ET.fromstring(outs["svg"].read_text(encoding="utf-8")).tag == SVG_NS + "svg"
    pdf = outs["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF-") and _pages(pdf) == 1
    if hasattr(os, "getuid"):
        assert outs["png1"].stat().st_mode & 0o044  # readable like any new file, not 0600


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display detection is Linux's")
def test_cli_ignores_a_stale_display(tmp_path: Path) -> None:
    """A DISPLAY left over from an SSH session must not abort a headless export."""
    out = tmp_path / "d.pdf"
    env = {**_headless_env(), "DISPLAY": ":97"}  # no X server answers there
    proc = subprocess.run([sys.executable, "-m", "modeller", "export", str(EXAMPLE), "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF-")


def test_cli_markdown_export_never_loads_qt(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    code = (
        "import sys\nfrom modeller.cli import main\n"
        f"code = main(['export', {str(EXAMPLE)!r}, '-o', {str(out)!r}, '--simulate', '0'])\n"
        "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'shiboken6'}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=_headless_env(), capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0 []"
    assert out.read_text(encoding="utf-8").startswith("# ")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="modeller")
    add_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_html_report_embeds_the_diagram(qapp, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "report.html"
    ns = _parse(["export", str(EXAMPLE), "-o", str(out), "--simulate", "0"])
    assert export_command(ns) == 0
    html = out.read_text(encoding="utf-8")
    assert html.index("<h2>Diagram</h2>") < html.index("<h2>Charts</h2>")
    m = re.search(r'<img alt="([^"]*)" width="(\d+)" height="(\d+)"[^>]*'
                  r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert m, "no inline PNG"
    img = QImage.fromData(base64.b64decode(m.group(4)))
    assert not img.isNull()
    assert (img.width(), img.height()) == (2 * int(m.group(2)), 2 * int(m.group(3)))
    assert "Web shop" in m.group(1)
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize(("extra", "message"), [
    (["-o", "{tmp}/out.gif"], "unknown export type .gif"),
    (["-o", "{tmp}/out.png", "--scale", "0"], "--scale 0"),
    (["-o", "{tmp}/out.png", "--scale", "99"], "at most 16"),
    (["-o", "{tmp}/no/such/dir/out.png"], "cannot be written"),
])
def test_picture_refusals_are_one_line(qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str],  # noqa: ANN001
                                       extra: list[str], message: str) -> None:
    ns = _parse(["export", str(EXAMPLE), *[a.format(tmp=tmp_path) for a in extra]])
    assert export_command(ns) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("modeller: ")
    assert not list(tmp_path.glob("out.*")) and not list(tmp_path.glob(".out*"))
