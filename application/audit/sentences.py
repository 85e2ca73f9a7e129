"""The personal data report in words (UU PDP; issue 32, item 5): each event that processed a person's data as one
sentence in Bahasa Indonesia and in English, with the facts that matter, who did it (their institution by name,
the person as their identity provider names them) and when, written out in Jakarta time.

A sentence is built from the event as the auditors read it (``EventRecord``: its payload as plain values), so an
event stored before a field existed still reads: a missing fact is left out, never a crash. An event kind without a
sentence of its own gets the generic one; ``tests/audit/test_sentences.py`` walks every event class of the domain
and keeps each either here or in ``NEVER_PERSONAL`` (registers and counters that hold no one's data).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.calendar import JAKARTA

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
TERMS = {1: "ganjil", 2: "genap", 3: "pendek"}


@dataclass(frozen=True)
class Words:
    """One fact, said in both languages."""

    id: str
    en: str


@dataclass(frozen=True)
class Fact:
    """What a sentence is made of: the event's recorded values, who did it, and the day it was recorded."""

    p: Mapping[str, Any]
    who: Words
    on: Words


def written_day(day: date) -> Words:
    return Words(f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}", f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}")


def written(at: datetime, *, with_time: bool = False) -> Words:
    """An instant as a person in Indonesia reads it: the day in Jakarta, and the hour (WIB) where it matters."""
    local = at.astimezone(JAKARTA)
    day = written_day(local.date())
    if not with_time:
        return day
    return Words(f"{day.id} pukul {local:%H.%M} WIB", f"{day.en} at {local:%H:%M} WIB")


def period(value: Any) -> str:
    """A semester as the university names it: 2023/2024 ganjil."""
    if isinstance(value, Mapping) and isinstance(value.get("year"), int):
        return f"{value['year']}/{value['year'] + 1} {TERMS.get(int(value.get('term') or 0), '?')}"
    text = str(value or "")
    if len(text) == 5 and text.isdigit():
        return period({"year": int(text[:4]), "term": int(text[4])})
    return text or "?"


def _v(p: Mapping[str, Any], *path: str) -> str:
    """A recorded value by its path, as text ("" when it was not recorded: an older event)."""
    value: Any = p
    for name in path:
        value = value.get(name) if isinstance(value, Mapping) else None
    if isinstance(value, Mapping) and "value" in value:
        value = value["value"]
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _s(id_: str, en: str) -> Callable[[Fact], Words]:
    """A sentence from two templates: {who} and {on}, and {name}, {a__b} (a value inside another) or {name@day}
    (a recorded day, written out) for the event's recorded values."""

    def say(f: Fact) -> Words:
        return Words(
            id_.format_map(_Values(f.p, "id", who=f.who.id, on=f.on.id)),
            en.format_map(_Values(f.p, "en", who=f.who.en, on=f.on.en)),
        )

    return say


class _Values(dict[str, str]):
    """A template's values, read from the event's payload as they are asked for."""

    def __init__(self, p: Mapping[str, Any], language: str, **given: str) -> None:
        super().__init__(given)
        self.p, self.language = p, language

    def __missing__(self, key: str) -> str:
        if key == "period":
            return period(self.p.get("period") or _path(self.p, ("report", "period")))
        name, _, kind = key.partition("@")
        text = _v(self.p, *name.split("__"))
        if kind == "day" and text:
            try:
                day = written_day(date.fromisoformat(text[:10]))
            except ValueError:
                return text
            return day.id if self.language == "id" else day.en
        return text


