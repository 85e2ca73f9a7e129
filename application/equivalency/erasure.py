"""Erasure of an applicant's personal data (UU PDP 27/2022), as for students (``application/registry/erasure``):
the event first, then the application's key destroyed; a retry, or the worker's start-up sweep, finishes an
erasure interrupted between the two. The directorate, the controller of the data, erases: on the applicant's
request or when its retention ends, with the ground recorded."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import cast

from eventsourcing.utils import get_topic

from application.authorization import EQUIVALENCY_TEAM, require
from application.equivalency.base import EquivalencyBase
from application.equivalency.receipt import ApplicationReceipt
from domain.audit import Cause
from domain.equivalency.application import EquivalencyApplication
from domain.text import REMARK_CHARS, optional_text

log = logging.getLogger(__name__)

_PAGE = 500


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
        topics = [get_topic(EquivalencyApplication.ApplicantDataErased)]
        completed, start = 0, 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=_PAGE, topics=topics)
            for notification in page:
                event = cast(EquivalencyApplication.ApplicantDataErased, self.mapper.to_domain_event(notification))
                if self.sealer.erase(event.originator_id, self.clock().isoformat()):
                    completed += 1
                    log.warning("completed the erasure of applicant data of %s", event.registration_number)
            if len(page) < _PAGE:
                return completed
            start = page[-1].id + 1
