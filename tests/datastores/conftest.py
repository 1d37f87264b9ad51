"""Two PostgreSQL clusters for the module: stock settings, and tuned for monitoring."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.support.postgres import Cluster, postgres_cluster

APP_PASSWORD = "app-password-Zq81x"


def _with_app_role(cluster: Cluster) -> Cluster:
    cluster.execute(f"CREATE ROLE app LOGIN PASSWORD '{APP_PASSWORD}'")
    return cluster


@pytest.fixture(scope="module")
def stock_postgres() -> Iterator[Cluster]:
    """A cluster with PostgreSQL's default settings and a login role ``app``."""
    with postgres_cluster() as cluster:
        yield _with_app_role(cluster)


@pytest.fixture(scope="module")
def tuned_postgres() -> Iterator[Cluster]:
    """pg_stat_statements preloaded and statements over 200 ms logged."""
    settings = {
        "shared_preload_libraries": "pg_stat_statements",
        "log_min_duration_statement": "200",
    }
    with postgres_cluster(settings) as cluster:
        yield _with_app_role(cluster)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        accepted: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            listener.settimeout(0.1)
            while not stop.is_set():
                try:
                    accepted.append(listener.accept()[0])
                except OSError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        yield int(listener.getsockname()[1])
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
