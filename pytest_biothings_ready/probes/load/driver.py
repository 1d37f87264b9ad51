"""Drive locust through the plan's phases, inside the child process only.

Uses locust's own ``Environment`` and runners (local, or master plus workers): for
each phase it sets the user count, waits for spawning to complete, resets the stats
(like locust's ``--reset-stats``) and measures for the phase's seconds.  The
generator's CPU is sampled throughout, so a saturated generator is reported as such.

A master accepts exactly the expected workers, each having presented the join token
(:data:`.protocol.TOKEN_VARIABLE`): any other worker connected before the start means
no plan is sent; one joining during the run makes the run void (an error).
"""

from __future__ import annotations

import hmac
import os
import socket
import subprocess
import sys
import time
from typing import Any

import gevent
import psutil
from locust.env import Environment
from locust.runners import MasterRunner, Runner

from pytest_biothings_ready.probes.load.protocol import (
    HELLO_MESSAGE,
    PHASE_MARK,
    PLAN_MESSAGE,
    TOKEN_VARIABLE,
    progress,
)
from pytest_biothings_ready.probes.load.redirects import guard_redirects
from pytest_biothings_ready.probes.load.users import load_user_classes

__all__ = ["run_plan"]

PERCENTILES = {"p50": 0.5, "p95": 0.95, "p99": 0.99}


def run_plan(spec: dict[str, Any]) -> dict[str, Any]:
    """Run every phase of ``spec``; the JSON result (or ``{"error": ...}``)."""
    guard_redirects(spec.get("credential_headers") or ())
    env = Environment(user_classes=load_user_classes(spec), host=spec["host"])
    workers: list[subprocess.Popen[bytes]] = []
    try:
        runner, trusted = _runner(env, spec, workers)
        sampler = CpuSampler([os.getpid(), *(w.pid for w in workers)], runner)
        sampler_greenlet = gevent.spawn(sampler.run)
        phases = []
        for phase in spec["phases"]:
            phases.append(_run_phase(env, runner, spec, phase))
            _only_trusted(runner, trusted, spec, "the run is void")
        sampler_greenlet.kill()
        runner.quit()
        return {
            "phases": phases,
            "cpu": sampler.summary(spec["cpu_saturation"]),
            "workers": _worker_count(runner),
            "remote": bool(spec.get("remote")),
        }
    except WorkersMissing as exc:
        return {"error": str(exc)}
    finally:
        for proc in workers:
            proc.kill()
            proc.wait()


class WorkersMissing(Exception):
    """The expected workers did not join, or others did: no valid run."""


def _runner(env: Environment, spec: dict[str, Any], workers: list[Any]) -> tuple[Runner, set[str]]:
    """The runner, and the ids of the workers that presented the join token."""
    if not (spec["workers"] or spec["expect_workers"] or spec["master_bind"]):
        return env.create_local_runner(), set()
    host, _, port = (spec["master_bind"] or "127.0.0.1:0").rpartition(":")
    bind_port = int(port) or _free_port(host)
    runner = env.create_master_runner(host or "*", bind_port)
    trusted = _listen_for_hellos(runner, str(spec["worker_token"]))
    connect = "127.0.0.1" if host in ("", "*", "0.0.0.0") else host
    module = "pytest_biothings_ready.probes.load.worker"
    workers.extend(
        subprocess.Popen(
            [sys.executable, "-m", module, "--join", f"{connect}:{bind_port}"],
            stdin=subprocess.DEVNULL,
            env={**os.environ, TOKEN_VARIABLE: str(spec["worker_token"])},
        )
        for _ in range(spec["workers"])
    )
    _wait_for_workers(runner, trusted, spec)
    _only_trusted(runner, trusted, spec, "no plan was sent")
    # Workers learn the plan from the master, not from a file; never the token.
    plan = {k: v for k, v in spec.items() if k != "worker_token"}
    for client_id in trusted:
        runner.send_message(PLAN_MESSAGE, plan, client_id=client_id)
    return runner, trusted


def _listen_for_hellos(runner: MasterRunner, token: str) -> set[str]:
    trusted: set[str] = set()

    def on_hello(environment: Environment, msg: Any, **_kwargs: Any) -> None:
        offered = msg.data.get("token") if isinstance(msg.data, dict) else None
        if hmac.compare_digest(str(offered or "").encode(), token.encode()):
            trusted.add(str(msg.node_id))

    runner.register_message(HELLO_MESSAGE, on_hello)
    return trusted


def _expected(spec: dict[str, Any]) -> int:
    return int(max(spec["expect_workers"], spec["workers"]))


def _wait_for_workers(runner: MasterRunner, trusted: set[str], spec: dict[str, Any]) -> None:
    expected = _expected(spec)
    deadline = time.monotonic() + spec["expect_workers_timeout_s"]
    while len(trusted & set(runner.clients.keys())) < expected:
        if time.monotonic() > deadline:
            raise WorkersMissing(
                f"only {len(trusted)} of {expected} locust workers joined the master "
                f"with the join token within {spec['expect_workers_timeout_s']:.0f} s"
                + _foreign_note(runner, trusted)
            )
        gevent.sleep(0.1)
    gevent.sleep(0.3)  # a foreign worker connecting alongside is seen before the start


