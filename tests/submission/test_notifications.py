"""SUB-10: every approval and rejection e-mails the student, through the outbox, to a real SMTP server (aiosmtpd),
on SQLite and PostgreSQL; a sender killed between sending and recording sends the same Message-ID again."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from domain.personal import PersonalData
from infra.bootstrap import Container, bootstrap
from tests.conftest import settings_for
from tests.servers import free_port
from tests.submission.desk import NIM, TOEFL, Desk
from tests.world import OPERATOR, UNIVERSITY, Clock, World

ADDRESS = "siti.aminah@student.contoh.ac.id"


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def smtp_env(inbox: tuple[Inbox, int]) -> dict[str, str]:
    return {"KREDENSIAL_SMTP_HOST": "127.0.0.1", "KREDENSIAL_SMTP_PORT": str(inbox[1])}


@pytest.fixture
def mailing(
    store: str, tmp_path: Path, request: pytest.FixtureRequest, clock: Clock, smtp_env: dict[str, str]
) -> Iterator[Container]:
    settings = settings_for(store, tmp_path, request)
    settings = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": int(smtp_env["KREDENSIAL_SMTP_PORT"])}
    )
    container = bootstrap(settings, clock=clock)
    yield container
    container.close()


@pytest.fixture
def desk(mailing: Container, clock: Clock) -> Desk:
    world = World(mailing, clock)
    world.university()
    world.programme()
    world.app.register_student(
        university_code=UNIVERSITY,
        nim=NIM,
        prodi_code="55201",
        entry_period="20201",
        personal=PersonalData(full_name="Siti Aminah", nik="3171234567890001", email=ADDRESS),
        cause=OPERATOR,
    )
    return Desk(world).catalog()


def deliver(container: Container) -> int:
    container.worker.catch_up()
    return container.services.submission.outbox.send_pending()


def test_sub_10_every_decision_mails_the_student_once(desk: Desk, mailing: Container, inbox: tuple[Inbox, int]) -> None:
    messages = inbox[0].messages
    approved = desk.submit()
    rejected = desk.submit(entry=desk.entries[TOEFL.name])
    desk.approve(approved.submission_id)
    desk.reject(rejected.submission_id, remark="The score page is missing.")
    assert deliver(mailing) == 2
    assert deliver(mailing) == 0  # sent once
    assert sorted(m["Subject"] for m in messages) == [
        "Sertifikasi disetujui / Certification approved: AWS Certified Cloud Practitioner",
        "Sertifikasi ditolak / Certification rejected: TOEFL ITP",
    ]
    assert all(m["To"] == ADDRESS for m in messages)
    rejection = next(m for m in messages if "ditolak" in m["Subject"])
    assert "The score page is missing." in rejection.get_content()
    assert len({m["Message-ID"] for m in messages}) == 2


def test_sub_10_no_address_is_recorded_as_undeliverable_not_dropped(
    desk: Desk, mailing: Container, world_student_without_email: str, inbox: tuple[Inbox, int]
) -> None:
    receipt = desk.submit(nim=world_student_without_email)
    desk.approve(receipt.submission_id)
    assert deliver(mailing) == 0
    rows = mailing.worker.store.query("SELECT undeliverable, sent_at FROM outbox_messages")
    assert rows == [{"undeliverable": "the student has no e-mail address on record", "sent_at": None}]


@pytest.fixture
def world_student_without_email(desk: Desk) -> str:
    desk.world.student("2020002")
    return "2020002"


KILLED_AFTER_SENDING = """
import os, signal, sys
from infra.bootstrap import bootstrap
from infra.settings import Settings
from infra.outbox import OutboxSender

marking = OutboxSender._mark
def crash(self, row, assignments, **values):
    if assignments.startswith("sent_at"):
        os.kill(os.getpid(), signal.SIGKILL)  # the server took the message; the row never learns it
    return marking(self, row, assignments, **values)
