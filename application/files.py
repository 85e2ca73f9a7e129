"""What the contexts need of the content-addressed file store (``infra.files``) and its record of who uploaded
what (``infra.uploads``), shared by all of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from domain.audit import Actor
from domain.files import StoredFile

# FILE.uploader: the file as this actor uploaded it, or None for a file they did not upload (or that is gone).
OwnFile = Callable[[Actor, str], StoredFile | None]


class Incoming(Protocol):
    """A file received a chunk at a time; stored by ``commit``, forgotten by ``discard``."""

    @property
    def size(self) -> int: ...

    @property
    def media_type(self) -> str: ...

    def write(self, chunk: bytes) -> None: ...

    def commit(self) -> StoredFile: ...

    def discard(self) -> None: ...


class Files(Protocol):
    def put(self, data: bytes, by: Actor) -> StoredFile:
        """Stores the bytes and records ``by`` as one of their uploaders; QuotaExceeded (FILE.quota) past the
        uploader's share."""
        ...

    def incoming(self, by: Actor) -> Incoming:
        """An upload of ``by`` on its way in; QuotaExceeded (FILE.quota) at once when their share is used up, and
        from ``commit`` when the whole file does not fit in what is left of it."""
        ...

    def stat(self, sha256: str) -> StoredFile | None: ...

    def read(self, sha256: str) -> bytes | None: ...

    def uploaded(self, by: Actor, sha256: str) -> StoredFile | None:
        """FILE.uploader: the file if ``by`` uploaded it (and it is still stored), else None."""
        ...
