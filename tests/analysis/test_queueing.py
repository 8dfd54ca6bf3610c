"""M/M/c station math against textbook formulas, closed forms and Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest

from modeller.analysis.queueing import MMc, erlang_b, erlang_c


def erlang_c_direct(c: int, a: float) -> float:
    """The textbook sum with factorials (fine for small c)."""
    head = sum(a ** k / math.factorial(k) for k in range(c))
    tail = a ** c / math.factorial(c) * c / (c - a)
    return tail / (head + tail)


def erlang_b_plain(c: int, a: float) -> float:
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


# --------------------------------------------------------------------------- Erlang C

@pytest.mark.parametrize("c,a", [(1, 0.5), (1, 0.99), (2, 1.0), (3, 2.2), (5, 0.1),
                                 (10, 7.0), (20, 19.5), (50, 45.0), (100, 80.0)])
def test_erlang_c_matches_the_factorial_formula(c: int, a: float) -> None:
    assert erlang_c(c, a) == pytest.approx(erlang_c_direct(c, a), rel=1e-12)


def test_erlang_c_known_value() -> None:
    # c=2, a=1: C = (1/2 * 2)/(1 + 1 + 1) = 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1.0 / 3.0, rel=1e-15)
    # M/M/1: C = rho
    assert erlang_c(1, 0.7) == pytest.approx(0.7, rel=1e-15)


def test_erlang_c_edges() -> None:
    assert erlang_c(4, 0.0) == 0.0
    assert erlang_c(4, 4.0) == 1.0  # rho = 1: saturated
    assert erlang_c(4, 9.0) == 1.0
    with pytest.raises(ValueError):
        erlang_c(0, 1.0)
    with pytest.raises(ValueError):
        erlang_c(2, -1.0)


@pytest.mark.parametrize("c,a", [(1000, 950.0), (5000, 4900.0), (20000, 19990.0),
                                 (100_000, 99_000.0), (3000, 1000.0), (400, 399.9)])
def test_erlang_b_large_c_agrees_with_the_full_recursion(c: int, a: float) -> None:
    """The skip-ahead start (fluid value 12 sigma below the load) changes nothing."""
    assert erlang_b(c, a) == pytest.approx(erlang_b_plain(c, a), rel=1e-12, abs=1e-300)


def test_erlang_c_huge_station_is_sane() -> None:
    value = erlang_c(10_000_000, 9_990_000.0)
    # Halfin-Whitt: beta = (c - a)/sqrt(a) ~ 3.16 gives C ~ 1.6e-3
    assert 1e-4 < value < 1e-2
    assert erlang_c(1_000_000, 10.0) == 0.0  # underflows cleanly, no exception


# --------------------------------------------------------------------------- stations

def test_mm1_mean_and_p99_are_exact() -> None:
    mu, lam = 10.0, 7.0
    st = MMc(1, mu, lam)
    assert st.mean() == pytest.approx(1.0 / (mu - lam), rel=1e-14)
    assert st.quantile(0.99) == pytest.approx(math.log(100.0) / (mu - lam), rel=1e-12)
    # the M/M/1 response time is Exp(mu - lam) everywhere, not only at p99
    for t in (0.01, 0.1, 0.5, 2.0):
        assert st.cdf(t) == pytest.approx(-math.expm1(-(mu - lam) * t), rel=1e-12)


def test_mmc_mean_agrees_with_littles_law() -> None:
    c, mu, lam = 4, 2.0, 6.5
    st = MMc(c, mu, lam)
    rho = lam / (c * mu)
    lq = erlang_c_direct(c, lam / mu) * rho / (1.0 - rho)  # mean queue length
    assert st.mean() == pytest.approx(1.0 / mu + lq / lam, rel=1e-12)
    assert st.utilisation == pytest.approx(rho)


@pytest.mark.parametrize("c,mu,lam", [(4, 1.0, 3.5), (3, 1.0, 2.0), (100, 1.0, 97.0),
                                      (2, 5.0, 0.5), (8, 1.0, 4.0), (1, 1.0, 0.999)])
def test_quantile_inverts_the_cdf(c: int, mu: float, lam: float) -> None:
    st = MMc(c, mu, lam)
    for p in (1e-6, 0.5, 0.9, 0.99, 0.999999):
        q = st.quantile(p)
        assert st.cdf(q) == pytest.approx(p, rel=1e-9)


def test_erlang_two_case_when_wait_rate_equals_service_rate() -> None:
    # c mu - lam == mu: S + W is Erlang-2 when the request waits
    st = MMc(3, 1.0, 2.0)
    assert st.wait_rate == st.mu
    cw = st.wait_probability
    for t in (0.3, 1.0, 4.0):
        erlang2 = math.exp(-t) * (1.0 + t)
        assert st.survival(t) == pytest.approx((1 - cw) * math.exp(-t) + cw * erlang2, rel=1e-13)
    # and it is continuous with nearly-equal rates
    near = MMc(3, 1.0, 2.0 - 1e-9)
    assert near.survival(2.5) == pytest.approx(st.survival(2.5), rel=1e-8)


@pytest.mark.parametrize("c,mu,lam", [(4, 1.0, 3.5), (3, 1.0, 2.0), (16, 0.5, 7.0), (2, 5.0, 9.0)])
def test_quantiles_against_monte_carlo(c: int, mu: float, lam: float) -> None:
    """T = S + W sampled directly (1e6 requests): the quantiles agree within 1 %."""
    st = MMc(c, mu, lam)
    rng = np.random.default_rng(12345)
    n = 1_000_000
    service = rng.exponential(1.0 / mu, n)
    waits = rng.random(n) < erlang_c_direct(c, lam / mu)
    wait = np.where(waits, rng.exponential(1.0 / (c * mu - lam), n), 0.0)
    samples = service + wait
    for p in (0.5, 0.9, 0.99):
        assert st.quantile(p) == pytest.approx(float(np.quantile(samples, p)), rel=0.01)
    assert st.mean() == pytest.approx(float(samples.mean()), rel=0.01)


def test_cdf_against_numerical_convolution() -> None:
    """The closed-form CDF of S + W against a quadrature of the two densities."""
    integrate = pytest.importorskip("scipy.integrate")
    st = MMc(5, 1.0, 4.2)
    cw, th, mu = st.wait_probability, st.wait_rate, st.mu
    for t in (0.5, 2.0, 6.0, 15.0):
        # P(S + W <= t | wait) = int_0^t th e^{-th w} (1 - e^{-mu (t - w)}) dw
        conv, _ = integrate.quad(lambda w, t=t: th * math.exp(-th * w) * -math.expm1(-mu * (t - w)),
                                 0.0, t, epsabs=1e-14, epsrel=1e-12)
        expect = (1 - cw) * -math.expm1(-mu * t) + cw * conv
        assert st.cdf(t) == pytest.approx(expect, rel=1e-9)


def test_transforms_against_quadrature() -> None:
    integrate = pytest.importorskip("scipy.integrate")
    st = MMc(3, 2.0, 4.5)
    for w in (0.0, 0.7, 3.0):
        re, _ = integrate.quad(lambda t, w=w: st.pdf(t) * math.cos(w * t), 0, np.inf, limit=400)
        im, _ = integrate.quad(lambda t, w=w: -st.pdf(t) * math.sin(w * t), 0, np.inf, limit=400)
        got = complex(st.characteristic(np.array([1j * w]))[0])
        assert got == pytest.approx(complex(re, im), abs=1e-9)
    s = np.array([0.1, 0.9, 5.0])  # the last one lies beyond c mu - lam = 1.5: diverges
    lm = st.log_mgf(s)
    for si, got in zip(s[:2], lm[:2], strict=True):
        val, _ = integrate.quad(lambda t, si=si: st.pdf(t) * math.exp(si * t), 0, 400.0, limit=400)
        assert got == pytest.approx(math.log(val), rel=1e-9)
    assert math.isinf(lm[2])


def test_saturated_station_is_infinite_not_an_error() -> None:
    for st in (MMc(2, 1.0, 2.0), MMc(2, 1.0, 5.0), MMc(1, 3.0, 3.0)):
        assert st.saturated
        assert st.mean() == math.inf
        assert st.quantile(0.99) == math.inf
        assert st.cdf(1e9) == 0.0
        assert st.wait_probability == 1.0


def test_infinite_servers_never_queue() -> None:
    st = MMc(math.inf, 4.0, 1e6)
    assert not st.saturated
    assert st.mean() == pytest.approx(0.25)
    assert st.quantile(0.99) == pytest.approx(math.log(100.0) / 4.0, rel=1e-14)


def test_bad_stations_are_refused() -> None:
    with pytest.raises(ValueError):
        MMc(0, 1.0, 0.5)
    with pytest.raises(ValueError):
        MMc(2.5, 1.0, 0.5)
    with pytest.raises(ValueError):
        MMc(1, 0.0, 0.5)
    with pytest.raises(ValueError):
        MMc(1, 1.0, -1.0)
    with pytest.raises(ValueError):
        MMc(1, 1.0, 0.5).quantile(1.5)
