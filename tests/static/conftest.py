"""Fixture repositories and a helper that judges one line against one of them."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.model import Verdict
from tests.support.evaluate import judge

REPOS = Path(__file__).parent / "repos"

# Settings that point at every artifact of repos/good (paths relative to the repo).
GOOD: dict[str, Any] = {
    "timeout_s": 2,
    "dockerfiles": ["Dockerfile"],
    "compose_files": ["docker-compose.yml"],
    "manifests": ["k8s/"],
    "source_paths": ["src/"],
    "nginx_configs": ["nginx/agents.conf"],
    "logrotate_configs": ["logrotate.conf"],
    "scan_reports": ["scans/"],
    # The fixture reports are dated 2026-11-20; staleness has its own tests.
    "scan_max_age": "36500d",
    "requirements_files": ["requirements.txt"],
    "cost_labels": ["team", "cost-center"],
    "session_affinity_required": True,
}


def judge_repo(title: str, repo: str | Path, **settings: Any) -> Verdict:
    """Judge ``title`` against a fixture repository with exactly ``settings``."""
    root = repo if isinstance(repo, Path) else REPOS / repo
    return judge(title, {"timeout_s": 2, **settings}, root=root)


Variant = Callable[..., Path]


@pytest.fixture
def variant(tmp_path: Path) -> Variant:
    """A copy of a fixture repository with some files replaced (or removed with None)."""

    def make(base: str = "good", files: Mapping[str, str | None] | None = None) -> Path:
        root = tmp_path / base
        shutil.copytree(REPOS / base, root)
        for name, text in (files or {}).items():
            target = root / name
            if text is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
        return root

    return make
