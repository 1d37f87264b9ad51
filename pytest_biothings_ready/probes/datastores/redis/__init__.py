"""Redis (``redis_url``): one gatherer, one line.  redis-py loads only when it runs."""

from __future__ import annotations

from pytest_biothings_ready.probes.datastores.redis import checks, gather
from pytest_biothings_ready.probes.datastores.redis.gather import RedisResult

__all__ = ["RedisResult", "checks", "gather"]
