"""Static decisions from PaaS configs: HTTPS enforcement, health checks, autoscaling.

Read from the configs the deploy graph reaches (fly.toml, render.yaml,
railway.json/.toml, App Engine app.yaml).  What a config does not say abstains;
Procfile and heroku.yml say nothing these lines need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.healthcmd import path_defined
from pytest_biothings_ready.probes.repository.outcome import decide, undecided
from pytest_biothings_ready.probes.repository.paasread import (
    PaasApp,
    as_int,
    as_list,
    as_map,
    paas_apps,
    static_site,
)

__all__ = [
    "paas_autoscaling",
    "paas_health_checks",
    "paas_https",
    "paas_replica_bounds",
    "run_judges",
]

Judge = Callable[[PaasApp, list[str], list[str], list[str]], None]


def run_judges(ctx: Context, judges: Mapping[str, Judge], head: str) -> Verdict:
    """Each PaaS app judged by its platform's judge; a platform without one does not say."""
    apps, broken = paas_apps(ctx)
    problems = [f"{b}: the platform cannot deploy it" for b in broken]
    checked: list[str] = []
    unsure: list[str] = []
    for app in apps:
        judge = judges.get(app.platform)
        if judge is None:
            unsure.append(f"{app.where} ({app.platform}) does not say")
        else:
            judge(app, problems, checked, unsure)
    if not apps and not broken:
        return undecided("no PaaS config (fly.toml, render.yaml, railway, app.yaml) is deployed")
    if problems:
        return decide(problems, checked, head, "")
    if unsure and not checked:
        return undecided(f"the PaaS configs do not say: {'; '.join(unsure)}")
    return decide([], checked, head, "")


# --- HTTPS enforced -------------------------------------------------------------------


@check("HTTPS enforced (HTTP redirects to HTTPS)", uses=("deploy",))
def paas_https(ctx: Context) -> Verdict:
    """fly ``force_https``, App Engine ``secure: always`` handlers, Render web services.

    Render redirects HTTP to HTTPS for every web service (platform-enforced).  A fly
    HTTP service or port with an ``http`` handler lacking ``force_https = true``, or an
    App Engine handler without ``secure: always``, fails.
    """
    judges = {"fly": _fly_https, "render": _render_https, "appengine": _gae_https}
    return run_judges(ctx, judges, "HTTP is not redirected to HTTPS")


def _fly_https(app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]) -> None:
    service = app.config.get("http_service")
    if isinstance(service, Mapping):
        if service.get("force_https") is True:
            checked.append(f"{app.where} app {app.name}: [http_service] force_https = true")
        else:
            problems.append(f"{app.where} app {app.name}: [http_service] without force_https")
    for index, svc in enumerate(as_list(app.config.get("services"))):
        for port in as_list(as_map(svc).get("ports")):
            port = as_map(port)
            if "http" not in as_list(port.get("handlers")):
                continue
            shown = f"{app.where} app {app.name}: services[{index}] port {port.get('port')}"
            if port.get("force_https") is True:
                checked.append(f"{shown} force_https = true")
            else:
                problems.append(f"{shown} serves plain HTTP without force_https")
    if not isinstance(service, Mapping) and not app.config.get("services"):
        unsure.append(f"{app.where} app {app.name} declares no HTTP service")


def _render_https(app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]) -> None:
    if str(app.config.get("type") or "") == "web":
        checked.append(
            f"{app.where} web service {app.name}: platform-enforced (Render redirects "
            "HTTP to HTTPS for web services)"
        )


def _gae_https(app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]) -> None:
    if str(app.config.get("env") or "") in ("flex", "flexible"):
        unsure.append(f"{app.where} service {app.name} is App Engine flexible (no `secure`)")
        return
    handlers = [as_map(h) for h in as_list(app.config.get("handlers"))]
    if not handlers:
        unsure.append(f"{app.where} service {app.name} declares no handlers")
        return
    for handler in handlers:
        url = handler.get("url", "?")
        if handler.get("secure") == "always":
            checked.append(f"{app.where} service {app.name} handler {url}: secure: always")
        else:
            shown = handler.get("secure", "unset")
            problems.append(f"{app.where} service {app.name} handler {url}: secure {shown}")


