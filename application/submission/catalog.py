"""The Certification Catalog's commands (SUB-1, SUB-2): SSC staff keep it; students propose new entries.

A mixin of ``Submissions``: the same event store, clock and retry.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.authorization import SSC, require, require_student
from application.idempotency import Keyed, keyed
from application.service import Service
from application.submission.receipt import CatalogReceipt, ProposalReceipt
from domain.audit import Cause
from domain.errors import NotFound
from domain.registry.codes import UniversityCode, student_key
from domain.registry.student import Student
from domain.submission.catalog import Catalog
from domain.submission.entry import EntryDetails
from domain.submission.proposal import CatalogProposal, check_open
from domain.text import REMARK_CHARS, optional_text


class CatalogCommands(Service):
    proposals_closed_from: date  # SUB-2

    def add_catalog_entry(self, *, university_code: str, details: EntryDetails, cause: Cause) -> CatalogReceipt:
        university_code = UniversityCode.parse(university_code).value
        require(cause.actor, SSC, university_code)

        def command() -> CatalogReceipt:
            catalog = self._catalog(university_code, cause)
            entry_id = catalog.add(details, cause)
            return CatalogReceipt(self.name, self.commit(catalog), entry_id=entry_id)

        return self.retrying(command)

    def revise_catalog_entry(
        self, *, university_code: str, entry_id: UUID, details: EntryDetails, cause: Cause
    ) -> CatalogReceipt:
        university_code = UniversityCode.parse(university_code).value
        require(cause.actor, SSC, university_code)

        def command() -> CatalogReceipt:
            catalog = self._catalog(university_code, cause)
            catalog.revise(entry_id, details, cause)
            return CatalogReceipt(self.name, self.commit(catalog), entry_id=entry_id)

        return self.retrying(command)

    def withdraw_catalog_entry(self, *, university_code: str, entry_id: UUID, cause: Cause) -> CatalogReceipt:
        university_code = UniversityCode.parse(university_code).value
        require(cause.actor, SSC, university_code)

        def command() -> CatalogReceipt:
            catalog = self._catalog(university_code, cause)
            catalog.withdraw(entry_id, cause)
            return CatalogReceipt(self.name, self.commit(catalog), entry_id=entry_id)

        return self.retrying(command)

    def propose_catalog_entry(
        self, *, university_code: str, nim: str, details: EntryDetails, cause: Cause, idempotency_key: str | None = None
    ) -> ProposalReceipt:
        require_student(cause.actor, university_code, nim)  # the role before the text: others learn nothing
        university_code, nim = student_key(university_code, nim)
        key = keyed(idempotency_key, cause, "proposeCatalogEntry", details=details)
        return self.retrying(lambda: self._propose(university_code, nim, details, cause, key))

    def _propose(
        self, university_code: str, nim: str, details: EntryDetails, cause: Cause, key: Keyed | None
    ) -> ProposalReceipt:
        if (earlier := self.earlier(key, CatalogProposal)) is not None:  # IDEM-1: a retry answers the first result
            first, position = earlier
            return ProposalReceipt(self.name, position, proposal_id=first.id, status=first.status.value)
        today = self.today()
        catalog = self.find(Catalog, Catalog.create_id(university_code))
        check_open(today, self.proposals_closed_from, len(catalog.entries) if catalog else 0)  # SUB-2
        self._student(university_code, nim)
        if catalog is not None:
            catalog.refuse_duplicate(details)  # SUB-1.duplicate: names the entry to submit instead
        proposal = CatalogProposal(
            university_code=university_code,
            nim=nim,
            details=details,
            proposed_on=today,
            closed_from=self.proposals_closed_from,
            rule_ids=("SUB-2",),
            cause=cause,
        )
        position = self.commit(proposal, *((key.claim(proposal),) if key else ()))
        return ProposalReceipt(self.name, position, proposal_id=proposal.id, status=proposal.status.value)

    def decide_catalog_proposal(
        self,
        *,
        university_code: str,
        proposal_id: UUID,
        accept: bool,
        remark: str | None,
        details: EntryDetails | None,
        cause: Cause,
    ) -> ProposalReceipt:
        """Accept (the entry joins the catalog, in the staff's wording if given) or reject with a remark."""
        university_code = UniversityCode.parse(university_code).value
        remark = optional_text(remark, field="remark", max_chars=REMARK_CHARS, rule_id="SUB-2", multiline=True)
        require(cause.actor, SSC, university_code)

        def command() -> ProposalReceipt:
            proposal = self.find(CatalogProposal, proposal_id)
            if proposal is None or proposal.university_code != university_code:
                raise NotFound("catalog proposal", str(proposal_id))
            entry_id = None
            if accept:
                catalog = self._catalog(university_code, cause)
                entry_id = proposal.accept(catalog, details, cause)
                position = self.commit(proposal, catalog)
            else:
                proposal.reject(remark, cause)
                position = self.commit(proposal)
            return ProposalReceipt(
                self.name, position, proposal_id=proposal.id, status=proposal.status.value, entry_id=entry_id
            )

        return self.retrying(command)

    def _student(self, university_code: str, nim: str) -> Student:
        raise NotImplementedError  # ``Submissions`` reads the registry

    def _catalog(self, university_code: str, cause: Cause) -> Catalog:
        return self.find(Catalog, Catalog.create_id(university_code)) or Catalog(
            university_code=university_code, cause=cause
        )
