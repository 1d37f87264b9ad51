"""The evidence store and the check runner, with fake gatherers and checks.

The one place that enforces "never a pass without positive evidence": a crashing
check, a crashing gatherer, a check returning garbage and a hanging gatherer all
come out ``error``; exclusive gatherers run alone and in the order asked for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.checklist.model import ChecklistItem
from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence import registry
from pytest_biothings_ready.evidence.registry import Context, check, checks_for, gatherer
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks
from pytest_biothings_ready.model import PLUGIN_BUG, Status, Verdict

TITLE = "Fake line judged by the runner tests"


@pytest.fixture(autouse=True)
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake gatherers and checks register into copies that vanish after the test."""
    registry.load_families()
    monkeypatch.setattr(registry, "_CHECKS", {k: list(v) for k, v in registry._CHECKS.items()})
    monkeypatch.setattr(registry, "_GATHERERS", dict(registry._GATHERERS))
    yield


def _item() -> ChecklistItem:
    return ChecklistItem(
        id="fake.line", title=TITLE, section="Fake", part="", area="testing", line=1
    )


def _store(budget_s: float | None = None) -> EvidenceStore:
    env = Environment("test", {"base_url": "https://127.0.0.1:9", "timeout_s": 1}, Path.cwd())
    return EvidenceStore(env, budget_s=budget_s)


def _judge(func: Callable[[Context], Any], store: EvidenceStore | None = None) -> Verdict:
    check(TITLE)(func)
    verdict = run_checks(_item(), checks_for(_item()), store or _store())
    assert verdict is not None
    return verdict


def test_a_crashing_check_is_an_error_with_reason_plugin_bug_and_its_trace() -> None:
    def crashing_check(ctx: Context) -> Verdict:
        raise KeyError("boom")

    verdict = _judge(crashing_check)
    assert verdict.status is Status.ERROR
    assert verdict.error_reason == PLUGIN_BUG
    assert verdict.evidence.startswith("plugin bug: check ")
    assert "crashing_check" in verdict.error_trace and "KeyError" in verdict.error_trace
    assert "Traceback" not in verdict.evidence  # the trace is a detail, not the paragraph


def test_a_crashing_gatherer_is_an_error_with_reason_plugin_bug() -> None:
    @gatherer("fake-crashing")
    def crashing_gatherer(ctx: Context) -> object:
        return 1 / 0

    verdict = _judge(lambda ctx: Verdict.passed(f"saw {ctx.evidence('fake-crashing')}"))
    assert verdict.status is Status.ERROR
    assert verdict.error_reason == PLUGIN_BUG
    assert "gatherer fake-crashing" in verdict.evidence
    assert "ZeroDivisionError" in verdict.error_trace and "crashing_gatherer" in verdict.error_trace


def test_a_gatherer_that_could_not_probe_is_an_error_but_not_a_plugin_bug() -> None:
    @gatherer("fake-refused")
    def refused(ctx: Context) -> object:
        raise ProbeError("connection refused by 127.0.0.1:9")

    verdict = _judge(lambda ctx: Verdict.passed(str(ctx.evidence("fake-refused"))))
    assert verdict.status is Status.ERROR
    assert verdict.error_reason == ""
    assert "could not probe: connection refused" in verdict.evidence


@pytest.mark.parametrize("returned", [None, True, "passed", Status.PASSED])
def test_a_check_returning_anything_but_a_verdict_is_an_error(returned: object) -> None:
    verdict = _judge(lambda ctx: returned)  # type: ignore[arg-type, return-value]
    assert verdict.status is Status.ERROR
    assert verdict.error_reason == PLUGIN_BUG
    assert "not a Verdict" in verdict.evidence


def test_a_check_needing_an_absent_setting_is_unverified_not_passed() -> None:
    def needs_setting(ctx: Context) -> Verdict:
        ctx.env.require("metrics_url")
        return Verdict.passed("never")

    assert _judge(needs_setting).status is Status.UNVERIFIED


def test_a_hanging_gatherer_gives_an_error_within_the_budget() -> None:
    release = threading.Event()

    @gatherer("fake-hanging")
    def hanging(ctx: Context) -> object:
        release.wait(30)
        return "late"

    started = time.monotonic()
    verdict = _judge(lambda ctx: Verdict.passed(str(ctx.evidence("fake-hanging"))), _store(0.3))
    elapsed = time.monotonic() - started
    release.set()
    assert verdict.status is Status.ERROR
    assert "fake-hanging probe gave no answer within" in verdict.evidence
    assert elapsed < 2.0


def test_one_passing_and_one_crashing_check_on_a_line_is_an_error() -> None:
    check(TITLE)(lambda ctx: Verdict.passed("fine"))

    def second(ctx: Context) -> Verdict:
        raise RuntimeError("bug")

    assert _judge(second).status is Status.ERROR


def test_exclusive_gatherers_run_alone_and_in_the_order_asked_for() -> None:
    running: list[str] = []
    order: list[str] = []
    overlaps: list[tuple[str, ...]] = []

    def exclusive(name: str) -> None:
        @gatherer(name, exclusive=True)
        def run(ctx: Context) -> str:
            running.append(name)
            if len(running) > 1:
                overlaps.append(tuple(running))
            order.append(name)
            time.sleep(0.05)
            running.remove(name)
            return name

    for name in ("fake-burst-a", "fake-burst-b", "fake-burst-c"):
        exclusive(name)
    store = _store()
    threads = []
    for number, name in enumerate(("fake-burst-a", "fake-burst-b", "fake-burst-c"), start=1):
        thread = threading.Thread(target=store.get, args=(name,))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while store._turns._next < number and time.monotonic() < deadline:
            time.sleep(0.001)  # asked for in this order: each has taken its ticket
    for thread in threads:
        thread.join(5)
    assert overlaps == []
    assert order == ["fake-burst-a", "fake-burst-b", "fake-burst-c"]


def test_an_exclusive_gatherer_waits_for_busy_gatherers_but_not_for_quiet_ones() -> None:
    busy_done, quiet_done = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    @gatherer("fake-busy")
    def busy(ctx: Context) -> str:
        time.sleep(0.2)
        busy_done.set()
        return "busy"

    release = threading.Event()

    @gatherer("fake-hold", quiet=True)
    def hold(ctx: Context) -> str:
        release.wait(10)  # held until the burst has run: it must not wait for this
        quiet_done.set()
        return "hold"

    @gatherer("fake-exclusive", exclusive=True)
    def burst(ctx: Context) -> str:
        seen["busy finished first"] = busy_done.is_set()
        seen["hold still running"] = not quiet_done.is_set()
        return "burst"

    store = _store()
    store.prefetch(["fake-busy", "fake-hold", "fake-exclusive"])  # exclusive: not prefetched
    try:
        assert store.get("fake-exclusive") == "burst"
    finally:
        release.set()
    assert seen == {"busy finished first": True, "hold still running": True}


def test_prefetch_never_starts_an_exclusive_gatherer() -> None:
    started = threading.Event()

    @gatherer("fake-load", exclusive=True)
    def load(ctx: Context) -> str:
        started.set()
        return "load"

    _store().prefetch(["fake-load"])
    assert not started.wait(0.2)


def test_a_gatherer_needing_an_absent_setting_makes_its_users_unverified() -> None:
    @gatherer("fake-needs", needs=("prometheus_url",))
    def needs(ctx: Context) -> str:
        return "never"

    with pytest.raises(NotConfigured):
        _store().get("fake-needs")
    verdict = _judge(lambda ctx: Verdict.passed(str(ctx.evidence("fake-needs"))))
    assert verdict.status is Status.UNVERIFIED
