"""A headless Chromium process and a DevTools-protocol session over its WebSocket.

Only the standard library and ``websockets`` (a core dependency) are used: the
browser is Debian's (or any Chrome), started with a throwaway profile and killed on
exit.  :class:`DevTools` sends commands and hands every event to a callback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError

if TYPE_CHECKING:
    from websockets.sync.client import ClientConnection

__all__ = ["DevTools", "find_browser", "launch"]

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--remote-debugging-port=0",
)

Event = Callable[[str, dict[str, Any], str | None], None]


def find_browser(configured: str | None) -> str:
    """The browser executable: ``browser.binary``, else the first candidate on PATH."""
    found = [configured] if configured else [shutil.which(c) for c in CANDIDATES]
    for path in found:
        if path and os.access(path, os.X_OK):
            return path
    wanted = configured or " or ".join(CANDIDATES)
    raise ProbeError(f"no browser to run: {wanted} not found (apt-get install chromium)")


def _devtools_url(proc: subprocess.Popen[bytes], profile: Path, timeout: float) -> str:
    """The browser's WebSocket URL, from the ``DevToolsActivePort`` file it writes.

    (Reading it from stderr would leave a pipe nobody drains once the URL is known.)
    """
    active = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        lines = active.read_text().splitlines() if active.exists() else []
        if len(lines) >= 2:
            return f"ws://127.0.0.1:{lines[0].strip()}{lines[1].strip()}"
        time.sleep(0.02)
    state = f"exited with {proc.returncode}" if proc.poll() is not None else "still starting"
    raise ProbeError(f"the browser did not open its DevTools endpoint in {timeout:g} s ({state})")


@contextmanager
def launch(binary: str, timeout: float, *extra: str) -> Iterator[str]:
    """Start ``binary`` headless with a fresh profile; yield its DevTools WebSocket URL."""
    profile = Path(tempfile.mkdtemp(prefix="ready-chromium-"))
    flags = [*FLAGS, f"--user-data-dir={profile}", *extra]
    if os.geteuid() == 0:  # Chromium's sandbox refuses to run as root
        flags.append("--no-sandbox")
    proc = subprocess.Popen(
        [binary, *flags, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield _devtools_url(proc, profile, max(timeout, 10.0))
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


class DevTools:
    """One WebSocket to the browser; commands by id, events to ``on_event``."""

    def __init__(self, socket: ClientConnection, on_event: Event) -> None:
        self._socket = socket
        self._on_event = on_event
        self._next = 0

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait (bounded) for its answer, dispatching events meanwhile."""
        self.post(method, params or {}, session)
        wanted, deadline = self._next, time.monotonic() + 10.0
        while True:
            reply = self._receive(deadline - time.monotonic())
            if reply is None:
                raise ProbeError(f"the browser did not answer {method}")
            if reply.get("id") == wanted:
                if "error" in reply:
                    raise ProbeError(f"{method}: {reply['error'].get('message')}")
                return dict(reply.get("result") or {})

    def post(self, method: str, params: dict[str, Any], session: str | None = None) -> None:
        """Send a command without waiting for its answer (safe inside an event callback)."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._socket.send(json.dumps(message))

    def pump(self, seconds: float) -> None:
        """Dispatch events for up to ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._receive(deadline - time.monotonic())

    def _receive(self, seconds: float) -> dict[str, Any] | None:
        if seconds <= 0:
            return None
        try:
            raw = self._socket.recv(timeout=seconds)
        except TimeoutError:
            return None
        message: dict[str, Any] = json.loads(raw)
        if "method" in message:
            self._on_event(message["method"], message.get("params") or {}, message.get("sessionId"))
        return message
