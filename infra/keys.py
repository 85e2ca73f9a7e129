"""Per-person data keys (crypto-shredding): destroying a key erases that person's data from history."""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date
from uuid import UUID

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import violation
from domain.personal import PersonalData, Sealed
from projections.store import ReadStore, chunks

DDL = "CREATE TABLE IF NOT EXISTS personal_data_keys ( subject_id TEXT PRIMARY KEY, wrapped_key TEXT, erased_at TEXT)"
PREPARED = (  # PostgreSQL: many subjects' keys made where missing, and every one of them read, in one statement
    "WITH made AS (INSERT INTO personal_data_keys (subject_id, wrapped_key)"
    " SELECT * FROM unnest(CAST(:subjects AS text[]), CAST(:keys AS text[]))"
    " ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id, wrapped_key)"
    " SELECT * FROM made UNION ALL"
    " SELECT subject_id, wrapped_key FROM personal_data_keys WHERE subject_id = ANY(CAST(:subjects AS text[]))"
)


class KeyVault:
    """Seals personal data with its subject's own AES-256-GCM key; keys are wrapped by a master key."""

    def __init__(self, store: ReadStore, master_key: bytes, *, create_table: bool = True) -> None:
        """``create_table=False``: the table is known to be there (an import worker, after its importer made it)."""
        self.store = store
        self._master = AESGCM(master_key)
        self._batch = threading.local()  # the keys ``unsealing`` fetched, on the thread that asked for them
        if create_table:
            with store.transaction() as tx:
                tx.execute(DDL)

    def seal(self, subject_id: UUID, data: PersonalData) -> Sealed:
        key = self._key(subject_id, create=True)
        if key is None:
            raise violation("PIN-0", "personal", f"the personal data of subject {subject_id} has been erased")
        return _seal(key, subject_id, data)

    def prepared(self, subject_ids: Collection[UUID]) -> PreparedKeys:
        """The keys of many subjects, created where missing and fetched: on PostgreSQL one statement per 500
        subjects, elsewhere two."""
        keys: dict[UUID, bytes | None] = {}
        for part in chunks(sorted(set(subject_ids)), 500):
            texts = [str(s) for s in part]
            made = [AESGCM.generate_key(bit_length=256) for _ in part]
            rows = {f"s{i}": text for i, text in enumerate(texts)}
            wrapped = {f"k{i}": self._wrap(key, s) for i, (key, s) in enumerate(zip(made, part, strict=True))}
            with self.store.transaction() as tx:
                if self.store.dialect == "postgresql":
                    # The select's snapshot is the statement's, taken before the insert: it finds the keys that were
                    # there, RETURNING the ones made now. A key a concurrent writer made meanwhile is in neither, so
                    # its subject is sealed by the vault itself (PreparedKeys.seal). Two arrays, not a parameter per
                    # value: one statement text whatever the count, which psycopg need not parse again (issue 35).
                    found = tx.query(PREPARED, {"subjects": list(rows.values()), "keys": list(wrapped.values())})
                else:
                    values = ", ".join(f"(:s{i}, :k{i})" for i in range(len(part)))
                    asked = ", ".join(":" + name for name in rows)
                    insert = (
                        f"INSERT INTO personal_data_keys (subject_id, wrapped_key) VALUES {values} "
                        "ON CONFLICT (subject_id) DO NOTHING"
                    )
                    select = f"SELECT subject_id, wrapped_key FROM personal_data_keys WHERE subject_id IN ({asked})"
                    tx.execute(insert, {**rows, **wrapped})
                    found = tx.query(select, rows)
            # Each subject asked, by its text: its id, the key made for it and that key wrapped. A row holding the key
            # made here (most, on a file's first import) takes it as it was made, not unwrapped again (issue 35).
            by_text = {t: (s, k, w) for t, s, k, w in zip(texts, part, made, wrapped.values(), strict=True)}
            for row in found:
                subject, key, ours = by_text[row["subject_id"]]
                stored = row["wrapped_key"]
                keys[subject] = None if stored is None else key if stored == ours else self._unwrap(stored, subject)
        return PreparedKeys(self, keys)

    @contextmanager
    def unsealing(self, subject_ids: Collection[UUID]) -> Iterator[None]:
        """Within it, on this thread only, ``unseal`` takes these subjects' keys from one query per 500 subjects
        instead of one each (a catch-up batch's names: issue 35). The projection worker holds it for one batch:
        an erasure meanwhile is seen as a key read a moment earlier would see it, and its event, later in the
        log, overwrites the name. Keys are unwrapped when used, so one damaged key fails its own event only."""
        wrapped: dict[UUID, str | None] = dict.fromkeys(subject_ids)  # no row: no key, as ``_key`` reads it
        for part in chunks(sorted(wrapped), 500):
            rows = {f"s{i}": str(s) for i, s in enumerate(part)}
            asked = ", ".join(":" + name for name in rows)
            found = self.store.query(
                f"SELECT subject_id, wrapped_key FROM personal_data_keys WHERE subject_id IN ({asked})", rows
            )
            for row in found:
                wrapped[UUID(row["subject_id"])] = row["wrapped_key"]
        outer = getattr(self._batch, "keys", None)
        self._batch.keys = wrapped
        try:
            yield
        finally:
            self._batch.keys = outer

    def unseal(self, sealed: Sealed) -> PersonalData | None:
        key = self._key(sealed.subject_id, create=False)
        if key is None:
            return None
        raw = base64.b64decode(sealed.ciphertext)
        fields = orjson.loads(AESGCM(key).decrypt(raw[:12], raw[12:], sealed.subject_id.bytes))
        if fields.get("birth_date"):
            fields["birth_date"] = date.fromisoformat(fields["birth_date"])
        return PersonalData(**fields)

    def erase(self, subject_id: UUID, when: str) -> bool:
        """UU PDP erasure: the key is destroyed; sealed copies in events can no longer be read.

        Returns True when a key existed and is destroyed now. Reads first, so re-checking an erasure
        already complete (the worker's start-up sweep does, for every erasure event) writes nothing.
        """
        params = {"s": str(subject_id), "w": when}
        rows = self.store.query("SELECT wrapped_key FROM personal_data_keys WHERE subject_id = :s", params)
        if rows and rows[0]["wrapped_key"] is None:
            return False
        with self.store.transaction() as tx:
            destroyed = tx.execute(
                "UPDATE personal_data_keys SET wrapped_key = NULL, erased_at = :w"
                " WHERE subject_id = :s AND wrapped_key IS NOT NULL",
                params,
            )
            # No key yet: a tombstone, so that no key is ever created for an erased subject.
            tx.execute(
                "INSERT INTO personal_data_keys (subject_id, wrapped_key, erased_at) VALUES (:s, NULL, :w) "
                "ON CONFLICT (subject_id) DO NOTHING",
                params,
            )
        return destroyed == 1

    def _key(self, subject_id: UUID, *, create: bool) -> bytes | None:
        batch = getattr(self._batch, "keys", None)
        if not create and batch is not None and subject_id in batch:
            wrapped = batch[subject_id]
            return None if wrapped is None else self._unwrap(wrapped, subject_id)
        params = {"s": str(subject_id)}
        rows = self.store.query("SELECT wrapped_key, erased_at FROM personal_data_keys WHERE subject_id = :s", params)
        if not rows and create:
            wrapped = self._wrap(AESGCM.generate_key(bit_length=256), subject_id)
            with self.store.transaction() as tx:
                tx.execute(
                    "INSERT INTO personal_data_keys (subject_id, wrapped_key) VALUES (:s, :k) "
                    "ON CONFLICT (subject_id) DO NOTHING",
                    {**params, "k": wrapped},
                )
            rows = self.store.query(
                "SELECT wrapped_key, erased_at FROM personal_data_keys WHERE subject_id = :s", params
            )
        if not rows or rows[0]["wrapped_key"] is None:
            return None
        return self._unwrap(rows[0]["wrapped_key"], subject_id)

    def _wrap(self, key: bytes, subject_id: UUID) -> str:
        nonce = os.urandom(12)
        return base64.b64encode(nonce + self._master.encrypt(nonce, key, subject_id.bytes)).decode()

    def _unwrap(self, wrapped: str, subject_id: UUID) -> bytes:
        raw = base64.b64decode(wrapped)
        return self._master.decrypt(raw[:12], raw[12:], subject_id.bytes)


