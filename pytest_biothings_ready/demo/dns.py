"""A small authoritative DNS server for the demo, on loopback (UDP and TCP).

Built on :mod:`socketserver` and dnspython's message API (dnspython is already a
runtime dependency, so the demo needs no extra package)::

    handle = start_dns_server({"demo.test.": ["127.0.0.1"]})
    ...  # dns_resolver = handle.host, dns_port = handle.port
    handle.stop()

Values that are IP addresses answer A/AAAA queries; any other value is a CNAME
target (followed when the target is also in ``records``).  Unknown names get
NXDOMAIN; known names asked for another type get an empty NOERROR answer.
"""

from __future__ import annotations

import ipaddress
import socketserver
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

__all__ = ["DnsServerHandle", "start_dns_server"]

TTL = 60
MAX_CHAIN = 8


@dataclass
class DnsServerHandle:
    """A running server; :meth:`stop` shuts it down (idempotent).

    Attributes:
        host: the loopback address it listens on.
        port: the UDP and TCP port.
    """

    host: str
    port: int
    _servers: list[socketserver.BaseServer] = field(default_factory=list, repr=False)
    _threads: list[threading.Thread] = field(default_factory=list, repr=False)

    def stop(self) -> None:
        """Stop serving, join the threads and close the sockets."""
        servers, self._servers = self._servers, []
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def __enter__(self) -> DnsServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_dns_server(records: Mapping[str, list[str]], host: str = "127.0.0.1") -> DnsServerHandle:
    """Serve ``records`` (name -> addresses or CNAME targets) on a free port of ``host``."""
    table = {_absolute(name): [str(v) for v in values] for name, values in records.items()}
    udp, tcp = _bind_pair(host, table)
    handle = DnsServerHandle(host, int(udp.server_address[1]), [udp, tcp])
    for server in (udp, tcp):
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True,
                                  name=f"demo-dns-{type(server).__name__}")  # fmt: skip
        thread.start()
        handle._threads.append(thread)
    return handle


def answer(wire: bytes, records: Mapping[str, list[str]]) -> bytes | None:
    """The response to the query ``wire``; None for a packet that is not a query."""
    import dns.exception
    import dns.flags
    import dns.message
    import dns.rcode

    try:
        query = dns.message.from_wire(wire)
    except dns.exception.DNSException:
        return None
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    if len(query.question) != 1:
        response.set_rcode(dns.rcode.FORMERR)
        return response.to_wire()
    question = query.question[0]
    if question.name.to_text().lower() not in records:
        response.set_rcode(dns.rcode.NXDOMAIN)
    else:
        _fill(response, question.name, question.rdtype, records)
    return response.to_wire()


def _fill(response: Any, name: Any, rdtype: int, records: Mapping[str, list[str]]) -> None:
    """Add the answer for ``name``, following CNAMEs that stay inside ``records``."""
    import dns.name
    import dns.rdataclass
    import dns.rdatatype

    for _ in range(MAX_CHAIN):
        values = records.get(name.to_text().lower(), [])
        aliases = [v for v in values if not _is_address(v)]
        if aliases and rdtype != dns.rdatatype.CNAME:
            _add(response, name, dns.rdatatype.CNAME, aliases[:1])
            name = dns.name.from_text(_absolute(aliases[0]))
            continue
        wanted = [v for v in values if _rdtype(v) == rdtype]
        if wanted:
            _add(response, name, rdtype, wanted)
        return


def _add(response: Any, name: Any, rdtype: int, values: list[str]) -> None:
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    kind = dns.rdatatype.RdataType(rdtype)
    rrset = response.find_rrset(response.answer, name, dns.rdataclass.IN, kind, create=True)
    for value in values:
        target = _absolute(value) if not _is_address(value) else value
        rrset.add(dns.rdata.from_text(dns.rdataclass.IN, kind, target), TTL)


def _rdtype(value: str) -> int:
    import dns.rdatatype

    try:
        version = ipaddress.ip_address(value).version
    except ValueError:
        return int(dns.rdatatype.CNAME)
    return int(dns.rdatatype.A if version == 4 else dns.rdatatype.AAAA)


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _absolute(name: str) -> str:
    return name.lower().rstrip(".") + "."


class _UdpHandler(socketserver.BaseRequestHandler):
    """One datagram in, one datagram out."""

    def handle(self) -> None:
        data, sock = self.request
        reply = answer(data, cast("_UdpServer", self.server).records)
        if reply is not None:
            sock.sendto(reply, self.client_address)


class _TcpHandler(socketserver.StreamRequestHandler):
    """Length-prefixed messages (RFC 1035 4.2.2), until the client closes."""

    timeout = 5.0

    def handle(self) -> None:
        while len(prefix := self.rfile.read(2)) == 2:
            query = self.rfile.read(int.from_bytes(prefix, "big"))
            reply = answer(query, cast("_TcpServer", self.server).records)
            if reply is None:
                return
            self.wfile.write(len(reply).to_bytes(2, "big") + reply)


class _UdpServer(socketserver.UDPServer):
    def __init__(self, address: tuple[str, int], records: Mapping[str, list[str]]) -> None:
        self.records = records
        super().__init__(address, _UdpHandler)


class _TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], records: Mapping[str, list[str]]) -> None:
        self.records = records
        super().__init__(address, _TcpHandler)


def _bind_pair(host: str, records: Mapping[str, list[str]]) -> tuple[_UdpServer, _TcpServer]:
    """A UDP and a TCP server on the same free port (retrying if TCP's is taken)."""
    for _ in range(20):
        udp = _UdpServer((host, 0), records)
        try:
            return udp, _TcpServer((host, int(udp.server_address[1])), records)
        except OSError:
            udp.server_close()
    raise OSError(f"no port free for both UDP and TCP on {host}")
