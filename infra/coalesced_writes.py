"""A connection's writes of one pass of the event loop sent to the socket as one (issue 35).

uvicorn writes a response's head as soon as the application starts it and its body as it comes: two ``send``
calls per answer, each a trip through the kernel's TCP stack that wakes the client, which then reads an answer
without its body. Writes made while the loop runs one callback (a response's start and its body, as Starlette
sends them) are held and written once at the end of that pass, or at once when the answer is complete (the
protocol calls ``flush``: an application that works on without yielding after it answered would hold its answer)
or when they reach ``HOLD_LIMIT`` (uvicorn's flow control sees a slow reader only through the socket's own buffer:
sends that never yield would hold a whole streamed answer in memory). A close writes what is held first.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT

HOLD_LIMIT = HIGH_WATER_LIMIT  # bytes held at most: more goes to the socket's transport, where flow control sees it


class CoalescedWrites(asyncio.Transport):
    """Wraps the connection's transport for uvicorn's protocol and its request cycles."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._held: list[bytes | bytearray | memoryview] = []
        self._held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if self._held_bytes + len(data) > HOLD_LIMIT:  # a long body: written as it comes, not copied into a join
            self.flush()
            if not self._transport.is_closing():
                self._transport.write(data)
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)
        self._held_bytes += len(data)

    def flush(self) -> None:
        if not self._held:
            return
        held, self._held, self._held_bytes = self._held, [], 0
        if not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held, self._held_bytes = [], 0
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._held_bytes
