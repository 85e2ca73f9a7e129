"""uvicorn's HTTP/1.1 protocol with a deadline on reading each request (issue 27).

uvicorn bounds only the idle time after a response (keep-alive); a connection that trickles its headers or its
body one byte at a time is held for ever, so a few hundred of them hold the server. Here the request line and
headers must arrive within ``header_timeout`` seconds of the connection opening (or of the previous response),
and the whole body within ``body_timeout`` seconds of the headers. A request that misses its deadline is answered
408 and its connection closed; an application still waiting for that body sees the client as gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from typing import Any

import h11
from starlette.requests import ClientDisconnect
from uvicorn._types import ASGI3Application
from uvicorn.protocols.http.h11_impl import H11Protocol

MESSAGE = b"Permintaan tidak selesai dikirim tepat waktu. / The request was not sent in time.\n"
TIMED_OUT = [
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"content-length", str(len(MESSAGE)).encode()),
    (b"connection", b"close"),
]


class DeadlineProtocol(H11Protocol):
    def __init__(self, *args: Any, header_timeout: float, body_timeout: float, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self._phase: str | None = None  # "head" or "body" while a deadline runs
        self._deadline: asyncio.TimerHandle | None = None
        self._cut_off = False
        self.app = self._quiet_when_cut_off(self.app)

    def _quiet_when_cut_off(self, app: ASGI3Application) -> ASGI3Application:
        """A body cut off at its deadline ends the application with ClientDisconnect: expected, not worth a
        traceback in the log for each of a few hundred slow clients."""

        async def quiet(scope: Any, receive: Any, send: Any) -> None:
            try:
                await app(scope, receive, send)
            except ClientDisconnect:
                if not self._cut_off:
                    raise

        return quiet

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow()

    def _follow(self) -> None:
        """Arms the deadline of the part of the request now being read, when that part changes."""
        if self.transport is None or self.transport.is_closing():
            self._cancel()
            return
        state = self.conn.their_state
        phase = "head" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if phase == self._phase:
            return
        self._cancel()
        self._phase = phase
        if phase is not None:
            timeout = self.header_timeout if phase == "head" else self.body_timeout
            self._deadline = self.loop.call_later(timeout, self._expired)

    def _cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._phase = None, None

    def _expired(self) -> None:
        phase, self._deadline = self._phase, None
        if self.transport.is_closing():
            return
        if phase == "head":
            if self.conn.trailing_data[0]:  # part of a request came: say why it is cut off
                self.transport.write(_raw_408())
        elif phase == "body" and self.cycle is not None:
            cycle = self.cycle
            if not cycle.response_started:
                with contextlib.suppress(h11.LocalProtocolError):  # h11 refusing: the connection closes all the same
                    response = h11.Response(status_code=408, headers=TIMED_OUT, reason=b"Request Timeout")
                    for event in (response, h11.Data(data=MESSAGE), h11.EndOfMessage()):
                        self.transport.write(self.conn.send(event) or b"")
                cycle.response_started = cycle.response_complete = True
            self._cut_off = True
            cycle.disconnected = True  # the application's receive() answers http.disconnect; its sends are dropped
            cycle.message_event.set()
        self.transport.close()


def _raw_408() -> bytes:
    """Before a request line is whole, h11 has no request to answer: the bytes of a 408 written by hand."""
    head = b"".join(name + b": " + value + b"\r\n" for name, value in TIMED_OUT)
    return b"HTTP/1.1 408 Request Timeout\r\n" + head + b"\r\n" + MESSAGE


def deadline_protocol(header_timeout: float, body_timeout: float) -> functools.partial[DeadlineProtocol]:
    """What ``uvicorn.run(http=...)`` takes; a partial of a module-level class, so ``--workers`` can pickle it."""
    return functools.partial(DeadlineProtocol, header_timeout=header_timeout, body_timeout=body_timeout)
