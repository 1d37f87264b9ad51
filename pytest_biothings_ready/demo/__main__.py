"""``python -m pytest_biothings_ready.demo``: run the demo service until Ctrl-C."""

from __future__ import annotations

import signal
import threading

from pytest_biothings_ready.demo.service import DemoService


def main() -> None:
    """Start the service, print where it listens, run until Ctrl-C or SIGTERM."""
    stop = threading.Event()
    # Handlers of our own: SIGTERM should clean up too, and a shell that started us
    # in the background may have left SIGINT ignored.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with DemoService() as settings:
        for key in ("base_url", "http_url", "websocket_url", "metrics_url", "ca_bundle"):
            print(f"{key:14} {settings[key]}", flush=True)
        print("Ctrl-C stops the demo service.", flush=True)
        stop.wait()
    print("demo service stopped.")


if __name__ == "__main__":
    main()
