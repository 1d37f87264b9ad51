"""*Database credentials are secure (if using external DB)*, live: TLS and pg_hba.conf.

The ``postgres-credentials`` gatherer reads ``ssl`` and ``pg_hba_file_rules`` through
``database_url``.  Every rule that accepts connections from a non-local address (not
loopback, ``localhost`` or ``samehost``) must be ``hostssl`` (a ``host`` or
``hostnossl`` rule lets a client connect without TLS), must not be ``trust`` (no
password) or ``password`` (cleartext password), and ``ssl`` must be on; ``md5`` passes
with a note (``scram-sha-256`` is preferred).  A rule that did not load (its
``error``) fails.  Without ``database_url`` the check abstains, so the static secrets
check of the line decides alone.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.evidence.store import ABSTAIN
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.datastores.postgres.gather import _connect
from pytest_biothings_ready.probes.datastores.urls import masked, require_scheme

__all__ = ["HbaRule", "PostgresCredentials", "credentials_secure", "gather_credentials"]

HBA_RULES = """
SELECT line_number, type, array_to_string(database, ','), array_to_string(user_name, ','),
       address, netmask, auth_method, error
FROM pg_hba_file_rules ORDER BY line_number
"""
LOCAL_NAMES = {"localhost", "samehost"}
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
NO_TLS_TYPES = {"host", "hostnossl", "hostgssenc", "hostnogssenc"}
CLEARTEXT = {"trust": "no password at all", "password": "a cleartext password"}


@dataclass(frozen=True)
class HbaRule:
    """One loaded line of pg_hba.conf (``pg_hba_file_rules``)."""

    line: int
    type: str
    database: str
    user: str
    address: str | None
    netmask: str | None
    method: str | None
    error: str | None

    def __str__(self) -> str:
        where = "/".join(x for x in (self.address, self.netmask) if x) or "-"
        return f"line {self.line}: {self.type} {self.database} {self.user} {where} {self.method}"

    @property
    def local(self) -> bool:
        """Only this machine can use the rule (unix socket, loopback, localhost)."""
        if self.type == "local" or self.address is None:
            return True
        if self.address in LOCAL_NAMES:
            return True
        try:
            addr = ipaddress.ip_address(self.address)
            bits = bin(int(ipaddress.ip_address(self.netmask))).count("1") if self.netmask else None
        except ValueError:
            return False  # all, samenet, a host name, a domain
        net = ipaddress.ip_network(
            f"{addr}/{bits if bits is not None else addr.max_prefixlen}", False
        )
        return any(net.version == lo.version and net.subnet_of(lo) for lo in LOOPBACK)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PostgresCredentials:
    """What the server said: ``where`` (masked URL), ``ssl`` on/off, the hba rules."""

    where: str
    ssl: bool
    rules: tuple[HbaRule, ...]


@gatherer("postgres-credentials", needs=("database_url",))
def gather_credentials(ctx: Context) -> PostgresCredentials:
    """Read ``ssl`` and ``pg_hba_file_rules`` (read-only; needs the right to read the view)."""
    import psycopg

    url = str(ctx.env.require("database_url"))
    require_scheme(url, "database_url", ("postgresql", "postgres"))
    try:
        with _connect(url, ctx.timeout) as conn:
            row = conn.execute("SELECT current_setting('ssl') = 'on'").fetchone()
            rules = tuple(HbaRule(*r) for r in conn.execute(HBA_RULES))
    except psycopg.errors.InsufficientPrivilege as exc:
        raise ProbeError(
            f"{masked(url)}: cannot read pg_hba_file_rules ({str(exc).splitlines()[0]}); "
            "a superuser can GRANT SELECT ON pg_hba_file_rules and EXECUTE ON FUNCTION "
            "pg_hba_file_rules() to this role"
        ) from None
    except psycopg.Error as exc:
        reason = str(exc).replace(url, masked(url)).splitlines()[0]
        raise ProbeError(f"{masked(url)}: {type(exc).__name__}: {reason}") from None
    return PostgresCredentials(masked(url), bool(row and row[0]), rules)


def _problems(seen: PostgresCredentials) -> list[str]:
    problems = [
        f"pg_hba.conf line {r.line} does not load: {r.error}" for r in seen.rules if r.error
    ]
    remote = [r for r in seen.rules if not r.error and not r.local and r.method != "reject"]
    for rule in remote:
        if rule.method in CLEARTEXT:
            problems.append(f"{rule} lets non-local clients in with {CLEARTEXT[rule.method]}")
        if rule.type in NO_TLS_TYPES:
            problems.append(f"{rule} lets non-local clients connect without TLS (use hostssl)")
    if remote and not seen.ssl:
        problems.append("ssl is off: non-local connections cannot use TLS")
    return problems


@check("Database credentials are secure (if using external DB)", uses=("postgres-credentials",))
def credentials_secure(ctx: Context) -> Verdict:
    """Non-local connections need TLS (hostssl, ssl on) and a hashed password or stronger."""
    if not ctx.env.get("database_url"):
        return Verdict(Status.UNVERIFIED, f"{ABSTAIN}no database_url to observe the database")
    seen: PostgresCredentials = ctx.evidence("postgres-credentials")
    if problems := _problems(seen):
        return Verdict.failed(f"{seen.where}: " + "; ".join(problems) + ".")
    remote = [r for r in seen.rules if not r.local and r.method != "reject"]
    if not remote:
        return Verdict.passed(
            f"{seen.where}: pg_hba.conf accepts no non-local connection "
            f"({len(seen.rules)} rules; ssl {'on' if seen.ssl else 'off'})."
        )
    md5 = [str(r) for r in remote if r.method == "md5"]
    note = f" (scram-sha-256 is preferred over md5: {'; '.join(md5)})" if md5 else ""
    return Verdict.passed(
        f"{seen.where}: ssl on; every non-local rule is hostssl with "
        + ", ".join(sorted({str(r.method) for r in remote}))
        + f" ({len(remote)} rules){note}."
    )