OutboxSender._mark = crash
container = bootstrap(Settings.from_env())
container.worker.catch_up()
container.services.submission.outbox.send_pending()
"""


def test_sub_10_killed_between_sending_and_recording_sends_the_same_message_id_again(
    desk: Desk, mailing: Container, inbox: tuple[Inbox, int], smtp_env: dict[str, str]
) -> None:
    receipt = desk.submit()
    desk.approve(receipt.submission_id)
    settings = mailing.settings
    env = {
        **os.environ,
        **smtp_env,
        "KREDENSIAL_DATA_DIR": str(settings.data_dir),
        "KREDENSIAL_DATABASE_URL": settings.database_url,
        "KREDENSIAL_ALLOW_DEV_TOKENS": "1",  # signs in with development tokens (issue 29)
        "KREDENSIAL_SECRET": settings.secret,
        "KREDENSIAL_MASTER_KEY": settings.master_key.hex(),
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
        "KREDENSIAL_PDF_SIGNING_KEY": str(settings.pdf_signing_key),
        "KREDENSIAL_PDF_SIGNING_CHAIN": str(settings.pdf_signing_chain),
        "KREDENSIAL_PUBLIC_URL": settings.public_url,
    }
    child = subprocess.run([sys.executable, "-c", KILLED_AFTER_SENDING], env=env, capture_output=True, timeout=120)
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    first = list(inbox[0].messages)
    assert len(first) == 1
    assert deliver(mailing) == 1  # restarted: the row was never marked sent
    assert deliver(mailing) == 0
    again = inbox[0].messages[1:]
    assert [m["Message-ID"] for m in again] == [first[0]["Message-ID"]]
    assert str(first[0]["Message-ID"]).strip().startswith(f"<submission-{receipt.submission_id}-v")


def test_sub_10_a_real_server_mails_a_decision_made_over_http(tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    import time

    import httpx

    from api.auth import mint
    from domain.audit import Role
    from tests.api.test_processes import KREDENSIAL, SECRET, env_for
    from tests.servers import served_process
    from tests.submission.test_api import CERTIFICATION, ENTRY

    port = free_port()
    env = env_for(tmp_path / "var", KREDENSIAL_SMTP_HOST="127.0.0.1", KREDENSIAL_SMTP_PORT=str(inbox[1]))
    tokens = {
        "admin": mint(SECRET, subject="admin", role=Role.MINISTRY_ADMIN, institution=None),
        "operator": mint(SECRET, subject="op", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY),
        "ssc": mint(SECRET, subject="ssc", role=Role.SSC_STAFF, institution=UNIVERSITY),
        "student": mint(SECRET, subject=NIM, role=Role.STUDENT, institution=UNIVERSITY),
    }
    with (
        served_process([*KREDENSIAL, "serve", "--port", str(port)], env, port) as url,
        httpx.Client(base_url=url, timeout=30) as http,
    ):

        def run(who: str, mutation: str, input_type: str, selection: str, **given: Any) -> dict[str, Any]:
            doc = f"mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ __typename {selection} }} }}"
            body = http.post(
                "/graphql",
                json={"query": doc, "variables": {"i": given}},
                headers={"Authorization": f"Bearer {tokens[who]}"},
            ).json()
            answer: dict[str, Any] = body["data"][mutation]
            assert "Accepted" in answer["__typename"], body
            return answer

        run("admin", "registerUniversity", "RegisterUniversityInput", "", code=UNIVERSITY, name="Universitas Contoh")
        run(
            "admin",
            "registerProgramme",
            "RegisterProgrammeInput",
            "",
            universityCode=UNIVERSITY,
            prodiCode="55201",
            name="Informatika",
            level="S1",
            orientation="ACADEMIC",
        )
        run(
            "operator",
            "registerStudent",
            "RegisterStudentInput",
            "",
            universityCode=UNIVERSITY,
            nim=NIM,
            prodiCode="55201",
            entryPeriod="20201",
            fullName="Siti Aminah",
            nik="3171234567890001",
            email=ADDRESS,
        )
        entry = run(
            "ssc",
            "addCatalogEntry",
            "AddCatalogEntryInput",
            "... on CatalogAccepted { entryId }",
            universityCode=UNIVERSITY,
            entry=ENTRY,
        )["entryId"]
        submitted = run(
            "student",
            "submitCertification",
            "SubmitCertificationInput",
            "... on SubmissionAccepted { submissionId }",
            catalogEntryId=entry,
            certification={
                **CERTIFICATION,
                "issuedOn": "2026-01-10",
                "validThru": None,
                "noExpiry": True,
                "evidenceUrl": "https://www.credly.com/badges/0f1e",
            },
        )
        run(
            "ssc",
            "approveSubmission",
            "ReviewSubmissionInput",
            "",
            universityCode=UNIVERSITY,
            submissionId=submitted["submissionId"],
        )
        deadline = time.monotonic() + 20
        while not inbox[0].messages and time.monotonic() < deadline:
            time.sleep(0.2)
    [message] = inbox[0].messages
    assert message["To"] == ADDRESS and "approved" in message["Subject"]


def test_health_shows_mail_that_waits_and_mail_that_cannot_go(
    desk: Desk, mailing: Container, world_student_without_email: str
) -> None:
    from fastapi.testclient import TestClient

    from api.http import create_app

    desk.approve(desk.submit().submission_id)
    desk.approve(desk.submit(nim=world_student_without_email).submission_id)
    mailing.worker.catch_up()
    with TestClient(create_app(mailing.services)) as http:
        waiting = http.get("/health").json()["outbox"]
        assert (waiting["smtp_configured"], waiting["pending"], waiting["undeliverable"]) == (True, 2, 0)
        assert waiting["oldest_pending"] is not None
        mailing.services.submission.outbox.send_pending()
        after = http.get("/health").json()["outbox"]
    assert (after["pending"], after["failing"], after["undeliverable"]) == (0, 0, 1)
