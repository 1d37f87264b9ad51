"""The secret scan (gatherer ``secrets-scan``): credentials found by meaning.

Run once per session over ``source_paths``, Dockerfiles, compose files (with their
``.env`` and ``env_file``s) and manifests. Sources of findings:

- detect-secrets' line plugins, in-process (``detectors``; the entropy plugins are
  left out: image digests and checksums in manifests would drown the report);
- patterns detect-secrets lacks: Google API keys (also split by ``+``), JWT signing
  secrets and database URLs with an inline password (SQLAlchemy dialects included);
- structure (``structure``): literal or random values in env, ConfigMaps, committed
  Secrets, compose ``environment``, Dockerfile ``ENV``/``ARG``, dotenv files;
- framework schemas in code and config (``codescan``).

Placeholders are kept apart (``SecretScan.ignored``). A finding keeps file, line, type
and the SHA-1 of the value (for the allowlist), never the value itself.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_biothings_ready.evidence.cpu import cpu_map
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.static.common import artifact_files, display
from pytest_biothings_ready.probes.static.secrets.codescan import code_findings, joined_literals
from pytest_biothings_ready.probes.static.secrets.detectors import Plugin, plugin_hits, plugins
from pytest_biothings_ready.probes.static.secrets.findings import (
    Finding,
    SecretScan,
    finding,
)
from pytest_biothings_ready.probes.static.secrets.structure import (
    ciphertext_lines,
    structural_findings,
)

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["gather_secrets"]

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
# Test code is not deployed: its fixture passwords are not the deployment's secrets.
TEST_DIRS = frozenset({"tests", "test", "__tests__", "spec", "e2e", "fixtures", "testdata"})
TEST_FILE = re.compile(
    r"^(conftest\.py|test_.*\.py|.*_test\.(py|go)|.*\.(test|spec)\.[cm]?[jt]sx?)$"
)
MAX_BYTES = 2_000_000
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
            r"sqlserver|oracle|cockroachdb|jdbc:[a-z]+)(?:\+\w+)?://[^\s:/@\"']*:"
            r"([^\s@/\"'$]{1,})@",
            re.IGNORECASE,
        ),
    ),
)
FENCE = re.compile(r"^\s*(```|~~~)")


def _scan_files(ctx: Context) -> dict[Path, bool]:
    """Every file to scan, and whether it is read by structure (manifests, compose)."""
    files: dict[Path, bool] = {}
    for key in ("dockerfiles", "compose_files", "manifests"):
        if ctx.env.get(key):
            structured = key != "dockerfiles"
            for path in artifact_files(ctx.env, key):
                files[path] = files.get(path, False) or structured
    if ctx.env.get("compose_files"):
        files.update((p, files.get(p, False)) for p in _compose_env_files(ctx))
    if ctx.env.get("source_paths"):
        found = artifact_files(ctx.env, "source_paths", skip=SKIPPED_DIRS | TEST_DIRS)
        files.update((p, files.get(p, False)) for p in found if not TEST_FILE.search(p.name))
    return files


def _compose_env_files(ctx: Context) -> list[Path]:
    """The ``.env`` compose interpolates from and every service's ``env_file``."""
    found = []
    for compose in ctx.evidence("compose"):
        found.append(compose.folder / ".env")
        for service in compose.services:
            named = service.get("env_file")
            for entry in named if isinstance(named, list) else [named]:
                path = entry.get("path") if isinstance(entry, dict) else entry
                if isinstance(path, str):
                    found.append((compose.folder / path).resolve())
    return [p for p in found if p.is_file()]


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
    if "+" in text:  # a key split by ``+``: the joined literal is what runs
        for number, line in enumerate(text.splitlines(), 1):
            if "+" in line and line.count('"') + line.count("'") >= 4:
                joined = joined_literals(line)
                for kind, pattern in PATTERNS[:1]:
                    if pattern.search(joined) and not pattern.search(line):
                        yield finding(shown, number, f"{kind} split by +", joined, kind)


