"""Tracing decided from the deploy path: SDK, instrumentation and an exporter whose
endpoint is a tracing backend deployed in the same stack."""

from __future__ import annotations

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.checks import no_api
from pytest_biothings_ready.probes.repository.corsjudge import resolve
from pytest_biothings_ready.probes.repository.exposure import Api, apis
from pytest_biothings_ready.probes.repository.gather import Repository
from pytest_biothings_ready.probes.repository.outcome import decide, elsewhere, undecided
from pytest_biothings_ready.probes.repository.urls import host_of, is_address

__all__ = ["tracing_backend", "tracing_configured"]

BACKENDS = frozenset({"jaeger", "all-in-one", "jaeger-collector", "tempo", "zipkin", "signoz",
                      "opentelemetry-collector", "opentelemetry-collector-contrib",
                      "otel-collector", "otelcol", "otelcol-contrib", "uptrace"})  # fmt: skip
ENDPOINT_VARS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def _endpoint(api: Api, detail: object) -> tuple[str, str]:
    """(endpoint URL, where it came from); "" when nothing names one."""
    if detail:
        values, note = resolve(detail, api)
        if values:
            return values[0], note.strip(" ()") or "the code"
    env = api.service.environment
    for name in ENDPOINT_VARS:
        if env.get(name) and "${" not in env[name]:
            return env[name], f"{name} in {api.service.stack}"
    return "", ""


def _auto(api: Api) -> bool:
    """``opentelemetry-instrument`` wraps the command: SDK and instrumentation from env."""
    return "opentelemetry-instrument" in api.service.command


@check("OpenTelemetry configured for request tracing", uses=("repository",))
def tracing_configured(ctx: Context) -> Verdict:
    """Every deployed API sets up the OpenTelemetry SDK, instruments its framework and
    exports to a tracing backend (Jaeger, Tempo, Zipkin, a collector) of its stack."""
    repo: Repository = ctx.evidence("repository")
    found = apis(repo)
    if not found:
        return no_api(repo)
    problems: list[str] = []
    checked: list[str] = []
    for api in found:
        _trace(api, problems, checked)
    return decide(problems, checked, "requests are not traced", repo.not_deployed())


def _trace(api: Api, problems: list[str], checked: list[str]) -> None:
    kinds = {f.what for f in api.code.tracing}
    if _auto(api):
        kinds |= {"sdk", "instrumentation"}
    missing = [k for k in ("sdk", "instrumentation") if k not in kinds]
    if missing:
        problems.append(f"{api.name} has no OpenTelemetry {' or '.join(missing)} in its code")
        return
    exporters = [f for f in api.code.tracing if f.what == "exporter"]
    endpoint, source = _endpoint(api, exporters[0].detail if exporters else "")
    if not exporters and not _auto(api):
        problems.append(f"{api.name} creates no span exporter: spans never leave the process")
        return
    host = host_of(endpoint) if endpoint else "localhost"
    names = {s.name: s for s in api.stack.services}
    if host in names and names[host].family in BACKENDS:
        checked.append(
            f"{api.name} exports to {endpoint} ({source}), {host} runs {names[host].image}"
        )
    elif host in ("localhost", "127.0.0.1") or (host not in names and not is_address(host)):
        problems.append(f"{api.name} exports to {endpoint or 'the default localhost:4317'} "
                        f"({source or 'no endpoint set'}), where no tracing backend "
                        f"of {api.stack.file} runs")  # fmt: skip
    elif host in names:
        problems.append(
            f"{api.name} exports to {endpoint}, but {host} runs "
            f"{names[host].image or 'a built image'}, not a tracing backend"
        )
    else:
        checked.append(f"{api.name} exports to external {endpoint} ({source})")


@check("Jaeger or similar tracing backend set up", uses=("repository",))
def tracing_backend(ctx: Context) -> Verdict:
    """A deployed stack runs Jaeger, Tempo, Zipkin or a collector that an API exports to."""
    repo: Repository = ctx.evidence("repository")
    if skip := repo.no_stacks():
        return skip
    backends = [(st, s) for st in repo.stacks for s in st.services if s.family in BACKENDS]
    keys = ("monitoring.jaeger_url", "monitoring.otlp_endpoint")
    if not backends and (external := elsewhere(ctx.env, "the tracing backend", *keys)):
        return external
    if not backends:  # a managed tracing backend is common: absence is not a finding
        stacks = ", ".join(s.file for s in repo.stacks)
        return undecided(
            "no tracing backend (Jaeger, Tempo, Zipkin, collector) in the deployed stacks "
            f"({stacks}).{repo.not_deployed()}"
        )
    used = []
    for api in apis(repo):
        endpoint, _ = _endpoint(
            api, next((f.detail for f in api.code.tracing if f.what == "exporter"), "")
        )
        if endpoint and any(host_of(endpoint) == s.name and st is api.stack for st, s in backends):
            used.append(f"{api.name} -> {endpoint}")
    shown = ", ".join(f"{s.name} ({s.image}, {st.file})" for st, s in backends)
    if not used:
        return Verdict.failed(
            f"{shown} deployed, but no API exports spans to it.{repo.not_deployed()}"
        )
    return decide([], [f"{shown}; {'; '.join(used)}"], "", repo.not_deployed())
