"""A new person's first five minutes, driven through the real widgets.

Start page → the multi-AZ template → find "RDS Multi-AZ" in the palette and drag it into
the region → name it → wire the web tier to it → read the banner. The banner's nines must
be the engine's, and adding a required, independent 99.95 % database in front of every
web server must multiply the system availability by exactly 0.9995.

Screenshots of every step go to ``$MODELLER_SHOTS_DIR`` when set (else the test's temp
folder), so a person can look at what a newcomer sees.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from modeller import analyze
from modeller.model import load_design
from modeller.model.templates import list_templates
from modeller.ui.editing.presets_ui import install_presets
from modeller.ui.panels.fields import fmt_nines, fmt_percent
from modeller.ui.window.help import install_help, show_help
from modeller.ui.window.start_page import install_start_page

from .conftest import centre_of, drag, drop_mime, handle_point, make_window, show_point, wait_report

FREE_SPOT_IN_REGION = QPointF(880, 130)  # us-east-1, right of the zones, above the database


def _banner_for(report) -> str:  # noqa: ANN001
    s = report.system
    return f"{fmt_percent(s.availability, s.unavailability)} · {fmt_nines(s.nines)}"


@pytest.fixture
def shots(tmp_path):  # noqa: ANN001, ANN201
    folder = Path(os.environ.get("MODELLER_SHOTS_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)

    def shoot(window, name: str) -> Path:  # noqa: ANN001
        QApplication.processEvents()
        path = folder / f"{name}.png"
        assert window.grab().save(str(path))
        return path
    return shoot


def test_first_five_minutes(qtbot, shots):
    window = make_window(qtbot)
    install_presets(window)
    install_help(window)
    page = install_start_page(window)  # a fresh start, nothing open: the page is shown
    window.resize(1440, 900)
    assert not page.isHidden()
    shots(window, "01-start-page")

    # 1. pick the multi-AZ template
    page.choose("multi-az-active-active")
    template = next(t for t in list_templates() if t.id == "multi-az-active-active")
    assert window.editor.design == load_design(template.path) and window.path is None
    first = wait_report(qtbot, window)
    window.resize(1440, 900)
    assert window.banner.texts()["availability"] == _banner_for(analyze(window.editor.design.copy()))
    assert window.banner.texts()["spofs"] == "3"  # region, load balancer, database
    shots(window, "02-template-opened")

    # 2. find the preset: type in the palette's search box
    window.palette.set_search("rds multi")
    assert window.palette.visible_presets() == {"AWS": ["aws.rds.multi_az", "aws.rds.multi_az_pair"]}
    shots(window, "03-preset-search")

    # 3. drag it into the region, in the free space right of the zones
    d = window.editor.design
    before = set(d.nodes)
    show_point(window, FREE_SPOT_IN_REGION)
    assert drop_mime(window, window.palette.preset_mime_for("aws.rds.multi_az"), FREE_SPOT_IN_REGION)
    [db2] = [n for n in d.nodes if n not in before]
    node = d.nodes[db2]
    assert (node.kind, node.parent, node.preset, node.availability) == ("database", "region",
                                                                       "aws.rds.multi_az", 0.9995)
    assert window.scene.selected_node_ids() == [db2]
    assert "Amazon RDS Service Level Agreement" in window.properties.preset_text()
    # the new box sits clear of everything else
    box = window.scene.item_for(db2).scene_rect()
    for other in ("db", "zone-a", "zone-b", "zone-c", "lb"):
        assert not box.intersects(window.scene.item_for(other).scene_rect()), other
    assert window.editor.design.nodes["region"].w == 760  # it fitted: the region did not grow
    shots(window, "04-preset-dropped")

    # 4. give it a name people will recognise
    assert window.properties.commit("name", "Orders DB")
    assert d.nodes[db2].name == "Orders DB"

    # 5. wire every web server to it (drag from each one's right edge dot)
    for web in ("web-a", "web-b", "web-c"):
        show_point(window, handle_point(window, web, "e"))
        drag(window, handle_point(window, web, "e"), centre_of(window, db2))
    assert {lk.key for lk in d.links if lk.target == db2} == {("web-a", db2), ("web-b", db2),
                                                              ("web-c", db2)}
    assert window.editor.undo_stack.count() == 5  # add, rename, three links

    # 6. read the banner once the analysis of this exact design has arrived
    report = wait_report(qtbot, window)
    fresh = analyze(window.editor.design.copy())
    assert window.banner.texts()["availability"] == _banner_for(fresh)
    assert f"{fresh.system.nines:.2f} nines" in window.banner.texts()["availability"]
    # every request now also needs the new, independent database: exactly one more factor
    assert fresh.system.availability == pytest.approx(first.system.availability * 0.9995, rel=1e-12)
    assert report.system.availability == pytest.approx(fresh.system.availability, rel=1e-12)
    assert db2 in report.spofs and window.banner.texts()["spofs"] == "4"
    window.scene.select_ids([db2])
    window.view.fit()
    shots(window, "05-wired-and-analysed")

    # 7. the help explains what the colours mean
    dlg = show_help(window, "badges")
    QApplication.processEvents()
    dlg.grab().save(str(shots(window, "06-main-with-help").with_name("06-help-badges.png")))
    dlg.close()

    # 8. one undo per step: five undos give the template back
    for _ in range(5):
        window.editor.undo_stack.undo()
    assert window.editor.design == load_design(template.path)
