"""What every part of the equivalency context's application shares: its collaborators and how an application is
found, for the team or for its own applicant, and answered."""

from __future__ import annotations

from application.equivalency.receipt import ApplicationReceipt
from application.files import OwnFile
from application.service import Service
from domain.audit import Cause, Role
from domain.calendar import WorkingCalendar
from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.kinds import parse_registration_number
from domain.errors import NotAuthorized, NotFound
from domain.personal import Sealer


class EquivalencyBase(Service):
    sealer: Sealer
    calendar: WorkingCalendar
    own_file: OwnFile  # FILE.uploader: the actor's own uploads (infra.uploads)

    @staticmethod
    def _number(registration_number: str) -> str:
        return parse_registration_number(registration_number)

    def _application(self, number: str) -> EquivalencyApplication:
        return self.load(EquivalencyApplication, EquivalencyApplication.create_id(number), "application", number)

    def _own(self, number: str, cause: Cause) -> EquivalencyApplication:
        """The applicant's own application; anyone else's reads as absent (EQV-1: never found by another)."""
        if cause.actor.role is not Role.APPLICANT:
            raise NotAuthorized("the applicant acts for their own application")
        application = self.find(EquivalencyApplication, EquivalencyApplication.create_id(number))
        if application is None or application.account_id != cause.actor.id:
            raise NotFound("application", number)
        return application

    def _receipt(
        self, application: EquivalencyApplication, position: int | None, access_code: str | None = None
    ) -> ApplicationReceipt:
        return ApplicationReceipt(
            self.name,
            position,
            registration_number=application.registration_number,
            status=application.status.value,
            missing=tuple(i.code for i in application.missing),
            access_code=access_code,
        )
