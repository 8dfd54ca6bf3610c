"""Fill a report with DESIGN 4b: success ratios, degraded fractions, error budgets, RTO/RPO.

``analyze`` calls :func:`add_reliability` once, after every other number is in the report;
the formulas are in :mod:`.success` and :mod:`.recovery`.
"""

from __future__ import annotations

from ..model import Design
from .compiled import Compiled
from .recovery import error_budget, flow_compiled, recovery
from .report import Report
from .success import client_success, request_success


def add_reliability(design: Design, compiled: Compiled, report: Report) -> None:
    """Add success ratios, degraded fractions, error budgets and the resilience rows.

    A client with ``slo.success_ratio`` misses its SLO (and the system then does) when its
    success ratio is below it. Warnings are appended to ``report.warnings``."""
    flow = flow_compiled(design, compiled)
    success = request_success(design, flow)
    for nid, res in report.nodes.items():
        if nid in success.success:
            res.request_success = success.success[nid]
    for cid, c in report.clients.items():
        if cid not in success.success:
            continue
        ratio, _, degraded = client_success(c.availability, c.unavailability,
                                            success.success[cid], success.failure[cid],
                                            success.degraded[cid])
        c.request_success = success.success[cid]
        c.success_ratio = ratio
        c.degraded_fraction = degraded
        c.error_budget_minutes_per_month, c.error_budget_used = error_budget(
            c.slo.get("availability"), c.availability, c.unavailability)
        want = design.nodes[cid].slo.get("success_ratio")
        if isinstance(want, (int, float)) and not isinstance(want, bool):
            c.slo["success_ratio"] = float(want)
            if ratio < float(want) - 1e-15:
                c.meets_slo = False
                if c.connected:
                    report.system.meets_slo = False
    rec = recovery(design, compiled, report.failures)
    report.resilience = rec.rows
    report.resilience_summary = rec.summary
    report.warnings.extend(rec.warnings)


__all__ = ["add_reliability"]
