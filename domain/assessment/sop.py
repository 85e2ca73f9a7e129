"""The LSP's SOP for issuing certificates (ASM-6, seed 003: SOP Penerbitan Sertifikat), as data: each step's
role, standard time, and the step it depends on.

The seed's table lost the marks of its "Pelaksana" columns; DOMAIN.md names the roles of steps 1, 3 and 8. The
others are decided here from the steps' outputs: the Kabag Administrasi prepares documents, letters and prints
(steps 2, 5, 7); the Kabag Sertifikasi announces the result and requests blangko from BNSP (steps 4, 6), as the
seed's warning puts the blangko request with "bagian Sertifikasi".

Steps 9 and 10 (the seed's 10 and 11; it has no 9, issue 30): the Kabag Administrasi copies and archives the signed
certificate (as DOMAIN.md says) and, decided here, also hands it over, or hands over the BK letter, against the
holder's receipt: the Kabag Administrasi made the letter and keeps its copy (step 5) and holds the archived
certificate, so the original leaves the office through the same hands. For BK, step 10 depends on the letter of
step 5 (decided): the seed's input of step 11 is "Surat keterangan belum kompeten", and step 5 already copies and
archives it, so a BK candidate has no step 9 (there is no certificate to archive).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from domain.audit import Role
from domain.calendar import WorkingCalendar

WORKING_DAYS_A_WEEK = 5  # "1 minggu" (decided: five working days, the Indonesian office week)


class Result(StrEnum):
    K = "K"  # kompeten
    BK = "BK"  # belum kompeten


class Step(IntEnum):
    INVITE_COMMITTEE = 1  # undangan rapat komite teknis
    PREPARE_DOCUMENTS = 2  # dokumen asesmen dan berita acara asesmen
    PLENARY = 3  # rapat pleno: berita acara penetapan hasil asesmen
    ANNOUNCE_RESULT = 4  # SK penetapan hasil asesmen, K or BK per candidate
    ISSUE_BK_LETTER = 5  # Surat Keterangan Belum Kompeten, a copy kept (BK only)
    REQUEST_BLANGKO = 6  # blangko from BNSP: done when a blangko number is the candidate's (K only)
    PRINT_CERTIFICATE = 7  # the certificate printed on that blangko
    SIGN_CERTIFICATE = 8  # signed and stamped by the Ketua LSP: the certificate is issued
    ARCHIVE_CERTIFICATE = 9  # the signed certificate copied and the copy archived (K only)
    HAND_OVER = 10  # the certificate (K) or the BK letter (BK) handed over: Tanda Terima Sertifikat Kompetensi


@dataclass(frozen=True)
class StandardTime:
    hours: int = 0  # office hours
    working_days: int = 0
    minutes: int = 0  # office minutes: "10 menit" counts like an office hour does, within office hours

    def due(self, started: datetime, calendar: WorkingCalendar) -> datetime:
        if self.working_days:
            return calendar.add_working_days_from(started, self.working_days)
        return calendar.add_office_time(started, timedelta(hours=self.hours, minutes=self.minutes))

    def __str__(self) -> str:
        if self.working_days:
            return f"{self.working_days} working days"
        return f"{self.minutes} office minutes" if self.minutes else f"{self.hours} office hours"


@dataclass(frozen=True)
class StepRule:
    step: Step
    role: Role
    standard: StandardTime
    after: Step | None  # the step it depends on; the first follows the asesor's concluded recommendation
    only_for: Result | None = None  # steps 5 and 6 .. 9 are for BK and K candidates only
    after_bk: Step | None = None  # for a BK candidate, when it depends on another step (step 10: the letter)

    def depends_on(self, result: Result | None) -> Step | None:
        return self.after_bk if result is Result.BK and self.after_bk is not None else self.after


SOP: dict[Step, StepRule] = {
    rule.step: rule
    for rule in (
        StepRule(Step.INVITE_COMMITTEE, Role.KABAG_SERTIFIKASI, StandardTime(hours=1), None),
        StepRule(Step.PREPARE_DOCUMENTS, Role.KABAG_ADMINISTRASI, StandardTime(hours=1), Step.INVITE_COMMITTEE),
        StepRule(Step.PLENARY, Role.KOMITE_TEKNIS, StandardTime(hours=3), Step.PREPARE_DOCUMENTS),
        StepRule(Step.ANNOUNCE_RESULT, Role.KABAG_SERTIFIKASI, StandardTime(hours=1), Step.PLENARY),
        StepRule(Step.ISSUE_BK_LETTER, Role.KABAG_ADMINISTRASI, StandardTime(hours=1), Step.ANNOUNCE_RESULT, Result.BK),
        StepRule(
            Step.REQUEST_BLANGKO,
            Role.KABAG_SERTIFIKASI,
            StandardTime(working_days=WORKING_DAYS_A_WEEK),
            Step.ANNOUNCE_RESULT,
            Result.K,
        ),
        StepRule(
            Step.PRINT_CERTIFICATE,
            Role.KABAG_ADMINISTRASI,
            StandardTime(working_days=1),
            Step.REQUEST_BLANGKO,
            Result.K,
        ),
        StepRule(Step.SIGN_CERTIFICATE, Role.KETUA_LSP, StandardTime(hours=2), Step.PRINT_CERTIFICATE, Result.K),
        StepRule(
            Step.ARCHIVE_CERTIFICATE,
            Role.KABAG_ADMINISTRASI,
            StandardTime(minutes=10),
            Step.SIGN_CERTIFICATE,
            Result.K,
        ),
        StepRule(
            Step.HAND_OVER,
            Role.KABAG_ADMINISTRASI,
            StandardTime(minutes=10),
            Step.ARCHIVE_CERTIFICATE,
            after_bk=Step.ISSUE_BK_LETTER,
        ),
    )
}


def next_step(done: Step | None, result: Result | None) -> Step | None:
    """The step that follows ``done`` (None: the recommendation), for a candidate with the plenary's ``result``;
    None when the SOP is finished."""
    for rule in SOP.values():
        if rule.depends_on(result) == done and (rule.only_for is None or rule.only_for == result):
            return rule.step
    return None
