"""A lean HTTP/1.1 client for the API benchmarks: one kept-alive socket, the request's head built once, each
answer's status and length parsed and its body read whole.

The clients run in the benchmark's process, on the same cores as the server: httpx spends about half a millisecond
of CPU on a request and http.client a tenth of that, time the server's workers then lack. This one spends a few
tens of microseconds, so the figure measures the server. It is still honest: every answer is read to its end and
its status checked, and the caller checks its body.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit


class AnswerRefused(RuntimeError):
    """An answer that is not a 200 with a Content-Length (the API answers GraphQL so)."""


class KeptAlive:
    """POSTs JSON to one path of one server on one connection, with fixed headers (a bearer token, say)."""

    def __init__(self, url: str, path: str, headers: dict[str, str] | None = None, timeout: float = 60) -> None:
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        self._socket = socket.create_connection((host, port), timeout=timeout)
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self._head = ("\r\n".join(lines) + "\r\nContent-Length: ").encode("latin-1")
        self._pending = b""  # bytes read past the previous answer's end

    def post(self, body: bytes) -> bytes:
        """The body of a 200 answer to ``body``; anything else is :class:`AnswerRefused`."""
        self._socket.sendall(b"%s%d\r\n\r\n%s" % (self._head, len(body), body))
        data = self._pending
        while (end := data.find(b"\r\n\r\n")) < 0:
            data += self._read()
        head, data = data[:end], data[end + 4 :]
        status, *fields = head.split(b"\r\n")
        if not status.startswith(b"HTTP/1.1 200 "):
            raise AnswerRefused(f"{status!r}: {data[:500]!r}")
        length = None
        for field in fields:
            name, _, value = field.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise AnswerRefused(f"an answer without Content-Length: {head!r}")
        while len(data) < length:
            data += self._read()
        self._pending = data[length:]
        return data[:length]

    def _read(self) -> bytes:
        chunk = self._socket.recv(65536)
        if not chunk:
            raise AnswerRefused("the server closed the connection")
        return chunk

    def close(self) -> None:
        self._socket.close()

    def __enter__(self) -> KeptAlive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
