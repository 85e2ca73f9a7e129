"""The content-addressed file store (SUB-6): named by SHA-256, typed by its bytes, never by a name."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from infra.files import FileStore
from tests.submission.desk import PDF, PNG


def test_the_type_comes_from_the_bytes(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    png_named_pdf = store.put(PNG)  # whatever the upload called it
    assert png_named_pdf.media_type == "image/png"
    assert store.put(PDF).media_type == "application/pdf"
    assert store.put(b"\xff\xd8\xff\xe0" + b"\x00" * 16).media_type == "image/jpeg"
    assert store.put(b"<html>%PDF-").media_type == "application/octet-stream"


def test_stored_once_by_digest_and_read_back(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    first, again = store.put(PNG), store.put(PNG)
    assert first == again and first.sha256 == hashlib.sha256(PNG).hexdigest() and first.size == len(PNG)
    assert store.read(first.sha256) == PNG
    assert store.stat(first.sha256) == first
    assert store.stat("00" * 32) is None and store.read("00" * 32) is None
    kept = [p for p in tmp_path.rglob("*") if p.name != ".incoming"]  # where uploads arrive (issue 27)
    assert len(kept) == 2 and not list((tmp_path / ".incoming").iterdir())  # one folder, one file, no temporary


@pytest.mark.parametrize("name", ["../etc/passwd", "AB" * 32, "x" * 64, ""])
def test_only_a_digest_names_a_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        FileStore(tmp_path).stat(name)
