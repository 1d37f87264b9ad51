"""A tiny migration tool for the tests: ``python migrate.py up|down`` on $DATABASE_URL.

Two versions; ``up`` applies the pending ones, ``down`` reverts the newest.  $BREAK
makes it misbehave: ``up`` (up fails), ``down`` (down fails), ``noop-down`` (down
reports success and changes nothing).
"""

from __future__ import annotations

import os
import sys

import psycopg

VERSIONS = (
    ("CREATE TABLE items (id int PRIMARY KEY)", "DROP TABLE items"),
    ("ALTER TABLE items ADD COLUMN name text", "ALTER TABLE items DROP COLUMN name"),
)


def main(direction: str) -> int:
    broken = os.environ.get("BREAK", "")
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (v int)")
        row = conn.execute("SELECT max(v) FROM schema_version").fetchone()
        current = int(row[0] or 0) if row else 0
        if direction == "up":
            if broken == "up":
                conn.execute("CREATE TABLE oops (")
            for number in range(current, len(VERSIONS)):
                conn.execute(VERSIONS[number][0])  # type: ignore[arg-type]
                conn.execute("INSERT INTO schema_version VALUES (%s)", (number + 1,))
        elif broken == "down":
            print("cannot revert: column name is in use", file=sys.stderr)
            return 3
        elif broken != "noop-down" and current:
            conn.execute(VERSIONS[current - 1][1])  # type: ignore[arg-type]
            conn.execute("DELETE FROM schema_version WHERE v = %s", (current,))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
