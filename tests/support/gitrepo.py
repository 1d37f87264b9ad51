"""Small git repositories for documentation tests, with commits at chosen dates.

commit(root, {"docs/deploy.md": "# Deploy..."}, days_ago=3)
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from tests.support.binaries import require_binary


def commit(root: Path, files: dict[str, str], days_ago: float = 0) -> None:
    """Write ``files`` under ``root`` (a git repository, created if needed) and commit them
    with author and committer dates ``days_ago`` days in the past."""
    git = require_binary("git")
    root.mkdir(parents=True, exist_ok=True)
    if not (root / ".git").exists():
        subprocess.run([git, "init", "-q", str(root)], check=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)).strftime(
        "%Y-%m-%dT%H:%M:%S+0000"
    )
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    subprocess.run([git, "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run([git, "-C", str(root), "commit", "-q", "-m", "change"], check=True, env=env)
