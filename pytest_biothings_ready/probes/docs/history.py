"""When files were last committed, from one bounded ``git log``."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from pathlib import Path

from pytest_biothings_ready.errors import ProbeError

__all__ = ["last_change", "last_commits"]


def _toplevel(root: Path, timeout: float) -> Path | None:
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def last_commits(root: Path, paths: list[Path], timeout: float) -> dict[Path, dt.datetime]:
    """The last commit time of each of ``paths`` that git tracks (others are absent).

    Raises ProbeError when ``root`` is not in a git repository (no history to read).
    """
    if shutil.which("git") is None:
        raise ProbeError("git is not installed: cannot read when documents changed")
    top = _toplevel(root, timeout)
    if top is None:
        raise ProbeError(f"{root} is not in a git repository: cannot read when documents changed")
    wanted = {p.resolve() for p in paths}
    args = ["git", "-C", str(top), "log", "--format=@%ct", "--name-only", "--no-renames", "--"]
    with subprocess.Popen(
        args + [str(p) for p in wanted],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        try:
            return _newest_first(proc, top, wanted, time.monotonic() + timeout)
        finally:
            proc.kill()  # stop walking history once every file is found (or time is up)


def _newest_first(
    proc: subprocess.Popen[str], top: Path, wanted: set[Path], deadline: float
) -> dict[Path, dt.datetime]:
    """Read ``git log --name-only`` until every wanted file has its newest commit."""
    assert proc.stdout is not None
    found: dict[Path, dt.datetime] = {}
    moment: dt.datetime | None = None
    for line in proc.stdout:
        if time.monotonic() > deadline:
            raise ProbeError("git log took longer than the timeout")
        line = line.rstrip("\n")
        if line.startswith("@"):
            moment = dt.datetime.fromtimestamp(int(line[1:]), dt.UTC)
        elif line and moment is not None:
            path = (top / line).resolve()
            if path in wanted and path not in found:
                found[path] = moment
                if len(found) == len(wanted):
                    break
    return found


def last_change(root: Path, paths: list[Path], timeout: float) -> dt.datetime | None:
    """The newest commit touching any of ``paths`` (files or folders); None: never committed."""
    top = _toplevel(root, timeout) if paths else None
    if top is None:
        return None
    args = ["git", "-C", str(top), "log", "-1", "--format=%ct", "--", *(str(p) for p in paths)]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise ProbeError(f"git log took over {timeout:g} s") from None
    stamp = done.stdout.strip()
    return dt.datetime.fromtimestamp(int(stamp), dt.UTC) if stamp.isdigit() else None
