"""How this family words its outcomes (SPEC "Repository mode").

- ``failed``: missing or broken on the deploy path, with both ends named.
- ``passed``: complete and validated, "configured, not observed live".
- *undecided*: the repository does not say.  ``unverified`` whose evidence starts
  with :data:`~pytest_biothings_ready.evidence.store.ABSTAIN`: the fold then lets the
  line's other checks (a live probe, another static family) decide, and counts it
  only when no other check has anything to say.  A plain ``unverified`` would outrank
  a live probe's pass and hide what it observed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.evidence.store import ABSTAIN, NOT_OBSERVED
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.static.common import listing

__all__ = ["NOT_OBSERVED", "decide", "elsewhere", "manifests", "undecided"]


def undecided(evidence: str) -> Verdict:
    """The repository does not answer: abstain, so the line's other checks decide."""
    return Verdict(Status.UNVERIFIED, ABSTAIN + evidence)


def manifests(ctx: Context) -> Any:
    """The parsed manifests when named, else None; manifests that do not parse leave the
    Kubernetes half undecided (the static family reports them) instead of an error here."""
    from pytest_biothings_ready.errors import ProbeError
    from pytest_biothings_ready.probes.static.common import optional

    try:
        return optional(ctx, "manifests", "manifests")
    except ProbeError:
        return None


def elsewhere(env: Environment, what: str, *keys: str) -> Verdict | None:
    """Undecided when a setting names ``what`` outside the repository (a managed service)."""
    named = [k for k in keys if env.get(k)]
    if not named:
        return None
    return undecided(
        f"{what} runs outside the repository (`{named[0]}` is set); the live probe decides"
    )


def decide(
    problems: Sequence[str],
    checked: Sequence[str],
    head: str,
    tail: str,
    unsure: Sequence[str] = (),
) -> Verdict:
    """Failed on any problem; undecided on doubt or nothing checked; else passed."""
    problems, checked, unsure = (list(dict.fromkeys(x)) for x in (problems, checked, unsure))
    if problems:
        return Verdict.failed(f"{head}: {listing(problems)}.{tail}")
    if unsure:
        return undecided(f"not decidable from the repository: {listing(unsure)}.{tail}")
    if not checked:
        return undecided(f"nothing to judge in the deployed stacks.{tail}")
    return Verdict.passed(f"{NOT_OBSERVED}: {listing(checked)}.{tail}")
