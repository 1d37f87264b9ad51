"""Decide every item: probes, linked tests, attestations, waivers and groups.

Rules (docs/record-format.md explains them to users):

1. ``not_applicable`` on the item or a group above it: not applicable.
2. Approval lines (area ``signoff``) pass only from a ``[[signoff]]`` for their role.
3. Group lines fold their children: the worst child status wins.
4. Otherwise the automated checks and the linked tests are the evidence; a failure or
   error of either decides.  A valid attestation covers what they left unverified;
   an expired one fails the item.  Passing linked tests decide where the probe could
   only say "unverified".  Nothing at all: unverified.
5. A valid waiver (on the item or a group above it) turns failed, error or
   unverified into waived; it never makes anything pass.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pytest_biothings_ready.checklist.model import Checklist, ChecklistItem
from pytest_biothings_ready.config.attestations import Attestations, Entry
from pytest_biothings_ready.evidence.registry import checks_for
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks
from pytest_biothings_ready.model import SEVERITY, Method, Status, Verdict

__all__ = ["Judge", "LinkedOutcome"]

NOBODY = (
    "no probe, linked test or attestation covers this line; add an [[attest]] entry to "
    "attestations.toml or link a test with @ready.item(...)"
)


@dataclass(frozen=True)
class LinkedOutcome:
    """The outcome of one team test linked to an item with ``ready.item``."""

    nodeid: str
    status: Status
    message: str = ""


@dataclass
class Judge:
    """Memoized verdicts for one session.

    Attributes:
        checklist: the items.
        env_name: the environment (attestations may be scoped to it).
        attestations: attestations.toml.
        store: the session's evidence (None: no automated checks, e.g. collect-only).
        linked: outcomes of linked tests, by item id (filled as they run).
        expected_linked: node ids of the tests linked to each item id.
        today: the date expiry is judged against.
    """

    checklist: Checklist
    env_name: str
    attestations: Attestations
    store: Callable[[], EvidenceStore]
    linked: dict[str, list[LinkedOutcome]] = field(default_factory=dict)
    expected_linked: dict[str, list[str]] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)
    _done: dict[str, Verdict] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def decide(self, item: ChecklistItem) -> Verdict:
        """The verdict on ``item`` (computed once)."""
        with self._lock:
            if item.id not in self._done:
                self._done[item.id] = self._waive(item, self._decide(item))
            return self._done[item.id]

    def decided(self, item_id: str) -> Verdict | None:
        """The verdict on ``item_id`` if this process already decided it (never probes)."""
        with self._lock:
            return self._done.get(item_id)

    def _decide(self, item: ChecklistItem) -> Verdict:
        if entry := self._inherited(item, "not_applicable"):
            return Verdict(
                Status.NOT_APPLICABLE,
                f"not applicable: {entry.text} ({entry.describe()})",
                Method.ATTESTATION,
            )
        if item.area == "signoff":
            return self._signoff(item)
        if item.is_group:
            return self._group(item)
        return self._evidence(item)

    def _signoff(self, item: ChecklistItem) -> Verdict:
        entries = self.attestations.for_item(item.id, "signoff", self.env_name)
        if not entries:
            return Verdict(
                Status.UNVERIFIED,
                f"no [[signoff]] with role = {item.title!r} in attestations.toml",
                Method.NONE,
            )
        entry = entries[-1]
        return Verdict(Status.PASSED, f"signed off by {entry.describe()}", Method.ATTESTATION)

    def _group(self, item: ChecklistItem) -> Verdict:
        children = [
            (self.checklist.items[c], self.decide(self.checklist.items[c])) for c in item.children
        ]
        counted = [(c, v) for c, v in children if v.status is not Status.NOT_APPLICABLE]
        if not counted:
            return Verdict(
                Status.NOT_APPLICABLE, "every line below is not applicable", Method.GROUP
            )
        worst = max(counted, key=lambda cv: SEVERITY[cv[1].status])[1].status
        lagging = [f"{c.title} ({v.status})" for c, v in counted if v.status is not Status.PASSED]
        if not lagging:
            return Verdict(Status.PASSED, f"all {len(counted)} lines below passed", Method.GROUP)
        return Verdict(worst, "not passed: " + "; ".join(lagging), Method.GROUP)

    def _evidence(self, item: ChecklistItem) -> Verdict:
        automated, linked = self._automated(item), self._linked(item)
        sources = [v for v in (automated, linked) if v is not None]
        bad = [v for v in sources if v.status in (Status.FAILED, Status.ERROR)]
        if bad:
            return _name_all(bad)
        if automated is not None and automated.status is Status.NOT_APPLICABLE and linked is None:
            return automated  # the probe read a declared setting that rules the line out
        attested = self._attested(item, sources)
        if attested is not None:
            return attested
        if (
            linked is not None
            and linked.status is Status.PASSED
            and automated is not None
            and (automated.status is Status.UNVERIFIED)
        ):
            # A probe left unverified (not configured, or half-observable) does not
            # outweigh the team's own passing test; its note stays in the evidence.
            return Verdict(Status.PASSED, f"{linked.evidence}. Probe: {automated.evidence}",
                           Method.LINKED_TEST)  # fmt: skip
        if sources and all(v.status is Status.PASSED for v in sources):
            return Verdict(Status.PASSED, " ".join(v.evidence for v in sources), sources[0].method)
        partial = [v.evidence for v in sources if v.status is not Status.PASSED]
        return Verdict(Status.UNVERIFIED, " ".join(partial) or NOBODY,
                       sources[0].method if sources else Method.NONE)  # fmt: skip

    def linked_status(self, nodeid: str) -> Status:
        """The worst outcome recorded so far for the linked test ``nodeid``."""
        outcomes = [o for entries in self.linked.values() for o in entries if o.nodeid == nodeid]
        if not outcomes:
            return Status.UNVERIFIED
        return max(outcomes, key=lambda o: SEVERITY[o.status]).status

    def _automated(self, item: ChecklistItem) -> Verdict | None:
        checks = checks_for(item)
        return run_checks(item, checks, self.store()) if checks else None

    def _linked(self, item: ChecklistItem) -> Verdict | None:
        outcomes = list(self.linked.get(item.id, []))
        ran = {o.nodeid for o in outcomes}
        outcomes += [
            LinkedOutcome(n, Status.UNVERIFIED, "did not run in this session")
            for n in self.expected_linked.get(item.id, [])
            if n not in ran
        ]
        if not outcomes:
            return None
        worst = max(outcomes, key=lambda o: SEVERITY[o.status])
        if worst.status is Status.PASSED:
            names = ", ".join(o.nodeid for o in outcomes)
            return Verdict(Status.PASSED, f"linked test(s) passed: {names}", Method.LINKED_TEST)
        detail = f": {worst.message}" if worst.message else ""
        return Verdict(
            worst.status, f"linked test {worst.nodeid} {worst.status}{detail}", Method.LINKED_TEST
        )

    def _attested(self, item: ChecklistItem, sources: list[Verdict]) -> Verdict | None:
        entries = self.attestations.for_item(item.id, "attest", self.env_name)
        if not entries:
            return None
        entry = max(entries, key=lambda e: e.date or dt.date.min)
        observed = " ".join(v.evidence for v in sources)
        if entry.expired(self.today):
            return Verdict(
                Status.FAILED,
                f"attestation expired on {entry.expires} "
                f"({entry.describe()}); renew it in attestations.toml",
                Method.ATTESTATION,
            )
        if entry.document_problem:  # the vouched-for document is no longer what was read
            return Verdict(
                Status.FAILED,
                f"attestation no longer covers this line: {entry.document_problem} "
                f"({entry.describe()}); review it and re-attest "
                "(python -m pytest_biothings_ready.attest)",
                Method.ATTESTATION,
            )
        link = f" ({entry.text})" if entry.text else ""
        text = f"attested by {entry.describe()}{link}" + (
            f". Observed: {observed}" if observed else ""
        )
        return Verdict(Status.PASSED, text, Method.ATTESTATION)

    def _waive(self, item: ChecklistItem, verdict: Verdict) -> Verdict:
        if verdict.status not in (Status.FAILED, Status.ERROR, Status.UNVERIFIED):
            return verdict
        entry = self._inherited(item, "waive", include_expired=True)
        if entry is None:
            return verdict
        if entry.expired(self.today):
            return Verdict(
                verdict.status,
                f"{verdict.evidence} (waiver by {entry.by} expired on {entry.expires})",
                verdict.method,
            )
        return Verdict(
            Status.WAIVED,
            f"waived until {entry.expires} by {entry.by}: "
            f"{entry.text}. Underlying {verdict.status}: {verdict.evidence}",
            Method.ATTESTATION,
        )

    def _inherited(
        self, item: ChecklistItem, kind: str, include_expired: bool = False
    ) -> Entry | None:
        node: ChecklistItem | None = item
        while node is not None:
            entries = [
                e
                for e in self.attestations.for_item(node.id, kind, self.env_name)
                if include_expired or not e.expired(self.today)
            ]
            if entries:
                return entries[-1]
            node = self.checklist.items.get(node.parent) if node.parent else None
        return None


def _name_all(bad: list[Verdict]) -> Verdict:
    """The worst of the failing sources; when the probe and linked tests both fail, both."""
    worst = max(bad, key=lambda v: SEVERITY[v.status])
    if len(bad) == 1:
        return worst
    named = [v.evidence if v.method is Method.LINKED_TEST else f"probe: {v.evidence}" for v in bad]
    return replace(worst, evidence="; ".join(named))  # keeps its error reason and trace
