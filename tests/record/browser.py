"""Drive Debian's headless Chromium over the DevTools protocol (no browser download).

``open_page(path)`` starts ``chromium --headless=new --remote-debugging-port=0`` with a
throwaway profile, reads the port from ``DevToolsActivePort``, attaches to one page
over a single websocket and records console errors, uncaught exceptions and every
network request while it loads the file.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.support.binaries import require_binary

STARTUP_S = 30.0
CALL_S = 15.0


@dataclass
class Page:
    """One page attached over CDP, and what it reported."""

    ws: ClientConnection
    session: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    _next: int = 0

    def call(self, method: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        """Send a command (to the page unless ``browser=True``) and return its result."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if self.session and not kw.get("browser"):
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + CALL_S
        while True:
            data = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if data.get("id") == self._next:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})
            self.events.append(data)

    def wait_for(self, event: str) -> dict[str, Any]:
        """The first ``event`` (already received or arriving within the call timeout)."""
        deadline = time.monotonic() + CALL_S
        while True:
            for data in self.events:
                if data.get("method") == event:
                    return data
            data = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            self.events.append(data)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """A full-page PNG at ``path``."""
        shot = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def console_errors(self) -> list[str]:
        """Uncaught exceptions, console.error calls and error log entries so far."""
        found = []
        for data in self.events:
            method, params = data.get("method"), data.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(str(params["exceptionDetails"]))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                found.append(str(params.get("args")))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(str(params["entry"].get("text")))
        return found

    def requested_urls(self) -> list[str]:
        """Every URL the page requested while loading."""
        return [
            d["params"]["request"]["url"]
            for d in self.events
            if d.get("method") == "Network.requestWillBeSent"
        ]


def _port(profile: Path, process: subprocess.Popen[bytes]) -> tuple[int, str]:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if marker.is_file():
            lines = marker.read_text().split()
            if len(lines) == 2:
                return int(lines[0]), lines[1]
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with {process.returncode}")
        time.sleep(0.05)
    raise RuntimeError("chromium did not open its DevTools port")


@contextlib.contextmanager
def open_page(path: Path, tmp: Path, width: int = 1400, height: int = 1000) -> Iterator[Page]:
    """Chromium with ``path`` loaded; the page's events recorded from before loading."""
    binary = require_binary("chromium")
    profile = tmp / "chromium-profile"
    profile.mkdir()
    process = subprocess.Popen(
        [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port, browser_path = _port(profile, process)
        with connect(f"ws://127.0.0.1:{port}{browser_path}", max_size=None, proxy=None) as ws:
            page = Page(ws)
            target = page.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            attached = page.call("Target.attachToTarget", {"targetId": target, "flatten": True})
            page.session = attached["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                page.call(f"{domain}.enable")
            page.call("Page.navigate", {"url": path.resolve().as_uri()})
            page.wait_for("Page.loadEventFired")
            yield page
            with contextlib.suppress(Exception):
                page.call("Browser.close", browser=True)
    finally:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
