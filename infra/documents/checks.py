"""What each check of a signed document reports, and the verdicts ``kredensial verify-pdf`` exits with (issue 33):
shared by every document's verifier."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

Outcome = Literal["ok", "failed", "not checked"]
HttpGet = Callable[[str], tuple[int, bytes]]  # url -> (HTTP status, body); raises OSError when unreachable


class Verdict(IntEnum):
    """The exit codes of ``kredensial verify-pdf``; 2 is also what typer answers to a wrong command line."""

    VERIFIED = 0  # authentic, and the server confirmed just now that the document is still in force
    NOT_VERIFIED = 1  # tampered, wrongly signed, unknown key, unreadable, or no longer found by the server
    USAGE = 2  # nothing to verify with: no such file, or no keys and no server to take them from
    STATUS_UNKNOWN = 3  # authentic, but whether the diploma is still valid was not checked (offline, 429, 5xx)
    ANNULLED = 4  # authentic, but the diploma is annulled (VOID or CANCELLED_IN_ERROR): not valid (PIN-5)


@dataclass(frozen=True)
class Check:
    name: str  # "file signature" | "signed statement" | "page" | "current status"
    outcome: Outcome
    detail: str
