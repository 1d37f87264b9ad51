"""Runbook links on alert rules.

Every alerting rule must carry the runbook annotation (``runbook_url`` by default).
Links on ``monitoring.runbook_hosts``, or on any origin the environment already names
(``base_url``, ``monitoring.grafana_url``...), are fetched (they must answer 2xx/3xx);
links elsewhere are only checked for presence, since the plugin sends traffic only to
hosts the environment names.  Line decided: Runbooks created for common alerts.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.evidence.transport import Scope, http_client
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.observability.prometheus import rule_sources

__all__: list[str] = []


def _dead_links(ctx: Context, urls: list[str]) -> list[str]:
    """The fetched runbook URLs that do not answer 2xx/3xx, with what they did."""
    import httpx

    hosts = {str(h) for h in ctx.env.get("monitoring.runbook_hosts") or []}
    scope = Scope.of(ctx.env)
    fetched = [u for u in urls if urlsplit(u).hostname in hosts or scope.refusal(u) is None]
    dead = []
    with http_client(ctx.env, extra_hosts=hosts) as client:
        for url in dict.fromkeys(fetched):
            try:
                status = client.get(url).status_code
            except httpx.HTTPError as exc:
                dead.append(f"{url} ({type(exc).__name__})")
                continue
            if status >= 400:
                dead.append(f"{url} (HTTP {status})")
    return dead


@check(
    "Runbooks created for common alerts",
    uses=("prometheus-rules", "rule-files", "prometheus-targets"),
)
def runbooks_created(ctx: Context) -> Verdict:
    """Every alert rule links a runbook, and fetchable runbook links answer."""
    annotation = str(ctx.env.get("monitoring.runbook_annotation"))
    total, missing, urls = 0, [], []
    for rules in rule_sources(ctx):
        total += len(rules.alerts)
        missing += [a.name for a in rules.alerts if not a.annotations.get(annotation)]
        urls += [a.annotations[annotation] for a in rules.alerts if a.annotations.get(annotation)]
    if not total:
        return Verdict.failed("no alert rules found, so no runbooks either")
    if missing:
        return Verdict.failed(
            f"{len(missing)}/{total} alerts lack a {annotation} "
            f"annotation: {', '.join(sorted(set(missing))[:8])}"
        )
    dead = _dead_links(ctx, urls)
    if dead:
        return Verdict.failed(f"runbook links that do not answer: {', '.join(dead[:5])}")
    return Verdict.passed(
        f"all {total} alert rules carry a {annotation} annotation ({len(set(urls))} distinct links)"
    )