# --- Health checks ----------------------------------------------------------------------


@check("Health checks configured", uses=("deploy",))
def paas_health_checks(ctx: Context) -> Verdict:
    """fly checks, Render ``healthCheckPath``, Railway ``healthcheckPath``, App Engine checks.

    An app with none fails (App Engine, which checks by default, abstains); a check
    path its own route table does not define fails.
    """
    judges = {"fly": _fly_health, "render": _render_health, "railway": _railway_health,
              "appengine": _gae_health}  # fmt: skip
    return run_judges(ctx, judges, "health checks missing or unable to succeed")


def _path(app: PaasApp, what: str, path: Any, problems: list[str], checked: list[str]) -> None:
    shown = f"{app.where} app {app.name}: {what}"
    if not path:
        checked.append(shown)
    elif app.routes and not path_defined(str(path).split("?")[0], app.routes):
        routes = ", ".join(sorted(app.routes)[:6])
        problems.append(f"{shown} asks {path}, which its app does not define (routes: {routes})")
    else:
        known = " (a route of its app)" if app.routes else ""
        checked.append(f"{shown} on {path}{known}")


def _fly_health(app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]) -> None:
    found: list[tuple[str, Mapping[str, Any]]] = []
    http = as_map(app.config.get("http_service"))
    found += [("[[http_service.checks]]", as_map(c)) for c in as_list(http.get("checks"))]
    for svc in as_list(app.config.get("services")):
        svc = as_map(svc)
        found += [("[[services.http_checks]]", as_map(c)) for c in as_list(svc.get("http_checks"))]
        found += [("[[services.tcp_checks]]", as_map(c)) for c in as_list(svc.get("tcp_checks"))]
    for name, conf in as_map(app.config.get("checks")).items():
        found.append((f"[checks.{name}]", as_map(conf)))
    if not found:
        problems.append(f"{app.where} app {app.name} defines no health check")
    for what, conf in found:
        _path(app, what, conf.get("path"), problems, checked)


def _render_health(
    app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]
) -> None:
    if str(app.config.get("type") or "") != "web" or static_site(app):
        return
    path = app.config.get("healthCheckPath")
    if not path:
        problems.append(f"{app.where} web service {app.name} has no healthCheckPath")
    else:
        _path(app, "healthCheckPath", path, problems, checked)


def _railway_health(
    app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]
) -> None:
    path = as_map(app.config.get("deploy")).get("healthcheckPath")
    if not path:
        problems.append(f"{app.where} app {app.name} has no deploy.healthcheckPath")
    else:
        _path(app, "healthcheckPath", path, problems, checked)


def _gae_health(app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]) -> None:
    found = [k for k in ("readiness_check", "liveness_check") if k in app.config]
    if not found:
        unsure.append(f"{app.where} service {app.name} keeps App Engine's default checks")
    for key in found:
        _path(app, key, as_map(app.config.get(key)).get("path"), problems, checked)


# --- Autoscaling and replica bounds ---------------------------------------------------------

# (low, high, how): high is None when the config does not bound it; None when it says nothing.
Bounds = tuple[int, int | None, str] | None


@check("Auto-scaling configured to match demand", uses=("deploy",))
def paas_autoscaling(ctx: Context) -> Verdict:
    """fly ``auto_stop_machines``, Render ``scaling``, App Engine automatic/basic scaling.

    A fixed count (Render ``numInstances`` or its default single instance, App Engine
    ``manual_scaling``, fly ``auto_stop_machines = false``) or bounds of 1..1 fail.
    """
    return run_judges(ctx, {p: _scales for p in ("fly", "render", "appengine")}, "no autoscaling")


