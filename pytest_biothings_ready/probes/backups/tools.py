"""restic and borg, run as subprocesses: snapshots, a dry-run of the retention policy,
and the repository check.  The password goes through the environment, never argv."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.errors import ProbeError

__all__ = ["Repository", "check", "snapshot_times", "would_forget"]

# Other ways to give the password: they would override the configured one.
_PASSWORD_SOURCES = frozenset(
    {"RESTIC_PASSWORD_FILE", "RESTIC_PASSWORD_COMMAND", "BORG_PASSCOMMAND", "BORG_PASSPHRASE_FD"}
)
_FRACTION = re.compile(r"(\.\d{6})\d+")


@dataclass(frozen=True)
class Repository:
    """One ``[[backups.repository]]`` entry.

    Attributes:
        name: its label; tool: ``restic`` or ``borg``; location: path or URL;
        password: its password (never shown); region: declared storage region.
    """

    name: str
    tool: str
    location: str
    password: str
    region: str


def _execute(repo: Repository, argv: list[str], timeout: float) -> tuple[int, str, str]:
    """Run the tool; (exit code, stdout, stderr).  Not installed or too slow: ProbeError."""
    binary = shutil.which(repo.tool)
    if binary is None:
        raise ProbeError(f"{repo.tool} is not installed (apt-get install {_package(repo.tool)})")
    with tempfile.TemporaryDirectory(prefix="ready-backups-") as home:
        # the process environment carries backend credentials (AWS_*, SSH agent...)
        inherited = {k: v for k, v in os.environ.items() if k not in _PASSWORD_SOURCES}
        env = {**inherited, "HOME": home, **_secrets(repo, home)}
        try:
            done = subprocess.run(
                [binary, *argv], env=env, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise ProbeError(
                f"{repo.name}: {repo.tool} {argv[0]} took over {timeout:g} s"
            ) from None
    return (
        done.returncode,
        done.stdout.decode(errors="replace"),
        done.stderr.decode(errors="replace"),
    )


def _run(repo: Repository, argv: list[str], timeout: float) -> str:
    """The tool's output (stdout, then stderr); a non-zero exit is a ProbeError."""
    code, out, err = _execute(repo, argv, timeout)
    if code != 0:
        lines = err.strip().splitlines() or ["(no output)"]
        command = next(a for a in argv if not a.startswith("-"))
        raise ProbeError(f"{repo.name}: {repo.tool} {command} failed: {lines[-1][:200]}")
    return out + err


def _package(tool: str) -> str:
    return "borgbackup" if tool == "borg" else tool


def _secrets(repo: Repository, home: str) -> dict[str, str]:
    if repo.tool == "restic":
        return {"RESTIC_PASSWORD": repo.password, "RESTIC_CACHE_DIR": home}
    return {
        "BORG_PASSPHRASE": repo.password,
        "BORG_BASE_DIR": home,  # borg's cache and security records stay out of $HOME
        "BORG_RELOCATED_REPO_ACCESS_IS_OK": "yes",
        "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "yes",
    }


def _parse_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(_FRACTION.sub(r"\1", text.replace("Z", "+00:00")))
    return moment if moment.tzinfo else moment.astimezone()  # borg: naive local time


def snapshot_times(repo: Repository, timeout: float) -> tuple[dt.datetime, ...]:
    """When each complete snapshot (restic) or archive (borg, no checkpoints) was taken."""
    if repo.tool == "restic":
        found: list[dict[str, Any]] = json.loads(
            _run(repo, ["snapshots", "--json", "--no-lock", "-r", repo.location], timeout) or "[]"
        )
        times = [str(s["time"]) for s in found]
    else:
        listing = json.loads(_run(repo, ["list", "--json", repo.location], timeout))
        archives = listing.get("archives") or []
        times = [str(a["start"]) for a in archives if ".checkpoint" not in str(a["name"])]
    return tuple(sorted(_parse_time(t) for t in times))


def would_forget(repo: Repository, keep: dict[str, int], timeout: float) -> int:
    """How many snapshots the policy ``keep`` would remove now.

    restic: its own ``forget --dry-run`` without a lock.  borg's ``prune --dry-run``
    takes the repository's exclusive lock (a running backup would wait), so borg's
    pruning rules are applied here to the archive times ``borg list`` reports.
    """
    from pytest_biothings_ready.probes.backups.retention import borg_prunable
    from pytest_biothings_ready.probes.backups.settings import KEEP_FLAGS

    if repo.tool == "borg":
        return borg_prunable(snapshot_times(repo, timeout), keep)
    flags = [part for k, n in keep.items() for part in (KEEP_FLAGS[k], str(n))]
    argv = ["--no-lock", "forget", "--dry-run", "--json", "-r", repo.location, *flags]
    groups = json.loads(_run(repo, argv, timeout).strip().splitlines()[-1])
    return sum(len(g.get("remove") or []) for g in groups or [])


# What restic and borg print when the check itself ran and found damage.
_DAMAGE = re.compile(r"repository contains errors|errors? found|error: |pack .* damaged", re.I)


def check(repo: Repository, timeout: float) -> str | None:
    """Run the tool's repository check: None when clean, the damage it reported otherwise.

    Raises ProbeError when the check could not run (unreachable, wrong password).
    """
    argv = ["check", "-r", repo.location] if repo.tool == "restic" else ["check", repo.location]
    code, out, err = _execute(repo, argv, timeout)
    if code == 0:
        return None
    if damage := [line for line in (out + err).splitlines() if _DAMAGE.search(line)]:
        return "; ".join(damage[:3])[:300]
    lines = err.strip().splitlines() or ["(no output)"]
    raise ProbeError(f"{repo.name}: {repo.tool} check failed: {lines[-1][:200]}")
