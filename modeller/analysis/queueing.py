"""M/M/c stations: Erlang C, and the mean and distribution of the response time.

DESIGN section 3 models every node as an M/M/c station (FCFS): a request's response
time is T = S + W, service S ~ Exp(mu) and waiting W = 0 with probability 1 - C,
else W ~ Exp(c*mu - lam), where C is the Erlang-C probability of waiting. Everything
here is closed form, so the live analysis can afford one station per node on every
edit. Rates may be in any unit (1/s, 1/ms); times come out in its inverse.

A saturated station (utilisation >= 1) has no steady state: its mean and quantiles
are ``math.inf`` and its CDF is 0 everywhere, never an exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# Start the Erlang-B recursion this many standard deviations below the offered load:
# the recursion forgets its starting value at a rate exp(-K**2 / 2) (about 1e-31 here).
_SKIP_SIGMAS = 12.0
_HUGE = 1e300


_NORMAL_FROM = 1e9  # offered load above which the recursion (~12 sqrt(a) steps) is too long


def _erlang_b_normal(c: int, a: float) -> float:
    """Erlang B for a huge offered load: B = P(N = c) / P(N <= c), N ~ Poisson(a), with
    the exact pmf (lgamma) over a continuity-corrected normal CDF. The relative error is
    O(1/sqrt(a)) < 1e-4 here; far below the load the station is simply saturated."""
    z = (c + 0.5 - a) / math.sqrt(a)
    if z < -30.0:
        return max(0.0, 1.0 - c / a)  # fluid limit: the fraction of load turned away
    log_pmf = c * math.log(a) - a - math.lgamma(c + 1.0)
    cdf = 0.5 * math.erfc(-z / math.sqrt(2.0))
    return min(1.0, math.exp(log_pmf) / cdf) if cdf > 0 else 1.0


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of an M/M/c/c loss system with offered load ``a``.

    Runs the stable recursion on 1/B (x_k = 1 + k/a * x_{k-1}) whose relative error
    shrinks every step. For large ``a`` it starts near k = a - 12 sqrt(a) from the
    fluid value x = a/(a-k): the terms it skips would only matter at the 1e-31 level,
    so a station with a million servers costs a few thousand steps, not a million.
    Stops once B underflows (B(k) falls faster than a**k/k! past the load).
    """
    if c < 0:
        raise ValueError(f"servers must be >= 0, got {c}")
    if not a >= 0.0:  # also refuses NaN
        raise ValueError(f"offered load must be >= 0, got {a}")
    if c == 0:
        return 1.0
    if a == 0.0:
        return 0.0
    if math.isinf(a):
        return 1.0
    if a > _NORMAL_FROM:
        return _erlang_b_normal(c, a)
    k0 = 0
    x = 1.0
    if a > 4.0 * _SKIP_SIGMAS ** 2:
        k0 = min(c, int(a - _SKIP_SIGMAS * math.sqrt(a)))
        x = a / (a - k0)
    for k in range(k0 + 1, c + 1):
        x = 1.0 + (k / a) * x
        if x > _HUGE:
            return 0.0
    return 1.0 / x


def erlang_c(c: int, a: float) -> float:
    """Probability that an arriving request waits in an M/M/c queue, offered load
    ``a = lam/mu``; 1.0 when the station is saturated (a >= c)."""
    if c < 1:
        raise ValueError(f"servers must be >= 1, got {c}")
    if not a >= 0.0:
        raise ValueError(f"offered load must be >= 0, got {a}")
    rho = a / c
    if rho >= 1.0:
        return 1.0
    if a == 0.0:
        return 0.0
    b = erlang_b(c, a)
    return b / (1.0 - rho * (1.0 - b))


def _hypo_survival(r1: float, r2: float, t: float) -> float:
    """P(X + Y > t) for independent X ~ Exp(r1), Y ~ Exp(r2).

    Written as e^{-a t} (1 + a (1 - e^{-d t}) / d) with a = min rate, d = |r1 - r2| >= 0:
    no cancellation when the rates are close, the Erlang-2 form when they are equal,
    and no inf * 0 for large t.
    """
    a, b = (r1, r2) if r1 <= r2 else (r2, r1)
    d = b - a
    g = t if d == 0.0 else -math.expm1(-d * t) / d
    return math.exp(-a * t) * (1.0 + a * g)


def _hypo_pdf(r1: float, r2: float, t: float) -> float:
    a, b = (r1, r2) if r1 <= r2 else (r2, r1)
    d = b - a
    g = t if d == 0.0 else -math.expm1(-d * t) / d
    return a * b * math.exp(-a * t) * g


def _survival(mu: float, cw: float, th: float, t: float) -> float:
    if t <= 0.0:
        return 1.0
    out = (1.0 - cw) * math.exp(-mu * t)
    if cw > 0.0:
        out += cw * _hypo_survival(mu, th, t)
    return out


def _pdf(mu: float, cw: float, th: float, t: float) -> float:
    if t < 0.0:
        return 0.0
    out = (1.0 - cw) * mu * math.exp(-mu * t)
    if cw > 0.0:
        out += cw * _hypo_pdf(mu, th, t)
    return out


