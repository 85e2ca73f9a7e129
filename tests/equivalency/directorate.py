"""A small language for the equivalency context in tests: applicants, the directorate's team and legal staff."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from application.equivalency.equivalencies import Equivalencies
from application.equivalency.forms import ApplicationForm
from application.equivalency.receipt import ApplicationReceipt
from domain.audit import Actor, Cause, Role
from domain.equivalency.checklist import ForeignLevel
from tests.world import World

PDF = b"%PDF-1.7\n" + b"e" * 64
FORM = ApplicationForm(
    full_name="Rina Kusuma",
    passport_number="C1234567",
    nik=None,
    birth_date=date(1995, 4, 1),
    country="AU",
    university="The University of Melbourne",
    programme="Bachelor of Science",
    level=ForeignLevel.S1,
    honours=False,
    documents_in_english=True,
    research_based=False,
    civil_servant=False,
    online=False,
    university_registered=True,
    passport_lost=False,
    double_or_joint_degree=False,
)


def applicant(account: str = "akun-rina") -> Cause:
    return Cause(Actor(account, Role.APPLICANT, None), request_id="req-test")


TEAM = Cause(Actor("tim-a", Role.EQUIVALENCY_TEAM, None), request_id="req-test")
OTHER_TEAM = Cause(Actor("tim-c", Role.EQUIVALENCY_TEAM, None), request_id="req-test")
LEGAL = Cause(Actor("hukum-b", Role.LEGAL_STAFF, None), request_id="req-test")


class Directorate:
    def __init__(self, world: World) -> None:
        self.world = world
        self.app: Equivalencies = world.container.services.equivalency.commands
        self.files = world.container.services.submission.files
        self.sha = self.files.put(PDF, applicant().actor).sha256

    def position(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def register(self, account: str = "akun-rina", **changes: Any) -> ApplicationReceipt:
        return self.app.register_application(form=replace(FORM, **changes), cause=applicant(account))

    def upload(self, number: str, code: str, account: str = "akun-rina") -> ApplicationReceipt:
        url = "https://study.unimelb.edu.au/handbook" if code == "ACADEMIC_CATALOGUE" else None
        self.files.put(PDF, applicant(account).actor)  # FILE.uploader: each applicant names their own upload
        return self.app.add_document(
            registration_number=number,
            item_code=code,
            file=None if url else self.sha,
            url=url,
            cause=applicant(account),
        )

    def complete(self, receipt: ApplicationReceipt, account: str = "akun-rina") -> ApplicationReceipt:
        for code in receipt.missing:
            receipt = self.upload(receipt.registration_number, code, account)
        return receipt

    def equalise(self, number: str, sk: str = "1234/E.E3/KM/2026", team: Cause = TEAM) -> ApplicationReceipt:
        return self.app.equalise(registration_number=number, sk_number=sk, deciders=["tim-b"], cause=team)
