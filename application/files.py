"""What the contexts need of the content-addressed file store (``infra.files``), shared by all of them."""

from __future__ import annotations

from typing import Protocol

from domain.files import StoredFile


class Files(Protocol):
    def put(self, data: bytes) -> StoredFile: ...

    def stat(self, sha256: str) -> StoredFile | None: ...

    def read(self, sha256: str) -> bytes | None: ...
