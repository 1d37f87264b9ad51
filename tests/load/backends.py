"""Two static backends behind Debian's nginx, for failover tests.

Each backend is a separate ``python -m http.server`` process (so a hook can really
stop it with ``kill``) serving ``/api/health``; nginx balances over them and retries
the other one when a backend refuses connections, the way a production proxy does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.support.binaries import require_binary
from tests.support.nginx import run_nginx
from tests.support.servers import free_port, wait_for_port

UPSTREAMS = """
    upstream backends {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://backends;
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 1s;
        }}
    }}
"""


@dataclass(frozen=True)
class Backend:
    """One backend process.

    Attributes:
        port: its loopback port.
        pidfile: where its current process id is kept (the restore hook rewrites it).
        start: the shell command that starts it in the background.
    """

    port: int
    pidfile: Path
    start: str

    def kill_argv(self) -> list[str]:
        return ["sh", "-c", f"kill $(cat {self.pidfile})"]

    def restore_argv(self) -> list[str]:
        """Start it again, unless it still runs (then the pidfile must stay right)."""
        return ["sh", "-c", f"kill -0 $(cat {self.pidfile}) 2>/dev/null || ({self.start})"]


def _backend(root: Path) -> Backend:
    www = root / "www"
    (www / "api").mkdir(parents=True, exist_ok=True)
    (www / "api" / "health").write_text("ok\n")
    port = free_port()
    pidfile = root / f"backend-{port}.pid"
    start = (
        f"{sys.executable} -m http.server {port} --bind 127.0.0.1 --directory {www} "
        f">/dev/null 2>&1 & echo $! > {pidfile}"
    )
    backend = Backend(port, pidfile, start)
    subprocess.run(["sh", "-c", start], check=True)
    wait_for_port(port)
    return backend


def _stop(backend: Backend) -> None:
    with suppress(OSError, ValueError):
        pid = int(backend.pidfile.read_text())
        os.kill(pid, signal.SIGKILL)


@contextmanager
def behind_nginx(root: Path, count: int) -> Iterator[tuple[str, list[Backend]]]:
    """``count`` backends behind nginx; yields nginx's URL and the backends."""
    require_binary("nginx")  # before starting backends that would need stopping
    backends = [_backend(root) for _ in range(count)]
    port = free_port()
    servers = "\n".join(
        f"        server 127.0.0.1:{b.port} max_fails=1 fail_timeout=2s;" for b in backends
    )
    try:
        with run_nginx(root / "nginx", UPSTREAMS.format(servers=servers, port=port), [port]):
            yield f"http://127.0.0.1:{port}", backends
    finally:
        for backend in backends:
            _stop(backend)
