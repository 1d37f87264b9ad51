"""Command line of the evidence bundle (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pytest_biothings_ready.bundle.archive import (
    INTACT,
    NOT_A_BUNDLE,
    SIGNATURE,
    NotABundle,
    open_bundle,
    read_manifest,
    sign_archive,
    verify_archive,
)

USAGE_ERROR = 4


def _verify(args: argparse.Namespace) -> int:
    result = verify_archive(Path(args.bundle), Path(args.key) if args.key else None)
    for problem in result.problems:
        print(f"{args.bundle}: {problem}", file=sys.stderr)
    for note in result.notes:
        print(f"{args.bundle}: {note}")
    if result.code == INTACT:
        print(f"{args.bundle}: intact, every member matches MANIFEST.json")
    elif result.code != NOT_A_BUNDLE:
        print(f"{args.bundle}: NOT intact ({len(result.problems)} problem(s))", file=sys.stderr)
    return result.code


def _show(args: argparse.Namespace) -> int:
    try:
        with open_bundle(Path(args.bundle)) as archive:
            manifest, _ = read_manifest(archive)
            evidence = _load(archive, "evidence.json") or []
            tools = _load(archive, "tools.json") or {}
            comparison = _load(archive, "comparison.json")
            signed = SIGNATURE in archive.namelist()
    except NotABundle as exc:
        print(f"{args.bundle}: not a bundle: {exc}", file=sys.stderr)
        return NOT_A_BUNDLE
    for key in ("ready_env", "ready_plugin_version", "ready_started_at", "ready_finished_at"):
        print(f"{key.removeprefix('ready_')}: {manifest.get(key, '?')}")
    counts: dict[str, int] = {}
    for line in evidence if isinstance(evidence, list) else []:
        counts[str(line.get("status"))] = counts.get(str(line.get("status")), 0) + 1
    print("lines: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    if isinstance(comparison, dict):
        kinds: dict[str, int] = {}
        for change in comparison.get("changes", []):
            kinds[str(change.get("kind"))] = kinds.get(str(change.get("kind")), 0) + 1
        changed = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "no change"
        print(f"compared: {comparison.get('header')}: {changed}")
    print(f"signed: {'yes (verify --key PUB checks it)' if signed else 'no'}")
    for name, info in tools.items() if isinstance(tools, dict) else []:
        version = info.get("version") if isinstance(info, dict) else info
        if version:
            print(f"tool {name}: {version}")
    for name, member in manifest["members"].items():
        print(f"member {name}: {member.get('size')} bytes, sha256 {member.get('sha256')}")
    return INTACT


def _load(archive: object, name: str) -> object:
    try:
        return json.loads(archive.read(name))  # type: ignore[attr-defined]
    except (KeyError, ValueError):
        return None


def _sign(args: argparse.Namespace) -> int:
    try:
        fingerprint = sign_archive(Path(args.bundle), Path(args.key))
    except NotABundle as exc:
        print(f"{args.bundle}: not a bundle: {exc}", file=sys.stderr)
        return NOT_A_BUNDLE
    except (OSError, ValueError) as exc:
        print(f"--key {args.key}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    print(f"{args.bundle}: signed with key {fingerprint}")
    return INTACT


def _keygen(args: argparse.Namespace) -> int:
    from pytest_biothings_ready.bundle.signing import generate_keys

    private = Path(args.key)
    if private.exists():
        print(f"{private} exists; refusing to overwrite a key", file=sys.stderr)
        return USAGE_ERROR
    public = generate_keys(private)
    print(f"private key: {private} (keep it secret)\npublic key:  {public} (give to verifiers)")
    return INTACT


def parser() -> argparse.ArgumentParser:
    """The argument parser (verify, show, sign, keygen)."""
    main = argparse.ArgumentParser(
        prog="python -m pytest_biothings_ready.bundle",
        description="Verify, inspect or sign an evidence bundle written by --ready-bundle.",
    )
    commands = main.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="exit 0 intact, 1 changed/missing, 4 not a bundle")
    verify.add_argument("bundle", metavar="PATH.zip")
    verify.add_argument("--key", metavar="PUB", help="require a valid signature by this key")
    verify.set_defaults(run=_verify)
    show = commands.add_parser("show", help="print the bundle's summary and members")
    show.add_argument("bundle", metavar="PATH.zip")
    show.set_defaults(run=_show)
    sign = commands.add_parser("sign", help="add an Ed25519 signature of MANIFEST.json")
    sign.add_argument("bundle", metavar="PATH.zip")
    sign.add_argument("--key", metavar="KEY", required=True, help="Ed25519 private key (PEM)")
    sign.set_defaults(run=_sign)
    keygen = commands.add_parser("keygen", help="write an Ed25519 key pair KEY and KEY.pub")
    keygen.add_argument("key", metavar="KEY")
    keygen.set_defaults(run=_keygen)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
