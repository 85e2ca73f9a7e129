"""The status lists' permutation key: drawn on first start and kept in the credentials' log ever after."""

from __future__ import annotations

import contextlib
import secrets

from eventsourcing.persistence import IntegrityError

from application.service import Service
from domain.audit import Actor, Cause, Role
from domain.credentials.status_key import StatusListKey
from domain.credentials.status_list import LIST_SIZE

# (decided) No person draws the key: the installation does, on the ministry's behalf, as it starts.
INSTALLATION = Actor(id="installation", role=Role.MINISTRY_ADMIN)


def status_list_key(credentials: Service) -> bytes:
    """The key, drawn and recorded the first time; two processes starting at once record one of theirs."""
    found = credentials.find(StatusListKey, StatusListKey.create_id())
    if found is None:
        cause = Cause(INSTALLATION, request_id="start-up", reason="status list key drawn (issue 13)")
        with contextlib.suppress(IntegrityError):  # another process recorded its key first: that one stands
            credentials.commit(StatusListKey(key=secrets.token_hex(32), list_size=LIST_SIZE, cause=cause))
        found = credentials.find(StatusListKey, StatusListKey.create_id())
        if found is None:
            raise RuntimeError("the status list key was not recorded")
    if found.list_size != LIST_SIZE:
        raise RuntimeError(f"the status lists hold {found.list_size} entries; this code knows {LIST_SIZE}")
    return found.key_bytes
