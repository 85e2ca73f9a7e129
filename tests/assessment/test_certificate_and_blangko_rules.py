"""ASM-6, ASM-7 on the certificate and the blangko themselves (issue 31, item 1: gaps an outside mutation run found,
each a wrong rule no test noticed): both sides of each check, the rule id and field of each refusal, and the rule
ids each decision event records."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.assessment.blangko import Blangko
from domain.assessment.certificate import Certificate, CertificateStatus, valid_until
from domain.audit import Actor, Cause, Role
from domain.errors import RuleViolation
from domain.personal import Sealed

CAUSE = Cause(Actor("ketua", Role.KETUA_LSP, "LSP-P1-CONTOH"), request_id="r1")
SIGNED_ON = date(2026, 5, 4)


def printed() -> Certificate:
    return Certificate(
        registration_number="62010 2512 3 0000001 2026",
        blangko_number="B-000001",
        assessment_id=uuid4(),
        lsp_code="LSP-P1-CONTOH",
        skema_code="SKM-01",
        skema_title="Pemrogram Junior",
        candidate_number="C-001",
        holder=Sealed(uuid4(), "ciphertext"),
        rule_ids=("ASM-7",),
        cause=CAUSE,
    )


def refused(rule_id: str, field: str, attempt: pytest.ExceptionInfo[RuleViolation]) -> None:
    [failure] = attempt.value.failures
    assert (failure.rule_id, failure.field) == (rule_id, field)


@pytest.mark.parametrize(
    ("issued", "last_valid_day"),
    [
        (date(2024, 2, 29), date(2027, 2, 28)),  # no 29 February three years on: through the 28th
        (date(2024, 3, 1), date(2027, 2, 28)),
        (date(2026, 5, 4), date(2029, 5, 3)),
        (date(2025, 12, 31), date(2028, 12, 30)),
        (date(2026, 1, 1), date(2028, 12, 31)),
    ],
)
def test_ASM_7_valid_through_the_day_before_the_third_anniversary(issued: date, last_valid_day: date) -> None:
    assert valid_until(issued) == last_valid_day


def test_ASM_7_a_printed_unsigned_certificate_is_printed_on_any_day_and_not_a_certificate_yet() -> None:
    certificate = printed()
    for day in (date(2000, 1, 1), SIGNED_ON, date(2100, 1, 1)):
        assert certificate.status_on(day) is CertificateStatus.PRINTED


def test_ASM_7_a_signed_certificate_is_valid_through_its_last_day_and_expired_the_next() -> None:
    certificate = printed()
    certificate.sign(SIGNED_ON, CAUSE)
    assert certificate.status_on(SIGNED_ON) is CertificateStatus.VALID
    assert certificate.status_on(date(2029, 5, 3)) is CertificateStatus.VALID
    assert certificate.status_on(date(2029, 5, 4)) is CertificateStatus.EXPIRED
    signed = certificate.collect_events()[-1]
    assert isinstance(signed, Certificate.Signed)
    assert signed.rule_ids == ("ASM-6", "ASM-7") and signed.valid_until == date(2029, 5, 3)


def test_ASM_6_order_a_certificate_is_signed_once() -> None:
    certificate = printed()
    certificate.sign(SIGNED_ON, CAUSE)
    with pytest.raises(RuleViolation) as attempt:
        certificate.sign(date(2026, 6, 1), CAUSE)
    refused("ASM-6.order", "step", attempt)
    assert certificate.issued_on == SIGNED_ON


def test_ASM_7_an_unsigned_certificate_cannot_be_revoked() -> None:
    certificate = printed()
    with pytest.raises(RuleViolation) as attempt:
        certificate.revoke(SIGNED_ON, "wrong holder", CAUSE)
    refused("ASM-7", "registrationNumber", attempt)
    assert certificate.status_on(SIGNED_ON) is CertificateStatus.PRINTED
    assert [type(e) for e in certificate.collect_events()] == [Certificate.Printed]


def test_ASM_7_a_signed_certificate_is_revoked_once_and_stays_revoked() -> None:
    certificate = printed()
    certificate.sign(SIGNED_ON, CAUSE)
    certificate.revoke(date(2026, 7, 1), "fraud", CAUSE)
    certificate.revoke(date(2026, 8, 1), "again", CAUSE)  # a repeat changes nothing
    [revoked] = [e for e in certificate.collect_events() if isinstance(e, Certificate.Revoked)]
    assert (revoked.registration_number, revoked.on, revoked.reason) == (
        "62010 2512 3 0000001 2026",
        date(2026, 7, 1),
        "fraud",
    )
    assert certificate.revoked_on == date(2026, 7, 1)
    assert certificate.status_on(SIGNED_ON) is CertificateStatus.REVOKED


def received() -> Blangko:
    return Blangko.receive("B-000001", "LSP-P1-CONTOH", "BNSP/2026/17", CAUSE)


def test_ASM_7_blangko_received_records_its_rule() -> None:
    [event] = received().collect_events()
    assert isinstance(event, Blangko.Received) and event.rule_ids == ("ASM-7",)


def test_ASM_7_blangko_of_another_lsp_is_refused() -> None:
    blangko = received()
    with pytest.raises(RuleViolation) as attempt:
        blangko.use("LSP-P1-LAIN", uuid4(), CAUSE)
    refused("ASM-7.blangko", "blangkoNumber", attempt)
    assert blangko.used_by is None


def test_ASM_7_blangko_is_used_once_and_a_repeat_by_the_same_assessment_changes_nothing() -> None:
    blangko, assessment = received(), uuid4()
    blangko.use("LSP-P1-CONTOH", assessment, CAUSE)
    blangko.use("LSP-P1-CONTOH", assessment, CAUSE)
    used = [e for e in blangko.collect_events() if isinstance(e, Blangko.Used)]
    assert len(used) == 1 and used[0].rule_ids == ("ASM-7",) and used[0].assessment_id == assessment
    with pytest.raises(RuleViolation) as attempt:
        blangko.use("LSP-P1-CONTOH", uuid4(), CAUSE)
    refused("ASM-7.blangko", "blangkoNumber", attempt)
    assert blangko.used_by == assessment
