"""One candidate's competency assessment at an LSP on one skema (ASM-2 .. ASM-6, ASM-8), from the schedule
through the asesor's recommendation and the SOP's steps to a certificate or a letter of BK.

The skema version is fixed at opening: a later revision of the skema never changes what this candidate is
assessed against. Each step of the SOP records when it was done and when the next one is due (in office hours or
working days of the calendar recorded with it), so the LSP's overdue list never depends on today's holidays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.assessment.asesor import Asesor, Candidate
from domain.assessment.evidence import EvidenceRecord
from domain.assessment.handover import HandOverReceipt
from domain.assessment.kinds import Mode, Stage
from domain.assessment.licence import Licence
from domain.assessment.people import IDENTITY
from domain.assessment.remote import APPROVAL_RULE, TUK_RULE
from domain.assessment.review import ORDER, Findings, check_reviewer, review_due
from domain.assessment.sop import SOP, Result, Step, next_step
from domain.assessment.standards import Skema
from domain.assessment.tuk import Tuk
from domain.audit import Cause
from domain.calendar import WorkingCalendar
from domain.errors import violation

MAX_MEMBERS = 50  # of a plenary
# ASM-2, ASM-3 (decided): the licence and the asesor's registration are judged on the assessment day, once.
ASSESSMENT_DAY = "ASM-2.assessment-day"
REMOTE_RULES = ("ASM-5", APPROVAL_RULE, TUK_RULE)
APPEAL_DAYS = 14  # ASM-8 (decided, from BNSP practice): an appeal within 14 days of the announced result


@dataclass(frozen=True)
class Entitlement:
    """What a judgement is recorded under, each still checked on its day."""

    asesor: Asesor
    candidate: Candidate
    licence: Licence
    tuk: Tuk
    skema: Skema
    remote_requirements: frozenset[str] = frozenset()  # in force for the skema at this LSP (ASM-5.tuk)


@dataclass(frozen=True)
class Due:
    step: Step
    at: datetime  # aware, Jakarta
    calendar: str


# The stages in which a step of the SOP may be due: steps 9 and 10 follow the issued certificate or BK letter.
SOP_OPEN = frozenset({Stage.IN_SOP, Stage.CERTIFIED, Stage.NOT_YET_COMPETENT})


def _number(step: Step | None) -> int:
    return step.value if step is not None else 0


class Assessment(Aggregate):
    class Opened(Aggregate.Created):
        lsp_code: str
        candidate_number: str
        skema_code: str
        skema_version: int
        units: tuple[tuple[str, int], ...]  # each unit's code and its number of elements, in this version
        assessed_on: date
        tuk_code: str
        mode: Mode
        rule_ids: tuple[str, ...]
        cause: Cause

    class AsesorAssigned(Aggregate.Event):
        asesor_number: str
        rule_ids: tuple[str, ...]
        cause: Cause

    class EvidenceRecorded(Aggregate.Event):
        evidence: EvidenceRecord
        cause: Cause

    class UnitRecommended(Aggregate.Event):
        unit_code: str
        recommendation: Result
        asesor_number: str
        rule_ids: tuple[str, ...]
        cause: Cause

    class Concluded(Aggregate.Event):
        """The asesor's overall recommendation: K only when every unit is K (ASM-4)."""

        recommendation: Result
        asesor_number: str
        due: Due
        rule_ids: tuple[str, ...]
        cause: Cause

    class StepDone(Aggregate.Event):
        step: Step
        at: datetime
        overdue: bool
        reference: str | None  # the step's document: SK number, letter number, blangko or registration number
        due: Due | None  # the next step's, None when the SOP is finished
        rule_ids: tuple[str, ...]
        cause: Cause

    class PlenaryDecided(Aggregate.Event):
        """Step 3: the technical committee's decision on this candidate, by members who did not assess them."""

        result: Result
        members: tuple[str, ...]
        # Every number each member ever held (ASM-6.identity); in a log from before it, each one's number of the day.
        member_asesor_numbers: tuple[str, ...]
        at: datetime
        overdue: bool
        due: Due
        rule_ids: tuple[str, ...]
        cause: Cause
        # ASM-9: when the review of the process is due; None in a log from before ASM-9, which owes none.
        review_due: datetime | None = None

    class HandedOver(Aggregate.Event):
        """Step 10: the certificate (K) or the BK letter handed over against a receipt (Tanda Terima Sertifikat
        Kompetensi, ASM-6)."""

        at: datetime
        overdue: bool
        receipt: HandOverReceipt
        rule_ids: tuple[str, ...]
        cause: Cause

    class ProcessReviewed(Aggregate.Event):
        """Peninjauan proses asesmen (ASM-9): findings on how the assessment was carried out."""

        reviewer: str
        reviewer_asesor_numbers: tuple[str, ...]  # every number the reviewer ever held, none of them an assessor's
        findings: Findings
        at: datetime
        overdue: bool
        rule_ids: tuple[str, ...]
        cause: Cause

    class Appealed(Aggregate.Event):
        grounds: str
        on: date
        rule_ids: tuple[str, ...]
        cause: Cause

    class AppealDecided(Aggregate.Event):
        upheld: bool
        decided_by: str
        remark: str
        due: Due | None
        rule_ids: tuple[str, ...]
        cause: Cause

    @classmethod
    def open(
        cls,
        *,
        licence: Licence,
        skema: Skema,
        candidate_number: str,
        assessed_on: date,
        tuk: Tuk,
        mode: Mode,
        cause: Cause,
        remote_requirements: frozenset[str] = frozenset(),
    ) -> Assessment:
        """``remote_requirements``: what the LSP's TUK must provide for the skema remotely (ASM-5.tuk)."""
        licence.check_covers(skema.code, assessed_on)  # ASM-2 on the assessment day, once (ASSESSMENT_DAY)
        tuk.check_serves(licence.lsp_code)
        if mode is Mode.REMOTE:  # ASM-5
            licence.check_remote()
            tuk.check_remote_requirements(skema.code, remote_requirements)
        units = tuple((u.code, len(u.elements)) for u in skema.units_of(skema.current_version))
        opened: Assessment = cls(
            lsp_code=licence.lsp_code,
            candidate_number=candidate_number,
            skema_code=skema.code,
            skema_version=skema.current_version,
            units=units,
            assessed_on=assessed_on,
            tuk_code=tuk.tuk_code,
            mode=mode,
            rule_ids=("ASM-2", ASSESSMENT_DAY, *REMOTE_RULES) if mode is Mode.REMOTE else ("ASM-2", ASSESSMENT_DAY),
            cause=cause,
        )
        return opened

    @event(Opened)
    def __init__(
        self,
        lsp_code: str,
        candidate_number: str,
        skema_code: str,
        skema_version: int,
        units: tuple[tuple[str, int], ...],
        assessed_on: date,
        tuk_code: str,
        mode: Mode,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.lsp_code = lsp_code
        self.candidate_number = candidate_number
        self.skema_code = skema_code
        self.skema_version = skema_version
        self.units = dict(units)
        self.assessed_on = assessed_on
        self.tuk_code = tuk_code
        self.mode = mode
        self.asesors: set[str] = set()  # assigned in this round
        self.assessed_by: set[str] = set()  # every asesor ever assigned: never in the plenary on this candidate
        self.deciders: set[str] = set()  # every plenary member, by id and asesor number, of every round
        self.evidence: list[EvidenceRecord] = []
        self.evidence_from = 0  # where this round's evidence starts: a reopened assessment gathers its own
        self._start_round()
        self.appeals = 0
        self.appeal_grounds: str | None = None
        self.stage_before_appeal = Stage.IN_SOP
        # ASM-9: a decision not yet reviewed, and by when; an upheld appeal leaves an owed review owed.
        self.review_owed = False
        self.review_due: datetime | None = None

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    def _start_round(self) -> None:
        self.stage = Stage.ASSESSING
        self.recommendations: dict[str, Result] = {}
        self.recommendation: Result | None = None
        self.result: Result | None = None
        self.members: tuple[str, ...] = ()
        self.steps: dict[Step, datetime] = {}
        self.references: dict[Step, str] = {}
        self.due: Due | None = None
        self.announced_on: date | None = None
        self.appealed = False  # this round's decision: appealed once at most (ASM-8, decided)

    @property
    def candidate_key(self) -> str:
        return f"{self.lsp_code}/{self.candidate_number}"

    # ASM-3: an official assignment ---------------------------------------------------------------------------

    def assign(self, asesor: Asesor, candidate: Candidate, cause: Cause, holders: frozenset[str] = frozenset()) -> None:
        """``holders``: the LSP's people who ever held the asesor's number (ASM-6.identity); after an appeal, none of
        them may have decided on this candidate either (ASM-8)."""
        self._check_stage(Stage.ASSESSING, "asesorNumber", "ASM-3")
        if asesor.asesor_number in self.asesors:
            return
        if self.appeals and ({asesor.asesor_number} | holders) & (self.assessed_by | self.deciders):
            raise violation(
                "ASM-8.reassessment",
                "asesorNumber",
                f"asesor {asesor.asesor_number} assessed or decided on this candidate before the appeal; a reopened "
                "assessment is taken by someone who did not",
            )
        asesor.check_may_assess(self.skema_code, self.assessed_on, candidate)  # ASM-3 on the assessment day, once
        self._asesor_assigned(asesor_number=asesor.asesor_number, rule_ids=("ASM-3", ASSESSMENT_DAY), cause=cause)

    @event(AsesorAssigned)
    def _asesor_assigned(self, asesor_number: str, rule_ids: tuple[str, ...], cause: Cause) -> None:
        self.asesors.add(asesor_number)
        self.assessed_by.add(asesor_number)

    # ASM-4: evidence and K/BK ----------------------------------------------------------------------------------

    def check_evidence_recorder(self, asesor_number: str) -> None:
        """ASM-3, ASM-4: whether this asesor records evidence here now; asked before the evidence is read."""
        self._check_assessor(asesor_number)

    def record_evidence(self, evidence: EvidenceRecord, cause: Cause) -> None:
        self._check_assessor(evidence.asesor_number)
        elements = self.units.get(evidence.unit_code)
        if elements is None:
            raise violation("ASM-4", "unitCode", f"unit {evidence.unit_code} is not in skema {self.skema_code}")
        if not 1 <= evidence.element <= elements:
            raise violation("ASM-4", "element", f"unit {evidence.unit_code} has elements 1 to {elements}")
        self._evidence_recorded(evidence=evidence, cause=cause)

    @event(EvidenceRecorded)
    def _evidence_recorded(self, evidence: EvidenceRecord, cause: Cause) -> None:
        self.evidence.append(evidence)

    def recommend(self, unit_code: str, recommendation: Result, entitled: Entitlement, cause: Cause) -> None:
        """ASM-4: K for a unit only when each of its elements has evidence meeting the four rules.

        The LSP's licence (ASM-2) and the asesor's registration (ASM-3) were judged once, on the assessment day, at
        the opening and the assignment; recording the K/BK later does not judge them again (ASM-2.assessment-day),
        so a licence or registration ending on the assessment day never leaves the assessment stuck. What may change
        since and still matters is checked now: no conflict of interest (ASM-3.conflict), and for a remote
        assessment BNSP's approval and the TUK's requirements (ASM-5)."""
        asesor = entitled.asesor
        self._check_assessor(asesor.asesor_number)
        if unit_code not in self.units:
            raise violation("ASM-4", "unitCode", f"unit {unit_code} is not in skema {self.skema_code}")
        asesor.check_no_conflict(entitled.candidate)
        if self.mode is Mode.REMOTE:
            entitled.licence.check_remote()
            entitled.tuk.check_remote_requirements(self.skema_code, entitled.remote_requirements)
        if recommendation is Result.K:
            missing = [n for n in range(1, self.units[unit_code] + 1) if not self._supported(unit_code, n)]
            if missing:
                raise violation(
                    "ASM-4.evidence",
                    "recommendation",
                    f"K for {unit_code} needs evidence that is valid, authentic, current and sufficient for every "
                    f"element; none for element(s) {', '.join(map(str, missing))}",
                )
        if self.recommendations.get(unit_code) is not recommendation:
            self._unit_recommended(
                unit_code=unit_code,
                recommendation=recommendation,
                asesor_number=asesor.asesor_number,
                rule_ids=("ASM-4", ASSESSMENT_DAY),
                cause=cause,
            )

    def _supported(self, unit_code: str, element: int) -> bool:
        """This round's evidence only: after an upheld appeal, the overturned judgement supports nothing."""
        return any(
            e.unit_code == unit_code and e.element == element and e.judged.met
            for e in self.evidence[self.evidence_from :]
        )

    @event(UnitRecommended)
    def _unit_recommended(
        self, unit_code: str, recommendation: Result, asesor_number: str, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.recommendations[unit_code] = recommendation

    def conclude(self, asesor_number: str, at: datetime, calendar: WorkingCalendar, cause: Cause) -> Result:
        """ASM-4: the overall recommendation is K only if every unit is K; every unit must have one."""
        self._check_assessor(asesor_number)
        pending = [code for code in self.units if code not in self.recommendations]
        if pending:
            raise violation("ASM-4.incomplete", "unitCode", f"no K or BK yet for unit(s) {', '.join(pending)}")
        overall = Result.K if all(r is Result.K for r in self.recommendations.values()) else Result.BK
        first = SOP[Step.INVITE_COMMITTEE]
        due = Due(first.step, first.standard.due(at, calendar), calendar.id)
        self._concluded(recommendation=overall, asesor_number=asesor_number, due=due, rule_ids=("ASM-4",), cause=cause)
        return overall

    @event(Concluded)
    def _concluded(
        self, recommendation: Result, asesor_number: str, due: Due, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.recommendation = recommendation
        self.stage = Stage.IN_SOP
        self.due = due

    def _check_assessor(self, asesor_number: str) -> None:
        # Who first, then the stage: an asesor not assigned learns nothing of this assessment.
        if asesor_number not in self.asesors:
            raise violation(
                "ASM-3.assignment", "asesorNumber", f"asesor {asesor_number} is not assigned to this assessment"
            )
        self._check_stage(Stage.ASSESSING, "assessmentId", "ASM-4")

    # ASM-6: the SOP's steps ------------------------------------------------------------------------------------

    @property
    def next_step(self) -> Step | None:
        return self.due.step if self.due is not None and self.stage in SOP_OPEN else None

    def check_step(self, step: Step) -> None:
        """ASM-6: a step only once its predecessor is done, and only for the candidates it is for."""
        if self.stage not in SOP_OPEN:
            raise violation("ASM-6.order", "step", f"step {step.value} is not open: the assessment is {self.stage}")
        rule = SOP[step]
        if rule.only_for is not None and self.result is not None and rule.only_for is not self.result:
            raise violation("ASM-6.order", "step", f"step {step.value} is for {rule.only_for} candidates only")
        if step != self.next_step:
            done = max(self.steps, default=None)
            raise violation(
                "ASM-6.order",
                "step",
                f"step {step.value} ({step.name}) depends on step {_number(rule.depends_on(self.result))}; "
                f"the last step done is {done.value if done else 'none'}",
            )

    def do_step(
        self, step: Step, at: datetime, calendar: WorkingCalendar, cause: Cause, reference: str | None = None
    ) -> None:
        if step in (Step.PLENARY, Step.HAND_OVER):
            raise ValueError("the plenary decides with decide_in_plenary; step 10 is hand_over")
        self.check_step(step)
        following = next_step(step, self.result)
        due = None
        if following is not None:
            due = Due(following, SOP[following].standard.due(at, calendar), calendar.id)
        assert self.due is not None
        self._step_done(
            step=step,
            at=at,
            overdue=at > self.due.at,
            reference=reference,
            due=due,
            rule_ids=("ASM-6",) if step < Step.REQUEST_BLANGKO else ("ASM-6", "ASM-7"),
            cause=cause,
        )

    @event(StepDone)
    def _step_done(
        self,
        step: Step,
        at: datetime,
        overdue: bool,
        reference: str | None,
        due: Due | None,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.steps[step] = at
        if reference is not None:
            self.references[step] = reference
        self.due = due
        if step is Step.ANNOUNCE_RESULT:
            self.announced_on = at.date()
        if step is Step.ISSUE_BK_LETTER:
            self.stage = Stage.NOT_YET_COMPETENT
        elif step is Step.SIGN_CERTIFICATE:
            self.stage = Stage.CERTIFIED

    def decide_in_plenary(
        self,
        result: Result,
        members: Mapping[str, frozenset[str]],
        at: datetime,
        calendar: WorkingCalendar,
        cause: Cause,
    ) -> None:
        """Step 3: ``members`` are the deciding committee members, each with every asesor number they ever held
        (ASM-6.identity). One who assessed this candidate, under any of them, does not decide on them (ASM-6,
        decided); a K needs the asesor's K (ASM-4: the overall recommendation is K only if every unit is)."""
        self.check_step(Step.PLENARY)
        if not 1 <= len(members) <= MAX_MEMBERS:
            raise violation(
                "ASM-6.committee", "members", f"the plenary's decision names the 1 to {MAX_MEMBERS} members who took it"
            )
        conflicted = sorted(m for m, numbers in members.items() if ({m} | numbers) & self.assessed_by)
        if conflicted:
            raise violation(
                "ASM-6.committee",
                "members",
                f"committee member(s) {', '.join(conflicted)} assessed this candidate and may not decide on them",
            )
        if result is Result.K and self.recommendation is not Result.K:
            raise violation("ASM-4", "result", "the asesor recommended BK: the plenary cannot decide K")
        following = next_step(Step.PLENARY, result)
        assert following is not None and self.due is not None
        # ASM-9: a review still owed from an earlier round keeps its (earlier) due time; one review covers both.
        owed = self.review_due if self.review_owed and self.review_due is not None else review_due(at)
        self._plenary_decided(
            result=result,
            members=tuple(sorted(members)),
            member_asesor_numbers=tuple(sorted(set().union(*members.values()))),
            at=at,
            overdue=at > self.due.at,
            due=Due(following, SOP[following].standard.due(at, calendar), calendar.id),
            rule_ids=("ASM-4", "ASM-6", IDENTITY, "ASM-9"),
            cause=cause,
            review_due=owed,
        )

    @event(PlenaryDecided)
    def _plenary_decided(
        self,
        result: Result,
        members: tuple[str, ...],
        member_asesor_numbers: tuple[str, ...],
        at: datetime,
        overdue: bool,
        due: Due,
        rule_ids: tuple[str, ...],
        cause: Cause,
        review_due: datetime | None = None,
    ) -> None:
        self.steps[Step.PLENARY] = at
        self.result = result
        self.members = members
        self.deciders |= set(members) | set(member_asesor_numbers)
        self.due = due
        self.review_owed = True
        self.review_due = review_due

    def overdue_at(self, now: datetime) -> bool:
        return self.stage in SOP_OPEN and self.due is not None and now > self.due.at

    def hand_over(self, receipt: HandOverReceipt, at: datetime, cause: Cause) -> None:
        """Step 10 (ASM-6): after step 9 for K, after the letter of step 5 for BK (see ``sop``); the last step."""
        self.check_step(Step.HAND_OVER)
        assert self.due is not None
        self._handed_over(at=at, overdue=at > self.due.at, receipt=receipt, rule_ids=("ASM-6",), cause=cause)

    @event(HandedOver)
    def _handed_over(
        self, at: datetime, overdue: bool, receipt: HandOverReceipt, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.steps[Step.HAND_OVER] = at
        self.due = None

    # ASM-9: reviewing the assessment process ---------------------------------------------------------------------

    def review_process(
        self, reviewer: str, reviewer_numbers: frozenset[str], findings: Findings, at: datetime, cause: Cause
    ) -> None:
        """After the plenary's decision, once for each decision (or the decisions of rounds not yet reviewed), by a
        reviewer who assessed this candidate in no round, under no number they ever held (ASM-6.identity)."""
        check_reviewer(reviewer, reviewer_numbers, self.assessed_by)
        if not self.review_owed:
            raise violation(
                ORDER,
                "assessmentId",
                "the process is reviewed after the plenary's decision, once"
                if Step.PLENARY in self.steps or self.appeals
                else "the plenary has not decided on this candidate: there is no process to review yet",
            )
        self._process_reviewed(
            reviewer=reviewer,
            reviewer_asesor_numbers=tuple(sorted(reviewer_numbers)),
            findings=findings,
            at=at,
            overdue=self.review_due is not None and at > self.review_due,
            rule_ids=("ASM-9", IDENTITY),
            cause=cause,
        )

    @event(ProcessReviewed)
    def _process_reviewed(
        self,
        reviewer: str,
        reviewer_asesor_numbers: tuple[str, ...],
        findings: Findings,
        at: datetime,
        overdue: bool,
        rule_ids: tuple[str, ...],
        cause: Cause,
    ) -> None:
        self.review_owed = False
        self.review_due = None

    # ASM-8: appeal (banding) -----------------------------------------------------------------------------------

    def appeal(self, grounds: str, on: date, cause: Cause) -> None:
        """The candidate appeals an announced BK within APPEAL_DAYS days (decided), before or after the letter of BK;
        a K leaves nothing to appeal."""
        if self.stage is Stage.APPEALED:
            raise violation("ASM-8", "assessmentId", "an appeal of this result is already pending")
        if self.result is not Result.BK or self.announced_on is None:
            raise violation("ASM-8", "assessmentId", "only an announced BK result can be appealed")
        if self.appealed:
            raise violation("ASM-8", "assessmentId", "this decision was appealed already; an appeal is decided once")
        last_day = self.announced_on + timedelta(days=APPEAL_DAYS)
        if on > last_day:
            raise violation("ASM-8.deadline", "assessmentId", f"the last day to appeal this result was {last_day}")
        self._appealed(grounds=grounds, on=on, rule_ids=("ASM-8",), cause=cause)

    @event(Appealed)
    def _appealed(self, grounds: str, on: date, rule_ids: tuple[str, ...], cause: Cause) -> None:
        self.stage_before_appeal = self.stage
        self.stage = Stage.APPEALED
        self.appealed = True
        self.appeal_grounds = grounds

    @property
    def decided_by(self) -> frozenset[str]:
        """Who made the decision under appeal: its asesors and the plenary's members."""
        return frozenset(self.asesors | set(self.members))

    def decide_appeal(
        self,
        upheld: bool,
        decider: str,
        decider_asesor_numbers: frozenset[str],
        remark: str,
        at: datetime,
        calendar: WorkingCalendar,
        cause: Cause,
    ) -> None:
        """ASM-8: decided by people who did not make the decision (the decider is known by every asesor number they
        ever held, ASM-6.identity); upheld, the assessment is reopened for another
        asesor; dismissed, the BK stands and its letter (step 5), if not yet issued, is due from now."""
        if self.stage is not Stage.APPEALED:
            raise violation("ASM-8", "assessmentId", "no appeal of this assessment is pending")
        if ({decider} | decider_asesor_numbers) & (self.decided_by | self.assessed_by | self.deciders):
            raise violation("ASM-8.independence", "decidedBy", f"{decider} took part in the decision under appeal")
        letter = SOP[Step.ISSUE_BK_LETTER]
        # Dismissed after the letter, its step 10 stays due as it was: no new due time for a letter already issued.
        issued = Step.ISSUE_BK_LETTER in self.steps
        due = None if upheld or issued else Due(letter.step, letter.standard.due(at, calendar), calendar.id)
        self._appeal_decided(
            upheld=upheld, decided_by=decider, remark=remark, due=due, rule_ids=("ASM-8", IDENTITY), cause=cause
        )

    @event(AppealDecided)
    def _appeal_decided(
        self, upheld: bool, decided_by: str, remark: str, due: Due | None, rule_ids: tuple[str, ...], cause: Cause
    ) -> None:
        self.appeals += 1
        self.appeal_grounds = None
        if upheld:
            self.asesors = set()
            self.evidence_from = len(self.evidence)
            self._start_round()
            return
        self.stage = self.stage_before_appeal
        if self.stage is Stage.IN_SOP:
            self.due = due

    def _check_stage(self, stage: Stage, field: str, rule_id: str) -> None:
        if self.stage is not stage:
            raise violation(rule_id, field, f"the assessment is {self.stage}, not {stage}")
