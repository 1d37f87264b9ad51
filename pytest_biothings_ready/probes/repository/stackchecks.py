"""Redis on the deploy path, API response caching, and API tests run in CI."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.checks import no_api
from pytest_biothings_ready.probes.repository.deploy import walk
from pytest_biothings_ready.probes.repository.exposure import Api, apis
from pytest_biothings_ready.probes.repository.gather import Repository
from pytest_biothings_ready.probes.repository.outcome import decide

__all__ = ["api_tests_in_ci", "redis_configured", "response_caching"]

REDIS = frozenset({"redis", "valkey", "keydb", "dragonfly", "redis-stack", "redis-stack-server"})
CLIENTS = ("redis", "aioredis", "ioredis", "django_redis", "redis_om", "walrus", "@redis/client")
_URL = re.compile(r"rediss?://(?:[^@/\s]*@)?([A-Za-z0-9_.-]+)")
_TEST_RUN = re.compile(
    r"\b(pytest|py\.test|tox|nox|(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test|go\s+test|jest|vitest|make\s+test)\b"
)
_API_TEST = re.compile(
    r"TestClient\(|AsyncClient\(|supertest|\bclient\.(?:get|post|put|delete)\(|requests\.(?:get|post)\(|httpx\."
)


def _uses_redis(api: Api) -> bool:
    return any(lib == c or lib.startswith(c + ".") for lib in api.code.libraries for c in CLIENTS)


@check("Redis configured for session/data caching", uses=("repository",))
def redis_configured(ctx: Context) -> Verdict:
    """A deployed API's code uses a Redis client, and its stack runs the Redis it points at."""
    repo: Repository = ctx.evidence("repository")
    found = apis(repo)
    if not found:
        return no_api(repo)
    problems: list[str] = []
    checked: list[str] = []
    unsure: list[str] = []
    external = bool(ctx.env.get("redis_url"))
    for api in found:
        _redis(api, external, problems, checked, unsure)
    if checked:  # one API caching in Redis is what the line asks
        problems = [p for p in problems if "does not run" in p]
        unsure = []
    tail = repo.not_deployed()
    return decide(problems, checked, "Redis not configured for caching", tail, unsure)


def _redis(
    api: Api, external: bool, problems: list[str], checked: list[str], unsure: list[str]
) -> None:
    servers = {s.name: s for s in api.stack.services if s.family in REDIS}
    hosts = [m.group(1) for v in api.service.environment.values() for m in _URL.finditer(v)]
    client = _uses_redis(api)
    wrong = [h for h in hosts if h not in servers and "." not in h and h != "localhost"]
    if wrong:
        problems.append(
            f"{api.name} points at Redis host {wrong[0]!r}, which {api.stack.file} does not run"
        )
    elif client and servers:
        images = ", ".join(f"{s.name} ({s.image})" for s in servers.values())
        checked.append(f"{api.name} uses a Redis client against {images}")
    elif servers:
        problems.append(
            f"{api.stack.file} runs {', '.join(servers)} but the code of {api.service.name} "
            "uses no Redis client"
        )
    elif client or external:
        unsure.append(f"{api.name}: Redis runs outside the repository")
    else:
        problems.append(f"{api.name}: no Redis on the deploy path (no service, no client)")


@check("API response caching implemented", uses=("repository",))
def response_caching(ctx: Context) -> Verdict:
    """A deployed API sets Cache-Control (or a response-cache decorator), or a proxy caches it.

    The proxy counts through ``proxy_cache``, ``expires`` or ``add_header Cache-Control``
    on a location forwarding to the API, in an nginx that can start.
    """
    repo: Repository = ctx.evidence("repository")
    found = apis(repo)
    if not found:
        return no_api(repo)
    checked = [f"{api.name}: {f.what} at {f.where}" for api in found for f in api.code.caching]
    checked += [f"{r.location.where} caches responses of {api.service.name}" for api in found
                for r in api.routes if r.location.cache_control and not r.proxy.broken]  # fmt: skip
    if not checked:
        names = ", ".join(api.name for api in found)
        return Verdict.failed(
            f"no response caching: no Cache-Control or cache decorator in the code of {names}, "
            f"no proxy_cache/expires on the locations forwarding to it.{repo.not_deployed()}"
        )
    return decide([], checked, "", repo.not_deployed())


@check("API endpoints tested", uses=("repository", "deploy"))
def api_tests_in_ci(ctx: Context) -> Verdict:
    """A deployed CI workflow runs the tests, and the repository has tests calling the API."""
    from pytest_biothings_ready.deploy.graph import WORKFLOW

    repo: Repository = ctx.evidence("repository")
    if not apis(repo):  # the API is not built from this repository: its tests live elsewhere
        return no_api(repo)
    graph = ctx.evidence("deploy")
    runs = [r for path in graph.paths(WORKFLOW) for r in _test_steps(path, graph.root)]
    tests = _api_tests(graph.root)
    tail = repo.not_deployed()
    if not tests:
        return Verdict.failed(
            f"no test in the repository calls the API (TestClient, httpx, supertest...).{tail}"
        )
    if not runs:
        shown = ", ".join(tests[:3])
        return Verdict.failed(f"API tests exist ({shown}) but no CI workflow runs them.{tail}")
    return decide([], [f"{runs[0]} runs the tests; API tests: {', '.join(tests[:3])}"], "", tail)


def _test_steps(path: Path, root: Path) -> list[str]:
    from pytest_biothings_ready.probes.static.yamlload import load_all

    try:
        docs = load_all(path.read_text(encoding="utf-8"))
    except Exception:  # a workflow that does not parse runs nothing
        return []
    found = []
    for doc in docs:
        jobs: Mapping[str, Any] = doc.get("jobs") or {} if isinstance(doc, Mapping) else {}
        for name, job in jobs.items():
            steps = job.get("steps") or [] if isinstance(job, Mapping) else []
            for step in steps:
                run = str(step.get("run") or "") if isinstance(step, Mapping) else ""
                match = _TEST_RUN.search(run)
                if match:
                    found.append(
                        f"{path.relative_to(root).as_posix()} job {name} ({match.group(0)})"
                    )
    return found


def _api_tests(root: Path) -> list[str]:
    found = []
    for path in walk(root, (".py", ".js", ".ts")):
        name = path.name
        if not (
            name.startswith("test_")
            or name.endswith(("_test.py", ".test.js", ".test.ts", ".spec.js", ".spec.ts"))
        ):
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _API_TEST.search(text):
            found.append(path.relative_to(root).as_posix())
    return found
