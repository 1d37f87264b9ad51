"""The one HTTP(S) access every probe family uses: trusted, scoped, bounded, sanitized.

:func:`http_client` returns an ``httpx.Client`` whose transport (:mod:`.bounded`)
enforces, for every request it sends (each redirect hop included):

- **scope**: the URL's host and port must be an origin named by a URL setting of the
  selected environment (``base_url``, ``http_url``, ``metrics_url``...), or a host
  listed in ``hosts``; credentials in the URL only where a setting names them.  Out of
  scope is a :class:`~pytest_biothings_ready.errors.ProbeError` naming the URL and the
  setting that built it, and nothing is sent;
- **redirects**: never followed to another origin; every credential header of every
  configured kind (:func:`credential_headers`) is dropped on any followed redirect;
- **bounds**: a response body of at most ``max_body_bytes`` (default 10 MiB) and one
  total deadline per request (the client's timeout, default ``timeout_s``) that stops
  the download when it passes;
- **one wording**: transport failures become ProbeError ``METHOD URL: reason; check
  `setting``` in one place (:func:`explain`); header values are never echoed.

:func:`sanitize` strips terminal escapes and control characters from target text
before it reaches evidence.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_biothings_ready.config.schema import Key, keys, register
from pytest_biothings_ready.errors import ProbeError

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = [
    "DEFAULT_MAX_BODY",
    "USER_AGENT",
    "Scope",
    "credential_headers",
    "fetch",
    "http_client",
    "sanitize",
    "setting_for",
    "ssl_context",
]

USER_AGENT = "pytest-biothings-ready"
DEFAULT_MAX_BODY = 10 * 1024 * 1024

register(
    Key(
        "max_body_bytes",
        "int",
        "Largest response body any probe reads, bytes; a larger one is an error.",
        DEFAULT_MAX_BODY,
    )
)

# Sent by some probe or configurable anywhere: never carried across a redirect.
_ALWAYS_CREDENTIALS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token"}
)
_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


def ssl_context(env: Environment) -> ssl.SSLContext:
    """A verifying client context: system roots (certifi) plus the env's ``ca_bundle``."""
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    bundle = env.get("ca_bundle")
    if bundle:
        path = env.path(str(bundle))
        try:
            context.load_verify_locations(cafile=str(path))
        except (OSError, ssl.SSLError) as exc:
            raise ProbeError(f"cannot load ca_bundle {path}: {exc}; check `ca_bundle`") from None
    return context


def http_client(env: Environment, **options: Any) -> httpx.Client:
    """An httpx client on the bounded, scoped transport, trusting the environment's CAs.

    ``options`` are ``httpx.Client`` options (``base_url``, ``headers``, ``timeout``,
    ``limits``, ``verify``...); ``headers`` are added to the plugin's User-Agent, not
    instead of it.  ``extra_hosts`` adds hosts (any port) to the scope for this client.
    """
    from pytest_biothings_ready.evidence.bounded import build_client

    return build_client(env, options)


def fetch(
    env: Environment, method: str, url: str, *, setting: str = "", **options: Any
) -> httpx.Response:
    """One request on a fresh bounded client; the response with its body read.

    ``setting`` names the setting that built ``url``, for messages; ``options`` are
    ``request`` options (``headers``, ``params``, ``json``...).
    """
    client_options = {k: options.pop(k) for k in ("timeout", "extra_hosts") if k in options}
    extensions = {"ready_setting": setting} if setting else None
    with http_client(env, **client_options) as client:
        return client.request(method, url, extensions=extensions, **options)


@dataclass(frozen=True)
class Scope:
    """Where an environment lets the plugin send traffic.

    Attributes:
        origins: ``(host, port)`` pairs named by URL settings (and ``http_url``).
        hosts: hosts in scope on every port (``hosts``, and ``extra_hosts``).
        userinfo: ``user@host:port`` authorities a URL setting spells out.
    """

    origins: frozenset[tuple[str, int]]
    hosts: frozenset[str]
    userinfo: frozenset[str]

    @classmethod
    def of(cls, env: Environment, extra_hosts: Iterable[str] = ()) -> Scope:
        """The scope of ``env``: its URL settings, ``http_url`` and ``hosts``."""
        derived = _http_url(env)
        urls = [*_url_settings(env), *([derived] if derived else [])]
        origins = {o for o in map(origin, urls) if o}
        authorities = {_netloc(u) for u in urls if "@" in _netloc(u)}
        hosts = {str(h).lower().strip("[]") for h in [*_get(env, "hosts"), *extra_hosts]}
        return cls(frozenset(origins), frozenset(hosts), frozenset(authorities))

    def refusal(self, url: str) -> str | None:
        """Why ``url`` is out of scope, or None when it is in."""
        where = origin(url)
        if where is None:
            return "it is not an absolute http(s) URL"
        if "@" in _netloc(url) and _netloc(url) not in self.userinfo:
            return "it carries credentials or an '@' in its authority that no setting names"
        if where in self.origins or where[0] in self.hosts:
            return None
        return f"{where[0]}:{where[1]} is not a host and port this environment names"


