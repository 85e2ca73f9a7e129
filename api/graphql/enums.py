"""Every status and kind the GraphQL schemas answer with, as enums built from the domain's own (issue 32, item 3):
an answer names a status the same way an input does, and a client's generated types list its values. One module, so
that each enum is defined once whichever context's types use it."""

from __future__ import annotations

import strawberry

from domain.assessment.handover import Receiver
from domain.assessment.kinds import CertificateStatus, Stage
from domain.diploma.door import Door
from domain.diploma.status import DiplomaStatus, ProposalStatus, PublicStatus, StatusOnDay
from domain.equivalency.checklist import ForeignLevel
from domain.equivalency.kinds import Escalation, Status
from domain.submission.claim import GradingType, Outcome
from domain.submission.entry import IssuerKind, IssuerOrigin
from domain.submission.status import DpiStatus, SubmissionStatus
from domain.submission.status import ProposalStatus as CatalogProposalStatus

DiplomaStatusEnum = strawberry.enum(DiplomaStatus, name="DiplomaStatus", description="PIN-5")
PublicStatusEnum = strawberry.enum(
    PublicStatus,
    name="PublicDiplomaStatus",
    description="What SIVIL shows of a paired NINA (PIN-4, PIN-5): VALID, or the kind of its annulment",
)
StatusOnDayEnum = strawberry.enum(
    StatusOnDay, name="StatusOnDay", description="A diploma's public status on a past day (PIN-5)"
)
AnnulmentProposalStatusEnum = strawberry.enum(
    ProposalStatus, name="AnnulmentProposalStatus", description="A university's annulment proposal (PIN-5)"
)
CatalogProposalStatusEnum = strawberry.enum(CatalogProposalStatus, name="CatalogProposalStatus", description="SUB-2")
SubmissionStatusEnum = strawberry.enum(SubmissionStatus, name="SubmissionStatus", description="SUB-8")
DpiStatusEnum = strawberry.enum(DpiStatus, name="DpiStatus", description="SUB-8")
IssuerKindEnum = strawberry.enum(IssuerKind, name="IssuerKind", description="Who issued a certification (SUB-1)")
IssuerOriginEnum = strawberry.enum(IssuerOrigin, name="IssuerOrigin")
GradingTypeEnum = strawberry.enum(GradingType, name="GradingType")
OutcomeEnum = strawberry.enum(Outcome, name="CertificationOutcome")
ReceiverEnum = strawberry.enum(
    Receiver, name="Receiver", description="Who received it: the holder, or a representative"
)
CertificateStatusEnum = strawberry.enum(
    CertificateStatus, name="CertificateStatus", description="A competency certificate's status as of today (ASM-7)"
)
EquivalencyStatusEnum = strawberry.enum(Status, name="EquivalencyStatus", description="EQV-1")
EscalationEnum = strawberry.enum(Escalation, name="Escalation", description="EQV-3")
ForeignLevelEnum = strawberry.enum(ForeignLevel, name="ForeignLevel")
DoorEnum = strawberry.enum(Door, name="VerificationDoor", description="Through which door a SIVIL look-up came (PIN-6)")
StageEnum = strawberry.enum(Stage, name="AssessmentStage", description="Where an assessment stands (ASM-6, ASM-8)")
