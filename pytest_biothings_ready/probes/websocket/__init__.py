"""WebSocket: handshake, an answered message, ping/pong, stability, a real-time exchange.

A reply is a frame that *answers* the probe's message: by default the probe sends a
random nonce and wants it echoed (as text and as binary); with ``websocket.message``
and ``websocket.expect`` it wants the configured content.  Frames that do not answer
(a greeting, a broadcast) are skipped and shown, never taken as the reply.

Modules: :mod:`.settings` (keys), :mod:`.connection` (open, send, await an answer),
:mod:`.gather` (the round trip and the real-time exchange), :mod:`.stability`
(connections held in the background, so an idle hold does not delay exclusive
probes) and :mod:`.checks` (the lines).  Importing registers; ``websockets`` loads
when a probe runs.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.websocket import checks, gather, settings, stability

__all__ = ["checks", "gather", "settings", "stability"]
