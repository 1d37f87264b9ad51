"""``python -m pytest_biothings_ready.demo``: run the demo service until Ctrl-C."""

from __future__ import annotations

import threading

from pytest_biothings_ready.demo.service import DemoService


def main() -> None:
    """Start the service, print where it listens, wait for Ctrl-C."""
    with DemoService() as settings:
        for key in ("base_url", "http_url", "websocket_url", "metrics_url", "ca_bundle"):
            print(f"{key:14} {settings[key]}")
        print("Ctrl-C stops the demo service.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print()


if __name__ == "__main__":
    main()
