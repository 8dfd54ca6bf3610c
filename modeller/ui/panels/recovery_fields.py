"""The properties panel's "Monitoring & recovery", "Changes" and "Data" sections (DESIGN 4b).

Each section is a collapsible box holding ordinary fields (:class:`FieldSpec`), so a typed
value goes through the panel's one path: parsed here, checked by ``check_node`` (what the
file could not hold is refused inline), applied as one ``SetNodeFieldsCommand``.

- Monitoring & recovery: ``detect_minutes`` + ``recover_minutes`` (both given: MTTR =
  detect + recover) with plain-language presets (:data:`RECOVERY_PRESETS`), and
  ``error_rate`` (fraction of requests failed while up).
- Changes: ``deploys_per_month``, ``change_failure_rate``, ``rollback_minutes``,
  ``rollout``. Chance of being inside a bad-change window (all-at-once) =
  deploys/month x 12 x change failure rate x rollback minutes / 525,960.
- Data (database, storage, queue, cache only): ``replication``, ``replication_lag_seconds``,
  ``backup_hours``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...model import Design, Node
from ...model.reliability import REPLICATION_MODES, ROLLOUTS, STATEFUL_KINDS
from . import fields as F

if TYPE_CHECKING:
    from .properties import FieldSpec, PropertiesPanel

RELIABLE = frozenset({"service", "database", "cache", "queue", "storage", "external",
                      "load_balancer", "dns"})
MONITORED = RELIABLE | {"region", "zone"}
STATEFUL = frozenset(STATEFUL_KINDS)

# (label, detect minutes, recover minutes): what a person recognises, not a number to guess
RECOVERY_PRESETS: tuple[tuple[str, float, float], ...] = (
    ("paged on-call, manual fix: detect 5 min, recover 60 min", 5.0, 60.0),
    ("automated restart: detect 1 min, recover 2 min", 1.0, 2.0),
    ("automated failover: detect 1 min, recover 1 min", 1.0, 1.0),
)
CUSTOM = "custom"
NO_REPLICATION = "none"

# section title -> open or closed, kept while the app runs (a rebuild keeps what was chosen)
_OPEN: dict[str, bool] = {}


def parse_fraction_or_percent(text: str, what: str, *, high_open: bool) -> float:
    """A fraction from "0.001" or "0.1 %"; below 1 (``high_open``) or at most 1."""
    t = text.strip()
    scale = 1.0
    if t.endswith("%"):
        t, scale = t[:-1], 0.01
    value = F.parse_number(t, low=0.0, blank=0.0, what=what) * scale
    if high_open and value >= 1.0:
        raise ValueError(f"{what} must be below 100 % (e.g. 0.1 % or 0.001)")
    if value > 1.0:
        raise ValueError(f"{what} must be at most 100 % (e.g. 10 % or 0.1)")
    return value


def fmt_fraction(value: float) -> str:
    return "" if value == 0 else f"{value * 100:.6g} %"


def _minutes(key: str, what: str) -> Any:
    def parse(text: str, n: Node, d: Design) -> dict[str, Any]:
        return {key: F.parse_number(text, low=0.0, blank=None, what=what, high=6e10)}
    return parse


def _parse_error_rate(text: str, n: Node, d: Design) -> dict[str, Any]:
    return {"error_rate": parse_fraction_or_percent(text, "error rate", high_open=True)}


def _parse_cfr(text: str, n: Node, d: Design) -> dict[str, Any]:
    return {"change_failure_rate": parse_fraction_or_percent(text, "change failure rate",
                                                             high_open=False)}


def _parse_deploys(text: str, n: Node, d: Design) -> dict[str, Any]:
    return {"deploys_per_month": F.parse_number(text, low=0.0, blank=0.0, what="deploys a month",
                                                high=1e6)}


def _parse_replication(text: str, n: Node, d: Design) -> dict[str, Any]:
    """ "none" | "sync" | "async"; leaving async drops the lag (a lag applies only to async)."""
    mode = None if text in ("", NO_REPLICATION) else text
    if mode is not None and mode not in REPLICATION_MODES:
        raise ValueError(f"replication is none, sync or async, not “{text}”")
    values: dict[str, Any] = {"replication": mode}
    if mode != "async":
        values["replication_lag_seconds"] = 0.0
    return values


def _parse_lag(text: str, n: Node, d: Design) -> dict[str, Any]:
    lag = F.parse_number(text, low=0.0, blank=0.0, what="replication lag", high=3.6e12)
    if lag > 0 and n.replication != "async":
        raise ValueError("a lag applies only to async replication: choose async first")
    return {"replication_lag_seconds": lag}


def _parse_backup(text: str, n: Node, d: Design) -> dict[str, Any]:
    return {"backup_hours": F.parse_number(text, low=0.0, low_open=True, blank=None,
                                           what="backup interval", high=1e9)}


def section_specs() -> list[tuple[str, list[FieldSpec]]]:
    """The three sections and their fields, in the order shown."""
    from .properties import FieldSpec

    n = F.fmt_number
    return [
        ("Monitoring & recovery", [
            FieldSpec("detect_minutes", "Detect (min)", MONITORED, lambda x: n(x.detect_minutes),
                      _minutes("detect_minutes", "detection time"), "not set",
                      tip="Minutes until monitoring notices a failure. With recover set too, "
                          "MTTR = detect + recover; blank: MTTR from availability"),
            FieldSpec("recover_minutes", "Recover (min)", MONITORED, lambda x: n(x.recover_minutes),
                      _minutes("recover_minutes", "recovery time"), "not set",
                      tip="Minutes to restore once noticed: a few when automated (restart, "
                          "replace, fail over), an hour or more when a person must act"),
            FieldSpec("error_rate", "Error rate", RELIABLE, lambda x: fmt_fraction(x.error_rate),
                      _parse_error_rate, "0 %",
                      tip="Share of requests it fails while up, e.g. 0.1 % or 0.001"),
        ]),
        ("Changes", [
            FieldSpec("deploys_per_month", "Deploys / month", RELIABLE,
                      lambda x: n(x.deploys_per_month) if x.deploys_per_month else "",
                      _parse_deploys, "0", tip="How often a change is rolled out (DORA's deployment "
                                               "frequency)"),
            FieldSpec("change_failure_rate", "Change failure rate", RELIABLE,
                      lambda x: fmt_fraction(x.change_failure_rate), _parse_cfr, "0 %",
                      tip="Share of deploys that break it, e.g. 10 % (DORA)"),
            FieldSpec("rollback_minutes", "Rollback (min)", RELIABLE, lambda x: n(x.rollback_minutes),
                      _minutes("rollback_minutes", "rollback time"), "its MTTR",
                      tip="Minutes a bad change stays out before it is rolled back; blank: the "
                          "node's MTTR"),
            FieldSpec("rollout", "Rollout", RELIABLE, lambda x: x.rollout, None, choices=ROLLOUTS,
                      tip="All at once: a bad change takes every replica down; zone by zone "
                          "(region by region): only the first wave's replicas"),
        ]),
        ("Data", [
            FieldSpec("replication", "Replication", STATEFUL,
                      lambda x: x.replication or NO_REPLICATION, _parse_replication,
                      choices=(NO_REPLICATION, *REPLICATION_MODES),
                      tip="Between its own replicas: sync loses no acknowledged write, async "
                          "loses up to the lag"),
            FieldSpec("replication_lag_seconds", "Replication lag (s)", STATEFUL,
                      lambda x: n(x.replication_lag_seconds) if x.replication_lag_seconds else "",
                      _parse_lag, "0", tip="Seconds an async copy is behind (async only)"),
            FieldSpec("backup_hours", "Backup every (h)", STATEFUL, lambda x: n(x.backup_hours),
                      _parse_backup, "no backup",
                      tip="Hours between backups: the RPO when no copy survives"),
        ]),
    ]


def preset_for(node: Node) -> str:
    """The preset label matching a node's detect/recover, else "custom"."""
    for label, det, rec in RECOVERY_PRESETS:
        if node.detect_minutes == det and node.recover_minutes == rec:
            return label
    return CUSTOM


