"""Gather evidence once per session, concurrently and bounded, and run checks on it.

:class:`EvidenceStore` starts every needed gatherer in its own thread (they are
I/O-bound and few), memoizes the outcome (a value or the exception), and bounds
each wait so that a misbehaving gatherer becomes an ``error`` verdict instead of a
hang.  :func:`run_checks` folds the checks of one item into one verdict.

Exclusive gatherers (a burst, load) run one at a time, in the order they were asked
for, once the concurrent gatherers that could skew them (or be skewed) have settled.
A *quiet* gatherer (one that mostly holds connections idle, such as the WebSocket
stability hold) is not waited for: a burst on another path neither disturbs it nor
is disturbed by it.

A crash in the plugin's own code is never a pass and never a plain "could not
probe": a gatherer that raises anything but ProbeError/NotConfigured becomes
:class:`PluginBug`, a check that raises or returns a non-Verdict becomes an ``error``
verdict with reason "plugin bug" and its traceback (``Verdict.error_trace``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import NotConfigured, PluginBug, ProbeError
from pytest_biothings_ready.evidence.registry import BUDGET_TIMEOUTS, Check, Context, gatherers
from pytest_biothings_ready.model import SEVERITY, Method, Status, Verdict

if TYPE_CHECKING:
    from pytest_biothings_ready.checklist.model import ChecklistItem
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["ABSTAIN", "BUDGET_TIMEOUTS", "NOT_OBSERVED", "EvidenceStore", "run_checks"]

# An exclusive gatherer (load generation) bounds itself; this is only a safety net.
EXCLUSIVE_BUDGET_S = 4 * 3600.0


class _Turns:
    """A first-come, first-served turn: exclusive gatherers run alone and in order."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0
        self._serving = 0

    @contextlib.contextmanager
    def turn(self) -> Any:
        with self._cond:
            ticket, self._next = self._next, self._next + 1
            self._cond.wait_for(lambda: self._serving == ticket)
        try:
            yield
        finally:
            with self._cond:
                self._serving += 1
                self._cond.notify_all()


class EvidenceStore:
    """Memoized, concurrent evidence for one environment.

    ``budget_s`` overrides how long a user waits for a non-exclusive gatherer
    (default: BUDGET_TIMEOUTS operation timeouts plus 5 s).
    """

    def __init__(self, env: Environment, budget_s: float | None = None) -> None:
        self.env = env
        self.budget_s = budget_s
        self._futures: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()
        self._turns = _Turns()

    def prefetch(self, names: Iterable[str]) -> None:
        """Start the non-exclusive gatherers ``names`` (and nothing twice)."""
        registry = gatherers()
        for name in names:
            if name in registry and not registry[name].exclusive:
                self._start(name)

    def completed(self) -> dict[str, Any]:
        """The results of the gatherers that finished without an exception (for the bundle)."""
        with self._lock:
            futures = dict(self._futures)
        return {
            name: future.result()
            for name, future in futures.items()
            if future.done() and future.exception() is None
        }

    def get(self, name: str) -> Any:
        """The evidence ``name``; raises what its gatherer raised."""
        return self._get(name, nested=False)

    def _get(self, name: str, nested: bool) -> Any:
        registry = gatherers()
        if name not in registry:
            raise PluginBug(f"evidence {name!r}", LookupError("no gatherer by that name"))
        future = self._start(name, nested)
        budget = EXCLUSIVE_BUDGET_S if registry[name].exclusive else self._budget()
        try:
            return future.result(timeout=budget)
        except TimeoutError:
            raise ProbeError(f"{name} probe gave no answer within {budget:.0f} s") from None

    def _budget(self) -> float:
        if self.budget_s is not None:
            return self.budget_s
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
                fetch = self._fetcher(nested or gatherer.exclusive)
                inner = Context(self.env, fetch, budget_s=self._budget())
                future.set_result(gatherer.func(inner))
        except (ProbeError, NotConfigured) as exc:
            future.set_exception(exc)
        except Exception as exc:  # a bug or an unexpected answer: error, never a pass
            future.set_exception(PluginBug(f"gatherer {name}", exc))

    def _alone(self, func: Any) -> Any:
        """Run ``func`` once the concurrent probes that matter have settled, on its turn.

        Bursts and load must neither skew the other probes' measurements nor get the
        plugin's own address throttled while those probes still run.  Quiet gatherers
        (idle connection holds) are not waited for.
        """
        registry = gatherers()
        with self._lock:
            others = [
                future
                for name, future in self._futures.items()
                if not registry[name].exclusive and not registry[name].quiet
            ]
        for other in others:
            with contextlib.suppress(TimeoutError):  # its own users report the hang
                other.exception(timeout=self._budget())
        with self._turns.turn():  # what it asks for runs on its turn (nested)
            return func(Context(self.env, self._fetcher(True)))


