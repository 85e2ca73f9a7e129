"""A person's data and its processing trail (UU PDP 27/2022; issue 12, item 6): a student's, a competency
candidate's, or an equivalency applicant's.

The law gives a person their data, and who did what with it, within 3x24 hours; this answers at once, from the
log itself: the registry's record with the sealed data unsealed for its subject, and every event that processed
it (the registry's, the diploma's, the submissions' and the DPI's, each with who, when, why and the request),
and each SIVIL verification of the diploma (when, through which door, from which address). After an erasure the
data reads as erased and the trail stays: what was done is history, the person's data is not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from application.audit.reads import StaffRead
from application.audit.sentences import YOU, Fact, Words, seen, sentence, who, written
from application.audit.trail import AuditTrail
from domain.assessment.certificate import Certificate
from domain.assessment.people import Asesi
from domain.audit.record import EventRecord, plain, state_of
from domain.diploma.diploma import Diploma
from domain.diploma.nina import NINA
from domain.diploma.numbering import NINAClaim
from domain.equivalency.application import EquivalencyApplication
from domain.personal import PersonalData, Unsealer
from domain.registry.student import Student
from domain.registry.university import University
from domain.sharing.book import ShareBook
from domain.sharing.terms import Holder, HolderKind
from domain.submission.dpi import Dpi

A = TypeVar("A", bound=Aggregate)

# Bounds on one report's work, since the person can ask for it again and again: the aggregates it reads, and the
# trail it lists (the rest is counted in ``omitted``: the person asks the controller for the full extract).
MAX_AGGREGATES = 200
MAX_TRAIL = 5_000


@dataclass(frozen=True)
class Verified:
    """One look-up of the person's diploma in SIVIL, as the verification trail keeps it."""

    at: datetime
    via: str  # web, graphql, status, pdf
    client_address: str


@dataclass(frozen=True)
class ShareUsed:
    """One opening or download of a holder's share, as the uses trail keeps it (SHR-8): no more than this."""

    at: datetime
    share_id: str
    kind: str  # view or download
    network: str
    agent: str


@dataclass(frozen=True)
class Processing:
    at: datetime
    context: str
    what: str  # the event, e.g. Student.SemesterReported, or "SIVIL verification"
    by: str  # role:id@institution (subject at issuer, when an identity provider signed them in), or "public ..."
    reason: str | None
    request_id: str | None
    said: Words | None = None  # the same in words, in Bahasa Indonesia and English (issue 32, item 5)


# Whether an event was the person's own doing (then "you" did it)
Own = Callable[[EventRecord], bool]


@dataclass(frozen=True)
class PersonalDataReport:
    subject: str
    generated_at: datetime
    erased: bool
    personal: dict[str, Any] | None  # None once erased
    records: dict[str, Any]  # what is held about the person, by aggregate, personal data unsealed
    trail: list[Processing]  # oldest first
    omitted: int = 0  # trail entries beyond MAX_TRAIL, left out of this report
    person_id: UUID | None = None  # the person's record id, which staff reads are keyed by (PDP-R); not shown

    def as_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "generatedAt": self.generated_at.isoformat(),
            "erased": self.erased,
            "personalData": self.personal,
            "records": self.records,
            "omitted": self.omitted,
            "trail": [
                {
                    "at": p.at.isoformat(),
                    "context": p.context,
                    "what": p.what,
                    "by": p.by,
                    "reason": p.reason,
                    "requestId": p.request_id,
                    "text": {"id": p.said.id, "en": p.said.en} if p.said else None,
                }
                for p in self.trail
            ],
        }


@dataclass(frozen=True)
class Sources:
    """Where, besides the log, a person's records are found (read models and trails, from the composition root)."""

    submissions_of: Callable[[str, str], Iterable[UUID]]  # (university, NIM): the student's submissions
    proposals_of: Callable[[str, str], Iterable[UUID]]  # (university, NIM): the catalog entries they proposed
    sivil_verifications: Callable[[str, str, str], Iterable[Verified]]  # (university, prodi, NINA)
    assessments_of: Callable[[str, str], Iterable[tuple[UUID, str | None]]]  # (LSP, candidate): with certificate
    certificate_verifications: Callable[[str], Iterable[Verified]]  # (certificate registration number)
    applications_of: Callable[[str], Iterable[str]]  # (portal account): registration numbers
    share_uses: Callable[[list[str]], Iterable[ShareUsed]] = lambda ids: ()  # (share ids): each use (SHR-8)
    staff_reads: Callable[[UUID], Iterable[StaffRead]] = lambda person: ()  # (record id): who saw it (PDP-R)


