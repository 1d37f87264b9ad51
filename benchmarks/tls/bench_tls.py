"""Time to TLS verdicts for one host: our tls probe vs sslyze and testssl.sh.

Starts Debian's nginx with TLS 1.2/1.3 on a free loopback port (trustme CA), then in
the same run measures:

- ours, in process: the ``tls`` gatherer plus the five TLS checks (median of N);
- ours, cold: the same in a fresh interpreter (imports included), like a CLI tool;
- sslyze's default scan (``SSLYZE``, default /tmp/sslyze-venv/bin/sslyze), wall time
  and the scan time it reports itself;
- ``testssl --protocols`` and a default ``testssl`` run, if testssl is installed.

    .venv/bin/python benchmarks/tls/bench_tls.py [--runs 10] [--skip-testssl-default]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trustme

LINES = (
    "TLS 1.2+ only, secure cipher suites",
    "Valid SSL certificates installed",
    "SSL certificate status verified",
    "Certificate auto-renewal configured",
    "Data encryption at rest and in transit",
)
NGINX_CONF = """
daemon off; master_process off; worker_processes 1; pid {root}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {root}/b; proxy_temp_path {root}/p; fastcgi_temp_path {root}/f;
  uwsgi_temp_path {root}/u; scgi_temp_path {root}/s;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {root}/cert.pem; ssl_certificate_key {root}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;
    location / {{ return 200 "ok\\n"; }}
  }}
}}
"""
OURS = """
import sys, time
started = time.perf_counter()
from pathlib import Path
from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.evidence.registry import checks_for, normalize_title
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks
env = Environment("bench", {"base_url": sys.argv[1], "ca_bundle": sys.argv[2], "timeout_s": 5.0})
store = EvidenceStore(env)
wanted = {normalize_title(t) for t in sys.argv[3:]}
for item in load_checklist(BUILTIN):
    if normalize_title(item.title) in wanted:
        verdict = run_checks(item, checks_for(item), store)
        print(f"{verdict.status.value:10} {item.title}")
print(f"elapsed {time.perf_counter() - started:.4f}")
"""


def main() -> None:
    options = _arguments()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ca_pem = _certificates(root)
        port = _free_port()
        nginx = _start_nginx(root, port)
        try:
            _wait(port)
            _report(options, port, ca_pem)
        finally:
            nginx.terminate()
            nginx.wait(10)


def _report(options: argparse.Namespace, port: int, ca_pem: Path) -> None:
    url, target = f"https://127.0.0.1:{port}", f"127.0.0.1:{port}"
    results: dict[str, float] = {}
    results["ours (in process, median)"] = _ours_in_process(url, ca_pem, options.runs)
    fresh = [sys.executable, "-c", OURS, url, str(ca_pem), *LINES]
    results["ours (fresh interpreter)"] = _timed("ours, fresh interpreter", fresh, echo=True)
    sslyze = os.environ.get("SSLYZE", "/tmp/sslyze-venv/bin/sslyze")
    if Path(sslyze).exists():
        results["sslyze default scan (wall)"] = _timed("sslyze", [sslyze, target])
    testssl = shutil.which("testssl") or shutil.which("testssl.sh")
    if testssl:
        quiet = ["--quiet", "--color", "0", "--warnings", "batch"]
        protocols = [testssl, *quiet, "--protocols", target]
        results["testssl --protocols"] = _timed("testssl --protocols", protocols)
        if not options.skip_testssl_default:
            default = [testssl, *quiet, target]
            results["testssl default run"] = _timed("testssl default", default)
    base = results["ours (in process, median)"]
    print(f"\n{'tool':34} {'seconds':>9} {'x ours':>9}")
    for name, seconds in results.items():
        print(f"{name:34} {seconds:9.3f} {seconds / base:9.1f}")


def _ours_in_process(url: str, ca_pem: Path, runs: int) -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.evidence.registry import checks_for, normalize_title
    from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks

    items = [i for i in load_checklist(BUILTIN) if normalize_title(i.title) in
             {normalize_title(t) for t in LINES}]  # fmt: skip
    settings = {"base_url": url, "ca_bundle": str(ca_pem), "timeout_s": 5.0}
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        store = EvidenceStore(Environment("bench", settings))
        for item in items:
            run_checks(item, checks_for(item), store)
        timings.append(time.perf_counter() - started)
    scan = store.get("tls")
    print(f"ours: {runs} runs, min {min(timings):.4f} s, median {statistics.median(timings):.4f}"
          f" s, gatherer {scan.elapsed_s:.4f} s; {scan.summary()}")  # fmt: skip
    return statistics.median(timings)


def _timed(label: str, command: list[str], echo: bool = False) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    reported = re.search(r"SCANS COMPLETED IN ([\d.]+) S", done.stdout)
    note = f" (sslyze reports {reported.group(1)} s)" if reported else ""
    print(f"{label}: {elapsed:.3f} s{note}")
    if echo:
        print(done.stdout.strip() or done.stderr.strip())
    return elapsed


def _certificates(root: Path) -> Path:
    """Root -> intermediate -> leaf; nginx serves leaf + intermediate (the chain as
    served is what the probe verifies), ca.pem holds the root only."""
    ca = trustme.CA()
    leaf = ca.create_child_ca().issue_cert("127.0.0.1", "localhost")
    ca.cert_pem.write_to_path(str(root / "ca.pem"))
    leaf.private_key_pem.write_to_path(str(root / "key.pem"))
    for index, blob in enumerate(leaf.cert_chain_pems):
        blob.write_to_path(str(root / "cert.pem"), append=index > 0)
    return root / "ca.pem"


def _start_nginx(root: Path, port: int) -> subprocess.Popen[bytes]:
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return subprocess.Popen([nginx, "-e", "stderr", "-p", str(root), "-c", str(conf)])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"nginx did not listen on {port}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="in-process repetitions")
    parser.add_argument("--skip-testssl-default", action="store_true",
                        help="skip testssl's default run (about a minute)")  # fmt: skip
    return parser.parse_args()


if __name__ == "__main__":
    main()
