"""``--ready-bundle=PATH.zip``: the evidence bundle, and its verifier.

    python -m pytest_biothings_ready.bundle verify PATH.zip [--key PUB.pem]
    python -m pytest_biothings_ready.bundle show PATH.zip
    python -m pytest_biothings_ready.bundle sign PATH.zip --key KEY.pem
    python -m pytest_biothings_ready.bundle keygen KEY.pem

``verify`` exits 0 when every member matches MANIFEST.json, 1 when one was changed,
is missing or was added (naming it) or the signature does not verify, 4 when the
file is not a bundle.  docs/governance.md lists the members.
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.bundle.archive import (
    CHANGED,
    INTACT,
    NOT_A_BUNDLE,
    Verification,
    sign_archive,
    verify_archive,
    write_archive,
)

if TYPE_CHECKING:
    from pytest_biothings_ready.record.results import Results
    from pytest_biothings_ready.session import ReadySession

__all__ = ["CHANGED", "INTACT", "NOT_A_BUNDLE", "Verification", "sign_archive"]
__all__ += ["BundleJob", "verify_archive"]

TOOLS_WAIT_S = 10.0  # every tool has its own 3 s bound; this only guards the thread


class BundleJob:
    """One run's bundle: :meth:`start` before the session ends, :meth:`write` after.

    Artifacts are hashed while the run's files still exist (the demo removes its
    throwaway CA when it stops); tool versions are asked concurrently meanwhile.
    """

    def __init__(self, path: Path, ready: ReadySession, results: Results) -> None:
        self.path, self.ready, self.results = path, ready, results
        self._inputs: tuple[dict[str, Any], Future[Any]] | None = None

    def start(self) -> None:
        from pytest_biothings_ready.bundle.members import gather_inputs

        self._inputs = gather_inputs(self.ready, self.results)

    def write(self, record: bytes) -> int:
        """Write the bundle to ``path``; returns the number of members."""
        from pytest_biothings_ready.bundle.members import bundle_members, bundle_meta

        if self._inputs is None:
            self.start()
        assert self._inputs is not None
        artifacts, tools = self._inputs
        try:
            versions = tools.result(timeout=TOOLS_WAIT_S)
        except TimeoutError:
            versions = {"error": f"tool versions not known within {TOOLS_WAIT_S:g} s"}
        members = bundle_members(self.ready, self.results, record, artifacts, versions)
        write_archive(self.path, members, bundle_meta(self.ready))
        return len(members) + 1
