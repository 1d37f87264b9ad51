"""Fixtures for the governance tests: a small deployment folder and record readers."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.core.conftest import SMALL_CHECKLIST, closed_port, days

__all__ = [
    "IDS",
    "attest",
    "cases",
    "days",
    "folder",
    "waive",
    "write_attestations",
    "write_config",
]

IDS = {
    "incident": "security-configuration.incident-response-plan-documented",
    "vault": "security-configuration.vault-holds-every-secret",
    "keys": "security-configuration.keys-are-rotated",
    "secrets": "security-configuration.secrets",
    "runbooks": "documentation.runbooks-for-common-issues",
    "audit": "documentation.audit-logging-implemented",
}


def write_config(pytester: pytest.Pytester, policy: str = "", env_extra: str = "") -> None:
    """readiness.toml: env staging (and production) on a closed port, optional policy."""
    port = closed_port()
    pytester.makefile(
        ".toml",
        readiness=textwrap.dedent(f"""\
        [ready]
        checklist = "checklist.md"
        timeout_s = 1
        [ready.policy]
        {policy}
        [env.staging]
        base_url = "https://127.0.0.1:{port}"
        {env_extra}
        [env.production]
        base_url = "https://127.0.0.1:{port}"
    """),
    )


@pytest.fixture
def folder(pytester: pytest.Pytester) -> pytest.Pytester:
    """A deployment folder with the small checklist and readiness.toml."""
    pytester.makefile(".md", checklist=SMALL_CHECKLIST)
    write_config(pytester)
    return pytester


def attest(item: str, by: str = "Dana Smith", extra: str = "", date: int = -3) -> str:
    """The TOML text of an [[attest]] entry."""
    return textwrap.dedent(f"""
        [[attest]]
        item = "{item}"
        by = "{by}"
        role = "Operations Manager"
        date = {days(date)}
        {extra}
    """)


def waive(item: str, expires: int = 30, extra: str = "", date: int | None = None) -> str:
    """The TOML text of a [[waive]] entry."""
    when = f"date = {days(date)}" if date is not None else ""
    return textwrap.dedent(f"""
        [[waive]]
        item = "{item}"
        by = "Lee Park"
        reason = "accepted gap"
        expires = {days(expires)}
        {when}
        {extra}
    """)


def write_attestations(pytester: pytest.Pytester, *entries: str) -> None:
    (pytester.path / "attestations.toml").write_text("".join(entries), encoding="utf-8")


def cases(path: Path) -> dict[str, dict[str, str]]:
    """``ready_id -> properties`` of every checklist testcase of the record ``path``."""
    found = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        props = {str(p.get("name")): str(p.get("value")) for p in case.iter("property")}
        if "ready_id" in props:
            found[props["ready_id"]] = props
    return found
