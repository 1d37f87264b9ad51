"""Shapes common in public repositories that the static family must read right.

Every fixture here is small and synthetic: it reproduces a shape (BuildKit heredocs,
kustomizations, unrendered Helm charts, objects without a namespace...) seen in real
deployment repositories, not their text.
"""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.static.conftest import judge_repo

NON_ROOT = "Non-root user in containers"

HEREDOC_DOCKERFILE = """\
# syntax=docker/dockerfile:1.4
ARG BASE=alpine:3.20
FROM --platform=$BUILDPLATFORM ${BASE} AS build
RUN <<EOF
apk add --no-cache curl
adduser -D runner
USER root
EOF
COPY <<-'CONF' /etc/app.conf
\tlisten 8080
\tCONF
RUN --mount=type=cache,target=/root/.cache \\
    <<EOF
echo cached
EOF
USER runner
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def test_heredoc_bodies_are_not_read_as_instructions(tmp_path: Path) -> None:
    root = _write(tmp_path, {"Dockerfile": HEREDOC_DOCKERFILE})
    verdict = judge_repo(NON_ROOT, root, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.PASSED, verdict.evidence


def test_user_root_inside_a_heredoc_is_not_the_image_user(tmp_path: Path) -> None:
    text = HEREDOC_DOCKERFILE.replace("USER runner\n", "")
    root = _write(tmp_path, {"Dockerfile": text})
    verdict = judge_repo(NON_ROOT, root, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.FAILED
    assert "Dockerfile:3 final stage sets no USER" in verdict.evidence


def test_lines_after_a_heredoc_keep_their_numbers(tmp_path: Path) -> None:
    text = HEREDOC_DOCKERFILE.replace("USER runner", "USER root")
    root = _write(tmp_path, {"Dockerfile": text})
    verdict = judge_repo(NON_ROOT, root, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.FAILED
    assert "Dockerfile:16 final stage runs as USER root" in verdict.evidence


def test_dockerfile_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"\xef\xbb\xbfFROM alpine:3.20\r\nUSER 1000\r\n")
    verdict = judge_repo(NON_ROOT, tmp_path, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.PASSED, verdict.evidence
