"""Alert rules, from a live Prometheus or from rule files, and what makes them work.

Both sources become a :class:`RuleSet` judged by the same logic: a *service down*
alert is a critical rule on ``up`` (or ``absent(...)``) whose job selector matches
a known scrape job; an *error-rate* alert is a critical rule over a 5xx or error
series whose metric the service actually exposes (when its metrics are known).
Rule files are also checked with ``promtool`` when it is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.query import duration_seconds
from pytest_biothings_ready.evidence.transport import sanitize
from pytest_biothings_ready.probes.observability.rulefiles import (
    check_rule_file,
    load_yaml_all,
    rule_groups,
)

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["AlertRule", "RuleSet", "promtool", "rules_from_files"]

_JOB = re.compile(r'\bjob\s*(=~|=)\s*"([^"]*)"')
_UP = re.compile(r"(?<![\w:])up\s*(\{|==|<|$|\s|\))|absent\s*\(")
_UP_INVERTED = re.compile(r"^\s*up\s*(\{[^}]*\})?\s*(==\s*1|>=\s*1|>\s*0|!=\s*0)\s*$")
_ERRORS = re.compile(r'5\.\.|5xx|"5|error|fail', re.IGNORECASE)
_METRIC = re.compile(r"(?<![\w:\"'])([a-zA-Z_:][\w:]*)\s*(?=\{|\[)")
_NAME_MATCH = re.compile(r'__name__\s*=~?\s*"([^"]*)"')
# A PromQL string literal (kept) or a ``#`` comment up to the end of its line (dropped).
_COMMENT = re.compile(r"(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`)|#[^\n]*")
# Identifiers not followed by "(" or a selector: a bare metric or recording-rule name.
_BARE = re.compile(r"(?<![\w:\"'.])([a-zA-Z_:][\w:]*)\b(?!\s*[({\[])")
_BARE_WORDS = frozenset(
    {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool"}
    | {"and", "or", "unless", "inf", "nan", "Inf", "NaN"}
)
_KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "offset",
    "bool",
    "and",
    "or",
    "unless",
}


@dataclass(frozen=True)
class AlertRule:
    """One alerting rule.

    Attributes:
        name: the alert name.
        expr: its PromQL expression.
        labels: its static labels (severity...).
        annotations: its annotations (runbook_url, summary...).
        health: ``ok``, ``err`` or ``unknown`` (live rules), ``file`` for rule files.
        error: the last evaluation error, if any.
        for_s: its ``for`` duration in seconds (-1: not a valid duration).
        interval_s: its group's evaluation ``interval`` in seconds (0: the global one;
            -1: not a valid duration).
    """

    name: str
    expr: str
    labels: dict[str, str]
    annotations: dict[str, str]
    health: str = "file"
    error: str = ""
    for_s: float = 0.0
    interval_s: float = 0.0

    def jobs(self) -> list[tuple[str, str]]:
        """The ``job`` matchers in the expression, as (operator, value)."""
        return _JOB.findall(self.expr)

    def metrics(self) -> set[str]:
        """Metric names (or ``__name__`` regexes) the expression selects."""
        names = {m for m in _METRIC.findall(self.expr) if m not in _KEYWORDS}
        return names | {f"~{r}" for r in _NAME_MATCH.findall(self.expr)}

    def selects_metric(self) -> bool:
        """Whether the expression reads any series: a selector, or a bare name such as a
        recording rule (``job:errors:ratio5m > 0.05``); ``vector(0) > 1`` reads none."""
        return bool(self.metrics()) or bool(set(_BARE.findall(self.expr)) - _BARE_WORDS)

    def is_down_alert(self) -> bool:
        """On ``up`` or ``absent(...)``, and not the inverted ``up == 1`` (fires when up)."""
        return bool(_UP.search(self.expr)) and not _UP_INVERTED.match(self.expr)

    def is_error_alert(self) -> bool:
        return not self.is_down_alert() and bool(_ERRORS.search(self.expr + self.name))


@dataclass(frozen=True)
class RuleSet:
    """The alert rules of one source.

    Attributes:
        source: where they came from (a Prometheus URL or file paths).
        alerts: every alerting rule.
        problems: what the source's own tooling rejected (promtool, evaluation).
        jobs: the scrape jobs known to that source (targets or scrape config).
    """

    source: str
    alerts: tuple[AlertRule, ...]
    problems: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()


def alerts_from_groups(groups: list[dict[str, Any]]) -> list[AlertRule]:
    """The alerting rules of rule groups, as the API or a rule file lists them."""
    found = []
    for group in _dicts(groups):
        for rule in _dicts(group.get("rules")):
            name = rule.get("alert") or (
                rule.get("name") if rule.get("type") == "alerting" else None
            )
            if not name:
                continue
            found.append(
                AlertRule(
                    sanitize(str(name)),
                    _promql(str(rule.get("expr") or rule.get("query") or "")),
                    _strings(rule.get("labels")),
                    _strings(rule.get("annotations")),
                    str(rule.get("health", "file")),
                    sanitize(str(rule.get("lastError") or ""))[:300],
                    _seconds(rule.get("duration", rule.get("for", 0))),
                    _seconds(group.get("interval", 0)),
                )
            )
    return found


def _seconds(value: Any) -> float:
    """A ``for``/``interval``: seconds as the API gives them, a duration string in files."""
    if value in (None, ""):
        return 0.0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return duration_seconds(str(value))
    except ValueError:
        return -1.0


def _promql(expr: str) -> str:
    """``expr`` on one line without comments: a comment saying "failed scrapes" must not
    make an alert an error-rate alert, and evidence quotes the expression."""
    return " ".join(_COMMENT.sub(lambda m: m.group(1) or "", expr).split())


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list (hand-written files hold stray scalars too)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def promtool(*args: str, timeout: float = 20.0) -> str | None:
    """Run ``promtool ARGS``; its complaint when it fails, None when it passes or is absent."""
    return _tool("promtool", args, timeout)


def _tool(name: str, args: tuple[str, ...], timeout: float) -> str | None:
    binary = shutil.which(name) or (
        f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None
    )
    if binary is None:
        return None
    try:
        done = subprocess.run(
            [binary, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return f"{name} {' '.join(args)} gave no answer within {timeout:.0f} s"
    if done.returncode == 0:
        return None
    # amtool gives the reason on stdout and only "failed to validate" on stderr.
    message = " ".join(f"{done.stdout} {done.stderr}".split())
    return f"{name} {' '.join(args)}: {message[:400]}"


def amtool(*args: str, timeout: float = 20.0) -> str | None:
    """Run ``amtool ARGS``; its complaint when it fails, None when it passes or is absent."""
    return _tool("amtool", args, timeout)


def load_yaml(path: Path) -> Any:
    """A YAML file's content; unreadable or malformed files are a ProbeError."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProbeError(f"cannot read {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ProbeError(f"{path} is not valid YAML: {exc}") from None


