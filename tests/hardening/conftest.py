"""Hardening tests: hypothesis profiles and shared helpers.

Profiles: "ci" (the default: ~150 examples, no deadline, derandomised so a run is
repeatable on a loaded 2-core machine) and "dev" (bigger and random, for a long local
soak). Pick one with ``HYPOTHESIS_PROFILE=dev`` or pytest's ``--hypothesis-profile``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# --hypothesis-profile (loaded before this file) wins; otherwise the environment, then "ci"
if settings.get_current_profile_name() == "default":
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """How often the property tests ran into an already-reported bug (see helpers.KNOWN_BUGS)."""
    from .helpers import SEEN_KNOWN

    if SEEN_KNOWN:
        terminalreporter.write_line("hardening: examples that hit known bugs: " + ", ".join(
            f"{name} x{count}" for name, count in sorted(SEEN_KNOWN.items())))
