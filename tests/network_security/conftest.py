"""Fixtures of the security probe tests: hostile sockets and Debian's nginx."""

from __future__ import annotations

import socket
import socketserver
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.binaries import require_binary
from tests.support.servers import free_port, wait_for_port

NGINX_CONF = """
daemon off;
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
    limit_req_zone $binary_remote_addr zone=api:1m rate=20r/s;
    limit_req_status 429;
    server {{
        listen 127.0.0.1:{port};
        # A content handler, not `return`: return runs in the rewrite phase, before
        # limit_req would see the request.
        location /api/ {{
            limit_req zone=api burst=10 nodelay;
            empty_gif;
        }}
    }}
}}
"""


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose kernel accepts connections that nobody ever answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield int(sock.getsockname()[1])


class _Garbage(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.recv(4096)
        self.request.sendall(b"\x00\xffSSH-2.0-not-http\r\n\r\n")


@pytest.fixture
def garbage_port() -> Iterator[int]:
    """A port that answers every connection with non-HTTP bytes and closes."""
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Garbage) as server:
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield int(server.server_address[1])
        finally:
            server.shutdown()
            thread.join(timeout=5)


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening."""
    return free_port()


@pytest.fixture
def nginx_rate_limited(tmp_path: Path) -> Iterator[str]:
    """Debian's nginx on loopback with limit_req (20 r/s, burst 10) answering 429."""
    binary = require_binary("nginx")
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=tmp_path, port=port))
    with (tmp_path / "stderr.log").open("wb") as log:
        process = subprocess.Popen(
            [binary, "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(conf)],
            stdout=log,
            stderr=log,
        )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
