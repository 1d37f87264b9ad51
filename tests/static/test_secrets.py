"""Hardcoded secrets, database credentials, vault references and the allowlist."""

from __future__ import annotations

import hashlib

from pytest_biothings_ready.model import Status
from tests.static.conftest import REPOS, Variant, judge_repo

KEYS = "API keys are rotated and not hardcoded"
DATABASE = "Database credentials are secure (if using external DB)"
VAULT = "All secrets stored in secure vault (AWS Secrets Manager, etc.)"
CANARY = "AIzaSyD-CANARY0canary1canary2canary3can"
PASSWORD = "Tr0ub4dor-and-3"


def test_google_api_key_in_dotenv_fails_without_revealing_it() -> None:
    verdict = judge_repo(KEYS, "google-key-dotenv", source_paths=["."])
    assert verdict.status is Status.FAILED
    assert ".env.local:3 Google API key" in verdict.evidence
    assert CANARY not in verdict.evidence and "CANARY" not in verdict.evidence


def test_compose_literal_password_fails_keys_and_database_lines() -> None:
    for title in (KEYS, DATABASE):
        verdict = judge_repo(
            title, "compose-literal-password", compose_files=["docker-compose.yml"]
        )
        assert verdict.status is Status.FAILED, title
        assert "docker-compose.yml:6" in verdict.evidence
        assert "POSTGRES_PASSWORD" in verdict.evidence
        assert PASSWORD not in verdict.evidence


def test_database_url_with_password_in_source_fails(variant: Variant) -> None:
    code = 'ENGINE_URL = "postgresql://app:s3cr3t-pw@db.internal:5432/app"\n'
    repo = variant("good", {"src/db.py": code})
    verdict = judge_repo(DATABASE, repo, source_paths=["src/"])
    assert verdict.status is Status.FAILED
    assert "src/db.py:1 Database URL with password" in verdict.evidence
    assert "s3cr3t-pw" not in verdict.evidence


def test_jwt_secret_in_python_source_fails(variant: Variant) -> None:
    repo = variant("good", {"src/auth.py": 'JWT_SECRET = "dev-signing-secret-123"\n'})
    verdict = judge_repo(KEYS, repo, source_paths=["src/"])
    assert verdict.status is Status.FAILED
    assert "src/auth.py:1 JWT signing secret" in verdict.evidence


