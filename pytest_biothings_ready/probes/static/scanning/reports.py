"""Scanner reports (``scan_reports``): Trivy JSON, Grype JSON, pip-audit JSON, SARIF.

Reports are read, not produced: scanning needs the scanners' vulnerability
databases, which the plugin does not download.  Each report gives a tool, the
images it covers, when it was made, and finding counts by severity.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.static.common import artifact_files, display

__all__ = ["Report", "gather_reports", "normalize_image"]

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")


@dataclass(frozen=True)
class Report:
    """One scanner report.

    Attributes:
        file: path shown in evidence.
        tool: trivy, grype, pip-audit or the SARIF driver name.
        images: the images it scanned (normalized; empty for non-image scans).
        created: when it was made (its own timestamp, else the file's mtime).
        dated_by_mtime: whether ``created`` comes from the file's mtime.
        counts: findings by severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN), every
            class together (vulnerabilities, secrets, misconfigurations, SARIF results).
        worst: a few ``ID (package)`` of its CRITICAL findings, for evidence.
        classes: findings by class (``Vulnerabilities``, ``Secrets``...).
        unrated: findings whose severity the report does not score (SARIF results
            rated only by ``level``, pip-audit's): they may be critical.
        names: other names of the scanned artifact: Trivy/Grype repo tags, the
            compose service label, the scanned path of a filesystem scan.
    """

    file: str
    tool: str
    images: frozenset[str]
    created: dt.datetime
    dated_by_mtime: bool
    counts: Mapping[str, int]
    worst: tuple[str, ...]
    classes: Mapping[str, int] = field(default_factory=dict)
    unrated: int = 0
    names: frozenset[str] = frozenset()

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.counts.get(s, 0)} {s}"
            for s in SEVERITIES
            if self.counts.get(s, 0) or s in {"CRITICAL", "HIGH"}
        )
        kinds = ", ".join(f"{n} {c}" for c, n in sorted(self.classes.items()) if n)
        return f"{self.file} ({self.tool}, {self.created:%Y-%m-%d}: {counts}; {kinds or 'clean'})"


def normalize_image(ref: str) -> str:
    """``nginx`` -> ``nginx:latest``; drops ``docker.io/`` and ``library/``."""
    name = ref.strip().removeprefix("docker.io/").removeprefix("library/")
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last or "@" in last else f"{name}:latest"


@gatherer("scan-reports", needs=("scan_reports",))
def gather_reports(ctx: Context) -> tuple[Report, ...]:
    """Read every named scanner report once."""
    return tuple(
        _read(path, display(ctx.env, path)) for path in artifact_files(ctx.env, "scan_reports")
    )


def _read(path: Path, shown: str) -> Report:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProbeError(f"{shown}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ProbeError(f"{shown}:{exc.lineno}: not JSON ({exc.msg})") from None
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    for sniff, parse in _PARSERS:
        if sniff(data):
            return parse(shown, data, mtime)
    if path.suffix == ".sarif":
        raise ProbeError(f"{shown}:1: not a SARIF 2.1 log (no version/runs)")
    raise ProbeError(f"{shown}:1: not a Trivy, Grype, pip-audit or SARIF report")


def _time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


Hit = tuple[str, str, str, str]  # id, severity, package or target, class


def _report(
    shown: str,
    tool: str,
    images: set[str],
    stamp: Any,
    mtime: dt.datetime,
    hits: list[Hit],
    names: set[str] | None = None,
    unrated: int = 0,
) -> Report:
    counts = Counter(sev if sev in SEVERITIES else "UNKNOWN" for _, sev, _, _ in hits)
    worst = tuple(f"{vid} ({pkg})" for vid, sev, pkg, _ in hits if sev == "CRITICAL")[:3]
    created = _time(stamp)
    return Report(
        shown,
        tool,
        frozenset(normalize_image(i) for i in images if i),
        created or mtime,
        created is None,
        dict(counts),
        worst,
        dict(Counter(kind for _, _, _, kind in hits)),
        unrated,
        frozenset(n for n in names or set() if n),
    )


TRIVY_CLASSES = {
    "Vulnerabilities": ("VulnerabilityID", "PkgName"),
    "Secrets": ("RuleID", "Title"),
    "Misconfigurations": ("ID", "Title"),
}


def _trivy(shown: str, data: Mapping[str, Any], mtime: dt.datetime) -> Report:
    hits: list[Hit] = []
    for result in data.get("Results") or []:
        if not isinstance(result, Mapping):
            continue
        for kind, (ident, label) in TRIVY_CLASSES.items():
            for v in result.get(kind) or []:
                if not isinstance(v, Mapping):
                    continue
                if kind == "Misconfigurations" and str(v.get("Status", "FAIL")).upper() != "FAIL":
                    continue  # a passed or exception-granted misconfiguration check
                severity = str(v.get("Severity", "UNKNOWN")).upper()
                hits.append((str(v.get(ident)), severity, str(v.get(label)), kind))
    image = data.get("ArtifactType") == "container_image"
    name = str(data.get("ArtifactName", ""))
    meta: Any = data.get("Metadata") or {}
    labels: Any = dig_any(meta, "ImageConfig", "config", "Labels") or {}
    names = (
        {str(t) for t in [*(meta.get("RepoTags") or []), *(meta.get("RepoDigests") or [])]}
        if isinstance(meta, Mapping)
        else set()
    )
    names |= (
        {str(labels.get("com.docker.compose.service", ""))}
        if isinstance(labels, Mapping)
        else set()
    )
    if not image:
        names.add(name)
    stamp = data.get("CreatedAt")
    return _report(shown, "trivy", {name} if image else set(), stamp, mtime, hits, names)


def dig_any(node: Any, *path: str) -> Any:
    for part in path:
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def _grype(shown: str, data: Mapping[str, Any], mtime: dt.datetime) -> Report:
    hits: list[Hit] = [
        (
            str(m["vulnerability"].get("id")),
            str(m["vulnerability"].get("severity", "UNKNOWN")).upper(),
            str((m.get("artifact") or {}).get("name")),
            "Vulnerabilities",
        )
        for m in data.get("matches") or []
        if isinstance(m, Mapping) and isinstance(m.get("vulnerability"), Mapping)
    ]
    source = data.get("source") or {}
    target = source.get("target") if isinstance(source, Mapping) else None
    image = (
        str(target.get("userInput", ""))
        if isinstance(target, Mapping) and source.get("type") == "image"
        else ""
    )
    stamp = (data.get("descriptor") or {}).get("timestamp")
    tags = dig_any(target, "tags") or []
    names = {str(t) for t in tags} if isinstance(tags, list) else set()
    if source.get("type") in {"directory", "file"} and isinstance(target, str):
        names.add(target)
    return _report(shown, "grype", {image}, stamp, mtime, hits, names)


def _pip_audit(shown: str, data: Any, mtime: dt.datetime) -> Report:
    deps = data["dependencies"] if isinstance(data, Mapping) else data
    # pip-audit rates no severity: every vulnerability counts as UNKNOWN.
    hits: list[Hit] = [
        (str(v.get("id")), "UNKNOWN", str(d.get("name")), "Vulnerabilities")
        for d in deps
        if isinstance(d, Mapping)
        for v in d.get("vulns") or []
        if isinstance(v, Mapping)
    ]
    return _report(shown, "pip-audit", set(), None, mtime, hits, unrated=len(hits))


LEVELS = {"error": "HIGH", "warning": "MEDIUM", "note": "LOW"}


def _score(props: Any) -> str | None:
    try:
        score = float(str((props or {}).get("security-severity")))
    except (TypeError, ValueError, AttributeError):
        return None
    for floor, name in ((9.0, "CRITICAL"), (7.0, "HIGH"), (4.0, "MEDIUM"), (0.1, "LOW")):
        if score >= floor:
            return name
    return "LOW"


def _sarif_hit(result: Mapping[str, Any], rule: Mapping[str, Any]) -> tuple[Hit, bool] | None:
    """A SARIF result as a hit, and whether it carries a score; None if it is no finding.

    The graver of the score (``security-severity`` on the result or its rule: >= 9.0
    CRITICAL, >= 7.0 HIGH, >= 4.0 MEDIUM) and the ``level`` (``error`` HIGH, ``warning``
    MEDIUM, ``note`` LOW); the ``level`` defaults to the rule's, else ``warning``.  Results
    of another ``kind`` than ``fail``, of level ``none`` or suppressed are no finding.
    """
    if str(result.get("kind", "fail")) != "fail" or result.get("suppressions"):
        return None
    level = str(result.get("level") or dig_any(rule, "defaultConfiguration", "level") or "warning")
    if level == "none":
        return None
    score = _score(result.get("properties")) or _score(rule.get("properties"))
    by_level = LEVELS.get(level, "UNKNOWN")
    # The graver of the two: an ``error`` stays an error whatever its score says.
    ranked = [s for s in (score, by_level) if s in SEVERITIES[:4]]
    severity = min(ranked, key=SEVERITIES.index) if ranked else "UNKNOWN"
    return (str(result.get("ruleId")), severity, "", "results"), score is not None


def _sarif(shown: str, data: Mapping[str, Any], mtime: dt.datetime) -> Report:
    hits: list[Hit] = []
    tools, stamps, unrated = [], [], 0
    images: set[str] = set()
    for run in data.get("runs") or []:
        driver = (run.get("tool") or {}).get("driver") or {}
        tools.append(str(driver.get("name", "sarif")))
        rules = {r.get("id"): r for r in driver.get("rules") or [] if isinstance(r, Mapping)}
        for result in run.get("results") or []:
            if isinstance(result, Mapping) and (
                found := _sarif_hit(result, rules.get(result.get("ruleId")) or {})
            ):
                hits.append(found[0])
                unrated += not found[1]
        stamps += [i.get("endTimeUtc") for i in run.get("invocations") or []]
        images |= _sarif_images(run.get("properties"))
    stamp = next((s for s in stamps if s), None)
    tool = "/".join(sorted(set(tools))) or "sarif"
    return _report(shown, tool, images, stamp, mtime, hits, unrated=unrated)


def _sarif_images(props: Any) -> set[str]:
    """Images a SARIF run names (Trivy writes ``imageName``, ``repoTags``, ``repoDigests``)."""
    if not isinstance(props, Mapping):
        return set()
    found = {str(props["imageName"])} if props.get("imageName") else set()
    for key in ("repoTags", "repoDigests"):
        found |= {str(t) for t in props.get(key) or [] if t}
    return found


_Parser = Callable[[str, Any, dt.datetime], Report]
_PARSERS: tuple[tuple[Callable[[Any], bool], _Parser], ...] = (
    (lambda d: isinstance(d, Mapping) and "SchemaVersion" in d and "ArtifactName" in d, _trivy),
    (lambda d: isinstance(d, Mapping) and "matches" in d and "descriptor" in d, _grype),
    (lambda d: isinstance(d, Mapping) and isinstance(d.get("dependencies"), list), _pip_audit),
    (
        lambda d: (
            isinstance(d, Mapping)
            and str(d.get("version", "")).startswith("2.1")
            and isinstance(d.get("runs"), list)
        ),
        _sarif,
    ),
)
