"""Settings of the HTTP family."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []

register(
    Key(
        "http.entry_points",
        "list",
        "Extra plain-HTTP entry points that must redirect.",
        values="url",
        family="http",
    ),
    Key(
        "http.redirect_paths",
        "list",
        "Paths asked on each plain-HTTP entry point, besides every path the environment "
        "names (/, health_path, smoke, journeys, caching.paths).",
        ["/"],
        values="str",
        family="http",
    ),
    Key(
        "http.max_paths",
        "int",
        "Most paths asked per plain-HTTP entry point (the rest are named as not sampled).",
        30,
        family="http",
    ),
)
