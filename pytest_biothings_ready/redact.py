"""Make text safe to leave the plugin: secrets masked, a target's control bytes neutralised.

:class:`Redactor` masks every secret value *and the forms it takes in transit*: URL-
encoded, JSON- or Python-escaped, HTML-escaped, base64 of the value and, for each
username/password pair, base64 of ``user:password`` (HTTP Basic).  Values are
stripped of surrounding whitespace first, so ``"tok3n\\r\\n"`` is masked wherever
``tok3n`` shows.  Quoted config snippets (a YAML error quoting
``smtp_auth_password: x``) have the values of secret-named keys masked, whether or not
the value is known.  Text that was cut short elsewhere still cannot carry a secret's
head or tail: a secret's prefix right before a cut marker (``...``, ``…``, end of
text) or its suffix right after one is masked too, and so is a long head or tail
anywhere (a cut without a marker).  Redact before truncating anyway.

:func:`neutralise` turns control characters (ANSI escapes, carriage returns, C1 codes,
lone surrogates, bidi overrides) into visible ``\\xNN`` escapes, so a target cannot
clear the terminal, paint a fake green line or break an encoder.  :func:`clean`
does both, in that order; everything that leaves the plugin goes through it.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

__all__ = [
    "MASK",
    "MIN_LENGTH",
    "Redactor",
    "clean",
    "mask_assignments",
    "neutralise",
    "transformed",
]

MASK = "***"
# Shorter values would mask ordinary words; the loader refuses them as secrets.
MIN_LENGTH = 4
# A cut-off head or tail shorter than this is left alone (it would mask ordinary words).
PIECE_MIN = 6
# A piece of a secret found away from any cut marker is masked from this length on.
LOOSE_MIN = 12
_PERCENT = re.compile(r"%[0-9A-F]{2}")
_CUT = re.compile(r"\.\.\.|…|\[\.\.\.\]")
# C0 except tab and newline, DEL, C1, lone surrogates, bidi embeddings/overrides/isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


# A quoted config line assigning a secret-named key (``smtp_auth_password: x``,
# ``"client_secret": "x"``, ``API_TOKEN=x``): the key ends in a secret word and is
# either compound (``_``/``-``) or starts a line, so prose ("JWT secret: 12 bytes")
# is left alone.  Placeholders (``${VAR}``, ``<...>``, ``***``) stay readable.
_SECRET_END = (
    r"(?:password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|authorization)"
)
_SEP = r"""(?P<sep>["']?[ \t]*[:=][ \t]*["']?(?:(?:bearer|basic|token)[ \t]+)?)"""
_VALUE = r"""(?P<value>(?!\$\{|<|\*\*\*)[^\s"'`,;}\]]+)"""
_ASSIGNMENTS = (
    re.compile(
        rf"(?i)(?<![\w.-])(?P<key>[a-z0-9]+(?:[_.-][a-z0-9]+)*[_.-]{_SECRET_END}){_SEP}{_VALUE}"
    ),
    re.compile(rf"""(?im)^(?P<key>[ \t"'-]*{_SECRET_END}){_SEP}{_VALUE}"""),
    # a snippet cut mid-key by the parser: "... ssword: value"
    re.compile(rf"(?i)(?P<key>(?:\.\.\.|…)[ \t]*[\w.-]*(?:ord|wd|ret|ken|key)){_SEP}{_VALUE}"),
)


def mask_assignments(text: str) -> str:
    """Mask the values of secret-named keys in quoted config snippets."""
    for pattern in _ASSIGNMENTS:
        text = pattern.sub(lambda m: f"{m.group('key')}{m.group('sep')}{MASK}", text)
    return text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\ud800``)."""
    return _CONTROL.sub(_escape, text)


def _b64(raw: str) -> list[str]:
    try:
        data = raw.encode("utf-8")
    except UnicodeEncodeError:
        return []
    forms = [base64.b64encode(data).decode(), base64.urlsafe_b64encode(data).decode()]
    return forms + [form.rstrip("=") for form in forms]  # padded first when longest


def _bytes_repr(raw: str) -> str:
    try:
        return repr(raw.encode("utf-8"))[2:-1]
    except UnicodeEncodeError:
        return raw


def transformed(secret: str) -> set[str]:
    """The forms ``secret`` takes in transit (itself included), each at least MIN_LENGTH."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        quote(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        html.escape(secret),
        html.escape(secret, quote=False),
        _bytes_repr(secret),
        *_b64(secret),
        # an API key used as the Basic-auth username or password alone
        *_b64(secret + ":"),
        *_b64(":" + secret),
    }
    forms |= {_PERCENT.sub(lambda m: m.group().lower(), form) for form in forms if "%" in form}
    return {form for form in forms if len(form) >= MIN_LENGTH}


