"""What goes into the bundle, each member as bytes with every secret redacted.

| member | content |
| --- | --- |
| ``record.xml`` | the JUnit sign-off record |
| ``report.md``, ``report.html`` | both reports |
| ``config.json`` | the resolved environment settings, secrets as ``***`` |
| ``attestations.toml`` | the attestations file (when there is one) |
| ``checklist.md`` | the checklist |
| ``evidence.json`` | per line: status, method, full evidence, linked tests, error trace |
| ``artifacts.json`` | SHA-256 of every artifact that decided a line |
| ``tools.json`` | plugin, Python, pytest and external tool versions |
| ``comparison.json`` | with ``--ready-compare``: the changes since the previous record |
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.bundle.artifacts import artifact_hashes
from pytest_biothings_ready.bundle.tools import tool_versions
from pytest_biothings_ready.evidence.registry import checks_for, gatherers
from pytest_biothings_ready.redact import MASK

if TYPE_CHECKING:
    from pytest_biothings_ready.record.results import Results
    from pytest_biothings_ready.session import ReadySession

__all__ = ["bundle_members", "bundle_meta", "gather_inputs"]


def _json(value: Any, ready: ReadySession) -> bytes:
    text = json.dumps(value, indent=2, default=str, ensure_ascii=False)
    return (ready.redact(text) + "\n").encode("utf-8", "surrogatepass")


def _text(text: str, ready: ReadySession) -> bytes:
    return ready.redact(text).encode("utf-8", "surrogatepass")


def _masked(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Settings with every value under ``secrets`` masked (the redactor does the rest)."""
    out = dict(settings)
    if isinstance(out.get("secrets"), Mapping):
        out["secrets"] = dict.fromkeys(out["secrets"], MASK)
    return out


def _config(ready: ReadySession) -> dict[str, Any]:
    env = ready.env
    return {
        "env": ready.options.env,
        "source": str(ready.config.path) if ready.config.path else None,
        "sha256": ready.config.sha256,
        "options": dataclasses.asdict(ready.options),
        "settings": _masked(env.settings) if env else {},
        "policy": dataclasses.asdict(ready.governance.policy),
    }


def _item_evidence(ready: ReadySession, results: Results) -> list[dict[str, Any]]:
    from pytest_biothings_ready.checklist.topics import markers_for

    lines = []
    for result in results:
        item = ready.checklist.items.get(result.id)
        verdict = ready.judge.decided(result.id)  # None on an xdist controller
        trace = getattr(result, "error_trace", "") or getattr(verdict, "error_trace", "")
        lines.append(
            {
                **dataclasses.asdict(result),
                "markers": list(markers_for(item)) if item else [],
                "previous_status": ready.governance.previous_status(result.id),
                "checks": [check.name for check in checks_for(item)] if item else [],
                "linked_tests": [
                    dataclasses.asdict(o) for o in ready.judge.linked.get(result.id, [])
                ],
                "error_trace": trace or None,
            }
        )
    return lines


def _modules_used(ready: ReadySession, results: Results) -> set[str]:
    registry = gatherers()
    modules = set()
    for result in results:
        item = ready.checklist.items.get(result.id)
        for check in checks_for(item) if item else []:
            modules.add(check.func.__module__)
            modules |= {registry[n].func.__module__ for n in check.uses if n in registry}
    return modules


def bundle_meta(ready: ReadySession) -> dict[str, Any]:
    """The manifest's header: environment, plugin version, checklist digest, times."""
    return dict(ready.suite_properties())


def gather_inputs(ready: ReadySession, results: Results) -> tuple[dict[str, Any], Future[Any]]:
    """Artifact hashes now (while the demo's files exist) and tool versions in a thread."""
    artifacts = artifact_hashes(ready)
    modules = _modules_used(ready, results)
    tools: Future[Any] = Future()

    def ask() -> None:
        try:
            tools.set_result(tool_versions(modules))
        except Exception as exc:  # never lose the bundle over a version string
            tools.set_result({"error": f"{type(exc).__name__}: {exc}"})

    threading.Thread(target=ask, name="ready-bundle-tools", daemon=True).start()
    return artifacts, tools


def bundle_members(
    ready: ReadySession,
    results: Results,
    record: bytes,
    artifacts: Mapping[str, Any],
    tools: Mapping[str, Any],
) -> dict[str, bytes]:
    """Every member of the bundle (see the module docstring)."""
    from pytest_biothings_ready.record.write import render_html, render_markdown

    members = {
        "record.xml": _text(record.decode("utf-8", "replace"), ready),
        "report.md": _text(render_markdown(ready, results), ready),
        "report.html": _text(render_html(ready, results), ready),
        "config.json": _json(_config(ready), ready),
        "checklist.md": _text(ready.checklist.path.read_text(encoding="utf-8-sig"), ready),
        "evidence.json": _json(_item_evidence(ready, results), ready),
        "artifacts.json": _json(artifacts, ready),
        "tools.json": _json(tools, ready),
    }
    if ready.attestations.path is not None:
        text = ready.attestations.path.read_text(encoding="utf-8-sig")
        members["attestations.toml"] = _text(text, ready)
    comparison = ready.governance.comparison
    if comparison is not None:
        members["comparison.json"] = _json(dataclasses.asdict(comparison), ready)
    return members
