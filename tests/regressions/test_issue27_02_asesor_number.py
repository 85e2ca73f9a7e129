"""Issue 27, defect 2: the plenary conflict rule (ASM-6) could be bypassed. A committee member refused with
``ASM-6.committee`` declared another asesor number for themself, the new number overwrote the old one, and the same
plenary decision was then accepted. Now a person's asesor numbers are a history (ASM-6.identity): a later number is
refused to the person, is the LSP staff's to record with a reason, and every number ever held still counts.

Through a real ``kredensial serve`` process, on both stores: the assessment is prepared in-process (up to the
plenary, step 3), then the committee member tries the bypass over HTTP.
"""

from __future__ import annotations

from typing import Any

import httpx

from api.auth import mint
from domain.assessment.sop import Step
from domain.audit import Role
from infra.bootstrap import Container
from tests.api.test_graphql import REFUSALS
from tests.api.test_processes import KREDENSIAL
from tests.assessment.lsp import KABAG_ADMINISTRASI, KABAG_SERTIFIKASI, LSP, OTHER_ASESOR, Office
from tests.servers import free_port, process_env, served_process
from tests.world import World

SUCCESS = {"decideInPlenary": "... on AssessmentAccepted { stage }"}  # the others answer CommandResult


class Caller:
    def __init__(self, url: str, container: Container) -> None:
        self.url = url
        self.container = container

    def token(self, role: Role, subject: str) -> str:
        return mint(self.container.settings.secret, subject=subject, role=role, institution=LSP)

    def mutate(self, mutation: str, input_type: str, role: Role, subject: str, **given: Any) -> dict[str, Any]:
        success = SUCCESS.get(mutation, "... on Accepted { changed }")
        doc = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename {success} {REFUSALS} }} }}"
        response = httpx.post(
            self.url + "/graphql",
            json={"query": doc, "variables": {"input": {"lspCode": LSP, **given}}},
            headers={"Authorization": f"Bearer {self.token(role, subject)}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return dict(body["data"][mutation])

    def position(self) -> int:
        return self.container.services.assessment.commands.recorder.max_notification_id() or 0

    def refused(
        self, rule_id: str, field: str, mutation: str, input_type: str, role: Role, subject: str, **given: Any
    ) -> None:
        before = self.position()
        answer = self.mutate(mutation, input_type, role, subject, **given)
        assert (answer["__typename"], answer.get("ruleId"), answer.get("field")) == ("RuleViolation", rule_id, field), (
            answer
        )
        assert self.position() == before, "a refused command appended an event"


def test_ASM_6_a_member_refused_for_the_plenary_cannot_escape_by_declaring_another_number(
    container: Container, world: World
) -> None:
    office = Office(world).setup()  # committee member "komite-asesor" was appointed with ASESOR's number
    assessed = office.assessed()  # by ASESOR
    office.step(assessed, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)
    office.step(assessed, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
    assessment_id = str(assessed)
    port = free_port()
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], process_env(container), port) as url:
        lsp = Caller(url, container)
        plenary = {"assessmentId": assessment_id, "result": "K", "members": ["komite-asesor", "komite-a"]}
        member = (Role.KOMITE_TEKNIS, "komite-asesor")
        lsp.refused("ASM-6.committee", "members", "decideInPlenary", "DecideInPlenaryInput", *member, **plenary)

        # The bypass: another number for themself. Refused, and the plenary is still refused.
        declared = {"asesorNumber": OTHER_ASESOR}
        lsp.refused(
            "ASM-6.identity", "asesorNumber", "declareAsesorNumber", "DeclareAsesorNumberInput", *member, **declared
        )
        lsp.refused("ASM-6.committee", "members", "decideInPlenary", "DecideInPlenaryInput", *member, **plenary)

        # A change is the LSP staff's, with a reason; the number the member held still counts.
        change = {"personId": "komite-asesor", "asesorNumber": OTHER_ASESOR}
        staff = (Role.KABAG_ADMINISTRASI, "administrasi@lsp")
        lsp.refused(
            "ASM-6.identity", "reason", "changeAsesorNumber", "ChangeAsesorNumberInput", *staff, **change, reason=" "
        )
        answer = lsp.mutate("changeAsesorNumber", "ChangeAsesorNumberInput", *member, **change, reason="Salah ketik")
        assert answer["__typename"] == "NotAuthorized", answer  # not the person themself
        answer = lsp.mutate("changeAsesorNumber", "ChangeAsesorNumberInput", *staff, **change, reason="Nomor baru BNSP")
        assert answer == {"__typename": "Accepted", "changed": True}, answer
        lsp.refused("ASM-6.committee", "members", "decideInPlenary", "DecideInPlenaryInput", *member, **plenary)

        # Members who did not assess the candidate decide.
        others = {**plenary, "members": ["komite-a", "komite-b"]}
        answer = lsp.mutate("decideInPlenary", "DecideInPlenaryInput", Role.KOMITE_TEKNIS, "komite-a", **others)
        assert answer["__typename"] == "AssessmentAccepted", answer
