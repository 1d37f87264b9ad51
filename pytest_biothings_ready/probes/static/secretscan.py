"""The secret scan: detect-secrets plugins, high-value patterns and literal env values.

Run once per session over ``source_paths``, Dockerfiles, compose files and manifests.
Three sources of findings:

- detect-secrets' line plugins, in-process (the entropy plugins are left out: image
  digests and checksums in manifests would drown the report), with its heuristic
  filters applied to each hit;
- patterns detect-secrets lacks: Google API keys, JWT signing secrets and database
  URLs with an inline password;
- structure: a literal value for a secret-named variable (``*PASSWORD``, ``*TOKEN``,
  ``*API_KEY``...) in a manifest ``env``, a ConfigMap, a Kubernetes Secret committed
  with data, a compose ``environment``, a Dockerfile ``ENV``/``ARG`` or a dotenv file.

A finding keeps file, line, type and the SHA-1 of the value (for the allowlist),
never the value itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.static.common import artifact_files, display

__all__ = ["Finding", "SecretScan", "finding", "gather_secrets", "literal", "secret_name"]

SKIPPED_DIRS = frozenset(
    {
        ".git",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".ruff_cache",
        "dist",
        "build",
    }
)
MAX_BYTES = 2_000_000
SECRET_NAME = re.compile(
    r"(PASSW(OR)?D|PASSWD|(^|_)PWD$|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|"
    r"PRIVATE_?KEY|CREDENTIAL|AUTH_?KEY|SIGNING_?KEY)",
    re.IGNORECASE,
)
REFERENCE_SUFFIX = re.compile(
    r"(_FILE|_PATH|_REF|_NAME|_ID|_URL|_ENABLED|_LENGTH|_TTL)$", re.IGNORECASE
)
DB_WORDS = re.compile(
    r"DB|DATABASE|POSTGRES|PG|MYSQL|MARIADB|MONGO|REDIS|SQL|ELASTIC|RABBIT"
    r"|AMQP",
    re.IGNORECASE,
)
PATTERNS = (
    ("Google API key", re.compile(r"AIza[0-9A-Za-z_\-]{35}")),
    (
        "JWT signing secret",
        re.compile(
            # a quoted literal, or an unquoted value running to the end of the line
            r"JWT_?(?:SECRET|SIGNING_KEY|KEY)\w*[\"']?\s*[=:]\s*"
            r"(?:[\"']([^\"'\s$]{8,})[\"']|([^\s\"'$`{}()\[\]]{8,})\s*$)",
            re.IGNORECASE | re.MULTILINE,
        ),
    ),
    (
        "Database URL with password",
        re.compile(
            r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|"
            r"sqlserver|oracle|jdbc:[a-z]+)://[^\s:/@\"']+:([^\s@/\"'$]{1,})@",
            re.IGNORECASE,
        ),
    ),
)
# Kubernetes fields that name a Secret (or a key in one) rather than hold a value; the
# keyword plugin flags them ("secretName: api-tls").  Only DNS-1123 values are exempt.
REFERENCE_KEYS = frozenset(
    {"secretname", "secretkey", "secretref", "secretstoreref", "existingsecret", "secret"}
)
K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$")
PLACEHOLDERS = frozenset(
    {
        "",
        "changeme",
        "change-me",
        "xxx",
        "<redacted>",
        "redacted",
        "true",
        "false",
        "none",
        "null",
        "example",
    }
)


@dataclass(frozen=True)
class Finding:
    """One suspected secret.

    Attributes:
        file: path shown in evidence.
        line: 1-based line.
        type: what kind of secret ("Google API key", "Secret Keyword"...).
        digest: SHA-1 of the value, for allowlist entries (never the value).
        database: whether it looks like a database credential.
        specific: found by a pattern or by structure (preferred over a generic
            detect-secrets hit on the same line).
    """

    file: str
    line: int
    type: str
    digest: str
    database: bool
    specific: bool = True

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.type}"


@dataclass(frozen=True)
class SecretScan:
    """The scan of every named artifact.

    Attributes:
        files: how many files were read.
        findings: every finding, allowlisted or not.
    """

    files: int
    findings: tuple[Finding, ...]


def secret_name(name: str) -> bool:
    """Whether a variable or key name says it holds a secret."""
    return bool(SECRET_NAME.search(name)) and not REFERENCE_SUFFIX.search(name)


def literal(value: Any) -> bool:
    """Whether ``value`` is a literal secret (not empty, a placeholder or a reference)."""
    text = str(value).strip() if value is not None else ""
    return (
        text.casefold() not in PLACEHOLDERS
        and len(text) >= 4
        and not text.startswith(("$", "{{", "/run/secrets", "vault:", "arn:", "ref+"))
    )


def _digest(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8", "replace")).hexdigest()


def finding(file: str, line: int, kind: str, value: str, name: str = "") -> Finding:
    return Finding(file, line, kind, _digest(value), bool(DB_WORDS.search(name or kind)))


def _scan_files(ctx: Context) -> list[Path]:
    files: dict[Path, None] = {}
    for key in ("dockerfiles", "compose_files", "manifests"):
        if ctx.env.get(key):
            files.update(dict.fromkeys(artifact_files(ctx.env, key)))
    if ctx.env.get("source_paths"):
        files.update(dict.fromkeys(artifact_files(ctx.env, "source_paths", skip=SKIPPED_DIRS)))
    return list(files)


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


def _plugins() -> list[Plugin]:
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


def _text(path: Path) -> str | None:
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError:
        return None
    if len(raw) > MAX_BYTES or b"\0" in raw[:8192]:
        return None
    return raw.decode("utf-8", "replace")


def _pattern_findings(shown: str, text: str) -> Iterator[Finding]:
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            yield finding(shown, number, kind, match.group(match.lastindex or 0), kind)


def _line_findings(shown: str, text: str, plugins: list[Plugin]) -> Iterator[Finding]:
    yield from _pattern_findings(shown, text)
    whole = [p for p in plugins if not p.per_line and p.prefilter.search(text)]
    lines = text.splitlines()
    for plugin in (p for p in plugins if p.per_line):
        numbers = {text.count("\n", 0, m.start()) + 1 for m in plugin.prefilter.finditer(text)}
        for number in sorted(numbers):
            yield from _plugin_hits(shown, number, lines[number - 1], plugin.detector)
    for number, line in enumerate(lines if whole else (), 1):
        if 8 <= len(line) <= 4000:
            for plugin in whole:
                yield from _plugin_hits(shown, number, line, plugin.detector)


def _plugin_hits(shown: str, number: int, line: str, detector: Any) -> Iterator[Finding]:
    from detect_secrets.filters import heuristic

    for hit in detector.analyze_line(filename=shown, line=line, line_number=number):
        value = hit.secret_value or ""
        if not _filtered(value, line, detector) and not heuristic.is_indirect_reference(line):
            name = line.split("=")[0].split(":")[0]
            yield replace(finding(shown, number, hit.type, value, name), specific=False)


def _filtered(value: str, line: str, plugin: Any) -> bool:
    from detect_secrets.filters import heuristic

    key = line.split(":", 1)[0].strip().lstrip("- ").strip("\"'").casefold()
    if key in REFERENCE_KEYS and K8S_NAME.match(value.strip("\"'")):
        return True
    return (
        heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
        or heuristic.is_sequential_string(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_likely_id_string(value, line, plugin)
        or not literal(value)
    )


def _dotenv_findings(shown: str, text: str) -> Iterator[Finding]:
    for number, line in enumerate(text.splitlines(), 1):
        name, sep, value = line.removeprefix("export ").partition("=")
        value = value.split(" #")[0].strip().strip("\"'")
        if sep and secret_name(name.strip()) and literal(value):
            yield finding(shown, number, f"literal {name.strip()} in dotenv file", value, name)


def _is_dotenv(path: Path) -> bool:
    return path.name.startswith(".env") or path.suffix == ".env"


@gatherer("secrets-scan")
def gather_secrets(ctx: Context) -> SecretScan:
    """Scan every named artifact and source tree once."""
    from pytest_biothings_ready.probes.static.secretstructure import structural_findings

    plugins = _plugins()
    files = _scan_files(ctx)
    found: dict[tuple[str, int, str], Finding] = {}
    for path in files:
        text = _text(path)
        if text is None:
            continue
        shown = display(ctx.env, path)
        hits = list(_line_findings(shown, text, plugins))
        if _is_dotenv(path):
            hits += _dotenv_findings(shown, text)
        for hit in hits:
            found.setdefault((hit.file, hit.line, hit.type), hit)
    for hit in structural_findings(ctx):
        found.setdefault((hit.file, hit.line, hit.type), hit)
    ordered = sorted(found.values(), key=lambda f: (f.file, f.line))
    return SecretScan(len(files), tuple(_one_per_line(ordered)))


def _one_per_line(findings: list[Finding]) -> Iterator[Finding]:
    """Several detectors often flag one line; keep the most specific (ours first)."""
    kept: dict[tuple[str, int], Finding] = {}
    for hit in sorted(findings, key=lambda f: (f.file, f.line, not f.specific)):
        first = kept.setdefault((hit.file, hit.line), hit)
        if hit.database and not first.database:
            kept[(hit.file, hit.line)] = replace(first, database=True)
    yield from kept.values()
