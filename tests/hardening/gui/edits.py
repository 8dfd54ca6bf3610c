"""Seeded random edits through the editor API the UI uses (every edit one QUndoCommand).

Shared by the soak test and the crash-recovery child process. Every operation is
something a person can do with the mouse or the properties panel: drop a node of
any kind (into a region/zone or onto the bare canvas), wire, move (into and out
of containers), resize a container, delete nodes and links, edit properties,
rename, duplicate, align, undo and redo.
"""

from __future__ import annotations

import random
from typing import Any

from modeller.model import KIND_ROLES, Role
from modeller.model import geometry as geo

KINDS = list(KIND_ROLES)
CONTAINER_KINDS = [k for k, r in KIND_ROLES.items() if r is Role.DOMAIN]

OPS: list[tuple[str, int]] = [
    ("add", 14), ("wire", 30), ("move", 12), ("move_into", 6), ("move_out", 4), ("resize", 3),
    ("delete_node", 4), ("delete_link", 3), ("node_props", 14), ("link_props", 5),
    ("rename_node", 3), ("rename_design", 1), ("spread", 2), ("duplicate", 2), ("align", 2),
    ("undo", 2), ("redo", 1),
]


class RandomEdits:
    """Performs one random edit per :meth:`step` on ``editor`` (an :class:`Editor`)."""

    def __init__(self, editor: Any, seed: int, max_nodes: int = 26, max_containers: int = 5,
                 allow_undo: bool = True) -> None:
        self.editor = editor
        self.rng = random.Random(seed)
        self.max_nodes = max_nodes
        self.max_containers = max_containers
        names = [n for n, _w in OPS if allow_undo or n not in ("undo", "redo")]
        self.names = names
        self.weights = [w for n, w in OPS if n in names]
        self.counts: dict[str, int] = {}

    # -- helpers -----------------------------------------------------------------
    @property
    def d(self) -> Any:
        return self.editor.design

    def _pick(self, items: list[Any]) -> Any:
        return self.rng.choice(items) if items else None

    def _components(self) -> list[str]:
        return [n.id for n in self.d.components()]

    def _containers(self) -> list[str]:
        return [n.id for n in self.d.containers()]

    def _point_in(self, cid: str) -> tuple[float, float]:
        x, y, w, h = geo.node_rect(self.d.nodes[cid])
        return (x + w * self.rng.uniform(0.3, 0.7), y + h * self.rng.uniform(0.4, 0.8))

    # -- one step ----------------------------------------------------------------
    def step(self) -> str:
        """One random edit; returns its name (a refused or empty edit pushes nothing)."""
        op = self.rng.choices(self.names, self.weights)[0]
        if op == "add" and len(self.d.nodes) >= self.max_nodes:
            op = "delete_node"
        getattr(self, "_" + op)()
        self.counts[op] = self.counts.get(op, 0) + 1
        return op

    def _add(self) -> None:
        kinds = KINDS if len(self._containers()) < self.max_containers else \
            [k for k in KINDS if k not in CONTAINER_KINDS]
        kind = self.rng.choice(kinds)
        cids = self._containers()
        if cids and self.rng.random() < 0.5:
            x, y = self._point_in(self.rng.choice(cids))
        else:
            x, y = self.rng.uniform(-300, 1800), self.rng.uniform(-300, 1200)
        self.editor.add_node(kind, x, y)

    def _wire(self) -> None:
        comps = self._components()
        targets = [n.id for n in self.d.components() if n.role is not Role.SOURCE]
        if len(comps) < 2 or not targets:
            return
        src = self.rng.choice(comps)
        if self.rng.random() < 0.9:  # mostly wires a person would draw; sometimes a refused one
            dst = self.rng.choice(targets)
        else:
            dst = self.rng.choice(list(self.d.nodes))
        self.editor.connect(src, dst)  # refusals (cycles, clients as targets, ...) push nothing

    def _move(self) -> None:
        nid = self._pick(list(self.d.nodes))
        if nid is None:
            return
        dx, dy = self.rng.choice([-1, 1]) * self.rng.uniform(10, 400), \
            self.rng.choice([-1, 1]) * self.rng.uniform(10, 300)
        self.editor.move({nid: (dx, dy)})

    def _move_into(self) -> None:
        cids, comps = self._containers(), list(self.d.nodes)
        if not cids or not comps:
            return
        cid, nid = self.rng.choice(cids), self.rng.choice(comps)
        if nid == cid or cid in self.d.descendants(nid):
            return
        tx, ty = self._point_in(cid)
        x, y, w, h = geo.node_rect(self.d.nodes[nid])
        self.editor.move({nid: (tx - (x + w / 2), ty - (y + h / 2))})

    def _move_out(self) -> None:
        placed = [n.id for n in self.d.nodes.values() if n.parent]
        nid = self._pick(placed)
        if nid is None:
            return
        bounds = geo.union([geo.node_rect(n) for n in self.d.nodes.values()])
        assert bounds is not None
        x, y, w, h = geo.node_rect(self.d.nodes[nid])
        self.editor.move({nid: (bounds[0] + bounds[2] + 200 - x, self.rng.uniform(-100, 100))})

    def _resize(self) -> None:
        cid = self._pick(self._containers())
        if cid is None:
            return
        x, y, w, h = geo.node_rect(self.d.nodes[cid])
        nw, nh = w * self.rng.uniform(0.8, 1.4), h * self.rng.uniform(0.8, 1.4)
        least = self.editor.min_container_rect(cid)
        if least is not None:
            x, y = min(x, least[0]), min(y, least[1])
            nw = max(nw, least[0] + least[2] - x)
            nh = max(nh, least[1] + least[3] - y)
        self.editor.resize(cid, (geo.snap(x), geo.snap(y), geo.snap(nw) or 20.0, geo.snap(nh) or 20.0))

    def _delete_node(self) -> None:
        nid = self._pick(list(self.d.nodes))
        if nid is not None:
            self.editor.delete([nid])

    def _delete_link(self) -> None:
        lk = self._pick(list(self.d.links))
        if lk is not None:
            self.editor.delete([], [lk.key])

    def _node_props(self) -> None:
        nid = self._pick(list(self.d.nodes))
        if nid is None:
            return
        n = self.d.nodes[nid]
        r = self.rng
        if n.role is Role.SOURCE:
            choices: dict[str, list[Any]] = {"demand_rps": [20.0, 100.0, 400.0, 1500.0],
                                             "slo": [{"availability": 0.999}, {"availability": 0.99},
                                                     {"availability": 0.9999, "latency_ms_p99": 300.0}]}
        elif n.is_container:
            choices = {"availability": [0.999, 0.9995, 0.9999, 0.99999]}
        else:
            choices = {"replicas": [1, 2, 3], "availability": [0.99, 0.995, 0.999, 0.9999],
                       "capacity_rps": [None, 150.0, 500.0, 3000.0], "service_time_ms": [0.0, 4.0, 20.0],
                       "cost_month": [0.0, 40.0, 300.0], "min_healthy": ["auto", 1, 2],
                       "failover": ["active-active", "active-passive"], "failover_seconds": [0.0, 30.0],
                       "mtbf_hours": [None, 2000.0]}
            if n.role is Role.ROUTER:
                choices["min_targets"] = ["auto", 1, 2]
        keys = r.sample(sorted(choices), k=min(len(choices), r.choice([1, 1, 2])))
        values = {k: r.choice(choices[k]) for k in keys}
        if values.get("mtbf_hours") is not None:
            values["mttr_hours"] = r.choice([1.0, 4.0])
        elif "mtbf_hours" in values:
            values["mttr_hours"] = None
        ids = [nid]
        same = [m.id for m in self.d.nodes.values() if m.kind == n.kind and m.id != nid]
        if same and r.random() < 0.2:  # a multi-selection edit
            ids.append(r.choice(same))
        for i in ids:  # the properties panel refuses min healthy above the replicas (inline)
            m = self.d.nodes[i]
            need, have = values.get("min_healthy", m.min_healthy), values.get("replicas", m.replicas)
            if isinstance(need, int) and need > have:
                return
        self.editor.set_node_fields(ids, values, f"Set {', '.join(keys)}")

    def _link_props(self) -> None:
        lk = self._pick(list(self.d.links))
        if lk is None:
            return
        if self.rng.random() < 0.5:
            self.editor.set_link_fields([lk.key], {"calls": self.rng.choice([0.5, 1.0, 2.0, 3.0])},
                                        "Set calls")
        else:
            self.editor.set_link_fields([lk.key], {"optional": not lk.optional}, "Toggle optional")

    def _rename_node(self) -> None:
        nid = self._pick(list(self.d.nodes))
        if nid is not None:
            name = self.rng.choice(["web", "api ☁", "db primary", "Ünïcode", "x" * 40, "cache-1"])
            self.editor.set_node_fields([nid], {"name": name}, "Rename")

    def _rename_design(self) -> None:
        self.editor.set_design_fields(name=self.rng.choice(["Shop", "Soak", "Design „2“"]),
                                      text="Rename design")

    def _spread(self) -> None:
        zones = [n.id for n in self.d.containers() if n.kind == "zone"]
        comps = [n.id for n in self.d.components() if n.role is not Role.SOURCE]
        nid = self._pick(comps)
        if nid is None:
            return
        k = self.rng.randint(0, min(3, len(zones)))
        self.editor.set_node_fields([nid], {"spread": self.rng.sample(zones, k)}, "Spread")

    def _duplicate(self) -> None:
        if len(self.d.nodes) + 3 > self.max_nodes:
            return
        nid = self._pick([n.id for n in self.d.components()])
        if nid is not None:
            self.editor.duplicate([nid])

    def _align(self) -> None:
        ids = list(self.d.nodes)
        if len(ids) < 3:
            return
        pick = self.rng.sample(ids, 3)
        self.editor.align(pick, self.rng.choice(["left", "right", "top", "bottom", "hcenter",
                                                "vcenter", "distribute_h", "distribute_v"]))

    def _undo(self) -> None:
        self.editor.undo_stack.undo()

    def _redo(self) -> None:
        self.editor.undo_stack.redo()
