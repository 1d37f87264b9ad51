"""Run by test_interrupt.py in its own process: a long load run, then Ctrl-C.

Prints the locust child's pid, then interrupts itself the way a terminal Ctrl-C
would (SIGINT to the main thread, which is waiting for the evidence).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.probes.load import process
from tests.load import apps
from tests.load.settings import load_settings
from tests.support.evaluate import environment
from tests.support.servers import serve_asgi


def interrupt_when_running() -> None:
    deadline = time.monotonic() + 20
    while not process._LIVE and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # let the load start
    print(" ".join(str(p.pid) for p in process._LIVE), flush=True)
    os.kill(os.getpid(), signal.SIGINT)


with serve_asgi(apps.fast()) as url:
    store = EvidenceStore(environment(load_settings(url, duration_s=60)))
    threading.Thread(target=interrupt_when_running, daemon=True).start()
    try:
        store.get("load")
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
