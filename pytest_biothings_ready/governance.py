"""Sign-off governance for one run: the policy, the previous record, the comparison.

Built with the session (so a policy violation or a bad ``--ready-compare`` file is a
usage error before any test runs); :meth:`Governance.finish` compares this run's
results with the previous record once, for the terminal, the reports and the bundle.
docs/governance.md describes it for users.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_biothings_ready.checklist.model import Checklist
from pytest_biothings_ready.config.attestations import Attestations
from pytest_biothings_ready.config.policy import Policy, enforce, expiry_warnings, load_policy

if TYPE_CHECKING:  # record/compare.py (and its XML parser) load only with --ready-compare
    from pytest_biothings_ready.record.compare import Comparison, PreviousRecord
    from pytest_biothings_ready.record.results import Results

__all__ = ["Governance"]


@dataclass
class Governance:
    """Policy, expiry warnings and the comparison of one run.

    Attributes:
        policy: ``[ready.policy]``.
        warnings: waivers and attestations expiring within ``expiring_soon_days``.
        previous: the ``--ready-compare`` record (None without the option).
        comparison: set by :meth:`finish`.
    """

    policy: Policy = field(default_factory=Policy)
    warnings: tuple[str, ...] = ()
    previous: PreviousRecord | None = None
    comparison: Comparison | None = None

    @classmethod
    def load(
        cls,
        policy_table: object,
        where: str,
        checklist: Checklist,
        attestations: Attestations,
        env: str,
        compare_path: Path | None,
    ) -> Governance:
        """Validate the policy against the waivers and read the previous record."""
        today = dt.date.today()
        policy = load_policy(policy_table, where)
        enforce(policy, attestations, checklist, env, today)
        warnings = tuple(expiry_warnings(policy, attestations, checklist, env, today))
        previous = None
        if compare_path is not None:
            from pytest_biothings_ready.record.compare import read_record

            previous = read_record(compare_path)
        return cls(policy, warnings, previous)

    def suite_properties(self) -> list[tuple[str, str]]:
        """Testsuite properties: the previous record compared with, and the policy."""
        props = []
        if self.previous is not None:
            props += [
                ("ready_previous_record", str(self.previous.path)),
                ("ready_previous_record_sha256", self.previous.sha256),
                ("ready_previous_env", self.previous.env),
            ]
        policy = self.policy.describe()
        return props + ([("ready_policy", policy)] if policy else [])

    def previous_status(self, item_id: str) -> str | None:
        """``ready_previous_status`` of an item (None without ``--ready-compare``)."""
        return self.previous.status_of(item_id) if self.previous else None

    def finish(self, results: Results, checklist: Checklist, env: str) -> None:
        """Compare ``results`` with the previous record (once)."""
        if self.previous is not None and self.comparison is None:
            from pytest_biothings_ready.record.compare import compare

            self.comparison = compare(self.previous, results, checklist, env)
