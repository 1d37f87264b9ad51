"""Append an ``[[attest]]`` bound to a document to attestations.toml.

    python -m pytest_biothings_ready.attest "Incident response plan documented" \\
        --by "Dana Smith" --role "Operations Manager" \\
        --file docs/incident-response.md --expires 2027-05-20

ITEM is an id or the line's exact text (a miss lists the nearest items).  The entry
records the document's path (relative to attestations.toml) and SHA-256: when the
document changes, the attestation stops covering the line (config/documents.py).
The checklist is ``--checklist``, else the one readiness.toml names, else the
built-in one.  The whole file is validated before it is replaced; exit 4 on a
usage error, 0 when the entry was written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from pytest_biothings_ready.checklist.lookup import find_item
from pytest_biothings_ready.checklist.model import Checklist
from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.config.attestations import load_attestations
from pytest_biothings_ready.config.documents import file_sha256
from pytest_biothings_ready.config.load import find_config, read_config
from pytest_biothings_ready.errors import ConfigError

__all__ = ["main", "render_entry"]

USAGE_ERROR = 4


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-05-20") from None


def parser() -> argparse.ArgumentParser:
    """The argument parser."""
    main = argparse.ArgumentParser(
        prog="python -m pytest_biothings_ready.attest",
        description="Append an [[attest]] entry bound to a document to attestations.toml.",
    )
    main.add_argument("item", metavar="ITEM", help="the line's id or exact text")
    main.add_argument("--by", required=True, metavar="NAME", help="who vouches")
    main.add_argument("--role", required=True, metavar="ROLE", help="their role")
    main.add_argument("--file", required=True, metavar="PATH", help="the document vouched for")
    main.add_argument("--expires", required=True, type=_date, metavar="DATE", help="YYYY-MM-DD")
    main.add_argument("--date", type=_date, default=dt.date.today(), help="default: today")
    main.add_argument("--evidence", default="", metavar="TEXT", help="a link or a note")
    main.add_argument("--env", action="append", default=[], metavar="NAME", help="repeatable")
    main.add_argument("--attestations", metavar="PATH", help="default from the config, else ./")
    main.add_argument("--checklist", metavar="PATH", help="default from the config, else built-in")
    main.add_argument("--config", metavar="PATH", help="readiness.toml (default ./)")
    return main


def _paths(args: argparse.Namespace, cwd: Path) -> tuple[Path, Checklist]:
    config = read_config(find_config(args.config, cwd))
    if args.attestations:
        attestations = cwd / args.attestations
    elif config.ready("attestations"):
        attestations = config.root / str(config.ready("attestations"))
    else:
        attestations = cwd / "attestations.toml"
    if args.checklist:
        checklist = cwd / args.checklist
    elif config.ready("checklist") not in (None, "builtin"):
        checklist = config.root / str(config.ready("checklist"))
    else:
        checklist = BUILTIN
    return attestations, load_checklist(checklist)


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def render_entry(
    item: str, args: argparse.Namespace, relative: str, sha256: str, title: str
) -> str:
    """The TOML text of the entry."""
    lines = [
        "",
        f"[[attest]]  # {title}",
        f"item = {_toml(item)}",
        f"by = {_toml(args.by)}",
        f"role = {_toml(args.role)}",
        f"date = {args.date.isoformat()}",
        f"expires = {args.expires.isoformat()}",
        f"file = {_toml(relative)}",
        f"sha256 = {_toml(sha256)}",
    ]
    if args.evidence:
        lines.append(f"evidence = {_toml(args.evidence)}")
    if args.env:
        lines.append(f"envs = [{', '.join(_toml(e) for e in args.env)}]")
    return "\n".join(lines) + "\n"


def append(args: argparse.Namespace, cwd: Path) -> str:
    """Validate and append the entry; returns its text. Raises ConfigError."""
    target, checklist = _paths(args, cwd)
    item = find_item(args.item, checklist, "ITEM")
    document = (cwd / args.file).resolve()
    if not document.is_file():
        raise ConfigError(f"--file {args.file}: no such file")
    if args.expires <= args.date:
        raise ConfigError(f"--expires {args.expires} must be after the date {args.date}")
    relative = Path(os.path.relpath(document, target.parent.resolve())).as_posix()
    entry = render_entry(item.id, args, relative, file_sha256(document), item.title)
    existing = target.read_text(encoding="utf-8") if target.is_file() else ""
    scratch = target.with_name(target.name + ".new")
    scratch.write_text(existing + entry, encoding="utf-8")
    try:
        load_attestations(scratch, checklist, dt.date.today())  # the whole file stays valid
    except ConfigError as exc:
        scratch.unlink()
        raise ConfigError(str(exc).replace(str(scratch), str(target))) from None
    scratch.replace(target)
    return entry


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        entry = append(args, Path.cwd())
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except OSError as exc:  # an attestations folder that does not exist, a read-only file
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE_ERROR
    print(entry.strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
