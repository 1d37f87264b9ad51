"""Shapes seen in public deployment repositories, as synthetic look-alikes."""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.repository.conftest import UNDECIDED, static_verdict

RATE = "Rate limiting is enabled"
TLS = "TLS 1.2+ only, secure cipher suites"
API = (
    "from fastapi import FastAPI\napp = FastAPI()\n\n"
    "@app.get('/api/v1/items')\ndef items():\n    return []\n"
)
ZONE = "limit_req_zone $binary_remote_addr zone=api_limit:10m rate=10r/s;\n"
POOL = "upstream backend { server backend:8000; }\n"
ROOT_MOUNT = "      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./certs:/ssl:ro"
CONF_D = ROOT_MOUNT + "\n      - ./nginx/conf.d:/etc/nginx/conf.d:ro"


def _repo(root: Path, compose: str, files: dict[str, str]) -> Path:
    (root / "backend").mkdir(parents=True, exist_ok=True)
    (root / "backend" / "main.py").write_text(API)
    (root / "docker-compose.yml").write_text(compose)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


PROXY = """services:
  backend:
    build: ./backend
  nginx:
    image: nginx:1.27
    ports: ["80:80", "443:443"]
    volumes:
{mounts}
"""
MAIN = """events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    upstream backend { server backend:8000; }
    limit_req_zone $binary_remote_addr zone=api_limit:10m rate=10r/s;
    include /etc/nginx/conf.d/*.conf;
}
"""
SITE = """server {
    listen 80;
    location ~ ^/health { proxy_pass http://backend; }
    location /api/ {
        limit_req zone=api_limit burst=20 nodelay;
        limit_req_status 429;
        proxy_pass http://backend;
    }
}
"""


def test_zones_in_the_main_config_and_limits_in_a_mounted_conf_d_folder(tmp_path: Path) -> None:
    mounts = CONF_D
    root = _repo(
        tmp_path,
        PROXY.format(mounts=mounts),
        {"nginx/nginx.conf": MAIN, "nginx/conf.d/api.conf": SITE},
    )
    verdict = static_verdict(RATE, root)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "nginx/conf.d/api.conf" in verdict.evidence


def test_a_conf_d_snippet_alone_runs_inside_the_images_http_block(tmp_path: Path) -> None:
    snippet = ZONE + POOL + SITE
    mounts = "      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro"
    root = _repo(tmp_path, PROXY.format(mounts=mounts), {"nginx/default.conf": snippet})
    assert static_verdict(RATE, root).status is Status.PASSED


def test_the_include_no_mount_provides_drops_the_limits(tmp_path: Path) -> None:
    mounts = ROOT_MOUNT
    root = _repo(
        tmp_path,
        PROXY.format(mounts=mounts),
        {"nginx/nginx.conf": MAIN, "nginx/conf.d/api.conf": SITE},
    )
    verdict = static_verdict(RATE, root)
    assert verdict.status is not Status.PASSED


def test_old_protocols_at_http_level_reach_every_tls_server(tmp_path: Path) -> None:
    main = MAIN.replace(
        "    include /etc/nginx/conf.d/*.conf;\n",
        "    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n"
        "    server { listen 443 ssl; ssl_certificate /ssl/c.crt; ssl_certificate_key /ssl/c.key;\n"
        "             location / { proxy_pass http://backend; } }\n",
    )
    mounts = ROOT_MOUNT
    root = _repo(tmp_path, PROXY.format(mounts=mounts), {"nginx/nginx.conf": main})
    verdict = static_verdict(TLS, root)
    assert verdict.status is Status.FAILED
    assert "ssl_protocols allows TLSv1 TLSv1.1" in verdict.evidence


def test_an_envsubst_variable_in_a_plain_mounted_config_breaks_nginx(tmp_path: Path) -> None:
    site = SITE.replace(
        "    listen 80;\n",
        "    listen 80;\n    server_name ${DOMAIN};\n    return 301 https://${DOMAIN}$request_uri;\n",
    )
    mounts = CONF_D
    root = _repo(
        tmp_path,
        PROXY.format(mounts=mounts),
        {"nginx/nginx.conf": MAIN, "nginx/conf.d/api.conf": site},
    )
    verdict = static_verdict(RATE, root)
    assert verdict.status is Status.FAILED
    assert "nginx -t fails" in verdict.evidence


def test_a_templates_mount_is_not_validated_so_it_cannot_pass(tmp_path: Path) -> None:
    snippet = ZONE + POOL + SITE
    mounts = "      - ./nginx/default.conf.template:/etc/nginx/templates/default.conf.template:ro"
    root = _repo(tmp_path, PROXY.format(mounts=mounts), {"nginx/default.conf.template": snippet})
    verdict = static_verdict(RATE, root)
    assert verdict.status is UNDECIDED
    assert "envsubst" in verdict.evidence


def test_an_openresty_config_is_undecided_not_broken(tmp_path: Path) -> None:
    main = MAIN.replace("    include /etc/nginx/mime.types;\n", "    lua_shared_dict limits 10m;\n")
    main = main.replace("    include /etc/nginx/conf.d/*.conf;\n", SITE)
    compose = PROXY.format(mounts="      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro").replace(
        "nginx:1.27", "openresty/openresty:alpine"
    )
    root = _repo(tmp_path, compose, {"nginx/nginx.conf": main})
    verdict = static_verdict(RATE, root)
    assert verdict.status is UNDECIDED
    assert "not loadable by Debian's nginx (unknown directive" in verdict.evidence
