"""The statuses of proposals (SUB-2) and submissions (SUB-8), as read models and the API name them."""

from __future__ import annotations

from enum import StrEnum


class ProposalStatus(StrEnum):
    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


class SubmissionStatus(StrEnum):
    WAITING_FOR_APPROVAL = "WAITING_FOR_APPROVAL"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class DpiStatus(StrEnum):
    """A student's DPI (SUB-8): open while they study, finished once printed at graduation."""

    OPEN = "OPEN"
    FINISHED = "FINISHED"