def test_literal_env_configmap_and_committed_secret_fail() -> None:
    verdict = judge_repo(KEYS, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "app.yaml:24 literal DB_PASSWORD in container env" in verdict.evidence
    assert "STRIPE_SECRET_KEY" in verdict.evidence or "Stripe" in verdict.evidence
    assert "Secret api-secrets committed with data.token" in verdict.evidence
    assert "pr0d-db-pa55" not in verdict.evidence


def test_dockerfile_env_secret_fails(variant: Variant) -> None:
    text = "FROM alpine:3.20\nENV API_KEY=0123456789abcdef SERVICE=web\nUSER 1000\n"
    repo = variant("good", {"Dockerfile": text})
    verdict = judge_repo(KEYS, repo, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.FAILED
    assert "Dockerfile:2 literal API_KEY in Dockerfile ENV" in verdict.evidence


def test_secret_refs_without_vault_source_fail_vault_line() -> None:
    verdict = judge_repo(VAULT, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "reads Secret api-secrets: no ExternalSecret/SecretProviderClass provides it" in (
        verdict.evidence
    )


AGENT_POD = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n"
    "    metadata:\n      annotations:\n        vault.hashicorp.com/agent-inject: 'true'\n"
    "        vault.hashicorp.com/agent-inject-secret-db: database/creds/a\n"
    "    spec:\n      containers:\n        - name: a\n          image: x/a:1\n"
)


def test_vault_agent_injection_counts_as_vault(variant: Variant) -> None:
    repo = variant("good", {"k8s/rendered.yaml": AGENT_POD})
    verdict = judge_repo(VAULT, repo, manifests=["k8s/"])
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "Deployment/a <- Vault agent injector" in verdict.evidence


def test_vault_agent_annotation_does_not_credit_an_unsynced_secret(variant: Variant) -> None:
    text = AGENT_POD + "          envFrom: [{secretRef: {name: a-env}}]\n"
    repo = variant("good", {"k8s/rendered.yaml": text})
    verdict = judge_repo(VAULT, repo, manifests=["k8s/"])
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "reads Secret a-env: no ExternalSecret/SecretProviderClass provides it" in (
        verdict.evidence
    )


def _allowlist(expires: str, **match: object) -> str:
    fields = "".join(
        f"{k} = {v!r}\n" if isinstance(v, str) else f"{k} = {v}\n" for k, v in match.items()
    )
    reason = 'reason = "demo key, HTTP-referrer restricted"\n'
    return f'[[accept]]\nfile = ".env.local"\n{fields}{reason}expires = {expires}\n'


def test_allowlisted_finding_is_accepted_visibly(variant: Variant) -> None:
    repo = variant("google-key-dotenv", {"allow.toml": _allowlist("2099-12-31", line=3)})
    verdict = judge_repo(KEYS, repo, source_paths=["."], secrets_allowlist="allow.toml")
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "accepted by allowlist: .env.local:3 Google API key" in verdict.evidence
    assert "until 2099-12-31" in verdict.evidence


def test_allowlist_entry_by_hash_in_yaml_is_accepted(variant: Variant) -> None:
    digest = hashlib.sha1(CANARY.encode()).hexdigest()
    text = (
        f"accept:\n  - file: .env.local\n    hash: {digest}\n    reason: test key\n"
        "    expires: 2099-01-01\n"
    )
    repo = variant("google-key-dotenv", {"allow.yaml": text})
    verdict = judge_repo(KEYS, repo, source_paths=["."], secrets_allowlist="allow.yaml")
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "accepted by allowlist" in verdict.evidence


def test_expired_allowlist_entry_no_longer_accepts(variant: Variant) -> None:
    repo = variant("google-key-dotenv", {"allow.toml": _allowlist("2020-01-31", line=3)})
    verdict = judge_repo(KEYS, repo, source_paths=["."], secrets_allowlist="allow.toml")
    assert verdict.status is Status.FAILED
    assert "allowlist entry for .env.local:3 Google API key expired 2020-01-31" in verdict.evidence


def test_malformed_allowlist_is_an_error(variant: Variant) -> None:
    repo = variant("google-key-dotenv", {"allow.toml": '[[accept]]\nfile = ".env.local"\n'})
    verdict = judge_repo(KEYS, repo, source_paths=["."], secrets_allowlist="allow.toml")
    assert verdict.status is Status.ERROR
    assert "allow.toml: entry 1 needs reason, expires (a date), line or hash" in verdict.evidence


def test_kubernetes_reference_fields_are_not_findings() -> None:
    verdict = judge_repo(
        KEYS,
        REPOS.parent.parent.parent / "pytest_biothings_ready" / "demo" / "repo",
        manifests=["k8s/"],
    )
    assert verdict.status is Status.UNVERIFIED, verdict.evidence


def test_compose_literal_fails_vault_line_without_manifests() -> None:
    verdict = judge_repo(VAULT, "compose-literal-password", compose_files=["docker-compose.yml"])
    assert verdict.status is Status.FAILED
    assert "docker-compose.yml:6 literal POSTGRES_PASSWORD" in verdict.evidence


def test_clean_scan_without_manifests_leaves_vault_unverified() -> None:
    verdict = judge_repo(VAULT, "good", source_paths=["src/"])
    assert verdict.status is Status.UNVERIFIED
    assert "manifests" in verdict.evidence


def test_vendored_and_vcs_folders_are_not_scanned(variant: Variant) -> None:
    leak = 'API_KEY = "AIzaSyD-CANARY0canary1canary2canary3can"\n'
    repo = variant("good", {"src/node_modules/lib/key.js": leak, "src/.git/config.py": leak})
    verdict = judge_repo(KEYS, repo, source_paths=["src/"])
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
