"""Shared fixtures for the insight chart tests: analysed example designs and a shown panel.

The parent ``tests/gui/conftest.py`` already puts Qt offscreen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modeller.analysis import analyze
from modeller.model import Design, design_from_dict, load_design

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"
_CACHE: dict[tuple[str, bool], tuple[Design, object]] = {}


def example(name: str, full: bool = False) -> tuple[Design, object]:
    """(design, report) for resources/examples/<name>.arch.json; ``full`` adds the
    simulation and sweeps (the CLI's report), otherwise the live pass. Cached: tests
    must not change the design (use ``fresh`` for that)."""
    key = (name, full)
    if key not in _CACHE:
        design = load_design(EXAMPLES / f"{name}.arch.json")
        report = analyze(design) if full else analyze(design, simulation_years=0, sweeps=False)
        _CACHE[key] = (design, report)
    return _CACHE[key]


def fresh(name: str) -> Design:
    return load_design(EXAMPLES / f"{name}.arch.json")


def small_design() -> Design:
    """Two parts that can fail (one worker, its zone) and one client with SLOs."""
    return design_from_dict({
        "format": "modeller.design", "version": 1, "name": "Small",
        "nodes": [
            {"id": "users", "kind": "client", "demand_rps": 100,
             "slo": {"availability": 0.999, "latency_ms_p99": 200}},
            {"id": "z", "kind": "zone", "availability": 0.9995, "x": 0, "y": 0, "w": 300, "h": 200},
            {"id": "api", "kind": "service", "name": "API", "parent": "z", "replicas": 2,
             "availability": 0.99, "capacity_rps": 100, "service_time_ms": 10, "cost_month": 70},
        ],
        "links": [{"from": "users", "to": "api"}],
    })


@pytest.fixture
def panel(qtbot):  # noqa: ANN001, ANN201
    from modeller.ui.insights import InsightsPanel

    p = InsightsPanel(delay_ms=0)
    qtbot.addWidget(p, before_close_func=lambda w: w.shutdown())
    p.resize(900, 560)
    p.show()
    qtbot.waitExposed(p)
    return p
