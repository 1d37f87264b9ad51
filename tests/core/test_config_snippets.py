"""Row 9: a config file's error snippet never carries a secret into the record.

An alertmanager.yaml base64-encoded in a Kubernetes Secret, with a YAML error: the
parser's message quotes the offending lines, ``smtp_auth_password`` among them.  The
value is no configured secret (the plugin cannot know it), so the redactor masks the
values of secret-named keys in every quoted snippet.
"""

from __future__ import annotations

import base64
import textwrap

import pytest

from pytest_biothings_ready.redact import Redactor, clean
from tests.core.conftest import record_statuses

SMTP_PASSWORD = "smtp-canary-0b7e4c2d"
BROKEN = f"""\
global:
  smtp_smarthost: mail.example.org:587
  smtp_auth_username: alerts
  smtp_auth_password: {SMTP_PASSWORD}: a stray colon
route:
  receiver: pager
"""


def _secret_manifest() -> str:
    encoded = base64.b64encode(BROKEN.encode()).decode()
    return textwrap.dedent(f"""\
        apiVersion: v1
        kind: Secret
        metadata:
          name: alertmanager-main
        data:
          alertmanager.yaml: {encoded}
    """)


def test_the_yaml_error_of_a_secret_manifest_reaches_no_output_with_the_password(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", **{"alertmanager-secret": _secret_manifest()})
    pytester.makefile(
        ".md", checklist="### Alerts\n- [ ] Alert routing configured (Slack, email, PagerDuty)\n"
    )
    pytester.makefile(
        ".toml",
        readiness=textwrap.dedent("""\
            [ready]
            checklist = "checklist.md"
            [env.staging]
            base_url = "https://127.0.0.1:1"
            timeout_s = 1
            monitoring = { alertmanager_config = "alertmanager-secret.yaml" }
        """),
    )
    result = pytester.runpytest(
        "--ready-env=staging", "--junitxml=record.xml", "--ready-report=r.md", "-rA"
    )
    files = [(pytester.path / name).read_text() for name in ("record.xml", "r.md")]
    outputs = [result.stdout.str(), *files]
    assert list(record_statuses(pytester).values()) in (["error"], ["failed"])
    for text in outputs:
        assert SMTP_PASSWORD not in text
    assert "_password: ***" in files[0]  # the snippet is kept, its value masked


@pytest.mark.parametrize(
    "quoted",
    [
        '  in "<unicode string>", line 4, column 3:\n      smtp_auth_password: {v}\n      ^',
        "expected <block end> smtp_auth_password: {v} ^ (flattened)",
        '{{"client_secret": "{v}"}}',
        "API_TOKEN={v}",
        "  - password: {v}",
        "     ... ssword: {v}: oops",
    ],
)
def test_values_of_secret_named_keys_in_snippets_are_masked(quoted: str) -> None:
    text = quoted.format(v=SMTP_PASSWORD)
    assert SMTP_PASSWORD not in clean(text, Redactor())
    assert SMTP_PASSWORD not in clean(text)


@pytest.mark.parametrize(
    "prose",
    ["JWT secret: 12 bytes (weak)", "secretName: api-tls", "GOOGLE_API_KEY=${GOOGLE_API_KEY}"],
)
def test_prose_and_placeholders_keep_their_words(prose: str) -> None:
    assert clean(prose) == prose
