"""Issue 27, defect 6: mail was sent several times, or retried forever (SUB-10).

An SMTP server that answers after the client's timeout got the same Message-ID five times in 70 s; a permanent
``550`` was retried forever. Now: a 5xx settles the row as undeliverable with the server's answer; a 4xx is retried
with a backoff, a bounded number of times; no answer after the message went out means possibly delivered: sent
again (same Message-ID) only after a long wait, a bounded number of times; ``/health`` counts each. Real SMTP
servers (aiosmtpd) on loopback, on both stores; the slow server through a real ``kredensial worker`` process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from api.http import create_app
from domain.personal import PersonalData
from infra.bootstrap import Container, bootstrap, read_store
from tests.api.test_processes import KREDENSIAL
from tests.conftest import settings_for
from tests.servers import free_port, process_env
from tests.submission.desk import NIM, Desk
from tests.submission.test_notifications import ADDRESS
from tests.world import OPERATOR, UNIVERSITY, Clock, World

RETRY = timedelta(seconds=30)  # KREDENSIAL_SMTP_RETRY_SECONDS below
LONG = timedelta(hours=6)  # KREDENSIAL_SMTP_UNCERTAIN_RETRY_SECONDS below


class Server:
    """An aiosmtpd handler: answers RCPT with ``rcpt`` (a list, one answer per attempt, then "250 OK"), and the
    end of DATA after ``delay`` seconds; remembers every message it was given, with when."""

    def __init__(self, rcpt: list[str] | None = None, delay: float = 0.0) -> None:
        self.rcpt, self.delay = list(rcpt or []), delay
        self.rcpt_calls = 0
        self.received: list[tuple[float, str]] = []  # (monotonic time, Message-ID)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        self.rcpt_calls += 1
        if self.rcpt:
            return self.rcpt.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        header = next(line for line in envelope.content.splitlines() if line.lower().startswith(b"message-id:"))
        self.received.append((time.monotonic(), header.split(b":", 1)[1].strip().decode()))
        await asyncio.sleep(self.delay)  # accepts, but later than the client waits
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[Callable[[Server], int]]:
    controllers: list[Controller] = []

    def start(handler: Server) -> int:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


SMTP_SETTINGS = {
    "KREDENSIAL_SMTP_TIMEOUT": "0.5",
    "KREDENSIAL_SMTP_DATA_TIMEOUT": "0.5",
    "KREDENSIAL_SMTP_RETRY_SECONDS": str(RETRY.total_seconds()),
    "KREDENSIAL_SMTP_ATTEMPTS": "3",
    "KREDENSIAL_SMTP_UNCERTAIN_RETRY_SECONDS": str(LONG.total_seconds()),
    "KREDENSIAL_SMTP_UNCERTAIN_SENDS": "2",
}


@pytest.fixture
def mailing(store: str, tmp_path: Path, request: pytest.FixtureRequest, clock: Clock) -> Iterator[Container]:
    """The container the ``desk`` fixture writes with; its outbox is pointed at a server by each test."""
    settings = settings_for(store, tmp_path, request)
    settings = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": 1,  # nothing listens: set per test
            "smtp_timeout": 0.5,
            "smtp_data_timeout": 0.5,
            "smtp_retry_seconds": RETRY.total_seconds(),
            "smtp_attempts": 3,
            "smtp_uncertain_retry_seconds": LONG.total_seconds(),
            "smtp_uncertain_sends": 2,
        }
    )
    container = bootstrap(settings, clock=clock)
    yield container
    container.close()


@pytest.fixture
def desk(mailing: Container, clock: Clock) -> Desk:
    """A catalog, and a student with an e-mail address."""
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


def decided(desk: Desk, mailing: Container, port: int) -> None:
    """One approval projected into the outbox, whose sender now talks to the server on ``port``."""
    desk.approve(desk.submit().submission_id)
    mailing.worker.catch_up()
    outbox = mailing.services.submission.outbox
    outbox.smtp = dataclasses.replace(outbox.smtp, port=port)


def row(mailing: Container) -> dict[str, Any]:
    [only] = mailing.worker.store.query("SELECT * FROM outbox_messages")
    return only


def health(mailing: Container) -> dict[str, Any]:
    with TestClient(create_app(mailing.services)) as http:
        outbox: dict[str, Any] = http.get("/health").json()["outbox"]
    return outbox


class Later:
    """The sender's clock, moved by the test: hours of backoff pass in no time."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def after(self, delta: timedelta) -> Later:
        self.now += delta
        return self


