"""The default locust user: FastHttpUser hitting the planned requests by weight.

Imported only inside the locust child process (it imports locust, which imports
gevent and monkey-patches the standard library).  The user class is built from the
plan's ``requests`` so the same function serves the single-process run, local
workers and remote workers (through ``locustfile.py`` beside this module).
"""

from __future__ import annotations

from typing import Any

import certifi
import gevent.ssl
from locust import FastHttpUser, between

__all__ = ["build_user_classes", "load_user_classes"]


def build_user_classes(spec: dict[str, Any]) -> list[type[FastHttpUser]]:
    """One FastHttpUser class whose tasks are the plan's requests, by weight."""
    tasks = {_request_task(r): int(r["weight"]) for r in spec["requests"] if r["weight"] > 0}
    low, high = spec["wait"]
    attrs = {
        "host": spec["host"],
        "wait_time": between(float(low), float(high)),
        "tasks": tasks,
        "network_timeout": float(spec["timeout_s"]),
        "connection_timeout": float(spec["timeout_s"]),
        "insecure": False,
        "ssl_context_factory": staticmethod(_context_factory(spec.get("ca_bundle"))),
    }
    return [type("ReadyUser", (FastHttpUser,), attrs)]


def load_user_classes(spec: dict[str, Any]) -> list[type[Any]]:
    """The team's locustfile classes when the plan names one, else the default user."""
    if not spec.get("locustfile"):
        return build_user_classes(spec)
    from locust.util.load_locustfile import load_locustfile

    classes, _shapes = load_locustfile(spec["locustfile"])
    if not classes:
        raise SystemExit(f"no User class found in locustfile {spec['locustfile']}")
    for cls in classes.values():
        if not getattr(cls, "host", None):
            cls.host = spec["host"]
    return list(classes.values())


def _request_task(request: dict[str, Any]) -> Any:
    method, path, name = request["method"], request["path"], request["name"]
    expect = request.get("expect_status")
    options: dict[str, Any] = {"headers": request.get("headers") or None}
    if request.get("json") is not None:
        options["json"] = request["json"]

    def run(user: FastHttpUser) -> None:
        if expect is None:  # locust's own rule: errors and statuses >= 400 fail
            user.client.request(method, path, name=name, **options)
            return
        with user.client.request(
            method, path, name=name, catch_response=True, **options
        ) as response:
            # Connection errors (status 0) stay unmarked: locust reports the exception.
            if response.status_code and response.status_code != expect:
                response.failure(f"status {response.status_code}, expected {expect}")

    run.__name__ = name
    return run


def _context_factory(ca_bundle: str | None) -> Any:
    """Trust as in the parent: system roots (certifi) plus the environment's bundle."""

    def factory(*_args: Any, **_kwargs: Any) -> gevent.ssl.SSLContext:
        context = gevent.ssl.create_default_context(cafile=certifi.where())
        if ca_bundle:
            context.load_verify_locations(cafile=ca_bundle)
        return context

    return factory
