"""The status banner above the canvas: the system's nines, downtime a year, headroom, SPOFs.

The banner never widens the window: when the canvas is narrow (a 1280 px screen with
both side docks open) it switches to a denser look — smaller figures and margins, then
the nines moved under the percentage — instead of demanding more width. Its minimum
width is that of its densest look, so no figure is ever cut.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..panels import fields as F

STATE_STYLES = {
    "ok": ("#f0fdf4", "#bbf7d0"),
    "miss": ("#fef2f2", "#fecaca"),
    "none": ("#f8fafc", "#e2e8f0"),
    "error": ("#fffbeb", "#fde68a"),
}


# (value font size in pt, side margin in px) per density level; level 2 also moves the
# part of a value after " · " under it, into the caption, and uses the short captions
LEVELS = ((13.0, 10), (11.0, 5), (11.0, 4))
SHORT_CAPTIONS = {"system availability": "availability", "downtime a year": "downtime a year",
                  "headroom (demand ×)": "headroom", "single points of failure": "SPOFs",
                  "client SLOs": "SLOs"}


def spof_tip(spofs: list[str], units: dict[str, str]) -> str:
    """The SPOF count's tooltip: each SPOF with the failure unit that makes it one
    ("lb — its only replica", "db — its failover window", "eu-west-1 — region eu-west-1")."""
    if not spofs:
        return "No single failure drops a client"
    lines = [f"{sid} — {units[sid]}" if units.get(sid) else sid for sid in spofs]
    return "Losing any one of these drops a client (by the unit that fails):\n" + "\n".join(lines)


class Metric(QWidget):
    """A big value over a small caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 2, 10, 2)
        lay.setSpacing(0)
        self.full_value = "—"
        self.base_caption = caption
        self.caption_default = caption
        self.colour = "#0f172a"
        self.level = 0
        self.value = QLabel("—")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("font-size: 8pt; color: #64748b;")
        lay.addWidget(self.value)
        lay.addWidget(self.caption)
        self._apply()

    def set(self, value: str, tip: str = "", colour: str = "#0f172a", caption: str | None = None) -> None:
        self.full_value = value
        self.colour = colour
        if caption is not None:
            self.base_caption = caption
        self.setToolTip(f"{self.base_caption}: {value}" + (f"\n{tip}" if tip else ""))
        self._apply()

    def set_level(self, level: int) -> None:
        if level != self.level:
            self.level = level
            self._apply()

    def _apply(self) -> None:
        size, margin = LEVELS[self.level]
        value, caption = self.full_value, self.base_caption
        if self.level >= 2:
            head, sep, tail = caption.partition(" · ")
            caption = SHORT_CAPTIONS.get(head, head) + sep + tail
            if " · " in value:  # "99.9 % · 3.0 nines": the nines go under it
                value, rest = value.split(" · ", 1)
                caption = f"{rest} · {caption}"
        self.value.setText(value)
        self.caption.setText(caption)
        self.value.setStyleSheet(f"font-size: {size}pt; font-weight: 600; color: {self.colour};")
        self.layout().setContentsMargins(margin, 2, margin, 2)

    def width_at(self, level: int) -> int:
        """The width this metric needs at a density level (without changing it)."""
        key = (level, self.full_value, self.base_caption)
        cache = self.__dict__.setdefault("_widths", {})
        if key not in cache:
            old = self.level
            self.set_level(level)
            self.value.ensurePolished()
            cache[key] = self.sizeHint().width()
            self.set_level(old)
        return cache[key]


