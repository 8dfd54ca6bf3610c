"""Shared test setup: Qt runs offscreen (set before anything imports Qt)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "resources" / "examples"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The bundled example designs (resources/examples) of this checkout."""
    assert EXAMPLES.is_dir(), f"missing {EXAMPLES}"
    return EXAMPLES
