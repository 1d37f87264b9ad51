"""The active-traffic announcement: what a run sends, per target, before any probe."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.catalog import HEADER
from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.evidence.registry import gatherers
from pytest_biothings_ready.evidence.traffic import (
    DESCRIBERS,
    RULES,
    announcement,
    planned_traffic,
    render_doc,
)
from tests.core.conftest import closed_port

BASE = "https://127.0.0.1:8443"
ALL = list(DESCRIBERS)


def env(**settings: Any) -> Environment:
    return Environment("staging", {"base_url": BASE, "health_path": "/health", **settings})


def is_burst(text: str, requests: int, path: str, seconds: float) -> bool:
    """``text`` announces a burst of ``requests`` GETs to ``path`` over ``seconds``.

    The wording is the rate-limit family's; only its facts are checked.
    """
    facts = (f"up to {requests} GET", path, f"{seconds:g} s")
    return all(fact in text for fact in facts)


def kinds(environment: Environment, names: list[str] = ALL) -> list[str]:
    return [t.kind for t in planned_traffic(environment, names)]


def test_nothing_is_announced_for_a_reading_only_environment() -> None:
    assert announcement(env(), ALL) == []


def test_burst_is_announced_only_with_a_rate_limit_table() -> None:
    assert "burst" not in kinds(env())
    (burst,) = planned_traffic(env(rate_limit={"path": "/api/search"}), ["ratelimit"])
    assert burst.target == BASE
    assert is_burst(burst.detail, 300, "/api/search", 5)


def test_burst_defaults_to_the_health_path_and_counts_from_the_table() -> None:
    table = {"requests": 40, "seconds": 2.0, "concurrency": 4}
    (burst,) = planned_traffic(env(rate_limit=table), ["ratelimit"])
    assert is_burst(burst.detail, 40, "/health", 2)


def test_production_without_permission_announces_no_burst_and_no_load() -> None:
    tables: dict[str, Any] = {"rate_limit": {}, "load": {"users": 5}, "production": True}
    assert kinds(env(**tables), ["ratelimit", "load"]) == []
    allowed = env(**tables, allow_load_in_production=True)
    assert kinds(allowed, ["ratelimit", "load"]) == ["burst", "load"]


def test_load_runs_are_announced_with_users_and_durations() -> None:
    loaded = env(load={"users": 20, "duration_s": 30.0, "soak_s": 600.0})
    details = [t.detail for t in planned_traffic(loaded, ["load", "load-stress", "load-soak"])]
    assert details == [
        "20 users for 30 s (expected traffic)",
        "stress ramp, 4 steps of 30 s up to 80 users, then 10 s at 20 users",
        "soak, 20 users for 600 s",
    ]
    assert kinds(env(), ["load", "load-stress", "load-soak", "load-failover"]) == []


def test_failover_is_announced_only_with_both_hooks() -> None:
    load = {"users": 5}
    assert kinds(env(load=load), ["load-failover"]) == []
    hooks = {"out_command": ["true"], "restore_command": ["true"]}
    (run,) = planned_traffic(env(load=load, failover=hooks), ["load-failover"])
    assert run.detail.startswith("failover, 5 users for 30 s; one backend taken out at 5 s")


def test_baseline_announces_the_expected_load_run_once() -> None:
    loaded = env(load={"users": 3})
    assert len(planned_traffic(loaded, ["load", "load-baseline"])) == 1


def test_synthetic_alert_follows_send_test_alert_and_production() -> None:
    url = "http://127.0.0.1:9093"
    (alert,) = planned_traffic(env(alertmanager_url=url), ["alertmanager-test-alert"])
    assert alert.target == url and "1 test alert" in alert.detail
    assert kinds(env(alertmanager_url=url, production=True)) == []
    assert kinds(env(alertmanager_url=url, monitoring={"send_test_alert": False})) == []
    assert kinds(env(), ["alertmanager-test-alert"]) == []  # no alertmanager_url


def test_logins_are_announced_for_the_login_path_and_role_rows() -> None:
    roles = [{"name": "a", "username": "u", "path": "/x", "expect_status": 200},
             {"name": "b", "token": "t", "path": "/x", "expect_status": 403}]  # fmt: skip
    auth = {"login_path": "/login", "protected_path": "/me", "username": "u", "password": "p"}
    details = [t.detail for t in planned_traffic(env(auth=auth, roles=roles), ["auth", "roles"])]
    assert details == [
        "2 logins POST /login (one with a made-up password, to be refused)",
        "1 role logins POST /login (role matrix)",
    ]
    token_only = {"token": "t", "protected_path": "/me"}
    assert kinds(env(auth=token_only), ["auth"]) == []


def test_announcement_groups_traffic_per_target() -> None:
    both = env(rate_limit={}, alertmanager_url="http://127.0.0.1:9093")
    lines = announcement(both, ["ratelimit", "alertmanager-test-alert"])
    assert lines[0] == "biothings-ready: active traffic this run sends (docs/active-traffic.md):"
    assert lines[1] == f"  {BASE}" and lines[2].startswith("    burst: ")
    assert is_burst(lines[2], 300, "/health", 5)
    assert lines[3] == "  http://127.0.0.1:9093"
    assert lines[4].startswith("    synthetic alert: 1 test alert")


def test_every_traffic_generating_gatherer_has_a_describer() -> None:
    registry = gatherers()
    exclusive = {name for name, g in registry.items() if g.exclusive}
    assert exclusive <= set(DESCRIBERS)
    assert set(DESCRIBERS) <= set(registry)
    assert {kind for kind, _ in DESCRIBERS.values()} == set(RULES)


RATE_LIMITED = "rate_limit = { requests = 20, seconds = 1.0 }"


def test_run_announces_its_burst_before_the_first_probe(pytester: pytest.Pytester) -> None:
    write(pytester, RATE_LIMITED)
    outcome = pytester.runpytest("--ready-env=staging")
    text = outcome.stdout.str()
    announced = text.index("biothings-ready: active traffic this run sends")
    assert text.index("collected 2 items") < announced < text.index("checklist.md ")
    assert text.count("active traffic this run sends") == 1
    assert is_burst(
        next(line for line in outcome.outlines if "burst:" in line), 20, "/api/health", 1
    )


def test_run_without_active_lines_selected_announces_nothing(pytester: pytest.Pytester) -> None:
    write(pytester, RATE_LIMITED)
    outcome = pytester.runpytest("--ready-env=staging", "-k", "pager")
    assert "active traffic" not in outcome.stdout.str()


def test_collect_only_announces_nothing(pytester: pytest.Pytester) -> None:
    write(pytester, RATE_LIMITED)
    assert "active traffic" not in pytester.runpytest("--ready-env=staging", "--co").stdout.str()


def write(pytester: pytest.Pytester, env_extra: str) -> None:
    pytester.makefile(
        ".md", checklist="### Ops\n- [ ] Rate limiting is enabled\n- [ ] Pager works\n"
    )
    pytester.makefile(
        ".toml",
        readiness=textwrap.dedent(f"""\
        [ready]
        checklist = "checklist.md"
        timeout_s = 0.5
        [env.staging]
        base_url = "https://127.0.0.1:{closed_port()}"
        {env_extra}
    """),
    )


DOCS = Path(__file__).resolve().parents[2] / "docs"
GENERATED = {"checklist.md", "settings.md", "active-traffic.md"}
TRAFFIC = re.compile(r"\b(bursts?|load|stress|soak|failover|alert|logins?)\b", re.I)
GATE = re.compile(
    r"only (when|if)|unless `?allow_load_in_production|never (run )?where|(is|are) present"
    r"|except where|default (on|off)|refuses? (every|the|load)",
    re.I,
)


def prose_sentences(text: str) -> list[str]:
    """Sentences of the running text (code blocks and table rows left out)."""
    kept, fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        kept.append("" if fence or line.lstrip().startswith(("|", "```")) else line)
    sentences = []
    for paragraph in re.split(r"\n\s*\n", "\n".join(kept)):
        flat = " ".join(paragraph.split())
        sentences += re.split(r"(?<=[.!?:])\s+(?=[-*A-Z`(])", flat)
    return sentences


def test_active_traffic_doc_is_generated_from_the_code() -> None:
    committed = (DOCS / "active-traffic.md").read_text(encoding="utf-8")
    assert committed == HEADER + render_doc(), (
        "run `python -m pytest_biothings_ready.catalog --write docs`"
    )


def test_every_doc_states_when_traffic_is_sent_with_the_shared_sentence() -> None:
    docs = [p for p in DOCS.rglob("*.md") if p.name not in GENERATED]
    docs.append(DOCS.parent / "README.md")
    shared = set(RULES.values())
    divergent = [
        f"{path.relative_to(DOCS.parent)}: {sentence}"
        for path in docs
        for sentence in prose_sentences(path.read_text(encoding="utf-8"))
        if TRAFFIC.search(sentence) and GATE.search(sentence) and "imported" not in sentence
        and not any(rule in sentence for rule in shared) and "active-traffic.md" not in sentence
    ]  # fmt: skip
    assert divergent == [], "use the sentence of docs/active-traffic.md, or link to it"


def test_divergent_statement_would_be_caught() -> None:
    sentence = "Load and burst tests run only when their tables are present."
    assert TRAFFIC.search(sentence) and GATE.search(sentence)


def test_xdist_run_announces_its_burst_too(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    write(pytester, RATE_LIMITED)
    outcome = pytester.runpytest_subprocess("--ready-env=staging", "-n", "1")
    assert outcome.stdout.str().count("active traffic this run sends") == 1
    assert is_burst(
        next(line for line in outcome.outlines if "burst:" in line), 20, "/api/health", 1
    )
