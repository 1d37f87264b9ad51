"""Security scanning: reports present, fresh, covering the images, and clean."""

from __future__ import annotations

import datetime as dt

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import Problem, listing, optional, seconds, verdict
from pytest_biothings_ready.probes.static.reports import Report, normalize_image

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


def deployed_images(ctx: Context) -> dict[str, str]:
    """Images the manifests and compose files deploy, normalized, with where each is named."""
    found: dict[str, str] = {}
    kube = optional(ctx, "manifests", "manifests")
    for container in kube.containers(init=True) if kube else []:
        if container.spec.get("image"):
            found.setdefault(normalize_image(str(container.spec["image"])), container.at("image"))
    for compose in optional(ctx, "compose", "compose_files") or ():
        for service in compose.services:
            if service.get("image"):
                found.setdefault(normalize_image(str(service.get("image"))), service.at("image"))
    return found


@check(
    "Docker images are built with security scanning", uses=("scan-reports", "manifests", "compose")
)
def images_scanned(ctx: Context) -> Verdict:
    """Every deployed image has a recent scanner report.

    The reports named by ``scan_reports`` parse (Trivy, Grype, pip-audit JSON or
    SARIF), none is older than ``scan_max_age``, and every image the manifests and
    compose files deploy is the target of a Trivy or Grype image report.  When
    neither names an image, coverage cannot be checked and the item is unverified.
    """
    reports = _reports(ctx)
    problems = _stale(ctx, reports)
    covered = {image for r in reports for image in r.images}
    images = deployed_images(ctx)
    problems += [
        Problem(where, f"image {image} has no scan report")
        for image, where in images.items()
        if image not in covered
    ]
    summary = listing([r.summary() for r in reports])
    if not problems and not images:
        return Verdict.unverified(
            f"{len(reports)} recent scan reports ({summary}), but no `manifests` or "
            "`compose_files` name the deployed images, so coverage cannot be checked."
        )
    return verdict(
        problems,
        "images not (recently) scanned",
        f"{len(reports)} recent scan reports covering all {len(images)} deployed images: "
        f"{summary}.",
    )


@check("Security scanning passed", uses=("scan-reports",))
def scanning_passed(ctx: Context) -> Verdict:
    """Recent scans report no finding at a failing severity.

    Every report is younger than ``scan_max_age`` and has no finding whose severity
    is in ``scan_fail_severities`` (default CRITICAL and HIGH).  When
    ``requirements_files`` are named, a pip-audit report must be among the reports;
    pip-audit rates no severity, so any vulnerability it lists fails the item.
    """
    reports = _reports(ctx)
    failing = {str(s).upper() for s in ctx.env.get("scan_fail_severities")}
    problems = _stale(ctx, reports)
    for report in reports:
        bad = {
            s: n
            for s, n in report.counts.items()
            if n and (s in failing or report.tool == "pip-audit")
        }
        if bad:
            problems.append(Problem(report.file, ", ".join(f"{n} {s}" for s, n in bad.items())))
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

    Recent reports only (``scan_max_age``).  Findings of unknown severity (all of
    pip-audit's, SARIF results without a security-severity) leave the item
    unverified, since they may be critical.
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
        Problem(r.file, f"{r.counts['UNKNOWN']} of unknown severity ({r.tool})")
        for r in reports
        if r.counts.get("UNKNOWN")
    ]
    if unknown:
        return Verdict.unverified(f"no CRITICAL rated, but {listing(unknown)} could be.")
    return Verdict.passed(f"0 CRITICAL in {listing([r.summary() for r in reports])}.")
