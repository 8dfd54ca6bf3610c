"""File ▸ Export and File ▸ Import draw.io… driven through the real menu actions."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from modeller.analysis import analyze
from modeller.export import csv_report
from modeller.model import load_design
from modeller.ui.files.export_actions import LAST_DIR_KEY, ExportActions, install_export_actions
from modeller.ui.files.saving import settings

from .conftest import EXAMPLES, load, make_window, wait_report

NESTED = Path(__file__).resolve().parents[1] / "export" / "fixtures" / "checkout-nested.drawio"
SVG_NS = "{http://www.w3.org/2000/svg}"


def _menu_texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def _file_menu(window) -> QMenu:  # noqa: ANN001
    for a in window.menuBar().actions():
        if a.text() == "&File":
            return a.menu()
    raise AssertionError("no File menu")


@pytest.fixture
def shop(qtbot):  # noqa: ANN001, ANN201
    """A window showing the multi-AZ example, its live report in, the export actions installed."""
    w = make_window(qtbot)
    install_export_actions(w)
    design = load_design(EXAMPLES / "multi-az.arch.json")
    w._replace(design, None)
    wait_report(qtbot, w)
    return w


def _save_dialog(monkeypatch, target: Path, calls: list | None = None) -> None:  # noqa: ANN001
    def fake(parent, title, start, file_filter):  # noqa: ANN001, ANN202
        if calls is not None:
            calls.append((title, start, file_filter))
        return str(target), file_filter
    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)


def test_menu_has_export_submenu_and_import(qtbot) -> None:  # noqa: ANN001
    w = make_window(qtbot)
    install_export_actions(w)
    install_export_actions(w)  # twice: still one set
    file_menu = _file_menu(w)
    texts = _menu_texts(file_menu)
    assert texts.count("E&xport") == 1 and texts.count("&Import draw.io…") == 1
    # between Save As and Quit
    assert texts.index("Save &As…") < texts.index("&Import draw.io…") < texts.index("E&xport") \
        < texts.index("&Quit")
    export_menu = next(a.menu() for a in file_menu.actions() if a.text() == "E&xport")
    assert _menu_texts(export_menu) == ["&PNG Image…", "&SVG Image…", "P&DF…", "&HTML Report…",
                                        "&Markdown Report…", "&CSV…", "&draw.io…"]
    assert len(w.findChildren(ExportActions)) == 1


def test_export_png_from_the_menu(shop, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    target = tmp_path / "out" / "shop.png"
    target.parent.mkdir()
    calls: list = []
    _save_dialog(monkeypatch, target, calls)
    ex = shop.findChild(ExportActions)
    ex.actions["png"].trigger()
    img = QImage(str(target))
    assert not img.isNull() and img.width() > 2400  # scale 2 of a 1200-wide design
    assert str(target) in shop.statusBar().currentMessage()
    assert settings().value(LAST_DIR_KEY) == str(target.parent.resolve())
    title, start, file_filter = calls[0]
    assert title == "Export PNG image" and start.endswith("Web-shop-one-region-three-zones.png")
    assert "*.png" in file_filter
    # the next export starts in the remembered folder, named after the saved file
    shop.path = str(tmp_path / "shop.arch.json")
    _save_dialog(monkeypatch, tmp_path / "out" / "shop.svg", calls)
    ex.actions["svg"].trigger()
    assert calls[1][1] == str(target.parent.resolve() / "shop.svg")


@pytest.mark.parametrize(("fmt", "name", "check"), [
    ("svg", "d.svg", lambda p: ET.parse(p).getroot().tag == SVG_NS + "svg"),
    ("pdf", "d.pdf", lambda p: p.read_bytes().startswith(b"%PDF-")),
    ("html", "r.html", lambda p: "<h2>Diagram</h2>" in p.read_text(encoding="utf-8")),
    ("markdown", "r", lambda p: p.read_text(encoding="utf-8").startswith("# Web shop")),
    ("drawio", "d.drawio", lambda p: p.read_text(encoding="utf-8").startswith("<mxfile")),
])
def test_each_format_is_written(shop, tmp_path, monkeypatch, fmt, name, check) -> None:  # noqa: ANN001
    _save_dialog(monkeypatch, tmp_path / name)
    written = shop.findChild(ExportActions).export(fmt)
    assert written is not None and Path(written).is_file()
    if fmt == "markdown":
        assert written == str(tmp_path / "r.md")  # the suffix is added when missing
    assert check(Path(written))


def test_csv_matches_the_report_the_canvas_shows(shop, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "nodes.csv"
    assert shop.findChild(ExportActions).export("csv", str(out)) == str(out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    expected = list(csv.DictReader(io.StringIO(csv_report(shop.analysis.last_report))))
    assert rows == expected
    assert [r["id"] for r in rows] == [n.id for n in shop.editor.design.nodes.values()
                                       if n.kind != "client"]


def test_stale_report_is_recomputed_for_the_current_design(qtbot, tmp_path) -> None:  # noqa: ANN001
    w = make_window(qtbot)
    install_export_actions(w)
    design = load(w, {"nodes": [
        {"id": "u", "kind": "client", "name": "Users", "x": 0, "y": 0, "demand_rps": 10},
        {"id": "s", "kind": "service", "name": "Svc", "x": 300, "y": 0, "availability": 0.99}],
        "links": [{"from": "u", "to": "s"}]})
    wait_report(qtbot, w)
    old = w.analysis.last_report
    w.editor.set_node_fields(["s"], {"availability": 0.9}, "Set availability")
    assert w.analysis.last_revision != w.editor.design.revision  # the worker has not caught up
    report, why = w.findChild(ExportActions).current_report()
    assert report is not old and report.nodes["s"].availability == pytest.approx(0.9)
    assert why == "" and report is not None
    fresh = analyze(w.editor.design, simulation_years=0, sweeps=False)
    assert report.system.availability == pytest.approx(fresh.system.availability, rel=1e-12)
    assert report.system.availability == pytest.approx(0.9)  # the client needs s
    assert design is w.editor.design


def test_failure_shows_a_message_and_writes_nothing(shop, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    target = tmp_path / "missing-folder" / "x.png"
    _save_dialog(monkeypatch, target)
    shown: list = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[1:3]))
    assert shop.findChild(ExportActions).export("png") is None
    assert len(shown) == 1 and shown[0][0] == "Export failed" and "x.png" in shown[0][1]
    assert not target.exists()


def test_cancel_writes_nothing(shop, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    before = sorted(tmp_path.rglob("*"))
    assert shop.findChild(ExportActions).export("pdf") is None
    assert sorted(tmp_path.rglob("*")) == before
    assert settings().value(LAST_DIR_KEY) is None


def test_without_a_client_pictures_export_but_reports_refuse(qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    w = make_window(qtbot)
    install_export_actions(w)
    load(w, {"name": "Sketch", "nodes": [{"id": "a", "kind": "service", "x": 0, "y": 0}]})
    ex = w.findChild(ExportActions)
    png = ex.export("png", str(tmp_path / "s.png"))
    assert png and not QImage(png).isNull()
    assert "without numbers" in w.statusBar().currentMessage()
    shown: list = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[1:3]))
    assert ex.export("csv", str(tmp_path / "s.csv")) is None
    assert shown and "no client" in shown[0][1] and not (tmp_path / "s.csv").exists()


def test_import_drawio_opens_an_untitled_design_and_lists_guesses(qtbot, monkeypatch) -> None:  # noqa: ANN001
    w = make_window(qtbot)
    install_export_actions(w)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(NESTED), ""))
    ex = w.findChild(ExportActions)
    ex.import_action.trigger()
    assert len(w.editor.design.nodes) == 11 and len(w.editor.design.links) == 9
    assert w.path is None and not w.editor.undo_stack.isClean()  # unsaved: closing will ask
    dialog = ex.report_dialog  # the guesses, grouped (tests/gui/test_import_report.py)
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert dialog.windowTitle() == "Imported draw.io diagram"
    assert "orders-db" in dialog.rows()
    assert settings().value(LAST_DIR_KEY) == str(NESTED.parent.resolve())
    wait_report(qtbot, w)  # and the analysis runs on it like on any opened design


def test_import_refusal_is_shown_and_keeps_the_design(qtbot, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    w = make_window(qtbot)
    install_export_actions(w)
    before = load(w, {"nodes": [{"id": "a", "kind": "service", "x": 0, "y": 0}]})
    bad = NESTED.parent / "billion-laughs.drawio"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    shown: list = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[1:3]))
    assert w.findChild(ExportActions).import_drawio() is None
    assert shown and shown[0][0] == "Cannot import the diagram" and "ENTITY" in shown[0][1]
    assert w.editor.design is before
