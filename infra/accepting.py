"""The event loop of each API process under ``serve --workers N`` (issue 35): it takes one new connection per turn.

The processes share one listening socket. asyncio's loop accepts every waiting connection each time the socket is
ready, up to the listen backlog, so a burst of clients opening kept-alive connections (16 operators at once, or a
proxy filling its pool) all land on the one process that woke first, and the others idle for as long as those
connections live: 16 clients on two processes were served by one. Taking one connection per turn lets every
process that is waiting take its share, and a process busy with requests takes fewer, as it turns less often.
"""

from __future__ import annotations

import asyncio
from typing import Any


class TakingTurns(asyncio.SelectorEventLoop):
    """uvicorn's ``loop=`` (``infra.accepting:TakingTurns``): asyncio's selector loop, one accept per turn."""

    def _start_serving(
        self,
        protocol_factory: Any,
        sock: Any,
        sslcontext: Any = None,
        server: Any = None,
        backlog: int = 100,
        *rest: Any,
    ) -> None:
        # ``backlog`` here is only how many connections one turn accepts: the socket's listen queue is set by the
        # server (asyncio.Server._start_serving calls listen with its own backlog), so it keeps its full length.
        super()._start_serving(protocol_factory, sock, sslcontext, server, 1, *rest)  # type: ignore[misc]
