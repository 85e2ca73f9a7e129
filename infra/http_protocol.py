"""uvicorn's HTTP/1.1 protocol (httptools) with a deadline on reading each request (issue 27).

uvicorn bounds only the idle time after a response (keep-alive); a connection that trickles its headers or its
body one byte at a time is held for ever, so a few hundred of them hold the server. Here the request line and
headers must arrive within ``header_timeout`` seconds of the connection opening (or of the previous response),
and the whole body within ``body_timeout`` seconds of the headers. A request that misses its deadline is answered
408 and its connection closed; an application still waiting for that body sees the client as gone.

httptools rather than h11 (issue 35): h11's parsing and writing in Python were a fifth of the API's own CPU per
request. httptools keeps a request's head in memory without a bound of its own; h11 refused a head over
``MAX_HEAD_BYTES`` (uvicorn's default for it) with a 400, and so does this protocol. llhttp also takes what h11
refused: a request line without a version (as HTTP/0.9, headers and all), an HTTP/1.1 request without a Host, a
request with two (RFC 9112 section 3.2); those are refused with a 400 here too.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import httptools
from starlette.requests import ClientDisconnect
from uvicorn._types import ASGI3Application
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.access_log import access_lines
from infra import accepting
from infra.coalesced_writes import CoalescedWrites

MESSAGE = b"Permintaan tidak selesai dikirim tepat waktu. / The request was not sent in time.\n"
TIMED_OUT = [
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"content-length", str(len(MESSAGE)).encode()),
    (b"connection", b"close"),
]
MAX_HEAD_BYTES = 16 * 1024  # a request line and headers: h11's bound under uvicorn (h11_max_incomplete_event_size)
TOO_LARGE = "Invalid HTTP request received."  # what uvicorn answered h11's refusal with


class DeadlineProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, header_timeout: float, body_timeout: float, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self._phase: str | None = None  # "head" or "body" while a deadline runs
        self._deadline: asyncio.TimerHandle | None = None  # the timer: at or before _due while _phase is set
        self._due = 0.0  # when the part being read must have come (the loop's time)
        self._armed_for = 0.0  # the deadline the timer was armed for
        self._cut_off = False
        self._in_message = False  # a request's first bytes have come and its end has not
        self._head_read = False  # ... and its headers are whole
        self._head_bytes = 0  # what has come of an unfinished head
        self._begun = 0  # requests begun in the read being parsed
        self._counted = False
        self.app = self._quiet_when_cut_off(self.app)
        self.access_logger = access_lines(self.access_logger)  # type: ignore[assignment]  # the same line, cheaper

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

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # the head and body of an answer in one write; flushed by on_response_complete
        self.transport: CoalescedWrites = CoalescedWrites(transport, self.loop)
        self._counted = isinstance(self.loop, accepting.TakingTurns)  # accepted there, and counted
        self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._counted:
            accepting.closed()  # the processes of serve --workers N share connections by their counts
        self._cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        from_idle, self._begun = not self._in_message, 0
        super().data_received(data)
        if self._in_message and not self._head_read and not self.transport.is_closing():
            # The read is all head when the head was under way before it or began it. A head that began after
            # another request ended within the read (pipelined) starts at an offset httptools does not tell: that
            # one read (at most asyncio's 256 KiB) goes uncounted, not the request before it counted as head.
            if self._begun == 0 or (self._begun == 1 and from_idle):
                self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self.send_400_response(TOO_LARGE)
        self._follow()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_message, self._head_read, self._head_bytes = True, False, 0
        self._begun += 1

    def on_headers_complete(self) -> None:
        self._head_read = True
        version = self.parser.get_http_version()
        hosts = sum(name == b"host" for name, _ in self.headers)
        if version not in ("1.0", "1.1") or hosts > 1 or (hosts == 0 and version == "1.1"):
            raise httptools.HttpParserError("what h11 refused")  # uvicorn answers a parser's error 400 and closes
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_message = False
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self.transport.flush()  # the answer is whole: its client need not wait for the application to yield
        super().on_response_complete()
        self._follow()

    def _reading(self) -> str | None:
        """The part of a request being waited for: its head while no request is being answered, its body once its
        head has come; nothing while the application answers (h11's states IDLE, SEND_BODY and DONE)."""
        if self.pipeline:  # pipelined requests wait, unread, for the one being answered
            return None
        if self._in_message and self._head_read:
            return "body"
        return "head" if self.cycle is None or self.cycle.response_complete else None

    def _follow(self) -> None:
        """Sets the deadline of the part of the request now being read, when that part changes.

        One timer serves a connection's successive deadlines (issue 35): arming a timer for each request's head and
        cancelling it when the head came was a timer made, pushed on the loop's heap and popped again per request.
        The timer is armed only when none is, or when the new deadline comes before it; when it fires, it cuts the
        request off if its part is still being read past its deadline, waits again if that part changed since (a
        later deadline), and ends if nothing is being read."""
        if self.transport is None or self.transport.is_closing():
            self._cancel()
            return
        phase = self._reading()
        if phase == self._phase:
            return
        self._phase = phase
        if phase is None:
            return
        self._due = self.loop.time() + (self.header_timeout if phase == "head" else self.body_timeout)
        if self._deadline is None or self._deadline.when() > self._due:
            self._arm()

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_at(self._due, self._expired)
        self._armed_for = self._due

    def _cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._phase = None, None

    def _expired(self) -> None:
        phase, self._deadline = self._phase, None
        if phase is None:  # nothing is being read: the next part read arms the timer again
            return
        if self._armed_for < self._due:  # the part being read changed after the timer was armed
            self._arm()
            return
        if self.transport.is_closing():
            return
        if phase == "head":
            if self._in_message:  # part of a request came: say why it is cut off
                self.transport.write(_raw_408())
        elif phase == "body" and self.cycle is not None:
            cycle = self.cycle
            if not cycle.response_started:
                self.transport.write(_raw_408())
                cycle.response_started = cycle.response_complete = True
            self._cut_off = True
            cycle.disconnected = True  # the application's receive() answers http.disconnect; its sends are dropped
            cycle.message_event.set()
        self.transport.close()


def _raw_408() -> bytes:
    head = b"".join(name + b": " + value + b"\r\n" for name, value in TIMED_OUT)
    return b"HTTP/1.1 408 Request Timeout\r\n" + head + b"\r\n" + MESSAGE


def deadline_protocol(header_timeout: float, body_timeout: float) -> functools.partial[DeadlineProtocol]:
    """What ``uvicorn.run(http=...)`` takes; a partial of a module-level class, so ``--workers`` can pickle it."""
    return functools.partial(DeadlineProtocol, header_timeout=header_timeout, body_timeout=body_timeout)
