"""Run the locust child process from the pytest process: bounded, visible, killable.

The child (:mod:`.worker`) gets the plan on stdin and answers with one result line.
While it runs, its progress lines are logged to the ``pytest_biothings_ready.load``
logger (``pytest --log-cli-level=INFO`` shows them live), an optional callback ticks
for timed side actions (failover hooks, memory samples), and the run is killed
when it overruns its planned time.  The child runs in its own process group with its
local workers; when the pytest process ends, Ctrl-C included, every live group is
killed at exit, and a child whose parent vanished stops by itself.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.probes.load.protocol import PHASE_MARK, PROGRESS_PREFIX, RESULT_PREFIX

__all__ = ["INSTALL_HINT", "locust_available", "run_child", "set_progress_sink"]

LOG = logging.getLogger("pytest_biothings_ready.load")
MODULE = "pytest_biothings_ready.probes.load.worker"
INSTALL_HINT = "locust is not installed: install pytest-biothings-ready[load]"

# (phase name, seconds since that phase's measurement started) -> None
Tick = Callable[[str, float], None]

_LIVE: set[subprocess.Popen[bytes]] = set()
_SINK: list[Callable[[str], None]] = []
_LIVE_LOCK = threading.Lock()


def set_progress_sink(sink: Callable[[str], None] | None) -> None:
    """Also send progress lines to ``sink`` (e.g. the terminal reporter's write_line)."""
    _SINK[:] = [sink] if sink is not None else []


def locust_available() -> bool:
    """Whether the optional ``[load]`` extra (locust) is importable."""
    return importlib.util.find_spec("locust") is not None


def run_child(spec: dict[str, Any], budget_s: float, tick: Tick | None = None) -> dict[str, Any]:
    """Run ``spec`` in a locust child; its result, or ProbeError with the reason."""
    if not locust_available():
        raise ProbeError(INSTALL_HINT)
    proc = _spawn(spec)
    out = _Reader(proc.stdout)
    err = _Reader(proc.stderr, on_line=_progress_relay())
    try:
        _wait(proc, budget_s, tick, err)
    finally:
        _kill_group(proc)
        out.join()
        err.join()
        _forget(proc)
    return _result(proc, out.lines, err.lines)


def _spawn(spec: dict[str, Any]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", MODULE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group: one killpg also ends its local workers
    )
    with _LIVE_LOCK:
        _LIVE.add(proc)
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(spec).encode())
    proc.stdin.close()
    return proc


def _wait(proc: subprocess.Popen[bytes], budget_s: float, tick: Tick | None, err: _Reader) -> None:
    deadline = time.monotonic() + budget_s
    while proc.poll() is None:
        if time.monotonic() > deadline:
            raise ProbeError(f"the locust run overran its planned {budget_s:.0f} s and was killed")
        if tick is not None and err.phase is not None:
            tick(err.phase, time.monotonic() - err.phase_started)
        time.sleep(0.1)


def _result(proc: subprocess.Popen[bytes], out: list[str], err: list[str]) -> dict[str, Any]:
    lines = [line for line in out if line.startswith(RESULT_PREFIX)]
    if not lines:
        tail = " | ".join(line for line in err[-3:] if line.strip())
        raise ProbeError(
            f"the locust child exited with status {proc.returncode} and no "
            f"result" + (f": {tail}" if tail else "")
        )
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX) :])
    if "error" in result:
        raise ProbeError(str(result["error"]))
    return result


def _forget(proc: subprocess.Popen[bytes]) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(proc)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@atexit.register
def _kill_all() -> None:
    """Ctrl-C or any exit of the pytest process ends every load run at once."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for proc in live:
        _kill_group(proc)


def _progress_relay() -> Callable[[str], None]:
    def relay(line: str) -> None:
        if line.startswith(PROGRESS_PREFIX) and PHASE_MARK not in line:
            LOG.info(line[len(PROGRESS_PREFIX) :])
            for sink in _SINK:
                sink(line)

    return relay


class _Reader:
    """Reads one pipe of the child in a thread; remembers lines and the current phase."""

    def __init__(
        self, stream: IO[bytes] | None, on_line: Callable[[str], None] | None = None
    ) -> None:
        self.lines: list[str] = []
        self.phase: str | None = None
        self.phase_started = 0.0
        self._on_line = on_line
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes] | None) -> None:
        assert stream is not None
        for raw in stream:
            line = raw.decode(errors="replace").rstrip("\n")
            if line.startswith(PROGRESS_PREFIX + PHASE_MARK):
                self.phase_started = time.monotonic()
                self.phase = line[len(PROGRESS_PREFIX + PHASE_MARK) :]
            if self._on_line is not None:
                self._on_line(line)
            self.lines.append(line)
            del self.lines[:-200]  # only the tail matters for messages

    def join(self) -> None:
        self._thread.join(timeout=5)
