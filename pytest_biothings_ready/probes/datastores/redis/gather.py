"""Observe a Redis server once: version, memory policy, persistence, and whether it
answers a client that presents no credentials."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.datastores.urls import masked, require_scheme

if TYPE_CHECKING:
    import redis

__all__ = ["RedisResult", "gather_redis"]

# Server replies that mean "you must authenticate first" or "not allowed".
_REFUSALS = ("NOAUTH", "NOPERM", "WRONGPASS", "AUTHENTICATION REQUIRED")


@dataclass(frozen=True)
class RedisResult:
    """One Redis server as the configured client and an anonymous client see it.

    Attributes:
        where: ``redis_url`` with the password masked.
        version: ``redis_version`` from INFO.
        anonymous: what a connection without credentials got for DBSIZE: ``"refused:
            <reply>"`` or ``"answered"``.
        has_credentials: whether ``redis_url`` carries a user or password.
        maxmemory: ``maxmemory`` in bytes (0: unbounded).
        policy: ``maxmemory_policy``.
        aof: append-only file enabled.
        rdb_schedule: the ``save`` schedule ("" when RDB snapshots are off; None when
            CONFIG is not available to this client).
        rdb_last_status: ``rdb_last_bgsave_status`` (``ok``/``err``).
    """

    where: str
    version: str
    anonymous: str
    has_credentials: bool
    maxmemory: int
    policy: str
    aof: bool
    rdb_schedule: str | None
    rdb_last_status: str

    @property
    def anonymous_refused(self) -> bool:
        return self.anonymous.startswith("refused")


def _client(url: str, timeout: float, anonymous: bool, tls: dict[str, Any]) -> redis.Redis:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    options: dict[str, Any] = {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),  # one attempt: the timeout bounds the probe
        "decode_responses": True,
        "protocol": 2,  # no HELLO handshake: the first command is the one we judge
        **tls,
    }
    client = redis.Redis.from_url(url, **options)
    if anonymous:
        kwargs = client.connection_pool.connection_kwargs
        kwargs.pop("username", None)
        kwargs.pop("password", None)
    return client


def _anonymous_reply(url: str, timeout: float, tls: dict[str, Any]) -> str:
    """DBSIZE without credentials: refused (with the server's reply) or answered."""
    import redis

    client = _client(url, timeout, anonymous=True, tls=tls)
    try:
        client.dbsize()
    except (redis.exceptions.ResponseError, redis.exceptions.AuthenticationError) as exc:
        refused = isinstance(exc, redis.exceptions.AuthenticationError)
        if refused or any(word in str(exc).upper() for word in _REFUSALS):
            return f"refused: {str(exc).splitlines()[0][:80]}"
        raise
    finally:
        client.close()
    return "answered"


def _save_schedule(client: redis.Redis) -> str | None:
    import redis

    try:
        reply: dict[str, str] = client.config_get("save")  # type: ignore[assignment]
    except redis.exceptions.ResponseError:  # CONFIG renamed or forbidden (managed Redis)
        return None
    return str(reply.get("save", "")).strip()


def _observe(url: str, timeout: float, tls: dict[str, Any]) -> RedisResult:
    client = _client(url, timeout, anonymous=False, tls=tls)
    try:
        info: dict[str, Any] = client.info("all")
        schedule = _save_schedule(client)
    finally:
        client.close()
    return RedisResult(
        where=masked(url),
        version=str(info.get("redis_version", "")),
        anonymous=_anonymous_reply(url, timeout, tls),
        has_credentials=_has_credentials(url),
        maxmemory=int(info.get("maxmemory", 0)),
        policy=str(info.get("maxmemory_policy", "")),
        aof=bool(int(info.get("aof_enabled", 0))),
        rdb_schedule=schedule,
        rdb_last_status=str(info.get("rdb_last_bgsave_status", "")),
    )


def _has_credentials(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return bool(parts.username or parts.password)


@gatherer("redis", needs=("redis_url",))
def gather_redis(ctx: Context) -> RedisResult:
    """Connect with ``redis_url``; read INFO and the save schedule; try DBSIZE anonymously."""
    import redis

    url = str(ctx.env.require("redis_url"))
    require_scheme(url, "redis_url", ("redis", "rediss", "unix"))
    bundle = ctx.env.get("ca_bundle")
    tls = (
        {"ssl_ca_certs": str(ctx.env.path(str(bundle)))}
        if bundle and url.startswith("rediss")
        else {}
    )
    try:
        return _observe(url, ctx.timeout, tls)
    except redis.exceptions.AuthenticationError as exc:
        if not _has_credentials(url):
            raise ProbeError(
                f"{masked(url)} requires AUTH (good), but redis_url carries no credentials, "
                "so its configuration cannot be read"
            ) from None
        raise ProbeError(f"{masked(url)} refused the configured credentials: {exc}") from None
    except redis.exceptions.RedisError as exc:
        raise ProbeError(f"{masked(url)}: {type(exc).__name__}: {exc}") from None
