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
from dataclasses import dataclass
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
        counts: findings by severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN).
        worst: a few ``ID (package)`` of its CRITICAL findings, for evidence.
    """

    file: str
    tool: str
    images: frozenset[str]
    created: dt.datetime
    dated_by_mtime: bool
    counts: Mapping[str, int]
    worst: tuple[str, ...]

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.counts.get(s, 0)} {s}"
            for s in SEVERITIES
            if self.counts.get(s, 0) or s in {"CRITICAL", "HIGH"}
        )
        return f"{self.file} ({self.tool}, {self.created:%Y-%m-%d}: {counts})"


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


def _report(
    shown: str,
    tool: str,
    images: set[str],
    stamp: Any,
    mtime: dt.datetime,
    hits: list[tuple[str, str, str]],
) -> Report:
    counts = Counter(sev if sev in SEVERITIES else "UNKNOWN" for _, sev, _ in hits)
    worst = tuple(f"{vid} ({pkg})" for vid, sev, pkg in hits if sev == "CRITICAL")[:3]
    created = _time(stamp)
    return Report(
        shown,
        tool,
        frozenset(normalize_image(i) for i in images if i),
        created or mtime,
        created is None,
        dict(counts),
        worst,
    )


def _trivy(shown: str, data: Mapping[str, Any], mtime: dt.datetime) -> Report:
    hits = [
        (
            str(v.get("VulnerabilityID")),
            str(v.get("Severity", "UNKNOWN")).upper(),
            str(v.get("PkgName")),
        )
        for result in data.get("Results") or []
        if isinstance(result, Mapping)
        for v in result.get("Vulnerabilities") or []
        if isinstance(v, Mapping)
    ]
    image = (
        str(data.get("ArtifactName", "")) if data.get("ArtifactType") == "container_image" else ""
    )
    return _report(shown, "trivy", {image}, data.get("CreatedAt"), mtime, hits)


def _grype(shown: str, data: Mapping[str, Any], mtime: dt.datetime) -> Report:
    hits = [
        (
            str(m["vulnerability"].get("id")),
            str(m["vulnerability"].get("severity", "UNKNOWN")).upper(),
            str((m.get("artifact") or {}).get("name")),
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
    return _report(shown, "grype", {image}, stamp, mtime, hits)


def _pip_audit(shown: str, data: Any, mtime: dt.datetime) -> Report:
    deps = data["dependencies"] if isinstance(data, Mapping) else data
    # pip-audit rates no severity: every vulnerability counts as UNKNOWN.
    hits = [
        (str(v.get("id")), "UNKNOWN", str(d.get("name")))
        for d in deps
        if isinstance(d, Mapping)
        for v in d.get("vulns") or []
        if isinstance(v, Mapping)
    ]
    return _report(shown, "pip-audit", set(), None, mtime, hits)


def _sarif_severity(rule: Mapping[str, Any] | None) -> str:
    props = (rule or {}).get("properties") or {}
    try:
        score = float(str(props.get("security-severity")))
    except (TypeError, ValueError):
        return "UNKNOWN"
    for floor, name in ((9.0, "CRITICAL"), (7.0, "HIGH"), (4.0, "MEDIUM"), (0.1, "LOW")):
        if score >= floor:
            return name
    return "UNKNOWN"


def _sarif(shown: str, data: Mapping[str, Any], mtime: dt.datetime) -> Report:
    hits, tools, stamps = [], [], []
    for run in data.get("runs") or []:
        driver = (run.get("tool") or {}).get("driver") or {}
        tools.append(str(driver.get("name", "sarif")))
        rules = {r.get("id"): r for r in driver.get("rules") or [] if isinstance(r, Mapping)}
        hits += [
            (str(r.get("ruleId")), _sarif_severity(rules.get(r.get("ruleId"))), "")
            for r in run.get("results") or []
            if isinstance(r, Mapping)
        ]
        stamps += [i.get("endTimeUtc") for i in run.get("invocations") or []]
    stamp = next((s for s in stamps if s), None)
    return _report(shown, "/".join(sorted(set(tools))) or "sarif", set(), stamp, mtime, hits)


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
