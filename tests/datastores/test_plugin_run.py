"""End to end: a literal password in redis_url never reaches the record or the terminal."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.support.redis import redis_server
from tests.support.servers import free_port

pytest_plugins = ["pytester"]

PASSWORD = "Literal-Canary-Password-42"


def test_the_redis_password_is_masked_in_the_record_and_output(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    with redis_server(tmp_path / "redis", "--requirepass", PASSWORD, "--maxmemory", "8mb") as port:
        pytester.makefile(
            ".toml",
            readiness=f"""
[env.staging]
base_url = "https://127.0.0.1:{free_port()}"
timeout_s = 2
redis_url = "redis://:{PASSWORD}@127.0.0.1:{port}/0"
""",
        )
        result = pytester.runpytest(
            "--ready-env=staging",
            "-k",
            "redis",
            "-rA",
            "--junitxml=record.xml",
            "-p",
            "no:cacheprovider",
        )
    record = (pytester.path / "record.xml").read_text()
    assert PASSWORD not in result.stdout.str() + record
    statuses = [
        p.get("value")
        for case in ET.fromstring(record).iter("testcase")
        for p in case.iter("property")
        if p.get("name") == "ready_status"
    ]
    assert statuses == ["failed"]  # noeviction: maxmemory-policy is the default
    assert "redis://:***@127.0.0.1" in record
