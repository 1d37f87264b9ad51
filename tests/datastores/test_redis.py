"""'Redis configured for session/data caching' against real redis-server processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_biothings_ready.model import Status
from tests.support.evaluate import judge
from tests.support.redis import redis_server
from tests.support.servers import free_port, make_tls_files, serve_asgi

LINE = "Redis configured for session/data caching"
PASSWORD = "correct-horse-battery-staple"
SECURED_CACHE = ("--requirepass", PASSWORD, "--maxmemory", "64mb")
LRU = ("--maxmemory-policy", "allkeys-lru")


def _verdict(port: int, password: str | None = PASSWORD, **extra: Any) -> Any:
    auth = f":{password}@" if password else ""
    return judge(LINE, {"redis_url": f"redis://{auth}127.0.0.1:{port}/0", "timeout_s": 2, **extra})


def test_an_open_redis_fails_even_when_its_cache_settings_are_right(tmp_path: Path) -> None:
    with redis_server(tmp_path, "--maxmemory", "64mb", *LRU) as port:
        verdict = _verdict(port, password=None)
    assert verdict.status is Status.FAILED
    assert "without credentials was answered" in verdict.evidence


def test_a_secured_cache_with_a_memory_limit_and_eviction_passes(tmp_path: Path) -> None:
    with redis_server(tmp_path, *SECURED_CACHE, *LRU) as port:
        verdict = _verdict(port)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "anonymous DBSIZE refused: Authentication required" in verdict.evidence
    assert PASSWORD not in verdict.evidence
    assert "redis://:***@127.0.0.1" in verdict.evidence


def test_an_acl_user_with_the_default_user_disabled_passes(tmp_path: Path) -> None:
    acl = ("--user", "default", "off", "--user", "app", "on", f">{PASSWORD}", "~*", "&*", "+@all")
    with redis_server(tmp_path, *acl, "--maxmemory", "64mb", *LRU) as port:
        verdict = judge(LINE, {"redis_url": f"redis://app:{PASSWORD}@127.0.0.1:{port}"})
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_cache_without_maxmemory_fails(tmp_path: Path) -> None:
    with redis_server(tmp_path, "--requirepass", PASSWORD, *LRU) as port:
        verdict = _verdict(port)
    assert verdict.status is Status.FAILED
    assert "maxmemory is 0" in verdict.evidence


def test_a_cache_that_never_evicts_fails(tmp_path: Path) -> None:
    with redis_server(tmp_path, *SECURED_CACHE, "--maxmemory-policy", "noeviction") as port:
        verdict = _verdict(port)
    assert verdict.status is Status.FAILED
    assert "noeviction" in verdict.evidence


def test_a_session_store_without_persistence_fails(tmp_path: Path) -> None:
    with redis_server(tmp_path, *SECURED_CACHE, "--maxmemory-policy", "volatile-lru") as port:
        verdict = _verdict(port, redis={"role": "session"})
    assert verdict.status is Status.FAILED
    assert "neither AOF nor RDB" in verdict.evidence


def test_a_session_store_with_aof_passes(tmp_path: Path) -> None:
    options = ("--requirepass", PASSWORD, "--appendonly", "yes")
    with redis_server(tmp_path, *options) as port:
        verdict = _verdict(port, redis={"role": "session"})
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_data_store_with_rdb_snapshots_passes_and_with_eviction_fails(tmp_path: Path) -> None:
    options = ("--requirepass", PASSWORD, "--save", "900 1")
    with redis_server(tmp_path / "ok", *options) as port:
        assert _verdict(port, redis={"role": "data"}).status is Status.PASSED
    with redis_server(tmp_path / "lru", *options, *LRU) as port:
        verdict = _verdict(port, redis={"role": "data"})
    assert verdict.status is Status.FAILED
    assert "must never be evicted" in verdict.evidence


def test_a_server_older_than_the_minimum_fails(tmp_path: Path) -> None:
    with redis_server(tmp_path, *SECURED_CACHE, *LRU) as port:
        verdict = _verdict(port, redis={"min_version": "99.0"})
    assert verdict.status is Status.FAILED
    assert "older than the supported 99.0" in verdict.evidence


def test_wrong_credentials_are_an_error_not_a_failure(tmp_path: Path) -> None:
    with redis_server(tmp_path, *SECURED_CACHE, *LRU) as port:
        verdict = _verdict(port, password="wrong-password")
    assert verdict.status is Status.ERROR
    assert "wrong-password" not in verdict.evidence


def test_a_closed_port_is_an_error() -> None:
    verdict = _verdict(free_port())
    assert verdict.status is Status.ERROR
    assert PASSWORD not in verdict.evidence


def test_a_hanging_server_is_an_error_within_the_timeout(silent_port: int) -> None:
    verdict = judge(LINE, {"redis_url": f"redis://127.0.0.1:{silent_port}", "timeout_s": 0.5})
    assert verdict.status is Status.ERROR


def test_a_non_redis_url_is_an_error_naming_the_key() -> None:
    verdict = judge(LINE, {"redis_url": "http://127.0.0.1:1/"})
    assert verdict.status is Status.ERROR
    assert "redis_url" in verdict.evidence


def test_without_redis_url_the_line_is_unverified() -> None:
    assert judge(LINE, {}).status is Status.UNVERIFIED


def test_a_secured_tls_redis_passes_with_the_ca_bundle(tmp_path: Path) -> None:
    tls = make_tls_files(tmp_path / "tls")
    with redis_server(tmp_path / "r", *SECURED_CACHE, *LRU, tls=tls) as port:
        url = f"rediss://:{PASSWORD}@127.0.0.1:{port}/0"
        trusted = judge(LINE, {"redis_url": url, "ca_bundle": str(tls.ca_pem), "timeout_s": 2})
        untrusted = judge(LINE, {"redis_url": url, "timeout_s": 2})
    assert trusted.status is Status.PASSED, trusted.evidence
    assert untrusted.status is Status.ERROR  # the private CA is not trusted: cannot observe


def test_a_url_without_credentials_on_a_secured_server_is_an_error_saying_so(
    tmp_path: Path,
) -> None:
    with redis_server(tmp_path, *SECURED_CACHE, *LRU) as port:
        verdict = _verdict(port, password=None)
    assert verdict.status is Status.ERROR
    assert "carries no credentials" in verdict.evidence


def test_an_http_server_on_the_redis_port_is_an_error() -> None:
    from starlette.applications import Starlette

    with serve_asgi(Starlette()) as url:
        port = int(url.rsplit(":", 1)[1])
        verdict = judge(
            LINE, {"redis_url": f"redis://:{PASSWORD}@127.0.0.1:{port}", "timeout_s": 2}
        )
    assert verdict.status is Status.ERROR


def test_a_session_store_evicting_any_key_fails(tmp_path: Path) -> None:
    options = ("--requirepass", PASSWORD, "--appendonly", "yes", "--maxmemory", "64mb", *LRU)
    with redis_server(tmp_path, *options) as port:
        verdict = _verdict(port, redis={"role": "session"})
    assert verdict.status is Status.FAILED
    assert "allkeys-lru; it evicts live sessions" in verdict.evidence
