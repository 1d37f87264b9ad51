"""Security scanning: reports present, fresh, covering the images, and clean."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import Problem, listing, optional, seconds, verdict
from pytest_biothings_ready.probes.static.containers.compose import Build, ComposeFile, Service
from pytest_biothings_ready.probes.static.scanning.reports import Report, normalize_image

__all__ = ["deployed_images", "images_scanned", "scanning_passed", "zero_critical"]


def _reports(ctx: Context) -> tuple[Report, ...]:
    if not ctx.env.get("scan_reports"):
        raise NotConfigured(
            "scan_reports",
            ctx.env.name,
            "name the Trivy/Grype/pip-audit JSON or SARIF reports of this release's scans",
        )
    reports: tuple[Report, ...] = ctx.evidence("scan-reports")
    return reports


def _stale(ctx: Context, reports: tuple[Report, ...]) -> list[Problem]:
    limit = str(ctx.env.get("scan_max_age"))
    now = dt.datetime.now(dt.UTC)
    return [
        Problem(
            r.file,
            f"made {r.created:%Y-%m-%d %H:%M} UTC"
            f"{' (file time)' if r.dated_by_mtime else ''}, older than {limit}",
        )
        for r in reports
        if (now - r.created).total_seconds() > seconds(limit)
    ]


@dataclass(frozen=True)
class Deployed:
    """An image the deploy path runs.

    Attributes:
        label: how evidence names it (``image X`` or ``service S (built from F)``).
        where: ``file:line`` that deploys it.
        keys: what identifies it in a report: normalized image names, ``service:NAME``
            (compose's service label), ``path:/abs`` (build context or Dockerfile).
    """

    label: str
    where: str
    keys: frozenset[str]


def deployed_images(ctx: Context) -> list[Deployed]:
    """Images the manifests and compose files deploy, compose builds included."""
    found: dict[str, Deployed] = {}
    kube = optional(ctx, "manifests", "manifests")
    for container in kube.containers(init=True) if kube else []:
        if container.spec.get("image"):
            image = normalize_image(str(container.spec["image"]))
            found.setdefault(
                image, Deployed(f"image {image}", container.at("image"), frozenset({image}))
            )
    for compose in optional(ctx, "compose", "compose_files") or ():
        for service in compose.services:
            item = _compose_image(compose, service)
            if item is not None:
                found.setdefault(sorted(item.keys)[0], item)
    return list(found.values())


def _compose_image(compose: ComposeFile, service: Service) -> Deployed | None:
    build = compose.build_of(service)
    if service.get("image"):
        image = normalize_image(str(service.get("image")))
        keys = {image} | (_build_keys(compose, service, build) if build else set())
        return Deployed(f"image {image}", service.at("image"), frozenset(keys))
    if build is None:
        return None
    return Deployed(
        f"service {service.name} (built from {compose.file} build:)",
        service.at("build"),
        frozenset(_build_keys(compose, service, build)),
    )


def _build_keys(compose: ComposeFile, service: Service, build: Build) -> set[str]:
    project = compose.project()
    return {
        normalize_image(service.name),
        normalize_image(f"{project}-{service.name}"),
        normalize_image(f"{project}_{service.name}"),
        f"service:{service.name}",
        f"path:{build.context}",
        f"path:{build.dockerfile}",
    }


def _report_keys(ctx: Context, report: Report) -> set[str]:
    keys = set(report.images)
    for name in report.names:
        keys |= {normalize_image(name), f"service:{name}"}
        with contextlib.suppress(OSError, ValueError):
            keys.add(f"path:{ctx.env.path(name).resolve()}")
    return keys


def _uncovered(ctx: Context, reports: tuple[Report, ...]) -> tuple[list[Problem], int]:
    """Deployed images no report covers, and how many images are deployed."""
    covered = set().union(*(_report_keys(ctx, r) for r in reports)) if reports else set()
    images = deployed_images(ctx)
    return [
        Problem(item.where, f"{item.label} has no scan report")
        for item in images
        if not item.keys & covered
    ], len(images)


@check(
    "Docker images are built with security scanning", uses=("scan-reports", "manifests", "compose")
)
def images_scanned(ctx: Context) -> Verdict:
    """Every deployed image has a recent scanner report.

    The reports named by ``scan_reports`` parse (Trivy, Grype, pip-audit JSON or
    SARIF), none is older than ``scan_max_age``, and every image the manifests and
    compose files deploy is the target of its own Trivy or Grype report (a compose
    service built from a Dockerfile is matched by the image compose tags, its service
    label or a filesystem scan of its build context).  When neither names an image,
    coverage cannot be checked and the item is unverified.
    """
    reports = _reports(ctx)
    problems = _stale(ctx, reports)
    missing, images = _uncovered(ctx, reports)
    problems += missing
    summary = listing([r.summary() for r in reports])
    if not problems and not images:
        return Verdict.unverified(
            f"{len(reports)} recent scan reports ({summary}), but no `manifests` or "
            "`compose_files` name the deployed images, so coverage cannot be checked."
        )
    return verdict(
        problems,
        "images not (recently) scanned",
        f"{len(reports)} recent scan reports covering all {images} deployed images: {summary}.",
    )


@check("Security scanning passed", uses=("scan-reports",))
def scanning_passed(ctx: Context) -> Verdict:
    """Recent scans of every deployed image report no finding at a failing severity.

    Every report is younger than ``scan_max_age``, every deployed image has its own
    report, and no finding of any class (Trivy vulnerabilities, secrets and
    misconfigurations; SARIF results by ``security-severity`` score, else ``level``:
    ``error`` is HIGH) has a severity in ``scan_fail_severities`` (default CRITICAL
    and HIGH).  When
    ``requirements_files`` are named, a pip-audit report must be among the reports;
    pip-audit rates no severity, so any vulnerability it lists fails the item.
    """
    reports = _reports(ctx)
    failing = {str(s).upper() for s in ctx.env.get("scan_fail_severities")}
    problems = _stale(ctx, reports) + _uncovered(ctx, reports)[0]
    for report in reports:
        bad = {
            s: n
            for s, n in report.counts.items()
            if n and (s in failing or report.tool == "pip-audit")
        }
        if bad:
            kinds = ", ".join(f"{n} {c}" for c, n in sorted(report.classes.items()) if n)
            counts = ", ".join(f"{n} {s}" for s, n in bad.items())
            problems.append(Problem(report.file, f"{counts} (of {kinds})"))
    if ctx.env.get("requirements_files") and not any(r.tool == "pip-audit" for r in reports):
        problems.append(
            Problem(
                "requirements_files",
                "have no pip-audit report among scan_reports (pip-audit -r FILE -f json -o REPORT)",
            )
        )
    return verdict(
        problems,
        f"scan findings at {'/'.join(sorted(failing))}",
        f"scans passed (no {'/'.join(sorted(failing))}): "
        f"{listing([r.summary() for r in reports])}.",
    )


@check("Security: Zero critical vulnerabilities", uses=("scan-reports",))
def zero_critical(ctx: Context) -> Verdict:
    """The scanner reports count zero CRITICAL vulnerabilities.

    Recent reports only (``scan_max_age``), every class of finding.  Findings
    without a severity score (all of pip-audit's, SARIF results rated only by
    ``level``) and deployed images without a report leave the item unverified,
    since they may hide a critical one.
    """
    reports = _reports(ctx)
    stale = _stale(ctx, reports)
    critical = [
        Problem(r.file, f"{r.counts['CRITICAL']} CRITICAL: {', '.join(r.worst)}")
        for r in reports
        if r.counts.get("CRITICAL")
    ]
    if critical or stale:
        return Verdict.failed(
            f"critical vulnerabilities or stale scans: {listing(critical + stale)}."
        )
    unknown = [
        Problem(r.file, f"{r.unrated} of unknown severity ({r.tool}: no score)")
        for r in reports
        if r.unrated
    ]
    unknown += _uncovered(ctx, reports)[0]
    if unknown:
        return Verdict.unverified(f"no CRITICAL rated, but {listing(unknown)} could be.")
    return Verdict.passed(f"0 CRITICAL in {listing([r.summary() for r in reports])}.")
