"""Debian's redis-server on a free loopback port, configured per test.

    with redis_server(tmp_path, "--requirepass", "s3cret") as port: ...

The server runs in its own folder (``--dir``), never daemonized, and is terminated on
exit.  Extra arguments are redis-server command-line options (``--maxmemory 64mb``).
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.binaries import require_binary
from tests.support.servers import TlsFiles, free_port, wait_for_port


def _wait_for_redis(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(64):
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"redis-server not ready on {port}: {log.read_text()[-2000:]}")


def _tls_options(port: int, tls: TlsFiles) -> list[str]:
    return [
        "--port", "0", "--tls-port", str(port), "--tls-cert-file", str(tls.cert_pem),
        "--tls-key-file", str(tls.key_pem), "--tls-ca-cert-file", str(tls.ca_pem),
        "--tls-auth-clients", "no",
    ]  # fmt: skip


@contextmanager
def redis_server(folder: Path, *options: str, tls: TlsFiles | None = None) -> Iterator[int]:
    """Run redis-server with ``options`` in ``folder`` on a free port; yield the port.

    With ``tls``, the port speaks TLS only (``rediss://``) with that certificate.
    """
    binary = require_binary("redis-server", "redis-server")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    listen = _tls_options(port, tls) if tls else ["--port", str(port)]
    argv = [binary, *listen, "--bind", "127.0.0.1", "--dir", str(folder)]
    argv += ["--daemonize", "no", "--save", "", "--appendonly", "no", *options]
    log = folder / "redis.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT)
        try:
            if tls:
                wait_for_port(port)
            else:
                _wait_for_redis(port, proc, log)
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
