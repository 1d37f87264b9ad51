"""Settings of the documentation family: where the documents are, what they must hold."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []

FAMILY = "docs"

register(
    Key(
        "docs_paths",
        "list",
        "Documentation files or folders; default: README*, docs/ and top-level *.md.",
        values="path",
        family=FAMILY,
    ),
    Key(
        "docs.required_sections",
        "map",
        "Headings each kind of document must have: kind = [regex, ...] (defaults below).",
        values="any",
        family=FAMILY,
    ),
    Key(
        "docs.min_issues",
        "int",
        "Fewest issue sections (headings below the title) a troubleshooting guide needs.",
        2,
        family=FAMILY,
    ),
    Key(
        "docs.max_age",
        "duration",
        "A document committed this recently is current even if deploy artifacts changed since.",
        "180d",
        family=FAMILY,
    ),
    Key(
        "docs.openapi_url",
        "url",
        "The served OpenAPI document (JSON or YAML) of the API (API documentation current).",
        family=FAMILY,
    ),
    Key(
        "docs.api_version",
        "str",
        "The deployed API version the OpenAPI info.version must equal; default: the health "
        "answer's version field.",
        family=FAMILY,
    ),
    Key(
        "docs.skip_paths",
        "list",
        "Documented paths not to request (GET operations that must not be called).",
        values="str",
        family=FAMILY,
    ),
)
