"""The canvas view: zoom (wheel, keys), pan (middle-drag, space-drag), fit, grid, file drops."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from ...model import geometry as geo
from . import style

MIN_ZOOM = 0.1
MAX_ZOOM = 4.0
STEP = 1.2


def design_files(urls: list) -> list[str]:  # type: ignore[type-arg]
    """Local design files among dropped URLs."""
    out = []
    for url in urls:
        if url.isLocalFile():
            p = url.toLocalFile()
            if p.endswith(".json"):
                out.append(p)
    return out


class CanvasView(QGraphicsView):
    zoomChanged = Signal(float)
    filesDropped = Signal(list)

    def __init__(self, scene, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        # the grid is drawn once per zoom and scroll, not on every repaint (the first
        # badges of an edit repaint the whole canvas: 2.4 of its 10 ms at 40 nodes)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._show_grid = True
        self._pan_from: QPoint | None = None
        self._space = False
        self.base_cursor = Qt.CursorShape.ArrowCursor  # a mode (e.g. "Fail it") may change it

    @property
    def show_grid(self) -> bool:
        return self._show_grid

    @show_grid.setter
    def show_grid(self, on: bool) -> None:
        self._show_grid = bool(on)
        self.resetCachedContent()  # the cached background has (or lacks) the dots
        self.viewport().update()

    def set_base_cursor(self, shape: Qt.CursorShape) -> None:
        """The cursor over the canvas when not panning."""
        self.base_cursor = shape
        if self._pan_from is None and not self._space:
            self.viewport().setCursor(shape)

    # -- zoom --------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        centre = anchor if anchor is not None else self.mapToScene(self.viewport().rect().center())
        self.resetTransform()
        self.scale(factor, factor)
        if anchor is None:
            self.centerOn(centre)
        self.zoomChanged.emit(factor)

    def zoom_by(self, ratio: float) -> None:
        old = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        target = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom() * ratio))
        self.scale(target / self.zoom(), target / self.zoom())
        self.setTransformationAnchor(old)
        self.zoomChanged.emit(self.zoom())

    def zoom_in(self) -> None:
        self.zoom_by(STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / STEP)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def fit(self) -> None:
        """Fit the whole design in the window (never zooming in past 100 %)."""
        scene = self.scene()
        rects = [i.scene_rect() for i in scene.node_items().values()] if hasattr(scene, "node_items") else []
        if not rects:
            self.set_zoom(1.0, None)
            self.centerOn(0, 0)
            return
        box = rects[0]
        for r in rects[1:]:
            box = box.united(r)
        box = box.adjusted(-40, -40, 40, 40)
        vp = self.viewport().rect()
        factor = min(vp.width() / box.width(), vp.height() / box.height(), 1.0)
        self.resetTransform()
        self.scale(max(factor, MIN_ZOOM), max(factor, MIN_ZOOM))
        self.centerOn(box.center())
        self.zoomChanged.emit(self.zoom())

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)  # shift+wheel scrolls
            return
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            return
        ratio = math.pow(STEP, delta / 120.0)
        target = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom() * ratio))
        ratio = target / self.zoom()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.scale(ratio, ratio)
        self.zoomChanged.emit(self.zoom())
        event.accept()

    # -- pan ---------------------------------------------------------------------
    def _start_pan(self, pos: QPoint) -> None:
        self._pan_from = pos
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.MiddleButton or (
                event.button() == Qt.MouseButton.LeftButton and self._space):
            self._start_pan(event.position().toPoint())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            pos = event.position().toPoint()
            d = pos - self._pan_from
            self._pan_from = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - d.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - d.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space else self.base_cursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._pan_from = None
            self.viewport().setCursor(self.base_cursor)
            event.accept()
            return
        super().keyReleaseEvent(event)

    # -- background grid ---------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        painter.fillRect(rect, style.CANVAS_BG)
        if not self.show_grid or self.zoom() < 0.45:
            return
        step = geo.GRID * 2
        # dots whose centre lies just outside the exposed strip still reach into it: a
        # scroll by a few pixels exposes half a dot (the cached background kept the other)
        pad = 2.0 / max(self.zoom(), 1e-6)
        left = math.floor((rect.left() - pad) / step) * step
        top = math.floor((rect.top() - pad) / step) * step
        points = []
        y = top
        while y < rect.bottom() + pad:
            x = left
            while x < rect.right() + pad:
                points.append(QPointF(x, y))
                x += step
            y += step
        if len(points) > 40000:
            return
        painter.setPen(style.GRID_DOT)
        painter.drawPoints(points)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        """Zoomed far out, name the regions and zones in a readable size, like a map."""
        if not hasattr(self.scene(), "node_items"):
            return
        if not self.scene().node_items():
            self._draw_empty_hint(painter)
            return
        if not style.drawn_small(self.zoom()):
            return
        from .items import ContainerItem

        painter.save()
        painter.resetTransform()
        f = style.font(9, True)
        painter.setFont(f)
        fm = painter.fontMetrics()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for item in self.scene().node_items().values():
            if not isinstance(item, ContainerItem):
                continue
            r = item.scene_rect()
            if not r.intersects(rect):
                continue
            top_left = self.mapFromScene(r.topLeft())
            width = self.mapFromScene(r.topRight()).x() - top_left.x()
            text = fm.elidedText(item.name, Qt.TextElideMode.ElideRight, max(width - 10, 20))
            tw = fm.horizontalAdvance(text) + 10
            box = QRectF(top_left.x() + 3, top_left.y() + 3, tw, fm.height() + 4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 215))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(style.kind_colour(item.kind).darker(140))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def _draw_empty_hint(self, painter: QPainter) -> None:
        painter.save()
        painter.resetTransform()
        vp = QRectF(self.viewport().rect())
        painter.setPen(style.SUBTLE_TEXT)
        painter.setFont(style.font(12, True))
        painter.drawText(vp.adjusted(0, -30, 0, -30), Qt.AlignmentFlag.AlignCenter,
                         "Drag a client, services and databases from the palette")
        painter.setFont(style.font(9.5))
        painter.drawText(vp.adjusted(0, 20, 0, 20), Qt.AlignmentFlag.AlignCenter,
                         "Drop them inside a region or zone to place them there · drag from a node's "
                         "edge dot to link it\nor open an example: File ▸ Open Example")
        painter.restore()

    # -- files dropped on the canvas ----------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        md = event.mimeData()
        if md.hasUrls() and design_files(md.urls()):
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        md = event.mimeData()
        if md.hasUrls() and design_files(md.urls()):
            event.acceptProposedAction()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        md = event.mimeData()
        if md.hasUrls() and design_files(md.urls()):
            event.acceptProposedAction()
            self.filesDropped.emit([str(Path(p)) for p in design_files(md.urls())])
            return
        super().dropEvent(event)
