"""Run a gatherer's pure-CPU part on another core: a process pool for big file lists.

Gatherers run as threads in one process, so two CPU-bound ones (the manifest parse,
the secret scan) share one core under the GIL.  :func:`cpu_map` hands the pure part
of such a gatherer (a function of a list of files that returns picklable, frozen
results) to a worker process::

    hits = cpu_map(_scan_chunk, work, what="gatherer secrets-scan", timeout=budget)

- Small work (fewer than ``min_items`` items), a single-core machine or
  ``READY_CPU_WORKERS=0`` runs in the calling thread: the demo and small repositories
  pay no process start-up.
- Workers start with ``forkserver`` (``spawn`` where it does not exist), never
  ``fork``: the session has threads.  The pool is created once per process and lives
  until exit.
- Results come back in the order of ``items``, so they equal an in-process run; when
  several chunks raise, the first in order is raised, as a sequential run would.
- The calling thread runs the chunks no worker has started yet (from the end), so
  both cores stay busy however the work and the machine's load fall.
- A ProbeError/NotConfigured raised in the worker is raised as is; anything else (or
  a worker that died) is :class:`PluginBug` with the worker's traceback.  No value is
  logged: what crosses the process boundary is the function's own result.
- ``timeout`` bounds the wait (the store's budget): past it, ProbeError.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, TypeVar

from pytest_biothings_ready.errors import NotConfigured, PluginBug, ProbeError

if TYPE_CHECKING:  # multiprocessing is imported only when a pool is needed
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["MIN_ITEMS", "cpu_map", "workers"]

T = TypeVar("T")
R = TypeVar("R")

# Below this many items the work runs in-process (a worker costs ~0.3 s to start).
MIN_ITEMS = 100
MAX_WORKERS = 4

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def workers() -> int:
    """How many worker processes to use: the cores beyond this one (``READY_CPU_WORKERS``)."""
    setting = os.environ.get("READY_CPU_WORKERS", "").strip()
    if setting.isdigit():
        return min(int(setting), MAX_WORKERS)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, MAX_WORKERS))


def cpu_map(
    func: Callable[[list[T]], list[R]],
    items: Sequence[T],
    *,
    what: str,
    timeout: float,
    min_items: int = MIN_ITEMS,
) -> list[R]:
    """``func`` over chunks of ``items``, results concatenated in order.

    ``func`` must be a module-level function (it is pickled by name); ``items`` and
    its results must pickle.  ``what`` names the caller in errors (``gatherer x``).
    """
    count = workers()
    if len(items) < min_items or count == 0:
        return func(list(items))
    from concurrent.futures.process import BrokenProcessPool

    size = max(min_items // 4, -(-len(items) // (4 * (count + 1))))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    try:
        futures = [_executor(count).submit(func, chunk) for chunk in chunks]
    except (BrokenProcessPool, RuntimeError) as exc:  # a dead pool, or the interpreter exits
        _reset()
        raise PluginBug(what, exc) from None
    return _collect(func, chunks, futures, what, timeout)


def _collect(
    func: Callable[[list[T]], list[R]],
    chunks: list[list[T]],
    futures: list[Future[list[R]]],
    what: str,
    timeout: float,
) -> list[R]:
    """Results in order; the calling thread runs the chunks no worker has started yet.

    Stealing from the end keeps both cores busy however the work and the machine's
    load fall: a worker that starts slowly (or shares its core) does less.
    """
    from concurrent.futures.process import BrokenProcessPool

    deadline = time.monotonic() + timeout
    local: dict[int, Future[list[R]]] = {}
    try:
        for index in reversed(range(len(futures))):
            if futures[index].cancel():
                local[index] = _run_here(func, chunks[index])
        results: list[R] = []
        for index, future in enumerate(futures):
            if index in local:  # raised in order, as a sequential run would
                results.extend(local[index].result())
            else:
                results.extend(future.result(timeout=max(0.0, deadline - time.monotonic())))
    except FutureTimeout:
        raise ProbeError(f"{what} gave no answer within {timeout:.0f} s") from None
    except (ProbeError, NotConfigured):
        raise
    except BrokenProcessPool as exc:
        _reset()
        raise PluginBug(what, exc) from None
    except Exception as exc:  # the worker's bug, with its traceback as the cause
        raise PluginBug(what, exc) from None
    finally:
        for future in futures:
            future.cancel()
    return results


def _run_here(func: Callable[[list[T]], list[R]], chunk: list[T]) -> Future[list[R]]:
    """``func(chunk)`` in this thread, its result or exception kept for its turn."""
    done: Future[list[R]] = Future()
    try:
        done.set_result(func(chunk))
    except Exception as exc:
        done.set_exception(exc)
    return done


def _executor(count: int) -> ProcessPoolExecutor:
    global _pool
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with _pool_lock:
        if _pool is None:
            methods = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in methods else "spawn"
            context = multiprocessing.get_context(method)
            _pool = ProcessPoolExecutor(max_workers=count, mp_context=context)
            atexit.register(_reset, wait=True)  # before interpreter teardown
        return _pool


def _reset(wait: bool = False) -> None:
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        atexit.unregister(_reset)
        pool.shutdown(wait=wait, cancel_futures=True)
