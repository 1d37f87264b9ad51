"""The state of one readiness run: configuration, checklist, attestations, verdicts.

Built once in ``pytest_configure`` (so every usage error surfaces before a test
runs); the evidence store and, for ``demo``, the bundled service start lazily when
the first checklist item runs, so collection stays fast and xdist workers that run
no checklist item never probe.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_biothings_ready._version import __version__
from pytest_biothings_ready.checklist.model import Checklist, ChecklistItem
from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.config.attestations import Attestations, load_attestations
from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.config.load import (
    ConfigFile,
    find_config,
    load_environment,
    read_config,
)
from pytest_biothings_ready.deploy.resolve import with_discovery
from pytest_biothings_ready.errors import ConfigError
from pytest_biothings_ready.evidence.registry import checks_for
from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.governance import Governance
from pytest_biothings_ready.redact import Redactor
from pytest_biothings_ready.verdicts.engine import Judge

__all__ = ["DEMO", "Options", "ReadySession"]

DEMO = "demo"


@dataclass(frozen=True)
class Options:
    """The command-line options of a run (see plugin.py for their help)."""

    env: str
    config: str | None = None
    checklist: str | None = None
    attestations: str | None = None
    report: str | None = None
    allow_unverified: bool = False
    compare: str | None = None
    bundle: str | None = None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(repr=False)
class ReadySession:
    """Everything a readiness run knows; see the module docstring."""

    options: Options
    config: ConfigFile
    checklist: Checklist
    attestations: Attestations
    env: Environment | None
    announce: Callable[[str], None] = print
    started_at: str = field(default_factory=_now)
    finished_at: str = ""
    governance: Governance = field(default_factory=Governance)
    judge: Judge = field(init=False)
    _store: EvidenceStore | None = None
    _demo: Any = None
    _redactor: tuple[Environment | None, Redactor] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.judge = Judge(self.checklist, self.options.env, self.attestations, self.store)

    def __repr__(self) -> str:
        return f"<ReadySession env={self.options.env!r} (values hidden)>"

    @classmethod
    def build(cls, options: Options, cwd: Path) -> ReadySession:
        """Load and validate everything; raises ConfigError."""
        demo = options.env == DEMO
        config = read_config(None if demo else find_config(options.config, cwd))
        if not demo and config.path is None:
            raise ConfigError(
                f"--ready-env={options.env}: no readiness.toml (or [tool.biothings-ready] in "
                f"pyproject.toml) in {cwd}; create one (docs/configuration.md) or pass "
                "--ready-config=PATH. Try --ready-env=demo to see the suite run."
            )
        checklist = load_checklist(_checklist_path(options, config, cwd))
        attestations = load_attestations(
            _attestations_path(options, config, cwd, demo), checklist, dt.date.today()
        )
        env = None if demo else with_discovery(load_environment(config, options.env))
        governance = Governance.load(
            config.ready("policy"),
            f"{config.path or 'readiness.toml'} [ready.policy]",
            checklist,
            attestations,
            options.env,
            cwd / options.compare if options.compare else None,
        )
        return cls(options, config, checklist, attestations, env, governance=governance)

    @property
    def redact(self) -> Redactor:
        """The masker of this run's secrets (rebuilt once the demo's env exists)."""
        if self._redactor is None or self._redactor[0] is not self.env:
            env = self.env
            pairs = env.credential_pairs() if env else []
            self._redactor = (env, Redactor(env.secrets if env else (), pairs))
        return self._redactor[1]

    def environment(self) -> Environment:
        """The environment; for ``demo`` this starts the bundled service."""
        with self._lock:
            if self.env is None:
                self.env = self._start_demo()
            return self.env

    def store(self) -> EvidenceStore:
        """The session's evidence store (created on first use)."""
        env = self.environment()
        with self._lock:
            if self._store is None:
                self._store = EvidenceStore(env)
            return self._store

    @property
    def started_store(self) -> EvidenceStore | None:
        """The evidence store if the run created one (never creates it, for the bundle)."""
        return self._store

    def prefetch(self, items: Iterable[ChecklistItem]) -> None:
        """Start, concurrently, every gatherer the given items' checks use."""
        names = {name for item in items for check in checks_for(item) for name in check.uses}
        self.store().prefetch(sorted(names))

    def targets(self) -> str:
        """The hosts this run may send traffic to, for the record."""
        if self.env is None:
            return "127.0.0.1 (bundled demo service)" if self.options.env == DEMO else ""
        return ", ".join(self.env.hosts())

    def suite_properties(self) -> list[tuple[str, str]]:
        """The testsuite properties of the sign-off record (SPEC)."""
        deployment = self.attestations.deployment
        props = [
            ("ready_env", self.options.env),
            ("ready_targets", self.targets()),
            ("ready_plugin_version", __version__),
            ("ready_checklist", _checklist_name(self.checklist.path)),
            ("ready_checklist_sha256", self.checklist.sha256),
            ("ready_config_sha256", self.config.sha256),
            ("ready_attestations_sha256", self.attestations.sha256),
            ("ready_started_at", self.started_at),
            ("ready_finished_at", self.finished_at or _now()),
        ]
        props += [(f"ready_deployment_{key}", value) for key, value in deployment.items()]
        return props + self.governance.suite_properties()

    def close(self) -> None:
        """Stop the demo service, if this session started it."""
        self.finished_at = self.finished_at or _now()
        demo, self._demo = self._demo, None
        if demo is not None:
            demo.stop()

    def _start_demo(self) -> Environment:
        from pytest_biothings_ready.demo.service import DemoService

        demo = DemoService()
        self._demo = demo
        settings = demo.start()
        env = load_environment(ConfigFile(None, {"env": {DEMO: settings}}, ""), DEMO)
        self.announce(f"biothings-ready: demo service started at {settings['base_url']}")
        return env


def _checklist_name(path: Path) -> str:
    return f"builtin:{path.name}" if path == BUILTIN else str(path)


def _checklist_path(options: Options, config: ConfigFile, cwd: Path) -> Path:
    chosen = options.checklist or config.ready("checklist") or "builtin"
    if chosen == "builtin":
        return BUILTIN
    base = cwd if options.checklist else config.root
    path = Path(str(chosen)).expanduser()
    return path if path.is_absolute() else base / path


def _attestations_path(options: Options, config: ConfigFile, cwd: Path, demo: bool) -> Path | None:
    if options.attestations:
        path = cwd / Path(options.attestations).expanduser()
        if not path.is_file():
            raise ConfigError(f"--ready-attestations: {path} does not exist")
        return path
    if demo:
        return None
    named = config.ready("attestations")
    if named:
        path = config.root / str(named)
        if not path.is_file():
            raise ConfigError(f"{config.path} [ready] attestations: {path} does not exist")
        return path
    default = cwd / "attestations.toml"
    return default if default.is_file() else None
