"""What one SMTP conversation's answers mean (infra/smtp.py, SUB-10, issue 27 defect 6), against aiosmtpd on
loopback: a 5xx to MAIL, RCPT or DATA is final; a 4xx or no connection is temporary; no answer once the message
went out is possibly delivered, and that last answer has a timeout of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from infra.smtp import SmtpSettings, Verdict, send
from tests.servers import free_port


class Handler:
    def __init__(self, mail: str = "", data: str = "250 OK", delay: float = 0.0, hang_up: bool = False) -> None:
        self.mail, self.data, self.delay, self.hang_up = mail, data, delay, hang_up
        self.received = 0

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.mail:
            return self.mail
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        if self.hang_up:
            server.transport.close()
        await asyncio.sleep(self.delay)
        return self.data


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], SmtpSettings]]:
    controllers: list[Controller] = []

    def start(handler: Handler) -> SmtpSettings:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return SmtpSettings("127.0.0.1", port, "ssc@kredensial.local", timeout=0.5, data_timeout=0.5)

    yield start
    for controller in controllers:
        controller.stop()


def message() -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"], m["Message-ID"] = "ssc@kredensial.local", "a@b.ac.id", "s", "<m@kredensial>"
    m.set_content(".a line that starts with a dot\n")
    return m


def test_accepted_is_sent(serve: Callable[[Handler], SmtpSettings]) -> None:
    assert send(serve(Handler()), message()).verdict is Verdict.SENT


def test_a_5xx_at_the_end_of_data_is_final(serve: Callable[[Handler], SmtpSettings]) -> None:
    outcome = send(serve(Handler(data="554 5.7.1 message rejected as spam")), message())
    assert (outcome.verdict, outcome.code) == (Verdict.REFUSED, 554)
    assert outcome.detail == "554 5.7.1 message rejected as spam (DATA)"


def test_a_5xx_to_mail_is_final_and_a_4xx_is_not(serve: Callable[[Handler], SmtpSettings]) -> None:
    assert send(serve(Handler(mail="550 5.7.1 sender not allowed")), message()).verdict is Verdict.REFUSED
    assert send(serve(Handler(mail="421 4.3.2 closing, try later")), message()).verdict is Verdict.DEFERRED


def test_no_server_is_temporary() -> None:
    settings = SmtpSettings("127.0.0.1", free_port(), "ssc@kredensial.local", timeout=0.5)
    assert send(settings, message()).verdict is Verdict.DEFERRED


def test_no_answer_after_the_message_is_possibly_delivered(serve: Callable[[Handler], SmtpSettings]) -> None:
    slow = Handler(delay=1.0)
    assert send(serve(slow), message()).verdict is Verdict.UNCERTAIN
    hung_up = Handler(hang_up=True)
    assert send(serve(hung_up), message()).verdict is Verdict.UNCERTAIN
    assert slow.received == hung_up.received == 1


def test_the_last_answer_has_its_own_longer_timeout(serve: Callable[[Handler], SmtpSettings]) -> None:
    patient = replace(serve(Handler(delay=1.0)), timeout=0.5, data_timeout=5.0)
    assert send(patient, message()).verdict is Verdict.SENT
