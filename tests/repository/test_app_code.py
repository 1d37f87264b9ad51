"""Which code is an API's: Dockerfile COPY sources narrow a shared build context; a
browser client's calls are not routes; traefik routes services of other stacks."""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.repository.conftest import static_verdict

STRUCTURED = "Structured logging implemented"
RATE = "Rate limiting is enabled"
BACKEND = (
    "import structlog\nfrom fastapi import FastAPI\n"
    "structlog.configure(processors=[structlog.processors.JSONRenderer()])\n"
    "app = FastAPI()\n\n@app.get('/api/items')\ndef items():\n    return []\n"
)
CLIENT = "import axios from 'axios';\nexport const items = () => axios.get('/api/items');\n"


def _shared_context(root: Path) -> Path:
    (root / "backend" / "app").mkdir(parents=True)
    (root / "frontend" / "src").mkdir(parents=True)
    (root / "backend" / "app" / "main.py").write_text(BACKEND)
    (root / "backend" / "Dockerfile").write_text("FROM python:3.12\nCOPY backend/app /app\n")
    (root / "frontend" / "src" / "api.ts").write_text(CLIENT)
    (root / "frontend" / "Dockerfile").write_text("FROM node:20\nCOPY frontend/ /src\n")
    (root / "compose.yml").write_text(
        "services:\n"
        "  backend:\n    build: {context: ., dockerfile: backend/Dockerfile}\n"
        "  frontend:\n    build: {context: ., dockerfile: frontend/Dockerfile}\n"
    )
    return root


def test_a_shared_context_is_narrowed_to_what_each_dockerfile_copies(tmp_path: Path) -> None:
    verdict = static_verdict(STRUCTURED, _shared_context(tmp_path))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "frontend" not in verdict.evidence


def test_a_browser_clients_api_calls_are_not_routes(tmp_path: Path) -> None:
    root = _shared_context(tmp_path)
    (root / "backend" / "app" / "main.py").write_text(
        BACKEND.replace("structlog.configure", "print")
    )
    verdict = static_verdict(STRUCTURED, root)
    assert verdict.status is Status.FAILED
    assert "backend" in verdict.evidence and "frontend (" not in verdict.evidence


def test_traefik_in_its_own_stack_routes_services_of_another(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "main.py").write_text(BACKEND)
    (tmp_path / "compose.yml").write_text(
        "services:\n  api:\n    build: ./api\n    labels:\n"
        "      - traefik.enable=true\n"
        "      - traefik.http.routers.api.tls.certresolver=le\n"
        "      - traefik.http.routers.api.middlewares=limit\n"
        "      - traefik.http.middlewares.limit.ratelimit.average=20\n"
    )
    (tmp_path / "compose.traefik.yml").write_text(
        "services:\n  traefik:\n    image: traefik:3.1\n    ports: ['443:443']\n"
        "    command: ['--providers.docker', '--entrypoints.https.address=:443']\n"
    )
    verdict = static_verdict(RATE, tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
