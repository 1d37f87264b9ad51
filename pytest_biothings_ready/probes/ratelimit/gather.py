"""Gather the burst's evidence (exclusive: a traffic generator runs alone)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pytest_biothings_ready.config.environment import dig
from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.ratelimit.burst import Burst, baseline
from pytest_biothings_ready.probes.ratelimit.headers import LimitHeaders

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["BURST_RULE", "BURST_TRAFFIC", "BurstReport", "burst_traffic", "gather_burst"]

# The one sentence every document uses for when the burst is sent (tests check it).
BURST_RULE = (
    "The rate-limit burst is sent only when the environment has a `[env.NAME.rate_limit]` "
    "table (an empty table takes the defaults; the demo's built-in environment has one), "
    "and never where `production = true` unless `allow_load_in_production = true`; without "
    "the table both rate-limit lines are `unverified` with a message naming it."
)

BURST_TRAFFIC = (
    "the rate-limit burst: up to rate_limit.requests (default 300) requests paced over "
    "rate_limit.seconds (default 5 s) to base_url + rate_limit.path, kept up for "
    "rate_limit.persist_requests (default 50) more requests within rate_limit.persist_s "
    "(default 1 s) after the first limited answer, then polls until "
    "released (at most rate_limit.recovery_s, default 30 s); sent only when the environment "
    "has a [env.NAME.rate_limit] table"
)


def burst_traffic(env: Environment) -> str | None:
    """What the burst will send to this environment (None: it sends nothing)."""
    if dig(env.settings, "rate_limit") is None:
        return None
    path = env.get("rate_limit.path") or env.get("health_path")
    return (
        f"rate-limit burst: up to {env.get('rate_limit.requests')} "
        f"{str(env.get('rate_limit.method')).upper()} requests over "
        f"{env.get('rate_limit.seconds'):g} s (+{env.get('rate_limit.persist_requests')} after "
        "the first limited answer) to "
        f"{str(env.get('base_url')).rstrip('/')}{path}"
    )


@dataclass(frozen=True)
class BurstReport:
    """What a burst observed.

    Attributes:
        url: the URL of the burst.
        planned: requests the burst would have sent at most, over ``seconds``.
        seconds: the planned duration of the burst.
        sent: requests answered or failed.
        statuses: count of each status answered.
        transport_errors: requests that got no HTTP answer.
        baseline_status: what the path answered before the burst.
        limited_after: answers counted when the first limited answer came (None: never).
        limited_at_s: seconds into the burst of the first limited answer.
        limited_status: 429 or 503.
        headers: the rate-limit headers of the first limited answer.
        persist_s: how long the burst was kept up after the first limited answer.
        window_sent: answers after the first limited one.
        window_limited: of which limited.
        advertised_s: the wait the last limited answer advertised (None: none).
        recovered_after_s: seconds from the last limited answer to a 2xx (None: never).
        recovery_status: the last status seen while waiting for release.
        recovery_cap_s: how long release was awaited at most.
    """

    url: str
    planned: int
    seconds: float
    sent: int
    statuses: dict[int, int] = field(default_factory=dict)
    transport_errors: int = 0
    baseline_status: int | None = None
    limited_after: int | None = None
    limited_at_s: float | None = None
    limited_status: int | None = None
    headers: LimitHeaders = field(default_factory=LimitHeaders)
    persist_s: float = 0.0
    window_sent: int = 0
    window_limited: int = 0
    advertised_s: float | None = None
    recovered_after_s: float | None = None
    recovery_status: int | None = None
    recovery_cap_s: float = 0.0

    @property
    def limited(self) -> bool:
        return self.limited_after is not None

    def counts(self) -> str:
        """``55x 200, 1x 429`` (and how many got no answer)."""
        counts = ", ".join(f"{n}x {s}" for s, n in sorted(self.statuses.items()))
        errors = f", {self.transport_errors} without answer" if self.transport_errors else ""
        return counts + errors

    def summary(self) -> str:
        return f"{self.sent} requests to {self.url} in up to {self.seconds:g} s ({self.counts()})"


def _require_table(env: Environment) -> None:
    """Issue 14's rule: no ``[env.NAME.rate_limit]`` table, no burst."""
    if dig(env.settings, "rate_limit") is None:
        raise NotConfigured(
            "rate_limit",
            env.name,
            f"the burst is sent only when the environment has a [env.{env.name}.rate_limit] "
            "table (an empty one takes the defaults); no traffic was sent",
        )


# Exclusive: a burst shares the client address with every other probe, and a
# per-address limiter would throttle them too; traffic generators run alone.
@gatherer("ratelimit", needs=("base_url",), exclusive=True)
def gather_burst(ctx: Context) -> BurstReport:
    """Check the baseline, run the burst, keep it up, then wait for release."""
    import httpx

    from pytest_biothings_ready.evidence.transport import http_client

    env = ctx.env
    _require_table(env)
    env.guard_production("the rate-limit burst")
    path = env.get("rate_limit.path") or env.get("health_path")
    # Concatenated as written: a path that is not a path ("@host:port/x") makes a URL the
    # transport refuses as out of scope, naming rate_limit.path, and nothing is sent.
    url = str(env.get("base_url")).rstrip("/") + str(path)
    concurrency = max(1, int(env.get("rate_limit.concurrency")))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    cap = float(env.get("rate_limit.recovery_s"))
    with http_client(env, limits=limits) as client:
        burst = Burst(client, env, url)
        status = baseline(burst, cap)
        burst.run(concurrency, env.timeout)
        if not burst.statuses:
            reason = burst.errors[0] if burst.errors else "no request was sent"
            raise ProbeError(f"{burst.method} {url}: {reason}")
        return _report(burst, status, cap)


def _report(burst: Burst, baseline_status: int, cap: float) -> BurstReport:
    report = BurstReport(
        burst.url, burst.planned, burst.seconds, sum(burst.statuses.values()),
        dict(burst.statuses), len(burst.errors), baseline_status, recovery_cap_s=cap,
    )  # fmt: skip
    first, last = burst.first, burst.last
    if first is None or last is None:
        return report
    report = replace(
        report,
        limited_after=first.answered,
        limited_at_s=round(first.at_s, 2),
        limited_status=first.status,
        headers=first.headers,
        persist_s=burst.persist_s,
        window_sent=sum(burst.window.values()),
        window_limited=burst.window[True],
        advertised_s=last.headers.wait_s,
    )
    if last.headers.wait_s is not None and last.headers.wait_s > cap:
        return report  # release cannot be awaited within the cap: the check says so
    recovered, status = burst.await_release(cap)
    return replace(report, recovered_after_s=recovered, recovery_status=status)
