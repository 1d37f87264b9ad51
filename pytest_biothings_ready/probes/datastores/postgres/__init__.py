"""PostgreSQL (``database_url``)."""

from __future__ import annotations
