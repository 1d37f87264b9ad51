"""*Database credentials are secure*, live: real PostgreSQL clusters and their pg_hba.conf."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.datastores.postgres.credentials import HbaRule
from tests.support.evaluate import judge
from tests.support.postgres import SUPERUSER_PASSWORD, Cluster, give_to_postgres, postgres_cluster
from tests.support.servers import free_port, make_tls_files

LINE = "Database credentials are secure (if using external DB)"
LOCAL = "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A cluster holding a server certificate (ssl still off until a test turns it on)."""
    with postgres_cluster() as pg:
        tls = make_tls_files(tmp_path_factory.mktemp("pgtls"))
        for source, name in ((tls.cert_pem, "server.crt"), (tls.key_pem, "server.key")):
            target = pg.folder / name
            shutil.copy(source, target)
            target.chmod(0o600)
            give_to_postgres(target)
        yield pg


def _configure(pg: Cluster, hba: str, ssl: bool) -> None:
    hba_file = Path(pg.folder, "pg_hba.conf")
    hba_file.write_text(hba)
    pg.execute(f"ALTER SYSTEM SET ssl = {'on' if ssl else 'off'}", "SELECT pg_reload_conf()")


def _clean_repository(root: Path) -> dict[str, object]:
    """Settings naming a repository whose code reads the database URL from the environment."""
    (root / "settings.py").write_text('import os\nDATABASE_URL = os.environ["DATABASE_URL"]\n')
    return {"source_paths": ["settings.py"]}


def _verdict(pg: Cluster, hba: str, ssl: bool, root: Path) -> Verdict:
    _configure(pg, LOCAL + hba, ssl)
    settings = {"database_url": pg.url(), "timeout_s": 3, **_clean_repository(root)}
    verdict = judge(LINE, settings, root=root)
    assert SUPERUSER_PASSWORD not in verdict.evidence
    return verdict


def test_a_trust_rule_for_every_address_fails(cluster: Cluster, tmp_path: Path) -> None:
    verdict = _verdict(cluster, "host all all 0.0.0.0/0 trust\n", ssl=True, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "no password at all" in verdict.evidence


def test_a_cleartext_password_rule_over_tls_fails(cluster: Cluster, tmp_path: Path) -> None:
    verdict = _verdict(cluster, "hostssl all all 10.0.0.0/8 password\n", ssl=True, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "a cleartext password" in verdict.evidence


def test_a_scram_rule_that_allows_plain_tcp_fails(cluster: Cluster, tmp_path: Path) -> None:
    verdict = _verdict(cluster, "host all all 0.0.0.0/0 scram-sha-256\n", ssl=True, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "without TLS" in verdict.evidence


def test_hostssl_rules_with_ssl_off_fail(cluster: Cluster, tmp_path: Path) -> None:
    verdict = _verdict(
        cluster, "hostssl all all 0.0.0.0/0 scram-sha-256\n", ssl=False, root=tmp_path
    )
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "SSL is disabled" in verdict.evidence or "ssl is off" in verdict.evidence


def test_hostssl_with_scram_and_ssl_on_passes(cluster: Cluster, tmp_path: Path) -> None:
    hba = "hostssl all all 0.0.0.0/0 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n"
    verdict = _verdict(cluster, hba, ssl=True, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "every non-local rule is hostssl with scram-sha-256" in verdict.evidence


def test_a_cluster_accepting_only_local_connections_passes(
    cluster: Cluster, tmp_path: Path
) -> None:
    verdict = _verdict(cluster, "host all all ::1/128 scram-sha-256\n", ssl=False, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "accepts no non-local connection" in verdict.evidence


def test_a_role_that_cannot_read_the_rules_is_an_error(cluster: Cluster) -> None:
    _configure(cluster, LOCAL, ssl=True)
    cluster.execute("DROP ROLE IF EXISTS plain", "CREATE ROLE plain LOGIN PASSWORD 'plain-pw-1'")
    url = cluster.url("plain", "plain-pw-1")
    verdict = judge(LINE, {"database_url": url, "timeout_s": 3})
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "GRANT SELECT ON pg_hba_file_rules" in verdict.evidence


def test_an_unreachable_database_is_an_error() -> None:
    url = f"postgresql://app:pw@127.0.0.1:{free_port()}/app"
    verdict = judge(LINE, {"database_url": url, "timeout_s": 2})
    assert verdict.status is Status.ERROR, verdict.evidence


def test_without_database_url_a_clean_repository_passes_on_the_static_check(
    tmp_path: Path,
) -> None:
    verdict = judge(LINE, _clean_repository(tmp_path), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "no database credential literal" in verdict.evidence
    assert "database_url" not in verdict.evidence


def test_without_database_url_a_leaked_password_fails_on_the_static_check(
    tmp_path: Path,
) -> None:
    (tmp_path / "settings.py").write_text(
        'DATABASE_URL = "postgresql://app:Sup3rS3cretPw9@db.internal:5432/app"\n'
    )
    verdict = judge(LINE, {"source_paths": ["settings.py"]}, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "Sup3rS3cretPw9" not in verdict.evidence


def test_with_database_url_a_live_failure_outweighs_a_clean_repository(
    cluster: Cluster, tmp_path: Path
) -> None:
    verdict = _verdict(cluster, "host all all 0.0.0.0/0 trust\n", ssl=False, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence


@pytest.mark.parametrize(
    ("address", "netmask", "local"),
    [
        ("127.0.0.1", "255.255.255.255", True),
        ("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", True),
        ("0.0.0.0", "0.0.0.0", False),
        ("127.0.0.0", "0.0.0.0", False),
        ("samehost", None, True),
        ("all", None, False),
        ("db.example.org", None, False),
    ],
)
def test_which_rules_are_local(address: str, netmask: str | None, local: bool) -> None:
    rule = HbaRule(1, "host", "all", "all", address, netmask, "trust", None)
    assert rule.local is local
