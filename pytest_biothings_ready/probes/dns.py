"""DNS probe: every name in ``[env.NAME.dns]`` resolves to exactly the expected set.

Expected values are addresses (A/AAAA) or alias targets (CNAME).  Names are asked of
``dns_resolver``:``dns_port`` when set, else of the system's resolvers, with dnspython,
each query bounded by ``timeout_s``.  CAA records (which CAs may issue for the name,
searched up the tree as CAs do) are reported in the evidence, not judged.

Only what answers *the name asked* counts: the CNAME chain that starts at it and the
address records of the chain's end (dnspython's chaining), never other records a
resolver puts in its answer (a look-alike owner name).  A name expected to have
addresses that is answered through an alias is reported as the alias it is (the
alias target's zone decides its answer); list the target to accept it.  NXDOMAIN is
an observation (failed), a timeout, SERVFAIL or a refusal is not (error).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    import dns.resolver

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["DnsReport", "NameAnswer", "resolve_names"]

register(
    Key("dns_resolver", "str", "DNS server to ask (an IP address); default: the system's.",
        family="dns"),
    Key("dns_port", "int", "Port of dns_resolver (UDP, TCP on truncation).", 53,
        family="dns"),
)  # fmt: skip


@dataclass(frozen=True)
class NameAnswer:
    """What the resolver said about one name.

    Attributes:
        name: the name asked, absolute (``app.example.org.``).
        exists: False when the resolver answered NXDOMAIN.
        addresses: A and AAAA addresses at the end of any CNAME chain.
        aliases: CNAME targets along the chain from the name, absolute, in order.
        caa: CAA records of the name or its closest ancestor that has some.
    """

    name: str
    exists: bool
    addresses: frozenset[str]
    aliases: tuple[str, ...]
    caa: tuple[str, ...]

    def problems(self, expected: list[str]) -> list[str]:
        """How this answer differs from ``expected`` (addresses and alias targets)."""
        if not self.exists:
            if self.aliases:
                return [f"{self.name} is an alias of {self._chain()}, which does not exist "
                        "(NXDOMAIN: a dangling CNAME)"]  # fmt: skip
            return [f"{self.name} does not exist (NXDOMAIN)"]
        want_addresses = frozenset(_address(v) for v in expected if _address(v))
        want_aliases = frozenset(_absolute(v) for v in expected if not _address(v))
        found = []
        if want_addresses and want_addresses != self.addresses:
            found.append(
                f"{self.name} resolves to {_show(self.addresses)}, expected {_show(want_addresses)}"
            )
        if want_aliases - set(self.aliases):
            found.append(
                f"{self.name} is an alias of {self._chain()}, expected {_show(want_aliases)}"
            )
        elif not want_aliases and (foreign := self._foreign_alias()):
            found.append(
                f"{self.name} is an alias (CNAME) of {self._chain()}: {foreign} is outside "
                f"{_zone(self.name)} and decides the answer (list {foreign} in the expected "
                "values to accept the alias)"
            )
        if not self.addresses and not want_addresses:
            found.append(f"{self.name} resolves to no address (the alias chain ends in nothing)")
        return found

    def describe(self) -> str:
        chain = f" via {self._chain()}" if self.aliases else ""
        return f"{self.name} -> {_show(self.addresses)}{chain}"

    def _foreign_alias(self) -> str:
        """The first alias target outside the name's own domain, else ``""``."""
        zone = _zone(self.name)
        return next((a for a in self.aliases if a != zone and not a.endswith("." + zone)), "")

    def _chain(self) -> str:
        return " -> ".join(self.aliases) or "nothing"


@dataclass(frozen=True)
class DnsReport:
    """The answers for every configured name.

    Attributes:
        resolver: which server was asked (``127.0.0.1:53`` or ``system resolver``).
        answers: one answer per configured name, in configuration order.
    """

    resolver: str
    answers: tuple[NameAnswer, ...]


@gatherer("dns", needs=("dns",))
def resolve_names(ctx: Context) -> DnsReport:
    """Ask the resolver for A, AAAA (with CNAME chain) and CAA of every configured name."""
    from concurrent.futures import ThreadPoolExecutor

    names = list(ctx.env.require("dns"))
    resolver = _resolver(ctx.env)
    where = _where(ctx.env)
    with ThreadPoolExecutor(min(16, len(names)), thread_name_prefix="ready-dns") as pool:
        answers = tuple(pool.map(lambda name: _ask(resolver, name, where), names))
    return DnsReport(where, answers)


