"""Read a ``Location`` header the way a browser does (WHATWG URL Standard).

Python's ``urllib.parse.urlsplit`` is an RFC 3986 parser: for
``https://evil.example\\@host/`` it reports ``host``, while every browser follows
the WHATWG URL Standard, treats ``\\`` as ``/`` in special schemes and goes to
``evil.example``.  A redirect must be judged by where the browser lands, so the
header is parsed with ada (``ada-url``, the WHATWG parser Node.js ships), relative to
the URL that was asked (a relative ``Location`` resolves against it).

The standard also strips ASCII tab and newline anywhere, leading and trailing C0
controls and spaces, lower-cases and IDNA-encodes the host, decodes percent-encoded
hosts, normalizes IPv4 forms (``0x7f.1``), and drops a scheme's default port.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_PORTS", "BrowserUrl", "browser_url"]

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}


@dataclass(frozen=True)
class BrowserUrl:
    """A URL as a browser resolved it.

    Attributes:
        href: the serialized URL the browser requests.
        scheme: without the colon, lower case.
        host: the host (IDNA, lower case; IPv6 without brackets); '' when none.
        port: the effective port (the scheme's default when the URL names none).
        path_query: path plus ``?query`` (no fragment), as the request line carries it.
        userinfo: a user name or password was present.
    """

    href: str
    scheme: str
    host: str
    port: int | None
    path_query: str
    userinfo: bool

    @property
    def origin(self) -> str:
        """``scheme://host:port``, port always written (for messages)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def browser_url(value: str, base: str | None = None) -> BrowserUrl | None:
    """``value`` parsed (relative to ``base``) as a browser would; None when invalid."""
    from ada_url import URL

    try:
        url = URL(value, base=base) if base else URL(value)
    except ValueError:
        return None
    scheme = url.protocol.rstrip(":").lower()
    host = url.hostname.strip("[]")
    port = int(url.port) if url.port else DEFAULT_PORTS.get(scheme)
    return BrowserUrl(
        url.href,
        scheme,
        host,
        port,
        (url.pathname or "/") + url.search,
        bool(url.username or url.password),
    )
