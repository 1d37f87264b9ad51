"""The bundled reference service behind ``--ready-env=demo`` (see :class:`DemoService`)."""

from __future__ import annotations

from pytest_biothings_ready.demo.service import DemoService

__all__ = ["DemoService"]
