"""Rate limiting: a bounded burst that must be throttled, then a recovery.

``rate_limit.requests`` requests are paced evenly over ``rate_limit.seconds`` by
``rate_limit.concurrency`` threads against ``base_url`` + ``rate_limit.path``.  The
burst stops at the first limited answer (429, or 503 with ``Retry-After``): the probe
proves the limiter exists, it does not keep hammering.  Then it waits ``Retry-After``
(capped by ``rate_limit.recovery_s``) and polls until the path answers 2xx again, for
at most ``rate_limit.recovery_s`` seconds.  Never run where ``production = true``
unless ``allow_load_in_production = true``.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["BurstReport"]

register(
    Key(
        "rate_limit.path",
        "str",
        "Path the burst targets; default: health_path.",
        family="ratelimit",
    ),
    Key("rate_limit.method", "str", "HTTP method of the burst.", "GET", family="ratelimit"),
    Key(
        "rate_limit.headers",
        "map",
        "Headers of every burst request (e.g. a token).",
        values="str",
        family="ratelimit",
    ),
    Key("rate_limit.requests", "int", "Most requests the burst sends.", 300, family="ratelimit"),
    Key(
        "rate_limit.seconds", "float", "Seconds the burst is spread over.", 5.0, family="ratelimit"
    ),
    Key(
        "rate_limit.concurrency",
        "int",
        "Concurrent connections of the burst.",
        10,
        family="ratelimit",
    ),
    Key(
        "rate_limit.recovery_s",
        "float",
        "Most seconds to wait for a 2xx after limiting (caps Retry-After).",
        30.0,
        family="ratelimit",
    ),
)

RECOVERY_POLL_S = 0.5


@dataclass(frozen=True)
class BurstReport:
    """What a burst observed.

    Attributes:
        url: the URL of the burst.
        planned: requests the burst would have sent at most, over ``seconds``.
        seconds: the planned duration of the burst.
        sent: requests actually answered or failed before the burst stopped.
        statuses: count of each status answered.
        transport_errors: requests that got no HTTP answer.
        limited_after: requests answered when the first limited answer came (None: never).
        limited_at_s: seconds into the burst of the first limited answer.
        limited_status: 429 or 503.
        retry_after: the ``Retry-After`` header of the first limited answer.
        recovered_after_s: seconds from the first limited answer to a 2xx (None: never).
        recovery_status: the last status seen while waiting for recovery.
        recovery_cap_s: how long recovery was awaited at most.
    """

    url: str
    planned: int
    seconds: float
    sent: int
    statuses: dict[int, int] = field(default_factory=dict)
    transport_errors: int = 0
    limited_after: int | None = None
    limited_at_s: float | None = None
    limited_status: int | None = None
    retry_after: str | None = None
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


def _is_limited(response: httpx.Response) -> bool:
    if response.status_code == 429:
        return True
    return response.status_code == 503 and "retry-after" in response.headers


class _Burst:
    """The shared state of the burst's worker threads."""

    def __init__(self, client: httpx.Client, env: Environment, url: str) -> None:
        self.client, self.url = client, url
        self.method = str(env.get("rate_limit.method")).upper()
        self.headers = dict(env.get("rate_limit.headers") or {})
        self.planned = int(env.get("rate_limit.requests"))
        self.seconds = float(env.get("rate_limit.seconds"))
        self.interval = self.seconds / max(self.planned, 1)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.indices = itertools.count()
        self.statuses: Counter[int] = Counter()
        self.errors: list[str] = []
        self.first: tuple[int, float, httpx.Response] | None = None
        self.start = time.monotonic()

    def work(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                index = next(self.indices)
            if index >= self.planned:
                return
            delay = self.start + index * self.interval - time.monotonic()
            if delay > 0 and self.stop.wait(delay):
                return
            try:
                self._send()
            except Exception as exc:  # never let a worker die with an unreported error
                self._record_error(exc)

    def _send(self) -> None:
        import httpx

        try:
            response = self.client.request(self.method, self.url, headers=self.headers)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            self._record_error(exc)
            return
        with self.lock:
            self.statuses[response.status_code] += 1
            if _is_limited(response) and self.first is None:
                answered = sum(self.statuses.values())
                self.first = (answered, time.monotonic() - self.start, response)
                self.stop.set()

    def _record_error(self, exc: Exception) -> None:
        with self.lock:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            # Nothing ever answered: the target is down or hanging, not limiting.
            if not self.statuses:
                self.stop.set()


# Exclusive: a burst shares the client address with every other probe, and a
# per-address limiter would throttle them too; traffic generators run alone.
@gatherer("ratelimit", needs=("base_url",), exclusive=True)
def gather_burst(ctx: Context) -> BurstReport:
    """Run the bounded burst and, when it was limited, wait for recovery."""
    from pytest_biothings_ready.evidence.transport import http_client

    env = ctx.env
    env.guard_production("the rate-limit burst")
    path = env.get("rate_limit.path") or env.get("health_path")
    url = str(env.get("base_url")).rstrip("/") + str(path)
    concurrency = max(1, int(env.get("rate_limit.concurrency")))
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with http_client(env, limits=limits) as client:
        burst = _Burst(client, env, url)
        _run_threads(burst, concurrency, env.timeout)
        if not burst.statuses:
            reason = burst.errors[0] if burst.errors else "no request was sent"
            raise ProbeError(f"{burst.method} {url}: {reason}")
        return _report(burst, env, client)


def _run_threads(burst: _Burst, concurrency: int, timeout: float) -> None:
    threads = [threading.Thread(target=burst.work, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    # Each request is bounded by the client's timeout, so this join always ends.
    deadline = time.monotonic() + burst.seconds + 4 * timeout + 1
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    burst.stop.set()


def _report(burst: _Burst, env: Environment, client: httpx.Client) -> BurstReport:
    cap = float(env.get("rate_limit.recovery_s"))
    report = BurstReport(
        burst.url,
        burst.planned,
        burst.seconds,
        sum(burst.statuses.values()),
        dict(burst.statuses),
        len(burst.errors),
        recovery_cap_s=cap,
    )
    if burst.first is None:
        return report
    answered, at_s, response = burst.first
    retry_after = response.headers.get("retry-after")
    recovered, last = _await_recovery(burst, retry_after, cap)
    return replace(
        report,
        limited_after=answered,
        limited_at_s=round(at_s, 2),
        limited_status=response.status_code,
        retry_after=retry_after,
        recovered_after_s=recovered,
        recovery_status=last,
    )


def _retry_delay(retry_after: str | None, cap: float) -> float:
    """``Retry-After`` in seconds, capped (an HTTP date or garbage counts as 0)."""
    try:
        return min(max(float(retry_after or 0), 0.0), cap)
    except ValueError:
        return 0.0


def _await_recovery(
    burst: _Burst, retry_after: str | None, cap: float
) -> tuple[float | None, int | None]:
    """Seconds until a 2xx came back (None: not within ``cap``) and the last status."""
    import httpx

    began = time.monotonic()
    time.sleep(_retry_delay(retry_after, cap))
    last: int | None = None
    while True:
        try:
            response = burst.client.request(burst.method, burst.url, headers=burst.headers)
            last = response.status_code
        except httpx.HTTPError:
            last = None
        waited = time.monotonic() - began
        if last is not None and 200 <= last < 300:
            return round(waited, 2), last
        if waited + RECOVERY_POLL_S > cap:
            return None, last
        time.sleep(RECOVERY_POLL_S)


@check("Rate limiting is enabled", uses=("ratelimit",))
def rate_limiting_enabled(ctx: Context) -> Verdict:
    """A bounded burst against the service is answered with 429 (or 503 + Retry-After).

    The burst (``rate_limit.*``) must meet a limited answer before it ends.
    """
    report = _judgeable(ctx.evidence("ratelimit"))
    if not report.limited:
        return Verdict.failed(
            f"No rate limiting: {report.summary()}; expected a 429 (or 503 with Retry-After) "
            f"within {report.planned} requests over {report.seconds:g} s.{_hint_503(report)}"
        )
    return Verdict.passed(_limited_phrase(report) + ".")


def _hint_503(report: BurstReport) -> str:
    """A pointer for 503s without Retry-After: overload or a limiter that does not say so."""
    if not report.statuses.get(503):
        return ""
    return (
        " The 503 answers carried no Retry-After, so they cannot be told from overload; "
        "a limiter should answer 429 (nginx: limit_req_status 429)."
    )


def _judgeable(report: BurstReport) -> BurstReport:
    """The report, unless the path never answered 2xx (then nothing can be judged)."""
    if not report.limited and not any(200 <= s < 300 for s in report.statuses):
        raise ProbeError(
            f"{report.summary()}: the path never answered 2xx, so the burst says nothing "
            "about rate limiting; set rate_limit.path to an endpoint that answers 2xx"
        )
    return report


def _limited_phrase(report: BurstReport) -> str:
    retry = f", Retry-After {report.retry_after}" if report.retry_after else ""
    return (
        f"Rate limiting on {report.url}: first {report.limited_status}{retry} after "
        f"{report.limited_after} requests ({report.limited_at_s} s into a burst of up to "
        f"{report.planned} over {report.seconds:g} s; answers {report.counts()}); burst "
        "stopped there"
    )


@check("Rate limiting effective", uses=("ratelimit",))
def rate_limiting_effective(ctx: Context) -> Verdict:
    """A burst is throttled before it ends and the service answers 2xx again afterwards.

    After the first limited answer the probe waits ``Retry-After`` (capped by
    ``rate_limit.recovery_s``) and polls; a 2xx must come back within the cap.
    """
    report = _judgeable(ctx.evidence("ratelimit"))
    if not report.limited:
        return Verdict.failed(
            f"Rate limiting never engaged: {report.summary()}; expected a 429 (or 503 with "
            f"Retry-After) before the burst ended.{_hint_503(report)}"
        )
    if report.recovered_after_s is None:
        last = report.recovery_status
        why = (
            "the limiter does not release clients"
            if last in (429, 503, None)
            else "rate_limit.path must answer 2xx when the client is not limited"
        )
        return Verdict.failed(
            f"{_limited_phrase(report)}; but no 2xx within {report.recovery_cap_s:g} s "
            f"afterwards (last answer: {last or 'no answer'}): {why}."
        )
    return Verdict.passed(
        f"{_limited_phrase(report)}; answered {report.recovery_status} again "
        f"{report.recovered_after_s} s later."
    )
