"""Debian's nginx on loopback for tests: the common skeleton, start, wait, stop.

    port = free_port()
    body = f"server {{ listen 127.0.0.1:{port}; location / {{ return 204; }} }}"
    with run_nginx(tmp_path, body, [port]) as nginx: ...

The caller writes only what goes inside ``http { ... }`` (server blocks,
``limit_req_zone``, ...); the daemon, pid, log and temp-path directives that every
test nginx needs are written around it here.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.binaries import require_binary
from tests.support.servers import wait_for_port

# One process (no master, no daemon) so that terminate() stops all of nginx and
# its exit status is the one we check.
SKELETON = """
daemon off;
master_process off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
{body}
}}
"""

# nginx exits 0 on SIGTERM; -SIGTERM if the signal hit before its handler was set.
CLEAN_EXITS = (0, -signal.SIGTERM)


@dataclass(frozen=True)
class Nginx:
    """A running nginx.

    Attributes:
        folder: its prefix: nginx.conf, nginx.pid, error.log and temp folders.
        ports: the loopback ports it was waited on, in the order given.
        error_log: where it writes its errors (and its stderr).
    """

    folder: Path
    ports: tuple[int, ...]
    error_log: Path


@contextmanager
def run_nginx(folder: Path, http_body: str, ports: Iterable[int]) -> Iterator[Nginx]:
    """Run nginx with ``http_body`` inside the skeleton until every port accepts.

    On exit nginx is terminated and must exit cleanly; its error log is shown if
    it does not (or if a port never opens).
    """
    binary = require_binary("nginx")
    folder.mkdir(parents=True, exist_ok=True)
    nginx = Nginx(folder, tuple(ports), folder / "error.log")
    conf = folder / "nginx.conf"
    conf.write_text(SKELETON.format(root=folder, body=http_body))
    with nginx.error_log.open("ab") as log:  # startup errors come before error_log applies
        process = subprocess.Popen(
            [binary, "-e", str(nginx.error_log), "-p", str(folder), "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        _wait(process, nginx)
        yield nginx
    finally:
        process.terminate()
        code = process.wait(timeout=10)
    # After the finally, so a failure inside the block is not masked by this one.
    assert code in CLEAN_EXITS, f"nginx exited with {code}:\n{_log(nginx)}"


def _wait(process: subprocess.Popen[bytes], nginx: Nginx, timeout: float = 10.0) -> None:
    # Short waits in a loop so that an nginx that died (bad config) fails at once.
    deadline = time.monotonic() + timeout
    for port in nginx.ports:
        while True:
            try:
                wait_for_port(port, timeout=0.1)
                break
            except TimeoutError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise TimeoutError(
                        f"nginx does not listen on 127.0.0.1:{port} "
                        f"(exit code {process.poll()}):\n{_log(nginx)}"
                    ) from None


def _log(nginx: Nginx) -> str:
    return nginx.error_log.read_text(errors="replace") or "(error log empty)"
