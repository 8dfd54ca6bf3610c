"""File ▸ Import draw.io… on a diagram drawn with draw.io's AWS shapes (issue 19): the
report dialog lists the guesses grouped and a click selects the part on the canvas; a
group box is drawn and dropped like any box but fails nothing."""

from __future__ import annotations

import pytest
from export import library_fixtures as fx
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from modeller.render.items.container import ContainerItem
from modeller.ui.files.export_actions import ExportActions, install_export_actions

from .conftest import drop_kind, make_window, wait_report


@pytest.fixture
def imported(qtbot, monkeypatch, tmp_path):  # noqa: ANN001, ANN201
    src = tmp_path / "aws-web.drawio"
    src.write_text(fx.aws(), encoding="utf-8")
    w = make_window(qtbot)
    install_export_actions(w)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), ""))
    ex = w.findChild(ExportActions)
    ex.import_action.trigger()
    return w, ex.report_dialog


def test_the_report_groups_the_guesses_and_says_the_summary(imported) -> None:  # noqa: ANN001
    w, dialog = imported
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    groups = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert groups == ["mapped by library (5)", "boxes (regions, zones, groups) (4)",
                      "added (guessed) (1)", "other notes (2)"]
    summary = dialog.findChild(QLabel, "importReportSummary")
    assert summary.text().startswith("5 parts: 5 mapped by library (aws4 5)")
    assert summary.text().endswith("client inferred (a guess)")
    assert set(dialog.rows()) == {"orders-db", "web-tier", "front-lb", "thumbnailer", "images",
                                  "eu-west-1", "vpc", "availability-zone-a",
                                  "availability-zone-b", "users-guessed"}
    assert w.statusBar().currentMessage().startswith("Imported aws-web.drawio: 5 parts")


def test_clicking_a_guess_selects_its_part_on_the_canvas(qtbot, imported) -> None:  # noqa: ANN001
    w, dialog = imported
    tree = dialog.tree
    tree.expandAll()
    for nid in ("orders-db", "vpc", "users-guessed"):
        row = dialog.rows()[nid]
        tree.scrollToItem(row)
        rect = tree.visualItemRect(row)
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert w.scene.selected_node_ids() == [nid]
    # a part deleted after the import: the click does nothing (no crash)
    w.editor.design.nodes.pop("thumbnailer")
    dialog._select("thumbnailer")
    assert w.scene.selected_node_ids() == ["users-guessed"]


def test_the_imported_design_is_analysed_with_the_presets(qtbot, imported) -> None:  # noqa: ANN001
    w, _dialog = imported
    report = wait_report(qtbot, w)
    # tests/export/test_drawio_libraries.py derives 0.993282002246036 by hand
    assert report.system.availability == pytest.approx(0.993282002246036, rel=1e-12)
    vpc = w.scene.item_for("vpc")
    assert isinstance(vpc, ContainerItem) and vpc.kind == "group"
    assert "vpc" not in report.nodes  # a group gets no figure: it is never a failure domain


def test_a_group_from_the_palette_holds_what_is_dropped_into_it(qtbot) -> None:  # noqa: ANN001
    w = make_window(qtbot)
    gid = drop_kind(w, "group", QPointF(0, 0))
    g = w.editor.design.nodes[gid]
    assert g.kind == "group" and isinstance(w.scene.item_for(gid), ContainerItem)
    x, y = g.x + 120, g.y + 120  # inside the group's default 340 x 240 box
    sid = drop_kind(w, "service", QPointF(x, y))
    assert w.editor.design.nodes[sid].parent == gid
    assert w.editor.design.ancestors(sid) == []  # no failure domain around it
