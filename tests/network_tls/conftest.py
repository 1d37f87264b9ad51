"""Fixtures of the TLS, ports and DNS probe tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Verdict
from tests.support.evaluate import environment, judge
from tests.support.tls import Chain, make_certificate

TIMEOUT_S = 1.0
# Slack over timeout_s for thread start-up and a few concurrent handshakes.
MARGIN_S = 1.5

Judge = Callable[[str], Verdict]


def tls_settings(port: int, chain: Chain | None, **extra: Any) -> dict[str, Any]:
    """Settings probing https://127.0.0.1:PORT, trusting ``chain``'s CA."""
    settings: dict[str, Any] = {"base_url": f"https://127.0.0.1:{port}", "timeout_s": TIMEOUT_S}
    if chain is not None:
        settings["ca_bundle"] = str(chain.ca_pem)
    return settings | extra


def judge_with(settings: dict[str, Any], root: Path | None = None) -> Judge:
    """A judge of several lines sharing one evidence store (one scan)."""
    store = EvidenceStore(environment(settings, root))
    return lambda title: judge(title, settings, store=store)


@pytest.fixture
def good_chain(tmp_path: Path) -> Chain:
    """A CA-signed EC certificate for 127.0.0.1, valid for a year."""
    return make_certificate(tmp_path / "good")
