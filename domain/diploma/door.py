"""Through which door a SIVIL look-up came (PIN-6): the trail records it, and a holder sees it."""

from __future__ import annotations

from enum import StrEnum


class Door(StrEnum):
    """Through which door a look-up came: the web form, a QR link, the status check, the public GraphQL API (and
    its status query), the verification PDF or the credential download."""

    WEB = "web"
    QR = "qr"
    STATUS = "status"
    GRAPHQL = "graphql"
    GRAPHQL_STATUS = "graphql-status"
    PDF = "pdf"
    CREDENTIAL = "credential"
