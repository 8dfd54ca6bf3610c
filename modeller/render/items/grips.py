"""Corner resize grips shared by the boxes a person can resize (containers, notes)."""

from __future__ import annotations

from PySide6.QtCore import QPointF

GRIP = 7.0  # half the side of a corner grip's hit square


class CornerGripsMixin:
    """Four corner grips of a ``w`` x ``h`` item, hit-tested when it is selected."""

    w: float
    h: float

    def grips(self) -> dict[str, QPointF]:
        return {"tl": QPointF(0, 0), "tr": QPointF(self.w, 0),
                "bl": QPointF(0, self.h), "br": QPointF(self.w, self.h)}

    def grip_at(self, scene_pos: QPointF) -> str | None:
        """The corner grip under a scene point, when the item is selected (None otherwise)."""
        if not self.isSelected():  # type: ignore[attr-defined]
            return None
        local = self.mapFromScene(scene_pos)  # type: ignore[attr-defined]
        for name, p in self.grips().items():
            if abs(local.x() - p.x()) <= GRIP + 1 and abs(local.y() - p.y()) <= GRIP + 1:
                return name
        return None
