"""Runbook links on alert rules.

Every alerting rule must carry the runbook annotation (``runbook_url`` by default).
Links on ``monitoring.runbook_hosts``, or on any origin the environment already names
(``base_url``, ``monitoring.grafana_url``...), are fetched: they must answer 2xx/3xx,
and not the very page a path that cannot exist on that origin answers (a catch-all);
links that cannot be fetched at all (refused, timeout) make the line an error;
links elsewhere are only checked for presence, since the plugin sends traffic only to
hosts the environment names.  Line decided: Runbooks created for common alerts.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.evidence.transport import Scope, http_client
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.observability.prometheus import rule_sources

__all__: list[str] = []


def _dead_links(ctx: Context, urls: list[str]) -> list[str]:
    """The fetched runbook URLs that do not answer 2xx/3xx, or answer exactly what a
    path that cannot exist on that origin answers (an SPA or wiki catch-all)."""
    import httpx

    hosts = {str(h) for h in ctx.env.get("monitoring.runbook_hosts") or []}
    scope = Scope.of(ctx.env)
    fetched = [u for u in urls if urlsplit(u).hostname in hosts or scope.refusal(u) is None]
    dead, unreachable = [], []
    nowhere: dict[str, tuple[int, bytes]] = {}
    with http_client(ctx.env, extra_hosts=hosts) as client:
        for url in dict.fromkeys(fetched):
            try:
                response = client.get(url)
                if 200 <= response.status_code < 300:
                    base = _origin(url)
                    if base not in nowhere:
                        other = client.get(f"{base}/{secrets.token_hex(8)}-no-such-runbook")
                        nowhere[base] = (other.status_code, other.content)
            except httpx.HTTPError as exc:
                unreachable.append(f"{url} ({type(exc).__name__})")
                continue
            if response.status_code >= 400:
                dead.append(f"{url} (HTTP {response.status_code})")
            elif nowhere.get(_origin(url)) == (response.status_code, response.content):
                dead.append(f"{url} (the same page as a path that cannot exist: a catch-all)")
    if unreachable and not dead:
        raise ProbeError(f"runbook links could not be fetched: {', '.join(unreachable[:5])}")
    return dead + unreachable


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


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
