"""The status banner above the canvas: the system's nines, downtime a year, headroom, SPOFs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from . import fields as F

STATE_STYLES = {
    "ok": ("#f0fdf4", "#bbf7d0"),
    "miss": ("#fef2f2", "#fecaca"),
    "none": ("#f8fafc", "#e2e8f0"),
    "error": ("#fffbeb", "#fde68a"),
}


class Metric(QWidget):
    """A big value over a small caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 2, 10, 2)
        lay.setSpacing(0)
        self.value = QLabel("—")
        self.value.setStyleSheet("font-size: 13pt; font-weight: 600; color: #0f172a;")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("font-size: 8pt; color: #64748b;")
        lay.addWidget(self.value)
        lay.addWidget(self.caption)

    def set(self, value: str, tip: str = "", colour: str = "#0f172a") -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"font-size: 13pt; font-weight: 600; color: {colour};")
        self.setToolTip(tip)


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
        for m in (self.availability, self.downtime, self.headroom, self.spofs, self.slo):
            lay.addWidget(m)
            if m is not self.slo:
                sep = QFrame()
                sep.setFrameShape(QFrame.Shape.VLine)
                sep.setStyleSheet("color: #cbd5e1;")
                lay.addWidget(sep)
        self.state = QLabel()
        self.state.setStyleSheet("color: #64748b; font-size: 8pt;")
        self.state.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # a long message wraps instead of widening the window
        self.state.setWordWrap(True)
        self.state.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.state, 1)
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

    def show_message(self, text: str, error: bool = False) -> None:
        """No numbers to show: say why (no clients yet, analysis unavailable, an error)."""
        for m in (self.availability, self.downtime, self.headroom, self.spofs, self.slo):
            m.set("—")
        self.state.setText(text)
        self.state.setToolTip(text)
        self._set_state("error" if error else "none")

    def show_report(self, report: object) -> None:
        s = report.system  # type: ignore[attr-defined]
        clients = getattr(report, "clients", {})
        if not clients:
            self.show_message("Add a client to see the system's numbers")
            return
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
        self.spofs.set(str(len(spofs)), ("Losing any one of these drops a client: " + ", ".join(spofs))
                       if spofs else "No single failure drops a client",
                       "#991b1b" if spofs else "#166534")
        met = sum(1 for c in clients.values() if c.meets_slo)
        self.slo.set(f"{met} of {len(clients)} met", "\n".join(
            f"{cid}: {'meets' if c.meets_slo else 'misses'} its SLO" for cid, c in clients.items()),
            "#166534" if met == len(clients) else "#991b1b")
        warnings = list(getattr(report, "warnings", []))
        self.state.setText(f"⚠ {len(warnings)} warning(s)" if warnings else "")
        self.state.setToolTip("\n".join(warnings))
        self._set_state("ok" if s.meets_slo else "miss")

    def texts(self) -> dict[str, str]:
        """What the banner currently shows (for tests and screenshots)."""
        return {"availability": self.availability.value.text(), "downtime": self.downtime.value.text(),
                "headroom": self.headroom.value.text(), "spofs": self.spofs.value.text(),
                "slo": self.slo.value.text(), "state": self.state.text()}
