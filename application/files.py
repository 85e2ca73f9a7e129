"""What the contexts need of the content-addressed file store (``infra.files``), shared by all of them."""

from __future__ import annotations

from typing import Protocol

from domain.files import StoredFile


class Incoming(Protocol):
    """A file received a chunk at a time; stored by ``commit``, forgotten by ``discard``."""

    size: int

    @property
    def media_type(self) -> str: ...

    def write(self, chunk: bytes) -> None: ...

    def commit(self) -> StoredFile: ...

    def discard(self) -> None: ...


class Files(Protocol):
    def put(self, data: bytes) -> StoredFile: ...

    def incoming(self) -> Incoming: ...

    def stat(self, sha256: str) -> StoredFile | None: ...

    def read(self, sha256: str) -> bytes | None: ...
