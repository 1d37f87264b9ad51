"""The settings the observability family reads, declared with the config schema.

Everything lives under ``[env.NAME.monitoring]`` (how to reach and read the
monitoring stack) and ``[env.NAME.kpi]`` (one PromQL override per KPI line).  The
URLs ``metrics_url``, ``prometheus_url`` and ``alertmanager_url`` are core keys.
"""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__ = ["KPI_KEYS"]

FAMILY = "observability"

# KPI name -> one-line doc; each becomes ``kpi.NAME`` (a PromQL string).
KPI_KEYS: dict[str, str] = {
    "error_rate": "Error ratio over the SLO window (0..1).",
    "p95": "p95 latency over the SLO window, seconds.",
    "p95_previous": "p95 latency over the window before, seconds (trend).",
    "uptime": "Availability over the SLO window (0..1).",
    "resource_utilization": "Peak CPU cores used by one instance in the window.",
    "critical_alerts": "Critical alerts that fired in the SLO window (count).",
    "security_alerts": "Security alerts that fired in the SLO window (count).",
    "memory_growth": "Resident memory growth over the window, as a fraction.",
    "task_success": "Agent task success ratio over the SLO window (0..1).",
    "cost": "Spend over the cost period, in the forecast's currency (no default).",
    "llm_cost": "LLM spend over the cost period (no default).",
    "backup_age": "Seconds since the last successful backup job.",
}


def _monitoring(name: str, kind: str, doc: str, default: object = None, values: str = "str") -> Key:
    return Key(f"monitoring.{name}", kind, doc, default, values=values, family=FAMILY)


register(
    _monitoring(
        "prometheus_job",
        "str",
        "The service's scrape job; default: the job scraping metrics_url, else the only job.",
        "",
    ),
    _monitoring(
        "prometheus_headers", "map", "Headers sent to Prometheus (secrets ok).", values="str"
    ),
    _monitoring("alertmanager_headers", "map", "Headers sent to Alertmanager.", values="str"),
    _monitoring("severity_label", "str", "Label naming an alert's severity.", "severity"),
    _monitoring("critical_value", "str", "Severity value of critical alerts.", "critical"),
    _monitoring("security_label", "str", "Label marking security alerts.", "category"),
    _monitoring("security_value", "str", "Its value on security alerts.", "security"),
    _monitoring("runbook_annotation", "str", "Annotation holding a runbook URL.", "runbook_url"),
    _monitoring("runbook_hosts", "list", "Runbook hosts whose URLs are fetched.", values="str"),
    _monitoring("slo_window", "duration", "Lookback of the SLO and KPI queries.", "7d"),
    _monitoring("min_history", "duration", "Less history than this: KPI unverified.", "1h"),
    _monitoring("alert_rules", "list", "Prometheus rule files checked offline.", values="path"),
    _monitoring("prometheus_config", "path", "prometheus.yml checked offline."),
    _monitoring("alertmanager_config", "path", "alertmanager.yml checked offline."),
    _monitoring(
        "max_repeat_interval",
        "duration",
        "Longest sane repeat_interval of critical notifications.",
        "4h",
    ),
    _monitoring(
        "send_test_alert",
        "bool",
        "Post a synthetic alert to Alertmanager; default: true unless production = true.",
    ),
    _monitoring("test_alert_labels", "map", "Labels of the synthetic test alert.", values="str"),
    _monitoring("cpu_max_cores", "float", "Peak CPU cores per instance deemed normal.", 0.8),
    _monitoring(
        "memory_growth_max",
        "float",
        "Largest resident-memory growth over the window that is not a leak (fraction).",
        0.1,
    ),
    _monitoring(
        "trend_tolerance", "float", "Largest p95 rise against the previous window (fraction).", 0.2
    ),
    _monitoring("cost_forecast", "float", "Budget forecast the cost KPI is held to."),
    _monitoring("cost_tolerance", "float", "Allowed overrun of the forecast.", 0.15),
    _monitoring("llm_cost_forecast", "float", "Projected LLM spend."),
    _monitoring("backup_max_age", "duration", "Oldest acceptable last successful backup.", "26h"),
    _monitoring("grafana_url", "url", "Grafana HTTP API (dashboard search)."),
    _monitoring("grafana_headers", "map", "Headers sent to Grafana.", values="str"),
    _monitoring(
        "dashboards", "list", "Provisioned dashboard JSON files or folders.", values="path"
    ),
    _monitoring("log_sample", "path", "A file of the service's recent log lines."),
    _monitoring("loki_url", "url", "Loki HTTP API."),
    _monitoring("loki_headers", "map", "Headers sent to Loki.", values="str"),
    _monitoring("loki_query", "str", "LogQL selector of the service's logs."),
    _monitoring("elasticsearch_url", "url", "Elasticsearch/OpenSearch HTTP API."),
    _monitoring("elasticsearch_headers", "map", "Headers sent to Elasticsearch.", values="str"),
    _monitoring("elasticsearch_index", "str", "Index pattern of the service's logs.", "*"),
    _monitoring("log_retention", "duration", "Minimum log retention required.", "7d"),
    _monitoring("loki_config", "path", "Loki config file (retention) checked offline."),
    _monitoring("jaeger_url", "url", "Jaeger query API."),
    _monitoring("jaeger_headers", "map", "Headers sent to the Jaeger query API.", values="str"),
    _monitoring("jaeger_service", "str", "The service's name in the tracing backend."),
    _monitoring("otlp_endpoint", "url", "OTLP/HTTP endpoint of the collector."),
    *(Key(f"kpi.{name}", "str", f"PromQL: {doc}", family=FAMILY) for name, doc in KPI_KEYS.items()),
)
