"""Datastores: Redis (``redis_url``) and PostgreSQL (``database_url``), observed live.

Importing this package registers the settings (first), gatherers and checks; redis-py
and psycopg (the ``datastores`` extra) are imported only when a gatherer runs.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.datastores import postgres, redis, settings

__all__ = ["postgres", "redis", "settings"]
