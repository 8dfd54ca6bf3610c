"""The palette: every kind of node, and the cloud presets grouped by provider with a search box.

Both are dragged onto the canvas (or double-clicked to add at the centre of the view).
A kind drag carries the kind; a preset drag carries the same kind payload plus the
preset id (:func:`modeller.ui.editing.presets_ui.preset_mime`), so the node arrives with the
preset's published figure and the properties panel can show where it came from.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QFont, QFontMetrics, QIcon, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...model import KIND_LABELS, DesignError
from ...model.presets import (
    Preset,
    describe_source,
    format_percent,
    presets_by_provider,
    search_presets,
)
from ..canvas import style
from ..editing.editor import KIND_MIME
from ..editing.presets_ui import PRESET_MIME, preset_mime

GROUPS: list[tuple[str, list[str]]] = [
    ("Components", ["client", "service", "database", "cache", "queue", "storage", "external"]),
    ("Routing", ["load_balancer", "dns"]),
    ("Failure domains", ["region", "zone"]),
    ("Annotations", ["group", "note"]),
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
    "note": "Free text for a meeting; not part of the analysis",
    "group": "A labelled box (VPC, subnet, account) that holds parts; never fails them",
}

ROW_H = 28
MIN_WIDTH = 212  # room for a preset's name on two lines
SECTION_STYLE = ("color: #64748b; font-size: 8pt; font-weight: 600; "
                 "letter-spacing: 1px; padding: 6px 4px 2px 4px;")
LIST_STYLE = ("{cls} {{ border: none; background: transparent; }}"
              "{cls}::item {{ padding: 3px 4px; border-radius: 6px; }}"
              "{cls}::item:hover {{ background: #e0e7ff; }}"
              "{cls}::item:selected {{ background: #c7d2fe; color: #0f172a; }}")


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
        self.setIconSize(QSize(22, 22))
        self.setSpacing(0)
        self.setUniformItemSizes(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet(LIST_STYLE.format(cls="QListWidget"))

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


SOURCE_WORDS = {"SLA": "SLA", "documented": "documented", "secondary": "secondary source",
                "assumption": "assumption"}


class _PresetDelegate(QStyledItemDelegate):
    """A preset row: icon, the label wrapped over up to two lines, then "99.95 % · SLA" in grey.

    Preset labels are long ("Azure SQL Database Business Critical, zone-redundant") and the
    palette is narrow: wrapping beats eliding the words that tell two presets apart.
    """

    PAD = 4
    ICON = 18

    def __init__(self, tree: _PresetTree) -> None:
        super().__init__(tree)
        self.tree = tree

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        main = QFont(option.font)
        small = QFont(option.font)
        small.setPointSizeF(max(6.5, main.pointSizeF() * 0.85))
        return main, small

    def _text_width(self, option: QStyleOptionViewItem, index: QModelIndex) -> int:
        indent = self.tree.indentation() * 2  # root decoration + one level
        width = self.tree.viewport().width() - indent if option.rect.width() <= 0 else option.rect.width()
        return max(60, width - self.ICON - 3 * self.PAD)

    def _lines(self, text: str, font: QFont, width: int) -> list[str]:
        fm = QFontMetrics(font)
        words, lines, cur = text.split(), [], ""
        for word in words:
            trial = f"{cur} {word}".strip()
            if fm.horizontalAdvance(trial) <= width or not cur:
                cur = trial
            else:
                lines.append(cur)
                cur = word
        if cur:
            lines.append(cur)
        if len(lines) > 2:
            lines = [lines[0], fm.elidedText(" ".join(lines[1:]), Qt.TextElideMode.ElideRight, width)]
        return [fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        if not index.parent().isValid():
            return super().sizeHint(option, index)
        main, small = self._fonts(option)
        lines = self._lines(index.data() or "", main, self._text_width(option, index))
        h = len(lines) * QFontMetrics(main).height() + QFontMetrics(small).height() + 2 * self.PAD + 1
        return QSize(self._text_width(option, index), int(h))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if not index.parent().isValid():
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QIcon()
        widget = opt.widget
        st = widget.style() if widget is not None else QApplication.style()
        st.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        preset = self.tree.presets.get(index.data(Qt.ItemDataRole.UserRole) or "")
        r = option.rect
        main, small = self._fonts(option)
        painter.save()
        style.draw_icon(painter, preset.kind if preset else "service",
                        QRectF(r.left() + self.PAD, r.top() + self.PAD + 1, self.ICON, self.ICON))
        x = r.left() + self.ICON + 2 * self.PAD
        width = r.width() - self.ICON - 3 * self.PAD
        y = r.top() + self.PAD
        painter.setFont(main)
        painter.setPen(style.TEXT)
        fm = QFontMetrics(main)
        for line in self._lines(index.data() or "", main, width):
            painter.drawText(QRect(x, y, width, fm.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), line)
            y += fm.height()
        if preset is not None:
            painter.setFont(small)
            painter.setPen(style.SUBTLE_TEXT)
            sub = f"{format_percent(preset.availability or 1.0)} · {SOURCE_WORDS[preset.source.kind]}"
            painter.drawText(QRect(x, y + 1, width, QFontMetrics(small).height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), sub)
        painter.restore()


class _PresetTree(QTreeWidget):
    """Providers as groups, presets as draggable two-line rows (label, then figure and source)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presets: dict[str, Preset] = {}
        self.setColumnCount(1)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(True)
        self.setIndentation(12)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(_PresetDelegate(self))
        self.setStyleSheet("QTreeWidget { border: none; background: transparent; }"
                           "QTreeWidget::item:hover { background: #e0e7ff; }"
                           "QTreeWidget::item:selected { background: #c7d2fe; color: #0f172a; }")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # wrapped rows change height with the width

    def preset_at(self, item: QTreeWidgetItem | None) -> Preset | None:
        if item is None:
            return None
        return self.presets.get(item.data(0, Qt.ItemDataRole.UserRole) or "")

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:  # noqa: N802
        preset = self.preset_at(items[0]) if items else None
        return preset_mime(preset) if preset is not None else QMimeData()

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [KIND_MIME, PRESET_MIME]

    def startDrag(self, actions: Qt.DropAction) -> None:  # noqa: N802
        preset = self.preset_at(self.currentItem())
        if preset is None:  # a provider heading: nothing to drop
            return
        drag = QDrag(self)
        drag.setMimeData(preset_mime(preset))
        drag.setPixmap(style.icon_pixmap(preset.kind, 36))
        drag.exec(Qt.DropAction.CopyAction)


