"""Debian's PgBouncer on a free loopback port, in front of a test cluster.

    with pgbouncer(cluster, {"appdb": "appdb"}, pool_size=10) as pooler:
        pooler.admin_url        # postgresql://admin:...@127.0.0.1:PORT/pgbouncer
        pooler.url("appdb")     # the pooled database, as the application connects

PgBouncer refuses to run as root, so it runs as ``postgres`` (like the cluster), from
a temporary folder deleted on exit.  Clients authenticate with plain passwords from
its auth file; it reaches the cluster as the superuser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.binaries import require_binary
from tests.support.postgres import SUPERUSER_PASSWORD, Cluster, give_to_postgres
from tests.support.servers import free_port, wait_for_port

ADMIN_PASSWORD = "pooler-admin-password-51"


@dataclass(frozen=True)
class Pooler:
    """A running PgBouncer.  Attributes: port; admin_url: its admin console."""

    port: int
    admin_url: str

    def url(self, database: str) -> str:
        return f"postgresql://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{self.port}/{database}"


def _ini(cluster: Cluster, databases: dict[str, str], folder: Path, port: int, pool: int) -> str:
    lines = ["[databases]"]
    lines += [
        f"{alias} = host=127.0.0.1 port={cluster.port} dbname={name} "
        f"user=postgres password={SUPERUSER_PASSWORD}"
        for alias, name in databases.items()
    ]
    lines += [
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        f"unix_socket_dir = {folder}",
        "auth_type = plain",
        f"auth_file = {folder / 'users.txt'}",
        "admin_users = admin",
        "pool_mode = transaction",
        f"default_pool_size = {pool}",
        "max_client_conn = 200",
        f"logfile = {folder / 'pgbouncer.log'}",
        f"pidfile = {folder / 'pgbouncer.pid'}",
    ]
    return "\n".join(lines) + "\n"


@contextmanager
def pgbouncer(cluster: Cluster, databases: dict[str, str], pool_size: int = 10) -> Iterator[Pooler]:
    """Run PgBouncer pooling ``databases`` (alias -> database) of ``cluster``."""
    binary = require_binary("pgbouncer", "pgbouncer")
    folder = Path(tempfile.mkdtemp(prefix="ready-pgbouncer-"))
    port = free_port()
    users = f'"admin" "{ADMIN_PASSWORD}"\n"postgres" "{SUPERUSER_PASSWORD}"\n'
    (folder / "users.txt").write_text(users)
    (folder / "pgbouncer.ini").write_text(_ini(cluster, databases, folder, port, pool_size))
    for path in (folder, *folder.iterdir()):
        give_to_postgres(path)
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    proc = subprocess.Popen(
        [*prefix, binary, str(folder / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield Pooler(port, f"postgresql://admin:{ADMIN_PASSWORD}@127.0.0.1:{port}/pgbouncer")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
