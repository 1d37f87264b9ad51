"""The service's logs: structure and secrets in a sample, and the log backend.

``monitoring.log_sample`` is a file of recent log lines (exported from the
platform: ``kubectl logs --tail=1000 deploy/api > sample.log``).  Lines decided here:

- Structured logging implemented: at least 95% of the lines are JSON objects with a
  non-empty timestamp and level (read from the sample, else from the service's last
  hour in Loki: ``monitoring.loki_url`` with ``monitoring.loki_query``).
- Sensitive data excluded from logs: detect-secrets finds nothing in the sample and
  none of the environment's secret values occurs in it.

The aggregation backends (Loki, Elasticsearch) are in :mod:`.logstore`.
"""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.query import LOKI, get_json
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict

__all__ = ["LogSample"]

MAX_LINES = 5000
STRUCTURED_SHARE = 0.95
TIME_KEYS = ("timestamp", "time", "ts", "@timestamp", "asctime", "t")
LEVEL_KEYS = ("level", "levelname", "severity", "lvl", "log.level", "loglevel")
# Entropy detectors flag every request or trace id in a log; the rest are kept.
NOISY_DETECTORS = {"Hex High Entropy String", "Base64 High Entropy String"}


@dataclass(frozen=True)
class LogSample:
    """The last lines of the configured log sample.

    Attributes:
        path: the file read.
        lines: its last non-empty lines (at most 5000).
        stamped: the store timestamps every line (Loki), so lines need no time key.
    """

    path: str
    lines: tuple[str, ...]
    stamped: bool = False


@gatherer("log-sample")
def read_log_sample(ctx: Context) -> LogSample:
    """Read the tail of ``monitoring.log_sample``, else the service's last hour in Loki."""
    if not ctx.env.get("monitoring.log_sample"):
        if ctx.env.get("monitoring.loki_url") and ctx.env.get("monitoring.loki_query"):
            return _from_loki(ctx)
        raise NotConfigured(
            "monitoring.log_sample",
            ctx.env.name,
            "or monitoring.loki_url with monitoring.loki_query",
        )
    path = ctx.env.path(str(ctx.env.require("monitoring.log_sample")))
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            lines = deque((line.rstrip("\n") for line in handle if line.strip()), MAX_LINES)
    except OSError as exc:
        raise ProbeError(f"cannot read log sample {path}: {exc.strerror}") from None
    if not lines:
        raise ProbeError(f"log sample {path} is empty")
    return LogSample(str(path), tuple(lines))


def _from_loki(ctx: Context) -> LogSample:
    """The service's newest lines (up to 1000) of the last hour, from Loki."""
    now = time.time()
    query = str(ctx.env.get("monitoring.loki_query"))
    body = get_json(
        ctx.env,
        LOKI,
        "/loki/api/v1/query_range",
        query=query,
        limit=1000,
        direction="backward",
        start=int((now - 3600) * 1e9),
        end=int(now * 1e9),
    )
    streams = (body.get("data") or {}).get("result") or [] if isinstance(body, dict) else []
    lines = [str(v[1]) for s in streams for v in s.get("values") or [] if len(v) > 1]
    source = f"{ctx.env.get('monitoring.loki_url')} {query}"
    if not lines:
        raise ProbeError(f"Loki holds no line for {query} in the last hour; nothing to judge")
    return LogSample(source, tuple(line for line in lines if line.strip())[:MAX_LINES], True)


def _record(line: str) -> dict[str, Any] | None:
    """A JSON object log line; a container runtime's wrapper (``{"log": "..."}``) is
    unwrapped when the line it carries is itself a JSON object."""
    try:
        record: Any = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    inner = record.get("log")
    if isinstance(inner, str) and inner.lstrip().startswith("{"):
        unwrapped = _record(inner)
        return {**record, **unwrapped} if unwrapped else record
    if isinstance(inner, dict):
        return {**record, **{f"log.{k}": v for k, v in inner.items()}}
    return record


def _structured(line: str, stamped: bool = False) -> bool:
    """A JSON object with a non-empty level and (unless ``stamped``) timestamp."""
    flat = _record(line)
    if flat is None:
        return False

    def present(keys: tuple[str, ...]) -> bool:
        return any(flat.get(k) not in (None, "", [], {}) for k in keys)

    return (stamped or present(TIME_KEYS)) and present(LEVEL_KEYS)


@check("Structured logging implemented", uses=("log-sample",))
def structured_logging(ctx: Context) -> Verdict:
    """At least 95% of the sampled log lines are JSON objects with a timestamp and a level."""
    sample: LogSample = ctx.evidence("log-sample")
    good = [i for i, line in enumerate(sample.lines) if _structured(line, sample.stamped)]
    share = len(good) / len(sample.lines)
    where = f"{len(good)}/{len(sample.lines)} lines of {sample.path} ({share:.1%})"
    expected = f"required: >= {STRUCTURED_SHARE:.0%} JSON objects with a timestamp and a level"
    if share >= STRUCTURED_SHARE:
        return Verdict.passed(f"{where} are structured; {expected}")
    first = next(i for i in range(len(sample.lines)) if i not in set(good))
    return Verdict.failed(
        f"only {where} are structured (first other: line {first + 1} of the sample); {expected}"
    )


def _findings(ctx: Context, sample: LogSample) -> list[str]:
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    # Raw values: an unset ${VAR} in ``secrets`` must not stop this check.
    raw = ctx.env.settings.get("secrets") or {}
    known = {v for v in raw.values() if isinstance(v, str) and len(v) >= 6}
    known |= {s for s in ctx.env.secrets if len(s) >= 6}
    found: list[str] = []
    with default_settings():
        for number, line in enumerate(sample.lines, start=1):
            kinds = {s.type for s in scan_line(line)} - NOISY_DETECTORS
            kinds |= {"a configured secret value"} if any(s in line for s in known) else set()
            found += [f"line {number}: {kind}" for kind in sorted(kinds)]
    return found


@check("Sensitive data excluded from logs", uses=("log-sample",))
def no_secrets_in_logs(ctx: Context) -> Verdict:
    """No secret (detect-secrets plugins or the environment's secret values) is in the logs."""
    sample: LogSample = ctx.evidence("log-sample")
    found = _findings(ctx, sample)
    if found:
        more = f" and {len(found) - 6} more" if len(found) > 6 else ""
        return Verdict.failed(
            f"secrets in {sample.path}: {'; '.join(found[:6])}{more} "
            "(values not shown); required: none"
        )
    return Verdict.passed(
        f"no secret found in {len(sample.lines)} lines of {sample.path} "
        "by detect-secrets or among the environment's secret values"
    )