class Banner(QFrame):
    """Shows the latest report's headline numbers, or why there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(4)
        self.availability = Metric("system availability")
        self.downtime = Metric("downtime a year")
        self.headroom = Metric("headroom (demand ×)")
        self.spofs = Metric("single points of failure")
        self.slo = Metric("client SLOs")
        self.separators: list[QFrame] = []
        for m in (self.availability, self.downtime, self.headroom, self.spofs, self.slo):
            lay.addWidget(m)
            if m is not self.slo:
                sep = QFrame()
                sep.setFrameShape(QFrame.Shape.VLine)
                sep.setStyleSheet("color: #cbd5e1;")
                lay.addWidget(sep)
                self.separators.append(sep)
        self.state = QLabel()
        self.state.setStyleSheet("color: #64748b; font-size: 8pt;")
        self.state.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # a long message wraps instead of widening the window
        self.state.setWordWrap(True)
        self.state.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state.setMinimumWidth(24)
        lay.addWidget(self.state, 1)
        self.level = 0
        self._set_state("none")
        self.show_message("No analysis yet")

    def _set_state(self, state: str) -> None:
        bg, border = STATE_STYLES[state]
        self.setStyleSheet(f"#banner {{ background: {bg}; border-bottom: 1px solid {border}; }}")

    def set_busy(self, busy: bool) -> None:
        if busy:
            self.state.setText("analysing…")
        elif self.state.text() == "analysing…":
            self.state.setText("")

    def _numbers_shown(self, shown: bool) -> None:
        """Metrics (with numbers) or only the state line (a message across the banner)."""
        for w in (*self.metrics(), *self.separators):
            w.setVisible(shown)
        self.state.setAlignment((Qt.AlignmentFlag.AlignRight if shown else Qt.AlignmentFlag.AlignLeft)
                                | Qt.AlignmentFlag.AlignVCenter)
        self.state.setStyleSheet("color: #64748b; font-size: 8pt;" if shown else
                                 "color: #334155; font-size: 10pt; padding: 6px 4px;")

    def show_message(self, text: str, error: bool = False) -> None:
        """No numbers to show: say why (no clients yet, analysis unavailable, an error),
        across the whole banner instead of a column of dashes."""
        for m in (self.availability, self.downtime, self.headroom, self.spofs, self.slo):
            m.set("—", caption=m.caption_default)
        self._numbers_shown(False)
        self.state.setText(text)
        self.state.setToolTip(text)
        self._set_state("error" if error else "none")
        self._changed()

    # -- density -------------------------------------------------------------------------
    def metrics(self) -> tuple[Metric, ...]:
        return (self.availability, self.downtime, self.headroom, self.spofs, self.slo)

    def width_at(self, level: int) -> int:
        """The banner's width at a density level: its metrics, separators and margins, plus
        room for a short state note (a message alone wraps to any width)."""
        if self.slo.isHidden():
            return 200
        lay = self.layout()
        m = lay.contentsMargins()
        parts = [mt.width_at(level) for mt in self.metrics()]
        seps = 4 * (1 + 2 * lay.spacing())
        return sum(parts) + seps + lay.spacing() * len(parts) + m.left() + m.right() + \
            self.state.minimumWidth()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.width_at(len(LEVELS) - 1), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.width_at(0), super().sizeHint().height())

    def _fit(self) -> None:
        """The least dense look that fits the banner's width."""
        width = self.width()
        level = next((lv for lv in range(len(LEVELS)) if self.width_at(lv) <= width), len(LEVELS) - 1)
        self.level = level
        for mt in self.metrics():
            mt.set_level(level)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _changed(self) -> None:
        self.updateGeometry()
        self._fit()

    def show_report(self, report: object, unconnected: dict[str, str] | None = None) -> None:
        """The report's headline numbers. ``unconnected``: id -> name of the clients that
        link to nothing — they ask nothing of the design, so they are "not connected",
        never "100 % served", and not counted among the SLOs met."""
        s = report.system  # type: ignore[attr-defined]
        clients = getattr(report, "clients", {})
        if not clients:
            self.show_message("Add a client to see the system's numbers")
            return
        unconnected = {cid: name for cid, name in (unconnected or {}).items() if cid in clients}
        if unconnected and len(unconnected) >= len(clients):
            who = ", ".join(unconnected.values())
            self.show_message(f"Not connected: {who} {'links' if len(unconnected) == 1 else 'link'} to "
                              "nothing yet — drag from a client's edge dot to the part it calls")
            return
        self._numbers_shown(True)
        self._show_report(report, s, clients, unconnected)
        self._changed()

    def _show_report(self, report: object, s: Any, clients: dict, unconnected: dict[str, str]) -> None:
        avail_text = f"{F.fmt_percent(s.availability, s.unavailability)} · {F.fmt_nines(s.nines)}"
        colour = "#166534" if s.meets_slo else "#991b1b"
        self.availability.set(avail_text, f"P(every client is served) = {s.availability:.9g}", colour)
        self.downtime.set(F.fmt_downtime(s.downtime_minutes_per_year),
                          f"{s.downtime_minutes_per_year:.4g} minutes a year (365.25 days)")
        head_colour = "#991b1b" if s.headroom is not None and s.headroom < 1 else (
            "#92400e" if s.headroom is not None and s.headroom < 1 / 0.7 else "#0f172a")
        self.headroom.set(F.fmt_headroom(s.headroom),
                          f"bottleneck: {s.bottleneck}" if s.bottleneck else "no capacity limits", head_colour)
        spofs = list(getattr(report, "spofs", []))
        self.spofs.set(str(len(spofs)), spof_tip(spofs, getattr(report, "spof_units", None) or {}),
                       "#991b1b" if spofs else "#166534")
        counted = {cid: c for cid, c in clients.items() if cid not in unconnected}
        met = sum(1 for c in counted.values() if c.meets_slo)
        tip = "\n".join(f"{cid}: {'meets' if c.meets_slo else 'misses'} its SLO" for cid, c in counted.items())
        if unconnected:
            tip += "\nNot connected (not counted): " + ", ".join(unconnected.values())
        self.slo.set(f"{met} of {len(counted)} met", tip, "#166534" if met == len(counted) else "#991b1b",
                     caption=f"client SLOs · {len(unconnected)} not connected" if unconnected
                     else "client SLOs")
        warnings = list(getattr(report, "warnings", []))
        self.state.setText(f"⚠ {F.plural(len(warnings), 'warning')}" if warnings else "")
        self.state.setToolTip("\n".join(warnings))
        self._set_state("ok" if s.meets_slo else "miss")

    def texts(self) -> dict[str, str]:
        """What the banner currently shows (for tests and screenshots)."""
        return {"availability": self.availability.value.text(), "downtime": self.downtime.value.text(),
                "headroom": self.headroom.value.text(), "spofs": self.spofs.value.text(),
                "slo": self.slo.value.text(), "state": self.state.text()}