class Section(QWidget):
    """A titled section that folds open and shut (a ▸/▾ button above a form)."""

    def __init__(self, title: str, is_open: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.setSpacing(2)
        self.button = QToolButton()
        self.button.setText(title.replace("&", "&&"))  # "&" is not a mnemonic
        self.button.setCheckable(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setStyleSheet("QToolButton { border: none; font-weight: 600; color: #334155; }")
        self.button.toggled.connect(self._toggled)
        lay.addWidget(self.button)
        self.body = QWidget()
        self.body.setObjectName("sectionBody")
        self.body.setStyleSheet("#sectionBody { border-left: 2px solid #e2e8f0; }")
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(8, 0, 0, 4)
        self.form.setVerticalSpacing(4)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        lay.addWidget(self.body)
        self.button.setChecked(is_open)
        self._toggled(is_open)

    def _toggled(self, on: bool) -> None:
        self.button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)
        _OPEN[self.title] = on

    def is_open(self) -> bool:
        return self.button.isChecked()


class RecoverySections:
    """Adds the sections to a :class:`PropertiesPanel` and keeps the preset combo current."""

    def __init__(self, panel: PropertiesPanel, nodes: list[Node]) -> None:
        self.panel = panel
        self.node_ids = [n.id for n in nodes]
        self.sections: dict[str, Section] = {}
        self.preset_combo: QComboBox | None = None
        kinds = {n.kind for n in nodes}
        for title, specs in section_specs():
            shown = [s for s in specs if all(k in s.kinds for k in kinds)]
            if not shown:
                continue
            keys = [s.key for s in shown]
            differs = any(_non_default(n, k) for n in nodes for k in keys)
            section = Section(title, _OPEN.get(title, differs))
            self.sections[title] = section
            panel.form.addRow(section)
            main_form, panel.form = panel.form, section.form
            try:
                if title == "Monitoring & recovery" and "detect_minutes" in keys:
                    self._add_presets(section)
                for spec in shown:
                    panel._add_node_field(spec, nodes)
            finally:
                panel.form = main_form

    def _add_presets(self, section: Section) -> None:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        combo.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        for label, _d, _r in RECOVERY_PRESETS:
            combo.addItem(label)
            combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        combo.addItem(CUSTOM)
        combo.view().setMinimumWidth(340)
        combo.setToolTip("Typical detect and recover times: pick one, or type your own below")
        combo.activated.connect(lambda i: self.apply_preset(combo.itemText(i)))
        self.preset_combo = combo
        lab = QLabel("Recovery")
        lab.setToolTip(combo.toolTip())
        section.form.addRow(lab, combo)
        self.refresh()

    def apply_preset(self, label: str) -> bool:
        """Set detect and recover of every selected node from a preset: ONE undo step."""
        from ..editing.commands import SetNodeFieldsCommand

        match = next((p for p in RECOVERY_PRESETS if p[0] == label), None)
        if match is None:  # "custom": the fields below are for typing
            return False
        _l, det, rec = match
        d = self.panel.editor.design
        changes = {nid: {"detect_minutes": det, "recover_minutes": rec} for nid in self.node_ids
                   if nid in d.nodes and (d.nodes[nid].detect_minutes, d.nodes[nid].recover_minutes)
                   != (det, rec)}
        if not changes:
            return False
        who = d.nodes[next(iter(changes))].name if len(changes) == 1 else F.plural(len(changes), "node")
        self.panel.editor.push(SetNodeFieldsCommand(d, changes, f"Set recovery of {who}: {label}"))
        return True

    def refresh(self) -> None:
        if self.preset_combo is None:
            return
        d = self.panel.editor.design
        labels = {preset_for(d.nodes[n]) for n in self.node_ids if n in d.nodes}
        if len(labels) == 1:
            self.preset_combo.setCurrentText(labels.pop())
        else:
            self.preset_combo.setCurrentIndex(-1)
            self.preset_combo.setPlaceholderText("mixed")


def _non_default(n: Node, key: str) -> bool:
    default = Node(id=n.id, kind=n.kind)
    return getattr(n, key) != getattr(default, key)


POLICY_UNITS = (("rto_minutes", "RTO (min)", "minutes until every client is served again"),
                ("rpo_seconds", "RPO (s)", "seconds of acknowledged writes that may be lost"))


def policy_key(disruption: str, field: str) -> str:
    """The panel's field key of one policy cell: "Policy: zone RTO (min)"."""
    return f"Policy: {disruption} {dict((k, lab) for k, lab, _t in POLICY_UNITS)[field]}"


class PolicyEditor(Section):
    """Design settings' "Recovery policy": RTO minutes and RPO seconds per disruption type,
    stored in ``settings.extra["policy"]`` (``{"zone": {"rto_minutes": 15, ...}}``; a blank
    cell leaves that target unset). Each edit is ONE undo step (``SetSettingsExtraCommand``);
    a bad value is refused inline through the panel, like any field."""

    def __init__(self, panel: PropertiesPanel) -> None:
        super().__init__("Recovery policy", _OPEN.get("Recovery policy", True))
        from PySide6.QtWidgets import QGridLayout, QLineEdit

        from ...model.reliability import DISRUPTIONS

        self.panel = panel
        self.edits: dict[tuple[str, str], QLineEdit] = {}
        note = QLabel("Targets per disruption; the Recovery tab colours each row met or missed. "
                      "Blank: no target.")
        note.setWordWrap(True)
        note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        note.setStyleSheet("color: #64748b; font-size: 8pt;")
        self.form.addRow(note)
        grid_w = QWidget()
        grid = QGridLayout(grid_w)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        for c, (_k, label, tip) in enumerate(POLICY_UNITS):
            head = QLabel(label)
            head.setToolTip(tip)
            head.setStyleSheet("color: #64748b;")
            grid.addWidget(head, 0, c + 1)
        for r, disruption in enumerate(DISRUPTIONS):
            grid.addWidget(QLabel(disruption.capitalize()), r + 1, 0)
            for c, (field, _label, tip) in enumerate(POLICY_UNITS):
                edit = QLineEdit()
                edit.setMinimumWidth(50)
                edit.setPlaceholderText("—")
                edit.setToolTip(f"{disruption}: {tip}")
                key = policy_key(disruption, field)
                edit.editingFinished.connect(
                    lambda e=edit, k=key, dd=disruption, f=field: self._edited(e, k, dd, f))
                self.edits[(disruption, field)] = edit
                panel.editors[key] = edit
                grid.addWidget(edit, r + 1, c + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.form.addRow(grid_w)
        self.refresh()

    def policy(self) -> dict[str, dict[str, float]]:
        raw = self.panel.editor.design.settings.extra.get("policy")
        return raw if isinstance(raw, dict) else {}

    def refresh(self) -> None:
        pol = self.policy()
        for (disruption, field), edit in self.edits.items():
            key = policy_key(disruption, field)
            if key in self.panel.errors or (edit.hasFocus() and edit.text() != edit.property("shown")):
                continue
            v = pol.get(disruption, {}).get(field)
            edit.setText(F.fmt_number(v))
            edit.setProperty("shown", edit.text())

    def commit(self, disruption: str, field: str, text: str) -> bool:
        """Type ``text`` into one cell and press Enter (tests, shortcuts)."""
        edit = self.edits[(disruption, field)]
        edit.setText(text)
        self._edited(edit, policy_key(disruption, field), disruption, field)
        return policy_key(disruption, field) not in self.panel.errors

    def _edited(self, edit: Any, key: str, disruption: str, field: str) -> None:
        import copy

        from ...model.errors import DesignError
        from ...model.reliability import check_policy
        from ..editing.commands import SetSettingsExtraCommand

        if edit.text() == edit.property("shown") and key not in self.panel.errors:
            return
        what = "RTO" if field == "rto_minutes" else "RPO"
        unit = "minutes" if field == "rto_minutes" else "seconds"
        try:
            value = F.parse_number(edit.text(), low=0.0, blank=None, what=f"{what} {unit}",
                                   high=6e10 if field == "rto_minutes" else 3.6e12)
            pol = copy.deepcopy(self.policy())
            target = dict(pol.get(disruption, {}))
            if value is None:
                target.pop(field, None)
            else:
                target[field] = value
            if target:
                pol[disruption] = target
            else:
                pol.pop(disruption, None)
            check_policy(pol)
        except (ValueError, DesignError) as exc:
            self.panel._refuse(key, str(getattr(exc, "problem", exc)))
            return
        self.panel._accept(key)
        edit.setText(F.fmt_number(value))  # as understood: "15.0" -> "15"
        edit.setProperty("shown", edit.text())
        if pol == self.policy():
            return
        shown = "none" if value is None else f"{F.fmt_number(value)} {unit}"
        self.panel.editor.push(SetSettingsExtraCommand(
            self.panel.editor.design, {"policy": pol or None},
            f"Set {disruption} {what} target to {shown}"))


class LinkReplication(Section):
    """A link between two data stores: "Replicates data" (a copy, not a dependency), its
    mode (sync | async) and lag (seconds, async only). Switching sets ``replicates``,
    ``mode``, ``lag_seconds``, ``calls`` and ``optional`` in ONE undo step, so the link is
    never in a state the file refuses (a replication link has no calls and is not optional)."""

    def __init__(self, panel: PropertiesPanel, keys: list[tuple[str, str]]) -> None:
        super().__init__("Replication", True)
        from PySide6.QtWidgets import QCheckBox, QLineEdit

        self.panel = panel
        self.keys = list(keys)
        self.box = QCheckBox("Replicates data")
        self.box.setToolTip("The source's data is copied to the target: multi-region replication. "
                            "It carries no requests and is not a dependency (drawn with long dashes).")
        self.box.clicked.connect(self._replicates_toggled)
        self.form.addRow(self.box)
        self.mode = QComboBox()
        self.mode.addItems(list(REPLICATION_MODES))
        self.mode.setToolTip("sync: a write is acknowledged once copied (RPO 0); async: the copy "
                             "lags behind (RPO = the lag)")
        self.mode.activated.connect(lambda _i: self._set_mode(self.mode.currentText()))
        self.form.addRow("Mode", self.mode)
        self.lag = QLineEdit()
        self.lag.setPlaceholderText("0")
        self.lag.setToolTip("Seconds the async copy is behind: what a loss of the source costs in data")
        self.lag.editingFinished.connect(lambda: self.commit_lag(self.lag.text()))
        panel.editors["Replication lag"] = self.lag
        self.form.addRow("Lag (s)", self.lag)
        self.refresh()

    def _links(self) -> list[Any]:
        d = self.panel.editor.design
        return [lk for lk in (d.link(*k) for k in self.keys) if lk is not None]

    def refresh(self) -> None:
        links = self._links()
        on = bool(links) and all(lk.replicates for lk in links)
        self.box.setChecked(on)
        self.mode.setEnabled(on)
        self.lag.setEnabled(on and all(lk.mode == "async" for lk in links))
        if on:
            self.mode.setCurrentText(links[0].mode)
            if "Replication lag" not in self.panel.errors:
                self.lag.setText(F.fmt_number(links[0].lag_seconds) if links[0].lag_seconds else "")
        for key in ("calls", "optional"):  # they do not apply to a copy
            w = self.panel.editors.get(key)
            if w is not None:
                w.setEnabled(not on)

    def set_replicates(self, on: bool) -> None:
        """Tick or untick "Replicates data" (what a click does)."""
        self.box.setChecked(on)
        self._replicates_toggled(on)

    def _replicates_toggled(self, on: bool) -> None:
        values = ({"replicates": True, "mode": "async", "lag_seconds": 0.0, "calls": 1.0,
                   "optional": False} if on else
                  {"replicates": False, "mode": "async", "lag_seconds": 0.0})
        self.panel.editor.set_link_fields(self.keys, values, "Make link a replication link" if on
                                          else "Make link a dependency again")

    def _set_mode(self, mode: str) -> None:
        values: dict[str, Any] = {"mode": mode}
        if mode != "async":
            values["lag_seconds"] = 0.0  # a lag applies only to async
        self.panel.editor.set_link_fields(self.keys, values, f"Set replication to {mode}")

    def commit_lag(self, text: str) -> bool:
        """Type a lag and press Enter; refused inline unless the link is async."""
        try:
            lag = F.parse_number(text, low=0.0, blank=0.0, what="lag", high=3.6e12)
            if lag > 0 and any(lk.mode != "async" for lk in self._links()):
                raise ValueError("a lag applies only to async replication")
        except ValueError as exc:
            self.panel._refuse("Replication lag", str(exc))
            return False
        self.panel._accept("Replication lag")
        if any(lk.lag_seconds != lag for lk in self._links()):
            self.panel.editor.set_link_fields(self.keys, {"lag_seconds": lag},
                                              f"Set replication lag to {F.fmt_number(lag)} s")
        return True


def link_replication(panel: PropertiesPanel, keys: list[tuple[str, str]]) -> LinkReplication | None:
    """The Replication section when every selected link joins two data stores, else None."""
    d = panel.editor.design
    for k in keys:
        lk = d.link(*k)
        if lk is None or d.nodes[lk.source].kind not in STATEFUL or d.nodes[lk.target].kind not in STATEFUL:
            return None
    section = LinkReplication(panel, keys)
    panel.form.addRow(section)
    return section


def client_success_rows(cres: Any) -> list[tuple[str, str]]:
    """(4b) A client's analysis lines: success ratio (availability x success of its request)
    with the degraded share when some request errors or degrades, and the error budget a
    month ((1 - SLO) x 43,830 min) with the share of it the design is expected to use."""
    from ...export.resilience import _share
    from ...formatting import fmt_duration, fmt_percent

    rows: list[tuple[str, str]] = []
    success = getattr(cres, "success_ratio", None)
    request = getattr(cres, "request_success", 1.0)
    degraded = getattr(cres, "degraded_fraction", 0.0) or 0.0
    if success is not None and (request < 1.0 or degraded > 0.0):
        text = fmt_percent(success)
        if degraded > 0.0:
            text += f" · {html.escape(_share(degraded))} degraded"
        rows.append(("Success ratio", html.escape(text)))
    budget = getattr(cres, "error_budget_minutes_per_month", None)
    if budget is not None:
        used = getattr(cres, "error_budget_used", None)
        text = f"{fmt_duration(budget)} a month"
        if used is not None:
            colour = "#b91c1c" if used > 1.0 else "#334155"
            text += f" · <b style='color:{colour}'>{html.escape(_share(used))} used</b>"
        rows.append(("Error budget", text))
    return rows
