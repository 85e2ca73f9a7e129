"""Erasure of an applicant's personal data (UU PDP 27/2022), as for students (``application/registry/erasure``):
the event first, then the application's key destroyed; a retry, or the worker's start-up sweep, finishes an
erasure interrupted between the two. The directorate, the controller of the data, erases: on the applicant's
request or when its retention ends, with the ground recorded."""

from __future__ import annotations

from dataclasses import replace

from application.authorization import EQUIVALENCY_TEAM, require
from application.equivalency.base import EquivalencyBase
from application.equivalency.receipt import ApplicationReceipt
from application.erasure_sweep import complete_erasures
from domain.audit import Cause
from domain.equivalency.application import EquivalencyApplication
from domain.text import REMARK_CHARS, optional_text


class ApplicantErasure(EquivalencyBase):
    def erase_applicant_data(self, *, registration_number: str, cause: Cause) -> ApplicationReceipt:
        require(cause.actor, EQUIVALENCY_TEAM)
        number = self._number(registration_number)
        why = optional_text(cause.reason, field="reason", max_chars=REMARK_CHARS, multiline=True, rule_id="PDP.erasure")
        cause = replace(cause, reason=why)

        def command() -> ApplicationReceipt:
            application = self._application(number)
            application.erase_applicant_data(cause)
            position = self.commit(application)
            # After the record, so a retry (or the start-up sweep) finishes an interrupted erasure.
            self.sealer.erase(application.id, self.clock().isoformat())
            return self._receipt(application, position)

        return self.retrying(command)

    def complete_erasures(self) -> int:
        """Destroys the key of every recorded erasure whose key still exists; returns how many it destroyed."""
        return complete_erasures(self, self.sealer, EquivalencyApplication.ApplicantDataErased)
