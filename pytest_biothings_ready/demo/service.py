"""Start and stop the demo reference service on free loopback ports.

::

    with DemoService() as settings:      # the [env.demo] settings dict
        ...                              # run the checklist against settings

:meth:`DemoService.start` generates a throwaway CA and server certificate (trustme),
secrets (JWT key, API key, passwords), binds the HTTPS and plain-HTTP listeners on
127.0.0.1 and returns the settings that describe them.  :meth:`DemoService.stop` is
idempotent and removes every trace.
"""

from __future__ import annotations

import importlib
import importlib.util
import secrets
import shutil
import socket
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["DemoService"]

HOST = "127.0.0.1"
START_TIMEOUT_S = 10.0
DEMO_USER = "demo"
DEMO_ADMIN = "admin"
LEAF_DAYS = 30


def _bind() -> socket.socket:
    # Binding here (instead of picking a port and letting uvicorn bind it later)
    # means no other process can take the port in between.  TCP_NODELAY is
    # inherited by accepted connections; without it every response waits ~40 ms
    # on Nagle plus delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((HOST, 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class _Listener:
    """One uvicorn server running in a thread on an already bound socket."""

    def __init__(self, app: Any, **options: Any) -> None:
        import uvicorn

        self.sock = _bind()
        self.port = int(self.sock.getsockname()[1])
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="off",
            server_header=False,
            ws="websockets-sansio",
            **options,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.sock]},
            name=f"demo-{self.port}",
            daemon=True,
        )

    def start(self) -> None:
        self.thread.start()

    def wait(self, deadline: float) -> None:
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"demo listener on {HOST}:{self.port} did not start")
            time.sleep(0.005)

    def signal_stop(self) -> None:
        """Ask the server to exit (returns at once; :meth:`stop` waits for it)."""
        self.server.should_exit = True

    def stop(self) -> None:
        self.signal_stop()
        if self.thread.is_alive():
            self.thread.join(timeout=START_TIMEOUT_S)
        self.sock.close()


class DemoService:
    """The bundled reference service: HTTPS API, HTTP redirect, WebSocket, metrics."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._listeners: list[_Listener] = []
        self._dns: Any = None
        self.settings: dict[str, Any] = {}

    def __enter__(self) -> dict[str, Any]:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> dict[str, Any]:
        """Start everything and return the ``[env.demo]`` settings."""
        if self.settings:
            return self.settings
        try:
            self.settings = self._start()
        except BaseException:
            self.stop()
            raise
        return self.settings

    def stop(self) -> None:
        """Stop the listeners and the DNS server, remove the temporary folder.

        Every listener is told to exit first, then each is joined: they shut down
        concurrently (uvicorn polls its exit flag every 0.1 s).
        """
        for listener in self._listeners:
            listener.signal_stop()
        dns, self._dns = self._dns, None
        stopping = threading.Thread(target=dns.stop, name="demo-dns-stop") if dns else None
        if stopping is not None:
            stopping.start()
        for listener in self._listeners:
            listener.stop()
        self._listeners = []
        if stopping is not None:
            stopping.join(timeout=START_TIMEOUT_S)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        self.settings = {}

    def _start(self) -> dict[str, Any]:
        from pytest_biothings_ready.demo.app import DemoConfig, build_app, redirect_app

        self._folder = Path(tempfile.mkdtemp(prefix="biothings-demo-"))
        ca_pem, cert_pem, key_pem = _write_tls_files(self._folder)
        users = {
            DEMO_USER: (secrets.token_urlsafe(12), "user"),
            DEMO_ADMIN: (secrets.token_urlsafe(12), "admin"),
        }
        config = DemoConfig(secrets.token_bytes(32), "demo-" + secrets.token_urlsafe(24), users)
        https = _Listener(build_app(config), ssl_certfile=str(cert_pem), ssl_keyfile=str(key_pem))
        plain = _Listener(redirect_app(f"https://{HOST}:{https.port}"))
        self._listeners = [https, plain]
        for listener in self._listeners:
            listener.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        for listener in self._listeners:
            listener.wait(deadline)
        settings = demo_settings(https.port, plain.port, ca_pem, config)
        settings.update(self._start_dns())
        return settings

    def _start_dns(self) -> dict[str, Any]:
        # pytest_biothings_ready.demo.dns belongs to the DNS family; without it the
        # demo simply declares no DNS expectations.
        if importlib.util.find_spec("pytest_biothings_ready.demo.dns") is None:
            return {}
        dns = importlib.import_module("pytest_biothings_ready.demo.dns")
        self._dns = dns.start_dns_server({"demo.test.": [HOST]})
        return {
            "dns": {"demo.test": [HOST]},
            "dns_resolver": self._dns.host,
            "dns_port": self._dns.port,
        }


def _write_tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for the loopback names."""
    import trustme

    # Issued by a machine at every start, so short-lived like an ACME certificate
    # (and still well above the default cert_min_days).
    now = datetime.now(UTC)
    ca = trustme.CA()
    leaf = ca.issue_cert(
        HOST,
        "localhost",
        "demo.test",
        not_before=now - timedelta(minutes=5),
        not_after=now + timedelta(days=LEAF_DAYS),
    )
    ca_pem, cert_pem, key_pem = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    leaf.private_key_pem.write_to_path(str(key_pem))
    for index, blob in enumerate(leaf.cert_chain_pems):
        blob.write_to_path(str(cert_pem), append=index > 0)
    return ca_pem, cert_pem, key_pem