def test_a_permanent_refusal_settles_the_row_as_undeliverable_with_the_answer_never_retried(
    desk: Desk, mailing: Container, smtp_server: Callable[[Server], int]
) -> None:
    server = Server(rcpt=[f"550 5.1.1 <{ADDRESS}>: no such user"] * 10)
    decided(desk, mailing, smtp_server(server))
    outbox, clock = mailing.services.submission.outbox, Later()
    for _ in range(5):  # a day of retries, were it retried
        assert outbox.send_pending(clock.after(timedelta(hours=5))) == 0
    assert server.rcpt_calls == 1 and server.received == []
    settled = row(mailing)
    assert settled["undeliverable"] == (f"refused by the mail server: 550 5.1.1 <{ADDRESS}>: no such user (RCPT)")
    assert settled["reply_code"] == 550 and settled["sent_at"] is None
    assert (health(mailing)["undeliverable"], health(mailing)["pending"]) == (1, 0)


def test_a_temporary_refusal_is_retried_after_its_backoff_and_then_sent_once(
    desk: Desk, mailing: Container, smtp_server: Callable[[Server], int]
) -> None:
    server = Server(rcpt=["450 4.2.0 greylisted, try again later"] * 2)
    decided(desk, mailing, smtp_server(server))
    outbox, clock = mailing.services.submission.outbox, Later()
    assert outbox.send_pending(clock) == 0
    assert health(mailing)["failing"] == 1
    assert outbox.send_pending(clock.after(RETRY - timedelta(seconds=1))) == 0  # not yet due
    assert server.rcpt_calls == 1
    assert outbox.send_pending(clock.after(timedelta(seconds=1))) == 0  # second 450; the wait doubles
    assert outbox.send_pending(clock.after(2 * RETRY - timedelta(seconds=1))) == 0
    assert server.rcpt_calls == 2
    assert outbox.send_pending(clock.after(timedelta(seconds=1))) == 1
    assert outbox.send_pending(clock.after(timedelta(days=1))) == 0
    assert server.rcpt_calls == 3 and len(server.received) == 1
    sent = row(mailing)
    assert sent["sent_at"] is not None and sent["attempts"] == 2 and sent["undeliverable"] is None


def test_temporary_failures_are_given_up_after_the_bounded_attempts(
    desk: Desk, mailing: Container, smtp_server: Callable[[Server], int]
) -> None:
    server = Server(rcpt=["451 4.3.0 mailbox busy"] * 100)
    decided(desk, mailing, smtp_server(server))
    outbox, clock = mailing.services.submission.outbox, Later()
    for _ in range(10):
        outbox.send_pending(clock.after(timedelta(hours=2)))
    assert server.rcpt_calls == 3  # KREDENSIAL_SMTP_ATTEMPTS
    assert row(mailing)["undeliverable"] == "gave up after 3 attempts: 451 4.3.0 mailbox busy (RCPT)"
    assert health(mailing)["undeliverable"] == 1


def test_no_answer_after_the_message_is_possibly_delivered_sent_again_only_after_the_long_wait(
    desk: Desk, mailing: Container, smtp_server: Callable[[Server], int]
) -> None:
    server = Server(delay=1.5)  # takes the message, answers after the client's 0.5 s
    decided(desk, mailing, smtp_server(server))
    outbox, clock = mailing.services.submission.outbox, Later()
    assert outbox.send_pending(clock) == 0
    assert len(server.received) == 1
    waiting = health(mailing)
    assert (waiting["uncertain"], waiting["pending"], waiting["possibly_delivered"]) == (1, 1, 0)
    for _ in range(5):  # the short backoff of a failure does not apply
        outbox.send_pending(clock.after(timedelta(minutes=60)))
    assert len(server.received) == 1
    outbox.send_pending(clock.after(LONG))  # the one retry
    for _ in range(5):
        outbox.send_pending(clock.after(LONG))
    assert [mid for _, mid in server.received] == [server.received[0][1]] * 2  # KREDENSIAL_SMTP_UNCERTAIN_SENDS
    settled = row(mailing)
    assert settled["possibly_delivered"].startswith("sent 2 time(s) without an answer")
    assert settled["undeliverable"] is None and settled["sent_at"] is None
    after = health(mailing)
    assert (after["possibly_delivered"], after["uncertain"], after["pending"]) == (1, 0, 0)


