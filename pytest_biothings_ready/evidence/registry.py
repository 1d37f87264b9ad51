"""The probe registry: gatherers collect evidence, checks judge items from it.

A *gatherer* observes the deployment once per session (a TLS scan, a CORS preflight
matrix, a parsed set of manifests) and returns a frozen result.  A *check* decides
one or more checklist lines, by title, from gathered evidence::

    @gatherer("tls", needs=("base_url",))
    def scan_tls(ctx: Context) -> TlsReport: ...

    @check("Valid SSL certificates installed", uses=("tls",), smoke=True)
    def certificate_is_valid(ctx: Context) -> Verdict:
        report = ctx.evidence("tls")
        ...

Gatherers run concurrently in threads at the start of the session, each network
operation bounded by ``ctx.timeout``.  They raise :class:`ProbeError` when they cannot
observe (the items that use them become ``error``) and :class:`NotConfigured` when a
setting is missing (``unverified``).  A check may also raise both.

Family modules are imported by :func:`load_families` and must stay light at import
time: import httpx, OpenSSL, yaml... inside the functions.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_biothings_ready.checklist.model import ChecklistItem
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.model import Verdict

__all__ = [
    "FAMILIES",
    "Check",
    "Context",
    "Gatherer",
    "check",
    "checks_for",
    "gatherer",
    "gatherers",
    "load_families",
    "normalize_title",
]

# A gatherer may take this many operation timeouts (plus 5 s) before its users give up.
BUDGET_TIMEOUTS = 6

# Probe family modules under pytest_biothings_ready.probes, imported on first use.
FAMILIES: tuple[str, ...] = (
    # network (live deployment)
    "tls",
    "ports",
    "dns",
    "http",
    "web",
    "websocket",
    "cors",
    "ratelimit",
    "auth",
    "apikey",
    # static (deployment repository)
    "deploy",
    "static",
    "repository",
    # observability
    "observability",
    # load generation
    "load",
    # datastores (redis_url, database_url)
    "datastores",
    # headless Chromium (frontend_url)
    "browser",
    # backup repositories (restic, borg)
    "backups",
    # documentation (repository) and the served OpenAPI document
    "docs",
    # on-call paging (reads the observability family's Alertmanager evidence)
    "oncall",
    # cost dashboards, budget alerts, resource series, spot placement
    "cost",
)


class Context:
    """What a gatherer or check sees: the environment and the session's evidence."""

    def __init__(
        self,
        env: Environment,
        fetch: Callable[[str], Any],
        item: ChecklistItem | None = None,
        budget_s: float | None = None,
    ) -> None:
        self.env = env
        self.item = item
        self._fetch = fetch
        self._budget_s = budget_s

    @property
    def budget(self) -> float:
        """How long this gatherer's users wait for it, seconds (the store's budget)."""
        if self._budget_s is not None:
            return self._budget_s
        return self.env.timeout * BUDGET_TIMEOUTS + 5.0

    @property
    def timeout(self) -> float:
        """The per-operation timeout, seconds (``timeout_s``)."""
        return self.env.timeout

    def evidence(self, name: str) -> Any:
        """The result of gatherer ``name``; re-raises its ProbeError/NotConfigured."""
        return self._fetch(name)


@dataclass(frozen=True)
class Gatherer:
    """A registered evidence collector.

    Attributes:
        name: the evidence name checks ask for.
        func: ``func(ctx) -> result``.
        needs: settings that must be present, else the users are unverified.
        exclusive: run alone, after the concurrent batch (load generation, bursts),
            one exclusive gatherer at a time, in the order they are asked for.
        quiet: mostly holds connections idle (a WebSocket stability hold); exclusive
            gatherers do not wait for it to finish.
    """

    name: str
    func: Callable[[Context], Any]
    needs: tuple[str, ...] = ()
    exclusive: bool = False
    quiet: bool = False


@dataclass(frozen=True)
class Check:
    """A registered judgement of checklist lines.

    Attributes:
        titles: the checklist lines it decides (normalized title or item id).
        func: ``func(ctx) -> Verdict``.
        uses: gatherers whose evidence it reads (prefetched concurrently).
        needs: settings that must be present, else the item is unverified.
        smoke: belongs to the fast go-live subset (``ready_smoke``).
        name: the function's qualified name, for the catalog.
    """

    titles: tuple[str, ...]
    func: Callable[[Context], Verdict]
    uses: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    smoke: bool = False
    name: str = ""


_GATHERERS: dict[str, Gatherer] = {}
_CHECKS: dict[str, list[Check]] = {}


def normalize_title(text: str) -> str:
    """Case- and space-insensitive form of a title, for matching."""
    return " ".join(text.replace("`", "").replace("*", "").split()).casefold()


def gatherer(
    name: str, *, needs: tuple[str, ...] = (), exclusive: bool = False, quiet: bool = False
) -> Callable[[Callable[[Context], Any]], Callable[[Context], Any]]:
    """Register ``func`` as the gatherer of evidence ``name`` (see :class:`Gatherer`)."""

    def decorate(func: Callable[[Context], Any]) -> Callable[[Context], Any]:
        known = _GATHERERS.get(name)
        if known is not None and _qualname(known.func) != _qualname(func):
            raise ValueError(
                f"gatherer {name!r} registered by {_qualname(known.func)} and {_qualname(func)}"
            )
        _GATHERERS[name] = Gatherer(name, func, tuple(needs), exclusive, quiet)
        return func

    return decorate


def check(
    *titles: str,
    uses: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
    smoke: bool = False,
) -> Callable[[Callable[[Context], Verdict]], Callable[[Context], Verdict]]:
    """Register ``func`` as (one of) the automated check(s) of the given lines."""

    def decorate(func: Callable[[Context], Verdict]) -> Callable[[Context], Verdict]:
        entry = Check(tuple(titles), func, tuple(uses), tuple(needs), smoke, _qualname(func))
        for title in titles:
            bucket = _CHECKS.setdefault(normalize_title(title), [])
            # a re-imported module (pytester, reloads) replaces its own registration
            bucket[:] = [known for known in bucket if known.name != entry.name] + [entry]
        return func

    return decorate


def _qualname(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def load_families() -> None:
    """Import every probe family module so that their registrations run."""
    for family in FAMILIES:
        try:
            importlib.import_module(f"pytest_biothings_ready.probes.{family}")
        except ModuleNotFoundError as exc:
            if exc.name != f"pytest_biothings_ready.probes.{family}":
                raise


def checks_for(item: ChecklistItem) -> list[Check]:
    """The checks that decide ``item`` (matched by id or by title)."""
    load_families()
    return _CHECKS.get(item.id.casefold(), []) + _CHECKS.get(normalize_title(item.title), [])


def gatherers() -> dict[str, Gatherer]:
    """Every registered gatherer, by name."""
    load_families()
    return dict(_GATHERERS)
