""""Fail it" mode: click a node, zone or region and see its blast radius.

The numbers are the report's deterministic scenarios (``report.failure(id)``):
the canvas shades the clicked part as failed, the parts it takes down, the parts
left overloaded, and fades what is unaffected; :class:`FailItOverlay`, anchored
top-left on the canvas, states the numbers after the loss. Nothing here computes
a number, and nothing here edits the design: while the mode is on, the scene
hands clicks to this controller instead of selecting, moving or wiring.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...formatting import fmt_percent, fmt_util
from ...model import KIND_LABELS, Design, Role
from ...render.badges import BAD, GOOD, WARN, Badge, utilization_level
from ..canvas import style
from .zone_check import HOT_COLOUR, OUTCOME_COLOURS, ZoneCheckPanel, outcome_of

SHORTCUT = "F"
HINT = "Fail it — click a part to fail it, Esc to leave"
WAITING = "Waiting for the analysis…"
MAX_NAMES = 4  # longer lists end in "and N more"
SURVIVES_COLOUR, DROPS_COLOUR, OVERLOAD_COLOUR = "#166534", "#991b1b", "#92400e"
# HOT_COLOUR (amber, from zone_check): survives, but a node runs above the target
# utilisation. The canvas has no "hot" shading state (render/style.py knows failed, down,
# overloaded, normal), so hot nodes are named in the overlay and their utilisation badge
# takes the warning level; their boxes are not shaded.


# -- what a scenario means for each box (no Qt) ------------------------------------------
def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


def scenario_states(design: Design, scenario: Any) -> dict[str, str]:
    """State of every part the scenario touches: the lost part "failed"; the clients and
    nodes it takes down, and the regions/zones nested inside a lost container, "down";
    the nodes left running hot "overloaded". Absent ids are unaffected."""
    states: dict[str, str] = {}
    for nid in list(scenario.nodes_down) + list(scenario.clients_down):
        states[nid] = style.DOWN
    if scenario.down in design.nodes and design.nodes[scenario.down].is_container:
        for nid in design.descendants(scenario.down):
            if design.nodes[nid].is_container:
                states[nid] = style.DOWN
    for nid in scenario.overloaded:
        states.setdefault(nid, style.OVERLOADED)
    states[scenario.down] = style.FAILED
    return states


def scenario_badges(design: Design, scenario: Any, states: dict[str, str]) -> dict[str, list[Badge]]:
    """Badges after the loss: "failed", "down"/"not served", the utilisation after the
    loss for every node that still carries load, "served" for clients that still are."""
    util = scenario.utilization or {}
    hot = set(getattr(scenario, "hot", None) or [])
    out: dict[str, list[Badge]] = {}
    for nid, node in design.nodes.items():
        state = states.get(nid, style.NORMAL)
        if state == style.FAILED:
            out[nid] = [Badge("failed", BAD, "the part you failed")]
        elif state == style.DOWN:
            if node.role is Role.SOURCE:
                out[nid] = [Badge("not served", BAD, "this client is not served after the loss")]
            else:
                out[nid] = [Badge("down", BAD, "down with the failed part")]
        elif node.role is Role.SOURCE:
            out[nid] = [Badge("served", GOOD, "this client is still served after the loss")]
        elif _finite(util.get(nid)):
            u = float(util[nid])
            if state == style.OVERLOADED:
                out[nid] = [Badge(f"util {fmt_util(u)}", BAD, "utilisation after the loss: above 100 %")]
            elif nid in hot:
                out[nid] = [Badge(f"util {fmt_util(u)}", WARN, "utilisation after the loss: hot, "
                                  "above the target utilisation")]
            else:
                out[nid] = [Badge(f"util {fmt_util(u)}", utilization_level(u), "utilisation after the loss")]
        else:
            out[nid] = []
    return out


def _name(design: Design, nid: str) -> str:
    node = design.nodes.get(nid)
    return node.name if node is not None and node.name else nid


def _names(design: Design, ids: list[str], extra: dict[str, str] | None = None) -> str:
    parts = [_name(design, i) + (f" ({extra[i]})" if extra and i in extra else "") for i in ids]
    if len(parts) > MAX_NAMES:
        parts = parts[:MAX_NAMES] + [f"and {len(ids) - MAX_NAMES} more"]
    return ", ".join(parts)


def overloaded_text(design: Design, scenario: Any) -> str:
    """ "Storefront (120 %)" for each overloaded node, or "none"."""
    util = scenario.utilization or {}
    extra = {n: fmt_util(util[n]) for n in scenario.overloaded if n in util}
    return _names(design, list(scenario.overloaded), extra) or "none"


def hot_text(design: Design, scenario: Any) -> str:
    """ "Web (86 %)" for each node above the target utilisation (within 100 %), or "none"."""
    util = scenario.utilization or {}
    hot = sorted(getattr(scenario, "hot", None) or [], key=lambda n: -util[n] if n in util else 0.0)
    extra = {n: fmt_util(util[n]) for n in hot if n in util}
    return _names(design, hot, extra) or "none"


def outcome_kind(scenario: Any) -> str:
    """ "drops", "overloaded" (no client dropped, a node above 100 %), "hot" or "survives"."""
    return outcome_of(scenario, None)[0]


def outcome_text(design: Design, scenario: Any) -> str:
    """ "survives", "survives, hot: Web (86 %)", "does not survive: DB at 107 %" or
    "drops: Shoppers" (the zone panel's words, without the mark)."""
    kind, words = outcome_of(scenario, design)
    if kind == "drops":
        return "drops: " + _names(design, list(scenario.clients_down))
    return words[2:]  # "✘ ", "⚠ ", "✔ "


ROW_WORDS = {"hardware": "one replica lost", "software": "a bad change"}


def recovery_line(report: Any, target: str) -> str:
    """(4b) RTO and RPO of what was failed, from ``report.resilience_for(target)``: a zone
    or region its one row, a node its hardware (one replica) and software (bad change)
    rows, each saying what it is (the overlay shows the whole node down, the hardware row
    is one replica lost): "Recovery: hardware, one replica lost: RTO 0 s, RPO 0 s (policy
    met) · software, a bad change: …"; "" without."""
    from ...export.resilience import fmt_rpo, fmt_rto

    rows_for = getattr(report, "resilience_for", None)
    rows = rows_for(target) if callable(rows_for) else []
    parts = []
    for r in rows:
        met = "" if r.meets_policy is None else (" (policy met)" if r.meets_policy
                                                  else " (policy MISSED)")
        what = ROW_WORDS.get(r.disruption)
        head = f"{r.disruption}, {what}:" if what else r.disruption
        parts.append(f"{head} RTO {fmt_rto(r.rto_minutes)}, RPO {fmt_rpo(r.rpo_seconds)}{met}")
    return ("Recovery: " + " · ".join(parts)) if parts else ""


def scenario_lines(design: Design, scenario: Any, report: Any = None) -> list[str]:
    """The overlay's lines, plain text: headline, what else goes down, overloads, numbers."""
    kind = KIND_LABELS.get(scenario.kind, scenario.kind)
    lines = [f"{kind} {_name(design, scenario.down)} down → {outcome_text(design, scenario)}"]
    others = [n for n in scenario.nodes_down if n != scenario.down]
    if others:
        lines.append(f"Also down: {_names(design, others)}")
    lines.append(f"Overloaded: {overloaded_text(design, scenario)}")
    if getattr(scenario, "hot", None):
        lines.append(f"Hot: {hot_text(design, scenario)} (above the target utilisation)")
    p = f"P(system | down) = {fmt_percent(scenario.availability_given_down, scenario.unavailability_given_down)}"
    system = getattr(report, "system", None)
    if system is not None:
        p += f"  (now {fmt_percent(system.availability, system.unavailability)})"
    lines.append(p)
    rec = recovery_line(report, scenario.down)
    if rec:
        lines.append(rec)
    return lines


@dataclass
class CutSetScenario:
    """A minimal cut set (``report.CutSet``) as a scenario the canvas can shade: every
    unit failed at once, what that takes down; no loads (the cut set's own numbers are
    its probability and share of the downtime)."""

    cut: Any
    down: str
    kind: str
    clients_down: list[str]
    nodes_down: list[str]
    overloaded: list[str] = field(default_factory=list)
    utilization: dict[str, float] = field(default_factory=dict)
    hot: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, design: Design, cut: Any) -> CutSetScenario:
        ids = [u.id for u in cut.units if u.id in design.nodes]
        first = ids[0] if ids else ""
        kind = design.nodes[first].kind if first else ""
        return cls(cut, first, kind, list(cut.clients), list(cut.nodes_down))

    @property
    def failed(self) -> list[str]:
        return list(dict.fromkeys(u.id for u in self.cut.units))