def test_a_worker_process_sends_to_a_slow_server_at_most_the_bound_and_never_within_the_backoff(
    desk: Desk, mailing: Container, smtp_server: Callable[[Server], int]
) -> None:
    """The outside check's server, scaled down: it answers after 1.5 s, the client waits 0.5 s."""
    server = Server(delay=1.5)
    port = smtp_server(server)
    backoff = 2.0
    env = process_env(
        mailing,
        **{**SMTP_SETTINGS, "KREDENSIAL_SMTP_UNCERTAIN_RETRY_SECONDS": str(backoff)},
        KREDENSIAL_SMTP_HOST="127.0.0.1",
        KREDENSIAL_SMTP_PORT=str(port),
    )
    worker = subprocess.Popen([*KREDENSIAL, "worker"], env=env, stderr=subprocess.PIPE)
    try:
        desk.approve(desk.submit().submission_id)
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            rows = mailing.worker.store.query("SELECT possibly_delivered FROM outbox_messages")
            if rows and rows[0]["possibly_delivered"]:
                break
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:] if worker.stderr else ""
            time.sleep(0.2)
        time.sleep(1.0)  # a third send, were the row not settled, would come at once
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    times, ids = [t for t, _ in server.received], [mid for _, mid in server.received]
    assert len(ids) == 2 and len(set(ids)) == 1, server.received
    assert times[1] - times[0] >= backoff
    assert health(mailing)["possibly_delivered"] == 1


def test_an_outbox_made_before_gets_the_new_columns_and_still_sends(
    store: str, tmp_path: Path, request: pytest.FixtureRequest, smtp_server: Callable[[Server], int]
) -> None:
    settings = settings_for(store, tmp_path, request)
    old = read_store(settings, "read")
    with old.transaction() as tx:  # the table as the version before this one made it, with a message waiting
        tx.execute("DROP TABLE IF EXISTS outbox_messages")  # a pooled PostgreSQL database has today's
        tx.execute(
            "CREATE TABLE outbox_messages (event_key TEXT PRIMARY KEY, submission_id TEXT NOT NULL,"
            " version INTEGER NOT NULL, university_code TEXT NOT NULL, nim TEXT NOT NULL, decision TEXT NOT NULL,"
            " name TEXT NOT NULL, issuer TEXT NOT NULL, remark TEXT, decided_on TEXT NOT NULL,"
            " created_at TEXT NOT NULL, sent_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_attempt TEXT,"
            " last_error TEXT, undeliverable TEXT)"
        )
        tx.execute(
            "INSERT INTO outbox_messages (event_key, submission_id, version, university_code, nim, decision, name,"
            " issuer, decided_on, created_at, attempts, last_attempt, last_error) VALUES ('k/3', 'k', 3, '001002',"
            " '2020001', 'APPROVED', 'TOEFL ITP', 'ETS', '2026-01-10', '2026-01-10T03:00:00+00:00', 4,"
            " '2026-01-10T03:10:00+00:00', 'timed out')"
        )
    old.close()
    server = Server()
    settings = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp_server(server)})
    container = bootstrap(settings)
    try:
        outbox = container.services.submission.outbox
        outbox.addresses = lambda university, nim: ADDRESS
        assert outbox.status()["pending"] == 1
        assert outbox.send_pending() == 1
        [migrated] = container.worker.store.query("SELECT * FROM outbox_messages")
        assert migrated["sent_at"] is not None and migrated["uncertain"] == 0
        assert {"next_attempt", "possibly_delivered", "reply_code"} <= set(migrated)
        assert len(server.received) == 1
    finally:
        container.close()
    bootstrap(settings).close()  # a second start finds the columns there
