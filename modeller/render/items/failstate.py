"""What node boxes and containers share: their rectangle, a highlight and the "Fail it" look."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from .. import style
from ..badges import Badge


class FadeStateMixin:
    """Mixed into an item without badges (an arrow, a replica chip): in a failure
    scenario it is coloured by ``state`` in its own paint, or faded when unaffected."""

    state: str
    in_scenario: bool

    def set_fail_state(self, state: str, in_scenario: bool = True) -> None:
        if not in_scenario:
            state = style.NORMAL
        if (state, in_scenario) == (self.state, self.in_scenario):
            return
        self.state, self.in_scenario = state, in_scenario
        self.setOpacity(  # type: ignore[attr-defined]
            style.UNAFFECTED_OPACITY if in_scenario and state == style.NORMAL else 1.0)
        self.update()  # type: ignore[attr-defined]


class FailStateMixin:
    """Mixed into a QGraphicsItem that has ``w``, ``h``, ``badges``, ``highlight``,
    ``state``, ``fail_badges`` and ``in_scenario`` attributes."""

    w: float
    h: float
    badges: list[Badge]
    stale: bool  # the badges are from an older revision (analysis running): drawn dimmed
    # whether a paint (in any view) showed the badges since the last stale flip; a box
    # zoomed far out is drawn without text, so a flip changes nothing there (repainting
    # 300 of them cost 25 ms of an edit)
    stale_drawn: bool = True
    highlight: QColor | None
    state: str
    fail_badges: list[Badge] | None
    in_scenario: bool

    def rect(self) -> QRectF:
        return QRectF(0, 0, self.w, self.h)

    def scene_rect(self) -> QRectF:
        return self.rect().translated(self.pos())  # type: ignore[attr-defined]

    def set_highlight(self, colour: QColor | None) -> None:
        if colour != self.highlight:
            self.highlight = colour
            self.update()  # type: ignore[attr-defined]

    def set_fail_state(self, state: str, badges: list[Badge] | None = None,
                       in_scenario: bool = True) -> None:
        """Show this item as a failure scenario sees it; ``in_scenario=False`` restores it."""
        if not in_scenario:
            state, badges = style.NORMAL, None
        if (state, badges, in_scenario) == (self.state, self.fail_badges, self.in_scenario):
            return
        self.state, self.in_scenario = state, in_scenario
        self.fail_badges = list(badges) if badges is not None else None
        opacity = style.UNAFFECTED_OPACITY if in_scenario and state == style.NORMAL else 1.0
        self.setOpacity(opacity)  # type: ignore[attr-defined]
        self.on_shown_badges_changed()

    def set_badges(self, badges: list[Badge], stale: bool = False) -> None:
        """The report's badges; a change of ``stale`` alone (every edit dims every box until
        the new report lands) only repaints: the layout stays."""
        if badges == self.badges:
            if stale != self.stale:
                self.stale = stale
                if self.stale_drawn:
                    self.update()  # type: ignore[attr-defined]
                    self.stale_drawn = False  # until a paint shows the badges again
            return
        self.badges, self.stale = list(badges), stale
        self.on_shown_badges_changed()

    def on_shown_badges_changed(self) -> None:
        """The badges shown changed (a scenario began or ended): lay out and repaint."""
        self.update()  # type: ignore[attr-defined]

    def shown_badges(self) -> list[Badge]:
        return self.fail_badges if self.fail_badges is not None else self.badges