def cut_set_states(design: Design, scenario: CutSetScenario) -> dict[str, str]:
    """:func:`scenario_states` with every unit of the cut set failed (and what a failed
    container holds down)."""
    states = scenario_states(design, scenario)
    for nid in scenario.failed:
        if nid not in design.nodes:
            continue
        if design.nodes[nid].is_container:
            for inner in design.descendants(nid):
                if design.nodes[inner].is_container:
                    states.setdefault(inner, style.DOWN)
        states[nid] = style.FAILED
    return states


def cut_set_lines(design: Design, scenario: CutSetScenario, client_names: dict[str, str]
                  ) -> list[str]:
    """The overlay's lines for a cut set: the parts, the sentence, what else goes down and
    the probability of all of them at once."""
    from ...analysis.cutsets import sentence
    from ...formatting import fmt_duration
    from ...model import MINUTES_PER_YEAR

    cut = scenario.cut
    parts = " + ".join(u.words for u in cut.units)
    lines = [f"{parts} → drops: {_names(design, list(cut.clients))}",
             sentence(cut, client_names)[0].upper() + sentence(cut, client_names)[1:]]
    others = [n for n in scenario.nodes_down if n not in scenario.failed]
    if others:
        lines.append(f"Also down: {_names(design, others)}")
    lines.append(f"All of them down at once: {fmt_duration(cut.probability * MINUTES_PER_YEAR)} "
                 f"a year (probability {cut.probability:.2g}; they fail independently)")
    return lines


