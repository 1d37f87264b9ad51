"""Settings of the WebSocket family (``[env.NAME.websocket]``)."""

from __future__ import annotations

from typing import Any

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []


def _key(name: str, kind: str, doc: str, default: Any = None, values: str = "str") -> Key:
    return Key(f"websocket.{name}", kind, doc, default, values=values, family="websocket")


register(
    _key("message", "str", "Text sent for the round trip ({nonce}: a random nonce); default: "
         "an echo probe with a random nonce."),
    _key("expect", "str", "Text the reply must contain ({nonce} replaced); default: the "
         "message itself (an echo)."),
    _key("binary", "bool", "Echo probe only: a binary frame must be echoed too.", True),
    _key("settle_s", "float", "The exchange is repeated on the same connection after this "
         "many seconds (a connection that closes early fails).", 1.5),
    _key("headers", "map", "Headers of the opening handshake (e.g. a token).", values="str"),
    _key("connections", "int", "Connections held at once for stability.", 5),
    _key("hold_s", "float", "Seconds the connections are held.", 2.0),
    _key("realtime_send", "str", "Message that triggers a real-time reply ({nonce} replaced)."),
    _key("realtime_expect", "str", "Text the real-time reply must contain ({nonce} replaced)."),
)  # fmt: skip
