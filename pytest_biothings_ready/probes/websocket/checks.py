"""The WebSocket checklist lines, judged from the ``websocket*`` evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    from pytest_biothings_ready.probes.websocket.connection import Answer
    from pytest_biothings_ready.probes.websocket.gather import RealtimeReport, WebSocketReport
    from pytest_biothings_ready.probes.websocket.stability import StabilityReport

__all__: list[str] = []

HINT = "(a service that does not echo: set websocket.message and websocket.expect)"


@check(
    "WebSocket functionality verified", uses=("websocket",), needs=("websocket_url",), smoke=True
)
def websocket_works(ctx: Context) -> Verdict:
    """websocket_url upgrades, answers the probe's message, a ping, and again later.

    The answer must be a frame that answers the message sent (by default a random
    nonce echoed, as text and as binary; else one containing ``websocket.expect``),
    not whatever arrives next; the same connection must still answer
    ``websocket.settle_s`` later.
    """
    report: WebSocketReport = ctx.evidence("websocket")
    if report.refused is not None:
        return Verdict.failed(
            f"{report.url} refused the WebSocket upgrade with HTTP "
            f"{report.refused}; required: 101 Switching Protocols."
        )
    problems = _problems(report, report.later(ctx.env.timeout))
    if problems:
        return Verdict.failed(f"{report.url}: {'; '.join(problems)}.")
    return Verdict.passed(f"{report.url}: {_observed(report)}.")


def _problems(report: WebSocketReport, later: Answer | None) -> list[str]:
    assert report.text is not None and report.message is not None
    expected = (
        "its echo" if report.message.echo else f"a frame containing {report.message.expect!r}"
    )
    if not report.text.matched:
        alive = "; pings are answered" if report.pong_ms is not None else ""
        return [
            f"no answer to the probe's message within the timeout: sent "
            f"{report.message.shown!r}, expected {expected}; got {report.text.describe()}{alive} "
            + (HINT if report.message.echo else "")
        ]
    found = []
    if report.binary is not None and not report.binary.matched:
        found.append(f"text is echoed but a binary frame is not: got {report.binary.describe()}")
    if report.pong_ms is None:
        found.append("a ping was not answered with a pong")
    if later is not None and not later.matched:
        found.append(
            f"the connection did not answer again {report.settle_s:g} s later: {later.describe()}"
        )
    elif later is None and not found:
        found.append("the second exchange was not made")
    return found


def _observed(report: WebSocketReport) -> str:
    assert report.text is not None and report.message is not None
    kind = "nonce echoed" if report.message.echo else f"message answered with {report.text.frame}"
    text = f"handshake in {report.handshake_ms:.0f} ms, text {kind} in "
    text += f"{report.text.elapsed_ms:.0f} ms"
    if report.text.skipped:
        text += f" (skipped {len(report.text.skipped)} unrelated frame(s))"
    if report.binary is not None:
        text += f", binary nonce echoed in {report.binary.elapsed_ms:.0f} ms"
    else:
        text += ", binary not probed"
    text += f", pong in {report.pong_ms or 0:.0f} ms"
    return text + f", answered again {report.settle_s:g} s later on the same connection"


@check("WebSocket connections stable", uses=("websocket-stability",), needs=("websocket_url",))
def websocket_stable(ctx: Context) -> Verdict:
    """websocket.connections concurrent connections stay open websocket.hold_s, answering pings."""
    report: StabilityReport = ctx.evidence("websocket-stability")
    drops = report.drops(ctx.env.timeout)
    held = f"{report.connections} connections held {report.hold_s:g} s on {report.url}"
    if drops:
        return Verdict.failed(f"{held}: {len(drops)} failed: " + "; ".join(drops) + ".")
    return Verdict.passed(f"{held}: none dropped, every ping answered.")


@check(
    "Real-time features functioning",
    uses=("websocket-realtime",),
    needs=("websocket_url", "websocket.realtime_send", "websocket.realtime_expect"),
)
def realtime_works(ctx: Context) -> Verdict:
    """Sending websocket.realtime_send gets a frame containing websocket.realtime_expect.

    Frames that do not contain it (a greeting, other events) are skipped, not taken
    as the reply; ``{nonce}`` in both settings ties the reply to this message.
    """
    report: RealtimeReport = ctx.evidence("websocket-realtime")
    answer = report.answer
    if not answer.matched:
        return Verdict.failed(
            f"{report.url}: sent {report.sent!r}, no frame containing {report.expected!r} "
            f"within {ctx.env.timeout:g} s; got {answer.describe()}."
        )
    return Verdict.passed(
        f"{report.url}: sent {report.sent!r}, got {answer.frame} in {answer.elapsed_ms:.0f} ms "
        f"(contains {report.expected!r})."
    )
