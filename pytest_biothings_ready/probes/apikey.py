"""The LLM API key: set, and accepted by a models-list call.

The key comes from ``llm.api_key`` or else ``secrets.GOOGLE_API_KEY`` (both usually
``${GOOGLE_API_KEY}``; an unset variable makes the item ``error`` naming it).  It is
sent as the ``x-goog-api-key`` header to ``llm.base_url`` + ``llm.models_path``,
never in the query string, so it appears in no URL, evidence or exception.

Scope: the LLM API is a third-party host.  The plugin calls it only when the
environment names it, either by setting ``llm.base_url`` explicitly or by listing
its host in ``hosts``; the built-in default (Google's generative language API) is
never called just because it is the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.auth.headers import fingerprint, header_problem, scrub

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["DEFAULT_BASE_URL", "ApiKeyReport", "MalformedKey"]

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta"

register(
    Key(
        "llm.api_key",
        "str",
        "LLM API key, usually ${GOOGLE_API_KEY}; default: secrets.GOOGLE_API_KEY.",
        family="apikey",
    ),
    Key(
        "llm.base_url",
        "url",
        "LLM API base URL; called only when set here or its host is in hosts.",
        DEFAULT_BASE_URL,
        family="apikey",
    ),
    Key(
        "llm.models_path", "str", "Models-list path below llm.base_url.", "/models", family="apikey"
    ),
    Key("llm.key_header", "str", "Header that carries the key.", "x-goog-api-key", family="apikey"),
)


@dataclass(frozen=True)
class ApiKeyReport:
    """The answer of the models-list call.

    Attributes:
        source: the setting the key came from.
        url: the models-list URL (the key is never part of it).
        status: the HTTP status.
        models: number of models listed (None: no models list in the answer).
        reason: the API's error status/reason, when it gave one (redacted).
        decoy_status: status of the same call with a made-up key of the same shape
            (None when not sent: the real key was not accepted).
        decoy_models: models the made-up key was shown (None: no models list).
    """

    source: str
    url: str
    status: int
    models: int | None
    reason: str = ""
    decoy_status: int | None = None
    decoy_models: int | None = None

    @property
    def decoy_accepted(self) -> bool:
        """The made-up key got a models list too: the endpoint does not check keys."""
        return self.decoy_status == 200 and self.decoy_models is not None


def _key(env: Environment) -> tuple[str, str]:
    """(setting name, key); MissingVariable/NotConfigured when there is none."""
    for name in ("llm.api_key", "secrets.GOOGLE_API_KEY"):
        value = env.get(name)
        if value is not None:
            return name, str(value)
    raise NotConfigured(
        "secrets.GOOGLE_API_KEY",
        env.name,
        'e.g. secrets = { GOOGLE_API_KEY = "${GOOGLE_API_KEY}" }',
    )


def _base_url(env: Environment) -> str:
    """``llm.base_url`` if the environment names it (scope rule), else NotConfigured."""
    llm = env.settings.get("llm")
    base = str(env.get("llm.base_url"))
    explicit = isinstance(llm, Mapping) and "base_url" in llm
    if not explicit and urlsplit(base).hostname not in env.hosts():
        raise NotConfigured(
            "llm.base_url",
            env.name,
            f'the plugin calls only hosts the environment names; set llm.base_url = "{base}" '
            "to allow the models-list call",
        )
    return base.rstrip("/")


@dataclass(frozen=True)
class MalformedKey:
    """A key no HTTP client can send (a trailing newline from ``$(cat file)``...).

    Attributes:
        source: the setting the key came from.
        problem: what is wrong (``ends with a line feed (\\n)``).
        fingerprint: length and SHA-256 prefix of the key, never the key.
    """

    source: str
    problem: str
    fingerprint: str


@gatherer("apikey")
def gather_api_key(ctx: Context) -> ApiKeyReport | MalformedKey | str:
    """Call the models list with the key; the setting's name when the key is empty."""
    from pytest_biothings_ready.evidence.transport import http_client

    env = ctx.env
    source, key = _key(env)
    if not key.strip():
        return source
    problem = header_problem(key)
    if problem:
        return MalformedKey(source, problem, fingerprint(key))
    url = _base_url(env) + str(env.get("llm.models_path"))
    header = str(env.get("llm.key_header"))
    with http_client(env) as client:
        response = _call(client, url, header, key)
        models, reason = _read_answer(response)
        report = ApiKeyReport(source, url, response.status_code, models, scrub(reason, key))
        if response.status_code != 200 or models is None:
            return report
        decoy = _call(client, url, header, decoy_key(key))
    return replace(report, decoy_status=decoy.status_code, decoy_models=_read_answer(decoy)[0])


