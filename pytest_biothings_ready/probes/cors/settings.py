"""Settings of the CORS family."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []

register(
    Key(
        "cors.path",
        "str",
        "Path where every configured origin must be allowed; default: health_path. "
        "Hostile origins are tried on every known path.",
        family="cors",
    ),
    Key(
        "cors.method",
        "str",
        "Method named in Access-Control-Request-Method of the preflight.",
        "GET",
        family="cors",
    ),
    Key(
        "cors.request_headers",
        "list",
        "Headers named in Access-Control-Request-Headers of the preflight (none by default).",
        values="str",
        family="cors",
    ),
    Key(
        "cors.foreign_origin",
        "str",
        "A wholly foreign origin that must NOT be allowed (besides the derived look-alikes).",
        "https://evil.example",
        family="cors",
    ),
    Key(
        "cors.openapi_path",
        "str",
        "OpenAPI document whose paths are probed too, when the service serves it.",
        "/openapi.json",
        family="cors",
    ),
    Key(
        "cors.max_requests",
        "int",
        "Most CORS requests sent; beyond it paths are dropped and named as not sampled.",
        400,
        family="cors",
    ),
)
