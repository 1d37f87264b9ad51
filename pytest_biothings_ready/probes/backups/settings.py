"""Settings of the backups family: ``[[env.NAME.backups.repository]]`` and the policy."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__ = ["KEEP_FLAGS", "TOOLS"]

FAMILY = "backups"
TOOLS = ("restic", "borg")
# backups.keep entry -> the flag restic and borg both take
KEEP_FLAGS = {
    "last": "--keep-last",
    "hourly": "--keep-hourly",
    "daily": "--keep-daily",
    "weekly": "--keep-weekly",
    "monthly": "--keep-monthly",
    "yearly": "--keep-yearly",
}

register(
    Key(
        "backups.repository",
        "table",
        "Backup repositories ([[env.NAME.backups.repository]]), read with the tool's own client.",
        family=FAMILY,
        fields=(
            Key("name", "str", "Label shown in evidence."),
            Key("tool", "str", 'The backup tool: "restic" or "borg".'),
            Key("repository", "str", "The repository: a path, or the tool's URL (s3:..., ssh://)."),
            Key("password", "str", "The repository password (use ${VAR}; redacted)."),
            Key(
                "region", "str", "Where the repository is stored (Cross-region backup replication)."
            ),
        ),
    ),
    Key(
        "backups.max_age",
        "duration",
        "Newest backup may be this old, and backups this far apart (daily: 26h).",
        "26h",
        family=FAMILY,
    ),
    Key(
        "backups.keep",
        "map",
        "The retention policy: keep counts by last, hourly, daily, weekly, monthly, yearly.",
        values="int",
        family=FAMILY,
    ),
    Key(
        "backups.run_check",
        "bool",
        "Also run each repository's check now (reads all its metadata: slow on large ones).",
        False,
        family=FAMILY,
    ),
    Key(
        "backups.timeout_s",
        "float",
        "Timeout of one backup-tool command, seconds; default 5 x timeout_s.",
        family=FAMILY,
    ),
)
