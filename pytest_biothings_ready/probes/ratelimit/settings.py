"""Settings of the rate-limit family (the ``[env.NAME.rate_limit]`` table)."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []

register(
    Key(
        "rate_limit.path",
        "str",
        "Path the burst targets; must answer 2xx when not limited. Default: health_path.",
        family="ratelimit",
    ),
    Key("rate_limit.method", "str", "HTTP method of the burst.", "GET", family="ratelimit"),
    Key(
        "rate_limit.headers",
        "map",
        "Headers of every burst request (e.g. a token).",
        values="str",
        family="ratelimit",
    ),
    Key("rate_limit.requests", "int", "Most requests the burst sends.", 300, family="ratelimit"),
    Key(
        "rate_limit.seconds", "float", "Seconds the burst is spread over.", 5.0, family="ratelimit"
    ),
    Key(
        "rate_limit.concurrency",
        "int",
        "Concurrent connections of the burst.",
        10,
        family="ratelimit",
    ),
    Key(
        "rate_limit.persist_s",
        "float",
        "Seconds the burst is kept up after the first limited answer, to see limiting persist.",
        1.0,
        family="ratelimit",
    ),
    Key(
        "rate_limit.persist_requests",
        "int",
        "Most requests sent after the first limited answer (ends the window early).",
        50,
        family="ratelimit",
    ),
    Key(
        "rate_limit.persist_ratio",
        "float",
        "Share of the requests after the first limited answer that must be limited.",
        0.5,
        family="ratelimit",
    ),
    Key(
        "rate_limit.recovery_s",
        "float",
        "Most seconds to wait for a 2xx after limiting (caps Retry-After).",
        30.0,
        family="ratelimit",
    ),
    Key(
        "rate_limit.release_slack_s",
        "float",
        "Seconds beyond the advertised wait (Retry-After, RateLimit-Reset) release may take.",
        1.0,
        family="ratelimit",
    ),
)
