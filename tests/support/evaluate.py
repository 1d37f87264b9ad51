"""Run the registered checks of one checklist line against given settings.

For probe-family tests that exercise checks directly, without a pytest session::

    verdict = judge("Rate limiting is enabled", {"base_url": url, "timeout_s": 2})
    assert verdict.status is Status.FAILED
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.evidence.registry import checks_for, normalize_title
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks
from pytest_biothings_ready.model import Verdict

_CHECKLIST = load_checklist(BUILTIN)


def environment(settings: Mapping[str, Any], root: Path | None = None) -> Environment:
    """An Environment named ``test`` holding ``settings`` as given (no validation)."""
    return Environment("test", dict(settings), root or Path.cwd())


def judge(
    title: str,
    settings: Mapping[str, Any],
    root: Path | None = None,
    store: EvidenceStore | None = None,
) -> Verdict:
    """The automated verdict on the built-in line ``title`` (its exact text or id)."""
    wanted = normalize_title(title)
    matches = [i for i in _CHECKLIST if normalize_title(i.title) == wanted or i.id == title]
    if len(matches) != 1:
        raise LookupError(f"{title!r} matches {len(matches)} built-in items")
    item = matches[0]
    checks = checks_for(item)
    if not checks:
        raise LookupError(f"no check is registered for {title!r}")
    store = store or EvidenceStore(environment(settings, root))
    verdict = run_checks(item, checks, store)
    assert verdict is not None
    return verdict
