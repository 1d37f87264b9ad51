"""The role matrix: *User roles and permissions configured*."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.auth.session import log_in, send
from pytest_biothings_ready.probes.web.errorbody import response_error

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["RoleOutcome", "gather_roles", "roles_are_enforced"]


@dataclass(frozen=True)
class RoleOutcome:
    """One row of the role matrix.

    Attributes:
        name: the role.
        request: ``METHOD path``.
        expected: the status the role must get.
        status: the status it got.
        envelope: the error document a 2xx carried (``error: "forbidden"``), else None.
    """

    name: str
    request: str
    expected: int
    status: int
    envelope: str | None = None

    def problem(self) -> str | None:
        """How the answer differs from the expectation; None when it matches."""
        if self.status != self.expected:
            return f"{self.name} {self.request} got {self.status}, expected {self.expected}"
        if self.envelope and 200 <= self.status < 300:
            return (
                f"{self.name} {self.request} got {self.status} with an error document "
                f"({self.envelope}), expected {self.expected} with the resource"
            )
        return None


@gatherer("roles", needs=("base_url", "roles"))
def gather_roles(ctx: Context) -> tuple[RoleOutcome, ...]:
    """Play every row of the role matrix with that role's token."""
    from pytest_biothings_ready.evidence.transport import http_client

    with http_client(ctx.env) as client:
        return tuple(_play_role(client, ctx.env, row) for row in ctx.env.require("roles"))


def _play_role(client: httpx.Client, env: Environment, row: dict[str, Any]) -> RoleOutcome:
    name = str(row.get("name") or row.get("username") or "anonymous")
    if "path" not in row or "expect_status" not in row:
        raise NotConfigured("roles", env.name, f"role {name!r} needs path and expect_status")
    token = row.get("token")
    if not token and row.get("username"):
        status, token = log_in(client, env, str(row["username"]), str(row.get("password", "")))
        if token is None:
            raise ProbeError(f"could not log in as role {name!r}: login answered {status}")
    method = str(row.get("method") or "GET").upper()
    url = str(env.get("base_url")).rstrip("/") + str(row["path"])
    got = send(client, method, url, str(token) if token else None, env)
    expected = int(row["expect_status"])
    envelope = response_error(got)
    return RoleOutcome(name, f"{method} {row['path']}", expected, got.status_code, envelope)


@check("User roles and permissions configured", uses=("roles",))
def roles_are_enforced(ctx: Context) -> Verdict:
    """Every row of the role matrix gets exactly its expected status.

    Each ``[[env.NAME.roles]]`` row (a role's token or login, a method and path, an
    expected status) is requested; any other status fails the item, and so does a 2xx
    carrying an error document (a 403 served as ``200 {"error": "forbidden"}``).
    """
    outcomes: tuple[RoleOutcome, ...] = ctx.evidence("roles")
    rows = [f"{o.name} {o.request} -> {o.status}" for o in outcomes]
    wrong = [p for o in outcomes if (p := o.problem())]
    if wrong:
        return Verdict.failed("Role matrix violated: " + "; ".join(wrong) + ".")
    return Verdict.passed(f"Role matrix enforced ({len(rows)} rows): " + "; ".join(rows) + ".")