def decoy_key(key: str) -> str:
    """A random key shaped like ``key``: its first 4 characters (``AIza``), its length."""
    import secrets
    import string

    alphabet = string.ascii_letters + string.digits
    prefix = key[:4] if len(key) > 8 else ""
    made_up = prefix + "".join(secrets.choice(alphabet) for _ in range(len(key) - len(prefix)))
    return made_up if made_up != key else decoy_key(key)


def _call(client: httpx.Client, url: str, header: str, key: str) -> httpx.Response:
    import httpx

    try:
        return client.get(url, headers={header: key})
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise ProbeError(scrub(f"GET {url}: {type(exc).__name__}: {exc}", key)) from None


def _read_answer(response: httpx.Response) -> tuple[int | None, str]:
    """(models listed or None, the API's error status/reason)."""
    try:
        body: Any = response.json()
    except ValueError:
        return None, ""
    if not isinstance(body, dict):
        return None, ""
    models = body.get("models")
    error = body.get("error")
    reason = ""
    if isinstance(error, dict):
        reasons = [
            str(d.get("reason"))
            for d in error.get("details") or []
            if isinstance(d, dict) and d.get("reason")
        ]
        reason = " ".join(filter(None, [str(error.get("status") or ""), *reasons]))
    return (len(models) if isinstance(models, list) else None), reason


@check("GOOGLE_API_KEY is set and valid", uses=("apikey",))
def api_key_is_valid(ctx: Context) -> Verdict:
    """The LLM API key is set and the API's models list accepts it.

    The key (``llm.api_key``, else ``secrets.GOOGLE_API_KEY``) must be non-empty, and
    ``GET llm.base_url + llm.models_path`` with it must answer 200 with a models list;
    400/401/403 means the key was rejected.  The same call with a made-up key of the
    same shape must not get a models list: an endpoint that lists models for any key
    (a stub, an open proxy) cannot vouch for this one.
    """
    report: ApiKeyReport | MalformedKey | str = ctx.evidence("apikey")
    if isinstance(report, str):
        return Verdict.failed(f"The API key ({report}) is set but empty.")
    if isinstance(report, MalformedKey):
        return Verdict.failed(
            f"The API key ({report.source}, {report.fingerprint}) {report.problem}: no HTTP "
            "client can send it as a header, so the service cannot use it either; strip it "
            "where the variable is set."
        )
    why = f" ({report.reason})" if report.reason else ""
    if report.status in (400, 401, 403):
        return Verdict.failed(
            f"API key from {report.source} rejected: GET {report.url} answered "
            f"{report.status}{why}; expected 200 with a models list."
        )
    if report.status == 200 and report.decoy_accepted:
        return Verdict.failed(
            f"GET {report.url} answered 200 with a models list to the key from "
            f"{report.source} and also to a made-up key of the same shape "
            f"({report.decoy_status}, {report.decoy_models} models): the endpoint does not "
            "check keys, so its answer cannot show the key is valid; point llm.base_url "
            "at the real API."
        )
    if report.status != 200 or report.models is None:
        raise ProbeError(
            f"GET {report.url} answered {report.status}{why} without a models list: "
            "cannot tell whether the key is valid"
        )
    return Verdict.passed(
        f"API key from {report.source} accepted: GET {report.url} answered 200 with "
        f"{report.models} model{'' if report.models == 1 else 's'}; a made-up key of the "
        f"same shape was refused ({report.decoy_status})."
    )
