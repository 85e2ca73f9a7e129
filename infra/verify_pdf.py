"""``kredensial verify-pdf``: one door for every signed document of ours (PIN-7, issue 33). It finds the keys and the
root certificate (given, or published by ``--server`` or the server the PDF names), then hands the file to the
verifier of its kind: a document naming its kind (:mod:`infra.documents.verify`), an SK made before issue 33
(:mod:`infra.equivalency.sk_pdf`), else a SIVIL verification PDF (:mod:`infra.sivil.verify`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509

from api.well_known import ROOT_CERTIFICATE_PATH
from domain.diploma.statement import WELL_KNOWN_KEYS_PATH, StatementRejected
from infra.documents.checks import HttpGet, Verdict
from infra.documents.file_signature import needs_root
from infra.documents.key_ring import KeyRing
from infra.documents.published import (
    fetch_published_keys,
    fetch_published_root,
    keys_from_file,
    roots_from_pem,
    server_named_in,
    urllib_get,
)
from infra.documents.verify import document_kind, verify_document_pdf
from infra.equivalency.sk_pdf import is_sk_pdf, verify_sk_pdf
from infra.sivil.verify import verify_statement_pdf


def verify_pdf_cli(
    path: Path, keys_file: Path | None, server: str | None, offline: bool, root_file: Path | None = None
) -> tuple[int, list[str]]:
    """``kredensial verify-pdf``: the keys read from ``keys_file`` and the root certificate from ``root_file`` when
    given, then :func:`verify_pdf_command`."""
    ring = roots = None
    if keys_file is not None:
        try:
            ring = keys_from_file(keys_file)
        except (OSError, StatementRejected) as e:
            return Verdict.USAGE, [f"cannot use the keys in {keys_file}: {e}"]
    if root_file is not None:
        try:
            roots = roots_from_pem(root_file.read_bytes())
        except (OSError, ValueError) as e:
            return Verdict.USAGE, [f"cannot use the root certificate in {root_file}: {e}"]
    return verify_pdf_command(
        path,
        ring,
        server,
        roots=roots,
        offline=offline,
        keys_origin=f"from the file {keys_file}",
        roots_origin=f"from the file {root_file}",
    )


def verify_pdf_command(
    path: str | Path,
    keys: KeyRing | None,
    server: str | None,
    *,
    roots: Sequence[x509.Certificate] | None = None,
    http_get: HttpGet | None = None,
    offline: bool = False,
    keys_origin: str = "given",
    roots_origin: str = "given",
) -> tuple[int, list[str]]:
    """What ``kredensial verify-pdf FILE [--keys KEYS_JSON_FILE] [--root ROOT_PEM_FILE] [--server URL] [--offline]``
    prints, and its exit code (:class:`Verdict`). Keys: ``keys`` (from ``--keys``), else those published by
    ``server``, else those published by the server the PDF names; the kredensial root certificate likewise from
    ``roots`` (``--root``) or the same server, asked only when the file signature needs it. The current status is
    asked of ``server``, else of the server the PDF names, unless ``offline``. Nothing is read from or written to
    this installation's own data."""
    get = http_get or urllib_get
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return Verdict.USAGE, [f"cannot read {path}: {error.strerror or error}"]
    named = server_named_in(data)
    lines: list[str] = []
    if keys is None:
        source = (server or named or "").rstrip("/")
        if offline or not source:
            why = "--offline was given" if offline else "the PDF names no SIVIL server"
            return Verdict.USAGE, [f"no keys to verify with: {why}; pass --keys KEYS_JSON_FILE or --server URL"]
        url = source + WELL_KNOWN_KEYS_PATH
        try:
            keys = fetch_published_keys(source, get)
        except (OSError, StatementRejected) as error:
            return Verdict.NOT_VERIFIED, [
                f"could not fetch the public keys from {url}: {error}",
                "NOT VERIFIED: nothing was checked; pass --keys KEYS_JSON_FILE (a saved copy of the published keys)",
            ]
        if server:
            lines.append(f"keys: published at {url} (--server)")
        else:
            lines.append(
                f"keys: published at {url}, the server this PDF names; trust the result only if {source} is the "
                "official SIVIL address"
            )
    else:
        lines.append(f"keys: {keys_origin}")
    if roots is not None:
        lines.append(f"root certificate: {roots_origin}")
    elif needs_root(data):
        source = (server or named or "").rstrip("/")
        if offline or not source:
            why = "--offline was given" if offline else "the PDF names no server"
            return Verdict.USAGE, [
                *lines,
                f"no kredensial root certificate to verify the file signature with: {why}; pass --root ROOT_PEM_FILE "
                "or --server URL",
            ]
        url = source + ROOT_CERTIFICATE_PATH
        try:
            roots = fetch_published_root(source, get)
        except (OSError, ValueError) as error:
            return Verdict.NOT_VERIFIED, [
                *lines,
                f"could not fetch the kredensial root certificate from {url}: {error}",
                "NOT VERIFIED: nothing was checked; pass --root ROOT_PEM_FILE (a saved copy of the root certificate)",
            ]
        if server:
            lines.append(f"root certificate: published at {url} (--server)")
        else:
            lines.append(f"root certificate: published at {url}, the server this PDF names")
    asked = None if offline else (server or named)
    with _quiet_parsers():  # a damaged file makes the PDF parsers log every repair they try
        if document_kind(data) is not None:  # every document naming its kind (issue 33)
            verdict, checked = verify_document_pdf(data, keys, roots=roots or (), base_url=asked, http_get=get)
        elif is_sk_pdf(data):  # an SK made before issue 33
            verdict, checked = verify_sk_pdf(data, keys, roots=roots or (), base_url=asked, http_get=get)
        else:
            verdict, checked = verify_statement_pdf(
                data, keys, roots=roots or (), base_url=asked, http_get=get, offline=offline
            )
    return verdict, [*lines, *checked]


@contextmanager
def _quiet_parsers() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in ("pypdf", "pyhanko")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
