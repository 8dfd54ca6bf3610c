"""Error rates: the success of a request, and how many succeed degraded (DESIGN 4b).

A node with ``error_rate`` e fails that fraction of the requests it receives while it
serves (independently of everything else). For a request arriving at node v:

- worker (or client, e = 0): it succeeds when v does not fail it and every call on a
  required link succeeds; calls are independent, so

      success(v) = (1 - e_v) x PROD over required links v -> t of success(t) ^ calls

- router: it sends the request to one target, chosen by the nominal load shares
  (``compiled.router_shares``: by capacity, equally when unknown, all to the first when
  active-passive), so

      success(r) = (1 - e_r) x SUM over targets t of share_t x success(t)

- an optional link never fails the request; a request whose optional call fails (or
  comes back degraded itself) succeeds *degraded*. With clean(v) = P(succeeds and no
  optional call anywhere below it failed):

      clean(v) = (1 - e_v) x PROD over all links (required and optional) clean(t) ^ calls
      clean(r) = (1 - e_r) x SUM share_t x clean(t)

For a client c with (exact) availability A_c:

    success_ratio(c)     = A_c x success(c)
    degraded_fraction(c) = A_c x (success(c) - clean(c))

both fractions of all of c's requests: errors are independent of the up/down states (the
model's assumption), so a request succeeds when the client is served and no error hits it.
Outages of an optional dependency are availability scenarios, not errors: they are not in
the degraded fraction. With no error rates every success is exactly 1 and nothing changes.

Numerics: successes are carried as logarithms (log1p / expm1), and the failure 1 - success
is computed directly, so a success of 1 - 1e-15 keeps its digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..model import Design, Role
from .compiled import Compiled, router_shares


@dataclass
class SuccessResult:
    """Per component: success of a request arriving there and its failure (1 - success,
    computed directly), and the degraded share (succeeds, but an optional call failed)."""

    success: dict[str, float] = field(default_factory=dict)
    failure: dict[str, float] = field(default_factory=dict)
    degraded: dict[str, float] = field(default_factory=dict)
    any_errors: bool = False


def _log_success(failure: float) -> float:
    return -math.inf if failure >= 1.0 else math.log1p(-failure)


def request_success(design: Design, compiled: Compiled) -> SuccessResult:
    """Success, failure and degraded share of a request at every component (formulas in the
    module docstring). ``compiled`` is read only (``compile_design`` of the design's
    load-carrying links)."""
    out = SuccessResult()
    log_s: dict[str, float] = {}  # log success(v)
    log_r: dict[str, float] = {}  # log clean(v) / success(v) (<= 0)
    for nid in compiled.reverse_order():  # callees before callers
        cn = compiled.nodes[nid]
        node = design.nodes[nid]
        e = 0.0 if cn.role is Role.SOURCE else float(node.error_rate)
        out.any_errors |= e > 0.0
        own = math.log1p(-e)
        calls = dict(compiled.links.get(nid, []))
        if cn.role is Role.ROUTER:
            shares = router_shares(design, nid, list(cn.pool), None)
            mix_s = mix_f = mix_clean_loss = 0.0
            for t in cn.pool:
                w = shares.get(t, 0.0)
                if w <= 0.0:
                    continue
                s_t = out.success[t]
                mix_s += w * s_t
                mix_f += w * out.failure[t]
                mix_clean_loss += w * s_t * -math.expm1(log_r[t])  # P(succeeds, degraded)
            if not cn.pool or mix_s <= 0.0:
                f = 1.0
                log_s[nid], log_r[nid] = -math.inf, 0.0
            else:
                # 1 - (1 - e) (1 - mix_f) = e + (1 - e) mix_f, no cancellation
                f = min(1.0, e + (1.0 - e) * mix_f)
                log_s[nid] = _log_success(f)
                clean_loss = min(1.0, mix_clean_loss / mix_s)  # every success degraded: -inf
                log_r[nid] = -math.inf if clean_loss >= 1.0 else math.log1p(-clean_loss)
        else:
            ls, lr = own, 0.0
            required = set(cn.deps)
            for t, k in calls.items():
                if t not in compiled.nodes or k == 0:
                    continue
                if t in required:
                    ls += k * log_s[t]
                    lr += k * log_r[t]
                else:  # optional: its failure or degradation only degrades this request
                    lr += k * (log_s[t] + log_r[t])
            log_s[nid], log_r[nid] = ls, lr
            f = 1.0 if ls == -math.inf else -math.expm1(ls)
        s = 0.0 if log_s[nid] == -math.inf else math.exp(log_s[nid])
        out.success[nid] = s
        out.failure[nid] = f
        out.degraded[nid] = (s * -math.expm1(log_r[nid]) + 0.0) if log_r[nid] != -math.inf else s
    return out


def client_success(availability: float, unavailability: float, success: float,
                   failure: float, degraded: float) -> tuple[float, float, float]:
    """(success_ratio, its complement computed directly, degraded_fraction) of a client
    from its exact availability (A, 1 - A) and its request's success / failure / degraded."""
    ratio = availability * success
    complement = unavailability + availability * failure
    return ratio, min(1.0, complement), availability * degraded


__all__ = ["SuccessResult", "client_success", "request_success"]
