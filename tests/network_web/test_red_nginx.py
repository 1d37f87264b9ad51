"""Frontend, CDN and caching lines against Debian's nginx serving a built SPA.

The correct site must pass all three lines (no false alarm from a stock server);
the same site with a missing bundle behind ``try_files ... /index.html`` must fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status
from tests.network_web.apps import settings
from tests.support.evaluate import judge
from tests.support.nginx import run_nginx
from tests.support.servers import free_port

SITE = """
    types {{ text/html html; application/javascript js; text/css css;
             application/json json; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location /assets/ {{
            expires 1y;
            add_header Cache-Control "public";
            add_header X-Cache "HIT";
            try_files $uri /index.html;
        }}
        location /api/ {{ add_header Cache-Control "public, max-age=60"; }}
        location / {{ try_files $uri /index.html; }}
    }}
"""
PAGE = (
    "<!doctype html><html><head><title>Agents</title>"
    '<link rel="stylesheet" href="/assets/app.css"></head>'
    '<body><div id="root"></div><script type="module" src="/assets/app.js"></script>'
    "</body></html>"
)


def _serve_site(tmp_path: Path, with_bundle: bool) -> tuple[Path, str]:
    root = tmp_path / "www"
    (root / "assets").mkdir(parents=True)
    (root / "api").mkdir()
    (root / "index.html").write_text(PAGE)
    (root / "assets" / "app.css").write_text("body { margin: 0 }\n")
    if with_bundle:
        (root / "assets" / "app.js").write_text("document.title = 'ready';\n")
    (root / "api" / "agents.json").write_text('[{"name":"planner"}]')
    return root, SITE


@pytest.mark.parametrize("with_bundle", [True, False])
def test_a_stock_nginx_spa_passes_and_its_missing_bundle_fails(
    tmp_path: Path, with_bundle: bool
) -> None:
    root, site = _serve_site(tmp_path, with_bundle)
    port = free_port()
    body = site.format(port=port, root=root)
    with run_nginx(tmp_path / "nginx", body, [port]):
        url = f"http://127.0.0.1:{port}"
        env = settings(url, frontend_url=url + "/", caching={"paths": ["/api/agents.json"]})
        frontend = judge("Frontend loading correctly", env)
        cdn = judge("CDN configured for static assets", env)
        caching = judge("API response caching implemented", env)
    assert caching.status is Status.PASSED, caching.evidence
    if with_bundle:
        assert frontend.status is Status.PASSED, frontend.evidence
        assert cdn.status is Status.PASSED, cdn.evidence
    else:
        assert frontend.status is Status.FAILED, frontend.evidence
        assert "/assets/app.js answered an HTML page, not the asset" in frontend.evidence
