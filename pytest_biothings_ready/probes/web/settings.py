"""Settings of the web family: health, journeys, frontend, API caching and CDN."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []

_STEP_FIELDS = (
    Key("name", "str", "Label shown in evidence."),
    Key("method", "str", "HTTP method.", "GET"),
    Key("path", "str", "Path below base_url; may use {{name}}."),
    Key("headers", "map", "Request headers; values may use {{name}}.", values="str"),
    Key("json", "any", "JSON request body; strings may use {{name}}."),
    Key("expect_status", "int", "Expected status.", 200),
    Key("expect_json", "map", "Expected JSON fields (dotted paths).", values="any"),
    Key("extract", "map", "Values to keep: name = dotted path in the JSON answer.", values="str"),
)
register(
    Key(
        "health.urls",
        "list",
        "Health URLs of the other services (All services responding to health checks).",
        values="url",
        family="web",
    ),
    Key(
        "health.max_ms",
        "float",
        "Slowest acceptable health answer, milliseconds.",
        2000.0,
        family="web",
    ),
    Key(
        "journey",
        "table",
        "User journeys ([[env.NAME.journey]]): ordered steps.",
        family="web",
        fields=(
            Key("name", "str", "Label shown in evidence."),
            Key("covers", "list", "Checklist lines this journey evidences.", values="str"),
            Key("steps", "table", "The requests, in order.", fields=_STEP_FIELDS),
        ),
    ),
    Key("frontend_url", "url", "The frontend page (HTML) whose assets must load.", family="web"),
    Key(
        "caching.paths",
        "list",
        "GET API paths that must be cacheable (ETag + 304).",
        values="str",
        family="web",
    ),
    Key(
        "cdn.asset_urls",
        "list",
        "Static asset URLs; default: the frontend's scripts and stylesheets.",
        values="url",
        family="web",
    ),
    Key(
        "cdn.min_max_age",
        "int",
        "Shortest acceptable asset max-age, seconds.",
        604800,
        family="web",
    ),
    Key(
        "cdn.headers",
        "list",
        "Response headers a CDN adds to what it serves (CDN-Cache-Control is not one: "
        "the origin sends it to the CDN).",
        [
            "X-Cache",
            "CF-Cache-Status",
            "X-Served-By",
            "X-Amz-Cf-Id",
            "Akamai-Cache-Status",
            "X-CDN",
            "Via",
            "Age",
        ],
        values="str",
        family="web",
    ),
)
