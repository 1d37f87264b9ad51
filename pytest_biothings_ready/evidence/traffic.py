"""Active traffic: what a run sends beyond reading, announced before any probe runs.

Most probes only read (a handshake, a GET, a query).  A few act on the target: the
rate-limit burst, the load runs (expected load, stress ramp, soak, failover), the
synthetic Alertmanager alert and logins.  :data:`DESCRIBERS` maps each such gatherer
to a function that reads the environment and says what it will send, to which target,
with counts and durations; :data:`RULES` holds the one sentence per kind that says
*when* it is sent.  docs/active-traffic.md is generated from both, and every other
doc links to it instead of restating the rules (a test enforces that).

A describer mirrors its family's guard: it returns nothing where the gatherer would
refuse (no table, ``production = true``) so the announcement never lists traffic that
will not be sent.  A new traffic-generating gatherer must get a describer here (a test
fails for every exclusive gatherer without one).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_biothings_ready.config.environment import Environment, dig
from pytest_biothings_ready.errors import ReadyException
from pytest_biothings_ready.evidence.registry import checks_for, gatherers
from pytest_biothings_ready.redact import Redactor, clean

if TYPE_CHECKING:
    from pytest_biothings_ready.checklist.model import ChecklistItem

__all__ = [
    "DESCRIBERS",
    "RULES",
    "Traffic",
    "announce_entries",
    "announcement",
    "gatherers_used",
    "planned_traffic",
    "render_doc",
]

# The rate-limit family declares its own rule and traffic (``BURST_RULE``,
# ``burst_traffic``) on the liveweb branch; until that lands, these stand in for them
# with the same sentence, and the family's take over as soon as they exist.
_BURST_RULE = (
    "The rate-limit burst is sent only when the environment has a `[env.NAME.rate_limit]` "
    "table (an empty table takes the defaults; the demo's built-in environment has one), "
    "and never where `production = true` unless `allow_load_in_production = true`; without "
    "the table both rate-limit lines are `unverified` with a message naming it."
)


def _ratelimit_family(name: str) -> Any:
    module = importlib.import_module("pytest_biothings_ready.probes.ratelimit")
    return getattr(module, name, None)


RULES: dict[str, str] = {
    "burst": _ratelimit_family("BURST_RULE") or _BURST_RULE,
    "load": (
        "Load, stress, soak and failover runs are sent only when the environment has an "
        "`[env.NAME.load]` table, and never where `production = true` unless "
        "`allow_load_in_production = true`."
    ),
    "synthetic alert": (
        "The synthetic test alert is posted only when `alertmanager_url` is set and "
        "`monitoring.send_test_alert` is true (its default: true, except where "
        "`production = true`)."
    ),
    "login": (
        "Logins are sent only when `auth.login_path` is set (with `auth.username`, "
        "`auth.password` and `auth.protected_path`) or when a `[[env.NAME.roles]]` row "
        "has a `username`."
    ),
    "migration": (
        "The migration round trip runs only when `database.migrate_up`, "
        "`database.migrate_down` and `database.scratch_url` are all set: it creates a "
        "scratch database on the server of `database.scratch_url` (never on `database_url`), "
        "runs the two commands against it and drops it."
    ),
}


@dataclass(frozen=True)
class Traffic:
    """Active traffic one gatherer will send.

    Attributes:
        target: the origin it goes to (``https://host:port``).
        kind: one of the keys of :data:`RULES`.
        detail: what exactly: counts, paths, durations.
    """

    target: str
    kind: str
    detail: str


# A describer returns (target, detail) pairs; empty where its gatherer would send nothing.
Describer = Callable[[Environment], list[tuple[str, str]]]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


def _base(env: Environment) -> str:
    return str(env.get("base_url") or "").rstrip("/")


def _burst(env: Environment) -> list[tuple[str, str]]:
    if dig(env.settings, "rate_limit") is None:
        return []
    env.guard_production("the rate-limit burst")
    family = _ratelimit_family("burst_traffic")
    if family is not None:  # the family's own description, once it has one
        text = str(family(env) or "").removeprefix("rate-limit burst: ")  # kind is shown
        return [(_origin(_base(env)), text)] if text else []
    path = env.get("rate_limit.path") or env.get("health_path") or "/"
    method = str(env.get("rate_limit.method")).upper()
    detail = (
        f"up to {int(env.get('rate_limit.requests'))} {method} {path} in "
        f"{float(env.get('rate_limit.seconds')):g} s over "
        f"{int(env.get('rate_limit.concurrency'))} connections (stops at the first 429/503)"
    )
    return [(_origin(_base(env)), detail)]


def _load_guard(env: Environment) -> str:
    from pytest_biothings_ready.probes.load.plan import guard

    guard(env)  # raises NotConfigured where no load may run
    return _origin(_base(env))


def _expected_load(env: Environment) -> list[tuple[str, str]]:
    users, seconds = int(env.get("load.users")), float(env.get("load.duration_s"))
    detail = f"{users} users for {seconds:g} s (expected traffic)"
    return [(_load_guard(env), detail)]


def _stress(env: Environment) -> list[tuple[str, str]]:
    target = _load_guard(env)
    users, steps = int(env.get("load.users")), max(1, int(env.get("load.stress_steps")))
    top = max(1, round(users * float(env.get("load.stress_factor"))))
    detail = (
        f"stress ramp, {steps} steps of {float(env.get('load.stress_step_s')):g} s up to "
        f"{top} users, then {float(env.get('load.recovery_s')):g} s at {users} users"
    )
    return [(target, detail)]


def _soak(env: Environment) -> list[tuple[str, str]]:
    target = _load_guard(env)
    users = int(env.get("load.soak_users") or env.get("load.users"))
    detail = f"soak, {users} users for {float(env.get('load.soak_s')):g} s"
    return [(target, detail)]


def _failover(env: Environment) -> list[tuple[str, str]]:
    from pytest_biothings_ready.probes.load.hooks import configured

    target = _load_guard(env)
    configured(env)  # raises unless both failover hooks are named
    users = int(env.get("failover.users") or env.get("load.users"))
    detail = (
        f"failover, {users} users for {float(env.get('failover.duration_s')):g} s; one "
        f"backend taken out at {float(env.get('failover.out_after_s')):g} s and restored at "
        f"{float(env.get('failover.restore_after_s')):g} s by the failover hooks"
    )
    return [(target, detail)]


def _alert(env: Environment) -> list[tuple[str, str]]:
    configured = env.get("monitoring.send_test_alert")
    if not ((not env.production) if configured is None else bool(configured)):
        return []
    url = str(env.get("alertmanager_url"))
    detail = "1 test alert BiothingsReadinessTestAlert (ends after 2 min) to /api/v2/alerts"
    return [(_origin(url), detail)]


def _login(env: Environment) -> list[tuple[str, str]]:
    path = env.get("auth.login_path")
    if not path:
        return []
    method = str(env.get("auth.login_method")).upper()
    return [
        (
            _origin(_base(env)),
            f"2 logins {method} {path} (one with a made-up password, to be refused)",
        )
    ]


def _role_logins(env: Environment) -> list[tuple[str, str]]:
    rows = [r for r in env.get("roles") or [] if isinstance(r, Mapping) and r.get("username")]
    path = env.get("auth.login_path")
    if not rows or not path:
        return []
    method = str(env.get("auth.login_method")).upper()
    detail = f"{len(rows)} role logins {method} {path} (role matrix)"
    return [(_origin(_base(env)), detail)]


def _migrations(env: Environment) -> list[tuple[str, str]]:
    parts = urlsplit(str(env.get("database.scratch_url")))
    target = f"postgresql://{parts.hostname}:{parts.port or 5432}"  # no credentials shown
    detail = "1 scratch database created, migrated up, down one step and up again, dropped"
    return [(target, detail)]


# gatherer name -> (kind, describer); "load-baseline" asks for "load", so announces it too.
DESCRIBERS: dict[str, tuple[str, Describer]] = {
    "ratelimit": ("burst", _burst),
    "load": ("load", _expected_load),
    "load-baseline": ("load", _expected_load),
    "load-stress": ("load", _stress),
    "load-soak": ("load", _soak),
    "load-failover": ("load", _failover),
    "alertmanager-test-alert": ("synthetic alert", _alert),
    "auth": ("login", _login),
    "roles": ("login", _role_logins),
    "migrations": ("migration", _migrations),
}


def _needs_met(env: Environment, needs: Iterable[str]) -> bool:
    try:
        return all(env.get(key) not in (None, "", [], {}) for key in needs)
    except ReadyException:  # an unset ${VAR}: the gatherer errors before sending
        return False


def gatherers_used(entries: Iterable[ChecklistItem]) -> set[str]:
    """The gatherers the checks of ``entries`` read (the ones prefetch would start)."""
    return {name for entry in entries for check in checks_for(entry) for name in check.uses}


def planned_traffic(env: Environment, names: Iterable[str]) -> list[Traffic]:
    """What the gatherers ``names`` will send to ``env``, without duplicates."""
    registry = gatherers()
    found: dict[Traffic, None] = {}
    wanted = set(names)
    for name in (n for n in DESCRIBERS if n in wanted):  # the table's order
        known = registry.get(name)
        if known is None or not _needs_met(env, known.needs):
            continue
        kind, describe = DESCRIBERS[name]
        try:
            found.update(dict.fromkeys(Traffic(t, kind, d) for t, d in describe(env)))
        except ReadyException:  # refused or not configured: nothing is sent
            continue
    order = list(RULES)
    return sorted(found, key=lambda t: order.index(t.kind))


def announcement(env: Environment, names: Iterable[str]) -> list[str]:
    """Terminal lines, grouped per target; none when nothing active will be sent."""
    planned = planned_traffic(env, names)
    if not planned:
        return []
    lines = ["biothings-ready: active traffic this run sends (docs/active-traffic.md):"]
    for target in dict.fromkeys(t.target for t in planned):
        lines.append(f"  {target}")
        lines += [f"    {t.kind}: {t.detail}" for t in planned if t.target == target]
    return lines


def announce_entries(
    env: Environment, entries: Iterable[ChecklistItem], redact: Redactor | None = None
) -> list[str]:
    """The announcement for the checklist ``entries``, cleaned for the terminal."""
    return [clean(line, redact) for line in announcement(env, gatherers_used(entries))]


def render_doc() -> str:
    """The body of docs/active-traffic.md: the rules, and which gatherer sends what."""
    lines = [
        "# Active traffic",
        "",
        "Most probes only read. The ones below act on the target. Before the first probe "
        "runs, the terminal lists what the selected lines will send, per target, with "
        "counts and durations (nothing when none). A line whose gatherer is refused (no "
        "table, `production = true`) sends nothing and is `unverified`.",
        "",
        "| kind | when it is sent | gatherers |",
        "| --- | --- | --- |",
    ]
    for kind, rule in RULES.items():
        names = ", ".join(f"`{n}`" for n, (k, _) in DESCRIBERS.items() if k == kind)
        lines.append(f"| {kind} | {rule} | {names} |")
    lines += [
        "",
        "For an environment with a `[env.staging.rate_limit]` table, a `[env.staging.load]` "
        "table, `alertmanager_url` and a login, `pytest --ready-env=staging` prints after "
        '"collected N items":',
        "",
        "```text",
        *announcement(_EXAMPLE, DESCRIBERS),
        "```",
    ]
    return "\n".join(lines) + "\n"


_EXAMPLE = Environment(
    "staging",
    {
        "base_url": "https://staging.example.org",
        "alertmanager_url": "http://alertmanager.internal:9093",
        "rate_limit": {"path": "/api/search"},
        "load": {"users": 50, "duration_s": 60.0},
        "failover": {
            "out_url": "https://ops.example.org/out",
            "restore_url": "https://ops.example.org/in",
        },
        "auth": {"login_path": "/api/login", "protected_path": "/api/me"},
    },
)
