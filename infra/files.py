"""The content-addressed file store: uploaded evidence and scans live here, named by their SHA-256.

Events hold only a file's digest, size and media type (SUB-6), so a file is never rewritten and the same
bytes uploaded twice are stored once. The media type is read from the bytes, never from a name or a header.
A folder by default (``KREDENSIAL_FILES_DIR``); every context shares it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path

from domain.files import SHA256, SNIFF_BYTES, StoredFile, sniff

INCOMING = ".incoming"  # beside the content-addressed folders, on the same file system: a rename places a file
STALE_INCOMING = 6 * 3600.0  # seconds; KREDENSIAL_BODY_TIMEOUT is at most an hour


class FileStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, sha256: str) -> Path:
        if not SHA256.fullmatch(sha256):  # the name reaches the file system: only a digest
            raise ValueError("not a SHA-256")
        return self.directory / sha256[:2] / sha256

    def put(self, data: bytes) -> StoredFile:
        """Stores the bytes (once) and describes them; the write is atomic, so a file is whole or absent."""
        incoming = self.incoming()
        try:
            incoming.write(data)
            return incoming.commit()
        finally:
            incoming.discard()

    def incoming(self) -> Incoming:
        """A file received a chunk at a time (an upload), kept on disk, not in memory, until it is whole."""
        return Incoming(self)

    def _place(self, part: Path, sha256: str) -> None:
        """Moves a whole, synced file to its content address, once; a copy already there is kept."""
        path = self._path(sha256)
        if path.exists():
            part.unlink()
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(part, 0o640)
        os.replace(part, path)

    def sweep_incoming(self, older_than: float = STALE_INCOMING) -> int:
        """Removes what uploads cut off by a crash left in ``.incoming``; no upload lasts that long (issue 27)."""
        cutoff, removed = time.time() - older_than, 0
        for part in (self.directory / INCOMING).glob("*"):
            with contextlib.suppress(FileNotFoundError):
                if part.stat().st_mtime < cutoff:
                    part.unlink()
                    removed += 1
        return removed

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


class Incoming:
    """An upload as it arrives: written to a temporary file of the store and hashed chunk by chunk, so that a large
    or stalled upload holds a few kilobytes of memory rather than its size (issue 27)."""

    def __init__(self, store: FileStore) -> None:
        folder = store.directory / INCOMING
        folder.mkdir(parents=True, exist_ok=True)
        self._store = store
        self._part = tempfile.NamedTemporaryFile(dir=folder, delete=False)  # noqa: SIM115 - closed by commit/discard
        self._digest = hashlib.sha256()
        self._head = b""
        self.size = 0

    @property
    def media_type(self) -> str:
        """Read from the first bytes, once they have come (SUB-6)."""
        return sniff(self._head)

    @property
    def sha256(self) -> str:
        """The digest of the bytes written so far (the whole file's once they all have come)."""
        return self._digest.hexdigest()

    def write(self, chunk: bytes) -> None:
        self._part.write(chunk)
        self._digest.update(chunk)
        self.size += len(chunk)
        if len(self._head) < SNIFF_BYTES:
            self._head = (self._head + chunk)[:SNIFF_BYTES]

    def commit(self) -> StoredFile:
        """The file, whole and synced, at its content address."""
        self._part.flush()
        os.fsync(self._part.fileno())
        self._part.close()
        sha256 = self._digest.hexdigest()
        self._store._place(Path(self._part.name), sha256)
        return StoredFile(sha256=sha256, size=self.size, media_type=self.media_type)

    def discard(self) -> None:
        """Forgets a file that will not be stored (refused, cut off, or already committed)."""
        self._part.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._part.name)
