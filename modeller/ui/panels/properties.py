"""The properties panel: edits the selection; a bad value is refused inline, never applied.

Fields depend on the kinds selected; with several nodes selected only the fields
they share are shown, and an edit applies to all of them as one undo command.
A value is parsed by :mod:`modeller.ui.panels.fields` first: on failure the field turns
red, the reason appears under it, and the Design is left untouched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...analysis.report import nines
from ...model import KIND_LABELS, MINUTES_PER_YEAR, Design, DesignError, Node, Role
from ...model.io import MAX_CALLS, MAX_HOURS, check_node
from ...model.kinds import FAILOVER_MODES
from ...model.presets import Preset, format_percent, get_preset, presets_by_provider
from ..editing.editor import Editor
from ..editing.presets_ui import apply_command_changes, preset_differences
from . import fields as F
from .note_text import HINT as NOTE_HINT
from .note_text import NoteTextEdit, commit_note_text
from .recovery_fields import (
    LinkReplication,
    PolicyEditor,
    RecoverySections,
    client_success_rows,
    link_replication,
)

COMPONENT = frozenset(k for k in KIND_LABELS if k not in ("client", "region", "zone"))
ROUTERS = frozenset({"load_balancer", "dns"})
NON_CLIENT = frozenset(k for k in KIND_LABELS if k != "client")
CLIENT = frozenset({"client"})
ALL = frozenset(KIND_LABELS)

ERROR_STYLE = "QLineEdit { border: 1.5px solid #dc2626; border-radius: 4px; background: #fef2f2; }"


NUMBERS_TIP = (
    "Own availability: the part alone — enough of its own replicas up and not in a "
    "failover window; its dependencies and its zone or region are not counted.\n"
    "Serves (with what it needs): the chance it can answer a request — its own figure "
    "together with what it depends on and the zones and regions it sits in.\n"
    "Single point of failure: losing that one unit (a replica, a zone, a failover "
    "window…) drops a client.")


def _avail_text(n: Node) -> str:
    if n.mtbf_hours is not None and n.mttr_hours is not None:
        return f"{F.fmt_number(n.mtbf_hours)} h / {F.fmt_number(n.mttr_hours)} h"
    return f"{n.availability * 100:.10g} %"


def _parse_name(text: str, n: Node, d: Design) -> dict[str, Any]:
    if not text.strip():
        raise ValueError("a name cannot be empty")
    return {"name": text.strip()}


def _parse_replicas(text: str, n: Node, d: Design) -> dict[str, Any]:
    v = F.parse_int(text, low=1, what="replicas", high=10_000)
    if isinstance(n.min_healthy, int) and n.min_healthy > v:  # type: ignore[operator]
        raise ValueError(f"{n.name} needs {n.min_healthy} healthy; lower “min healthy” first")
    return {"replicas": v}


def _parse_min_healthy(text: str, n: Node, d: Design) -> dict[str, Any]:
    v = F.parse_int(text, low=1, allow_auto=True, what="min healthy")
    if isinstance(v, int) and v > n.replicas:
        raise ValueError(f"{n.name} has only {F.plural(n.replicas, 'replica')}")
    return {"min_healthy": v}


def _parse_min_targets(text: str, n: Node, d: Design) -> dict[str, Any]:
    v = F.parse_int(text, low=1, allow_auto=True, what="min targets")
    pool = len(d.links_from(n.id))
    if isinstance(v, int) and pool and v > pool:
        raise ValueError(f"{n.name} has only {F.plural(pool, 'target')} in its pool")
    return {"min_targets": v}


def _number(key: str, what: str, *, low_open: bool = False, blank: Any = ...) -> Callable[..., dict[str, Any]]:
    def parse(text: str, n: Node, d: Design) -> dict[str, Any]:
        return {key: F.parse_number(text, low=0.0, low_open=low_open, blank=blank, what=what)}
    return parse


def _parse_slo_availability(text: str, n: Node, d: Design) -> dict[str, Any]:
    slo = dict(n.slo)
    if text.strip():
        slo["availability"] = F.parse_fraction(text, "SLO")
    else:
        slo.pop("availability", None)
    return {"slo": slo}


def _parse_slo_latency(text: str, n: Node, d: Design) -> dict[str, Any]:
    slo = dict(n.slo)
    v = F.parse_number(text, low=0.0, low_open=True, blank=None, what="latency SLO")
    if v is None:
        slo.pop("latency_ms_p99", None)
    else:
        slo["latency_ms_p99"] = v
    return {"slo": slo}


@dataclass
class FieldSpec:
    key: str
    label: str
    kinds: frozenset[str]
    show: Callable[[Node], str]
    parse: Callable[[str, Node, Design], dict[str, Any]] | None = None
    hint: str = ""
    choices: tuple[str, ...] = ()
    tip: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


NODE_FIELDS: list[FieldSpec] = [
    FieldSpec("name", "Name", ALL, lambda n: n.name, _parse_name, "a readable name"),
    FieldSpec("availability", "Availability", NON_CLIENT, _avail_text, lambda t, n, d: F.parse_availability(t),
              "99.95 %, 0.9995 or 720/1 (MTBF/MTTR h)",
              tip="Per replica. Type a percentage (99.95 %), a fraction (0.9995), nines (3.5 nines) "
                  "or MTBF/MTTR in hours (720/1)."),
    FieldSpec("replicas", "Replicas", COMPONENT, lambda n: str(n.replicas), _parse_replicas, "1"),
    FieldSpec("min_healthy", "Min healthy", COMPONENT, lambda n: str(n.min_healthy), _parse_min_healthy,
              "auto", tip="Replicas that must be up: a number, or auto (enough capacity for the load)"),
    FieldSpec("min_targets", "Min targets", ROUTERS, lambda n: str(n.min_targets), _parse_min_targets,
              "auto", tip="Pool targets that must serve: a number, or auto"),
    FieldSpec("capacity_rps", "Capacity (rps)", COMPONENT, lambda n: F.fmt_number(n.capacity_rps),
              _number("capacity_rps", "capacity", low_open=True, blank=None), "unlimited",
              tip="Requests per second one replica can serve; blank = unlimited"),
    FieldSpec("service_time_ms", "Service time (ms)", COMPONENT, lambda n: F.fmt_number(n.service_time_ms),
              _number("service_time_ms", "service time"), "0"),
    FieldSpec("failover", "Failover", COMPONENT, lambda n: n.failover, None, choices=FAILOVER_MODES),
    FieldSpec("failover_seconds", "Failover time (s)", COMPONENT,
              lambda n: F.fmt_number(n.failover_seconds), _number("failover_seconds", "failover time"), "0"),
    FieldSpec("spread", "Spread over zones", COMPONENT, lambda n: ", ".join(n.spread), None,
              tip="Tick the zones (or regions) its replicas sit in: replica i sits in the i-th "
                  "ticked zone, round robin", extra={"widget": "spread"}),
    FieldSpec("cost_month", "Cost / month", NON_CLIENT, lambda n: F.fmt_number(n.cost_month),
              _number("cost_month", "cost"), "0", tip="Per replica"),
    FieldSpec("demand_rps", "Demand (rps)", CLIENT, lambda n: F.fmt_number(n.demand_rps),
              _number("demand_rps", "demand", blank=None), "requests per second"),
    FieldSpec("slo_availability", "SLO availability", CLIENT,
              lambda n: "" if "availability" not in n.slo else f"{n.slo['availability'] * 100:.10g} %",
              _parse_slo_availability, "e.g. 99.9 %"),
    FieldSpec("slo_latency", "SLO latency p99 (ms)", CLIENT,
              lambda n: F.fmt_number(n.slo.get("latency_ms_p99")), _parse_slo_latency, "none"),
]


SOURCE_KIND_TEXT: dict[str, tuple[str, str]] = {
    # source kind -> (what it means, colour)
    "SLA": ("the provider's published SLA: a promise backed by credits, not a measured "
            "failure rate", "#166534"),
    "documented": ("the provider's own documentation states it", "#166534"),
    "secondary": ("only third-party summaries state it: check the provider's page before "
                  "relying on it", "#92400e"),
    "assumption": ("no published figure exists; the notes give the reasoning", "#92400e"),
}


def _presets_of_kind(kind: str) -> list[Preset]:
    """The bundled presets of one kind, in catalogue order (providers grouped)."""
    try:
        groups = presets_by_provider()
    except DesignError:  # a broken catalogue must not break the panel
        return []
    return [p for group in groups.values() for p in group if p.kind == kind]


def _field_text(key: str, value: Any) -> str:
    if key == "availability" and isinstance(value, (int, float)):
        return format_percent(float(value))
    if isinstance(value, float):
        return F.fmt_number(value)
    return str(value)


def breakable(text: str) -> str:
    """Let a long URL or path wrap after "/", ".", "-", "_", "?" and "&" (zero-width spaces):
    a narrow panel wraps it instead of growing a horizontal scrollbar."""
    return re.sub(r"([/.\-_?&=])", "\\1\u200b", text)


def wrapped_label(text: str = "", rich: bool = False, style_sheet: str = "") -> QLabel:
    """A QLabel that wraps and never demands more width than its longest word."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(40)
    if style_sheet:
        label.setStyleSheet(style_sheet)
    return label


