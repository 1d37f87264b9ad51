"""detect-secrets' line plugins, run in-process, with the filters that make them precise.

Each regex plugin first searches the whole file with its own patterns and the
keyword plugin only sees lines holding one of its keywords (calling 24 plugins on
every line costs seconds on 500 manifests). A hit is no finding when it is a
reference (a Kubernetes field naming a Secret, a key in one, a vault path), an id or
a sequence; a templated value is a placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from pytest_biothings_ready.probes.static.secrets.findings import (
    Finding,
    finding,
    literal,
    secret_name,
)

__all__ = ["Plugin", "plugin_hits", "plugins"]

# Kubernetes fields that name a Secret (or a key in one) rather than hold a value; the
# keyword plugin flags them ("secretName: api-tls").  Only DNS-1123 values are exempt.
REFERENCE_KEYS = frozenset(
    {"secretname", "secretkey", "secretref", "secretstoreref", "existingsecret", "secret"}
)
# A reference names a Secret, a key in one or a vault path: a resource name, an
# environment-style key (``MYGENE_API_TOKEN``) or a path, never a random value.
K8S_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9._/]*[A-Za-z0-9])?$")
REFERENCE_KEYS = REFERENCE_KEYS | {"key", "property", "remotekey", "secretkeyref", "name"}


@dataclass(frozen=True)
class Plugin:
    """A detect-secrets plugin and a whole-file prefilter for it.

    Attributes:
        detector: the plugin instance.
        prefilter: a regex that must match somewhere in a file (for regex plugins,
            their own denylist in multi-line mode) or on a line (keyword plugin)
            before the plugin looks at it line by line.
        per_line: whether ``prefilter`` selects lines rather than files.
    """

    detector: Any
    prefilter: re.Pattern[str]
    per_line: bool = False


def plugins() -> list[Plugin]:
    """The plugins used (entropy and public-IP plugins left out) with their prefilters.

    Calling 24 plugins on every line costs seconds on 500 manifests; a plugin whose
    own patterns match nowhere in a file cannot report anything in it.
    """
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins import keyword

    skipped = {"Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector"}
    classes: list[Any] = list(get_mapping_from_secret_type_to_class().values())
    plugins = []
    for cls in classes:
        if cls.__name__ in skipped:
            continue
        detector = cls()
        if cls is keyword.KeywordDetector:
            words = re.compile("|".join(keyword.DENYLIST), re.IGNORECASE)
            plugins.append(Plugin(detector, words, per_line=True))
        else:
            joined = "|".join(f"(?:{p.pattern})" for p in detector.denylist)
            flags = re.MULTILINE | (detector.denylist[0].flags & ~re.UNICODE)
            plugins.append(Plugin(detector, re.compile(joined, flags)))
    return plugins


def plugin_hits(shown: str, number: int, line: str, detector: Any) -> Iterator[Finding]:
    from detect_secrets.filters import heuristic

    for hit in detector.analyze_line(filename=shown, line=line, line_number=number):
        value = _clean(hit.secret_value or "")
        if _reference(value, line, detector) or heuristic.is_indirect_reference(line):
            continue
        name = line.split("=")[0].split(":")[0]
        found = replace(finding(shown, number, hit.type, value, name), specific=False)
        if _templated(value):
            found = replace(found, placeholder=True)
        yield found


def _templated(value: str) -> bool:
    from detect_secrets.filters import heuristic

    return bool(
        heuristic.is_templated_secret(value) or heuristic.is_prefixed_with_dollar_sign(value)
    )


def _clean(value: str) -> str:
    """The value alone, when the keyword plugin read on through a YAML flow mapping."""
    return re.split(r"[,}\]]", value)[0].strip().strip("\"'") if "{" not in value else value


def _reference(value: str, line: str, plugin: Any) -> bool:
    """Not a secret at all: a reference field's name, an id, a sequence, no value."""
    from detect_secrets.filters import heuristic

    before = re.search(r"([\w.-]+)[\"']?\s*:?=?\s*[\"']?" + re.escape(value), line)
    key = (before.group(1) if before else line.split(":", 1)[0]).strip().lstrip("- ")
    if key.strip("\"'").casefold() in REFERENCE_KEYS and K8S_NAME.match(value):
        return True
    if before and type(plugin).__name__ == "KeywordDetector" and not secret_name(key):
        return True  # ``secret_name: app-secret``: our naming rules (suffixes) decide
    return bool(
        heuristic.is_sequential_string(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_likely_id_string(value, line, plugin)
        or not literal(value)
    )
