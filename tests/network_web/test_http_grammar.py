"""The parsers behind HTTPS enforcement, on their own tables.

``Location`` is read by the WHATWG URL rules (as a browser does); HSTS by RFC 6797
§6.1 (as a browser decides whether to honour it).
"""

from __future__ import annotations

import pytest

from pytest_biothings_ready.probes.http import browser_url, judge_redirect, parse_hsts

ASKED = "http://app.example.org/api/items?q=1"
HTTPS = ("app.example.org", 443)

# (Location, where a browser goes: host, port, path+query, has userinfo)
LOCATIONS = [
    ("https://app.example.org/api/items?q=1", "app.example.org", 443, "/api/items?q=1", False),
    ("https://evil.example\\@app.example.org/", "evil.example", 443, "/@app.example.org/", False),
    ("https:\\\\evil.example\\api", "evil.example", 443, "/api", False),
    ("https:evil.example/x", "evil.example", 443, "/x", False),
    ("//evil.example/x", "evil.example", 80, "/x", False),
    ("/api/items", "app.example.org", 80, "/api/items", False),
    ("https://user:pw@app.example.org/", "app.example.org", 443, "/", True),
    ("https://evil.example@app.example.org/", "app.example.org", 443, "/", True),
    ("https://app.exa\tmple.org/\n", "app.example.org", 443, "/", False),
    ("  https://APP.Example.ORG:443/  ", "app.example.org", 443, "/", False),
    ("https://app.example.org:0443/", "app.example.org", 443, "/", False),
    ("https://app.example.org:8443/", "app.example.org", 8443, "/", False),
    ("https://bücher.example/", "xn--bcher-kva.example", 443, "/", False),
    ("https://%61pp.example.org/", "app.example.org", 443, "/", False),
    ("https://0x7f.1/", "127.0.0.1", 443, "/", False),
    ("https://[::1]:8443/a/../b", "::1", 8443, "/b", False),
    ("https://app.example.org/a/%2e%2E/b", "app.example.org", 443, "/b", False),
]


@pytest.mark.parametrize(("location", "host", "port", "path", "userinfo"), LOCATIONS)
def test_location_is_resolved_as_a_browser_resolves_it(
    location: str, host: str, port: int, path: str, userinfo: bool
) -> None:
    url = browser_url(location, base=ASKED)
    assert url is not None
    assert (url.host, url.port, url.path_query, url.userinfo) == (host, port, path, userinfo)


@pytest.mark.parametrize("location", ["https://", "https://exa mple.org/", "http://[::1/"])
def test_locations_a_browser_cannot_parse_are_none(location: str) -> None:
    assert browser_url(location, base=ASKED) is None


# (Location, a phrase of the problem; None: the redirect is right)
REDIRECTS = [
    ("https://app.example.org/api/items?q=1", None),
    ("https://APP.example.org:443/api/items?q=1", None),
    ("https://app.example.org/api/items?q=1#top", None),
    ("https://evil.example\\@app.example.org/api/items?q=1", "another host"),
    ("https://app.example.org.evil.example/api/items?q=1", "another host"),
    ("https://app.example.org:9/api/items?q=1", "redirects to port 9"),
    ("https://user@app.example.org/api/items?q=1", "carries credentials"),
    ("/api/items?q=1", "not https"),
    ("//app.example.org/api/items?q=1", "not https"),
    ("https://app.example.org/", "another path"),
    ("https://app.example.org/api/items", "another path"),
    ("https://", "cannot parse"),
]


@pytest.mark.parametrize(("location", "phrase"), REDIRECTS)
def test_redirect_targets_are_judged_by_where_the_browser_lands(
    location: str, phrase: str | None
) -> None:
    problem, _ = judge_redirect(ASKED, 301, location, HTTPS)
    if phrase is None:
        assert problem is None
    else:
        assert problem is not None and phrase in problem


def test_the_base_url_host_is_an_accepted_target_for_another_entry_point() -> None:
    problem, _ = judge_redirect("http://www.example.org/", 308, "https://app.example.org/", HTTPS)
    assert problem is None


# (header value, max-age or None when invalid, includeSubDomains, preload, problem phrase)
HSTS = [
    ("max-age=31536000", 31536000, False, False, None),
    ("max-age=31536000; includeSubDomains; preload", 31536000, True, True, None),
    ('max-age="31536000"', 31536000, False, False, None),
    ("MAX-AGE=10 ; INCLUDESUBDOMAINS", 10, True, False, None),
    ("includeSubDomains;max-age=10;;", 10, True, False, None),
    ('max-age=10; ext="a;b"', 10, False, False, None),
    ("max-age=10; unknown-directive", 10, False, False, None),
    ("max-age=0", 0, False, False, None),
    ("max-age=31536000; max-age=0", None, False, False, "more than once"),
    ("max-age=1; includeSubDomains; includeSubDomains", None, False, False, "more than once"),
    ("includeSubDomains; preload", None, True, True, "max-age is missing"),
    ("", None, False, False, "max-age is missing"),
    ("max-age", None, False, False, "not delta-seconds"),
    ("max-age=-1", None, False, False, "not delta-seconds"),
    ("max-age=1.5", None, False, False, "not delta-seconds"),
    ('max-age="ten"', None, False, False, "not delta-seconds"),
    ("max-age=31536000, max-age=0", None, False, False, "is not a directive"),
    ("max-age=31536000 junk", None, False, False, "is not a directive"),
    ('max-age="31536000', None, False, False, "is not a directive"),
    ("max-age=1; includeSubDomains=yes", None, True, False, "must not carry a value"),
    ("max-age=1; (comment)", None, False, False, "is not a directive"),
]


@pytest.mark.parametrize(("raw", "age", "sub", "preload", "phrase"), HSTS)
def test_hsts_is_read_strictly_per_rfc_6797(
    raw: str, age: int | None, sub: bool, preload: bool, phrase: str | None
) -> None:
    hsts = parse_hsts(raw)
    assert (hsts.max_age, hsts.include_subdomains, hsts.preload) == (age, sub, preload)
    if phrase is None:
        assert hsts.valid, hsts.problem
    else:
        assert hsts.problem is not None and phrase in hsts.problem


def test_a_permanent_redirect_without_location_is_named() -> None:
    problem, target = judge_redirect(ASKED, 301, None, HTTPS)
    assert problem == "answered 301 without a Location header"
    assert target is None