def _seal(key: bytes, subject_id: UUID, data: PersonalData) -> Sealed:
    nonce = os.urandom(12)
    plaintext = orjson.dumps(data)  # the bytes of orjson.dumps(dataclasses.asdict(data)), without its deep copy
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, subject_id.bytes)
    return Sealed(subject_id=subject_id, ciphertext=base64.b64encode(nonce + ciphertext).decode())


class PreparedKeys:
    """The keys of many subjects, created and fetched in two statements: a bulk import seals with these instead
    of three round trips per new student. Held for one unit of work only: an erasure must not meet a cached key."""

    def __init__(self, vault: KeyVault, keys: dict[UUID, bytes | None]) -> None:
        self.vault = vault
        self.keys = keys

    def seal(self, subject_id: UUID, data: PersonalData) -> Sealed:
        if subject_id not in self.keys:
            return self.vault.seal(subject_id, data)
        key = self.keys[subject_id]
        if key is None:
            raise violation("PIN-0", "personal", f"the personal data of subject {subject_id} has been erased")
        return _seal(key, subject_id, data)

    def unseal(self, sealed: Sealed) -> PersonalData | None:
        return self.vault.unseal(sealed)

    def erase(self, subject_id: UUID, when: str) -> bool:
        self.keys.pop(subject_id, None)
        return self.vault.erase(subject_id, when)
