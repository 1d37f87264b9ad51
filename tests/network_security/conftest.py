"""Fixtures of the security probe tests: hostile sockets and Debian's nginx."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.nginx import run_nginx
from tests.support.servers import free_port

# The http{} content of nginx_rate_limited.
RATE_LIMITED = """
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
    port = free_port()
    with run_nginx(tmp_path, RATE_LIMITED.format(port=port), [port]):
        yield f"http://127.0.0.1:{port}"
