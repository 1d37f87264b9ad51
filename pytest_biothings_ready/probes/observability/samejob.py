"""Whether a scrape job scrapes the service: by what it scrapes, not where.

In Kubernetes Prometheus scrapes pod addresses while ``metrics_url`` is the public
URL, so a job's targets rarely equal ``metrics_url``.  What the job stores still
tells: the service's own metric families (those no library emits by default) appear
among the job's series when the job scrapes the service, and not when it scrapes an
exporter on another port.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.query import instant_query

if TYPE_CHECKING:
    from pytest_biothings_ready.evidence.registry import Context
    from pytest_biothings_ready.probes.observability.metrics import MetricsScrape

__all__ = ["foreign_job"]


def foreign_job(ctx: Context, job: str) -> str | None:
    """Why ``job`` observably scrapes something other than ``metrics_url``, if it does."""
    if not ctx.env.get("metrics_url"):
        return None
    try:
        scrape: MetricsScrape = ctx.evidence("metrics")
    except ProbeError:
        return None
    own = {f.name for f in scrape.custom()} if not scrape.missing else set()
    if not own:
        return None
    stored = {
        s.labels.get("__name__", "")
        for s in instant_query(ctx.env, f'group by (__name__) ({{job="{job}"}})')
    }
    if any(name == family or name.startswith(f"{family}_") for name in stored for family in own):
        return None
    return (
        f"job {job!r} stores none of the service's own metrics from {scrape.url} "
        f"({', '.join(sorted(own)[:5])}); it scrapes something else"
    )