class PersonalDataReports:
    def __init__(self, trail: AuditTrail, unsealer: Unsealer, sources: Sources, clock: Callable[[], datetime]) -> None:
        self.trail = trail
        self.unsealer = unsealer
        self.sources = sources
        self.clock = clock

    def _find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        for app in self.trail.applications.values():
            found = app.find(cls, aggregate_id)
            if found is not None:
                return found
        return None

    def of_student(self, university_code: str, nim: str) -> PersonalDataReport | None:
        """None when no such student is registered."""
        student = self._find(Student, Student.create_id(university_code, nim))
        if student is None:
            return None
        # An erasure recorded but not yet finished (the key destroyed at the worker's next start) reads as erased.
        personal = None if student.erased else self.unsealer.unseal(student.personal)
        records: dict[str, Any] = {"student": _unsealed(state_of(student), "personal", personal)}
        diploma_id = Diploma.create_id(university_code, nim)
        ninas = self._ninas(diploma_id)  # every NINA the student held: one annulled in error was replaced
        ids = [Student.create_id(university_code, nim), diploma_id]
        ids += [NINAClaim.create_id(university_code, nina) for nina in ninas]
        ids += [*self.sources.submissions_of(university_code, nim), Dpi.create_id(university_code, nim)]
        ids += list(self.sources.proposals_of(university_code, nim))
        trail = self._trail(ids, lambda e: e.actor_role == "student" and e.actor_id == nim)
        trail += self._shares(Holder(HolderKind.GRADUATE, university_code, nim), records)
        diploma = self._find(Diploma, diploma_id)
        if diploma is not None:
            records["diploma"] = state_of(diploma)
            for nina in ninas:
                seen = Words(f"ijazah Anda (NINA {nina.value}) di SIVIL", f"your diploma (NINA {nina.value}) in SIVIL")
                looked_up = self.sources.sivil_verifications(university_code, diploma.prodi_code, nina.value)
                what = f"SIVIL verification of {nina.value}"
                trail += [_verified(what, v, seen) for v in islice(looked_up, MAX_TRAIL)]
        trail += self._seen(student.id)
        return self._report(f"student {university_code}/{nim}", personal, records, trail, student.id)

    def of_candidate(self, lsp_code: str, candidate_number: str) -> PersonalDataReport | None:
        """A competency candidate (asesi): their registration, assessments and certificates, and who verified
        a certificate; None when no such candidate is registered."""
        asesi = self._find(Asesi, Asesi.create_id(lsp_code, candidate_number))
        if asesi is None:
            return None
        personal = None if asesi.erased else self.unsealer.unseal(asesi.personal)
        records: dict[str, Any] = {"candidate": _unsealed(state_of(asesi), "personal", personal)}
        held = list(islice(self.sources.assessments_of(lsp_code, candidate_number), MAX_AGGREGATES))
        ids = [asesi.id, *(a for a, _ in held), *(Certificate.create_id(n) for _, n in held if n)]
        trail = self._trail(ids, lambda e: e.actor_role == "asesi" and e.actor_id == candidate_number)
        trail += self._shares(Holder(HolderKind.CERTIFICATE_HOLDER, lsp_code, candidate_number), records)
        for _, number in held:
            if number:
                trail += [
                    _verified(
                        f"certificate {number} verification",
                        v,
                        Words(f"sertifikat kompetensi Anda {number}", f"your competency certificate {number}"),
                    )
                    for v in self.sources.certificate_verifications(number)
                ]
        trail += self._seen(asesi.id)
        return self._report(f"candidate {lsp_code}/{candidate_number}", personal, records, trail, asesi.id)

    def of_applicant(self, account_id: str) -> PersonalDataReport | None:
        """An equivalency applicant's account: every application of it; None when it has none."""
        numbers = list(islice(self.sources.applications_of(account_id), MAX_AGGREGATES))
        applications = [self._find(EquivalencyApplication, EquivalencyApplication.create_id(n)) for n in numbers]
        found = [a for a in applications if a is not None]
        if not found:
            return None
        records: dict[str, Any] = {}
        personal = None
        for application in found:
            data = None if getattr(application, "erased", False) else self.unsealer.unseal(application.applicant)
            personal = personal or data
            records[application.registration_number] = _unsealed(state_of(application), "applicant", data)
        trail = self._trail([a.id for a in found], lambda e: e.actor_role == "applicant" and e.actor_id == account_id)
        trail += self._shares(Holder(HolderKind.APPLICANT, "", account_id), records)
        for application in found:  # PDP-R: an account's reads are its applications'
            trail += self._seen(application.id)
        # A read of this report is kept under the account's first application, so the account's next report lists it
        return self._report(f"applicant {account_id}", personal, records, trail, person_id=found[0].id)

    def _shares(self, holder: Holder, records: dict[str, Any]) -> list[Processing]:
        """The holder's shares (issue 34): their own events, and each use of each share (SHR-8), in words."""
        book = self._find(ShareBook, ShareBook.create_id(holder))
        if book is None:
            return []
        records["shares"] = state_of(book)
        role = {HolderKind.GRADUATE: "student", HolderKind.CERTIFICATE_HOLDER: "asesi"}.get(holder.kind, "applicant")
        trail = self._trail([book.id], lambda e: e.actor_role == role and e.actor_id == holder.person)
        labels = {str(share.id): share.label for share in book.shares.values()}
        for use in islice(self.sources.share_uses(list(labels)), MAX_TRAIL):
            trail.append(_used(use, labels.get(use.share_id, "")))
        return trail

    def _seen(self, person_id: UUID) -> list[Processing]:
        """PDP-R: who of the staff saw the person's data, and when (the person's own reads are not listed)."""
        names: dict[str, str] = {}
        found = []
        for read in islice(self.sources.staff_reads(person_id), MAX_TRAIL):
            a = read.actor
            person = f"{a.subject}, {a.issuer}" if a.subject and a.issuer else a.id
            institution = self._institution(a.institution, names)
            said = seen(read.view.value, who(a.role.value, person, institution), institution is not None, read.at)
            by = f"{a.role.value}:{a.id}" + (f"@{a.institution}" if a.institution else "")
            by += f" ({a.subject} at {a.issuer})" if a.issuer and a.subject else ""
            found.append(Processing(read.at, "reads", f"read {read.view.value}", by, None, read.request_id, said))
        return found

    def _ninas(self, diploma_id: UUID) -> list[NINA]:
        """The NINAs a diploma's events name, in order, each once."""
        found: dict[str, NINA] = {}
        for app in self.trail.applications.values():
            for event in app.repository.event_store.get(diploma_id):
                nina = getattr(event, "nina", None)
                if isinstance(nina, NINA):
                    found.setdefault(nina.value, nina)
        return list(found.values())

    def _trail(self, ids: Iterable[UUID], own: Own) -> list[Processing]:
        trail: list[Processing] = []
        names: dict[str, str] = {}
        for aggregate_id in islice(ids, MAX_AGGREGATES):
            trail += [self._processing(e, own, names) for e in self._events(aggregate_id)]
            if len(trail) > MAX_TRAIL:
                break
        return trail

    def _report(
        self,
        subject: str,
        personal: PersonalData | None,
        records: dict[str, Any],
        trail: list[Processing],
        person_id: UUID | None = None,
    ) -> PersonalDataReport:
        ordered = sorted(trail, key=lambda p: p.at)
        return PersonalDataReport(
            subject=subject,
            generated_at=self.clock(),
            erased=personal is None,
            personal=plain(dataclasses.asdict(personal)) if personal is not None else None,
            records=records,
            trail=ordered[:MAX_TRAIL],
            omitted=max(0, len(ordered) - MAX_TRAIL),
            person_id=person_id,
        )

    def _events(self, aggregate_id: UUID) -> list[EventRecord]:
        records: list[EventRecord] = []
        after = 0
        while True:
            page = self.trail.history(aggregate_id, after_version=after, first=500)
            if page is None:
                return records
            records += page.events
            if len(page.events) < 500:
                return records
            after = page.events[-1].version

    def _processing(self, e: EventRecord, own: Own, names: dict[str, str]) -> Processing:
        """The event, and the same in words: who did it named as the person reads it, their university by name."""
        if own(e):
            actor = YOU
        else:
            person = f"{e.actor_subject}, {e.actor_issuer}" if e.actor_subject and e.actor_issuer else e.actor_id
            actor = who(e.actor_role, person, self._institution(e.actor_institution, names))
        said = sentence(e.type, Fact(e.payload, actor, written(e.at)))
        if e.reason:
            said = Words(f"{said.id}. Alasan: {e.reason}", f"{said.en}. Reason: {e.reason}")
        return Processing(e.at, e.context, e.type, e.by, e.reason, e.request_id, said)

    def _institution(self, code: str | None, names: dict[str, str]) -> str | None:
        """A university by its registered name (an LSP by its code): looked up once per report."""
        if not code:
            return None
        if code not in names:
            university = self._find(University, University.create_id(code)) if code.isdigit() else None
            names[code] = university.name if university is not None else code
        return names[code]


