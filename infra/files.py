"""The content-addressed file store: uploaded evidence and scans live here, named by their SHA-256.

Events hold only a file's digest, size and media type (SUB-6), so a file is never rewritten and the same
bytes uploaded twice are stored once. The media type is read from the bytes, never from a name or a header.
A folder by default (``KREDENSIAL_FILES_DIR``); every context shares it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from domain.files import SHA256, SNIFF_BYTES, StoredFile, sniff


class FileStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, sha256: str) -> Path:
        if not SHA256.fullmatch(sha256):  # the name reaches the file system: only a digest
            raise ValueError("not a SHA-256")
        return self.directory / sha256[:2] / sha256

    def put(self, data: bytes) -> StoredFile:
        """Stores the bytes (once) and describes them; the write is atomic, so a file is whole or absent."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as part:
                part.write(data)
                part.flush()
                os.fsync(part.fileno())
            os.chmod(part.name, 0o640)
            os.replace(part.name, path)
        return StoredFile(sha256=sha256, size=len(data), media_type=sniff(data[:SNIFF_BYTES]))

    def stat(self, sha256: str) -> StoredFile | None:
        path = self._path(sha256)
        try:
            with path.open("rb") as f:
                head = f.read(SNIFF_BYTES)
            return StoredFile(sha256=sha256, size=path.stat().st_size, media_type=sniff(head))
        except FileNotFoundError:
            return None

    def read(self, sha256: str) -> bytes | None:
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, sha256: str) -> bool:
        """Removes the bytes (UU PDP: a file only erased people's records name); False when already gone."""
        try:
            self._path(sha256).unlink()
            return True
        except FileNotFoundError:
            return False