class Redactor:
    """Masks a fixed set of secrets and their transit forms, longest first.

    ``pairs`` are (username, password) couples whose Basic-auth base64 is masked too.
    """

    def __init__(self, secrets: Iterable[str] = (), pairs: Iterable[tuple[str, str]] = ()) -> None:
        values = {s.strip() for s in secrets if isinstance(s, str)}
        values = {s for s in values if len(s) >= MIN_LENGTH}
        forms: set[str] = set()
        for value in values:
            forms |= transformed(value)
        for user, password in pairs:
            if len(password.strip()) >= MIN_LENGTH:
                forms.update(_b64(f"{user.strip()}:{password.strip()}"))
        self._values = sorted(values, key=len, reverse=True)
        self._forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return mask_assignments(self._cut_pieces(text) if self._values else text)

    def _cut_pieces(self, text: str) -> str:
        """Mask a secret's head before a cut marker (or the end) and its tail after one."""
        while True:
            cuts = [(m.start(), m.end()) for m in _CUT.finditer(text)] + [(len(text), len(text))]
            found = _first_piece(text, cuts, self._values) or _loose_piece(text, self._values)
            if found is None:
                return text
            start, end = found  # every replacement shortens the text: this ends
            text = text[:start] + MASK + text[end:]

    def __bool__(self) -> bool:
        return bool(self._forms)

    def __repr__(self) -> str:
        return f"Redactor({len(self._values)} secrets)"


def _first_piece(
    text: str, cuts: list[tuple[int, int]], values: list[str]
) -> tuple[int, int] | None:
    """The span of the first secret head/tail found next to a cut, else None."""
    for value in values:
        for start, end in cuts:
            if head := _longest_head(text, start, value):
                return start - head, start
            if tail := _longest_tail(text, end, value):
                return end, end + tail
    return None


def _loose_piece(text: str, values: list[str]) -> tuple[int, int] | None:
    """A long head or tail of a secret anywhere (a cut without a marker), else None.

    At least LOOSE_MIN characters and half the secret: a random token's piece that
    long does not occur by chance.  URL-shaped secrets are skipped (``https://host``
    heads are common and carry nothing).
    """
    for value in values:
        size = max(LOOSE_MIN, len(value) // 2)
        if len(value) <= size or "://" in value:
            continue
        head, tail = value[:size], value[-size:]
        if (at := text.find(head)) >= 0:
            end = at + size
            while end < len(text) and end - at < len(value) and text[end] == value[end - at]:
                end += 1
            return at, end
        if (at := text.find(tail)) >= 0:
            start, offset = at, len(value) - size
            while start > 0 and offset > 0 and text[start - 1] == value[offset - 1]:
                start, offset = start - 1, offset - 1
            return start, at + size
    return None


def _longest_head(text: str, cut: int, value: str) -> int:
    """Length of the longest prefix of ``value`` (>= PIECE_MIN) ending at ``cut``."""
    for size in range(min(len(value) - 1, cut), PIECE_MIN - 1, -1):
        if text[cut - size : cut] == value[:size]:
            return size
    return 0


def _longest_tail(text: str, cut: int, value: str) -> int:
    """Length of the longest suffix of ``value`` (>= PIECE_MIN) starting at ``cut``."""
    for size in range(min(len(value) - 1, len(text) - cut), PIECE_MIN - 1, -1):
        if text[cut : cut + size] == value[-size:]:
            return size
    return 0


def clean(text: str, redact: Redactor | None = None) -> str:
    """``text`` redacted by ``redact`` (else only secret-named assignments), neutralised."""
    return neutralise(redact(text) if redact is not None else mask_assignments(text))