@dataclass(frozen=True)
class MMc:
    """An M/M/c station: ``c`` servers (``math.inf`` for M/M/inf: no queueing), service
    rate ``mu`` per server, arrival rate ``lam`` (same time unit)."""

    c: float
    mu: float
    lam: float

    def __post_init__(self) -> None:
        if not (self.c >= 1):
            raise ValueError(f"servers must be >= 1, got {self.c}")
        if not math.isinf(self.c) and self.c != int(self.c):
            raise ValueError(f"servers must be a whole number or inf, got {self.c}")
        if not (self.mu > 0.0) or math.isinf(self.mu):
            raise ValueError(f"service rate must be > 0 and finite, got {self.mu}")
        if not (self.lam >= 0.0):
            raise ValueError(f"arrival rate must be >= 0, got {self.lam}")

    @property
    def offered_load(self) -> float:
        return self.lam / self.mu

    @property
    def utilisation(self) -> float:
        if math.isinf(self.c):
            return 0.0
        return self.lam / (self.c * self.mu)

    @property
    def saturated(self) -> bool:
        return self.utilisation >= 1.0

    @cached_property
    def wait_probability(self) -> float:
        """Erlang C (0 for infinite servers, 1 when saturated)."""
        if math.isinf(self.c):
            return 0.0
        return erlang_c(int(self.c), self.offered_load)

    @property
    def wait_rate(self) -> float:
        """Rate of the waiting time given a wait: c*mu - lam (inf for M/M/inf)."""
        if math.isinf(self.c):
            return math.inf
        return self.c * self.mu - self.lam

    def mean_wait(self) -> float:
        if self.saturated:
            return math.inf
        cw = self.wait_probability
        return 0.0 if cw == 0.0 else cw / self.wait_rate

    def mean(self) -> float:
        """Mean response time 1/mu + C/(c mu - lam)."""
        if self.saturated:
            return math.inf
        return 1.0 / self.mu + self.mean_wait()

    def _parts(self) -> tuple[float, float, float]:
        """(mu, C, c mu - lam) as plain floats for the scalar hot paths."""
        return self.mu, self.wait_probability, self.wait_rate

    def survival(self, t: float) -> float:
        """P(T > t)."""
        if self.saturated:
            return 1.0
        return _survival(*self._parts(), t)

    def cdf(self, t: float) -> float:
        """P(T <= t): (1-C) P(S <= t) + C P(S + Exp(c mu - lam) <= t)."""
        return 1.0 - self.survival(t)

    def pdf(self, t: float) -> float:
        if self.saturated or t < 0.0:
            return 0.0
        return _pdf(*self._parts(), t)

    def quantile(self, p: float, rel_tol: float = 1e-9) -> float:
        """The p-quantile of the response time, to ``rel_tol`` relative precision.

        Bisection on the CDF over a bracket found by doubling, sped up by Newton steps
        on log P(T > t) (exact in one step for an exponential tail) that are only taken
        when they stay inside the bracket, so it cannot diverge.
        """
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p must be in [0, 1], got {p}")
        if self.saturated or p == 1.0:
            return math.inf
        if p == 0.0:
            return 0.0
        mu, cw, th = self._parts()
        if cw == 0.0:  # pure Exp(mu)
            return -math.log1p(-p) / mu
        log_target = math.log1p(-p)  # solve log P(T > t) = log(1 - p); decreasing in t
        lo, hi = 0.0, math.inf
        t = -log_target / min(mu, th)  # the slower exponential's quantile: close already
        for _ in range(200):
            surv = _survival(mu, cw, th, t)
            if surv <= 0.0:  # underflow: far too far right
                hi = t
                nxt = 0.5 * (lo + hi)
            else:
                g = math.log(surv) - log_target
                if g == 0.0:
                    return t
                if g > 0.0:
                    lo = t
                else:
                    hi = t
                hazard = _pdf(mu, cw, th, t) / surv
                nxt = t + g / hazard if hazard > 0.0 else math.nan
                if abs(nxt - t) <= rel_tol * 1e-3 * t:
                    return nxt
                if not lo < nxt < hi:
                    nxt = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * t
            if hi - lo <= rel_tol * 1e-3 * nxt:
                return nxt
            t = nxt
        return t

    # -- transforms, for the latency engine (numpy arrays in, arrays out) --------------
    def characteristic(self, iw: Any) -> Any:
        """E[exp(-i w T)] at ``iw = 1j * w`` (an array): the exact transform used to
        convolve and mix end-to-end latencies without discretising each station."""
        mu = self.mu
        cw = self.wait_probability
        if cw == 0.0:
            return mu / (mu + iw)
        th = self.wait_rate  # mu/(mu+iw) * ((1-C) + C th/(th+iw)), as one fraction
        return (mu * (1.0 - cw) * iw + mu * th) / ((mu + iw) * (th + iw))

    def log_mgf(self, s: Any) -> Any:
        """log E[exp(s T)] for an array of s >= 0 (inf where it diverges): feeds the
        Chernoff tail bounds that size the latency grid."""
        import numpy as np

        s = np.asarray(s, dtype=float)
        out = np.full(s.shape, np.inf)
        cw = self.wait_probability
        th = self.wait_rate
        ok = s < (self.mu if cw == 0.0 else min(self.mu, th))
        so = s[ok]
        val = -np.log1p(-so / self.mu)
        if cw > 0.0:
            val = val + np.log1p(cw * so / (th - so))
        out[ok] = val
        return out
