"""The CPU pool: big pure-CPU work runs on another core, small work in-process."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from pytest_biothings_ready.errors import PluginBug, ProbeError
from pytest_biothings_ready.evidence import cpu
from pytest_biothings_ready.evidence.cpu import cpu_map
from pytest_biothings_ready.evidence.store import EvidenceStore
from tests.support.evaluate import environment

PARENT = os.getpid()


def in_worker() -> bool:
    """Whether this runs in a pool worker (the module is imported there again)."""
    time.sleep(0.02)  # slow enough that the worker gets the first chunks
    return multiprocessing.parent_process() is not None


def doubled_with_pid(chunk: list[int]) -> list[tuple[int, int]]:
    """Each item doubled, with the process that did it (slow enough to be shared)."""
    time.sleep(0.02)
    return [(2 * x, os.getpid()) for x in chunk]


def crashes_in_worker(chunk: list[int]) -> list[int]:
    if in_worker():
        raise ValueError(f"worker tripped over item {chunk[0]}")
    return chunk


def cannot_observe_in_worker(chunk: list[int]) -> list[int]:
    if in_worker():
        raise ProbeError("k8s/a.yaml:3: YAML does not parse")
    return chunk


def hangs_in_worker(chunk: list[int]) -> list[int]:
    if in_worker():
        time.sleep(1.5)
    return chunk


@pytest.fixture
def one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READY_CPU_WORKERS", "1")


def test_small_work_runs_in_process_without_starting_a_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cpu, "_pool", None)
    result = cpu_map(doubled_with_pid, list(range(10)), what="gatherer t", timeout=5)
    assert [value for value, _ in result] == [2 * x for x in range(10)]
    assert {pid for _, pid in result} == {PARENT}
    assert cpu._pool is None


def test_no_workers_setting_keeps_big_work_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READY_CPU_WORKERS", "0")
    result = cpu_map(doubled_with_pid, list(range(200)), what="gatherer t", timeout=5)
    assert {pid for _, pid in result} == {PARENT}


@pytest.mark.usefixtures("one_worker")
def test_big_work_uses_a_worker_process_and_keeps_the_order() -> None:
    items = list(range(400))
    result = cpu_map(doubled_with_pid, items, what="gatherer t", timeout=30, min_items=40)
    assert [value for value, _ in result] == [2 * x for x in items]
    assert result[0][1] != PARENT  # the first chunk went to the worker before any stealing


@pytest.mark.usefixtures("one_worker")
def test_a_crash_in_the_worker_is_a_plugin_bug_with_the_workers_trace() -> None:
    with pytest.raises(PluginBug) as caught:
        cpu_map(crashes_in_worker, list(range(400)), what="gatherer t", timeout=30, min_items=40)
    assert "gatherer t crashed: ValueError: worker tripped over item 0" in str(caught.value)
    assert "crashes_in_worker" in caught.value.trace  # the worker's own frames


@pytest.mark.usefixtures("one_worker")
def test_a_probe_error_in_the_worker_stays_a_probe_error() -> None:
    with pytest.raises(ProbeError) as caught:
        cpu_map(cannot_observe_in_worker, list(range(400)), what="t", timeout=30, min_items=40)
    assert not isinstance(caught.value, PluginBug)
    assert str(caught.value) == "k8s/a.yaml:3: YAML does not parse"


@pytest.mark.usefixtures("one_worker")
def test_a_worker_past_the_budget_is_a_probe_error() -> None:
    started = time.monotonic()
    with pytest.raises(ProbeError, match="gatherer t gave no answer within 0 s"):
        cpu_map(hangs_in_worker, list(range(400)), what="gatherer t", timeout=0.3, min_items=40)
    assert time.monotonic() - started < 1.4


def _tree(root: Path) -> Path:
    """150 modules, a few with credentials, and a dotenv file."""
    src = root / "src"
    src.mkdir()
    for i in range(150):
        body = f'VALUE_{i} = "{i}"\n'
        if i % 50 == 7:
            body += 'API_TOKEN = "Zq8vR2mX5kL9pW3nB7tY4hJ6"\n'
        (src / f"mod_{i:03d}.py").write_text(body)
    (src / ".env").write_text("DB_PASSWORD=Hx7Qm2Lp9Vt4Rz8K\n")
    return root


def test_secret_scan_of_a_big_tree_is_the_same_in_a_worker_and_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {"source_paths": ["src/"], "timeout_s": 5}
    root = _tree(tmp_path)
    monkeypatch.setenv("READY_CPU_WORKERS", "0")
    alone = EvidenceStore(environment(settings, root)).get("secrets-scan")
    monkeypatch.setenv("READY_CPU_WORKERS", "1")
    pooled = EvidenceStore(environment(settings, root)).get("secrets-scan")
    assert pooled == alone
    assert alone.files == 151
    assert {f.file for f in alone.findings} >= {"src/mod_007.py", "src/.env"}


def fails_from_item_100(chunk: list[int]) -> list[int]:
    time.sleep(0.02)
    if chunk[0] >= 100:
        raise ProbeError(f"item {chunk[0]} does not parse")
    return chunk


@pytest.mark.usefixtures("one_worker")
def test_the_first_error_in_item_order_is_raised_wherever_chunks_ran() -> None:
    # chunks of 50: the last ones fail first (stolen by this thread), item 100's wins
    with pytest.raises(ProbeError, match=r"^item 100 does not parse$"):
        cpu_map(fails_from_item_100, list(range(400)), what="t", timeout=30, min_items=40)
