"""``viewer``: one query for every role (issue 32, item 1). Null without a valid token."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.viewer.base import Viewer
from api.graphql.viewer.competency import AsesiViewer, AsesorViewer, BnspViewer, LspViewer
from api.graphql.viewer.national import (
    ApplicantViewer,
    AuditorViewer,
    DirectorateViewer,
    LegalViewer,
    NationalViewer,
)
from api.graphql.viewer.university import FeedViewer, SscViewer, StudentViewer, UniversityViewer
from application.authorization import LSP_READERS, lacks_institution
from domain.audit import Actor, Role

_NATIONAL: dict[Role, Callable[..., Viewer]] = {
    Role.MINISTRY_ADMIN: NationalViewer,
    Role.DIRECTOR_GENERAL: NationalViewer,
    Role.BNSP_OFFICER: BnspViewer,
    Role.ASESOR: AsesorViewer,
    Role.APPLICANT: ApplicantViewer,
    Role.EQUIVALENCY_TEAM: DirectorateViewer,
    Role.LEGAL_STAFF: LegalViewer,
    Role.AUDITOR: AuditorViewer,
}
_UNIVERSITY: dict[Role, Callable[..., Viewer]] = {
    Role.UNIVERSITY_OPERATOR: UniversityViewer,
    Role.UNIVERSITY_LEADER: UniversityViewer,
    Role.SSC_STAFF: SscViewer,
    Role.PDDIKTI_SYNC: FeedViewer,
}


def viewer_of(actor: Actor) -> Viewer | None:
    """The viewer type of the actor's role, scoped by the token alone."""
    if lacks_institution(actor.role, actor.institution):
        return None  # sign-in refuses such a token already; never a viewer with an empty scope
    institution = actor.institution or ""
    kind: Callable[..., Viewer] | None
    scope: dict[str, str] = {}
    if actor.role is Role.STUDENT:
        kind = StudentViewer
    elif actor.role in _UNIVERSITY:
        kind, scope = _UNIVERSITY[actor.role], {"university_code": institution}
    elif actor.role in LSP_READERS:
        kind, scope = LspViewer, {"lsp_code": institution}
    elif actor.role is Role.ASESI:
        kind, scope = AsesiViewer, {"lsp_code": institution}
    else:
        kind = _NATIONAL.get(actor.role)
    if kind is None:
        return None
    return kind(subject=actor.id, role=actor.role, institution=actor.institution, actor=actor, **scope)


@strawberry.type
class ViewerQuery:
    @strawberry.field(
        description="The signed-in person and what is theirs to see, typed by role (StudentViewer, UniversityViewer, "
        "SscViewer, LspViewer, BnspViewer, ...). Its scope is the token's own: their NIM at their university, their "
        "university, their LSP, or national for national roles. Null: not signed in."
    )
    def viewer(self, info: Info[Context, None]) -> Viewer | None:
        actor = info.context.actor
        return viewer_of(actor) if actor is not None else None
