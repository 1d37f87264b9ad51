"""The evidence framework every probe family uses.

- :mod:`.registry`: ``@gatherer`` / ``@check`` registration and the family list.
- :mod:`.store`: gathers evidence once per session, concurrently and bounded, and folds
  the checks of an item into one verdict.
- :mod:`.transport`: the one bounded, scoped HTTP(S) access (trust, timeouts, body cap,
  redirects, credential stripping, sanitized text).
- :mod:`.query`: JSON API queries (Prometheus, Alertmanager, Grafana, log stores, tracing).

Probe families under :mod:`pytest_biothings_ready.probes` only *use* this package.
"""
