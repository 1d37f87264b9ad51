"""The locust child process: ``python -m pytest_biothings_ready.probes.load.worker``.

locust imports gevent, which monkey-patches sockets and threads at import time, so it
never runs inside the pytest process.  The parent writes the JSON plan to this
process's stdin (stdin, not argv: request headers may carry tokens) and reads one
``READY-RESULT {...}`` line from its stdout.  Progress lines go to stderr.

Modes:
    (no argument)            run the plan from stdin: a local runner, or a master when
                             the plan has workers, expect_workers or master_bind
    --join HOST:PORT         a worker joining the master at HOST:PORT; it presents the
                             join token from ``READY_LOAD_WORKER_TOKEN`` and the master
                             sends it the plan (this is how local workers start, and how
                             a remote machine joins: ``READY_LOAD_WORKER_TOKEN=... python
                             -m pytest_biothings_ready.probes.load.worker --join
                             host:5557``).  The plan travels in clear.

The process exits on its own when its parent disappears, and on SIGTERM/SIGINT it
stops the users and its local workers at once.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from typing import Any

from pytest_biothings_ready.probes.load.protocol import (
    HELLO_MESSAGE,
    PLAN_MESSAGE,
    RESULT_PREFIX,
    TOKEN_VARIABLE,
)


def main(argv: list[str]) -> int:
    """Run the plan read from stdin (or a worker, with ``--worker HOST PORT``)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    _exit_on_signals()
    from gevent import monkey

    monkey.patch_all()
    import gevent

    gevent.spawn(_exit_when_orphaned, os.getppid())
    if argv[:1] == ["--join"]:
        host, _, port = argv[1].rpartition(":")
        return _run_worker(host, int(port))
    from pytest_biothings_ready.probes.load.driver import run_plan

    result = run_plan(json.load(sys.stdin))
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


def _run_worker(host: str, port: int) -> int:
    import locust.runners
    from locust.env import Environment

    from pytest_biothings_ready.probes.load.redirects import guard_redirects
    from pytest_biothings_ready.probes.load.users import load_user_classes

    # Short runs need fresh numbers on the master: report every second, not every 3.
    locust.runners.WORKER_REPORT_INTERVAL = 1.0
    env = Environment(user_classes=[])
    runner = env.create_worker_runner(host, port)

    def on_plan(environment: Environment, msg: Any, **_kwargs: Any) -> None:
        guard_redirects(msg.data.get("credential_headers") or ())
        environment.user_classes = load_user_classes(msg.data)

    # Registered before this greenlet yields, so the plan cannot arrive unheard.
    runner.register_message(PLAN_MESSAGE, on_plan)
    runner.send_message(HELLO_MESSAGE, {"token": os.environ.get(TOKEN_VARIABLE, "")})
    runner.greenlet.join()
    return 0


def _exit_on_signals() -> None:
    # Stop at once: users die with the process, local workers notice they are orphaned
    # (and the parent kills the whole process group anyway).
    def stop(signum: int, _frame: Any) -> None:
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _exit_when_orphaned(parent: int) -> None:
    """A child whose parent died (pytest killed hard) must not keep loading the target."""
    import gevent

    while os.getppid() == parent:
        gevent.sleep(0.5)
    os._exit(3)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