def _path(p: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = p
    for name in path:
        value = value.get(name) if isinstance(value, Mapping) else None
    return value


def _decided(f: Fact, id_: str, en: str) -> Words:
    """A decision recorded with its ruleset: allowed or refused."""
    allowed = _path(f.p, ("decision", "allowed"))
    ruleset = _v(f.p, "decision", "ruleset_id")
    words = _s(id_, en)(f)
    if allowed is False:
        return Words(f"{words.id} (ditolak menurut {ruleset})", f"{words.en} (refused under {ruleset})")
    return Words(f"{words.id} (menurut aturan {ruleset})", f"{words.en} (under ruleset {ruleset})")


def _review(kind_id: str, kind_en: str) -> Callable[[Fact], Words]:
    def say(f: Fact) -> Words:
        late = bool(_path(f.p, ("overdue",)))
        words = _s(
            "{who} " + kind_id + " sertifikasi yang Anda ajukan pada {on}",
            "{who} " + kind_en + " the certification you submitted on {on}",
        )(f)
        return Words(
            words.id + (", melewati batas waktu" if late else ""), words.en + (", after its due date" if late else "")
        )

    return say


SENTENCES: dict[str, Callable[[Fact], Words]] = {
    # The registry (PDDIKTI): the student's record.
    "Student.Registered": _s(
        "{who} mendaftarkan Anda sebagai mahasiswa NIM {nim}, prodi {prodi_code}, masuk {entry}, pada {on}",
        "{who} registered you as a student, NIM {nim}, programme {prodi_code}, entering {entry}, on {on}",
    ),
    "Student.SemesterReported": _s(
        "{who} melaporkan semester {period} Anda pada {on}: IPS {report__ips}, IPK {report__ipk}, "
        "{report__sks_passed} sks lulus",
        "{who} reported your semester {period} on {on}: IPS {report__ips}, IPK {report__ipk}, "
        "{report__sks_passed} sks passed",
    ),
    "Student.SemesterReportWithdrawn": _s(
        "{who} menarik laporan semester {period} Anda pada {on}",
        "{who} withdrew the report of your semester {period} on {on}",
    ),
    "Student.GraduationRecorded": _s(
        "{who} mencatat kelulusan Anda (yudisium {graduation__decree_number}, {graduation__decree_date@day}) pada {on}",
        "{who} recorded your graduation (yudisium {graduation__decree_number}, {graduation__decree_date@day}) on {on}",
    ),
    "Student.RecordReliedOn": _s(
        "Catatan akademik Anda menjadi dasar keputusan atas NINA {nina} pada {on}",
        "Your academic record was relied on for the decision on NINA {nina} on {on}",
    ),
    "Student.PersonalDataErased": _s(
        "{who} menghapus data pribadi Anda pada {on}; catatan kegiatannya tetap disimpan",
        "{who} erased your personal data on {on}; the record of what was done stays",
    ),
    # The diploma's national number (PIN).
    "Diploma.NINAReserved": lambda f: _decided(
        f,
        "{who} memesan NINA {nina} untuk ijazah Anda pada {on}",
        "{who} reserved NINA {nina} for your diploma on {on}",
    ),
    "Diploma.NINAReservedAgain": lambda f: _decided(
        f,
        "{who} memesan NINA {nina} pengganti {replaces} untuk ijazah Anda pada {on}",
        "{who} reserved NINA {nina}, replacing {replaces}, for your diploma on {on}",
    ),
    "Diploma.NINAPaired": lambda f: _decided(
        f,
        "{who} memasangkan NINA {nina} dengan ijazah Anda (yudisium {graduation__decree_number}) pada {on}",
        "{who} paired NINA {nina} with your diploma (yudisium {graduation__decree_number}) on {on}",
    ),
    "Diploma.AnnulmentProposed": _s(
        "{who} mengusulkan pembatalan NINA {nina} Anda pada {on}",
        "{who} proposed annulling your NINA {nina} on {on}",
    ),
    "Diploma.AnnulmentProposalRejected": _s(
        "{who} menolak usulan pembatalan NINA {nina} Anda pada {on}",
        "{who} rejected the proposal to annul your NINA {nina} on {on}",
    ),
    "Diploma.NINAAnnulled": _s(
        "{who} membatalkan NINA {nina} Anda ({kind}, dasar hukum {legal_basis}) pada {on}",
        "{who} annulled your NINA {nina} ({kind}, legal basis {legal_basis}) on {on}",
    ),
    "NINAClaim.Claimed": _s(
        "NINA {nina} dicatat sebagai milik ijazah Anda pada {on}",
        "NINA {nina} was recorded as your diploma's own on {on}",
    ),
    # Certification submissions and the DPI (SUB).
    "Submission.Submitted": _s(
        "{who} mengajukan sertifikasi {claim__name} ({claim__issuer}) untuk DPI pada {on}",
        "{who} submitted the certification {claim__name} ({claim__issuer}) for the DPI on {on}",
    ),
    "Submission.Reuploaded": _s(
        "{who} mengunggah ulang bukti sertifikasi {claim__name} pada {on}",
        "{who} uploaded again the evidence of the certification {claim__name} on {on}",
    ),
    "Submission.Approved": _review("menyetujui", "approved"),
    "Submission.Rejected": _review("menolak", "rejected"),
    "CatalogProposal.Proposed": _s(
        "{who} mengusulkan {details__name} ({details__issuer}) ke katalog sertifikasi pada {on}",
        "{who} proposed {details__name} ({details__issuer}) for the certification catalogue on {on}",
    ),
    "CatalogProposal.Accepted": _s(
        "{who} menerima usulan katalog Anda {details__name} pada {on}",
        "{who} accepted your catalogue proposal {details__name} on {on}",
    ),
    "CatalogProposal.Rejected": _s(
        "{who} menolak usulan katalog Anda pada {on}",
        "{who} rejected your catalogue proposal on {on}",
    ),
    "Dpi.Opened": _s("{who} membuka DPI Anda pada {on}", "{who} opened your DPI on {on}"),
    "Dpi.CertificationListed": _s(
        "{who} mencantumkan sertifikasi {listing__name} pada DPI Anda pada {on}",
        "{who} listed the certification {listing__name} on your DPI on {on}",
    ),
    "Dpi.ThesisDeadlineSet": _s(
        "{who} menetapkan batas pengajuan DPI Anda {deadline@day} pada {on}",
        "{who} set your DPI's submission deadline to {deadline@day} on {on}",
    ),
    "Dpi.Finished": _s(
        "{who} menyelesaikan DPI Anda (yudisium {graduation_decree}) pada {on}",
        "{who} finished your DPI (yudisium {graduation_decree}) on {on}",
    ),
    # A competency candidate (asesi) and their assessments and certificates (ASM).
    "Asesi.Registered": _s(
        "{who} mendaftarkan Anda sebagai asesi {candidate_number} di {lsp_code} pada {on}",
        "{who} registered you as candidate {candidate_number} at {lsp_code} on {on}",
    ),
    "Asesi.PersonalDataChanged": _s(
        "{who} mengubah data pribadi Anda pada {on}", "{who} changed your personal data on {on}"
    ),
    "Asesi.EmployerChanged": _s(
        "{who} mencatat pemberi kerja Anda ({employer}) pada {on}", "{who} recorded your employer ({employer}) on {on}"
    ),
    "Asesi.PersonalDataErased": _s(
        "{who} menghapus data pribadi Anda pada {on}; catatan kegiatannya tetap disimpan",
        "{who} erased your personal data on {on}; the record of what was done stays",
    ),
    "Assessment.Opened": _s(
        "{who} membuka asesmen Anda untuk skema {skema_code} di TUK {tuk_code} ({mode}) pada {on}",
        "{who} opened your assessment for skema {skema_code} at TUK {tuk_code} ({mode}) on {on}",
    ),
    "Assessment.AsesorAssigned": _s(
        "{who} menugaskan asesor {asesor_number} untuk asesmen Anda pada {on}",
        "{who} assigned asesor {asesor_number} to your assessment on {on}",
    ),
    "Assessment.EvidenceRecorded": _s(
        "{who} mencatat bukti untuk unit {evidence__unit_code} ({evidence__description}) pada {on}",
        "{who} recorded evidence for unit {evidence__unit_code} ({evidence__description}) on {on}",
    ),
    "Assessment.UnitRecommended": _s(
        "{who} merekomendasikan {recommendation} untuk unit {unit_code} pada {on}",
        "{who} recommended {recommendation} for unit {unit_code} on {on}",
    ),
    "Assessment.Concluded": _s(
        "{who} menyimpulkan rekomendasi {recommendation} atas asesmen Anda pada {on}",
        "{who} concluded your assessment with the recommendation {recommendation} on {on}",
    ),
    "Assessment.StepDone": _s(
        "{who} menyelesaikan langkah SOP {step} atas asesmen Anda pada {on}",
        "{who} completed SOP step {step} of your assessment on {on}",
    ),
    "Assessment.PlenaryDecided": _s(
        "{who} memutuskan hasil {result} dalam rapat pleno ({members}) pada {on}",
        "{who} decided the result {result} in plenary ({members}) on {on}",
    ),
    "Assessment.ProcessReviewed": _s(
        "{who} meninjau proses asesmen Anda pada {on}", "{who} reviewed the process of your assessment on {on}"
    ),
    "Assessment.HandedOver": _s(
        "{who} menyerahkan sertifikat atau surat hasil asesmen Anda pada {on}",
        "{who} handed over your certificate or result letter on {on}",
    ),
    "Assessment.Appealed": _s(
        "{who} mengajukan banding atas asesmen pada {on}", "{who} appealed the assessment on {on}"
    ),
    "Assessment.AppealDecided": lambda f: _s(
        "{who} memutuskan banding Anda: " + ("dikabulkan" if _path(f.p, ("upheld",)) else "ditolak") + ", pada {on}",
        "{who} decided your appeal: " + ("upheld" if _path(f.p, ("upheld",)) else "dismissed") + ", on {on}",
    )(f),
    "Certificate.Printed": _s(
        "{who} mencetak sertifikat kompetensi {registration_number} ({skema_title}) atas nama Anda pada {on}",
        "{who} printed competency certificate {registration_number} ({skema_title}) in your name on {on}",
    ),
    "Certificate.Signed": _s(
        "{who} menandatangani sertifikat {registration_number} Anda, berlaku sampai {valid_until@day}, pada {on}",
        "{who} signed your certificate {registration_number}, valid until {valid_until@day}, on {on}",
    ),
    "Certificate.Revoked": _s(
        "{who} mencabut sertifikat {registration_number} Anda pada {on}",
        "{who} revoked your certificate {registration_number} on {on}",
    ),
    # An equivalency applicant's applications (EQV).
    "EquivalencyApplication.Registered": _s(
        "{who} mendaftarkan permohonan penyetaraan {registration_number} ({university}, {study__country}) pada {on}",
        "{who} registered the equivalency application {registration_number} ({university}, {study__country}) on {on}",
    ),
    "EquivalencyApplication.DocumentAdded": _s(
        "{who} menambahkan dokumen {document__item_code} pada {on}",
        "{who} added the document {document__item_code} on {on}",
    ),
    "EquivalencyApplication.Escalated": _s(
        "{who} meminta pertimbangan atas permohonan Anda pada {on}", "{who} escalated your application on {on}"
    ),
    "EquivalencyApplication.EscalationAnswered": _s(
        "{who} mencatat jawaban pertimbangan ke-{number}: {outcome}, pada {on}",
        "{who} recorded the answer to escalation {number}: {outcome}, on {on}",
    ),
    "EquivalencyApplication.Deferred": _s(
        "{who} menunda permohonan Anda ({reasons}) pada {on}", "{who} deferred your application ({reasons}) on {on}"
    ),
    "EquivalencyApplication.DeferralAnswered": _s(
        "{who} menjawab penundaan pada {on}", "{who} answered the deferral on {on}"
    ),
    "EquivalencyApplication.FeaturesCorrected": _s(
        "{who} mengoreksi ciri ijazah Anda ({features}) pada {on}",
        "{who} corrected your diploma's features ({features}) on {on}",
    ),
    "EquivalencyApplication.Equalised": _s(
        "{who} menerbitkan SK penyetaraan {sk_number}: setara {level} (aturan {rule_version}), pada {on}",
        "{who} issued SK of equivalency {sk_number}: equivalent to {level} (rule {rule_version}), on {on}",
    ),
    "EquivalencyApplication.Refused": _s(
        "{who} menolak permohonan Anda ({reasons}) pada {on}", "{who} refused your application ({reasons}) on {on}"
    ),
    "EquivalencyApplication.ApplicantDataErased": _s(
        "{who} menghapus data pribadi Anda pada {on}; catatan kegiatannya tetap disimpan",
        "{who} erased your personal data on {on}; the record of what was done stays",
    ),
    "AfterDecision.Collected": _s(
        "{who} mencatat pengambilan SK Anda pada {on}", "{who} recorded the collection of your SK on {on}"
    ),
    "AfterDecision.ReplacementIssued": _s(
        "{who} menerbitkan Surat Keterangan Pengganti SK {letter_number} pada {on}",
        "{who} issued the replacement letter {letter_number} on {on}",
    ),
    "AfterDecision.ReviewRequested": _s(
        "{who} mengajukan peninjauan kembali (PK) pada {on}", "{who} requested a formal review (PK) on {on}"
    ),
    "AfterDecision.ReviewDecided": lambda f: _s(
        "{who} memutuskan PK ke-{number}: " + ("dikabulkan" if _path(f.p, ("upheld",)) else "ditolak") + ", pada {on}",
        "{who} decided formal review {number}: " + ("upheld" if _path(f.p, ("upheld",)) else "dismissed") + ", on {on}",
    )(f),
    # The holder's shares (issue 34, SHR): their own acts, and an erasure that ended them.
    "ShareBook.Opened": _s("{who} mulai membagikan kredensial pada {on}", "{who} began sharing credentials on {on}"),
    "ShareBook.ShareCreated": lambda f: _s(
        "{who} membagikan "
        + _shared(f, "id")
        + " dengan label \u201c{label}\u201d, sampai {expires_at@day}"
        + _disclosed(f, "id")
        + ", pada {on}",
        "{who} shared "
        + _shared(f, "en")
        + " labelled \u201c{label}\u201d, until {expires_at@day}"
        + _disclosed(f, "en")
        + ", on {on}",
    )(f),
    "ShareBook.ShareChanged": _s(
        "{who} mengubah berbagi \u201c{label}\u201d: berlaku sampai {expires_at@day}, pada {on}",
        "{who} changed the share \u201c{label}\u201d: it lasts until {expires_at@day}, on {on}",
    ),
    "ShareBook.ShareRevoked": _s("{who} mencabut satu berbagi pada {on}", "{who} revoked one share on {on}"),
    "ShareBook.AllSharesRevoked": lambda f: _s(
        "{who} mencabut semua berbagi (" + str(len(f.p.get("share_ids") or ())) + ") pada {on}",
        "{who} revoked every share (" + str(len(f.p.get("share_ids") or ())) + ") on {on}",
    )(f),
    "ShareBook.SharesErased": _s(
        "{who} menghapus data pribadi Anda; berbagi Anda diakhiri dan catatan pembukaannya dihapus, pada {on}",
        "{who} erased your personal data; your shares were ended and who opened them forgotten, on {on}",
    ),
}

SHARED = {  # a shared credential's kind, as the report says it
    "diploma": ("verifikasi ijazah Anda", "a verification of your diploma"),
    "certificate": ("verifikasi sertifikat kompetensi Anda", "a verification of your competency certificate"),
    "sk": ("verifikasi SK penyetaraan Anda", "a verification of your SK of equivalency"),
}


def _shared(f: Fact, language: str) -> str:
    said = SHARED.get(_v(f.p, "credential", "kind"), SHARED["diploma"])
    return said[0] if language == "id" else said[1]


def _disclosed(f: Fact, language: str) -> str:
    facts = _v(f.p, "disclosed")
    if not facts:
        return ""
    return f", menampilkan juga: {facts}" if language == "id" else f", also showing: {facts}"


# What happens after a decision is stored under the application's own class (``AfterDecision`` is its mixin).
SENTENCES.update(
    {f"EquivalencyApplication.{k.split('.')[1]}": v for k, v in SENTENCES.items() if k.startswith("AfterDecision.")}
)

# Registers, counters and keys: they hold no one's personal data and never appear in a person's report.
NEVER_PERSONAL = frozenset(
    {
        "Asesor.EmployerChanged",
        "Asesor.Registered",
        "Asesor.RegisteredForSkema",
        "Asesor.RelationDeclared",
        "Blangko.Received",
        "Blangko.Used",
        "Licence.Amended",
        "Licence.Granted",
        "Licence.RemoteAssessmentDecided",
        "Committee.AsesorNumberChanged",
        "Committee.AsesorNumberDeclared",
        "Committee.MemberAppointed",
        "Committee.MemberDismissed",
        "Committee.Started",
        "RemoteApplication.Applied",
        "RemoteApplication.Approved",
        "RemoteApplication.Refused",
        "RemoteApplication.Started",
        "RemoteRequirements.Set",
        "RemoteRequirements.Started",
        "Skema.Published",
        "Skema.RemoteRequirementsSet",
        "Skema.Revised",
        "Tuk.FacilitiesVerified",
        "Tuk.Registered",
        "StatusSlots.Allocated",
        "StatusSlots.Opened",
        "StatusListKey.Drawn",
        "ShareLink.Claimed",  # a link's digest and the book it opens: the share's own event says what was shared
        "ShareCode.Claimed",
        "PddiktiImport.Recorded",  # an import's counts and line errors by line, field and rule id, never a value
        "NINASequence.NumberClaimed",
        "NINASequence.Started",
        "RegistrationSequence.Issued",
        "RegistrationSequence.Started",
        "SkNumber.Claimed",
        "IdempotencyKey.Claimed",
        "Programme.AccreditationRecorded",
        "Programme.Registered",
        "Programme.Renamed",
        "University.Registered",
        "University.Renamed",
        "Catalog.EntryAdded",
        "Catalog.EntryRevised",
        "Catalog.EntryWithdrawn",
        "Catalog.Opened",
    }
)


def sentence(kind: str, fact: Fact) -> Words:
    """The event in words; the generic sentence for a kind without one of its own, or one whose values do not fit."""
    say = SENTENCES.get(kind)
    if say is not None:
        try:
            return say(_with_entry(fact))
        except (KeyError, ValueError, TypeError, IndexError):  # an older event's values: say what is known
            pass
    return _s("{who} mencatat " + kind + " tentang Anda pada {on}", "{who} recorded " + kind + " about you on {on}")(
        fact
    )


def _with_entry(fact: Fact) -> Fact:
    if "entry_period" in fact.p:
        return Fact({**fact.p, "entry": period(fact.p["entry_period"])}, fact.who, fact.on)
    return fact


ROLES = {
    "ministry_admin": ("admin kementerian", "ministry administrator"),
    "university_operator": ("operator", "operator"),
    "university_leader": ("rektor", "rector"),
    "director_general": ("Direktur Jenderal", "Director General"),
    "pddikti_sync": ("sinkronisasi PDDIKTI", "PDDIKTI feed"),
    "student": ("mahasiswa", "student"),
    "ssc_staff": ("staf layanan mahasiswa", "student service centre staff"),
    "bnsp_officer": ("petugas BNSP", "BNSP officer"),
    "kabag_sertifikasi": ("Kabag Sertifikasi", "head of certification"),
    "kabag_administrasi": ("Kabag Administrasi", "head of administration"),
    "komite_teknis": ("komite teknis", "technical committee"),
    "ketua_lsp": ("Ketua LSP", "head of the LSP"),
    "asesor": ("asesor", "asesor"),
    "asesi": ("asesi", "candidate"),
    "applicant": ("pemohon", "applicant"),
    "equivalency_team": ("tim penyetaraan Direktorat", "the directorate's equivalency team"),
    "legal_staff": ("staf hukum", "legal staff"),
    "auditor": ("auditor", "auditor"),
}
YOU = Words("Anda", "You")


def who(role: str | None, person: str | None, institution: str | None) -> Words:
    """Who did it: their institution by name where it has one, their role, and the person as their identity
    provider names them (else as their role's id names them)."""
    if role is None:
        return Words("Sistem", "The system")
    role_id, role_en = ROLES.get(role, (role, role))
    named = f" {person}" if person else ""
    if institution:
        return Words(f"{institution} ({role_id}{named})", f"{institution} ({role_en}{named})")
    return Words(f"{role_id[:1].upper()}{role_id[1:]}{named}", f"{role_en[:1].upper()}{role_en[1:]}{named}")


# What a staff member saw of the person's data (PDP-R), by ``SeenView`` value: the person's own words for it.
SEEN = {
    "student_record": ("data registrasi Anda", "your registry record"),
    "student_list": ("data Anda di daftar mahasiswa", "your entry in the list of students"),
    "semesters": ("data semester Anda", "your semester data"),
    "diploma": ("NINA dan ijazah Anda", "your NINA and diploma"),
    "eligibility": ("kelayakan NINA Anda", "your NINA eligibility"),
    "submission": ("pengajuan sertifikasi Anda", "your certification submission"),
    "dpi": ("DPI (Dokumen Pendamping Ijazah) Anda", "your DPI (diploma supplement)"),
    "assessment": ("data asesmen kompetensi Anda", "your competency assessment"),
    "application": ("permohonan penyetaraan ijazah Anda", "your diploma equivalency application"),
    "personal_data_report": ("laporan data pribadi Anda", "your personal data report"),
    "dpi_pdf": ("mengunduh DPI Anda", "downloaded your DPI"),
    "certificate_pdf": ("mengunduh sertifikat kompetensi Anda", "downloaded your competency certificate"),
    "bk_letter_pdf": ("mengunduh surat keterangan belum kompeten Anda", "downloaded your letter of not yet competent"),
    "sk_pdf": ("mengunduh SK penyetaraan ijazah Anda", "downloaded your SK of diploma equivalency"),
    "file": ("mengunduh berkas yang Anda unggah", "downloaded a file you uploaded"),
}


def seen(view: str, by: Words, of_institution: bool, at: datetime) -> Words:
    """A staff member's read of the person's data: "Staf Universitas Contoh (operator) melihat data semester Anda
    pada ..."."""
    what_id, what_en = SEEN.get(view, (f"data Anda ({view})", f"your data ({view})"))
    on = written(at, with_time=True)
    staff_id, staff_en = (f"Staf {by.id}", f"Staff of {by.en}") if of_institution else (by.id, by.en)
    if what_id.startswith("mengunduh "):  # a download names its own verb
        return Words(f"{staff_id} {what_id} pada {on.id}", f"{staff_en} {what_en} on {on.en}")
    return Words(f"{staff_id} melihat {what_id} pada {on.id}", f"{staff_en} viewed {what_en} on {on.en}")
