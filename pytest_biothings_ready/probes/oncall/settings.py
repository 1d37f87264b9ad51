"""Settings of the on-call family: which Alertmanager integrations page a person."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []

register(
    Key(
        "oncall.paging_integrations",
        "list",
        "Alertmanager integrations that page the on-call person (receiver *_configs names).",
        ["pagerduty", "opsgenie", "victorops"],
        values="str",
        family="oncall",
    ),
)
