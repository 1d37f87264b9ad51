"""Kubernetes edges: Ingress annotations and traefik CRDs decide rate limits, HTTPS and CORS."""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.repository.conftest import UNDECIDED, static_verdict

RATE = "Rate limiting is enabled"
HTTPS = "HTTPS enforced (HTTP redirects to HTTPS)"
CORS = "CORS is properly configured for production domains"
HSTS = {"thresholds": {"hsts_min_age": 15552000}}
INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
{annotations}
spec:
  ingressClassName: nginx
{tls}
  rules:
    - host: api.example.org
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {{service: {{name: api, port: {{number: 80}}}}}}
"""
TLS = "  tls:\n    - hosts: [api.example.org]\n      secretName: api-tls"
LIMIT = '    nginx.ingress.kubernetes.io/limit-rps: "20"'


def _repo(root: Path, annotations: str = LIMIT, tls: str = TLS, extra: str = "") -> Path:
    (root / "k8s").mkdir()
    text = INGRESS.format(annotations=annotations or "    {}", tls=tls) + extra
    (root / "k8s" / "ingress.yaml").write_text(text.replace("  annotations:\n    {}\n", ""))
    return root


def test_an_api_ingress_with_limit_rps_passes(tmp_path: Path) -> None:
    verdict = static_verdict(RATE, _repo(tmp_path), manifests=["k8s"])
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "limit-rps=20" in verdict.evidence


def test_an_api_ingress_without_a_limit_is_undecided_the_image_may_limit(tmp_path: Path) -> None:
    verdict = static_verdict(RATE, _repo(tmp_path, annotations=""), manifests=["k8s"])
    assert verdict.status is UNDECIDED
    assert "Ingress/api routes api.example.org/ -> api without a rate limit" in verdict.evidence


def test_a_traefik_rate_limit_middleware_crd_counts(tmp_path: Path) -> None:
    notes = "    traefik.ingress.kubernetes.io/router.middlewares: default-api-limit@kubernetescrd"
    crd = (
        "---\napiVersion: traefik.io/v1alpha1\nkind: Middleware\n"
        "metadata: {name: api-limit}\nspec:\n  rateLimit: {average: 50, burst: 100}\n"
    )
    verdict = static_verdict(RATE, _repo(tmp_path, annotations=notes, extra=crd), manifests=["k8s"])
    assert verdict.status is Status.PASSED, verdict.evidence


def test_an_ingress_with_tls_on_ingress_nginx_passes_https(tmp_path: Path) -> None:
    verdict = static_verdict(HTTPS, _repo(tmp_path), manifests=["k8s"], **HSTS)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_an_ingress_without_tls_fails_https(tmp_path: Path) -> None:
    verdict = static_verdict(HTTPS, _repo(tmp_path, tls=""), manifests=["k8s"], **HSTS)
    assert verdict.status is Status.FAILED
    assert "serves api.example.org without TLS" in verdict.evidence


def test_ssl_redirect_turned_off_fails_https(tmp_path: Path) -> None:
    notes = LIMIT + '\n    nginx.ingress.kubernetes.io/ssl-redirect: "false"'
    verdict = static_verdict(HTTPS, _repo(tmp_path, annotations=notes), manifests=["k8s"], **HSTS)
    assert verdict.status is Status.FAILED


def test_enable_cors_without_origins_allows_everything(tmp_path: Path) -> None:
    notes = LIMIT + '\n    nginx.ingress.kubernetes.io/enable-cors: "true"'
    verdict = static_verdict(CORS, _repo(tmp_path, annotations=notes), manifests=["k8s"])
    assert verdict.status is Status.FAILED
    assert "allows any origin (*) with credentials" in verdict.evidence


def test_enable_cors_with_the_production_origin_passes(tmp_path: Path) -> None:
    notes = LIMIT + (
        '\n    nginx.ingress.kubernetes.io/enable-cors: "true"'
        '\n    nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example.org"'
    )
    root = _repo(tmp_path, annotations=notes)
    verdict = static_verdict(
        CORS, root, manifests=["k8s"], cors_allowed_origins=["https://app.example.org"]
    )
    assert verdict.status is Status.PASSED, verdict.evidence
