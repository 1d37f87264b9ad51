"""Debian's PostgreSQL on a free loopback port: initdb in a temporary folder, as postgres.

    with postgres_cluster({"shared_preload_libraries": "pg_stat_statements"}) as pg:
        pg.url("app", "secret", "appdb")        # postgresql://app:secret@127.0.0.1:PORT/appdb
        pg.execute("CREATE ROLE app LOGIN PASSWORD 'secret'")

The cluster is created by ``initdb`` run as the ``postgres`` user (PostgreSQL refuses
to run as root), listens on 127.0.0.1 only, takes passwords (scram) over TCP, and is
stopped and deleted on exit.  ``settings`` become ``-c name=value`` server options.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.binaries import require_binary
from tests.support.servers import free_port

SUPERUSER_PASSWORD = "superuser-test-password"


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        require_binary("initdb", "postgresql")  # skips, or fails in CI
    return Path(found[-1]).parent


def give_to_postgres(path: Path) -> None:
    """As root, hand ``path`` to the postgres user (the servers run as it); else nothing."""
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def _as_postgres(argv: list[str], log: Path) -> None:
    runuser = require_binary("runuser", "util-linux")
    prefix = [runuser, "-u", "postgres", "--"] if os.geteuid() == 0 else []
    with log.open("ab") as sink:
        done = subprocess.run(prefix + argv, stdout=sink, stderr=subprocess.STDOUT, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {log.read_text()[-2000:]}")


@dataclass(frozen=True)
class Cluster:
    """A running cluster.

    Attributes:
        port: its TCP port on 127.0.0.1.
        folder: the data directory.
    """

    port: int
    folder: Path

    def url(
        self, user: str = "postgres", password: str = SUPERUSER_PASSWORD, db: str = "postgres"
    ) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{db}"

    def execute(self, *statements: str, db: str = "postgres") -> None:
        """Run ``statements`` as the superuser, autocommit, and disconnect (flushing stats)."""
        import psycopg

        with psycopg.connect(self.url(db=db), autocommit=True, connect_timeout=5) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]
            # statistics reach pg_stat_* before this answer (PostgreSQL 15+)
            conn.execute("SELECT pg_stat_force_next_flush()")
            conn.execute("SELECT 1")


@contextmanager
def postgres_cluster(settings: Mapping[str, str] | None = None) -> Iterator[Cluster]:
    """Create, start, yield, then stop and delete a cluster."""
    pytest.importorskip("psycopg")
    bindir = _bindir()
    folder = Path(tempfile.mkdtemp(prefix="ready-pg-"))
    give_to_postgres(folder)
    data, log = folder / "data", folder / "server.log"
    pwfile = folder / "pw"
    pwfile.write_text(SUPERUSER_PASSWORD + "\n")
    give_to_postgres(pwfile)
    log.touch()
    give_to_postgres(log)
    port = free_port()
    options = [f"-p {port}", f"-k {folder}", "-c listen_addresses=127.0.0.1"]
    options += [f"-c {k}={v}" for k, v in (settings or {}).items()]
    try:
        _as_postgres(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                f"--pwfile={pwfile}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-N",
            ],
            folder / "initdb.log",
        )
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-o",
                " ".join(options),
                "-w",
                "-t",
                "30",
                "start",
            ],
            folder / "pg_ctl.log",
        )
        try:
            yield Cluster(port, data)
        finally:
            _as_postgres(
                [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                folder / "pg_ctl.log",
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
