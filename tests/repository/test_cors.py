"""CORS decided from the deployed application code and the proxy's headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, UNDECIDED, Variant, static_verdict

LINE = "CORS is properly configured for production domains"
MAIN = (REPOS / "good" / "backend" / "app" / "main.py").read_text()
ORIGINS = 'allow_origins=os.getenv("CORS_ORIGINS", "http://localhost:3000").split(","),'


def test_origins_from_the_stack_environment_pass_as_configured() -> None:
    verdict = static_verdict(LINE, "good", cors_allowed_origins=["https://app.example.org"])
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "configured, not observed live" in verdict.evidence
    assert "CORS_ORIGINS from docker-compose.prod.yml environment" in verdict.evidence


def test_only_localhost_allowed_fails() -> None:
    verdict = static_verdict(LINE, "decoy")
    assert verdict.status is Status.FAILED
    assert "allows only localhost origins (http://localhost:3000)" in verdict.evidence


def test_an_unset_variable_falls_back_to_the_codes_localhost_default(variant: Variant) -> None:
    compose = (REPOS / "good" / "docker-compose.prod.yml").read_text()
    text = compose.replace('      CORS_ORIGINS: "https://app.example.org"\n', "")
    verdict = static_verdict(LINE, variant("good", {"docker-compose.prod.yml": text}))
    assert verdict.status is Status.FAILED
    assert "CORS_ORIGINS unset in docker-compose.prod.yml; the code's default" in verdict.evidence


@pytest.mark.parametrize(
    ("origins", "expected"),
    [
        ('allow_origins=["*"],', "allows any origin (*) with credentials"),
        ('allow_origins=["https://app.example.org", "http://localhost:3000"],', "localhost"),
        ('allow_origins=["http://app.example.org"],', "plain-HTTP origin"),
        ('allow_origins=["https://other.example.com"],', "beyond cors_allowed_origins"),
    ],
)
def test_fastapi_origins_that_are_not_the_production_domains_fail(
    variant: Variant, origins: str, expected: str
) -> None:
    root = variant("good", {"backend/app/main.py": MAIN.replace(ORIGINS, origins)})
    verdict = static_verdict(LINE, root, cors_allowed_origins=["https://app.example.org"])
    assert verdict.status is Status.FAILED
    assert expected in verdict.evidence


def test_a_literal_production_list_passes(variant: Variant) -> None:
    text = MAIN.replace(ORIGINS, 'allow_origins=["https://app.example.org"],')
    verdict = static_verdict(LINE, variant("good", {"backend/app/main.py": text}))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_settings_class_default_is_read(variant: Variant) -> None:
    settings = "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n"
    settings += (
        '    allowed_origins: list[str] = ["http://localhost:3000"]\n\nsettings = Settings()\n'
    )
    text = MAIN.replace(ORIGINS, "allow_origins=settings.allowed_origins,")
    root = variant("good", {"backend/app/main.py": settings + text})
    verdict = static_verdict(LINE, root)
    assert verdict.status is Status.FAILED
    assert "settings default allowed_origins" in verdict.evidence


def test_origins_from_an_unknown_expression_are_undecided(variant: Variant) -> None:
    text = MAIN.replace(ORIGINS, "allow_origins=load_origins(),")
    verdict = static_verdict(LINE, variant("good", {"backend/app/main.py": text}))
    assert verdict.status is UNDECIDED


def _flask_repo(root: Path, call: str) -> Path:
    (root / "api").mkdir(parents=True)
    (root / "api" / "app.py").write_text(
        "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"
        f"{call}\n\n@app.route('/api/items')\ndef items():\n    return []\n"
    )
    (root / "docker-compose.yml").write_text("services:\n  api:\n    build: ./api\n")
    return root


def test_flask_cors_without_origins_allows_everything(tmp_path: Path) -> None:
    verdict = static_verdict(LINE, _flask_repo(tmp_path, "CORS(app)"))
    assert verdict.status is Status.FAILED
    assert "Flask-CORS allows any origin" in verdict.evidence


def test_flask_cors_resources_with_production_origins_pass(tmp_path: Path) -> None:
    call = 'CORS(app, resources={r"/api/*": {"origins": ["https://app.example.org"]}})'
    verdict = static_verdict(LINE, _flask_repo(tmp_path, call))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_django_allow_all_origins_fails(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "settings.py").write_text("CORS_ALLOW_ALL_ORIGINS = True\n")
    (tmp_path / "site" / "urls.py").write_text(
        "from django.urls import path\nurlpatterns = [path('api/items', view)]\n"
    )
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    build: ./site\n")
    verdict = static_verdict(LINE, tmp_path)
    assert verdict.status is Status.FAILED
    assert "CORS_ALLOW_ALL_ORIGINS" in verdict.evidence


@pytest.mark.parametrize(
    ("call", "status"),
    [
        ("app.use(cors());", Status.FAILED),
        ("app.use(cors({ origin: true, credentials: true }));", Status.FAILED),
        ("app.use(cors({ origin: ['https://app.example.org'] }));", Status.PASSED),
        (
            "// app.use(cors());\napp.use(cors({ origin: 'https://app.example.org' }));",
            Status.PASSED,
        ),
    ],
)
def test_express_cors_options_decide(tmp_path: Path, call: str, status: Status) -> None:
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "index.js").write_text(
        "const express = require('express');\nconst cors = require('cors');\n"
        f"const app = express();\n{call}\napp.get('/api/items', (req, res) => res.json([]));\n"
    )
    (tmp_path / "docker-compose.yml").write_text("services:\n  api:\n    build: ./server\n")
    verdict = static_verdict(LINE, tmp_path)
    assert verdict.status is status, verdict.evidence


def test_a_proxy_adding_a_wildcard_origin_fails(variant: Variant) -> None:
    nginx = (REPOS / "good" / "nginx" / "nginx.conf").read_text()
    text = nginx.replace(
        "proxy_pass http://api_pool;",
        "proxy_pass http://api_pool;\n            add_header Access-Control-Allow-Origin *;",
    )
    root = variant("good", {"nginx/nginx.conf": text})
    verdict = static_verdict(LINE, root, cors_allowed_origins=["https://app.example.org"])
    assert verdict.status is Status.FAILED
    assert "nginx add_header allows any origin" in verdict.evidence


def test_no_cors_anywhere_with_wanted_origins_fails(variant: Variant) -> None:
    text = MAIN.replace("app.add_middleware(", "dict(")
    root = variant("good", {"backend/app/main.py": text})
    verdict = static_verdict(LINE, root, cors_allowed_origins=["https://app.example.org"])
    assert verdict.status is Status.FAILED
    assert "sets no CORS headers" in verdict.evidence


def test_the_stack_environment_overrides_a_settings_class_default(variant: Variant) -> None:
    settings = "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n"
    settings += '    cors_origins: list[str] = ["http://localhost:3000"]\n\nsettings = Settings()\n'
    text = MAIN.replace(ORIGINS, "allow_origins=settings.cors_origins,")
    verdict = static_verdict(LINE, variant("good", {"backend/app/main.py": settings + text}))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "CORS_ORIGINS from docker-compose.prod.yml" in verdict.evidence
