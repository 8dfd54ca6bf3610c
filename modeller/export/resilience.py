"""Recovery (RTO/RPO per disruption) and per-client success tables as text cells.

One place for the words and figures the terminal report (``modeller analyze``) and the
HTML / Markdown / CSV exports show for DESIGN 4b, so they read the same everywhere.
Pure Python (no Qt).
"""

from __future__ import annotations

from typing import Any

from ..formatting import fmt_duration, fmt_percent

DISRUPTION_LABELS = {"hardware": "hardware (one replica)", "software": "software (bad change)",
                     "zone": "zone", "region": "region"}
SUMMARY_HEADER = ["disruption", "targets", "worst RTO", "worst RPO", "policy", "met"]
CLIENT_HEADER = ["client", "success ratio", "degraded", "SLO", "error budget/month",
                 "budget used"]
DETAIL_HEADER = ["disruption", "target", "RTO", "RPO", "survives", "policy met", "how"]


def fmt_rto(minutes: float | None) -> str:
    """An RTO: "0 s" when nothing has to recover, else a duration."""
    return fmt_duration(minutes)


def fmt_rpo(seconds: float | None) -> str:
    """An RPO: a duration of lost writes; None means nothing protects the data."""
    if seconds is None:
        return "everything"
    return fmt_duration(seconds / 60.0)


def fmt_met(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "NO")


def fmt_policy(policy: dict[str, float] | None) -> str:
    if not policy:
        return "—"
    parts = []
    if "rto_minutes" in policy:
        parts.append(f"RTO ≤ {fmt_rto(float(policy['rto_minutes']))}")
    if "rpo_seconds" in policy:
        parts.append(f"RPO ≤ {fmt_rpo(float(policy['rpo_seconds']))}")
    return ", ".join(parts)


def _with_target(value: str, target: str | None, names: dict[str, str]) -> str:
    return value if not target else f"{value} ({names.get(target, target)})"


def summary_rows(report: Any, names: dict[str, str] | None = None) -> list[list[str]]:
    """One row per disruption type: targets, worst RTO and RPO (and where), policy, met."""
    names = names or {}
    rows = []
    for kind, s in getattr(report, "resilience_summary", {}).items():
        if s.count == 0 and not s.policy:
            continue
        rto = _with_target(fmt_rto(s.worst_rto_minutes),
                           s.worst_rto_target if s.worst_rto_minutes else None, names) \
            if s.count else "—"
        rpo = _with_target("everything" if s.rpo_everything else fmt_rpo(s.worst_rpo_seconds),
                           s.worst_rpo_target if s.rpo_everything or s.worst_rpo_seconds
                           else None, names) if s.count else "—"
        rows.append([DISRUPTION_LABELS.get(kind, kind), str(s.count), rto, rpo,
                     fmt_policy(s.policy), fmt_met(s.meets_policy)])
    return rows


def detail_rows(report: Any, names: dict[str, str] | None = None) -> list[list[str]]:
    """Every disruption row: target, RTO, RPO, survives, policy met and how it recovers."""
    names = names or {}
    return [[r.disruption, names.get(r.target, r.target), fmt_rto(r.rto_minutes),
             fmt_rpo(r.rpo_seconds), "yes" if r.survives else "no", fmt_met(r.meets_policy),
             f"{r.rto_note}; {r.rpo_note}"] for r in getattr(report, "resilience", [])]


def client_rows(report: Any, names: dict[str, str] | None = None) -> list[list[str]]:
    """Per client: success ratio, degraded fraction, SLO, error budget and its use."""
    names = names or {}
    rows = []
    for cid, c in report.clients.items():
        if getattr(c, "success_ratio", None) is None:
            continue
        slo = []
        if "availability" in c.slo:
            slo.append(f"availability {fmt_percent(c.slo['availability'])}")
        if "success_ratio" in c.slo:
            slo.append(f"success {fmt_percent(c.slo['success_ratio'])}")
        budget = "—" if c.error_budget_minutes_per_month is None else \
            fmt_duration(c.error_budget_minutes_per_month)
        used = "—" if c.error_budget_used is None else _share(c.error_budget_used)
        rows.append([names.get(cid, cid), fmt_percent(c.success_ratio),
                     _share(c.degraded_fraction), ", ".join(slo) or "—", budget, used])
    return rows


def _share(x: float | None) -> str:
    """A fraction as a percentage for people ("12.5 %", "0.0042 %", "∞")."""
    if x is None:
        return "—"
    if x == float("inf"):
        return "∞ (no budget)"
    if x == 0:
        return "0 %"
    pct = x * 100.0
    if pct < 0.01:
        return "< 0.01 %"
    return f"{pct:.3g} %" if pct < 10 else f"{pct:.1f} %"


def any_reliability(report: Any) -> bool:
    """Is there anything 4b to show (rows, or a client with a success figure)?"""
    return bool(getattr(report, "resilience", None)) or any(
        getattr(c, "success_ratio", None) is not None for c in report.clients.values())


__all__ = ["CLIENT_HEADER", "DETAIL_HEADER", "SUMMARY_HEADER", "any_reliability", "client_rows",
           "detail_rows", "fmt_met", "fmt_policy", "fmt_rpo", "fmt_rto", "summary_rows"]
