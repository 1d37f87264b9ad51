"""GOOGLE_API_KEY against a loopback stand-in of Google's models-list endpoint."""

from __future__ import annotations

import time

import pytest

from pytest_biothings_ready.config.environment import Unset
from pytest_biothings_ready.model import Status
from tests.network_security import apps
from tests.support.evaluate import judge
from tests.support.servers import make_tls_files, serve_asgi

LINE = "GOOGLE_API_KEY is set and valid"


def _settings(url: str, key: object = apps.API_KEY, timeout: float = 2) -> dict[str, object]:
    return {
        "base_url": url,
        "timeout_s": timeout,
        "secrets": {"GOOGLE_API_KEY": key},
        "llm": {"base_url": f"{url}/v1beta"},
    }


def test_valid_key_passes_over_tls(tmp_path):
    tls = make_tls_files(tmp_path)
    with serve_asgi(apps.models_app(), tls=tls) as url:
        verdict = judge(LINE, {**_settings(url), "ca_bundle": str(tls.ca_pem)})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "answered 200 with 2 models" in verdict.evidence
    assert apps.API_KEY not in verdict.evidence


def test_invalid_key_fails_as_rejected():
    with serve_asgi(apps.models_app()) as url:
        verdict = judge(LINE, _settings(url, key="canary-AIzaSy-revoked-key"))
    assert verdict.status is Status.FAILED
    assert "rejected" in verdict.evidence
    assert "400 (INVALID_ARGUMENT API_KEY_INVALID)" in verdict.evidence
    assert "canary-AIzaSy-revoked-key" not in verdict.evidence


def test_llm_api_key_setting_takes_precedence():
    with serve_asgi(apps.models_app()) as url:
        settings = _settings(url, key="wrong")
        settings["llm"] = {"base_url": f"{url}/v1beta", "api_key": apps.API_KEY}
        verdict = judge(LINE, settings)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "from llm.api_key" in verdict.evidence


def test_empty_key_fails():
    verdict = judge(LINE, _settings("http://127.0.0.1:9", key=""))
    assert verdict.status is Status.FAILED
    assert "set but empty" in verdict.evidence


def test_unset_variable_is_an_error_naming_it():
    verdict = judge(LINE, _settings("http://127.0.0.1:9", key=Unset("GOOGLE_API_KEY")))
    assert verdict.status is Status.ERROR
    assert "GOOGLE_API_KEY is not set" in verdict.evidence


def test_no_key_configured_is_unverified():
    verdict = judge(LINE, {"base_url": "http://127.0.0.1:9"})
    assert verdict.status is Status.UNVERIFIED
    assert "secrets.GOOGLE_API_KEY" in verdict.evidence


def test_default_google_endpoint_is_not_called_unless_named():
    settings = {"base_url": "http://127.0.0.1:9", "secrets": {"GOOGLE_API_KEY": "k"}}
    verdict = judge(LINE, settings)
    assert verdict.status is Status.UNVERIFIED
    assert "llm.base_url" in verdict.evidence
    assert "generativelanguage.googleapis.com" in verdict.evidence


def test_server_error_is_an_error_not_a_rejection():
    with serve_asgi(apps.models_app()) as url:
        settings = _settings(url)
        settings["llm"] = {"base_url": url, "models_path": "/nowhere"}
        verdict = judge(LINE, settings)
    assert verdict.status is Status.ERROR
    assert "answered 404" in verdict.evidence


def test_unreachable_endpoint_is_an_error(closed_port):
    verdict = judge(LINE, _settings(f"http://127.0.0.1:{closed_port}"))
    assert verdict.status is Status.ERROR
    assert "ConnectError" in verdict.evidence
    assert apps.API_KEY not in verdict.evidence


def test_silent_endpoint_is_an_error_within_the_timeout(silent_port):
    began = time.monotonic()
    verdict = judge(LINE, _settings(f"http://127.0.0.1:{silent_port}", timeout=1))
    assert verdict.status is Status.ERROR
    assert time.monotonic() - began < 1 + 1.5


def test_garbage_speaking_endpoint_is_an_error(garbage_port):
    verdict = judge(LINE, _settings(f"http://127.0.0.1:{garbage_port}"))
    assert verdict.status is Status.ERROR
    assert "RemoteProtocolError" in verdict.evidence
    assert apps.API_KEY not in verdict.evidence


@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_key_with_a_line_break_fails_shown_only_by_fingerprint(suffix: str) -> None:
    key = "canary-AIzaSy-newline-key-77" + suffix
    with serve_asgi(apps.models_app(valid_key=key.strip())) as url:
        verdict = judge(LINE, _settings(url, key=key))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "(secrets.GOOGLE_API_KEY, " in verdict.evidence and "sha256 " in verdict.evidence
    assert "ends with a" in verdict.evidence and "no HTTP client can send it" in verdict.evidence
    assert "canary-AIzaSy" not in verdict.evidence and "newline-key" not in verdict.evidence


def test_the_same_key_without_the_line_break_passes() -> None:
    key = "canary-AIzaSy-newline-key-77"
    with serve_asgi(apps.models_app(valid_key=key)) as url:
        verdict = judge(LINE, _settings(url, key=key))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert key not in verdict.evidence
