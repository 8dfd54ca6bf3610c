"""The properties panel: edits the selection; a bad value is refused inline, never applied.

Fields depend on the kinds selected; with several nodes selected only the fields
they share are shown, and an edit applies to all of them as one undo command.
A value is parsed by :mod:`modeller.ui.fields` first: on failure the field turns
red, the reason appears under it, and the Design is left untouched.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..model import KIND_LABELS, Design, DesignError, Node, Role
from ..model.io import MAX_CALLS, MAX_HOURS, check_node
from ..model.kinds import FAILOVER_MODES
from ..model.presets import Preset, format_percent, get_preset, presets_by_provider
from . import fields as F
from .editor import Editor
from .presets_ui import apply_command_changes, preset_differences

COMPONENT = frozenset(k for k in KIND_LABELS if k not in ("client", "region", "zone"))
ROUTERS = frozenset({"load_balancer", "dns"})
NON_CLIENT = frozenset(k for k in KIND_LABELS if k != "client")
CLIENT = frozenset({"client"})
ALL = frozenset(KIND_LABELS)

ERROR_STYLE = "QLineEdit { border: 1.5px solid #dc2626; border-radius: 4px; background: #fef2f2; }"


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
        raise ValueError(f"{n.name} has only {n.replicas} replica(s)")
    return {"min_healthy": v}


def _parse_min_targets(text: str, n: Node, d: Design) -> dict[str, Any]:
    v = F.parse_int(text, low=1, allow_auto=True, what="min targets")
    pool = len(d.links_from(n.id))
    if isinstance(v, int) and pool and v > pool:
        raise ValueError(f"{n.name} has only {pool} target(s) in its pool")
    return {"min_targets": v}


def _number(key: str, what: str, *, low_open: bool = False, blank: Any = ...) -> Callable[..., dict[str, Any]]:
    def parse(text: str, n: Node, d: Design) -> dict[str, Any]:
        return {key: F.parse_number(text, low=0.0, low_open=low_open, blank=blank, what=what)}
    return parse


def _parse_spread(text: str, n: Node, d: Design) -> dict[str, Any]:
    zones = {c.id for c in d.containers()}
    return {"spread": F.parse_zone_list(text, zones)}


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
    FieldSpec("spread", "Spread over zones", COMPONENT, lambda n: ", ".join(n.spread), _parse_spread,
              "zone ids, e.g. eu-a, eu-b", tip="Replica i sits in zone i mod n"),
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


class PresetBox(QFrame):
    """A preset node's source (document, figure, kind, date, url, notes) and "Apply preset…".

    A hand edit of a preset's field keeps the preset and marks it "edited", so the source
    is never silently lost and "Restore preset values" can bring the published figures back.
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
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 8)
        lay.setSpacing(4)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setOpenExternalLinks(True)
        self.text.setStyleSheet("color: #334155; border: none;")
        lay.addWidget(self.text)
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
        self.apply_combo.setMinimumContentsLength(12)
        self.apply_combo.setPlaceholderText(f"Apply a {KIND_LABELS.get(kind, kind).lower()} preset…")
        self.apply_combo.setToolTip("Set this node's figures from a published preset (one undo step)")
        for p in self.choices:
            self.apply_combo.addItem(f"{p.provider_label}: {p.label} — {format_percent(p.availability or 1.0)}",
                                     p.id)
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

    def refresh(self, nodes: list[Node]) -> None:
        """Show the single selected node's preset (or say there is none)."""
        self.preset, self.edited = None, []
        self.restore.hide()
        if len(nodes) != 1:
            self.text.setText(f"<b>Preset</b><br>Apply one to all {len(nodes)} selected nodes:")
            return
        node = nodes[0]
        if not node.preset:
            self.text.setText("<b>Preset</b> <span style='color:#64748b'>none</span><br>"
                              "<span style='color:#64748b'>These figures were typed in. Apply a "
                              "preset to use a published figure with its source.</span>")
            return
        preset = get_preset(node.preset)
        if preset is None:
            self.text.setText(f"<b>Preset</b> {html.escape(node.preset)}<br>"
                              "<span style='color:#92400e'>Not in this version's catalogue: the "
                              "file was probably made with another version of Modeller.</span>")
            return
        self.preset = preset
        self.edited = preset_differences(node, preset)
        self.text.setText(self._source_html(preset, self.edited))
        self.restore.setVisible(bool(self.edited))

    @staticmethod
    def _source_html(p: Preset, edited: list[str]) -> str:
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
        rows.append(("URL", f"<a href='{esc(s.url, quote=True)}'>{esc(s.url)}</a>"))
        if edited:
            was = ", ".join(f"{esc(k.replace('_', ' '))} (preset: {esc(_field_text(k, p.fields[k]))})"
                            for k in edited)
            rows.append(("Edited", f"<span style='color:#92400e'>changed by hand: {was}</span>"))
        if p.notes:
            rows.append(("Notes", esc(p.notes)))
        table = "".join(f"<tr><td style='color:#64748b; padding-right:6px' valign='top'>{k}</td>"
                        f"<td>{v}</td></tr>" for k, v in rows)
        return f"{head}<table cellspacing=1>{table}</table>"

    def plain_text(self) -> str:
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(self.text.text())
        return doc.toPlainText()


