"""The outcome model shared by every layer: statuses, methods and verdicts.

A verdict is what one checklist item comes to: a :class:`Status`, the
:class:`Method` that decided it and one short paragraph of evidence.  ``error``
("could not probe") is kept apart from ``failed`` ("probed, and the property is
missing") everywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace

__all__ = ["PLUGIN_BUG", "Method", "Status", "Verdict"]

PLUGIN_BUG = "plugin bug"


class Status(enum.StrEnum):
    """The six statuses of the sign-off record (SPEC: ``ready_status``)."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"
    UNVERIFIED = "unverified"


# Order used when several sources are folded into one verdict: the worst wins.
SEVERITY: dict[Status, int] = {
    Status.FAILED: 5,
    Status.ERROR: 4,
    Status.UNVERIFIED: 3,
    Status.WAIVED: 2,
    Status.PASSED: 1,
    Status.NOT_APPLICABLE: 0,
}


class Method(enum.StrEnum):
    """How a verdict was reached (SPEC: ``ready_method``)."""

    PROBE = "probe"
    LINKED_TEST = "linked_test"
    ATTESTATION = "attestation"
    GROUP = "group"
    NONE = "none"


@dataclass(frozen=True)
class Verdict:
    """The decision on one item.

    Attributes:
        status: the outcome.
        evidence: one short paragraph: what was observed, where, against which
            expectation.  Secret values are redacted before it is written anywhere.
        method: what decided it.
        error_reason: for ``error``, why in one phrase; ``"plugin bug"`` when the
            plugin's own code crashed (as opposed to a target that could not be probed).
        error_trace: the traceback of that crash, for the evidence bundle (never in
            the short paragraph).
    """

    status: Status
    evidence: str
    method: Method = Method.PROBE
    error_reason: str = ""
    error_trace: str = ""

    @classmethod
    def passed(cls, evidence: str) -> Verdict:
        return cls(Status.PASSED, evidence)

    @classmethod
    def failed(cls, evidence: str) -> Verdict:
        return cls(Status.FAILED, evidence)

    @classmethod
    def error(cls, evidence: str) -> Verdict:
        return cls(Status.ERROR, evidence)

    @classmethod
    def unverified(cls, evidence: str) -> Verdict:
        return cls(Status.UNVERIFIED, evidence)

    @classmethod
    def plugin_bug(cls, what: str, exc: BaseException, trace: str = "") -> Verdict:
        """``error``, reason "plugin bug": ``what`` (a check, a gatherer) raised ``exc``."""
        import traceback

        trace = trace or "".join(traceback.format_exception(exc))
        summary = f"{type(exc).__name__}: {exc}"
        # cut with a marker: the redactor masks a secret's head left before "..."
        summary = summary if len(summary) <= 300 else summary[:297] + "..."
        return cls(
            Status.ERROR,
            f"plugin bug: {what} crashed ({summary}); the traceback is kept in "
            "the item's ready_error_trace",
            Method.PROBE,
            PLUGIN_BUG,
            trace,
        )

    def with_text(self, clean: Callable[[str], str]) -> Verdict:
        """This verdict with ``clean`` applied to its evidence and trace."""
        return replace(self, evidence=clean(self.evidence), error_trace=clean(self.error_trace))
