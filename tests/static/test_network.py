"""Network segmentation, session affinity and backend connection pooling."""

from __future__ import annotations

from pytest_biothings_ready.model import Status
from tests.static.conftest import GOOD, Variant, judge_repo

SEGMENTS = "VPC/network segmentation in place"
AFFINITY = "Session affinity configured if needed"
POOLING = "Backend connection pooling optimized"

POOL_WITHOUT_KEEPALIVE = """
upstream api { server 127.0.0.1:8000; }
server {
    listen 80;
    location / { proxy_pass http://api; }
    location /direct { proxy_pass http://127.0.0.1:9000; }
}
"""


def test_policies_without_default_deny_and_with_an_open_rule_fail() -> None:
    verdict = judge_repo(SEGMENTS, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "no default-deny NetworkPolicy in namespace default" in verdict.evidence
    assert "Deployment/api: ingress open to all by NetworkPolicy/api-ingress" in verdict.evidence
    # admin declares no port and backs no Service: it needs no ingress allowance.
    assert "Deployment/admin" not in verdict.evidence


def test_affinity_needed_but_absent_fails() -> None:
    verdict = judge_repo(
        AFFINITY, "weak-k8s", manifests=["app.yaml"], session_affinity_required=True
    )
    assert verdict.status is Status.FAILED
    assert "no Ingress affinity annotation" in verdict.evidence


def test_affinity_from_service_client_ip_passes() -> None:
    verdict = judge_repo(AFFINITY, "good", manifests=["k8s/"], session_affinity_required=True)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "Service/agents-api sessionAffinity ClientIP" in verdict.evidence


def test_affinity_not_needed_is_not_applicable() -> None:
    verdict = judge_repo(AFFINITY, "good", manifests=["k8s/"], session_affinity_required=False)
    assert verdict.status is Status.NOT_APPLICABLE
    assert "session_affinity_required = false" in verdict.evidence


def test_affinity_need_unknown_is_unverified() -> None:
    verdict = judge_repo(AFFINITY, "good", manifests=["k8s/"])
    assert verdict.status is Status.UNVERIFIED
    assert "session_affinity_required" in verdict.evidence


def test_upstream_without_keepalive_and_direct_proxy_fail(variant: Variant) -> None:
    repo = variant("good", {"nginx/agents.conf": POOL_WITHOUT_KEEPALIVE})
    verdict = judge_repo(POOLING, repo, nginx_configs=["nginx/agents.conf"])
    assert verdict.status is Status.FAILED
    assert "nginx/agents.conf:2 upstream api has no keepalive" in verdict.evidence
    assert (
        'proxy_pass to api with proxy_http_version 1.0 and no proxy_set_header Connection ""'
        in (verdict.evidence)
    )
    assert "nginx/agents.conf:6 proxy_pass to 127.0.0.1:9000 bypasses any upstream pool" in (
        verdict.evidence
    )


def test_location_header_overrides_drop_inherited_connection_header(variant: Variant) -> None:
    text = (
        "upstream api { server 127.0.0.1:8000; keepalive 16; }\n"
        'server {\n  proxy_http_version 1.1;\n  proxy_set_header Connection "";\n'
        "  location / {\n    proxy_set_header Host $host;\n    proxy_pass http://api;\n  }\n}\n"
    )
    repo = variant("good", {"nginx/agents.conf": text})
    verdict = judge_repo(POOLING, repo, nginx_configs=["nginx/agents.conf"])
    assert verdict.status is Status.FAILED
    assert 'nginx/agents.conf:7 proxy_pass to api with no proxy_set_header Connection ""' in (
        verdict.evidence
    )


def test_unparsable_nginx_config_is_an_error(variant: Variant) -> None:
    repo = variant("good", {"nginx/agents.conf": "upstream api {\n  server x;\n"})
    verdict = judge_repo(POOLING, repo, nginx_configs=["nginx/agents.conf"])
    assert verdict.status is Status.ERROR
    assert "nginx/agents.conf:" in verdict.evidence and "does not parse" in verdict.evidence


def test_pooling_without_nginx_config_is_unverified() -> None:
    settings = {k: v for k, v in GOOD.items() if k != "nginx_configs"}
    verdict = judge_repo(POOLING, "good", **settings)
    assert verdict.status is Status.UNVERIFIED
    assert "nginx_configs" in verdict.evidence


def test_alb_attributes_without_stickiness_are_not_affinity(variant: Variant) -> None:
    ingress = (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n"
        "  annotations:\n"
        "    alb.ingress.kubernetes.io/target-group-attributes: deregistration_delay."
        "timeout_seconds=30\n"
        "spec: {}\n"
    )
    repo = variant("good", {"k8s/rendered.yaml": ingress})
    verdict = judge_repo(AFFINITY, repo, manifests=["k8s/"], session_affinity_required=True)
    assert verdict.status is Status.FAILED


def test_alb_stickiness_counts_as_affinity(variant: Variant) -> None:
    ingress = (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n"
        "  annotations:\n"
        "    alb.ingress.kubernetes.io/target-group-attributes: stickiness.enabled=true,"
        "stickiness.lb_cookie.duration_seconds=3600\n"
        "spec: {}\n"
    )
    repo = variant("good", {"k8s/rendered.yaml": ingress})
    verdict = judge_repo(AFFINITY, repo, manifests=["k8s/"], session_affinity_required=True)
    assert verdict.status is Status.PASSED, verdict.evidence