class PropertiesPanel(QWidget):
    """Shows and edits the selected nodes, the selected link, or the design itself."""

    refused = Signal(str, str)  # field key, message (for the status bar and tests)

    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.node_ids: list[str] = []
        self.link_keys: list[tuple[str, str]] = []
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
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
        outer.addWidget(self.scroll, 1)
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
        self.node_ids = [n for n in node_ids if n in self.editor.design.nodes]
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
        self.editors, self.errors, self.specs = {}, {}, {}
        self.numbers: QLabel | None = None
        self.preset_box: PresetBox | None = None
        self.template_note: QLabel | None = None
        nodes = [d.nodes[n] for n in self.node_ids]
        if nodes:
            kinds = {n.kind for n in nodes}
            if len(nodes) == 1:
                n = nodes[0]
                self.title.setText(f"{n.name}")
                parent = f" · in {d.nodes[n.parent].name}" if n.parent in d.nodes else ""
                self.subtitle.setText(f"{KIND_LABELS[n.kind]} · id {n.id}{parent}")
            else:
                self.title.setText(f"{len(nodes)} nodes selected")
                self.subtitle.setText("Edits apply to all of them: " +
                                      ", ".join(sorted(KIND_LABELS[k] for k in kinds)))
            for spec in NODE_FIELDS:
                if all(k in spec.kinds for k in kinds):
                    if spec.key == "name" and len(nodes) > 1:
                        continue
                    self._add_node_field(spec, nodes)
            if len(kinds) == 1:
                self._add_preset_box(kinds.pop())
            if len(nodes) == 1:
                self.numbers = QLabel()
                self.numbers.setWordWrap(True)
                self.numbers.setTextFormat(Qt.TextFormat.RichText)
                self.numbers.setStyleSheet("color: #334155; padding-top: 10px;")
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
            opt = QCheckBox("Optional (soft dependency: never takes the source down)")
            states = {lk.optional for lk in links}
            opt.setTristate(len(states) > 1)
            opt.setCheckState(Qt.CheckState.PartiallyChecked if len(states) > 1 else
                              (Qt.CheckState.Checked if states.pop() else Qt.CheckState.Unchecked))
            opt.clicked.connect(self._commit_link_optional)
            self.editors["optional"] = opt
            self.form.addRow("", opt)
        else:
            self.title.setText(d.name or "Untitled")
            self.subtitle.setText("Design settings. Select a node or link to edit it.")
            self._add_line("design_name", "Design name", d.name, "Untitled", self._commit_design_name)
            self._add_line("default_mttr_hours", "Default MTTR (h)", F.fmt_number(d.settings.default_mttr_hours),
                           "1", self._commit_default_mttr,
                           tip="Repair time assumed when a node gives only an availability")
            self._add_template_note(d)
        self.scroll.setWidget(body)

    def _add_line(self, key: str, label: str, text: str, hint: str, commit: Callable[[str], None],
                  tip: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setCursorPosition(0)  # show the start of long values
        edit.setPlaceholderText(hint)
        edit.setToolTip(tip)
        edit.setProperty("shown", text)
        edit.editingFinished.connect(lambda e=edit, k=key, c=commit: self._on_edit(k, e, c))
        err = QLabel()
        err.setWordWrap(True)
        err.setStyleSheet("color: #b91c1c; font-size: 8pt;")
        err.hide()
        self.editors[key] = edit
        self.errors[key] = err
        row = QWidget()
        lay = QVBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(edit)
        lay.addWidget(err)
        lab = QLabel(label)
        lab.setToolTip(tip)
        self.form.addRow(lab, row)
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
        hint = spec.hint if not values else "mixed"
        self._add_line(spec.key, spec.label, shown, hint,
                       lambda text, s=spec: self._commit_node(s, text), spec.tip)

    def _refresh(self, force: str | None = None) -> None:
        """Show the current values (after an undo, a drag ...) except in a field showing an error."""
        d = self.editor.design
        nodes = [d.nodes[n] for n in self.node_ids if n in d.nodes]
        if nodes and len(nodes) == 1:
            n = nodes[0]
            self.title.setText(n.name)
            parent = f" · in {d.nodes[n.parent].name}" if n.parent in d.nodes else ""
            self.subtitle.setText(f"{KIND_LABELS[n.kind]} · id {n.id}{parent}")
        for key, widget in self.editors.items():
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
            elif isinstance(widget, QLineEdit) and not self.errors[key].isVisible():
                untouched = widget.text() == widget.property("shown")  # not mid-edit
                if widget.text() != shown and (not widget.hasFocus() or key == force or untouched):
                    widget.setText(shown)
                    widget.setCursorPosition(0)
                widget.setProperty("shown", shown)
        if self.preset_box is not None:
            self.preset_box.refresh([n for n in nodes])
        self._fill_numbers()

    def _fill_numbers(self) -> None:
        if self.numbers is None or len(self.node_ids) != 1:
            return
        rep = self._report
        nid = self.node_ids[0]
        res = getattr(rep, "nodes", {}).get(nid) if rep is not None else None
        cres = getattr(rep, "clients", {}).get(nid) if rep is not None else None
        if res is None and cres is None:
            self.numbers.setText("<i>No analysis yet.</i>")
            return
        rows = []
        if cres is not None:
            rows.append(("Served", f"{F.fmt_percent(cres.availability, cres.unavailability)} "
                                   f"({F.fmt_nines(cres.nines)})"))
            rows.append(("Downtime a year", F.fmt_downtime(cres.downtime_minutes_per_year)))
            rows.append(("Meets SLO", "yes" if cres.meets_slo else "<b style='color:#b91c1c'>no</b>"))
            if cres.latency_ms is not None:
                rows.append(("Latency mean / p99", f"{cres.latency_ms.mean:.1f} / {cres.latency_ms.p99:.1f} ms"))
        if res is not None and cres is None:
            rows.append(("Serves", f"{F.fmt_percent(res.availability, res.unavailability)} ({F.fmt_nines(res.nines)})"))
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
                rows.append(("Single point of failure", "<b style='color:#b91c1c'>yes</b>"))
        html = "<table cellspacing=2>" + "".join(
            f"<tr><td style='color:#64748b; padding-right:8px'>{k}</td><td>{v}</td></tr>" for k, v in rows
        ) + "</table>"
        self.numbers.setText("<b>Analysis</b>" + html)

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
        from .commands import SetNodeFieldsCommand

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
        who = d.nodes[next(iter(changes))].name if len(changes) == 1 else f"{len(changes)} nodes"
        self.editor.push(SetNodeFieldsCommand(d, changes, f"Apply preset {preset.label} to {who}"))
        return True

    def _add_template_note(self, d: Design) -> None:
        header = d.extra.get("template")
        note = header.get("note") if isinstance(header, dict) else None
        if not isinstance(note, str) or not note.strip():
            return
        title = header.get("title") or d.name
        label = QLabel(f"<b>About this template</b><br><i>{html.escape(str(title))}</i><br>"
                       f"{html.escape(note.strip())}")
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
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
        if text == edit.property("shown") and not self.errors[key].isVisible():
            return
        commit(text)

    def _refuse(self, key: str, message: str) -> None:
        edit = self.editors.get(key)
        if isinstance(edit, QLineEdit):
            edit.setStyleSheet(ERROR_STYLE)
        err = self.errors.get(key)
        if err is not None:
            err.setText(message)
            err.show()
        self.refused.emit(key, message)

    def _accept(self, key: str) -> None:
        edit = self.editors.get(key)
        if isinstance(edit, QLineEdit):
            edit.setStyleSheet("")
        err = self.errors.get(key)
        if err is not None:
            err.hide()
            err.setText("")

    def error_text(self, key: str) -> str:
        err = self.errors.get(key)
        return err.text() if err is not None and not err.isHidden() else ""

    def commit(self, key: str, text: str) -> bool:
        """Type ``text`` into field ``key`` and press Enter (what tests and shortcuts call)."""
        widget = self.editors[key]
        if isinstance(widget, QLineEdit):
            widget.setText(text)
            self._on_edit(key, widget, self._committer(key))
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(text)
            self._commit_node(self.specs[key], text)
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
        who = d.nodes[self.node_ids[0]].name if len(self.node_ids) == 1 else f"{len(changes)} nodes"
        shown = text.strip() or "blank"
        from .commands import SetNodeFieldsCommand

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
