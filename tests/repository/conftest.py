"""Synthetic deployment repositories and a helper that runs only this family's checks."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.deploy.resolve import with_discovery
from pytest_biothings_ready.evidence.registry import checks_for, normalize_title
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks
from pytest_biothings_ready.model import Status, Verdict
from tests.support.binaries import require_binary
from tests.support.evaluate import environment

REPOS = Path(__file__).parent / "repos"
# The fixture repositories hold their own (synthetic) tests: data, not part of this suite.
collect_ignore = ["repos"]
FAMILY = "pytest_biothings_ready.probes.repository."
# The family's "the repository does not say": unverified, abstaining (the line's other
# checks decide; its evidence starts with ABSTAIN).
UNDECIDED = Status.UNVERIFIED
_CHECKLIST = load_checklist(BUILTIN)


def static_verdict(title: str, repo: str | Path, **settings: Any) -> Verdict:
    """The repository family's verdict on ``title`` for a fixture repository."""
    require_binary("nginx")
    root = repo if isinstance(repo, Path) else REPOS / repo
    item = next(i for i in _CHECKLIST if normalize_title(i.title) == normalize_title(title))
    checks = [c for c in checks_for(item) if c.name.startswith(FAMILY)]
    assert checks, f"no repository check for {title!r}"
    # as a session does: discovery fills the unset artifact keys from the deploy graph
    env = with_discovery(environment({"timeout_s": 5, "repo": ".", **settings}, root))
    store = EvidenceStore(env)
    verdict = run_checks(item, checks, store)
    assert verdict is not None
    return verdict


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
