"""TLS probes: protocol versions, cipher families and the certificate of base_url.

Modules: :mod:`.scan` (stdlib handshakes), :mod:`.legacy` (raw ClientHello for suites
the local OpenSSL cannot offer), :mod:`.certs` (certificate fields),
:mod:`.renewal` (signs of automated issuance), :mod:`.report` (the ``tls``
gatherer) and :mod:`.checks` (the checklist lines).  Importing this package only
registers; ``ssl``, ``cryptography`` and ``yaml`` load when a probe runs.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.tls import checks, report

__all__ = ["checks", "report"]