def origin(url: str) -> tuple[str, int] | None:
    """``(host, port)`` of an absolute http(s)/ws(s) URL, default ports filled in."""
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return parts.hostname.lower(), port


def credential_headers(env: Environment) -> frozenset[str]:
    """Lower-cased names of every header that may carry a credential in ``env``.

    ``Authorization``, ``Cookie``, ``X-Api-Key`` and friends, every header named by a
    ``*header`` setting (``auth.header``, ``llm.key_header``) and every header set in a
    ``*headers`` table (``monitoring.prometheus_headers``, smoke and journey headers).
    """
    names = set(_ALWAYS_CREDENTIALS)
    for key, value in _flat(env.settings):
        parts = re.sub(r"\[\d+\]", "", key).split(".")
        if parts[-1].endswith("header") and isinstance(value, str):
            names.add(value.lower())
        elif len(parts) > 1 and parts[-2].endswith("headers"):
            names.add(parts[-1].lower())
    for name, declared in keys().items():
        if name.endswith("header") and isinstance(declared.default, str):
            names.add(declared.default.lower())
    return frozenset(names)


def setting_for(env: Environment, url: str, near: str = "") -> str | None:
    """The setting whose value most likely built ``url``: the longest value found in it.

    Values that contain ``near`` (the offending part of the URL) are preferred.
    """
    derived = _http_url(env)
    if derived and origin(derived) == origin(url) and url.startswith("http:"):
        explicit = _get_str(env, "http_url")
        if not explicit or url.startswith(explicit.rstrip("/")):
            return "http_url"
    best: tuple[bool, int, str] | None = None
    for key, value in _flat(env.settings):
        text = value.strip() if isinstance(value, str) else ""
        if len(text) > 1 and text in url:
            rank = (bool(near) and near.lower() in text.lower(), len(text), key)
            best = rank if best is None or rank[:2] > best[:2] else best
    return best[2] if best else None


_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def sanitize(text: str, *, newlines: bool = False) -> str:
    """``text`` from a target, safe for evidence, terminals and reports.

    Removes ANSI/OSC escape sequences, control characters and bidi overrides, replaces
    lone surrogates with U+FFFD; tabs become spaces and, unless ``newlines``, so do
    line breaks.
    """
    text = _SURROGATES.sub("\ufffd", _ESCAPES.sub("", str(text)))
    text = text.replace("\t", " ").replace("\r\n", "\n")
    if not newlines:
        text = text.replace("\n", " ")
    return _CONTROLS.sub("", text)


def _http_url(env: Environment) -> str | None:
    try:
        return env.http_url
    except ValueError:  # a malformed base_url: nothing derived from it is in scope
        return None


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def _url_settings(env: Environment) -> Iterator[str]:
    for name, key in keys().items():
        if key.kind == "url" or (key.kind in ("list", "map") and key.values == "url"):
            value = _dig(env.settings, name)
            if isinstance(value, str):
                yield value
            elif isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            elif isinstance(value, Mapping):
                yield from (v for v in value.values() if isinstance(v, str))


def _flat(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted key, value)`` for every leaf of the settings, tables as ``key[i]``."""
    if isinstance(node, Mapping):
        for name, value in node.items():
            yield from _flat(value, f"{prefix}.{name}" if prefix else str(name))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _flat(value, f"{prefix}[{index}]")
    else:
        yield prefix, node


def _dig(settings: Mapping[str, Any], key: str) -> Any:
    node: Any = settings
    for part in key.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _get(env: Environment, key: str) -> list[Any]:
    value = _dig(env.settings, key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _get_str(env: Environment, key: str) -> str:
    value = _dig(env.settings, key)
    return value if isinstance(value, str) else ""
