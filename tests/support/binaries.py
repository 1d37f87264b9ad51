"""Find the Debian binaries test fixtures need (nginx, prometheus, ...).

Locally a missing binary skips the test with the package to install; in CI
(``READY_REQUIRE_BINARIES=1``, set by .ci/run) it fails instead, so a missing
install step cannot hide behind skips.
"""

from __future__ import annotations

import os
import shutil

import pytest

SEARCH = ("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin")


def require_binary(name: str, package: str | None = None) -> str:
    """The path of executable ``name``; skip (or fail in CI) when it is missing."""
    found = shutil.which(name) or next(
        (f"{d}/{name}" for d in SEARCH if os.access(f"{d}/{name}", os.X_OK)), None
    )
    if found:
        return found
    reason = f"{name} is not installed (apt-get install {package or name})"
    if os.environ.get("READY_REQUIRE_BINARIES") == "1":
        pytest.fail(reason + "; READY_REQUIRE_BINARIES=1 forbids skipping", pytrace=False)
    pytest.skip(reason)
