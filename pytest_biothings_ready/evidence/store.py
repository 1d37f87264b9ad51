"""Gather evidence once per session, concurrently and bounded, and run checks on it.

:class:`EvidenceStore` starts every needed gatherer in its own thread (they are
I/O-bound and few), memoizes the outcome (a value or the exception), and bounds
each wait so that a misbehaving gatherer becomes an ``error`` verdict instead of a
hang.  :func:`run_checks` folds the checks of one item into one verdict.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.registry import Check, Context, gatherers
from pytest_biothings_ready.model import SEVERITY, Method, Status, Verdict

if TYPE_CHECKING:
    from pytest_biothings_ready.checklist.model import ChecklistItem
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["EvidenceStore", "run_checks"]

# A gatherer may take this many operation timeouts before its users give up.
BUDGET_TIMEOUTS = 6
# An exclusive gatherer (load generation) bounds itself; this is only a safety net.
EXCLUSIVE_BUDGET_S = 4 * 3600.0


class EvidenceStore:
    """Memoized, concurrent evidence for one environment."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self._futures: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()
        self._exclusive = threading.Lock()

    def prefetch(self, names: Iterable[str]) -> None:
        """Start the non-exclusive gatherers ``names`` (and nothing twice)."""
        registry = gatherers()
        for name in names:
            if name in registry and not registry[name].exclusive:
                self._start(name)

    def get(self, name: str) -> Any:
        """The evidence ``name``; raises what its gatherer raised."""
        return self._get(name, nested=False)

    def _get(self, name: str, nested: bool) -> Any:
        registry = gatherers()
        if name not in registry:
            raise ProbeError(f"no gatherer named {name!r} is registered")
        future = self._start(name, nested)
        budget = EXCLUSIVE_BUDGET_S if registry[name].exclusive else self._budget()
        try:
            return future.result(timeout=budget)
        except TimeoutError:
            raise ProbeError(f"{name} probe gave no answer within {budget:.0f} s") from None

    def _budget(self) -> float:
        return self.env.timeout * BUDGET_TIMEOUTS + 5.0

    def _fetcher(self, nested: bool) -> Any:
        return lambda name: self._get(name, nested)

    def _start(self, name: str, nested: bool = False) -> Future[Any]:
        with self._lock:
            future = self._futures.get(name)
            if future is not None:
                return future
            future = Future()
            self._futures[name] = future
        thread = threading.Thread(
            target=self._run, args=(name, future, nested), name=f"ready-{name}", daemon=True
        )
        thread.start()
        return future

    def _run(self, name: str, future: Future[Any], nested: bool) -> None:
        """Gather ``name``; ``nested``: on behalf of an exclusive gatherer (holds the turn)."""
        gatherer = gatherers()[name]
        try:
            for key in gatherer.needs:
                self.env.require(key)
            if gatherer.exclusive and not nested:
                future.set_result(self._alone(gatherer.func))
            else:
                inner = Context(self.env, self._fetcher(nested or gatherer.exclusive))
                future.set_result(gatherer.func(inner))
        except (ProbeError, NotConfigured) as exc:
            future.set_exception(exc)
        except Exception as exc:  # a bug or an unexpected answer: error, never a pass
            future.set_exception(
                ProbeError(f"{name} probe failed unexpectedly: {type(exc).__name__}: {exc}")
            )

    def _alone(self, func: Any) -> Any:
        """Run ``func`` after the concurrent probes have settled, one exclusive at a time.

        Bursts and load must neither skew the other probes' measurements nor get the
        plugin's own address throttled while those probes still run.
        """
        registry = gatherers()
        with self._lock:
            others = [f for n, f in self._futures.items() if not registry[n].exclusive]
        for other in others:
            with contextlib.suppress(TimeoutError):  # its own users report the hang
                other.exception(timeout=self._budget())
        with self._exclusive:  # what it asks for runs on its turn (nested)
            return func(Context(self.env, self._fetcher(True)))


def run_checks(item: ChecklistItem, checks: list[Check], store: EvidenceStore) -> Verdict | None:
    """Fold the verdicts of ``checks`` on ``item``; None when there are none."""
    verdicts = [_run_one(item, entry, store) for entry in checks]
    if not verdicts:
        return None
    worst = max(verdicts, key=lambda v: SEVERITY[v.status])
    if len(verdicts) == 1 or worst.status is not Status.PASSED:
        return worst
    return Verdict(Status.PASSED, " ".join(v.evidence for v in verdicts), Method.PROBE)


def _run_one(item: ChecklistItem, entry: Check, store: EvidenceStore) -> Verdict:
    try:
        for key in entry.needs:
            store.env.require(key)
        verdict = entry.func(Context(store.env, store.get, item))
    except NotConfigured as exc:
        return Verdict.unverified(str(exc))
    except ProbeError as exc:
        return Verdict.error(f"could not probe: {exc}")
    except Exception as exc:
        return Verdict.error(f"check {entry.name} crashed: {type(exc).__name__}: {exc}")
    if not isinstance(verdict, Verdict):
        return Verdict.error(f"check {entry.name} returned {verdict!r}, not a Verdict")
    return verdict