class PresetBox(QFrame):
    """A preset node's source (document, figure, kind, date, url, notes) and "Apply preset…".

    A hand edit of a preset's field keeps the preset and marks it "edited", so the source
    is never silently lost and "Restore preset values" can bring the published figures back.
    Each fact is its own wrapped label in a two-column grid (a rich-text table in one label
    mis-measures its height and was cut off at the bottom).
    """

    applyRequested = Signal(str)

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.choices = _presets_of_kind(kind)
        self.preset: Preset | None = None
        self.edited: list[str] = []
        self.setObjectName("presetBox")
        self.setStyleSheet("#presetBox { background: #f8fafc; border: 1px solid #e2e8f0; "
                           "border-radius: 6px; margin-top: 8px; }")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 14, 8, 8)
        lay.setSpacing(4)
        self.head = wrapped_label(rich=True, style_sheet="color: #334155; border: none;")
        lay.addWidget(self.head)
        self.grid_widget = QWidget()
        self.grid_widget.setStyleSheet("border: none;")
        self.grid = QGridLayout(self.grid_widget)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(1, 1)
        lay.addWidget(self.grid_widget)
        self.rows: list[tuple[str, str]] = []  # (key, plain text) as shown
        row = QHBoxLayout()
        row.setSpacing(4)
        self.restore = QPushButton("Restore preset values")
        self.restore.setToolTip("Set the preset's figures again (one undo step)")
        self.restore.clicked.connect(lambda: self.preset and self.applyRequested.emit(self.preset.id))
        row.addWidget(self.restore)
        row.addStretch(1)
        lay.addLayout(row)
        self.apply_combo = QComboBox()
        self.apply_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.apply_combo.setMinimumContentsLength(8)
        self.apply_combo.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.apply_combo.setPlaceholderText(f"Apply a {KIND_LABELS.get(kind, kind).lower()} preset…")
        self.apply_combo.setToolTip("Set this node's figures from a published preset (one undo step)")
        for p in self.choices:
            text = f"{p.provider_label}: {p.label} — {format_percent(p.availability or 1.0)}"
            self.apply_combo.addItem(text, p.id)
            self.apply_combo.setItemData(self.apply_combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        self.apply_combo.setCurrentIndex(-1)
        self.apply_combo.view().setMinimumWidth(420)
        self.apply_combo.activated.connect(self._on_apply)
        lay.addWidget(self.apply_combo)

    def _on_apply(self, index: int) -> None:
        pid = self.apply_combo.itemData(index)
        self.apply_combo.setCurrentIndex(-1)  # back to the placeholder: it is a command, not a state
        if pid:
            self.applyRequested.emit(pid)

    def choice_ids(self) -> list[str]:
        return [self.apply_combo.itemData(i) for i in range(self.apply_combo.count())]

    def _set_rows(self, rows: list[tuple[str, str]]) -> None:
        """Fill the grid: (key, rich value) per row."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = []
        for i, (key, value) in enumerate(rows):
            k = QLabel(key)
            k.setStyleSheet("color: #64748b;")
            k.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            v = wrapped_label(value, rich=True, style_sheet="color: #334155;")
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            v.setOpenExternalLinks(True)
            self.grid.addWidget(k, i, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(v, i, 1)
            self.rows.append((key, _plain(value)))
        self.grid_widget.setVisible(bool(rows))

    def refresh(self, nodes: list[Node]) -> None:
        """Show the single selected node's preset (or say there is none)."""
        self.preset, self.edited = None, []
        self.restore.hide()
        if len(nodes) != 1:
            self.head.setText(f"<b>Preset</b><br>Apply one to all {len(nodes)} selected nodes:")
            self._set_rows([])
            return
        node = nodes[0]
        if not node.preset:
            self.head.setText("<b>Preset</b> <span style='color:#64748b'>none</span><br>"
                              "<span style='color:#64748b'>These figures were typed in. Apply a "
                              "preset to use a published figure with its source.</span>")
            self._set_rows([])
            return
        preset = get_preset(node.preset)
        if preset is None:
            self.head.setText(f"<b>Preset</b> {html.escape(node.preset)}<br>"
                              "<span style='color:#92400e'>Not in this version's catalogue: the "
                              "file was probably made with another version of Modeller.</span>")
            self._set_rows([])
            return
        self.preset = preset
        self.edited = preset_differences(node, preset)
        head, rows = self._source_rows(preset, self.edited)
        self.head.setText(head)
        self._set_rows(rows)
        self.restore.setVisible(bool(self.edited))

    @staticmethod
    def _source_rows(p: Preset, edited: list[str]) -> tuple[str, list[tuple[str, str]]]:
        s = p.source
        meaning, colour = SOURCE_KIND_TEXT.get(s.kind, (s.kind, "#334155"))
        esc = html.escape
        head = f"<b>Preset</b> · {esc(p.provider_label)}"
        if edited:
            head += " <b style='color:#92400e'>· edited</b>"
        rows = [("Preset", esc(p.label)),
                ("Figure", f"<b>{esc(s.figure)}</b>"),
                ("Kind", f"<span style='color:{colour}'><b>{esc(s.kind)}</b> — {esc(meaning)}</span>"),
                ("Document", esc(s.document))]
        if s.version:
            rows.append(("Version", esc(s.version)))
        rows.append(("Checked", esc(s.date)))
        rows.append(("URL", f"<a href='{esc(s.url, quote=True)}'>{esc(breakable(s.url))}</a>"))
        if edited:
            was = ", ".join(f"{esc(k.replace('_', ' '))} (preset: {esc(_field_text(k, p.fields[k]))})"
                            for k in edited)
            rows.append(("Edited", f"<span style='color:#92400e'>changed by hand: {was}</span>"))
        if p.notes:
            rows.append(("Notes", esc(p.notes)))
        return head, rows

    def plain_text(self) -> str:
        lines = [_plain(self.head.text())]
        lines += [f"{k} {v}" for k, v in self.rows]
        return "\n".join(lines)


def _plain(rich: str) -> str:
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText().replace("\u200b", "")


class _ToggleLabel(QLabel):
    """A wrapped label that toggles its check box when clicked (a long zone name wraps)."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.box.isEnabled():
            self.box.click()
            event.accept()
            return
        super().mousePressEvent(event)


def spread_summary(design: Design, node: Node) -> str:
    """Where the replicas sit: "3 replicas: AZ a 2 · AZ b 1" (replica i in spread[i mod n])."""
    if not node.spread:
        return "Not spread: every replica sits where the node is drawn."
    counts: dict[str, int] = {}
    for i in range(node.replicas):
        zid = node.spread[i % len(node.spread)]
        counts[zid] = counts.get(zid, 0) + 1
    parts = [f"{design.nodes[z].name if z in design.nodes else z} {c}" for z, c in counts.items()]
    empty = [design.nodes[z].name if z in design.nodes else z for z in node.spread if z not in counts]
    text = f"{F.plural(node.replicas, 'replica')}: " + " · ".join(parts)
    if empty:
        text += " (none in " + ", ".join(empty) + ": add replicas)"
    return text


class SpreadPicker(QWidget):
    """ "Spread over zones": one check box per zone and region of the design, by name.

    The design's ``spread`` holds ids; this shows names (ids only to tell two equal names
    apart) and edits ``spread`` of every selected node through one undo command. Ticking
    adds the zone at the end of each node's list; unticking removes it; the order of
    the others is kept (replica i sits in spread[i mod n]).
    """

    def __init__(self, editor: Editor, node_ids: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.node_ids = list(node_ids)
        self.boxes: dict[str, QCheckBox] = {}
        self.labels: dict[str, QLabel] = {}
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 2, 0, 2)
        lay.setSpacing(2)
        d = editor.design
        zones = [c for c in d.containers() if c.id not in self.node_ids]
        names = [z.name for z in zones]
        for z in zones:
            row = QHBoxLayout()
            row.setSpacing(4)
            box = QCheckBox()
            text = z.name if names.count(z.name) == 1 else f"{z.name} ({z.id})"
            where = f" in {d.nodes[z.parent].name}" if z.parent in d.nodes else ""
            tip = f"{KIND_LABELS[z.kind]} {z.name}{where} (id {z.id})"
            box.setToolTip(tip)
            box.clicked.connect(lambda _c=False, zid=z.id: self._toggled(zid))
            label = _ToggleLabel(text, box)
            label.setToolTip(tip)
            row.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(label, 1)
            lay.addLayout(row)
            self.boxes[z.id] = box
            self.labels[z.id] = label
        self.summary = wrapped_label(style_sheet="color: #64748b; font-size: 8pt;")
        if not zones:
            self.summary.setText("No zones or regions yet: draw a zone, then tick it here.")
        lay.addWidget(self.summary)
        self.refresh()

    def _nodes(self) -> list[Node]:
        d = self.editor.design
        return [d.nodes[n] for n in self.node_ids if n in d.nodes]

    def refresh(self) -> None:
        nodes = self._nodes()
        for zid, box in self.boxes.items():
            have = {zid in n.spread for n in nodes}
            box.setTristate(len(have) > 1)
            box.setCheckState(Qt.CheckState.PartiallyChecked if len(have) > 1 else
                              (Qt.CheckState.Checked if have == {True} else Qt.CheckState.Unchecked))
        if self.boxes:
            if len(nodes) == 1:
                self.summary.setText(spread_summary(self.editor.design, nodes[0]))
            else:
                self.summary.setText("Ticking a zone adds it to every selected node.")

    def checked(self) -> list[str]:
        """Ids of the zones ticked for every selected node."""
        return [z for z, b in self.boxes.items() if b.checkState() == Qt.CheckState.Checked]

    def set_checked(self, zone_id: str, on: bool) -> None:
        """Tick or untick a zone (what a click does; for tests and shortcuts)."""
        box = self.boxes[zone_id]
        box.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self._toggled(zone_id)

    def _toggled(self, zone_id: str) -> None:
        from ..editing.commands import SetNodeFieldsCommand

        box = self.boxes[zone_id]
        on = box.checkState() != Qt.CheckState.Unchecked
        box.setTristate(False)
        d = self.editor.design
        changes: dict[str, dict[str, Any]] = {}
        for n in self._nodes():
            if on and zone_id not in n.spread:
                changes[n.id] = {"spread": [*n.spread, zone_id]}
            elif not on and zone_id in n.spread:
                changes[n.id] = {"spread": [z for z in n.spread if z != zone_id]}
        if not changes:
            self.refresh()
            return
        zone = d.nodes[zone_id].name
        who = d.nodes[next(iter(changes))].name if len(changes) == 1 else F.plural(len(changes), "node")
        text = f"Spread {who} over {zone}" if on else f"Take {who} out of {zone}"
        self.editor.push(SetNodeFieldsCommand(d, changes, text))


class PropertiesPanel(QWidget):
    """Shows and edits the selected nodes, the selected link, or the design itself."""

    refused = Signal(str, str)  # field key, message (for the status bar and tests)

    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.node_ids: list[str] = []
        self.link_keys: list[tuple[str, str]] = []
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, str] = {}  # field key -> why its value was refused
        self.specs: dict[str, FieldSpec] = {}
        self._report: object | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 11pt; font-weight: 600; padding: 8px 10px 2px 10px;")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: #64748b; padding: 0 10px 6px 10px;")
        self.subtitle.setWordWrap(True)
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # a scrollbar appears only if something really cannot shrink: every label wraps
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        outer.addWidget(self.scroll, 1)
        # Below the fields, outside the scroll area, with room reserved for three lines:
        # a refusal shown here never moves a field (the next click lands where it was
        # aimed); otherwise it says what the focused field takes, or how a typed
        # availability reads.
        self.message = QLabel()
        self.message.setObjectName("fieldMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        outer.addWidget(self.message)
        self._message_key: str | None = None
        self._show_message("", "")
        QApplication.instance().focusChanged.connect(self._on_focus)  # type: ignore[union-attr]
        self._design = editor.design
        self._design.subscribe(self._on_design_changed)
        editor.designReplaced.connect(self._on_replaced)
        self.set_selection([], [])

    # -- selection ---------------------------------------------------------------
    def _on_replaced(self, design: Design) -> None:
        self._design.unsubscribe(self._on_design_changed)
        self._design = design
        design.subscribe(self._on_design_changed)
        self._report = None
        self.set_selection([], [])

    def set_selection(self, node_ids: list[str], link_keys: list[tuple[str, str]]) -> None:
        self._keep_note_text()
        d = self.editor.design
        self.node_ids = [n for n in node_ids if n in d.nodes]
        # notes have no fields but their text: beside other nodes they are left out
        self.notes_left_out = 0
        if len(self.node_ids) > 1 and not all(d.nodes[n].is_note for n in self.node_ids):
            kept = [n for n in self.node_ids if not d.nodes[n].is_note]
            self.notes_left_out = len(self.node_ids) - len(kept)
            self.node_ids = kept
        self.link_keys = [k for k in link_keys if self.editor.design.link(*k) is not None]
        self._rebuild()

    def set_report(self, report: object | None) -> None:
        self._report = report
        self._fill_numbers()

    def _on_design_changed(self, design: Design) -> None:
        gone = [n for n in self.node_ids if n not in design.nodes]
        gone_links = [k for k in self.link_keys if design.link(*k) is None]
        if gone or gone_links:
            self.set_selection([n for n in self.node_ids if n in design.nodes],
                               [k for k in self.link_keys if design.link(*k) is not None])
        else:
            self._refresh()

    # -- building ----------------------------------------------------------------
    def _rebuild(self) -> None:
        d = self.editor.design
        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setContentsMargins(10, 6, 10, 10)
        self.form.setVerticalSpacing(4)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.editors, self.errors, self.specs = {}, {}, {}
        self.spread_picker: SpreadPicker | None = None
        self._message_key = None
        self.numbers: QLabel | None = None
        self.preset_box: PresetBox | None = None
        self.template_note: QLabel | None = None
        self.recovery: RecoverySections | PolicyEditor | LinkReplication | None = None
        self.note_text: NoteTextEdit | None = None
        nodes = [d.nodes[n] for n in self.node_ids]
        if nodes and all(n.is_note for n in nodes):
            self._add_note_text(nodes)
        elif nodes:
            kinds = {n.kind for n in nodes}
            if len(nodes) == 1:
                n = nodes[0]
                self.title.setText(f"{n.name}")
                parent = f" · in {d.nodes[n.parent].name}" if n.parent in d.nodes else ""
                self.subtitle.setText(f"{KIND_LABELS[n.kind]} · id {n.id}{parent}")
            else:
                self.title.setText(f"{len(nodes)} nodes selected")
                self.subtitle.setText("Edits apply to all of them: " +
                                      ", ".join(sorted(KIND_LABELS[k] for k in kinds)) +
                                      (f" (the {F.plural(self.notes_left_out, 'note')} left out)"
                                       if self.notes_left_out else ""))
            for spec in NODE_FIELDS:
                if all(k in spec.kinds for k in kinds):
                    if spec.key == "name" and len(nodes) > 1:
                        continue
                    self._add_node_field(spec, nodes)
            self.recovery = RecoverySections(self, nodes)
            if len(kinds) == 1:
                self._add_preset_box(kinds.pop())
            if len(nodes) == 1:
                self.numbers = wrapped_label(rich=True, style_sheet="color: #334155;")
                self.numbers.setContentsMargins(0, 10, 0, 0)
                self.form.addRow(self.numbers)
                self._fill_numbers()
        elif self.link_keys:
            links = [d.link(*k) for k in self.link_keys]
            if len(links) == 1:
                lk = links[0]
                s, t = d.nodes[lk.source], d.nodes[lk.target]
                self.title.setText(f"{s.name} → {t.name}")
                router = s.role is Role.ROUTER
                self.subtitle.setText("Pool target of a router" if router else
                                      "Dependency: the source needs the target (unless optional)")
            else:
                self.title.setText(f"{len(links)} links selected")
                self.subtitle.setText("Edits apply to all of them")
            calls = {lk.calls for lk in links}
            self._add_line("calls", "Calls per request", F.fmt_number(calls.pop()) if len(calls) == 1 else "",
                           "1" if len(calls) <= 1 else "mixed", self._commit_link_calls)
            opt = QCheckBox("Optional")
            opt.setToolTip("Optional (soft dependency: never takes the source down)")
            states = {lk.optional for lk in links}
            opt.setTristate(len(states) > 1)
            opt.setCheckState(Qt.CheckState.PartiallyChecked if len(states) > 1 else
                              (Qt.CheckState.Checked if states.pop() else Qt.CheckState.Unchecked))
            opt.clicked.connect(self._commit_link_optional)
            self.editors["optional"] = opt
            self.form.addRow("", opt)
            # the explanation wraps under the box (as the box's own text it widened the panel)
            self.form.addRow("", wrapped_label("A soft dependency: it carries load and latency but "
                                               "never takes the source down.",
                                               style_sheet="color: #64748b; font-size: 8pt;"))
            self.recovery = link_replication(self, self.link_keys)
        else:
            self.title.setText(d.name or "Untitled")
            self.subtitle.setText("Design settings. Select a node or link to edit it.")
            self._add_line("design_name", "Design name", d.name, "Untitled", self._commit_design_name)
            self._add_line("default_mttr_hours", "Default MTTR (h)", F.fmt_number(d.settings.default_mttr_hours),
                           "1", self._commit_default_mttr,
                           tip="Repair time assumed when a node gives only an availability")
            self.recovery = PolicyEditor(self)
            self.form.addRow(self.recovery)
            self._add_template_note(d)
        self.scroll.setWidget(body)
        self._show_message("", "")

    def _add_note_text(self, notes: list[Node]) -> None:
        """A note shows only its text (one note), or says how to edit it (several)."""
        if len(notes) > 1:
            self.title.setText(f"{len(notes)} notes selected")
            self.subtitle.setText("Notes have only their text: select one note to edit it.")
            return
        n = notes[0]
        self.title.setText("Note")
        self.subtitle.setText("Free text on the canvas, not part of the analysis")
        edit = NoteTextEdit(n.extra.get("text", "") if isinstance(n.extra.get("text"), str) else "")
        edit.finished.connect(self._keep_note_text)
        self.note_text = edit
        self.editors["text"] = edit
        self.form.addRow(edit)  # how it is kept: the standing message under the fields

    def _keep_note_text(self) -> None:
        """The note box's text into the model (one "Edit note" undo step), if it changed."""
        edit = getattr(self, "note_text", None)
        if edit is None or len(self.node_ids) != 1 or edit.toPlainText() == edit.shown:
            return
        text = edit.toPlainText()
        edit.shown = text
        commit_note_text(self.editor, self.editor.design, self.node_ids[0], text)

    def _add_line(self, key: str, label: str, text: str, hint: str, commit: Callable[[str], None],
                  tip: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setCursorPosition(0)  # show the start of long values
        edit.setPlaceholderText(hint)
        edit.setToolTip(tip)
        edit.setProperty("shown", text)
        edit.editingFinished.connect(lambda e=edit, k=key, c=commit: self._on_edit(k, e, c))
        edit.setMinimumWidth(60)
        if key in ("availability", "slo_availability"):
            edit.textEdited.connect(lambda t, k=key: self._reading(k, t))
        self.editors[key] = edit
        lab = QLabel(label)
        lab.setToolTip(tip)
        self.form.addRow(lab, edit)
        return edit

    def _add_node_field(self, spec: FieldSpec, nodes: list[Node]) -> None:
        self.specs[spec.key] = spec
        values = {spec.show(n) for n in nodes}
        shown = values.pop() if len(values) == 1 else ""
        if spec.choices:
            combo = QComboBox()
            combo.addItems(list(spec.choices))
            if shown:
                combo.setCurrentText(shown)
            else:
                combo.setCurrentIndex(-1)
                combo.setPlaceholderText("mixed")
            combo.activated.connect(lambda _i, s=spec, c=combo: self._commit_node(s, c.currentText()))
            self.editors[spec.key] = combo
            self.form.addRow(spec.label, combo)
            return
        if spec.extra.get("widget") == "spread":
            picker = SpreadPicker(self.editor, [n.id for n in nodes])
            picker.setToolTip(spec.tip)
            self.spread_picker = picker
            self.editors[spec.key] = picker
            lab = QLabel(spec.label)
            lab.setToolTip(spec.tip)
            lab.setWordWrap(True)
            self.form.addRow(lab, picker)
            return
        hint = spec.hint if not values else "mixed"
        self._add_line(spec.key, spec.label, shown, hint,
                       lambda text, s=spec: self._commit_node(s, text), spec.tip)

    def _refresh(self, force: str | None = None) -> None:
        """Show the current values (after an undo, a drag ...) except in a field showing an error."""
        d = self.editor.design
        nodes = [d.nodes[n] for n in self.node_ids if n in d.nodes]
        if self.note_text is not None and len(nodes) == 1:
            text = nodes[0].extra.get("text", "")
            self.note_text.show_text(text if isinstance(text, str) else "")
            return
        if nodes and len(nodes) == 1:
            n = nodes[0]
            self.title.setText(n.name)
            parent = f" · in {d.nodes[n.parent].name}" if n.parent in d.nodes else ""
            self.subtitle.setText(f"{KIND_LABELS[n.kind]} · id {n.id}{parent}")
        elif not nodes and not self.link_keys:
            self.title.setText(d.name or "Untitled")
        for key, widget in self.editors.items():
            if isinstance(widget, SpreadPicker):
                widget.refresh()
                continue
            if key in self.specs and nodes:
                values = {self.specs[key].show(n) for n in nodes}
                shown = values.pop() if len(values) == 1 else ""
            elif key == "design_name":
                shown = d.name
            elif key == "default_mttr_hours":
                shown = F.fmt_number(d.settings.default_mttr_hours)
            elif key == "calls" and self.link_keys:
                calls = {d.link(*k).calls for k in self.link_keys if d.link(*k)}
                shown = F.fmt_number(calls.pop()) if len(calls) == 1 else ""
            elif key == "optional" and isinstance(widget, QCheckBox):
                states = {d.link(*k).optional for k in self.link_keys if d.link(*k)}
                if len(states) == 1:
                    widget.setCheckState(Qt.CheckState.Checked if states.pop() else Qt.CheckState.Unchecked)
                continue
            else:
                continue
            if isinstance(widget, QComboBox):
                if shown:
                    widget.setCurrentText(shown)
            elif isinstance(widget, QLineEdit) and key not in self.errors:
                untouched = widget.text() == widget.property("shown")  # not mid-edit
                if widget.text() != shown and (not widget.hasFocus() or key == force or untouched):
                    widget.setText(shown)
                    widget.setCursorPosition(0)
                widget.setProperty("shown", shown)
        if self.preset_box is not None:
            self.preset_box.refresh([n for n in nodes])
        if self.recovery is not None:
            self.recovery.refresh()
        self._fill_numbers()

    def _fill_numbers(self) -> None:
        if self.numbers is None or len(self.node_ids) != 1:
            return
        rep = self._report
        nid = self.node_ids[0]
        res = getattr(rep, "nodes", {}).get(nid) if rep is not None else None
        cres = getattr(rep, "clients", {}).get(nid) if rep is not None else None
        node = self.editor.design.nodes.get(nid)
        if node is not None and node.kind == "client" and not self.editor.design.links_from(nid):
            # "served" would read 100 %: nothing is asked of anything yet
            self.numbers.setText("<b>Analysis</b><br><b style='color:#92400e'>Not connected</b>"
                                 "<br><span style='color:#64748b'>Link it to the part it calls "
                                 "(drag from its edge dot): until then it sends no requests, so "
                                 "it has no availability or SLO to meet.</span>")
            return
        if res is None and cres is None:
            self.numbers.setText("<i>No analysis yet.</i>")
            return
        rows = []
        if cres is not None:
            rows.append(("Served", f"{F.fmt_percent(cres.availability, cres.unavailability)} "
                                   f"({F.fmt_nines(cres.nines)})"))
            rows.append(("Downtime a year", F.fmt_downtime(cres.downtime_minutes_per_year)))
            rows.append(("Meets SLO", "yes" if cres.meets_slo else "<b style='color:#b91c1c'>no</b>"))
            rows += client_success_rows(cres)
            if cres.latency_ms is not None:
                rows.append(("Latency mean / p99", f"{cres.latency_ms.mean:.1f} / {cres.latency_ms.p99:.1f} ms"))
        if res is not None and cres is None:
            own_u = getattr(res, "own_unavailability", None)
            if own_u is not None:
                own_a = getattr(res, "own_availability", 1.0 - own_u)
                rows.append(("Own availability", f"{F.fmt_percent(own_a, own_u)} ({F.fmt_nines(nines(own_u))}) · "
                                                 f"{F.fmt_downtime(own_u * MINUTES_PER_YEAR)} down a year"))
            rows.append(("Serves (with what it needs)",
                         f"{F.fmt_percent(res.availability, res.unavailability)} ({F.fmt_nines(res.nines)}) · "
                         f"{F.fmt_downtime(res.unavailability * MINUTES_PER_YEAR)} a year not serving"))
            if res.load_rps is not None:
                cap = "unlimited" if res.capacity_rps is None else f"{res.capacity_rps:.4g} rps"
                rows.append(("Load / capacity", f"{res.load_rps:.4g} rps / {cap}"))
            if res.utilization is not None:
                rows.append(("Utilisation", F.fmt_utilization(res.utilization)))
            if res.latency_ms is not None:
                rows.append(("Latency mean / p99", f"{res.latency_ms.mean:.1f} / {res.latency_ms.p99:.1f} ms"))
            rows.append(("Downtime it causes", F.fmt_downtime(res.downtime_contribution_minutes) + " a year"))
            rows.append(("Importance (Birnbaum)", f"{res.birnbaum:.3g}"))
            spofs = getattr(rep, "spofs", [])
            if nid in spofs:
                unit = (getattr(rep, "spof_units", None) or {}).get(nid)
                rows.append(("Single point of failure", f"<b style='color:#b91c1c'>{html.escape(unit)}</b>"
                             if unit else "<b style='color:#b91c1c'>yes</b>"))
        # lines, not a table: a QLabel measures a wrapped table's height wrongly (cut off)
        text = "".join(f"<br><span style='color:#64748b'>{k}</span>&nbsp;&nbsp;{v}" for k, v in rows)
        self.numbers.setText("<b>Analysis</b>" + text)
        self.numbers.setToolTip(NUMBERS_TIP if res is not None and cres is None else "")

    # -- presets and templates ---------------------------------------------------
    def _add_preset_box(self, kind: str) -> None:
        """Where the figure came from (one preset node) and "Apply preset…" (same-kind selection)."""
        box = PresetBox(kind)
        if not box.choices:
            return  # no preset of this kind (clients)
        box.applyRequested.connect(self.apply_preset)
        self.preset_box = box
        self.form.addRow(box)
        box.refresh([self.editor.design.nodes[n] for n in self.node_ids])

    def apply_preset(self, preset_id: str) -> bool:
        """Apply a preset to every selected node of its kind as ONE undo step (False: nothing to do)."""
        from ..editing.commands import SetNodeFieldsCommand

        preset = get_preset(preset_id)
        d = self.editor.design
        nodes = [d.nodes[n] for n in self.node_ids if n in d.nodes]
        if preset is None or not nodes:
            return False
        changes = apply_command_changes(nodes, preset)
        changes = {nid: v for nid, v in changes.items()
                   if any(getattr(d.nodes[nid], k) != val for k, val in v.items())}
        if not changes:
            return False
        who = d.nodes[next(iter(changes))].name if len(changes) == 1 else F.plural(len(changes), "node")
        self.editor.push(SetNodeFieldsCommand(d, changes, f"Apply preset {preset.label} to {who}"))
        return True

    def _add_template_note(self, d: Design) -> None:
        header = d.extra.get("template")
        note = header.get("note") if isinstance(header, dict) else None
        if not isinstance(note, str) or not note.strip():
            return
        title = header.get("title") or d.name
        label = wrapped_label(f"<b>About this template</b><br><i>{html.escape(str(title))}</i><br>"
                              f"{html.escape(note.strip())}", rich=True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setStyleSheet("color: #334155; background: #f8fafc; border: 1px solid #e2e8f0; "
                            "border-radius: 6px; padding: 8px; margin-top: 10px;")
        self.template_note = label
        self.form.addRow(label)

    def preset_text(self) -> str:
        """The preset box as plain text ("" when none is shown): for tests and screen readers."""
        return self.preset_box.plain_text() if self.preset_box is not None else ""

    # -- committing --------------------------------------------------------------
    def _on_edit(self, key: str, edit: QLineEdit, commit: Callable[[str], None]) -> None:
        if self.editors.get(key) is not edit:  # a field of a selection that is gone
            return
        text = edit.text()
        if text == edit.property("shown") and key not in self.errors:
            return
        commit(text)

    def _refuse(self, key: str, message: str) -> None:
        edit = self.editors.get(key)
        if isinstance(edit, QLineEdit):
            edit.setStyleSheet(ERROR_STYLE)
            edit.setToolTip(f"Not applied: {message}")
        self.errors[key] = message
        self._show_message(key, f"{self._label(key)} not applied: {message}", error=True)
        self.refused.emit(key, message)

    def _accept(self, key: str) -> None:
        edit = self.editors.get(key)
        if isinstance(edit, QLineEdit):
            edit.setStyleSheet("")
            edit.setToolTip(self.specs[key].tip if key in self.specs else "")
        self.errors.pop(key, None)
        if self._message_key == key:
            self._show_message("", "")

    def error_text(self, key: str) -> str:
        return self.errors.get(key, "")

    def message_text(self) -> str:
        """What the line under the fields says now (an error, a reading or a hint)."""
        return self.message.text()

    def _label(self, key: str) -> str:
        if key in self.specs:
            return self.specs[key].label
        return {"calls": "Calls per request", "design_name": "Design name",
                "default_mttr_hours": "Default MTTR"}.get(key, key)

    def _show_message(self, key: str | None, text: str, error: bool = False) -> None:
        """Say ``text`` under the fields (red for a refusal); empty: the standing hint."""
        self._message_key = key or None
        if not text:
            if self.errors:  # a refusal still stands: keep saying it
                key, msg = next(reversed(self.errors.items()))
                self._show_message(key, f"{self._label(key)} not applied: {msg}", error=True)
                return
            text = NOTE_HINT if getattr(self, "note_text", None) is not None else (
                "Enter or Tab applies a value; a value that cannot be right is refused "
                "here and never applied.")
        colour, bg = ("#b91c1c", "#fef2f2") if error else ("#64748b", "transparent")
        self.message.setStyleSheet(f"#fieldMessage {{ color: {colour}; background: {bg}; "
                                   "font-size: 8pt; padding: 6px 10px; border-top: 1px solid #e2e8f0; }")
        self.message.setText(text)
        self.message.setToolTip(text)
        self._fit_message()

    def _fit_message(self) -> None:
        """Room for the whole message: three lines reserved, more if it needs them (the
        scroll area above gives way; the fields in it stay where they are)."""
        reserved = 3 * self.message.fontMetrics().lineSpacing() + 16
        width = self.message.width() if self.message.width() > 50 else max(self.width(), 200)
        self.message.setMinimumHeight(max(reserved, self.message.heightForWidth(width)))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_message()

    def _on_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A field got the focus: its refusal, or what it takes."""
        if new is None:
            return
        key = next((k for k, w in self.editors.items() if w is new), None)
        if key is None:
            return
        if key in self.errors:
            self._show_message(key, f"{self._label(key)} not applied: {self.errors[key]}", error=True)
        elif key in self.specs and (self.specs[key].tip or self.specs[key].hint):
            spec = self.specs[key]
            self._show_message(key, f"{spec.label}: {spec.tip or spec.hint}")

    def _reading(self, key: str, text: str) -> None:
        """While an availability is typed: how it will be read ("reads as 99.5 %")."""
        if not text.strip():
            return
        try:
            if key == "availability":
                values = F.parse_availability(text)
                if values["mtbf_hours"] is not None:
                    a = values["mtbf_hours"] / (values["mtbf_hours"] + values["mttr_hours"])
                    shown = f"MTBF {F.fmt_number(values['mtbf_hours'])} h / MTTR " \
                            f"{F.fmt_number(values['mttr_hours'])} h = {a * 100:.6g} %"
                else:
                    shown = f"{values['availability'] * 100:.10g} %"
            else:
                shown = f"{F.parse_fraction(text, 'SLO') * 100:.10g} %"
        except ValueError as exc:
            self._show_message(key, f"{self._label(key)}: {exc}")
            return
        self._show_message(key, f"{self._label(key)}: “{text.strip()}” reads as {shown}")

    def commit(self, key: str, text: str) -> bool:
        """Type ``text`` into field ``key`` and press Enter (what tests and shortcuts call)."""
        widget = self.editors[key]
        if isinstance(widget, QLineEdit):
            widget.setText(text)
            self._on_edit(key, widget, self._committer(key))
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(text)
            self._commit_node(self.specs[key], text)
        elif isinstance(widget, SpreadPicker):
            raise TypeError("spread is a checklist: use spread_picker.set_checked(zone_id, on)")
        return not self.error_text(key)

    def _committer(self, key: str) -> Callable[[str], None]:
        if key in self.specs:
            return lambda t: self._commit_node(self.specs[key], t)
        return {"calls": self._commit_link_calls, "design_name": self._commit_design_name,
                "default_mttr_hours": self._commit_default_mttr}[key]

    def _commit_node(self, spec: FieldSpec, text: str) -> None:
        d = self.editor.design
        changes: dict[str, dict[str, Any]] = {}
        for nid in self.node_ids:
            n = d.nodes.get(nid)
            if n is None:
                continue
            try:
                values = spec.parse(text, n, d) if spec.parse else {spec.key: text}
                candidate = n.copy()
                for k, v in values.items():
                    if hasattr(candidate, k):
                        setattr(candidate, k, v)
                check_node(candidate)  # what the file could not hold is refused here
            except DesignError as exc:
                self._refuse(spec.key, exc.problem + (f" — {exc.fix}" if exc.fix else ""))
                return
            except ValueError as exc:
                self._refuse(spec.key, str(exc))
                return
            if any(getattr(n, k) != v for k, v in values.items()):
                changes[nid] = values
        self._accept(spec.key)
        if not changes:
            self._refresh(force=spec.key)
            return
        who = d.nodes[next(iter(changes))].name if len(changes) == 1 else F.plural(len(changes), "node")
        shown = text.strip() or "blank"
        from ..editing.commands import SetNodeFieldsCommand

        self.editor.push(SetNodeFieldsCommand(d, changes, f"Set {spec.label.lower()} of {who} to {shown}"))
        self._refresh(force=spec.key)  # show the value as understood (e.g. "720 h / 1 h")

    def _commit_link_calls(self, text: str) -> None:
        try:
            calls = F.parse_number(text, low=0.0, low_open=True, what="calls per request",
                                   high=MAX_CALLS)
        except ValueError as exc:
            self._refuse("calls", str(exc))
            return
        self._accept("calls")
        self.editor.set_link_fields(self.link_keys, {"calls": calls},
                                    f"Set calls to {F.fmt_number(calls)}")

    def _commit_link_optional(self, checked: bool) -> None:
        self.editor.set_link_fields(self.link_keys, {"optional": bool(checked)},
                                    "Make link optional" if checked else "Make link required")

    def _commit_design_name(self, text: str) -> None:
        if not text.strip():
            self._refuse("design_name", "a design needs a name")
            return
        self._accept("design_name")
        if text.strip() != self.editor.design.name:
            self.editor.set_design_fields(name=text.strip(), text=f"Rename design to {text.strip()}")

    def _commit_default_mttr(self, text: str) -> None:
        try:
            v = F.parse_number(text, low=0.0, low_open=True, what="default MTTR", high=MAX_HOURS)
        except ValueError as exc:
            self._refuse("default_mttr_hours", str(exc))
            return
        self._accept("default_mttr_hours")
        if v != self.editor.design.settings.default_mttr_hours:
            self.editor.set_design_fields(default_mttr_hours=v, text=f"Set default MTTR to {F.fmt_number(v)} h")


__all__ = ["PropertiesPanel", "NODE_FIELDS"]
