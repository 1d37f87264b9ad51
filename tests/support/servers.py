"""Real servers on loopback for tests: ASGI apps under uvicorn, TLS from trustme.

    with serve_asgi(app) as url: ...                      # http://127.0.0.1:PORT
    with serve_asgi(app, tls=ca_cert) as url: ...         # https://127.0.0.1:PORT

``TlsFiles`` holds a trustme CA and a server certificate for 127.0.0.1/localhost
written to disk (uvicorn and nginx want files).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme
import uvicorn


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, host: str = "127.0.0.1", timeout: float = 10.0) -> None:
    """Block until something accepts on ``host:port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout} s")


@dataclass(frozen=True)
class TlsFiles:
    """A CA and a server certificate on disk.

    Attributes:
        ca: the trustme CA (to issue more certificates).
        ca_pem: the CA certificate, for ``ca_bundle``.
        cert_pem: the server chain (leaf first).
        key_pem: the server key.
    """

    ca: trustme.CA
    ca_pem: Path
    cert_pem: Path
    key_pem: Path


def make_tls_files(folder: Path, *hostnames: str) -> TlsFiles:
    """A fresh CA and a server certificate for ``hostnames`` (default loopback)."""
    ca = trustme.CA()
    leaf = ca.issue_cert(*(hostnames or ("127.0.0.1", "localhost", "::1")))
    folder.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(ca, folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    ca.cert_pem.write_to_path(str(files.ca_pem))
    leaf.private_key_pem.write_to_path(str(files.key_pem))
    leaf.cert_chain_pems[0].write_to_path(str(files.cert_pem))
    for extra in leaf.cert_chain_pems[1:]:
        extra.write_to_path(str(files.cert_pem), append=True)
    return files


@contextmanager
def serve_asgi(app: Any, tls: TlsFiles | None = None, **config: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread on a free loopback port; yield its URL."""
    port = free_port()
    options: dict[str, Any] = {"log_level": "warning", "lifespan": "off", **config}
    if tls is not None:
        options.update(ssl_certfile=str(tls.cert_pem), ssl_keyfile=str(tls.key_pem))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not server.started:
            raise RuntimeError("uvicorn did not start")
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
