"""The secret scan's Python parsing from many gatherer threads at once."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator

import pytest

from pytest_biothings_ready.probes.static.secrets.codescan import code_findings

# Deep nesting keeps each parse inside the AST constructor long enough to be interrupted.
SOURCE = "\n".join(f"x{i} = " + "[" * 30 + "1" + "]" * 30 for i in range(100))
SOURCE += '\nDB_PASSWORD = "hunter2-literal"\n'


class _Finalized:
    """A cycle member whose finalizer runs Python code inside the collector: a thread switch."""

    partner: _Finalized | None = None

    def __del__(self) -> None:
        sum(range(50))


def _churn() -> None:
    for _ in range(30):
        first, second = _Finalized(), _Finalized()
        first.partner, second.partner = second, first


@pytest.fixture
def eager_thread_switches() -> Iterator[None]:
    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(1e-6)
    gc.set_threshold(50, 5, 5)
    yield
    sys.setswitchinterval(interval)
    gc.set_threshold(*thresholds)
    gc.collect()


def test_concurrent_python_parses_do_not_raise_system_error(eager_thread_switches: None) -> None:
    failures: list[BaseException] = []
    counts: list[int] = []

    def scan() -> None:
        for _ in range(8):
            _churn()
            try:
                counts.append(len(list(code_findings("app.py", ".py", SOURCE))))
            except Exception as exc:  # the failure under test: SystemError
                failures.append(exc)

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert counts and set(counts) == {counts[0]} and counts[0] >= 1
