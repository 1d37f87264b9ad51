"""Failover hooks: the command or HTTP call that takes a backend out, and restores it.

``[env.NAME.failover]`` names either ``out_command``/``restore_command`` (argv lists,
run from the config file's folder, bounded by ``hook_timeout_s``) or
``out_url``/``restore_url`` (POSTed; naming them in the environment puts their host
in its traffic scope).
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.transport import http_client

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["HookOutcome", "Schedule"]


@dataclass(frozen=True)
class HookOutcome:
    """One fired hook.

    Attributes:
        action: "out" or "restore".
        at_s: seconds into the failover run when it fired.
        ok: it succeeded (exit 0, or HTTP 2xx).
        detail: what it was and how it answered (no secret values: argv or URL only).
    """

    action: str
    at_s: float
    ok: bool
    detail: str


def configured(env: Environment) -> None:
    """NotConfigured unless the failover table names both hooks."""
    for action in ("out", "restore"):
        if not (env.get(f"failover.{action}_command") or env.get(f"failover.{action}_url")):
            raise NotConfigured(
                f"failover.{action}_command",
                env.name,
                f"name a command ({action}_command = [...]) or an HTTP hook ({action}_url) "
                f"in [env.{env.name}.failover] that takes one backend out and one that "
                "restores it",
            )
    out_s, back_s = env.get("failover.out_after_s"), env.get("failover.restore_after_s")
    if not 0 <= out_s < back_s <= env.get("failover.duration_s"):
        raise ProbeError(
            "failover timing must satisfy 0 <= out_after_s < restore_after_s "
            f"<= duration_s (got {out_s}, {back_s}, "
            f"{env.get('failover.duration_s')})"
        )


class Schedule:
    """Fires the out hook and then the restore hook at their times during the run."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.fired: list[HookOutcome] = []

    def tick(self, phase: str, elapsed: float) -> None:
        for action in ("out", "restore")[len(self.fired) :][:1]:
            if elapsed >= float(self.env.get(f"failover.{action}_after_s")):
                self.fired.append(fire(self.env, action, elapsed))


def fire(env: Environment, action: str, at_s: float) -> HookOutcome:
    """Run the ``action`` hook; never raises for the hook's own failure."""
    command = env.get(f"failover.{action}_command")
    if command:
        ok, detail = _run_command(env, [str(part) for part in command])
    else:
        ok, detail = _post(env, str(env.get(f"failover.{action}_url")))
    return HookOutcome(action, at_s, ok, detail)


def _run_command(env: Environment, argv: list[str]) -> tuple[bool, str]:
    timeout = float(env.get("failover.hook_timeout_s"))
    joined = " ".join(argv)
    shown = joined if len(joined) <= 80 else joined[:77] + "..."
    # A file, not a pipe: a hook that starts a daemon must not keep us waiting on its pipe.
    with tempfile.TemporaryFile() as output:
        try:
            done = subprocess.run(
                argv,
                cwd=env.root,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"`{shown}` could not run: {exc}"
        output.seek(0)
        tail = output.read()[-200:].decode(errors="replace").strip()
    if done.returncode != 0:
        return False, f"`{shown}` exited {done.returncode}" + (f": {tail}" if tail else "")
    return True, f"`{shown}` exited 0"


def _post(env: Environment, url: str) -> tuple[bool, str]:
    import httpx

    started = time.monotonic()
    try:
        with http_client(env, timeout=float(env.get("failover.hook_timeout_s"))) as client:
            status = client.post(url).status_code
    except httpx.HTTPError as exc:  # the transport's AccessError: "POST URL: reason; fix"
        return False, str(exc)
    took = time.monotonic() - started
    return 200 <= status < 300, f"POST {url} answered {status} in {took:.1f} s"
