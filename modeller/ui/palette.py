"""The palette: every kind of node with its icon, dragged onto the canvas (or double-clicked)."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..model import KIND_LABELS
from .canvas import style
from .editor import KIND_MIME

GROUPS: list[tuple[str, list[str]]] = [
    ("Components", ["client", "service", "database", "cache", "queue", "storage", "external"]),
    ("Routing", ["load_balancer", "dns"]),
    ("Failure domains", ["region", "zone"]),
]

HINTS: dict[str, str] = {
    "client": "Sends requests; carries demand and the SLO",
    "service": "Needs every required dependency it links to",
    "database": "A stateful dependency",
    "cache": "Often an optional (dashed) dependency",
    "queue": "A broker between producers and consumers",
    "storage": "Object or block storage",
    "external": "A third-party API you depend on",
    "load_balancer": "Spreads load over a pool of targets",
    "dns": "Routes to one of several targets",
    "region": "A failure domain that holds zones and nodes",
    "zone": "An availability zone inside a region",
}


def kind_mime(kind: str) -> QMimeData:
    """What a palette drag carries: the kind to create."""
    md = QMimeData()
    md.setData(KIND_MIME, kind.encode("utf-8"))
    md.setText(kind)
    return md


class _KindList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QListWidget.DragDropMode.DragOnly)
        self.setIconSize(QSize(26, 26))
        self.setSpacing(1)
        self.setUniformItemSizes(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet(
            "QListWidget { border: none; background: transparent; }"
            "QListWidget::item { padding: 5px 6px; border-radius: 6px; }"
            "QListWidget::item:hover { background: #e0e7ff; }"
            "QListWidget::item:selected { background: #c7d2fe; color: #0f172a; }")

    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:  # noqa: N802
        kind = items[0].data(Qt.ItemDataRole.UserRole) if items else ""
        return kind_mime(kind)

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [KIND_MIME]

    def startDrag(self, actions: Qt.DropAction) -> None:  # noqa: N802
        item = self.currentItem()
        if item is None:
            return
        kind = item.data(Qt.ItemDataRole.UserRole)
        drag = QDrag(self)
        drag.setMimeData(kind_mime(kind))
        drag.setPixmap(style.icon_pixmap(kind, 36))
        drag.exec(Qt.DropAction.CopyAction)


class Palette(QWidget):
    """Kinds grouped by role; emits ``kindActivated`` on double-click (add at the centre)."""

    kindActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        self.lists: dict[str, _KindList] = {}
        self.items: dict[str, QListWidgetItem] = {}
        for title, kinds in GROUPS:
            label = QLabel(title.upper())
            label.setStyleSheet("color: #64748b; font-size: 8pt; font-weight: 600; "
                                "letter-spacing: 1px; padding: 6px 4px 2px 4px;")
            layout.addWidget(label)
            lst = _KindList(self)
            for kind in kinds:
                item = QListWidgetItem(style.kind_icon(kind), KIND_LABELS[kind])
                item.setData(Qt.ItemDataRole.UserRole, kind)
                item.setToolTip(f"{HINTS.get(kind, '')}\nDrag onto the canvas, or double-click")
                item.setSizeHint(QSize(150, 34))
                lst.addItem(item)
                self.items[kind] = item
            lst.setFixedHeight(len(kinds) * 36 + 6)
            lst.itemDoubleClicked.connect(lambda it: self.kindActivated.emit(it.data(Qt.ItemDataRole.UserRole)))
            layout.addWidget(lst)
            self.lists[title] = lst
        hint = QLabel("Drag a kind onto the canvas. Drop it inside a region or zone to place it "
                      "there. Drag from a node's edge dot to another node to link them.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #64748b; font-size: 8pt; padding: 8px 4px;")
        layout.addWidget(hint)
        layout.addStretch(1)

    def mime_for(self, kind: str) -> QMimeData:
        """The drag payload for ``kind``, exactly as a drag from this palette carries it."""
        item = self.items[kind]
        return item.listWidget().mimeData([item])
