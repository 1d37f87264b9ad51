"""Redis, API response caching and API tests in CI, decided from the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, Variant, static_verdict

REDIS = "Redis configured for session/data caching"
CACHING = "API response caching implemented"
TESTED = "API endpoints tested"
MAIN = (REPOS / "good" / "backend" / "app" / "main.py").read_text()
COMPOSE = (REPOS / "good" / "docker-compose.prod.yml").read_text()
NGINX = (REPOS / "good" / "nginx" / "nginx.conf").read_text()


@pytest.mark.parametrize("line", [REDIS, CACHING, TESTED])
def test_the_good_repository_passes_as_configured(line: str) -> None:
    verdict = static_verdict(line, "good")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "configured, not observed live" in verdict.evidence


@pytest.mark.parametrize("line", [REDIS, CACHING, TESTED])
def test_the_decoy_repository_fails(line: str) -> None:
    assert static_verdict(line, "decoy").status is Status.FAILED


def test_redis_deployed_but_unused_by_the_code_fails(variant: Variant) -> None:
    text = MAIN.replace("import redis\n", "").replace(
        'cache = redis.Redis.from_url(os.getenv("REDIS_URL", "redis://redis:6379/0"))\n', ""
    )
    verdict = static_verdict(REDIS, variant("good", {"backend/app/main.py": text}))
    assert verdict.status is Status.FAILED
    assert "runs redis but the code of backend uses no Redis client" in verdict.evidence


def test_a_redis_url_naming_a_missing_service_fails(variant: Variant) -> None:
    text = COMPOSE.replace('REDIS_URL: "redis://redis:6379/0"', 'REDIS_URL: "redis://cache:6379/0"')
    verdict = static_verdict(REDIS, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "points at Redis host 'cache', which docker-compose.prod.yml does not run" in (
        verdict.evidence
    )


def test_a_caching_proxy_location_counts(variant: Variant) -> None:
    text = MAIN.replace('response.headers["Cache-Control"] = "public, max-age=60"', "pass")
    nginx = NGINX.replace(
        "proxy_pass http://api_pool;", "proxy_pass http://api_pool;\n            expires 1m;"
    )
    verdict = static_verdict(
        CACHING, variant("good", {"backend/app/main.py": text, "nginx/nginx.conf": nginx})
    )
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "caches responses of backend" in verdict.evidence


def test_no_cache_header_anywhere_fails(variant: Variant) -> None:
    text = MAIN.replace('response.headers["Cache-Control"] = "public, max-age=60"', "pass")
    verdict = static_verdict(CACHING, variant("good", {"backend/app/main.py": text}))
    assert verdict.status is Status.FAILED


def test_api_tests_no_workflow_runs_fail(variant: Variant) -> None:
    workflow = "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
    root = variant("good", {".github/workflows/ci.yml": workflow + "      - run: ruff check .\n"})
    verdict = static_verdict(TESTED, root)
    assert verdict.status is Status.FAILED
    assert "API tests exist (backend/tests/test_api.py) but no CI workflow runs them" in (
        verdict.evidence
    )


def test_a_test_step_in_a_commented_line_does_not_count(variant: Variant) -> None:
    workflow = "on: push\njobs:\n  api:\n    runs-on: ubuntu-latest\n    steps:\n"
    workflow += "      # - run: pytest\n      - run: echo skip\n"
    verdict = static_verdict(TESTED, variant("good", {".github/workflows/ci.yml": workflow}))
    assert verdict.status is Status.FAILED


def test_a_no_store_cache_control_is_not_caching(variant: Variant) -> None:
    text = MAIN.replace('"public, max-age=60"', '"no-store"')
    verdict = static_verdict(CACHING, variant("good", {"backend/app/main.py": text}))
    assert verdict.status is Status.FAILED


def test_a_proxy_header_that_forbids_caching_is_not_caching(variant: Variant) -> None:
    text = MAIN.replace('response.headers["Cache-Control"] = "public, max-age=60"', "pass")
    nginx = NGINX.replace(
        "proxy_pass http://api_pool;",
        'proxy_pass http://api_pool;\n            add_header Cache-Control "no-cache";',
    )
    root = variant("good", {"backend/app/main.py": text, "nginx/nginx.conf": nginx})
    assert static_verdict(CACHING, root).status is Status.FAILED


def test_express_cache_control_with_max_age_counts(tmp_path: Path) -> None:
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "index.js").write_text(
        "const express = require('express');\nconst app = express();\n"
        "app.get('/api/items', (req, res) => {\n"
        "  res.set('Cache-Control', 'public, max-age=300');\n  res.json([]);\n});\n"
    )
    (tmp_path / "docker-compose.yml").write_text("services:\n  api:\n    build: ./server\n")
    verdict = static_verdict(CACHING, tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_managed_redis_named_by_redis_url_is_left_to_the_live_probe() -> None:
    verdict = static_verdict(REDIS, "decoy", redis_url="rediss://cache.example.org:6380")
    assert verdict.status is not Status.PASSED
