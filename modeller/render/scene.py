"""The diagram as a scene: items that mirror a Design and show a Report, nothing else.

:class:`DiagramScene` builds and updates the items (boxes, containers, arrows, replica
chips, notes) from the Design by id, lays out the replica chips, routes the arrows and
shows badges and failure scenarios. It never edits anything: the window's canvas
(:class:`modeller.ui.canvas.scene.DesignScene`) adds the gestures on top of it, and the
image exports render it as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from ..model import Design, Role
from ..model import geometry as geo
from ..model.geometry import CONTAINER_TITLE
from . import style
from .badges import Badge, node_badges
from .chips import ChipSpec, place_chips
from .items import ChipItem, ContainerItem, LinkItem, NodeItem, NoteItem
from .items.chip import chip_natural_width
from .routing import ROUTES, route_links

BoxItem = NodeItem | ContainerItem | NoteItem
MARGIN = 1500.0
LABEL_LIMIT = 80  # above this many links, arrow labels show only when selected


def link_route(design: Design, link: object) -> str:
    """"straight" or "orthogonal": the link's own choice, else the design's."""
    own = getattr(link, "extra", {}).get("route")
    if own in ROUTES:
        return own
    mode = design.settings.extra.get("link_route")
    return mode if mode in ROUTES else "straight"


class DiagramScene(QGraphicsScene):
    """Mirrors one Design (call :meth:`sync` after a change) and shows a report's badges."""

    synced = Signal()

    def __init__(self, design: Design, parent=None, export: bool = False) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.design = design
        self.export = export  # image exports: text is never cut (numbers stay whole)
        self._boxes: dict[str, BoxItem] = {}
        self._links: dict[tuple[str, str], LinkItem] = {}
        self._chips: dict[tuple[str, str], ChipItem] = {}
        self._route_cache: dict[tuple[str, str], tuple[tuple, object]] = {}
        self._badges: dict[str, list[Badge]] = {}
        self._report_revision: int | None = None
        self._pending: set[str] = set()  # badges still from an older report (see apply_report)
        self._scenario: tuple[dict[str, str], dict[str, list[Badge]]] | None = None
        self.setBackgroundBrush(style.CANVAS_BG)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)

    # -- mirror the design -------------------------------------------------------
    def _replace_design(self, design: Design) -> None:
        self.design = design
        for item in list(self._boxes.values()) + list(self._links.values()) + list(self._chips.values()):
            self.removeItem(item)
        self._boxes.clear()
        self._links.clear()
        self._chips.clear()
        self._route_cache.clear()
        self._badges = {}
        self._report_revision = None
        self._pending = set()
        self._scenario = None  # a scenario of another design means nothing here
        self.setSceneRect(QRectF())

    def _new_box(self, nid: str, node: object) -> BoxItem:
        if node.is_box:  # type: ignore[attr-defined]  # region, zone or group
            item: BoxItem = ContainerItem(nid)
        elif node.is_note:  # type: ignore[attr-defined]
            item = NoteItem(nid)
        else:
            item = NodeItem(nid)
        item.never_cut = self.export
        return item

    @staticmethod
    def _kind_class(node: object) -> type:
        if node.is_box:  # type: ignore[attr-defined]
            return ContainerItem
        return NoteItem if node.is_note else NodeItem  # type: ignore[attr-defined]

    def sync(self) -> None:
        """Make the items match the design: create, remove and update by id."""
        d = self.design
        for nid in list(self._boxes):
            node = d.nodes.get(nid)
            item = self._boxes[nid]
            if node is None or type(item) is not self._kind_class(node):
                self.removeItem(item)
                del self._boxes[nid]
        pool: dict[str, int] = {}
        for lk in d.links:
            pool[lk.source] = pool.get(lk.source, 0) + 1
        stale = self._report_revision != d.revision
        for nid, node in d.nodes.items():
            item = self._boxes.get(nid)
            if item is None:
                item = self._new_box(nid, node)
                self._boxes[nid] = item
                self.addItem(item)
            rect = geo.node_rect(node)
            if isinstance(item, ContainerItem):
                item.sync(node, rect, len(d.enclosing(nid)))
            elif isinstance(item, NoteItem):
                item.sync(node, rect)
            else:
                item.sync(node, rect, pool.get(nid, 0) if node.role is Role.ROUTER else 0)
            item.set_badges(self._badges.get(nid, []), stale or nid in self._pending)
        keys = {lk.key: lk for lk in d.links}
        for key in list(self._links):
            if key not in keys:
                self.removeItem(self._links.pop(key))
        seen: dict[str, int] = {}
        labels = len(keys) <= LABEL_LIMIT
        for key, lk in keys.items():
            item = self._links.get(key)
            if item is None:
                item = LinkItem(*key)
                self._links[key] = item
                self.addItem(item)
            src = d.nodes[lk.source]
            router = src.role is Role.ROUTER
            seen[lk.source] = seen.get(lk.source, 0) + 1
            item.sync(lk, router, (seen[lk.source], pool.get(lk.source, 0)) if router else (0, 0))
            item.route = link_route(d, lk)
            if item.show_label != labels:
                item.show_label = labels
                item.update()
        self.route_all()
        self.sync_chips()
        self._grow_scene_rect()
        if self._scenario is not None:
            self._paint_scenario()
        self.synced.emit()

    # -- replica chips -------------------------------------------------------------
    def chip_specs(self, rects: dict[str, geo.Rect] | None = None) -> list[ChipSpec]:
        """Chip placement; the model's own boxes give the same answer for the same
        geometry, names and spreads, so that answer is kept until one of them changes
        (most edits — links, fields — move nothing)."""
        d = self.design

        def measure(nid: str, count: int, compact: bool) -> float:
            return chip_natural_width("" if compact else d.nodes[nid].name, count)

        if rects:
            return place_chips(d, measure, rects)
        if not any(n.spread for n in d.nodes.values()):
            return []
        key = tuple((n.id, n.kind, n.name, n.x, n.y, n.w, n.h, n.parent, tuple(n.spread),
                     n.replicas) for n in d.nodes.values())
        cached = getattr(self, "_chip_cache", None)
        if cached is None or cached[0] != key:
            cached = (key, place_chips(d, measure, None))
            self._chip_cache = cached
        return list(cached[1])

    def sync_chips(self, rects: dict[str, geo.Rect] | None = None) -> None:
        """Create, place and remove the replica chips (``rects``: boxes of a drag preview)."""
        d = self.design
        specs = self.chip_specs(rects)
        want = {(s.node_id, s.zone_id): s for s in specs}
        for key in list(self._chips):
            if key not in want:
                self.removeItem(self._chips.pop(key))
        for key, spec in want.items():
            item = self._chips.get(key)
            if item is None:
                item = ChipItem(*key)
                item.never_cut = self.export
                self._chips[key] = item
                self.addItem(item)
            node, zone = d.nodes[spec.node_id], d.nodes[spec.zone_id]
            nrect = rects.get(spec.node_id) if rects else None
            r = QRectF(*(nrect or geo.node_rect(node)))
            item.sync(spec.rect, r, node.kind, node.name, zone.name, spec.count, spec.replicas,
                      spec.compact)

    def chip_items(self) -> dict[tuple[str, str], ChipItem]:
        return dict(self._chips)

    # -- arrows ----------------------------------------------------------------------
    def _box_rects(self) -> dict[str, QRectF]:
        return {nid: item.scene_rect() for nid, item in self._boxes.items()}

    def route_all(self, only: set[str] | None = None) -> None:
        """Route the arrows (all, or those touching ``only``) between the boxes as they are
        now; orthogonal ones go around the containers they do not start or end in."""
        items = {k: v for k, v in self._links.items()
                 if only is None or k[0] in only or k[1] in only}
        if not items:
            return
        boxes = self._box_rects()
        containers = {nid: r for nid, r in boxes.items() if isinstance(self._boxes[nid], ContainerItem)}
        walls = tuple(sorted((nid, r.getRect()) for nid, r in containers.items()))
        sigs = {k: (v.route, boxes[k[0]].getRect() if k[0] in boxes else None,
                    boxes[k[1]].getRect() if k[1] in boxes else None, walls if v.route != "straight" else ())
                for k, v in items.items()}
        todo = [k for k in items if self._route_cache.get(k, (None,))[0] != sigs[k]]
        fresh = route_links(self.design, todo, boxes, containers, {k: items[k].route for k in todo})
        for k in todo:
            self._route_cache[k] = (sigs[k], fresh.get(k))
        routes = {k: self._route_cache[k][1] for k in items}
        strips = self._title_strips()
        for key, item in items.items():
            a, b = boxes.get(key[0]), boxes.get(key[1])
            if a is None or b is None:
                continue
            item.adjust(a, b, routes.get(key))
            if item.has_label:
                item.place_label(strips)

    def _title_strips(self) -> list[QRectF]:
        """The name-and-badge strips of regions and zones (labels keep off them)."""
        strips = []
        for item in self._boxes.values():
            if isinstance(item, ContainerItem):
                r = item.scene_rect()
                strips.append(QRectF(r.x(), r.y(), r.width(), CONTAINER_TITLE))
        return strips

    def adjust_links(self, node_ids: list[str] | set[str]) -> None:
        """Re-route the arrows touching these nodes (while a drag previews a move)."""
        self.route_all(set(node_ids))

    def _grow_scene_rect(self) -> None:
        rects = [geo.node_rect(n) for n in self.design.nodes.values()]
        box = geo.union(rects) or (0.0, 0.0, 800.0, 600.0)
        want = QRectF(box[0] - MARGIN, box[1] - MARGIN, box[2] + 2 * MARGIN, box[3] + 2 * MARGIN)
        current = self.sceneRect()
        if current.isEmpty() or not current.contains(want):
            self.setSceneRect(want.united(current) if not current.isEmpty() else want)

    # -- the analysis ------------------------------------------------------------
    def apply_report(self, report: object, revision: int) -> None:
        """Show a fresh report's badges (the caller already dropped stale reports).

        A preliminary report (``Report.preliminary``: the engine's first, badges-only
        result) leaves its ``pending`` clients — those whose SLO verdict waits for the
        latency — with the badges they had, still dimmed, until the full report."""
        fresh = node_badges(self.design, report)
        pending = set(getattr(report, "pending", ()) or ()) if getattr(report, "preliminary", False) \
            else set()
        for nid in pending:
            if nid in self._boxes:
                fresh[nid] = list(self._boxes[nid].badges)
        self._badges, self._pending = fresh, pending
        self._report_revision = revision
        for nid, item in self._boxes.items():
            item.set_badges(self._badges.get(nid, []), nid in pending)

    def clear_report(self) -> None:
        self._badges = {}
        self._report_revision = None
        self._pending = set()
        for item in self._boxes.values():
            item.set_badges([], False)

    def badges(self, node_id: str) -> list[Badge]:
        item = self._boxes.get(node_id)
        return list(item.badges) if item is not None else []

    # -- failure scenarios ---------------------------------------------------------
    def show_scenario(self, states: dict[str, str], badges: dict[str, list[Badge]]) -> None:
        """Shade every box by its state in a failure scenario (absent ids: unaffected) and
        show the scenario's badges; arrows to or from a failed or down part turn red, and
        replica chips in a failed zone (or of a failed node) show as lost."""
        self._scenario = (dict(states), {k: list(v) for k, v in badges.items()})
        self._paint_scenario()

    def _paint_scenario(self) -> None:
        assert self._scenario is not None
        states, badges = self._scenario
        for nid, item in self._boxes.items():
            item.set_fail_state(states.get(nid, style.NORMAL), badges.get(nid, []))
        lost = (style.FAILED, style.DOWN)
        for (a, b), link in self._links.items():
            cut = states.get(a) in lost or states.get(b) in lost
            link.set_fail_state(style.DOWN if cut else style.NORMAL)
        for (nid, zid), chip in self._chips.items():
            zs = states.get(zid, style.NORMAL)
            if zs == style.NORMAL:
                zs = next((states[a] for a in self.design.ancestors(zid) if states.get(a) in lost),
                          style.NORMAL)
            ns = states.get(nid, style.NORMAL)
            chip.set_fail_state(style.FAILED if zs in lost or ns == style.FAILED else ns)

    def clear_scenario(self) -> None:
        """Every box and arrow back to how the design normally looks."""
        self._scenario = None
        for item in self._boxes.values():
            item.set_fail_state(style.NORMAL, None, in_scenario=False)
        for link in self._links.values():
            link.set_fail_state(style.NORMAL, in_scenario=False)
        for chip in self._chips.values():
            chip.set_fail_state(style.NORMAL, in_scenario=False)

    @property
    def scenario_shown(self) -> bool:
        return self._scenario is not None

    # -- lookups -----------------------------------------------------------------
    def item_for(self, node_id: str | None) -> BoxItem | None:
        return self._boxes.get(node_id) if node_id else None

    def link_item(self, source: str, target: str) -> LinkItem | None:
        return self._links.get((source, target))

    def node_items(self) -> dict[str, BoxItem]:
        return dict(self._boxes)

    def link_items(self) -> dict[tuple[str, str], LinkItem]:
        return dict(self._links)

    def text_items(self) -> list[QGraphicsItem]:
        """Every item that draws text (for the "nothing cut without a tooltip" check)."""
        return [*self._boxes.values(), *self._chips.values()]
