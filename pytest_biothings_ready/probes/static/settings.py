"""Settings read by the static family (declared at import time, no heavy imports)."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

register(
    Key(
        "manifest_kinds",
        "list",
        "Extra custom resource kinds accepted in manifests.",
        values="str",
        family="static",
    ),
    Key(
        "nginx_configs",
        "list",
        "nginx configuration files (upstreams, affinity).",
        values="path",
        family="static",
    ),
    Key(
        "logrotate_configs",
        "list",
        "logrotate files that rotate the service's logs.",
        values="path",
        family="static",
    ),
    Key(
        "scan_reports",
        "list",
        "Scanner reports: Trivy, Grype or pip-audit JSON, SARIF.",
        values="path",
        family="static",
    ),
    Key("scan_max_age", "duration", "Oldest acceptable scanner report.", "7d", family="static"),
    Key(
        "scan_fail_severities",
        "list",
        "Severities that fail 'Security scanning passed'.",
        ["CRITICAL", "HIGH"],
        values="str",
        family="static",
    ),
    Key(
        "requirements_files",
        "list",
        "Python requirements/lock files pip-audit covers.",
        values="path",
        family="static",
    ),
    Key(
        "cost_labels",
        "list",
        "Labels every workload must carry (team, cost-center).",
        values="str",
        family="static",
    ),
    Key(
        "session_affinity_required",
        "bool",
        "Whether the service needs sticky sessions.",
        family="static",
    ),
    Key(
        "secrets_allowlist",
        "path",
        "Accepted secret-scan findings (TOML or YAML).",
        family="static",
    ),
    Key(
        "usage_window", "duration", "Lookback for observed container usage.", "7d", family="static"
    ),
)
