"""The public look-up (PIN-6), in the order that keeps it honest and cheap to defend.

1. the form of the codes and the NINA (PIN-1): a typo is named before anything is counted or spent;
2. the rate limit per client address;
3. the challenge: checked (a wrong answer spends it at once);
4. the read model; only once it has answered (found or not) is the challenge spent, atomically, so that a
   look-up that fails because a store is unavailable leaves it usable and no challenge answers twice;
5. a found diploma is recorded in the processing trail (UU PDP).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from api.public_lookup.challenge import Challenges
from api.public_lookup.rate_limit import LOOKUP_SCOPE, RateLimiter
from api.sivil.trail import ProcessingTrail, Verification
from domain.diploma.nina import NINA
from domain.errors import Failure, RuleViolation
from domain.registry.codes import ProdiCode, UniversityCode
from projections.sivil.rows import SivilEntry
from projections.sivil.view import SivilView

# One wording for every miss, whether the NINA belongs to another university or to nobody (PIN-6).
NOT_FOUND = (
    "Ijazah tidak ditemukan. Periksa kode perguruan tinggi (6 digit) dan kode prodi (5 digit) dari perguruan "
    "tinggi yang menerbitkan ijazah, dan NINA (15 digit) persis seperti tercetak pada ijazah: 5 digit pertama "
    "adalah kode prodi, digit terakhir adalah digit periksa. / Diploma not found. Check the university code "
    "(6 digits) and the prodi code (5 digits) of the university that issued the diploma, and the NINA (15 "
    "digits) exactly as printed on it: its first 5 digits are the prodi code, its last is a check digit."
)

STATUS_LABELS = {
    "VALID": "Sah / Valid",
    "VOID": "Dibatalkan, tidak sah sejak awal / Annulled, void from the start",
    "CANCELLED_IN_ERROR": "Dibatalkan karena kekeliruan penerbitan / Cancelled, issued in error",
    "NOT_YET_RECORDED": "Belum tercatat di SIVIL pada tanggal itu / Not yet recorded in SIVIL on that day",
}


# The public page's words for a mistyped question (PIN-0, PIN-1): Bahasa Indonesia with English, no rule ids. Keyed
# by the part that NINA.parse names in its message; the GraphQL API for programs keeps the ids and the messages.
FIELD_NOTICES = {
    "universityCode": "Kode perguruan tinggi terdiri atas 6 digit. / A university code has 6 digits.",
    "prodiCode": "Kode prodi terdiri atas 5 digit. / A prodi code has 5 digits.",
}
NINA_NOTICES = {
    "digits 0-9": "NINA hanya berisi angka 0-9. / A NINA has only the digits 0-9.",
    "(length)": "NINA terdiri atas 15 digit. / A NINA has 15 digits.",
    "(prodi prefix)": (
        "5 digit pertama NINA adalah kode prodi; keduanya tidak sama. / The first 5 digits of a NINA are the prodi "
        "code; they differ."
    ),
    "(year)": (
        "Digit ke-6 sampai ke-9 NINA adalah tahun terbit; itu bukan tahun. / Digits 6 to 9 of a NINA are the year "
        "of issue; they are not a year."
    ),
    "(check digit)": (
        "Digit terakhir NINA (digit periksa) tidak cocok dengan 14 digit sebelumnya: periksa apakah ada digit yang "
        "salah ketik atau tertukar. / The last digit of the NINA (its check digit) does not match the 14 before it: "
        "look for a mistyped or swapped digit."
    ),
}
NINA_NOTICE = "NINA tidak sah; periksa 15 digitnya. / The NINA is not valid; check its 15 digits."
FORM_NOTICE = "Periksa isian formulir. / Check the fields of the form."


def public_notices(violation: RuleViolation) -> list[str]:
    """What the public page says about a mistyped question: each wrong field, in both languages."""
    notices = []
    for failure in violation.failures:
        if failure.field == "nina":
            found = (text for part, text in NINA_NOTICES.items() if part in failure.message)
            notices.append(f"NINA: {next(found, NINA_NOTICE)}")
        else:
            notices.append(FIELD_NOTICES.get(failure.field, FORM_NOTICE))
    return notices


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


# Every look-up door (verify, statusOn, /sivil/status) counts against one budget per address, so that an
# address cannot probe through one door once another is closed to it (PIN-6).
SCOPE = LOOKUP_SCOPE


class DiplomaNotFound(Exception):
    def __init__(self) -> None:
        super().__init__(NOT_FOUND)
        self.message = NOT_FOUND


@dataclass(frozen=True)
class Asked:
    """A well-formed question: which diploma, by all three parts of its key (PIN-1)."""

    university_code: str
    prodi_code: str
    nina: str


@dataclass(frozen=True)
class Verified:
    entry: SivilEntry
    verified_at: datetime


@dataclass(frozen=True)
class Status:
    """A status category and its date; for a past day, also what the register says now."""

    status: str
    status_date: str | None
    current_status: str | None = None
    current_status_date: str | None = None

    @property
    def label(self) -> str:
        return status_label(self.status)


def check_form(university_code: str, prodi_code: str, nina: str) -> Asked:
    """PIN-0/PIN-1 form checks, every failure at once, each naming its field and the wrong part.

    The public pastes from documents: surrounding whitespace of any kind, and spaces inside a NINA, are dropped
    before the codes are parsed by the same value objects as every other door."""
    failures: list[Failure] = []
    university: UniversityCode | None = None
    prodi: ProdiCode | None = None
    parsed: NINA | None = None
    try:
        university = UniversityCode.parse((university_code or "").strip())
    except RuleViolation as e:
        failures.extend(e.failures)
    try:
        prodi = ProdiCode.parse((prodi_code or "").strip())
    except RuleViolation as e:
        failures.extend(e.failures)
    try:
        parsed = NINA.parse("".join((nina or "").split()), prodi_code=prodi.value if prodi else None)
    except RuleViolation as e:
        failures.extend(e.failures)
    if failures or university is None or prodi is None or parsed is None:
        raise RuleViolation(*failures)
    return Asked(university.value, prodi.value, parsed.value)


class PublicLookup:
    def __init__(
        self,
        *,
        view: SivilView,
        challenges: Challenges,
        limiter: RateLimiter,
        trail: ProcessingTrail,
        clock: Callable[[], datetime],
    ) -> None:
        self.view = view
        self.challenges = challenges
        self.limiter = limiter
        self.trail = trail
        self.clock = clock

    def verify(
        self, *, university_code: str, prodi_code: str, nina: str, token: str, answer: str, address: str, via: str
    ) -> Verified:
        """Raises RuleViolation, RateLimited, ChallengeRefused or DiplomaNotFound, in that order of checking,
        or Unavailable (with the challenge still usable) when a store cannot be reached."""
        asked = check_form(university_code, prodi_code, nina)
        self.limiter.hit(address, scope=SCOPE)
        ticket = self.challenges.check(token, answer)
        entry = self.view.entry(asked.university_code, asked.prodi_code, asked.nina)
        with self.challenges.spending(ticket):  # PIN-6: spent only on an answered look-up
            return self._recorded(asked, entry, address, via)

    def reread(self, asked: Asked, address: str, via: str) -> Verified:
        """The entry as it is now, recorded in the trail; for a PDF whose look-up already passed a challenge."""
        return self._recorded(asked, self.view.entry(asked.university_code, asked.prodi_code, asked.nina), address, via)

    def _recorded(self, asked: Asked, entry: SivilEntry | None, address: str, via: str) -> Verified:
        if entry is None:
            raise DiplomaNotFound()
        return Verified(entry, self._record(asked, address, via))

    def _record(self, asked: Asked, address: str, via: str) -> datetime:
        """Keeps a successful look-up in the processing trail (UU PDP); returns its instant."""
        at = self.clock()
        self.trail.record(
            Verification(
                verified_at=at,
                university_code=asked.university_code,
                prodi_code=asked.prodi_code,
                nina=asked.nina,
                client_address=address,
                via=via,
            )
        )
        return at

    @property
    def knows_history(self) -> bool:
        return callable(getattr(self.view, "status_on", None))

    def status(
        self,
        *,
        university_code: str,
        prodi_code: str,
        nina: str,
        address: str,
        via: str,
        on: date | None = None,
        challenge: tuple[str, str] | None = None,
    ) -> Status:
        """Only the status category and its date: what a verifier of a PDF needs, no personal data.

        Callers that hold no signed statement must answer a ``challenge`` (token, answer) first, so that the
        status cannot be used to enumerate which NINAs exist (PIN-6).
        """
        asked = check_form(university_code, prodi_code, nina)
        self.limiter.hit(address, scope=SCOPE)
        ticket = self.challenges.check(*challenge) if challenge is not None else None
        if on is None:
            entry = self.view.entry(asked.university_code, asked.prodi_code, asked.nina)
            found = Status(entry.status, entry.status_date) if entry else None
        else:
            status_on: Any = getattr(self.view, "status_on", None)
            if status_on is None:
                raise NotImplementedError("this read model does not keep the status history")
            found = _as_status(status_on(asked.university_code, asked.prodi_code, asked.nina, on))
        with self.challenges.spending(ticket) if ticket else nullcontext():  # PIN-6: only an answered look-up
            if found is None:
                raise DiplomaNotFound()
            self._record(asked, address, via)
            return found


def _as_status(answer: Any) -> Status | None:
    """``SivilView.status_on`` answers None or a row with ``status`` and ``status_date`` (and ``current_status``)."""
    if answer is None:
        return None

    def text(name: str) -> str | None:
        value = getattr(answer, name, None)
        return None if value is None else str(value)

    return Status(str(answer.status), text("status_date"), text("current_status"), text("current_status_date"))
