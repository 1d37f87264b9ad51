"""Settings of the ports family (``[env.NAME.ports]``).

``ports.scan`` is a list of ports or the word ``"all"`` (1-65535); the loader checks
it with the ``port-scan`` kind registered here.
"""

from __future__ import annotations

from typing import Any

from pytest_biothings_ready.config.schema import KINDS, Key, register

__all__ = ["ALL"]

ALL = "all"


def _is_scan(value: Any) -> bool:
    if value == ALL:
        return True
    return isinstance(value, list) and all(
        isinstance(p, int) and not isinstance(p, bool) and 0 < p < 65536 for p in value
    )


KINDS.setdefault("port-scan", (_is_scan, 'a list of TCP ports (1-65535) or "all"'))

register(
    Key("ports.scan", "port-scan", 'TCP ports to try on every host (replaces the default '
        'list), or "all" for 1-65535.', family="ports"),
    Key("ports.extra", "list", "TCP ports tried in addition to the default list.",
        values="int", family="ports"),
    Key("ports.timeout_s", "float", "Bound of each connect; default: timeout_s.",
        family="ports"),
    Key("ports.parallel", "int", "Connects in flight at once.", 512, family="ports"),
    Key("ports.budget_s", "float", "Bound of the whole scan; beyond it the line is an "
        "error, never a pass.", 120.0, family="ports"),
)  # fmt: skip
