"""Number formatting shared by reports, the CLI and (later) the GUI."""

from __future__ import annotations

import math

import pytest

from modeller import formatting as f


@pytest.mark.parametrize(("value", "text"), [
    ((0.9995,), "99.950 %"),
    ((0.99953,), "99.953 %"),
    ((0.999, 0.001), "99.90 %"),
    ((0.95,), "95.00 %"),
    ((0.5,), "50.00 %"),
    ((1.0 - 1e-12, 1e-12), "99.99999999990 %"),  # the unavailability keeps the digits
    ((1.0, 0.0), "100 %"),
    ((0.0, 1.0), "0 %"),
    ((None,), "—"),
])
def test_percent_shows_two_digits_of_the_unavailability(value, text) -> None:
    assert f.fmt_percent(*value) == text


@pytest.mark.parametrize(("minutes", "text"), [
    (263.0, "4 h 23 min"),
    (237.43930826966002, "3 h 57 min"),
    (52.6, "52.6 min"),
    (0.5, "30 s"),
    (0.01, "0.6 s"),
    (0.0, "0 s"),
    (1.7e-14, "< 1 ms"),  # float noise of a contribution that is really zero
    (60 * 24 * 3 + 60 * 5, "3 d 5 h"),
    (math.inf, "—"),
    (None, "—"),
])
def test_duration(minutes, text) -> None:
    assert f.fmt_duration(minutes) == text


def test_nines_and_friends() -> None:
    assert f.fmt_nines(3.3454000983280014) == "3.35"
    assert f.fmt_nines(math.inf) == "∞"
    assert f.fmt_nines(-0.0) == "0.00"
    assert f.fmt_headroom(1.6666666666666667) == "1.67×"
    assert f.fmt_headroom(0.9) == "0.90× — overloaded at nominal demand"
    assert f.fmt_util(0.5714285714285714) == "57 %"
    assert f.fmt_number(1200.0) == "1,200"
    assert f.fmt_number(12.25) == "12.2"
    assert f.fmt_ms(math.inf) == "saturated"
    assert f.fmt_money(1525.0) == "1,525" and f.fmt_money(12.5) == "12.50"
    assert f.fmt_slo({"availability": 0.999, "latency_ms_p99": 300.0}) == "≥ 99.9 %, p99 ≤ 300 ms"
    assert f.fmt_scalar(True) == "yes" and f.fmt_scalar(0.123456789) == "0.123457"


