"""Rate limiting decided from the repository: nginx on the deploy path, or the app's limiter."""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, UNDECIDED, Variant, static_verdict

LINE = "Rate limiting is enabled"
NGINX = (REPOS / "good" / "nginx" / "nginx.conf").read_text()


def test_a_loading_nginx_limiting_every_api_location_passes_as_configured() -> None:
    verdict = static_verdict(LINE, "good")
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "configured, not observed live" in verdict.evidence
    assert "limit_req zone=api" in verdict.evidence and "nginx -t loads it" in verdict.evidence
    assert "Not deployed: docker-compose.dev.yml" in verdict.evidence


def test_limit_req_only_in_a_stack_whose_nginx_cannot_start_fails_naming_both_stacks() -> None:
    verdict = static_verdict(LINE, "decoy")
    assert verdict.status is Status.FAILED
    assert "names host 'api', which no service of docker-compose.proxy.yml provides" in (
        verdict.evidence
    )
    assert "published on the host (docker-compose.yml:5 8000->8000)" in verdict.evidence
    assert "Limiter created, applied to no route" in verdict.evidence


def test_an_applied_app_limiter_passes_even_when_the_api_is_published(variant: Variant) -> None:
    main = (REPOS / "decoy" / "backend" / "app" / "main.py").read_text()
    limited = main.replace(
        '@app.post("/api/chat")', '@app.post("/api/chat")\n@limiter.limit("5/minute")'
    )
    root = variant("decoy", {"backend/app/main.py": limited})
    verdict = static_verdict(LINE, root)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "@limiter.limit 5/minute" in verdict.evidence


def test_a_limiter_decorator_in_a_comment_does_not_count(variant: Variant) -> None:
    main = (REPOS / "decoy" / "backend" / "app" / "main.py").read_text()
    commented = main.replace(
        '@app.post("/api/chat")', '# @limiter.limit("5/minute")\n@app.post("/api/chat")'
    )
    verdict = static_verdict(LINE, variant("decoy", {"backend/app/main.py": commented}))
    assert verdict.status is Status.FAILED


def test_an_api_location_without_limit_req_fails(variant: Variant) -> None:
    text = NGINX.replace("limit_req zone=api burst=20 nodelay;", "")
    verdict = static_verdict(LINE, variant("good", {"nginx/nginx.conf": text}))
    assert verdict.status is Status.FAILED
    assert "location /api/ forwards to backend without limit_req" in verdict.evidence


def test_limit_req_naming_an_undeclared_zone_fails_nginx_t(variant: Variant) -> None:
    text = NGINX.replace("limit_req zone=api burst", "limit_req zone=apis burst")
    verdict = static_verdict(LINE, variant("good", {"nginx/nginx.conf": text}))
    assert verdict.status is Status.FAILED


def test_nginx_that_fails_nginx_t_cannot_pass(variant: Variant) -> None:
    text = NGINX.replace("keepalive 16;", "keepalive sixteen;")
    verdict = static_verdict(LINE, variant("good", {"nginx/nginx.conf": text}))
    assert verdict.status is Status.FAILED
    assert "nginx -t fails" in verdict.evidence


def test_an_api_also_published_on_the_host_bypasses_the_proxy_limiter(variant: Variant) -> None:
    compose = (REPOS / "good" / "docker-compose.prod.yml").read_text()
    text = compose.replace('    expose:\n      - "8000"', '    ports:\n      - "8000:8000"', 1)
    verdict = static_verdict(LINE, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "published on the host" in verdict.evidence


def test_limit_req_in_a_file_no_stack_mounts_does_not_count(variant: Variant) -> None:
    root = variant("good")
    (root / "nginx" / "limited.conf").write_text(NGINX)
    (root / "nginx" / "nginx.conf").write_text(
        NGINX.replace("limit_req zone=api burst=20 nodelay;", "")
    )
    verdict = static_verdict(LINE, root)
    assert verdict.status is Status.FAILED


def test_an_api_published_only_on_loopback_behind_no_proxy_is_undecided(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "main.py").write_text(
        "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/x')\ndef x():\n    return 1\n"
    )
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  api:\n    build: ./api\n    ports: ['127.0.0.1:8000:8000']\n"
    )
    verdict = static_verdict(LINE, tmp_path)
    assert verdict.status is UNDECIDED
    assert "neither published nor proxied" in verdict.evidence


def test_a_repository_without_compose_stacks_is_unverified(tmp_path: Path) -> None:
    verdict = static_verdict(LINE, tmp_path)
    assert verdict.status is UNDECIDED


def test_limit_req_in_dry_run_does_not_limit(variant: Variant) -> None:
    text = NGINX.replace(
        "limit_req zone=api burst=20 nodelay;",
        "limit_req zone=api burst=20;\n            limit_req_dry_run on;",
    )
    verdict = static_verdict(LINE, variant("good", {"nginx/nginx.conf": text}))
    assert verdict.status is Status.FAILED
    assert "limit_req_dry_run on" in verdict.evidence


def test_a_health_location_without_limit_req_is_accepted(variant: Variant) -> None:
    text = NGINX.replace(
        "        location / {",
        "        location = /api/health {\n            proxy_pass http://api_pool;\n        }\n"
        "        location / {",
    )
    verdict = static_verdict(LINE, variant("good", {"nginx/nginx.conf": text}))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_limit_req_inherited_from_the_server_level_counts(variant: Variant) -> None:
    text = NGINX.replace("            limit_req zone=api burst=20 nodelay;\n", "")
    text = text.replace(
        "        location /api/ {", "        limit_req zone=api burst=20;\n        location /api/ {"
    )
    verdict = static_verdict(LINE, variant("good", {"nginx/nginx.conf": text}))
    assert verdict.status is Status.PASSED, verdict.evidence
