"""Backups: restic and borg repositories read with their own clients.

``[[env.NAME.backups.repository]]`` entries decide "Automated daily backups
configured", "Backup retention policy defined", "Backup integrity testing scheduled"
and "Cross-region backup replication".  The tools run as subprocesses, bounded by
``backups.timeout_s``, with the password in their environment.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.backups import checks, gather, schedule, settings, tools

__all__ = ["checks", "gather", "schedule", "settings", "tools"]