def demo_settings(https_port: int, http_port: int, ca_pem: Path, config: Any) -> dict[str, Any]:
    """The ``[env.demo]`` settings describing a running instance."""
    from pytest_biothings_ready.demo.app import CORS_ORIGIN
    from pytest_biothings_ready.demo.journeys import journeys, smoke_requests
    from pytest_biothings_ready.probes.static.demo import demo_static_settings

    base = f"https://{HOST}:{https_port}"
    user_password = config.users[DEMO_USER][0]
    admin_password = config.users[DEMO_ADMIN][0]
    return {
        "base_url": base,
        "http_url": f"http://{HOST}:{http_port}",
        "health_path": "/api/health",
        "websocket_url": f"wss://{HOST}:{https_port}/ws",
        "metrics_url": f"{base}/metrics",
        "ca_bundle": str(ca_pem),
        "timeout_s": 3.0,
        "production": False,
        "cors_allowed_origins": [CORS_ORIGIN],
        "allowed_ports": [https_port, http_port],
        # Loopback is shared with whatever else runs on this machine: scan only the
        # demo's own ports, not the well-known list (which belongs to the host).
        "ports": {"scan": []},
        "secrets": {
            "GOOGLE_API_KEY": config.api_key,
            "DEMO_USER_PASSWORD": user_password,
            "DEMO_ADMIN_PASSWORD": admin_password,
        },
        "smoke": smoke_requests(),
        "journey": journeys(DEMO_USER, user_password, config.api_key),
        "frontend_url": f"{base}/",
        "caching": {"paths": ["/api/agents"]},
        "websocket": {
            "realtime_send": '{"type": "ping", "id": 7}',
            "realtime_expect": '"type": "pong"',
        },
        # A path of its own for the burst, so that it does not starve other probes.
        "rate_limit": {"path": "/api/search", "seconds": 2.0, "recovery_s": 3.0},
        "auth": {
            "login_path": "/api/login",
            "username": DEMO_USER,
            "password": user_password,
            "protected_path": "/api/me",
        },
        "roles": _roles(user_password, admin_password),
        "llm": {"base_url": f"{base}/v1beta"},
        # the bundled deployment repository (Dockerfile, compose, manifests, reports)
        **demo_static_settings(),
    }


def _roles(user_password: str, admin_password: str) -> list[dict[str, Any]]:
    """``[[env.demo.roles]]``: the user may read its profile, only the admin /api/admin."""
    user = {"username": DEMO_USER, "password": user_password}
    admin = {"username": DEMO_ADMIN, "password": admin_password}
    return [
        {"name": "user", **user, "path": "/api/me", "expect_status": 200},
        {"name": "user", **user, "path": "/api/admin", "expect_status": 403},
        {"name": "admin", **admin, "path": "/api/admin", "expect_status": 200},
    ]
