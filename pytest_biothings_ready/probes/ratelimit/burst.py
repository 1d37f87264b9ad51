"""The burst: a baseline, a paced burst kept up after the first limit, then release.

1. **Baseline**: one request; the path must answer 2xx (if it is limited already,
   after its advertised wait).  Otherwise nothing can be judged: ``error`` naming
   ``rate_limit.path``.
2. **Burst**: ``rate_limit.requests`` paced over ``rate_limit.seconds`` by
   ``rate_limit.concurrency`` threads.  After the first limited answer (429, or 503
   with ``Retry-After``) ``rate_limit.persist_requests`` more requests go out as fast
   as the connections allow (for at most ``rate_limit.persist_s``), far over any
   limit: a limiter refuses most of them, an upstream quota's sporadic 429 does not.
3. **Release**: wait what the last limited answer advertised (capped by
   ``rate_limit.recovery_s``), then poll until a 2xx comes back.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.probes.ratelimit.headers import LimitHeaders, read_limit_headers

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["Burst", "Limited", "baseline", "is_limited"]

RECOVERY_POLL_S = 0.25


def is_limited(response: httpx.Response) -> bool:
    """429, or 503 that says when to come back (Retry-After): a limiter's answer."""
    if response.status_code == 429:
        return True
    return response.status_code == 503 and "retry-after" in response.headers


def _headers(response: httpx.Response) -> LimitHeaders:
    return read_limit_headers(response.headers, time.time(), is_limited(response))


@dataclass(frozen=True)
class Limited:
    """One limited answer of the burst.

    Attributes:
        answered: how many answers had come when it came (itself included).
        at_s: seconds into the burst.
        status: 429 or 503.
        headers: its rate-limit headers.
        stamp: ``time.monotonic()`` when it came.
    """

    answered: int
    at_s: float
    status: int
    headers: LimitHeaders
    stamp: float


def baseline(burst: Burst, cap: float) -> int:
    """The status of the path before the burst; ProbeError when it is not 2xx."""
    status, response = burst.ask()
    if response is not None and is_limited(response):
        time.sleep(min(_headers(response).wait_s or RECOVERY_POLL_S, cap))
        status, response = burst.ask()
    if status is None:
        raise ProbeError(f"{burst.method} {burst.url}: {burst.errors[-1]}")
    if not 200 <= status < 300:
        raise ProbeError(
            f"{burst.method} {burst.url} answered {status} before the burst, so a burst says "
            "nothing about rate limiting; set rate_limit.path to an endpoint that answers 2xx"
        )
    return status


class Burst:
    """The shared state of the burst's worker threads."""

    def __init__(self, client: httpx.Client, env: Environment, url: str) -> None:
        self.client, self.url = client, url
        self.method = str(env.get("rate_limit.method")).upper()
        self.headers = dict(env.get("rate_limit.headers") or {})
        self.planned = int(env.get("rate_limit.requests"))
        self.seconds = float(env.get("rate_limit.seconds"))
        self.persist_s = float(env.get("rate_limit.persist_s"))
        self.persist_requests = int(env.get("rate_limit.persist_requests"))
        self.dispatched_after = 0  # requests started after the first limited answer
        self.interval = self.seconds / max(self.planned, 1)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.indices = itertools.count()
        self.statuses: Counter[int] = Counter()
        self.window: Counter[bool] = Counter()  # limited? -> count, after the first limit
        self.errors: list[str] = []
        self.first: Limited | None = None
        self.last: Limited | None = None
        self.start = time.monotonic()

    def ask(self) -> tuple[int | None, httpx.Response | None]:
        """One request outside the burst (baseline, release polls)."""
        import httpx

        try:
            response = self.client.request(self.method, self.url, headers=self.headers)
        except (httpx.HTTPError, httpx.InvalidURL, ProbeError) as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return None, None
        return response.status_code, response

    def work(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                index = next(self.indices)
                first = self.first
                if first is not None:
                    self.dispatched_after += 1
                    if self.dispatched_after > self.persist_requests:
                        return
            if first is None and index >= self.planned:
                return
            if first is not None and time.monotonic() > first.stamp + self.persist_s:
                return
            # Paced until the first limit; then as fast as the connections allow, so
            # that the window is far over any limit and a limiter refuses most of it.
            delay = self.start + index * self.interval - time.monotonic()
            if first is None and delay > 0 and self.stop.wait(delay):
                return
            try:
                self._send()
            except Exception as exc:  # never let a worker die with an unreported error
                self._record_error(exc)

    def _send(self) -> None:
        import httpx

        try:
            response = self.client.request(self.method, self.url, headers=self.headers)
        except (httpx.HTTPError, httpx.InvalidURL, ProbeError) as exc:
            self._record_error(exc)
            return
        now = time.monotonic()
        limited = is_limited(response)
        with self.lock:
            self.statuses[response.status_code] += 1
            if self.first is not None:
                self.window[limited] += 1
            if limited:
                answered = sum(self.statuses.values())
                self.last = Limited(
                    answered, now - self.start, response.status_code, _headers(response), now
                )
                self.first = self.first or self.last

    def _record_error(self, exc: Exception) -> None:
        with self.lock:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            # Nothing ever answered: the target is down or hanging, not limiting.
            if not self.statuses:
                self.stop.set()

    def run(self, concurrency: int, timeout: float) -> None:
        """Run the burst's threads to their end (bounded by the client's timeout)."""
        self.errors.clear()  # the baseline's are reported by the baseline
        self.start = time.monotonic()
        threads = [threading.Thread(target=self.work, daemon=True) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + self.seconds + self.persist_s + 4 * timeout + 1
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.stop.set()

    def await_release(self, cap: float) -> tuple[float | None, int | None]:
        """Seconds from the last limited answer to a 2xx (None: none within ``cap``)."""
        assert self.last is not None
        wait = self.last.headers.wait_s or 0.0
        time.sleep(max(0.0, self.last.stamp + min(wait, cap) - time.monotonic()))
        began, status = time.monotonic(), None
        while True:
            status, _ = self.ask()
            if status is not None and 200 <= status < 300:
                return round(time.monotonic() - self.last.stamp, 2), status
            if time.monotonic() - began + RECOVERY_POLL_S > cap:
                return None, status
            time.sleep(RECOVERY_POLL_S)
