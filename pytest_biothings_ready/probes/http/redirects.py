"""One plain-HTTP URL: its redirect judged as a browser follows it, then followed.

A redirect passes when it is permanent (301/308), its ``Location`` (parsed by the
WHATWG rules, relative to the asked URL) names ``https``, the asked host or the
``base_url`` host, the ``base_url`` port, no credentials, the same path and query,
and the URL it names answers over HTTPS without sending the browser back to plain
HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.probes.http.client import fetch
from pytest_biothings_ready.probes.http.location import BrowserUrl, browser_url

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["REDIRECT_STATUSES", "RedirectAnswer", "ask_redirect", "judge_redirect"]

REDIRECT_STATUSES = (301, 308)


@dataclass(frozen=True)
class RedirectAnswer:
    """What one plain-HTTP URL answered, and where its redirect led.

    Attributes:
        url: the plain-HTTP URL asked.
        status: the HTTP status (None when it could not be asked).
        location: the ``Location`` header, if any.
        problem: why this is not a permanent redirect to the same path on HTTPS;
            None when it is (or when it could not be asked).
        error: why it (or its HTTPS target) could not be asked, else None.
        landed: the URL a browser requests next (WHATWG-resolved ``Location``).
        landed_status: what that HTTPS URL answered (None when not followed).
    """

    url: str
    status: int | None
    location: str | None
    problem: str | None
    error: str | None = None
    landed: str | None = None
    landed_status: int | None = None


def judge_redirect(
    url: str, status: int, location: str | None, https: tuple[str, int | None]
) -> tuple[str | None, BrowserUrl | None]:
    """Why ``status``/``location`` is not a permanent redirect of ``url`` to ``https``.

    ``https`` is the (host, port) of ``base_url``.  Returns the problem (None when
    the redirect is right) and the URL a browser would go to (None when none).
    """
    if status not in REDIRECT_STATUSES:
        kind = "a temporary redirect" if 300 <= status < 400 else "content"
        return f"answered {status} ({kind}); required: 301 or 308 to https", None
    if location is None:
        return f"answered {status} without a Location header", None
    asked = browser_url(url)
    target = browser_url(location, base=url)
    if asked is None or target is None:
        return f"redirects to {location!r}, which a browser cannot parse as a URL", None
    return _target_problem(asked, target, location, https), target


def _target_problem(
    asked: BrowserUrl, target: BrowserUrl, location: str, https: tuple[str, int | None]
) -> str | None:
    """Why a browser at ``target`` is not on the same resource over the named HTTPS."""
    landed = f"{location!r} (a browser goes to {target.href})"
    if target.scheme != "https":
        return f"redirects to {landed}, which is not https"
    if target.userinfo:
        return f"redirects to {landed}, which carries credentials"
    if target.host not in {asked.host, https[0]}:
        return f"redirects to another host: {landed}, asked {asked.host}"
    if target.port != https[1]:
        return (
            f"redirects to port {target.port}: {landed}; the environment's HTTPS port "
            f"(base_url) is {https[1]}"
        )
    if target.path_query != asked.path_query:
        return f"redirects to another path ({target.path_query}, asked {asked.path_query})"
    return None


def ask_redirect(
    env: Environment, client: httpx.Client, url: str, https: tuple[str, int | None]
) -> RedirectAnswer:
    """Ask ``url`` over plain HTTP; follow a correct redirect once and record the answer."""
    reply = fetch(client, "GET", url, env)
    location = reply.headers.get("location")
    problem, target = judge_redirect(url, reply.status_code, location, https)
    answer = RedirectAnswer(url, reply.status_code, location, problem)
    if problem is not None or target is None:
        return answer
    return _follow(env, client, answer, target)


def _follow(
    env: Environment, client: httpx.Client, answer: RedirectAnswer, target: BrowserUrl
) -> RedirectAnswer:
    from dataclasses import replace

    try:
        landed = fetch(client, "GET", target.href, env)
    except ProbeError as exc:
        return replace(answer, landed=target.href, error=f"could not follow: {exc}")
    status = landed.status_code
    result = replace(answer, landed=target.href, landed_status=status)
    back = browser_url(landed.headers.get("location") or "", base=target.href)
    if 300 <= status < 400 and back is not None and back.scheme == "http":
        return replace(result, problem=f"{target.href} sends the browser back to {back.href}")
    if status >= 500:
        return replace(result, error=f"{target.href} answered {status} over HTTPS")
    return result