def summary_line(design: Design, scenario: Any) -> str:
    """One line: "eu-west-1b down → survives; overloaded: none; P(system | down) = 97.40 %"."""
    return (f"{_name(design, scenario.down)} down → {outcome_text(design, scenario)}; "
            f"overloaded: {overloaded_text(design, scenario)}; P(system | down) = "
            f"{fmt_percent(scenario.availability_given_down, scenario.unavailability_given_down)}")


# -- widgets on the canvas ------------------------------------------------------------------
def _nowrap(names: str) -> str:
    """Escape a ", "-separated list so lines wrap between names, never inside "eu-west-1a"."""
    return ", ".join(f"<span style='white-space:nowrap'>{html.escape(n)}</span>"
                     for n in names.split(", "))


class _ModeFrame(QWidget):
    """A coloured border around the canvas while the mode is on; clicks pass through."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.hide()

    def paintEvent(self, event: Any) -> None:  # noqa: N802
        p = QPainter(self)
        pen = QPen(style.FAIL_MODE_COLOUR, 4)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        p.setPen(pen)
        p.drawRect(self.rect().adjusted(2, 2, -2, -2))
        p.end()


class FailItOverlay(QFrame):
    """The numbers after the loss, floating at the canvas's top-left corner.

    The header names the mode (and how to leave it); the body shows the scenario:
    "Zone eu-west-1b down → survives", what else goes down, what is overloaded with its
    utilisation, and P(system | down)."""

    leaveRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("failItOverlay")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(False)
        self.setStyleSheet(
            "#failItOverlay { background: rgba(255, 255, 255, 240); border: 2px solid #b91c1c;"
            " border-radius: 8px; }"
            "#failItHeader { background: #b91c1c; border-top-left-radius: 6px;"
            " border-top-right-radius: 6px; }"
            "#failItHeader QLabel { color: white; font-weight: 600; }"
            "#failItHeader QToolButton { color: white; border: none; padding: 0 4px; font-weight: 700; }"
            "#failItHeader QToolButton:hover { background: #991b1b; border-radius: 3px; }"
            "#failItBody { color: #0f172a; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(0)
        header = QWidget()
        header.setObjectName("failItHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        hl = QHBoxLayout(header)
        hl.setContentsMargins(10, 5, 4, 5)
        self.header = QLabel(HINT)
        # the header is bold (style sheet): it wraps rather than lose "…Esc to leave"
        self.header.setWordWrap(True)
        self.header.setToolTip(HINT)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Leave Fail it mode (Esc)")
        self.close_button.clicked.connect(self.leaveRequested)
        hl.addWidget(self.header, 1)
        hl.addWidget(self.close_button)
        header.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        lay.addWidget(header)
        self.body = QLabel()
        self.body.setObjectName("failItBody")
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setContentsMargins(10, 6, 10, 8)
        self.body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.body)
        self._lines: list[str] = []
        self.show_hint()
        self.hide()

    def _header_font(self) -> QFont:
        """The header's font as drawn: bold by the style sheet (``font()`` before the first
        polish is the plain one, and measuring that cut the hint short)."""
        self.ensurePolished()
        self.header.ensurePolished()
        font = QFont(self.header.font())
        font.setBold(True)
        return font

    def _header_chrome(self) -> int:
        """Width around the header's text: the frame, the strip's margins, the ✕ button."""
        hl = self.header.parentWidget().layout()
        m, hm = self.layout().contentsMargins(), hl.contentsMargins()
        return (m.left() + m.right() + 2 * self.frameWidth() + hm.left() + hm.right() + hl.spacing()
                + self.close_button.sizeHint().width() + 4)

    def natural_width(self) -> int:
        """Wide enough for the header and each line unwrapped, within 300..560 px; longer
        lines wrap between names (and a header that still does not fit wraps too)."""
        head = QFont(self.body.font())
        head.setPointSizeF(11)
        head.setBold(True)
        widths = [QFontMetrics(self._header_font()).horizontalAdvance(self.header.text())
                  + self._header_chrome()]
        for i, line in enumerate(self._lines):
            fm = QFontMetrics(head if i == 0 else self.body.font())
            widths.append(fm.horizontalAdvance(("✘ " if i == 0 else "") + line) + 48)
        return max(300, min(max(widths), 560))

    def height_for(self, width: int) -> int:
        """The panel's height at ``width``, from the body's laid-out rich text (QLabel's own
        height-for-width guess leaves a gap under wrapped text)."""
        m = self.layout().contentsMargins()
        strip = self.layout().itemAt(0).widget()
        hm = strip.layout().contentsMargins()
        text_w = max(40, width - self._header_chrome())
        self.header.setFont(self._header_font())  # measure what is drawn
        head = max(self.header.heightForWidth(text_w), self.close_button.sizeHint().height())
        height = m.top() + m.bottom() + 2 * self.frameWidth() + hm.top() + hm.bottom() + head
        if self.body.isVisibleTo(self) and self._lines:
            bm = self.body.contentsMargins()
            doc = QTextDocument()
            doc.setDefaultFont(self.body.font())
            doc.setHtml(self.body.text())
            doc.setTextWidth(width - m.left() - m.right() - bm.left() - bm.right())
            height += math.ceil(doc.size().height()) + bm.top() + bm.bottom()
        return height

    def text(self) -> str:
        """What the body says, as plain text (one line per row)."""
        return "\n".join(self._lines)

    def _set(self, lines: list[str], rich: list[str]) -> None:
        self._lines = lines
        self.body.setText("<br>".join(rich))
        self.body.setVisible(bool(lines))
        self.adjustSize()

    def show_hint(self, note: str = "") -> None:
        """No scenario: just the header (and a note, e.g. why the last click did nothing)."""
        self._set([note] if note else [], [html.escape(note)] if note else [])

    def show_scenario(self, design: Design, scenario: Any, report: Any = None) -> None:
        lines = scenario_lines(design, scenario, report)
        esc = html.escape
        kind = outcome_kind(scenario)
        colour = OUTCOME_COLOURS[kind]
        head = esc(lines[0].split(" → ", 1)[0])
        mark = {"drops": "✘", "overloaded": "✘", "hot": "⚠", "survives": "✔"}[kind]
        rich = [f"<span style='font-size:11pt'><b>{head}</b> → "
                f"<b style='color:{colour}'>{mark} {esc(outcome_text(design, scenario))}</b></span>"]
        others = [n for n in scenario.nodes_down if n != scenario.down]
        if others:
            rich.append(f"Also down: <span style='color:{DROPS_COLOUR}'>{_nowrap(_names(design, others))}</span>")
        over = _nowrap(overloaded_text(design, scenario))
        rich.append("Overloaded: " + (f"<b style='color:{OVERLOAD_COLOUR}'>{over}</b>"
                                      if scenario.overloaded else over))
        if getattr(scenario, "hot", None):
            rich.append(f"Hot: <b style='color:{HOT_COLOUR}'>{_nowrap(hot_text(design, scenario))}</b>"
                        "&nbsp;<span style='color:#475569'>(above the target utilisation)</span>")
        p = fmt_percent(scenario.availability_given_down, scenario.unavailability_given_down)
        line = f"P(system | down) = <b>{esc(p)}</b>"
        system = getattr(report, "system", None)
        if system is not None:
            now = fmt_percent(system.availability, system.unavailability)
            line += f"&nbsp;&nbsp;<span style='color:#475569'>(now {esc(now)})</span>"
        rich.append(line)
        rec = recovery_line(report, scenario.down)
        if rec:
            missed = "MISSED" in rec
            rich.append(f"<span style='color:{DROPS_COLOUR if missed else '#334155'}'>{esc(rec)}</span>")
        self._set(lines, rich)


    def show_cut_set(self, design: Design, scenario: CutSetScenario,
                     client_names: dict[str, str]) -> None:
        """A cut set: its parts → the clients it drops, the sentence, what else goes
        down, and its probability."""
        lines = cut_set_lines(design, scenario, client_names)
        esc = html.escape
        head, _, dropped = lines[0].partition(" → ")
        rich = [f"<span style='font-size:11pt'><b>{esc(head)}</b> → "
                f"<b style='color:{DROPS_COLOUR}'>✘ {esc(dropped)}</b></span>",
                esc(lines[1])]
        for line in lines[2:]:
            if line.startswith("Also down: "):
                rich.append("Also down: <span style='color:"
                            f"{DROPS_COLOUR}'>{_nowrap(line[len('Also down: '):])}</span>")
            else:
                rich.append(esc(line))
        self._set(lines, rich)


# -- the controller ---------------------------------------------------------------------------
class FailIt(QObject):
    """The mode's state: on/off, which part is failed, and the newest report.

    Canvas clicks arrive through ``DesignScene.set_pick_mode``; reports arrive on the
    window's ``analysis.reportReady`` signal (the worker's result), so the shading
    follows every edit without main_window knowing about this mode."""

    changed = Signal()  # mode or scenario changed (for tests and panels)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.scene = window.scene
        self.view = window.view
        self.active = False
        self.failed_id: str | None = None
        self.failed_set: CutSetScenario | None = None  # a cut set failed all at once
        self.scenario: Any = None
        self.overlay = FailItOverlay(self.view)
        self.frame = _ModeFrame(self.view)
        self.zone_panel = ZoneCheckPanel()
        self.action = QAction("Fail It", window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        tip = (f"Fail it ({SHORTCUT}): click a node, zone or region to see what its loss takes "
               "down, what it overloads and the availability after it")
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)
        self.action.toggled.connect(self.set_active)
        window.addAction(self.action)
        self.escape_action = QAction("Restore / leave Fail it", window)
        self.escape_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.escape_action.setEnabled(False)  # Esc keeps its usual meaning outside the mode
        self.escape_action.triggered.connect(self.escape)
        window.addAction(self.escape_action)
        self.overlay.leaveRequested.connect(lambda: self.set_active(False))
        self.zone_panel.zone_clicked.connect(self.fail)
        self.view.installEventFilter(self)
        window.analysis.reportReady.connect(self._on_report)
        window.analysis.failed.connect(self._on_analysis_failed)
        window.editor.designReplaced.connect(self._on_replaced)
        self.scene.synced.connect(self._on_synced)
        self._place()
        self.zone_panel.set_report(window.analysis.last_report, window.editor.design)

    # -- the mode ------------------------------------------------------------------------
    @property
    def design(self) -> Design:
        return self.window.editor.design

    @property
    def report(self) -> Any:
        return self.window.analysis.last_report

    def set_active(self, on: bool) -> None:
        """Enter or leave the mode; leaving restores every part's normal look."""
        on = bool(on)
        if self.action.isChecked() != on:
            self.action.setChecked(on)  # re-enters through toggled
            return
        if on == self.active:
            return
        self.active = on
        self.escape_action.setEnabled(on)
        if on:
            self.scene.set_pick_mode(self.click)
            self.view.set_base_cursor(Qt.CursorShape.CrossCursor)
            self.overlay.show_hint()
            self._place()
            self.frame.show()
            self.overlay.show()
            self.frame.raise_()
            self.overlay.raise_()
        else:
            self.restore()
            self.scene.set_pick_mode(None)
            self.view.set_base_cursor(Qt.CursorShape.ArrowCursor)
            self.overlay.hide()
            self.frame.hide()
        self.changed.emit()

    def click(self, node_id: str | None) -> None:
        """A canvas click in the mode: the failed part again (or bare canvas) restores;
        another part switches the scenario to it."""
        if node_id is None or node_id == self.failed_id:
            self.restore()
            return
        self.fail(node_id)

    def fail(self, node_id: str) -> None:
        """Show the scenario "node_id down" (entering the mode if needed)."""
        if not self.active:
            self.set_active(True)
        node = self.design.nodes.get(node_id)
        if node is None:
            return
        if node.role is Role.SOURCE:
            self.restore(f"{node.name} is a client: it sends the requests and does not fail. "
                         "Click a node, zone or region.")
            return
        self.failed_id = node_id
        self.failed_set = None
        self._apply()

    def fail_all(self, cut: Any) -> None:
        """Fail every unit of a minimal cut set at once (the Cut sets tab's click):
        the parts failed, what they take down and the set's numbers, entering the mode
        if needed. A click on the canvas then switches to one part, as usual."""
        design = self.design
        scenario = CutSetScenario.of(design, cut)
        if not scenario.down:
            return
        if not self.active:
            self.set_active(True)
        self.failed_id = None
        self.failed_set = scenario
        self.scenario = scenario
        states = cut_set_states(design, scenario)
        self.scene.show_scenario(states, scenario_badges(design, scenario, states))
        names = {n.id: n.name for n in design.nodes.values() if n.role is Role.SOURCE}
        self.overlay.show_cut_set(design, scenario, names)
        self.zone_panel.set_current(None)
        self._place()
        self._keep_clear(scenario.down)
        self.changed.emit()

    def restore(self, note: str = "") -> None:
        """Back to the unfailed design (the mode stays on)."""
        self.failed_id = None
        self.failed_set = None
        self.scenario = None
        self.scene.clear_scenario()
        self.overlay.show_hint(note)
        self.zone_panel.set_current(None)
        self._place()
        self.changed.emit()

    def escape(self) -> None:
        """Esc: restore a failed part; with nothing failed, leave the mode."""
        if self.failed_id is not None or self.failed_set is not None:
            self.restore()
        else:
            self.set_active(False)

    def _apply(self) -> None:
        """(Re)draw the failed part's scenario from the newest report."""
        nid = self.failed_id
        if nid is None:
            return
        design, report = self.design, self.report
        failure = getattr(report, "failure", None)
        scenario = failure(nid) if callable(failure) else None
        self.zone_panel.set_current(nid)
        if scenario is None:
            self.scenario = None
            self.scene.clear_scenario()
            name = _name(design, nid)
            error = self.window.analysis.last_error
            if report is None:
                self.overlay.show_hint(f"No numbers for {name}: {error}" if error
                                       else f"{name}: {WAITING}")
            else:
                self.overlay.show_hint(f"The analysis has no failure scenario for {name}.")
        else:
            self.scenario = scenario
            states = scenario_states(design, scenario)
            self.scene.show_scenario(states, scenario_badges(design, scenario, states))
            self.overlay.show_scenario(design, scenario, report)
        self._place()
        self._keep_clear(nid)
        self.changed.emit()

    # -- following the design and the reports ------------------------------------------------
    def _on_report(self, report: Any, revision: int) -> None:
        self.zone_panel.set_report(report, self.design)
        if self.active and self.failed_id is not None:
            self._apply()
        elif self.active and self.failed_set is not None:
            self.restore("The design changed: pick the cut set again in the Cut sets tab.")

    def _on_analysis_failed(self, message: str) -> None:
        self.zone_panel.set_report(None, self.design, message)
        if self.active and self.failed_id is not None:
            self.scenario = None
            self.scene.clear_scenario()
            self.overlay.show_hint(f"No numbers for {_name(self.design, self.failed_id)}: {message}")
            self._place()
            self.changed.emit()

    def _on_synced(self) -> None:
        nid = self.failed_id
        if nid is not None and nid not in self.design.nodes:
            self.restore("The failed part was deleted — click a part to fail it.")

    def _on_replaced(self, design: Design) -> None:
        self.zone_panel.set_report(None, design)
        if self.active:
            self.restore()
        else:
            self.failed_id, self.scenario = None, None

    # -- placing the widgets over the canvas ------------------------------------------------
    def _place(self) -> None:
        vp: QRect = self.view.viewport().geometry()
        self.frame.setGeometry(vp)
        width = min(self.overlay.natural_width(), max(vp.width() - 24, 200))
        self.overlay.setFixedSize(width, self.overlay.height_for(width))
        self.overlay.move(vp.left() + 12, vp.top() + 12)

    def _keep_clear(self, node_id: str) -> None:
        """Scroll the canvas a little when the overlay hides the failed part's top edge
        (its name), so the click's result is never under the panel."""
        item = self.scene.item_for(node_id)
        if item is None or not self.overlay.isVisible():
            return
        vp = self.view.viewport()
        r = self.view.mapFromScene(item.scene_rect()).boundingRect()
        top = QRect(r.left(), r.top(), r.width(), min(r.height(), 40))
        over = self.overlay.geometry().translated(-vp.x(), -vp.y())  # viewport coordinates
        if not top.intersects(over):
            return
        dy = over.bottom() + 10 - r.top()
        bar = self.view.verticalScrollBar()
        if r.top() + dy < vp.height() - 40:
            bar.setValue(bar.value() - dy)
            return
        dx = over.right() + 10 - r.left()
        hbar = self.view.horizontalScrollBar()
        hbar.setValue(hbar.value() - dx)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.view and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._place()
        return False


