"""The service's own metrics endpoint: exposition format and business metrics.

One scrape of ``metrics_url`` per session, asking for OpenMetrics first and the
Prometheus text format second, parsed with prometheus-client's parsers (whichever
the answer's Content-Type names).  Lines decided:

- Prometheus metrics endpoints exposed
- Custom business metrics implemented
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.evidence.transport import http_client, sanitize
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.observability.stock import stock_source

__all__ = ["Family", "MetricsScrape"]

ACCEPT = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
# An answer that says the endpoint is not there: a definitive "not exposed" (SPEC).
ABSENT = frozenset({404, 410})
# A sign-in form (oauth2-proxy, SSO) served with 200 in place of the metrics.
_LOGIN = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)


@dataclass(frozen=True)
class Family:
    """One parsed metric family.

    Attributes:
        name: the family name (counters without ``_total``).
        type: counter, gauge, histogram, summary, info, stateset, unknown...
        samples: how many samples it exposed.
    """

    name: str
    type: str
    samples: int


@dataclass(frozen=True)
class MetricsScrape:
    """One scrape of ``metrics_url``.

    Attributes:
        url: the URL scraped.
        content_type: the answer's Content-Type.
        families: the parsed families, in exposition order.
        sample_names: every sample name seen (``x_total``, ``x_bucket``...).
        missing: why the endpoint does not serve metrics (it answered 404, or not
            exposition format); None when it does.
    """

    url: str
    content_type: str
    families: tuple[Family, ...]
    sample_names: frozenset[str] = frozenset()
    missing: str | None = None

    def custom(self) -> list[Family]:
        """Families with samples that no instrumentation library emits by default,
        build/version info families aside.

        ``X_created`` gauges (prometheus-client's creation times of family ``X`` in the
        text format) are part of ``X``, not families of their own.
        """
        names = {f.name for f in self.families}
        return [
            f
            for f in self.families
            if f.samples
            and stock_source(f.name) is None
            and not _build_info(f)
            and not (f.name.endswith("_created") and f.name.removesuffix("_created") in names)
        ]


def _build_info(family: Family) -> bool:
    """A version/build label carrier (``myapp_build_info 1``): identity, not a business
    measurement."""
    return family.type == "info" or family.name.endswith(("_build_info", "_version_info"))


@gatherer("metrics", needs=("metrics_url",))
def scrape_metrics(ctx: Context) -> MetricsScrape:
    """Scrape ``metrics_url`` once and parse it.

    404/410 or a 200 that is not exposition format is a definitive "no metrics here"
    (``missing``); other non-200 answers mean it could not be observed (ProbeError).
    """
    url = str(ctx.env.require("metrics_url"))
    with http_client(ctx.env, headers={"Accept": ACCEPT}) as client:
        response = client.get(url)
    content_type = sanitize(response.headers.get("content-type", ""))
    if response.status_code in ABSENT:
        return MetricsScrape(url, content_type, (), missing=f"answered HTTP {response.status_code}")
    if response.status_code != 200:
        raise ProbeError(
            f"GET {url} answered HTTP {response.status_code}, not 200; check `metrics_url`"
        )
    if "html" in content_type and _LOGIN.search(response.text[:20000]):
        raise ProbeError(
            f"GET {url} answered a login page (HTML with a password field), so the metrics "
            "behind it could not be read; check `metrics_url` and its credentials"
        )
    try:
        families, names = _parse(response.text, content_type)
    except ValueError as exc:
        kind = content_type or "no Content-Type"
        return MetricsScrape(
            url, content_type, (), missing=f"is not valid exposition format ({kind}): {exc}"
        )
    return MetricsScrape(url, content_type, tuple(families), frozenset(names))


def _parse(text: str, content_type: str) -> tuple[list[Family], set[str]]:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
    from prometheus_client.parser import text_string_to_metric_families as prom

    parser = om if content_type.startswith("application/openmetrics-text") else prom
    try:
        parsed = list(parser(text))
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise ValueError(sanitize(str(exc))[:200]) from None
    names = {s.name for f in parsed for s in f.samples}
    return [Family(sanitize(f.name), f.type, len(f.samples)) for f in parsed], names


@check("Prometheus metrics endpoints exposed", uses=("metrics",), needs=("metrics_url",))
def metrics_endpoint_exposed(ctx: Context) -> Verdict:
    """The metrics endpoint answers valid Prometheus or OpenMetrics exposition with samples."""
    scrape: MetricsScrape = ctx.evidence("metrics")
    if scrape.missing:
        return Verdict.failed(f"{scrape.url} {scrape.missing}; required: Prometheus exposition")
    total = sum(f.samples for f in scrape.families)
    where = f"{scrape.url} ({scrape.content_type or 'no Content-Type'})"
    if not total:
        return Verdict.failed(
            f"{where} parsed but exposes no samples; required: "
            "at least one metric family with samples"
        )
    return Verdict.passed(
        f"{where} exposes {len(scrape.families)} metric families, "
        f"{total} samples, in valid exposition format"
    )


@check("Custom business metrics implemented", uses=("metrics",), needs=("metrics_url",))
def custom_metrics_implemented(ctx: Context) -> Verdict:
    """The endpoint exposes metric families of its own, beyond runtime defaults."""
    scrape: MetricsScrape = ctx.evidence("metrics")
    if scrape.missing:
        return Verdict.failed(f"{scrape.url} {scrape.missing}, so no business metrics either")
    custom = scrape.custom()
    if not custom:
        sources = sorted({stock_source(f.name) or "" for f in scrape.families} - {""})
        return Verdict.failed(
            f"{scrape.url} exposes only runtime and library defaults "
            f"({len(scrape.families)} families from {', '.join(sources) or 'nothing'}); "
            "required: at least one service-specific metric family"
        )
    listed = ", ".join(f"{f.name} ({f.type})" for f in custom[:10])
    more = f" and {len(custom) - 10} more" if len(custom) > 10 else ""
    return Verdict.passed(
        f"{scrape.url} exposes {len(custom)} custom metric families: {listed}{more}"
    )
