"""What the pytest process, the locust child, its master and its workers agree on.

Plain constants and one stderr helper, with no locust import, so that the child's
entry point (:mod:`.worker`), its driver (:mod:`.driver`) and the parent
(:mod:`.process`) share them without importing each other.
"""

from __future__ import annotations

import sys

__all__ = [
    "HELLO_MESSAGE",
    "PHASE_MARK",
    "PLAN_MESSAGE",
    "PROGRESS_PREFIX",
    "RESULT_PREFIX",
    "TOKEN_VARIABLE",
    "progress",
]

RESULT_PREFIX = "READY-RESULT "
PROGRESS_PREFIX = "[ready-load] "
PLAN_MESSAGE = "ready_plan"
# A worker's first message: the join token; the master sends the plan only to workers
# that presented it, and a run with any other worker is void.
HELLO_MESSAGE = "ready_hello"
# Environment variable holding the join token of a worker (never argv: ps shows argv).
TOKEN_VARIABLE = "READY_LOAD_WORKER_TOKEN"
PHASE_MARK = "phase started: "  # the parent times failover hooks and samples from it


def progress(text: str) -> None:
    """One progress line on stderr; the parent relays it to the terminal."""
    sys.stderr.write(PROGRESS_PREFIX + text + "\n")
    sys.stderr.flush()
