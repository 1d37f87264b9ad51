"""Fixtures of the HTTP, web and WebSocket probe tests: nginx and hostile sockets."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.nginx import run_nginx
from tests.support.servers import TlsFiles, free_port, make_tls_files

# The http{} content: an HTTPS server and a plain-HTTP one (see the nginx fixture).
SERVERS = """
    server_tokens {tokens};
    server {{
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        {hsts}
        location / {{ return 200 "ok\\n"; }}
    }}
    server {{
        listen 127.0.0.1:{http_port};
        location / {{ {plain} }}
    }}
"""

# The plain-HTTP server's behaviour as nginx directives ({https}: https origin, {port}: its port).
REDIRECT = "return 301 {https}$request_uri;"


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    """A trustme CA and a loopback server certificate on disk."""
    return make_tls_files(tmp_path / "tls")


NginxFactory = Callable[..., tuple[str, str]]


@pytest.fixture
def nginx(tmp_path: Path, tls: TlsFiles) -> Iterator[NginxFactory]:
    """Start Debian's nginx with a given plain-HTTP behaviour and HSTS header.

    ``nginx(plain=REDIRECT, hsts="max-age=31536000", tokens="off")`` returns the
    (https_url, http_url) pair.
    """
    with ExitStack() as running:

        def start(
            plain: str = REDIRECT, hsts: str | None = "max-age=31536000", tokens: str = "off"
        ) -> tuple[str, str]:
            https_port, http_port = free_port(), free_port()
            https = f"https://127.0.0.1:{https_port}"
            header = f'add_header Strict-Transport-Security "{hsts}" always;' if hsts else ""
            body = SERVERS.format(
                https_port=https_port,
                http_port=http_port,
                cert=tls.cert_pem,
                key=tls.key_pem,
                hsts=header,
                tokens=tokens,
                plain=plain.replace("{https}", https).replace("{port}", str(https_port)),
            )
            folder = tmp_path / f"nginx-{https_port}"  # one prefix each: pid, logs, temp
            running.enter_context(run_nginx(folder, body, (https_port, http_port)))
            return https, f"http://127.0.0.1:{http_port}"

        yield start


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose kernel accepts connections that nobody ever answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield int(sock.getsockname()[1])


@pytest.fixture
def garbage_port() -> Iterator[int]:
    """A port that answers every connection with bytes that are not HTTP."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"\x00\xffSSH-2.0-garbage\r\n\x01\x02 not http at all\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=5)
    server.close()
