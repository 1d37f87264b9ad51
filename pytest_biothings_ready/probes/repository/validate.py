"""Load a reached nginx config with Debian's nginx (``nginx -t``) on an adjusted copy.

The copy keeps every directive that decides behaviour and changes only what ties the
config to its container: pid, logs and temp paths point into a scratch folder,
certificates become a throwaway self-signed pair, compose service names resolve to
127.0.0.1 (a name no service provides is reported by the site analysis, not here), and
``load_module`` lines are dropped.  ``unknown directive`` (a module Debian's nginx does
not build, e.g. OpenResty's Lua) means "could not validate", never "broken".
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_biothings_ready.probes.repository.nginxconf import Directive, NginxTree
from pytest_biothings_ready.probes.repository.urls import PASSES, host_of

__all__ = ["Validation", "nginx_t"]

DROP = frozenset({"user", "pid", "daemon", "load_module", "error_log", "access_log", "ssl_dhparam",
                  "ssl_stapling_file", "ssl_password_file", "ssl_session_ticket_key",
                  "include", "lua_package_path",
                  # newer than Debian's nginx 1.22: known to the image, not to our nginx -t
                  "http2", "http3", "http3_hq", "quic_retry", "quic_gso", "quic_host_key",
                  "quic_bpf", "quic_active_connection_id_limit"})  # fmt: skip
CERTS = frozenset({"ssl_certificate", "ssl_trusted_certificate", "ssl_client_certificate"})
NGINX = "/usr/sbin/nginx"
# nginx -t outcomes by the directives loaded: stacks often mount the same config.
_DONE: dict[str, Validation] = {}
_LOCK = threading.Lock()
_PAIR: tuple[str, str] | None = None


@dataclass(frozen=True)
class Validation:
    """The outcome of ``nginx -t``: True loads, False does not, None could not tell."""

    ok: bool | None
    detail: str


def nginx_t(tree: NginxTree, timeout: float) -> Validation:
    """Run ``nginx -t`` on an adjusted copy of ``tree`` (memoized on its directives)."""
    if not Path(NGINX).exists():
        return Validation(None, "nginx is not installed here (apt-get install nginx)")
    if tree.templated:
        return Validation(None, "a templates/ file is filled by envsubst at start; not loaded")
    key = json.dumps(tree.directives, sort_keys=True, default=str)
    with _LOCK:
        known = _DONE.get(key)
    if known is None:
        known = _load(tree, timeout)
        with _LOCK:
            _DONE[key] = known
    return known


def _load(tree: NginxTree, timeout: float) -> Validation:
    import crossplane

    with tempfile.TemporaryDirectory(prefix="ready-nginx-") as scratch:
        root = Path(scratch)
        cert, key = _pair(timeout)
        body = [_adjust(d, root, cert, key) for d in tree.directives]
        top = [d for d in body if d is not None]
        head = [_d("pid", str(root / "nginx.pid")), _d("error_log", str(root / "error.log"))]
        if not any(d["directive"] == "events" for d in top):
            head.append({"directive": "events", "args": [], "block": []})
        (root / "nginx.conf").write_text(crossplane.build(head + top))
        return _run(root, timeout)


def _d(name: str, *args: str) -> Directive:
    return {"directive": name, "args": list(args)}


def _pair(timeout: float) -> tuple[str, str]:
    """A throwaway self-signed pair, made once per process (removed at exit)."""
    global _PAIR
    with _LOCK:
        if _PAIR is None:
            folder = Path(tempfile.mkdtemp(prefix="ready-nginx-cert-"))
            atexit.register(shutil.rmtree, folder, True)
            _PAIR = _make_pair(folder, timeout)
        return _PAIR


def _make_pair(root: Path, timeout: float) -> tuple[str, str]:
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-subj", "/CN=ready.invalid", "-days", "1", "-keyout", str(key),
         "-out", str(cert)],
        capture_output=True, timeout=timeout, check=False,
    )  # fmt: skip
    return str(cert), str(key)


def _adjust(node: Directive, root: Path, cert: str, key: str) -> Any:
    name = node["directive"]
    if name in DROP and not (name == "include" and Path(node["args"][0]).exists()):
        return None
    if name == "listen" and "quic" in node["args"]:
        return None
    new: Directive = {"directive": name, "args": list(node["args"])}
    if name in CERTS:
        new["args"] = [cert]
    elif name == "ssl_certificate_key":
        new["args"] = [key]
    elif _addressed(node):
        new["args"][0] = _local(new["args"][0])
    if "block" in node:
        inner = [_adjust(d, root, cert, key) for d in node["block"]]
        new["block"] = [d for d in inner if d is not None]
        if name == "http":
            new["block"] = _temp_paths(root) + new["block"]
    return new


def _addressed(node: Directive) -> bool:
    """A proxy_pass-like URL or an upstream ``server`` address (not a variable)."""
    args = node["args"]
    if not args or "$" in args[0]:
        return False
    return node["directive"] in PASSES or (node["directive"] == "server" and "block" not in node)


def _local(address: str) -> str:
    """A host name (a service's, or any: DNS is not ours to judge here) as 127.0.0.1."""
    import ipaddress

    host = host_of(address)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return address.replace(host, "127.0.0.1", 1) if host else address
    return address


def _temp_paths(root: Path) -> list[Directive]:
    names = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    return [_d(f"{n}_temp_path", str(root / n)) for n in names] + [_d("access_log", "off")]


def _run(root: Path, timeout: float) -> Validation:
    try:
        done = subprocess.run(
            [NGINX, "-t", "-q", "-p", str(root), "-c", str(root / "nginx.conf"), "-e",
             str(root / "error.log")],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return Validation(None, f"nginx -t did not finish in {timeout:g} s")
    lines = [ln for ln in done.stderr.splitlines() if "[emerg]" in ln or "[crit]" in ln]
    if done.returncode == 0:
        return Validation(True, "loads with nginx -t")
    reason = (lines[0] if lines else done.stderr.strip()[:200]).split("] ", 1)[-1]
    reason = reason.replace(str(root) + "/", "")
    if "unknown directive" in reason:
        return Validation(None, f"not loadable by Debian's nginx ({reason})")
    return Validation(False, f"nginx -t fails: {reason}")
