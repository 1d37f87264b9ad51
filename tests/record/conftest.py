"""A deployment whose run has every status once, for the report and terminal tests."""

from __future__ import annotations

import pytest

from tests.core.conftest import days, write_attestations, write_config

MIXED_CHECKLIST = """\
# Mixed checklist

### 🔐 Security Configuration
- [ ] Valid SSL certificates installed
- [ ] Keys are rotated
- [ ] Incident response plan documented
- [ ] Pager works
- [ ] Audit logging implemented
- [ ] HIPAA/Healthcare Compliance

### ✅ Approval
- [ ] **Technical Lead**: ___________________ Date: ___________
"""

# One line per status: error (closed port), waived, failed (expired attestation),
# unverified, passed (attested, evidence with a link, a code span and a control
# character), not applicable, and a passed sign-off.
MIXED_ATTESTATIONS = f"""
[[waive]]
item = "Keys are rotated"
by = "Lee Park"
reason = "rotation lands in Q2"
expires = {days(30)}

[[attest]]
item = "Incident response plan documented"
by = "Dana Smith"
date = {days(-400)}
expires = {days(-1)}

[[attest]]
item = "Audit logging implemented"
by = "Dana Smith"
role = "Operations Manager"
date = {days(-2)}
evidence = "https://wiki.example.org/audit, see `audit.yaml`\\u001b[31m <b>x</b>"

[[not_applicable]]
item = "HIPAA/Healthcare Compliance"
by = "Lee Park"
reason = "no protected health information"

[[signoff]]
role = "Technical Lead"
by = "Dana Smith"
date = {days(-1)}

[deployment]
date = "{days(0)}"
version = "2.4.1"
environment = "staging"
lead = "Dana Smith"
"""


@pytest.fixture
def mixed(pytester: pytest.Pytester) -> pytest.Pytester:
    """readiness.toml (staging on a closed loopback port) with one line per status."""
    pytester.makefile(".md", checklist=MIXED_CHECKLIST)
    write_config(pytester)
    write_attestations(pytester, MIXED_ATTESTATIONS)
    return pytester


def last_lines(result: pytest.RunResult, count: int) -> list[str]:
    """The last ``count`` non-empty lines of a run's output."""
    return [line for line in result.outlines if line.strip()][-count:]