def _unsealed(state: dict[str, Any], field: str, personal: PersonalData | None) -> dict[str, Any]:
    """The record with its sealed part shown to its subject (or as erased)."""
    shown = dict(state)
    shown[field] = plain(dataclasses.asdict(personal)) if personal is not None else "erased"
    return shown


def _verified(what: str, v: Verified, seen: Words) -> Processing:
    """A look-up by the public: who saw the data (an address, through which door) and when."""
    at = written(v.at, with_time=True)
    said = Words(
        f"Seseorang memeriksa {seen.id} melalui {v.via} dari alamat {v.client_address} pada {at.id}",
        f"Someone looked up {seen.en} through {v.via} from address {v.client_address} on {at.en}",
    )
    return Processing(v.at, "public", what, f"public via {v.via} from {v.client_address}", None, None, said)


def _used(use: ShareUsed, label: str) -> Processing:
    """An opening of the holder's share: when, the opener's network and browser family (SHR-8), never more."""
    at = written(use.at, with_time=True)
    did = ("membuka", "opened") if use.kind == "view" else ("mengunduh kredensial dari", "downloaded the credential of")
    said = Words(
        f"Seseorang {did[0]} berbagi Anda \u201c{label}\u201d dari jaringan {use.network} ({use.agent}) pada {at.id}",
        f"Someone {did[1]} your share \u201c{label}\u201d from network {use.network} ({use.agent}) on {at.en}",
    )
    by = f"public from {use.network} ({use.agent})"
    return Processing(use.at, "public", f"share {use.kind} {use.share_id}", by, None, None, said)
