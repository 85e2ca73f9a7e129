"""A holder's erasure ends their shares and purges their uses (SHR-10, UU PDP): the erasure is recorded by the
holder's own context (a student's by the registry, a candidate's by the LSP, an applicant's by the directorate);
this sweep, run by the projection worker beside the erasures' own, finds each erasure event in those logs and has
the shares' context end the shares of it, then forgets who opened them. Both steps are idempotent, so the sweep
reads from the start of the logs at each process start and from where it got to after."""

from __future__ import annotations

from collections.abc import Callable

from eventsourcing.utils import get_topic

from application.service import Service
from application.sharing.shares import Shares
from domain.assessment.people import Asesi
from domain.equivalency.application import EquivalencyApplication
from domain.moved import topics_of
from domain.registry.student import Student
from domain.sharing.terms import Holder, HolderKind
from infra.sharing.uses import ShareUseTrail

_PAGE = 500
Found = tuple[Holder, str] | None  # the holder and the scope of their erasure


class ErasedHolders:
    def __init__(
        self, shares: Shares, trail: ShareUseTrail, *, registry: Service, assessments: Service, equivalencies: Service
    ) -> None:
        self.shares, self.trail = shares, trail
        self.sources: list[tuple[Service, list[str], Callable[[object], Found]]] = [
            (registry, topics_of(Student.PersonalDataErased), _student),
            (assessments, [get_topic(Asesi.PersonalDataErased)], _candidate),
            (equivalencies, [get_topic(EquivalencyApplication.ApplicantDataErased)], self._applicant(equivalencies)),
        ]
        self.after: dict[str, int] = {}

    def step(self) -> int:
        """Ends the shares of each erasure not yet swept; returns how many shares it ended or found ended."""
        ended = 0
        for app, topics, holder_of in self.sources:
            start = self.after.get(app.name, 0) + 1
            while True:
                page = app.recorder.select_notifications(start=start, limit=_PAGE, topics=topics)
                for notification in page:
                    event = app.mapper.to_domain_event(notification)
                    found = holder_of(event)
                    if found is not None:
                        cause = getattr(event, "cause")  # noqa: B009 - every erasure event has one; the protocol does not say
                        ids = self.shares.erase_holder(holder=found[0], scope=found[1], cause=cause).share_ids
                        self.trail.forget(ids)
                        ended += len(ids)
                    self.after[app.name] = notification.id
                if len(page) < _PAGE:
                    break
                start = page[-1].id + 1
        return ended

    @staticmethod
    def _applicant(equivalencies: Service) -> Callable[[object], Found]:
        def holder_of(event: object) -> Found:
            """One application's data is erased: the shares of its SKs end (the account's others stay)."""
            number = getattr(event, "registration_number", "")
            application = equivalencies.find(EquivalencyApplication, EquivalencyApplication.create_id(number))
            if application is None:
                return None
            return Holder(HolderKind.APPLICANT, "", application.account_id), f"{number}/"

        return holder_of


def _student(event: object) -> Found:
    return Holder(HolderKind.GRADUATE, getattr(event, "university_code", ""), getattr(event, "nim", "")), ""


def _candidate(event: object) -> Found:
    return Holder(
        HolderKind.CERTIFICATE_HOLDER, getattr(event, "lsp_code", ""), getattr(event, "candidate_number", "")
    ), ""
