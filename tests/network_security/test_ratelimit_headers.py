"""Rate-limit headers of a limited answer, on their own table."""

from __future__ import annotations

from email.utils import formatdate

import pytest

from pytest_biothings_ready.probes.ratelimit import read_limit_headers

NOW = 1_800_000_000.0

# (headers, wait advertised, problem phrase or None)
TABLE: list[tuple[dict[str, str], float | None, str | None]] = [
    ({}, None, None),
    ({"retry-after": "1"}, 1.0, None),
    ({"retry-after": "120"}, 120.0, None),
    ({"retry-after": formatdate(NOW + 30, usegmt=True)}, 30.0, None),
    ({"retry-after": "soon"}, None, "neither delta-seconds nor an HTTP date"),
    ({"retry-after": "-1"}, None, "neither delta-seconds nor an HTTP date"),
    ({"retry-after": "1.5"}, None, "neither delta-seconds nor an HTTP date"),
    ({"ratelimit-limit": "10", "ratelimit-remaining": "0", "ratelimit-reset": "5"}, 5.0, None),
    ({"ratelimit": "limit=10, remaining=0, reset=7"}, 7.0, None),
    ({"ratelimit": '"default";r=0;t=3'}, 3.0, None),
    ({"x-ratelimit-limit": "100", "x-ratelimit-remaining": "0"}, None, None),
    ({"x-ratelimit-reset": str(int(NOW + 20))}, 20.0, None),
    ({"x-ratelimit-reset": str(int(NOW - 600))}, 0.0, "in the past"),
    ({"x-ratelimit-remaining": "5"}, None, "a limited answer says 5 requests remain"),
    ({"ratelimit-limit": "10", "ratelimit-remaining": "-1"}, None, "not a non-negative number"),
    ({"ratelimit-limit": "many"}, None, "not a non-negative number"),
    ({"retry-after": "2", "ratelimit-reset": "9"}, 2.0, None),
]


@pytest.mark.parametrize(("headers", "wait", "phrase"), TABLE)
def test_limited_answer_headers_are_read_and_cross_checked(
    headers: dict[str, str], wait: float | None, phrase: str | None
) -> None:
    found = read_limit_headers(headers, NOW, limited=True)
    assert found.wait_s == (None if wait is None else pytest.approx(wait, abs=1))
    if phrase is None:
        assert found.problems == ()
    else:
        assert any(phrase in p for p in found.problems), found.problems


def test_remaining_above_the_limit_is_incoherent_even_on_an_allowed_answer() -> None:
    found = read_limit_headers({"ratelimit-limit": "5", "ratelimit-remaining": "9"}, NOW, False)
    assert found.problems == ("remaining 9 exceeds the limit 5",)


def test_an_allowed_answer_may_have_requests_remaining() -> None:
    found = read_limit_headers({"x-ratelimit-remaining": "5"}, NOW, limited=False)
    assert found.problems == ()
