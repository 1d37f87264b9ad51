"""The service's logs: structure and secrets in a sample, and the log backend.

``monitoring.log_sample`` is a file of recent log lines (exported from the
platform: ``kubectl logs --tail=1000 deploy/api > sample.log``).  Lines decided here:

- Structured logging implemented: at least 95% of the lines are JSON objects with a
  timestamp and a level.
- Sensitive data excluded from logs: detect-secrets finds nothing in the sample and
  none of the environment's secret values occurs in it.

The aggregation backends (Loki, Elasticsearch) are in :mod:`.logstore`.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.errors import ProbeError
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
    """

    path: str
    lines: tuple[str, ...]


@gatherer("log-sample", needs=("monitoring.log_sample",))
def read_log_sample(ctx: Context) -> LogSample:
    """Read the tail of ``monitoring.log_sample``."""
    path = ctx.env.path(str(ctx.env.require("monitoring.log_sample")))
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            lines = deque((line.rstrip("\n") for line in handle if line.strip()), MAX_LINES)
    except OSError as exc:
        raise ProbeError(f"cannot read log sample {path}: {exc.strerror}") from None
    if not lines:
        raise ProbeError(f"log sample {path} is empty")
    return LogSample(str(path), tuple(lines))


def _structured(line: str) -> bool:
    try:
        record: Any = json.loads(line)
    except ValueError:
        return False
    if not isinstance(record, dict):
        return False
    flat = (
        {**record, **{f"log.{k}": v for k, v in (record.get("log") or {}).items()}}
        if isinstance(record.get("log"), dict)
        else record
    )
    return any(k in flat for k in TIME_KEYS) and any(k in flat for k in LEVEL_KEYS)


@check("Structured logging implemented", uses=("log-sample",), needs=("monitoring.log_sample",))
def structured_logging(ctx: Context) -> Verdict:
    """At least 95% of the sampled log lines are JSON objects with a timestamp and a level."""
    sample: LogSample = ctx.evidence("log-sample")
    good = [i for i, line in enumerate(sample.lines) if _structured(line)]
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


@check("Sensitive data excluded from logs", uses=("log-sample",), needs=("monitoring.log_sample",))
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