@check("Minimum and maximum replica counts defined", uses=("deploy",))
def paas_replica_bounds(ctx: Context) -> Verdict:
    """The autoscaling bounds a PaaS config sets: a minimum of at least 2, a maximum above it."""
    return run_judges(ctx, {p: _bounded for p in ("fly", "render", "appengine")}, "replica bounds")


def _scales(app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]) -> None:
    bounds = _bounds(app, problems)
    if bounds is None:
        unsure.append(f"{app.where} app {app.name} sets no scaling")
        return
    low, high, how = bounds
    shown = f"{app.where} app {app.name}: {how}"
    if high is not None and high <= low:
        problems.append(f"{shown} ({low}..{high} is a fixed count, not autoscaling)")
    else:
        checked.append(shown)


def _bounded(app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]) -> None:
    bounds = _bounds(app, problems)
    if bounds is None:
        unsure.append(f"{app.where} app {app.name} sets no scaling")
        return
    low, high, how = bounds
    shown = f"{app.where} app {app.name}: {how}"
    if low < 2:
        problems.append(f"{shown} (minimum {low} < 2: one failure takes the app down)")
    elif high is None:
        unsure.append(f"{shown} (the maximum is not in the repository)")
    elif high <= low:
        problems.append(f"{shown} (maximum {high} is not above the minimum {low})")
    else:
        checked.append(shown)


def _bounds(app: PaasApp, problems: list[str]) -> Bounds:
    if app.platform == "fly":
        return _fly_bounds(app, problems)
    if app.platform == "render":
        return _render_bounds(app, problems)
    return _gae_bounds(app, problems)


def _fly_bounds(app: PaasApp, problems: list[str]) -> Bounds:
    conf = as_map(app.config.get("http_service")) or next(
        (as_map(s) for s in as_list(app.config.get("services"))), {}
    )
    stop = conf.get("auto_stop_machines")
    low = as_int(conf.get("min_machines_running"), 0)
    if stop is None:
        return None if "min_machines_running" not in conf else (low, None, _fly_how(conf))
    if stop in (False, "off") or conf.get("auto_start_machines") is False:
        problems.append(f"{app.where} app {app.name}: auto_stop_machines = {stop!r}, "
                        f"auto_start_machines = {conf.get('auto_start_machines')!r}: a fixed "
                        "set of machines")  # fmt: skip
        return None
    return low, None, _fly_how(conf)


def _fly_how(conf: Mapping[str, Any]) -> str:
    return (f"auto_stop_machines = {conf.get('auto_stop_machines')!r}, "
            f"min_machines_running = {conf.get('min_machines_running', 0)}")  # fmt: skip


def _render_bounds(app: PaasApp, problems: list[str]) -> Bounds:
    if str(app.config.get("type") or "") not in ("web", "pserv", "worker") or static_site(app):
        return None
    scaling = as_map(app.config.get("scaling"))
    if scaling:
        low, high = as_int(scaling.get("minInstances"), 1), as_int(scaling.get("maxInstances"), 1)
        return low, high, f"scaling minInstances {low}, maxInstances {high}"
    count = as_int(app.config.get("numInstances"), 1)
    source = "numInstances" if "numInstances" in app.config else "Render's default"
    return count, count, f"no scaling: a fixed {count} instance(s) ({source})"


def _gae_bounds(app: PaasApp, problems: list[str]) -> Bounds:
    if "manual_scaling" in app.config:
        count = as_int(as_map(app.config["manual_scaling"]).get("instances"), 1)
        return count, count, f"manual_scaling instances {count}"
    for key, low_key, high_key in (
        ("automatic_scaling", "min_instances", "max_instances"),
        ("automatic_scaling", "min_num_instances", "max_num_instances"),
        ("basic_scaling", "", "max_instances"),
    ):
        conf = as_map(app.config.get(key))
        if conf and (low_key in conf or high_key in conf):
            low = as_int(conf.get(low_key), 0)
            high = as_int(conf.get(high_key), 0) if high_key in conf else None
            return low, high, f"{key} {low_key or 'minimum'} {low}, {high_key} {high}"
    return None