def _line_findings(shown: str, text: str, plugins: list[Plugin]) -> Iterator[Finding]:
    yield from _pattern_findings(shown, text)
    whole = [p for p in plugins if not p.per_line and p.prefilter.search(text)]
    lines = text.splitlines()
    for plugin in (p for p in plugins if p.per_line):
        numbers = {text.count("\n", 0, m.start()) + 1 for m in plugin.prefilter.finditer(text)}
        for number in sorted(numbers):
            yield from plugin_hits(shown, number, lines[number - 1], plugin.detector)
    for number, line in enumerate(lines if whole else (), 1):
        if 8 <= len(line) <= 4000:
            for plugin in whole:
                yield from plugin_hits(shown, number, line, plugin.detector)


def _dotenv_findings(shown: str, text: str) -> Iterator[Finding]:
    from pytest_biothings_ready.probes.static.secrets.structure import named_value

    for number, line in enumerate(text.splitlines(), 1):
        name, sep, value = line.removeprefix("export ").partition("=")
        value = value.split(" #")[0].strip().strip("\"'")
        hit = named_value(shown, number, name.strip(), value, "dotenv file") if sep else None
        if hit and not name.strip().startswith("#"):
            yield hit


def _is_dotenv(path: Path) -> bool:
    return path.name.startswith(".env") or path.suffix == ".env" or path.name.endswith(".env")


def _fenced(text: str) -> set[int]:
    """Line numbers inside Markdown code fences."""
    inside, lines = False, set()
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            inside = not inside
        elif inside:
            lines.add(number)
    return lines


def _file_findings(
    path: Path, shown: str, text: str, plugins: list[Plugin], structured: bool
) -> list[Finding]:
    hits = list(_line_findings(shown, text, plugins))
    if _is_dotenv(path):
        hits += _dotenv_findings(shown, text)
    hits += code_findings(shown, path.suffix, text, config=not structured)
    if path.suffix in {".md", ".markdown", ".rst"}:
        fenced = _fenced(text)
        hits = [replace(h, placeholder=h.placeholder or h.line in fenced) for h in hits]
    return hits


@gatherer("secrets-scan")
def gather_secrets(ctx: Context) -> SecretScan:
    """Scan every named artifact and source tree once."""
    files = _scan_files(ctx)
    # The worker shows paths as display() does; it gets the root, not the settings.
    root = dataclasses.replace(ctx.env, settings={}, secrets=frozenset())
    work = [(root, path, structured) for path, structured in files.items()]
    found: dict[tuple[str, int, str], Finding] = {}
    for hit in cpu_map(_scan_chunk, work, what="gatherer secrets-scan", timeout=ctx.budget):
        found.setdefault((hit.file, hit.line, hit.type), hit)
    for hit in structural_findings(ctx):
        found.setdefault((hit.file, hit.line, hit.type), hit)
    sealed = ciphertext_lines(ctx)
    ordered = sorted(
        (f for f in found.values() if (f.file, f.line) not in sealed),
        key=lambda f: (f.file, f.line),
    )
    kept = list(_one_per_line(ordered))
    real = tuple(f for f in kept if not f.placeholder)
    return SecretScan(len(files), real, tuple(f for f in kept if f.placeholder))


def _scan_chunk(work: list[tuple[Environment, Path, bool]]) -> list[Finding]:
    """The line, dotenv and code findings of ``(root, path, structured)`` files, in order.

    Pure and picklable: it runs in a worker process for big trees (``cpu_map``).
    """
    detectors = plugins()
    hits: list[Finding] = []
    for root, path, structured in work:
        text = _text(path)
        if text is not None:
            hits += _file_findings(path, display(root, path), text, detectors, structured)
    return hits


def _one_per_line(findings: list[Finding]) -> Iterator[Finding]:
    """Several detectors often flag one line; keep the most specific (ours first).

    Ours read the structure (a base64 ``data`` value decoded, a variable's default), so
    their placeholder judgement stands over a generic detect-secrets hit on the line.
    """
    kept: dict[tuple[str, int], Finding] = {}
    for hit in sorted(findings, key=lambda f: (f.file, f.line, not f.specific, f.placeholder)):
        first = kept.setdefault((hit.file, hit.line), hit)
        if hit.database and not first.database:
            kept[(hit.file, hit.line)] = first = replace(first, database=True)
    yield from kept.values()
