"""Fixtures for the core tests: a deployment folder with a small checklist."""

from __future__ import annotations

import datetime as dt
import socket
import textwrap
from pathlib import Path

import pytest

SMALL_CHECKLIST = """\
# Small checklist

## Pre-Deployment Checklist

### 🔐 Security Configuration
- [ ] **Secrets**
  - [ ] Vault holds every secret
  - [ ] Keys are rotated
- [ ] Incident response plan documented

### 📋 Documentation
- [x] Runbooks for common issues
- [ ] **HIPAA/Healthcare Compliance**
  - [ ] Audit logging implemented

## Sign-off

### ✅ Approval
- [ ] **Technical Lead**: ___________________ Date: ___________
"""

TODAY = dt.date.today()


def days(n: int) -> str:
    """A TOML date ``n`` days from today."""
    return (TODAY + dt.timedelta(days=n)).isoformat()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def deployment(pytester: pytest.Pytester) -> pytest.Pytester:
    """A folder with readiness.toml (env staging on a closed loopback port) and a checklist."""
    pytester.makefile(".md", checklist=SMALL_CHECKLIST)
    write_config(pytester)
    return pytester


def write_config(pytester: pytest.Pytester, extra: str = "", env_extra: str = "") -> None:
    pytester.makefile(
        ".toml",
        readiness=textwrap.dedent(f"""\
        [ready]
        checklist = "checklist.md"
        timeout_s = 1
        {extra}
        [env.staging]
        base_url = "https://127.0.0.1:{closed_port()}"
        {env_extra}
    """),
    )


def write_attestations(pytester: pytest.Pytester, text: str) -> None:
    pytester.makefile(".toml", attestations=textwrap.dedent(text))


def record_statuses(folder: pytest.Pytester | Path, name: str = "record.xml") -> dict[str, str]:
    """``ready_id -> ready_status`` from the JUnit record written in ``folder``."""
    import xml.etree.ElementTree as ET

    path = (folder if isinstance(folder, Path) else folder.path) / name
    statuses = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        if "ready_id" in props:
            statuses[str(props["ready_id"])] = str(props["ready_status"])
    return statuses