def _only_trusted(runner: Runner, trusted: set[str], spec: dict[str, Any], outcome: str) -> None:
    """Raise when a worker other than the expected, token-bearing ones is connected."""
    if not isinstance(runner, MasterRunner):
        return
    connected = set(runner.clients.keys())
    foreign = connected - trusted
    if foreign or len(connected) > _expected(spec):
        raise WorkersMissing(
            f"{len(connected)} locust workers connected to the master, {_expected(spec)} "
            f"expected, {len(foreign)} without the join token: {outcome} "
            "(workers receive the plan in clear; see load.master_bind)"
        )


def _foreign_note(runner: MasterRunner, trusted: set[str]) -> str:
    foreign = set(runner.clients.keys()) - trusted
    return f"; {len(foreign)} other worker(s) connected without it" if foreign else ""


def _run_phase(
    env: Environment, runner: Runner, spec: dict[str, Any], phase: dict[str, Any]
) -> dict[str, Any]:
    users, rate = int(phase["users"]), float(spec["spawn_rate"])
    runner.start(users, spawn_rate=rate)
    _wait_spawned(runner, users, users / max(rate, 0.1) + 10.0)
    env.stats.reset_all()
    started = time.monotonic()
    progress(PHASE_MARK + phase["name"])
    reporter = gevent.spawn(_report_progress, env, phase, started, spec["progress_s"])
    gevent.sleep(float(phase["duration_s"]))
    reporter.kill()
    return {
        "name": phase["name"],
        "users": runner.user_count,
        **snapshot(env, time.monotonic() - started),
    }


def _wait_spawned(runner: Runner, users: int, budget: float) -> None:
    deadline = time.monotonic() + budget
    while runner.user_count != users and time.monotonic() < deadline:
        gevent.sleep(0.05)


def _report_progress(env: Environment, phase: dict[str, Any], started: float, every: float) -> None:
    if every <= 0:
        return
    while True:
        gevent.sleep(every)
        total = env.stats.total
        elapsed = time.monotonic() - started
        progress(
            f"{phase['name']}: {phase['users']} users, {elapsed:.0f}/{phase['duration_s']:.0f} s,"
            f" {total.num_requests} requests ({total.num_requests / max(elapsed, 1e-3):.0f}/s),"
            f" p95 {total.get_response_time_percentile(0.95)} ms,"
            f" {total.num_failures} failures"
        )


def snapshot(env: Environment, elapsed: float) -> dict[str, Any]:
    """The phase's numbers: totals, per-endpoint rows and the top errors."""
    stats = env.stats
    rows = [
        {"name": e.name, "method": e.method, **_numbers(e, elapsed)}
        for e in sorted(stats.entries.values(), key=lambda e: -e.num_requests)
    ]
    errors = sorted(stats.errors.values(), key=lambda e: -e.occurrences)[:5]
    return {
        **_numbers(stats.total, elapsed),
        "elapsed_s": elapsed,
        "endpoints": rows,
        "errors": [{"name": e.name, "error": str(e.error), "count": e.occurrences} for e in errors],
    }


def _numbers(entry: Any, elapsed: float) -> dict[str, Any]:
    numbers = {
        k: entry.get_response_time_percentile(q) if entry.num_requests else 0
        for k, q in PERCENTILES.items()
    }
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.num_requests / max(elapsed, 1e-3),
        **numbers,
    }


def _worker_count(runner: Runner) -> int:
    return runner.worker_count if isinstance(runner, MasterRunner) else 0


class CpuSampler:
    """Samples the CPU of the generator processes (this one, local and remote workers)."""

    def __init__(self, pids: list[int], runner: Runner) -> None:
        self.procs = [psutil.Process(pid) for pid in pids]
        self.runner = runner
        self.samples: list[float] = []

    def run(self) -> None:
        for proc in self.procs:
            proc.cpu_percent(None)  # the first call only primes the counter
        while True:
            gevent.sleep(1.0)
            self.samples.append(max(self._local(), self._remote()))

    def _local(self) -> float:
        try:
            return max(float(proc.cpu_percent(None)) for proc in self.procs)
        except psutil.Error:
            return 0.0

    def _remote(self) -> float:
        if not isinstance(self.runner, MasterRunner):
            return 0.0
        return max((float(node.cpu_usage) for node in self.runner.clients.values()), default=0)

    def summary(self, saturation: float) -> dict[str, Any]:
        """Peak and median of the busiest generator process, percent of one core."""
        ordered = sorted(self.samples) or [0.0]
        median = ordered[len(ordered) // 2]
        return {"peak": ordered[-1], "median": median, "saturated": median >= saturation}


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host if host not in ("", "*") else "0.0.0.0", 0))
        return int(sock.getsockname()[1])