# A check with nothing to say starts its (unverified) evidence with ABSTAIN: the line's
# other checks decide, and it counts only when no other check has anything to say.
ABSTAIN = "the repository does not say: "
NOT_OBSERVED = "configured, not observed live"


def run_checks(item: ChecklistItem, checks: list[Check], store: EvidenceStore) -> Verdict | None:
    """Fold the verdicts of ``checks`` on ``item``; None when there are none.

    Repository mode (SPEC): when the live checks are unverified only because their
    live target is not configured, the static checks decide, "configured, not
    observed live"; a static failure beside a live pass is a contradiction that fails
    with both in the evidence.
    """
    from pytest_biothings_ready.deploy.lines import is_static_check, untargeted

    pairs = [(is_static_check(entry), _run_one(item, entry, store)) for entry in checks]
    said = [(s, v) for s, v in pairs if not v.evidence.startswith(ABSTAIN)]
    if said and len(said) < len(pairs):
        pairs = said  # a check that abstains leaves the line to the others
    # a repository check that needs a live URL to decide is live in this run
    static = [v for is_static, v in pairs if is_static and not untargeted(v)]
    live = [v for is_static, v in pairs if not is_static or untargeted(v)]
    if static and live and all(untargeted(v) for v in live):
        folded = _fold(static)
        if folded.status is Status.PASSED:
            note = "" if NOT_OBSERVED in folded.evidence else f" ({NOT_OBSERVED})"
            return Verdict(Status.PASSED, f"{folded.evidence}{note}")
        return folded
    if any(v.status is Status.FAILED for v in static) and any(
        v.status is Status.PASSED for v in live
    ):
        return _contradiction(static, live)
    return _fold([v for _, v in pairs]) if pairs else None


def _fold(verdicts: list[Verdict]) -> Verdict:
    worst = max(verdicts, key=lambda v: SEVERITY[v.status])
    if len(verdicts) == 1 or worst.status is not Status.PASSED:
        return worst
    return Verdict(Status.PASSED, " ".join(v.evidence for v in verdicts), Method.PROBE)


def _contradiction(static: list[Verdict], live: list[Verdict]) -> Verdict:
    said = " ".join(v.evidence for v in static if v.status is Status.FAILED)
    seen = " ".join(v.evidence for v in live if v.status is Status.PASSED)
    return Verdict.failed(
        f"contradiction: the repository fails the line ({said}) while the live probe "
        f"passes it ({seen})"
    )


def _run_one(item: ChecklistItem, entry: Check, store: EvidenceStore) -> Verdict:
    try:
        for key in entry.needs:
            store.env.require(key)
        verdict = entry.func(Context(store.env, store.get, item))
    except NotConfigured as exc:
        from pytest_biothings_ready.deploy.lines import NO_LIVE_TARGET, no_live_target

        if no_live_target(store.env, exc.key):
            return Verdict.unverified(f"{NO_LIVE_TARGET} ({exc})")
        return Verdict.unverified(str(exc))
    except PluginBug as exc:
        return Verdict.plugin_bug(exc.what, exc.original, exc.trace)
    except ProbeError as exc:
        return Verdict.error(f"could not probe: {exc}")
    except Exception as exc:
        return Verdict.plugin_bug(f"check {entry.name}", exc)
    if not isinstance(verdict, Verdict):
        returned = TypeError(f"returned {type(verdict).__name__} {verdict!r:.80}, not a Verdict")
        return Verdict.plugin_bug(f"check {entry.name}", returned)
    return verdict
