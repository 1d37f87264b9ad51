"""Redaction cannot be outrun: transit forms, cut-off pieces, control characters."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.redact import MASK, Redactor, clean, neutralise

SECRET = 's3cr3t/t0ken+with&odd=chars"é'
PASSWORD = "hunter2-correct-horse"


@pytest.fixture
def redact() -> Redactor:
    return Redactor([SECRET + "\r\n", PASSWORD], [("bob", PASSWORD)])


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        quote(SECRET, safe=""),
        json.dumps(SECRET)[1:-1],
        json.dumps(SECRET, ensure_ascii=False)[1:-1],
        repr(SECRET)[1:-1],
        repr(SECRET.encode())[2:-1],
        base64.b64encode(f"{SECRET}:".encode()).decode(),
        base64.b64encode(SECRET.encode()).decode(),
        base64.b64encode(f"bob:{PASSWORD}".encode()).decode(),
        base64.urlsafe_b64encode(f"bob:{PASSWORD}".encode()).decode().rstrip("="),
    ],
    ids=[
        "plain",
        "url",
        "json",
        "json-utf8",
        "python",
        "bytes",
        "basic-key-only",
        "base64",
        "basic",
        "basic-urlsafe",
    ],
)
def test_every_transit_form_of_a_secret_is_masked(redact: Redactor, form: str) -> None:
    text = redact(f"header: Authorization: Basic {form} (echoed)")
    assert form not in text and MASK in text


def test_a_secret_with_a_trailing_newline_is_masked_without_it(redact: Redactor) -> None:
    text = redact(f"Illegal header value b'{SECRET}\\r\\n'")
    assert SECRET not in text


@pytest.mark.parametrize(
    "cut",
    [
        "token={head}...",
        "token={head}…",
        "long message ending in the middle of {head}",
        "...{tail} and more",
    ],
)
def test_a_secret_cut_short_elsewhere_leaks_neither_head_nor_tail(cut: str) -> None:
    redact = Redactor(["AIzaSyD-0123456789abcdefghijklmnop"])
    secret = "AIzaSyD-0123456789abcdefghijklmnop"
    text = redact(cut.format(head=secret[:20], tail=secret[-20:]))
    assert secret[:12] not in text and secret[-12:] not in text


@pytest.mark.parametrize("piece", ["head", "tail"])
def test_a_long_piece_of_a_secret_cut_without_a_marker_is_masked(piece: str) -> None:
    secret = "AIzaSyD-0123456789abcdefghijklmnop"
    shown = secret[:20] if piece == "head" else secret[-20:]
    text = Redactor([secret])(f"rule failed: key {shown} is not allowed; see docs")
    assert shown[:12] not in text and shown[-12:] not in text
    assert text.endswith("is not allowed; see docs")


def test_url_shaped_secrets_do_not_mask_every_url_on_their_host() -> None:
    redact = Redactor(["https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"])
    assert redact("posted to https://hooks.slack.com/ok") == "posted to https://hooks.slack.com/ok"


def test_ordinary_words_that_share_a_short_prefix_are_left_alone() -> None:
    assert Redactor(["demo-token-123456"])("--ready-env=demo") == "--ready-env=demo"


def test_terminal_escapes_carriage_returns_and_surrogates_become_visible_escapes() -> None:
    text = neutralise("\x1b[2J\x1b[1;32mALL CHECKS PASSED\r\x9b\ud800\u202e ok\tand\nnext")
    assert text == "\\x1b[2J\\x1b[1;32mALL CHECKS PASSED\\x0d\\x9b\\ud800\\u202e ok\tand\nnext"
    text.encode("utf-8")  # nothing left that an encoder refuses


def test_clean_redacts_before_it_neutralises(redact: Redactor) -> None:
    assert clean(f"\x1b[31m{PASSWORD}", redact) == "\\x1b[31m***"


def test_the_environment_repr_shows_no_value() -> None:
    env = Environment(
        "staging",
        {"auth": {"password": PASSWORD}, "base_url": "https://x.test"},
        secrets=frozenset([PASSWORD]),
    )
    for text in (repr(env), str(env), f"{env!r:.500}"):
        assert PASSWORD not in text and "x.test" not in text
    assert "values hidden" in repr(env)


def test_credential_pairs_are_found_in_nested_tables() -> None:
    env = Environment(
        "staging",
        {
            "auth": {"username": "bob", "password": "pw-123456"},
            "roles": [{"username": "a", "password": "b-12345"}],
        },
    )
    assert env.credential_pairs() == [("bob", "pw-123456"), ("a", "b-12345")]
