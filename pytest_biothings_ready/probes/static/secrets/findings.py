"""What a secret finding is, and how a name or a value is recognized as a secret.

Shared by the line scan (``secretscan``), the structural scan (``secretstructure``)
and the code scan (``secretcode``), so none of them imports another.

Names are compared normalized: camelCase split, any separator made ``_``, upper
case (``searchApiKey``, ``search-api-key`` and ``SEARCH_API_KEY`` are one name).
Values are judged by meaning: empty values and references (``$VAR``, ``{{ }}``,
``/run/secrets/...``, ``vault:``/``arn:``) are not findings at all; placeholders
(``your-...``, ``changeme``, ``changethis``, ``<...>``, ``${VAR}``, ``user:pass@localhost``,
anything in an ``.example``/``.sample``/``.template`` file or a Markdown code block) are findings
marked ``placeholder``, counted in the evidence and never failing a line.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

__all__ = [
    "Finding",
    "SecretScan",
    "database_name",
    "finding",
    "high_entropy",
    "literal",
    "normalize",
    "placeholder_value",
    "secret_name",
]

SECRET_NAME = re.compile(
    r"PASSW(OR)?D|PASSWD|(^|_)PWD($|_)|(^|_)PASS($|_)|SECRET|TOKEN(?!IZ)|API_?KEY|ACCESS_?KEY|"
    r"PRIVATE_?KEY|PRIV_?KEY|SERVICE_?KEY|ACCOUNT_?KEY|CLIENT_?KEY|(DB|DATABASE)_?KEY|"
    r"(DB|DATABASE|KEY)_?PASS|CONTRASE(N|Ñ)A|"
    r"CREDENTIAL|AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|PASSPHRASE|(^|_)SALT($|_)|"
    r"(^|_)AUTHORIZATION($|_)"
)
REFERENCE_SUFFIX = re.compile(
    r"_(FILE|PATH|REF|NAME|ID|URL|URI|ENABLED|LENGTH|TTL|EXPIRY|EXPIRES|TIMEOUT|SECONDS|"
    r"MINUTES|HOURS|DAYS|LIFETIME|ALGORITHM|ALG|TYPE|HEADER|ISSUER|AUDIENCE|ENDPOINT|HOST|"
    r"PORT|USER|USERNAME|DIR|PREFIX|VERSION|SIZE|MODE|KIND|FIELD|ROTATION|LOCATION|KEY_ID|"
    r"POLICY|PARAM|PATTERN|REGEX|REQUIRED|STRENGTH|HASHERS?|VALIDATORS?|PROVIDER|STORE|"
    r"BACKEND|FORMAT|SOURCE|METHOD|COUNT|LIMIT|RESET|EXPIRATION|DURATION|ENV|VAR|KEYS)$"
)
DB_WORDS = re.compile(
    r"(^|_)(DB|PG|PGSQL|SQL|DATABASES?|DATASOURCE|JDBC|R2DBC|DSN)(_|$)|POSTGRES|MYSQL|MARIADB|"
    r"MONGO|REDIS|ELASTIC|RABBIT|AMQP|CASSANDRA|COUCH|NEO4J|SQLALCHEMY|ORACLE|MSSQL|DATABASE|"
    r"PGPASS|PGUSER"
)
REFERENCE_PREFIXES = (
    "$",
    "{{",
    "/run/secrets",
    "vault:",
    "arn:",
    "ref+",
    "secretref:",
    "@Microsoft",
)
NOT_SECRET = frozenset({"", "true", "false", "none", "null", "nil", "yes", "no", "on", "off"})
PLACEHOLDER = re.compile(
    r"your[-_ .]|changeme|change[-_]?(me|this)|replace[-_]?me|placeholder|example|redacted|dummy|"
    r"^<.*>$|\$\{|^x{3,}$|^\*{3,}$|^\.{3,}$|^(pass|password|passwd|secret|s3cr3t|test)$",
    re.IGNORECASE,
)
PLACEHOLDER_FILE = re.compile(r"(^|[._-])(example|sample|template|tmpl|dist)([._-]|$)", re.I)
URL_PASSWORD = re.compile(r"://([^\s:/@\"']*):([^\s@/\"']*)@([^\s/:\"'?]+)")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "host", "hostname"})
# ``${VAR:-default}`` (shell, compose), ``${VAR-default}``, ``${VAR:default}`` (Spring):
# the default is what runs when the variable is unset, so it is judged as a value.
# ``${VAR:?message}`` / ``${VAR?message}`` require the variable: no default runs.
DEFAULTED = re.compile(r"\$\{\w[\w.]*(?::-|:=|-|=|:(?![?+=-]))([^}]*)\}")


def normalize(name: str) -> str:
    """``searchApiKey``, ``search-api-key``, ``spring.datasource.password`` -> upper snake."""
    split = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.strip())
    return re.sub(r"[^A-Za-z0-9]+", "_", split).upper().strip("_")


def secret_name(name: str) -> bool:
    """Whether a variable or key name says it holds a secret (any case or separator)."""
    norm = normalize(name)
    return bool(SECRET_NAME.search(norm)) and not REFERENCE_SUFFIX.search(norm)


def database_name(name: str) -> bool:
    """Whether a name (or finding type) speaks of a database."""
    return bool(DB_WORDS.search(normalize(name)))


def literal(value: Any) -> bool:
    """Whether ``value`` is a value at all: not empty, a flag or a reference.

    Placeholders are literals here; :func:`placeholder_value` tells them apart.
    """
    text = str(value).strip().strip("\"'") if value is not None else ""
    if text.casefold() in NOT_SECRET or len(text) < 4:
        return False
    return not text.startswith(REFERENCE_PREFIXES) or text.startswith("${")


def placeholder_value(value: str) -> bool:
    """Whether a value stands in for a secret instead of being one.

    A variable with a literal default (``${DB_PASSWORD:-hunter2}``) is judged by its
    default, which is what runs when the variable is unset.
    """
    text = value.strip().strip("\"'")
    defaults = [d for d in DEFAULTED.findall(text) if len(d.strip()) >= 4]
    if defaults:
        return all(placeholder_value(d) for d in defaults)
    url = URL_PASSWORD.search(text)
    if url:
        _, password, host = url.groups()
        weak = password.casefold() in {"pass", "password", "secret", "changeme"}
        return bool(PLACEHOLDER.search(password)) or (weak and host.casefold() in LOCAL_HOSTS)
    return bool(PLACEHOLDER.search(text))


def placeholder_file(file: str) -> bool:
    """``.env.example``, ``config.sample.yml``, ``settings.template.py``..."""
    return bool(PLACEHOLDER_FILE.search(PurePosixPath(file).name))


def high_entropy(value: str) -> bool:
    """A random-looking token: 20+ characters of mixed case and digits, no spaces or dots,
    no word-long run of letters.

    Hex strings (digests, commit ids) and paths or URLs are not judged by entropy.
    """
    text = value.strip().strip("\"'")
    if not 20 <= len(text) <= 200 or re.search(r"[\s.:@]", text) or text.count("/") > 2:
        return False
    classes = [re.search(p, text) for p in ("[a-z]", "[A-Z]", "[0-9]")]
    if not all(classes) or re.search(r"[a-z]{7}|[A-Z]{7}", text):
        return False  # words (``EnableNewCheckoutFlow2024``) are not random
    counts = Counter(text)
    entropy = -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
    return entropy >= 4.0


@dataclass(frozen=True)
class Finding:
    """One suspected secret.

    Attributes:
        file: path shown in evidence.
        line: 1-based line.
        type: what kind of secret ("Google API key", "Secret Keyword"...).
        digest: SHA-1 of the value, for allowlist entries (never the value).
        database: whether it looks like a database credential.
        specific: found by a pattern, structure or code (preferred over a generic
            detect-secrets hit on the same line).
        placeholder: a stand-in value (counted, never failing).
    """

    file: str
    line: int
    type: str
    digest: str
    database: bool
    specific: bool = True
    placeholder: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.type}"


@dataclass(frozen=True)
class SecretScan:
    """The scan of every named artifact.

    Attributes:
        files: how many files were read.
        findings: every real finding, allowlisted or not.
        ignored: placeholders found and ignored.
    """

    files: int
    findings: tuple[Finding, ...]
    ignored: tuple[Finding, ...] = field(default_factory=tuple)

    def placeholder_note(self) -> str:
        if not self.ignored:
            return ""
        shown = "; ".join(str(f) for f in self.ignored[:3])
        more = f" (+{len(self.ignored) - 3} more)" if len(self.ignored) > 3 else ""
        return f" {len(self.ignored)} placeholder(s) ignored: {shown}{more}."


def finding(file: str, line: int, kind: str, value: str, name: str = "") -> Finding:
    """A finding for ``value``; placeholder when the value or the file says so."""
    digest = hashlib.sha1(value.encode("utf-8", "replace")).hexdigest()
    database = database_name(name or kind) or database_name(kind)
    stand_in = placeholder_value(value) or placeholder_file(file)
    return Finding(file, line, kind, digest, database, placeholder=stand_in)
