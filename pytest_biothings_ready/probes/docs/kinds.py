"""The kinds of operational documents the checklist asks for, as a table.

A document is of a kind when its path or title matches ``matches``.  It is
*complete* when, for each pattern of ``sections``, one of its headings (the title
included) matches and has text under it; ``body``, when set, must also match the text
under one of those headings (an SLA must name a time).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "DocKind", "kind"]


@dataclass(frozen=True)
class DocKind:
    """One kind of document.

    Attributes:
        name: the kind (a key of ``docs.required_sections``).
        matches: regex on the document's path or title.
        sections: heading regexes, each of which must match a section with text.
        lines: the checklist lines one complete document of this kind decides.
        body: regex the text of a matching section must contain, else None.
    """

    name: str
    matches: str
    sections: tuple[str, ...]
    lines: tuple[str, ...] = ()
    body: str | None = None


KINDS: tuple[DocKind, ...] = (
    DocKind(
        "deployment",
        r"deploy|release|rollout|install",
        (r"step|procedure|deploy|how to|release", r"roll ?back|revert"),
        ("Deployment procedures documented",),
    ),
    DocKind(
        "troubleshooting",
        r"troubleshoot|debug|faq|known[-_ ]?issues|problems",
        (r"symptom|error|issue|problem|fail|cannot|slow|not ",),
    ),
    DocKind(
        "runbook", r"runbook|playbook", (r"resol|mitigat|remediat|fix|steps|procedure|action",)
    ),
    DocKind("architecture", r"architecture|design|diagram|overview", ()),
    DocKind(
        "rollback",
        r"roll[-_ ]?back|deploy|release|rollout",
        (r"roll ?back|revert",),
        ("Rollback plan prepared",),
    ),
    DocKind(
        "disaster_recovery",
        r"disaster|recovery|\bdr\b|continuity|restore",
        (r"restor|recover|fail ?over", r"rto|rpo|recovery (time|point)|objective"),
        ("Disaster recovery procedures documented",),
    ),
    DocKind(
        "incident",
        r"incident",
        (r"severit|\bsev|priorit", r"role|commander|owner|responsib", r"communicat|notif|status"),
        ("Incident response plan documented", "Incident response procedures"),
    ),
    DocKind(
        "escalation",
        r"escalat|on[-_ ]?call|incident",
        (r"escalat",),
        ("Escalation procedures documented",),
    ),
    DocKind(
        "change",
        r"change|contributing|release[-_ ]?process|governance",
        (r"approv|review", r"change|release"),
        ("Change management process documented", "Change control procedures"),
    ),
    DocKind(
        "access",
        r"access|permission|rbac|iam",
        (r"access|role|permission|rbac", r"grant|request|revok|review|onboard|offboard"),
        ("Access controls documented",),
    ),
    DocKind(
        "debugging",
        r"debug|troubleshoot|diagnos",
        (r"debug|log|trac|inspect|diagnos|profil",),
        ("Production debugging procedures",),
    ),
    DocKind(
        "communication",
        r"communicat|incident|outage|status[-_ ]?page",
        (r"communicat|status page|notif|announce|stakeholder",),
        ("Communication plan for outages",),
    ),
    DocKind(
        "emergency",
        r"emergency|incident|on[-_ ]?call",
        (r"emergency|urgent|contact|escalat",),
        ("Emergency support procedures documented", "Emergency response procedures"),
    ),
    DocKind(
        "sla",
        r"\bsla\b|support|on[-_ ]?call|service[-_ ]level",
        (r"\bsla\b|service level|response",),
        ("SLA response times documented",),
        body=r"\d+\s*(min|minutes?|h|hours?|d|days?|business days?)\b",
    ),
)

_BY_NAME = {k.name: k for k in KINDS}


def kind(name: str) -> DocKind:
    """The kind called ``name``."""
    return _BY_NAME[name]