@check("DNS records updated", uses=("dns",), needs=("dns",), smoke=True)
def dns_records_match(ctx: Context) -> Verdict:
    """Every name in [env.NAME.dns] resolves to exactly its expected addresses or alias.

    Each name's A and AAAA answers must equal the expected address set, and each
    expected CNAME target must be on its alias chain; CAA records are reported.
    """
    report: DnsReport = ctx.evidence("dns")
    expected: dict[str, Any] = ctx.env.require("dns")
    problems, seen = [], []
    for answer, wanted in zip(report.answers, expected.values(), strict=True):
        values = [str(v) for v in (wanted if isinstance(wanted, list) else [wanted])]
        problems += answer.problems(values)
        caa = "; ".join(answer.caa) or "none"
        seen.append(f"{answer.describe()} (CAA: {caa})")
    observed = f"asked {report.resolver}: {', '.join(seen)}"
    if problems:
        return Verdict.failed(f"{'; '.join(problems)}; {observed}")
    return Verdict.passed(f"{observed}; every name matches [env.{ctx.env.name}.dns]")


def _resolver(env: Environment) -> dns.resolver.Resolver:
    import dns.resolver

    address = env.get("dns_resolver")
    try:
        resolver = dns.resolver.Resolver(configure=not address)
    except dns.resolver.NoResolverConfiguration as exc:
        raise ProbeError(f"no system resolver configured ({exc}): set dns_resolver") from None
    if address:
        resolver.nameservers = [str(address)]
        resolver.port = int(env.get("dns_port"))
    resolver.timeout = resolver.lifetime = env.timeout
    return resolver


def _where(env: Environment) -> str:
    address = env.get("dns_resolver")
    return f"{address}:{env.get('dns_port')}" if address else "the system resolver"


def _ask(resolver: dns.resolver.Resolver, name: str, where: str) -> NameAnswer:
    import dns.exception
    import dns.resolver

    absolute = _absolute(name)
    addresses: set[str] = set()
    aliases: tuple[str, ...] = ()
    try:
        for rdtype in ("A", "AAAA"):
            found, chain = _query(resolver, absolute, rdtype)
            addresses |= found
            aliases = max(aliases, chain, key=len)
    except dns.resolver.NXDOMAIN as exc:
        return NameAnswer(absolute, False, frozenset(), _nx_chain(exc, absolute), ())
    except dns.exception.DNSException as exc:
        raise ProbeError(f"{where} gave no usable answer for {absolute}: {exc}") from None
    return NameAnswer(absolute, True, frozenset(addresses), aliases,
                      _caa(resolver, absolute))  # fmt: skip


def _query(
    resolver: dns.resolver.Resolver, name: str, rdtype: str
) -> tuple[set[str], tuple[str, ...]]:
    """Addresses at the end of the chain from ``name`` and the chain's CNAME targets.

    Records whose owner is not on that chain are ignored, whatever a resolver adds.
    """
    answer = resolver.resolve(name, rdtype, raise_on_no_answer=False)
    chaining = answer.chaining_result
    aliases = tuple(rrset[0].target.to_text().lower() for rrset in chaining.cnames)
    found = {_address(r.address) or r.address for r in (chaining.answer or ())}
    return found, aliases


def _nx_chain(exc: dns.resolver.NXDOMAIN, name: str) -> tuple[str, ...]:
    """The alias chain that led to the NXDOMAIN (empty when the name itself is missing)."""
    try:
        canonical = exc.canonical_name.to_text().lower()
    except Exception:  # dnspython raises when it cannot tell
        return ()
    return (canonical,) if canonical != name else ()


def _caa(resolver: dns.resolver.Resolver, name: str) -> tuple[str, ...]:
    """CAA of ``name`` or its closest ancestor below the top-level domain."""
    import dns.exception

    labels = name.rstrip(".").split(".")
    for start in range(max(len(labels) - 1, 1)):
        candidate = ".".join(labels[start:]) + "."
        try:
            answer = resolver.resolve(candidate, "CAA", raise_on_no_answer=False)
        except dns.exception.Timeout:
            break  # CAA is informative: do not spend more timeouts on it
        except dns.exception.DNSException:
            continue  # a missing or refused CAA answer is not a finding
        if answer.rrset:
            return tuple(sorted(f"{candidate} {r.to_text()}" for r in answer.rrset))
    return ()


def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def _zone(name: str) -> str:
    """The domain a name's aliases may stay in without being listed: its parent
    (``www.app.test.`` -> ``app.test.``), or the name itself for a two-label name."""
    labels = name.rstrip(".").split(".")
    return ".".join(labels[1:] if len(labels) > 2 else labels) + "."


def _absolute(name: str) -> str:
    return name.lower().rstrip(".") + "."


def _show(values: frozenset[str] | set[str]) -> str:
    return ", ".join(sorted(values)) or "nothing"
