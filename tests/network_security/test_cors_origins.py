"""The hostile origins derived from each allowed origin, on their own table."""

from __future__ import annotations

from pytest_biothings_ready.probes.cors import (
    CorsAnswer,
    CorsReport,
    hostile_origins,
    judge_cors,
    look_alikes,
)


def test_look_alikes_of_a_subdomain_origin_cover_every_lax_match() -> None:
    assert dict(look_alikes("https://app.example.test")) == {
        "scheme change": "http://app.example.test",
        "port change": "https://app.example.test:444",
        "prefix look-alike": "https://app.example.test.evil.example",
        "suffix look-alike": "https://evilexample.test",
        "child subdomain": "https://evil.app.example.test",
        "sibling subdomain": "https://evil.example.test",
        "unescaped dot": "https://app-example.test",
    }


def test_look_alikes_keep_an_explicit_port() -> None:
    found = dict(look_alikes("http://App.Example.org:8080/"))
    assert found["scheme change"] == "https://app.example.org:8080"
    assert found["port change"] == "http://app.example.org:8081"
    assert found["prefix look-alike"] == "http://app.example.org.evil.example:8080"
    assert found["suffix look-alike"] == "http://evilexample.org:8080"


def test_a_registrable_domain_has_no_sibling_but_a_suffix_look_alike() -> None:
    found = dict(look_alikes("https://example.org"))
    assert "sibling subdomain" not in found
    assert found["suffix look-alike"] == "https://evilexample.org"
    assert found["child subdomain"] == "https://evil.example.org"


def test_an_ip_origin_gets_only_scheme_and_port_changes() -> None:
    assert dict(look_alikes("https://127.0.0.1:8443")) == {
        "scheme change": "http://127.0.0.1:8443",
        "port change": "https://127.0.0.1:8444",
    }


def test_unparsable_or_non_http_origins_have_no_look_alikes() -> None:
    assert look_alikes("null") == []
    assert look_alikes("chrome-extension://abc") == []


def test_hostile_origins_never_include_an_allowed_one_and_add_null_and_foreign() -> None:
    allowed = ["https://app.example.org", "http://app.example.org"]
    found = dict((o, k) for k, o in hostile_origins(allowed, "https://evil.example"))
    assert "http://app.example.org" not in found
    assert found["null"] == "null origin"
    assert found["https://evil.example"] == "foreign origin"
    assert len(found) == len(set(found))


def _report(*answers: CorsAnswer) -> CorsReport:
    hostile = (("foreign origin", "https://evil.example"),)
    return CorsReport("https://h", "/p", ("https://app.example.org",), hostile, answers)


def test_a_reflected_preflight_refused_with_403_does_not_let_a_browser_through() -> None:
    refused = CorsAnswer(
        "https://evil.example", "preflight", "/p", 403, "https://evil.example", True
    )
    assert judge_cors(_report(refused)) == []


def test_a_reflected_simple_answer_fails_whatever_its_status() -> None:
    reflected = CorsAnswer(
        "https://evil.example", "credentialed", "/p", 404, "https://evil.example", True
    )
    assert judge_cors(_report(reflected)) == [
        "https://evil.example (foreign origin): reflected "
        "(Access-Control-Allow-Origin https://evil.example with credentials) on /p (credentialed)"
    ]