def rules_from_files(env: Environment) -> RuleSet | None:
    """The rule files named by ``alert_rules`` and ``prometheus_config``; None if none."""
    files = [f for p in env.get("monitoring.alert_rules") or [] for f in _expand(env.path(str(p)))]
    for missing in (f for f in files if not f.exists()):
        raise ProbeError(f"rule file {missing} does not exist; check `monitoring.alert_rules`")
    problems: list[str] = []
    jobs: list[str] = []
    config = env.get("monitoring.prometheus_config")
    if config:
        path = env.path(str(config))
        jobs, referenced, complaint = _scrape_config(path)
        absent = [f for f in referenced if not f.exists()]
        problems += [f"{path} names rule file {f}, which does not exist" for f in absent]
        files += [f for f in referenced if f not in absent]
        problems += [complaint] if complaint else []
    if not files and not config:
        return None
    alerts: list[AlertRule] = []
    for path in dict.fromkeys(files):
        try:
            documents = load_yaml_all(path)
        except ProbeError as exc:  # a declared file that does not load: a finding (SPEC)
            problems.append(str(exc))
            continue
        problems += check_rule_file(path, documents, promtool)
        alerts += alerts_from_groups(rule_groups(documents))
    source = ", ".join(str(p) for p in dict.fromkeys(files)) or str(config)
    return RuleSet(source, tuple(alerts), tuple(problems), tuple(jobs))


def _expand(path: Path, strict: bool = True) -> list[Path]:
    """A path, or the files a glob pattern in it matches (``rules/*.yml``).

    A pattern named in ``alert_rules`` must match something; one in prometheus.yml
    may match nothing, as Prometheus allows.
    """
    if not any(c in path.name for c in "*?["):
        return [path]
    found = sorted(path.parent.glob(path.name))
    if not found and strict:
        raise ProbeError(f"rule file pattern {path} matches no file")
    return found


def _scrape_config(path: Path) -> tuple[list[str], list[Path], str | None]:
    """Job names and rule files of a prometheus.yml, and promtool's complaint."""
    if not path.is_file():
        raise ProbeError(f"{path} does not exist; check `monitoring.prometheus_config`")
    complaint = promtool("check", "config", "--syntax-only", str(path))
    try:
        content = load_yaml(path)
    except ProbeError as exc:  # declared and does not load: a finding, not "could not look"
        return [], [], complaint or str(exc)
    if not isinstance(content, dict):
        return [], [], f"{path} is not a Prometheus configuration (no mapping)"
    jobs = [str(j.get("job_name")) for j in _dicts(content.get("scrape_configs"))]
    rule_files = []
    patterns = content.get("rule_files")
    for pattern in patterns if isinstance(patterns, list) else []:
        rule_files += _expand(path.parent / str(pattern), strict=False)
    return jobs, rule_files, complaint