def install_failit(window: QMainWindow) -> FailIt:
    """Add "Fail it" to a MainWindow: the checkable action (shortcut F) in the toolbar and
    the View menu, the overlay and frame on the canvas, the Esc handling, and a
    :class:`ZoneCheckPanel` (``window.failit.zone_panel``) for the caller to dock."""
    existing = getattr(window, "failit", None)
    if isinstance(existing, FailIt):  # once per window: two F shortcuts would cancel out
        return existing
    fi = FailIt(window)
    window.failit = fi  # type: ignore[attr-defined]
    insights = getattr(window, "insights", None)
    if insights is not None and hasattr(insights, "cut_set_clicked"):
        insights.cut_set_clicked.connect(fi.fail_all)  # the Cut sets tab: fail them all
    toolbar = getattr(window, "toolbar", None)
    if toolbar is not None:
        toolbar.addSeparator()
        toolbar.addAction(fi.action)
        button = toolbar.widgetForAction(fi.action)
        if button is not None:
            button.setObjectName("failItButton")
            button.setStyleSheet("QToolButton:checked { background: #b91c1c; color: white; }")
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == "View" and menu_action.menu() is not None:
            menu = menu_action.menu()
            menu.addSeparator()
            menu.addAction(fi.action)
            break
    return fi


__all__ = ["CutSetScenario", "FailIt", "FailItOverlay", "cut_set_lines", "cut_set_states",
           "install_failit", "scenario_badges", "scenario_lines",
           "scenario_states", "summary_line"]
