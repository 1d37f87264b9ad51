"""Real restic and borg repositories on local disk, with backups taken at chosen times.

    repo = restic_repository(tmp / "r", [now - 25h, now - 1h])
    repo = borg_repository(tmp / "b", [now - 1h])

Both use Debian's binaries (``require_binary``), the password :data:`PASSWORD`, and
back up a small data folder with ``--time`` (restic) / ``--timestamp`` (borg) so that
the snapshots carry the given times.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

from tests.support.binaries import require_binary

PASSWORD = "backup-repo-password-7f3"


def hours_ago(*hours: float) -> list[dt.datetime]:
    """Aware UTC times ``hours`` ago, oldest first as given."""
    now = dt.datetime.now(dt.UTC)
    return [now - dt.timedelta(hours=h) for h in hours]


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"{argv[:2]} failed: {done.stderr.decode()[-1000:]}")


def _data(folder: Path) -> Path:
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "table.csv").write_text("id,name\n1,alpha\n")
    return data


def restic_repository(
    folder: Path, times: list[dt.datetime], template: Path | None = None, payload: bytes = b""
) -> Path:
    """A restic repository with one snapshot per time; ``template``: copy an empty one.

    ``payload`` is backed up as a file of its own (a large one gets a pack of its own).
    """
    restic = require_binary("restic")
    env = {"RESTIC_PASSWORD": PASSWORD, "RESTIC_CACHE_DIR": str(folder / "cache")}
    repo = folder / "repo"
    if template is not None:
        shutil.copytree(template, repo)
    else:
        _run([restic, "init", "-q", "-r", str(repo)], env)
    data = _data(folder)
    if payload:
        (data / "payload.bin").write_bytes(payload)
    for moment in times:
        stamp = moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        (data / "changed.txt").write_text(stamp)
        _run([restic, "backup", "-q", "-r", str(repo), "--time", stamp, str(data)], env)
    return repo


def borg_repository(folder: Path, times: list[dt.datetime]) -> Path:
    """A borg repository (repokey) with one archive per time."""
    borg = require_binary("borg", "borgbackup")
    env = {"BORG_PASSPHRASE": PASSWORD, "BORG_BASE_DIR": str(folder / "base")}
    repo = folder / "borg"
    folder.mkdir(parents=True, exist_ok=True)
    _run([borg, "init", "-e", "repokey", str(repo)], env)
    data = _data(folder)
    for index, moment in enumerate(times):
        stamp = moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _run([borg, "create", "--timestamp", stamp, f"{repo}::a{index}", str(data)], env)
    return repo
