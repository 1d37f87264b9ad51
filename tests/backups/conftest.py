"""Restic and borg repositories shared by the module (built once: the tools are slow)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.backups import borg_repository, hours_ago, restic_repository


@dataclass(frozen=True)
class Repos:
    """fresh: backups 25 h and 1 h ago; stale: 72 h and 48 h ago; single: 1 h ago;
    borg: a borg repository with archives 25 h and 1 h ago; history: a borg repository
    with archives 1000, 200, 30, 2 and 1 h ago."""

    fresh: Path
    stale: Path
    single: Path
    borg: Path
    history: Path


@pytest.fixture(scope="package")
def repos(tmp_path_factory: pytest.TempPathFactory) -> Repos:
    root = tmp_path_factory.mktemp("backups")
    empty = restic_repository(root / "empty", [])
    return Repos(
        fresh=restic_repository(root / "fresh", hours_ago(25, 1), template=empty),
        stale=restic_repository(root / "stale", hours_ago(72, 48), template=empty),
        single=restic_repository(root / "single", hours_ago(1), template=empty),
        borg=borg_repository(root / "borg", hours_ago(25, 1)),
        history=borg_repository(root / "history", hours_ago(1000, 200, 30, 2, 1)),
    )