def _preset_tooltip(p: Preset) -> str:
    lines = [p.label, f"{KIND_LABELS.get(p.kind, p.kind)} · {p.provider_label} · "
             f"availability {format_percent(p.availability or 1.0)}",
             f"Source: {describe_source(p)}"]
    if p.notes:
        lines.append(p.notes)
    lines.append("Drag onto the canvas (into a region or zone to place it), or double-click")
    return "\n".join(lines)


class Palette(QWidget):
    """Kinds grouped by role, then presets by provider with a search box.

    Emits ``kindActivated`` / ``presetActivated`` on double-click (add at the centre).
    """

    kindActivated = Signal(str)
    presetActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.setMinimumWidth(MIN_WIDTH)
        # kinds above, presets below, with a splitter between: when the window is short
        # (bottom docks open) both stay usable instead of the palette forcing its height
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(5)
        kinds = QWidget()
        layout = QVBoxLayout(kinds)
        layout.setContentsMargins(6, 4, 6, 2)
        layout.setSpacing(1)
        self.lists: dict[str, _KindList] = {}
        self.items: dict[str, QListWidgetItem] = {}
        for title, kinds_in_group in GROUPS:
            layout.addWidget(self._section(title))
            lst = _KindList(kinds)
            for kind in kinds_in_group:
                item = QListWidgetItem(style.kind_icon(kind), KIND_LABELS[kind])
                item.setData(Qt.ItemDataRole.UserRole, kind)
                item.setToolTip(f"{HINTS.get(kind, '')}\nDrag onto the canvas (into a region or zone "
                                "to place it there), or double-click")
                item.setSizeHint(QSize(150, ROW_H))
                lst.addItem(item)
                self.items[kind] = item
            lst.setFixedHeight(len(kinds_in_group) * ROW_H + 4)
            lst.itemDoubleClicked.connect(lambda it: self.kindActivated.emit(it.data(Qt.ItemDataRole.UserRole)))
            layout.addWidget(lst)
            self.lists[title] = lst
        layout.addStretch(1)
        self.kinds_scroll = QScrollArea()
        self.kinds_scroll.setWidget(kinds)
        self.kinds_scroll.setWidgetResizable(True)
        self.kinds_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.kinds_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.kinds_scroll.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.kinds_scroll.setMinimumHeight(3 * ROW_H + 30)
        self.splitter.addWidget(self.kinds_scroll)
        presets = QWidget()
        playout = QVBoxLayout(presets)
        playout.setContentsMargins(6, 0, 6, 6)
        playout.setSpacing(1)
        self._build_presets(playout)
        self.splitter.addWidget(presets)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        # every kind visible when there is room; the presets take the rest
        self.splitter.setSizes([kinds.sizeHint().height(), 10_000])
        outer.addWidget(self.splitter)

    @staticmethod
    def _section(title: str) -> QLabel:
        label = QLabel(title.upper())
        label.setStyleSheet(SECTION_STYLE)
        return label

    def _build_presets(self, layout: QVBoxLayout) -> None:
        self.preset_items: dict[str, QTreeWidgetItem] = {}
        self.provider_items: dict[str, QTreeWidgetItem] = {}
        section = self._section("Cloud presets")
        section.setToolTip("Published availability figures (SLAs) and stated assumptions, each "
                           "with its source. The properties panel shows the source of a preset node.")
        layout.addWidget(section)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search presets: rds, redis, azure sql…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        layout.addWidget(self.search)
        self.tree = _PresetTree(self)
        try:
            groups = presets_by_provider()
        except DesignError as exc:  # a broken catalogue must not stop the editor
            groups = {}
            self.tree.setToolTip(f"The preset catalogue could not be read:\n{exc}")
        bold = QFont()
        bold.setBold(True)
        for provider, presets in groups.items():
            label = presets[0].provider_label if presets else provider
            top = QTreeWidgetItem([f"{label}  ({len(presets)})"])
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.setData(0, Qt.ItemDataRole.UserRole, "")
            top.setData(0, Qt.ItemDataRole.UserRole + 1, provider)
            top.setData(0, Qt.ItemDataRole.UserRole + 2, label)
            top.setToolTip(0, f"{len(presets)} {label} presets")
            self.tree.addTopLevelItem(top)
            self.provider_items[provider] = top
            for p in presets:
                item = QTreeWidgetItem([p.label])
                item.setData(0, Qt.ItemDataRole.UserRole, p.id)
                item.setToolTip(0, _preset_tooltip(p))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                top.addChild(item)
                self.tree.presets[p.id] = p
                self.preset_items[p.id] = item
        self.tree.itemDoubleClicked.connect(self._on_double_click)
        self.tree.setMinimumHeight(110)
        layout.addWidget(self.tree, 1)
        self.no_match = QLabel()
        self.no_match.setWordWrap(True)
        self.no_match.setStyleSheet("color: #64748b; font-size: 8pt; padding: 2px 4px;")
        self.no_match.hide()
        layout.addWidget(self.no_match)

    # -- presets -------------------------------------------------------------------
    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        preset = self.tree.preset_at(item)
        if preset is not None:
            self.presetActivated.emit(preset.id)

    def _filter(self, text: str) -> None:
        """Show the presets matching every word typed; open the groups while searching."""
        wanted = {p.id for p in search_presets(text, self.tree.presets.values())}
        searching = bool(text.strip())
        for top in self.provider_items.values():
            shown = 0
            for i in range(top.childCount()):
                child = top.child(i)
                visible = child.data(0, Qt.ItemDataRole.UserRole) in wanted
                child.setHidden(not visible)
                shown += visible
            top.setHidden(shown == 0)
            label = top.data(0, Qt.ItemDataRole.UserRole + 2)
            top.setText(0, f"{label}  ({shown})")
            top.setExpanded(searching and shown > 0)
        self.no_match.setText(f"No preset matches “{text.strip()}”." if searching and not wanted else "")
        self.no_match.setVisible(searching and not wanted)

    def set_search(self, text: str) -> None:
        """Type into the search box (what tests and a "find preset" shortcut call)."""
        self.search.setText(text)

    def visible_presets(self) -> dict[str, list[str]]:
        """Provider label -> ids of the presets the list shows now (hidden groups left out)."""
        out: dict[str, list[str]] = {}
        for top in self.provider_items.values():
            if top.isHidden():
                continue
            ids = [top.child(i).data(0, Qt.ItemDataRole.UserRole) for i in range(top.childCount())
                   if not top.child(i).isHidden()]
            out[top.data(0, Qt.ItemDataRole.UserRole + 2)] = ids
        return out

    def preset_mime_for(self, preset_id: str) -> QMimeData:
        """The drag payload for a preset, exactly as a drag from this palette carries it."""
        item = self.preset_items[preset_id]
        return self.tree.mimeData([item])

    def mime_for(self, kind: str) -> QMimeData:
        """The drag payload for ``kind``, exactly as a drag from this palette carries it."""
        item = self.items[kind]
        return item.listWidget().mimeData([item])
