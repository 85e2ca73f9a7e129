"""A request body limit counted on the bytes actually received, whatever Content-Length or chunking says.

Pure ASGI: it wraps ``receive`` and counts, so nothing is buffered here and a chunked body is stopped at the limit
instead of being read whole into memory by whatever parses it.
"""

from __future__ import annotations

import contextlib
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import KINDS, MEDIA_TYPE, PREFIX


class _TooLarge(Exception):
    """Raised into the app from ``receive``; whatever the app makes of it is replaced by a 413."""


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, per_path: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = per_path or {}  # e.g. file uploads, larger than any GraphQL document

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope.get("path", ""), self.max_bytes)
        if over(_content_length(scope), limit):
            await refuse(send, limit)  # refused before a byte of the body is read
            return

        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's own answer to the interrupted body is dropped for the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLarge):  # the app did not catch it: the 413 below answers
            await self.app(scope, counting_receive, guarded_send)
        if exceeded and not started:
            await refuse(send, limit)


def over(declared: int | None, limit: int) -> bool:
    """Whether a declared Content-Length (None: none declared, -1: unreadable) is refused before the body."""
    return declared is not None and (declared < 0 or declared > limit)


async def refuse(send: Send, limit: int) -> None:
    """The 413 answer to a body over ``limit`` bytes."""
    title, _ = KINDS["request-too-large"]
    detail = f"the request body is over {limit} bytes"
    body = json.dumps(
        {"type": PREFIX + "request-too-large", "title": title, "status": 413, "detail": detail, "maxBytes": limit}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return content_length(value)
    return None


def content_length(value: bytes) -> int:
    text = value.decode("latin-1").strip()
    return int(text) if text.isdigit() else -1  # an unreadable length is refused, not trusted
