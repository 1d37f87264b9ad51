"""Open-ports probe: TCP connects to the environment's hosts over a wide list of ports.

Modules: :mod:`.settings` (keys), :mod:`.services` (the documented default list and
the usual service of each port), :mod:`.scanner` (non-blocking connects, a bounded
window of them in flight), :mod:`.gather` (the ``ports`` gatherer) and
:mod:`.checks` (the firewall line).  Importing only registers.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.ports import checks, gather, settings
from pytest_biothings_ready.probes.ports.gather import PortScan, ports_to_scan, scan_ports
from pytest_biothings_ready.probes.ports.services import DEFAULT_PORTS, service_of

__all__ = [
    "DEFAULT_PORTS",
    "PortScan",
    "checks",
    "gather",
    "ports_to_scan",
    "scan_ports",
    "service_of",
    "settings",
]
