"""Mapping from checklist headings to area markers (``ready_<area>``).

The ``###`` section heading is tried first, then the ``##`` part heading; the first
rule whose keyword occurs in the heading (case-insensitive) wins.  A heading no rule
matches gives area ``other``.  docs/checklist-format.md shows the table.
"""

from __future__ import annotations

__all__ = ["AREAS", "RULES", "area_for"]

# Ordered: more specific phrases before the generic words they contain.
RULES: tuple[tuple[str, str], ...] = (
    ("first 24 hours", "post_deployment"),
    ("week 1", "post_deployment"),
    ("post-deployment", "post_deployment"),
    ("key performance", "kpi"),
    ("success criteria", "kpi"),
    ("approval", "signoff"),
    ("sign-off", "signoff"),
    ("signoff", "signoff"),
    ("security", "security"),
    ("infrastructure", "infrastructure"),
    ("observability", "monitoring"),
    ("monitoring", "monitoring"),
    ("backup", "backup"),
    ("recovery", "backup"),
    ("performance", "performance"),
    ("testing", "testing"),
    ("deployment", "deployment"),
    ("documentation", "compliance"),
    ("compliance", "compliance"),
    ("governance", "compliance"),
    ("cost", "cost"),
    ("team", "team"),
    ("training", "team"),
    ("support", "team"),
)

AREAS: tuple[str, ...] = (
    "security",
    "infrastructure",
    "monitoring",
    "backup",
    "performance",
    "testing",
    "deployment",
    "post_deployment",
    "compliance",
    "cost",
    "team",
    "kpi",
    "signoff",
    "other",
)


def area_for(section: str, part: str) -> str:
    """The area of an item under ``section`` (###) within ``part`` (##)."""
    for heading in (section, part):
        lowered = heading.casefold()
        for keyword, area in RULES:
            if keyword in lowered:
                return area
    return "other"
