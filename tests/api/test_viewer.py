"""``viewer`` (issue 32, item 1): every role reads what is its own, and nothing of anyone else's.

The world is the authorization walk's: a university with two students (one paired), a submission, an LSP with a
signed certificate and an assessment, an equivalency application with its SK, a SIVIL verification."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.graphql.connection import cursor_of
from api.http import create_app
from domain.audit import Role
from domain.diploma.diploma import Diploma
from domain.registry.student import Student
from infra.bootstrap import Container
from tests.api.authorization_walk import OTHER_LSP, OTHER_UNIVERSITY, Seeded, seed, token
from tests.api.test_graphql import SECRET
from tests.assessment.lsp import ASESOR, CANDIDATE, LSP, SKEMA
from tests.world import PRODI, UNIVERSITY, World

PAGE = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


class Asker:
    def __init__(self, http: TestClient) -> None:
        self.http = http

    def viewer(self, tok: str | None, selection: str, **variables: Any) -> Any:
        declared = ", ".join(f"${name}: {kind}" for name, (kind, _) in variables.items())
        document = f"query{f'({declared})' if declared else ''} {{ viewer {{ __typename {selection} }} }}"
        headers = {"Authorization": f"Bearer {tok}"} if tok else {}
        values = {name: value for name, (_, value) in variables.items()}
        response = self.http.post("/graphql", json={"query": document, "variables": values}, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]["viewer"]


@pytest.fixture
def seeded(container: Container, world: World) -> Seeded:
    return seed(container, world)


@pytest.fixture
def ask(container: Container, seeded: Seeded) -> Iterator[Asker]:
    with TestClient(create_app(container.services)) as http:
        yield Asker(http)


STUDENT_VIEW = """... on StudentViewer { subject institution
  record { aggregateId nim fullName prodiCode standing yudisiumNumber }
  semesters { totalCount edges { node { period status ipk } } }
  eligibility { __typename }
  diploma { nina status aggregateId }
  sivilTrail { totalCount edges { node { via } } }
  submissions { totalCount edges { node { submissionId status } } }
  dpi { status }
  certificates { totalCount } }"""


@pytest.mark.parametrize("store", ["sqlite"])
def test_a_graduate_reads_their_own_record_nina_trail_and_submissions(ask: Asker, seeded: Seeded) -> None:
    me = ask.viewer(token("student"), STUDENT_VIEW)
    assert me["__typename"] == "StudentViewer" and me["subject"] == "2020001" and me["institution"] == UNIVERSITY
    assert me["record"] == {
        "aggregateId": str(Student.create_id(UNIVERSITY, "2020001")),
        "nim": "2020001",
        "fullName": me["record"]["fullName"],
        "prodiCode": PRODI,
        "standing": "GRADUATED",
        "yudisiumNumber": "SK/YUD/2024/07",
    }
    assert me["record"]["fullName"]
    assert me["semesters"]["totalCount"] == 8
    assert [e["node"]["status"] for e in me["semesters"]["edges"]] == ["ACTIVE"] * 8
    assert me["diploma"] == {
        "nina": seeded.values["nina"],
        "status": "PAIRED",
        "aggregateId": str(Diploma.create_id(UNIVERSITY, "2020001")),
    }
    assert me["sivilTrail"]["totalCount"] == 1
    assert [e["node"]["submissionId"] for e in me["submissions"]["edges"]] == [seeded.values["submissionId"]]
    assert me["eligibility"]["__typename"] == "NinaEligibility"


@pytest.mark.parametrize("store", ["sqlite"])
def test_a_student_of_another_university_with_the_same_nim_sees_nothing_of_the_student(ask: Asker) -> None:
    me = ask.viewer(token("student", other_institution=True), STUDENT_VIEW)
    assert me["institution"] == OTHER_UNIVERSITY
    assert me["record"] is None and me["diploma"] is None and me["eligibility"] is None and me["dpi"] is None
    for connection in ("semesters", "sivilTrail", "submissions", "certificates"):
        assert me[connection]["totalCount"] == 0, connection


@pytest.mark.parametrize("store", ["sqlite"])
def test_another_student_of_the_same_university_sees_only_their_own(ask: Asker) -> None:
    me = ask.viewer(token("student", elsewhere=True), STUDENT_VIEW)
    assert me["record"]["nim"] == "2020002" and me["record"]["standing"] == "ACTIVE"
    assert me["diploma"] is None and me["submissions"]["totalCount"] == 0 and me["sivilTrail"]["totalCount"] == 0


STUDENTS = f"""... on UniversityViewer {{ universityCode
  students(prodiCode: $prodi, standing: $standing, nimPrefix: $prefix, first: $first, after: $after) {{
    __typename ... on StudentConnection {{ {PAGE} edges {{ cursor node {{ nim standing aggregateId }} }} }}
    ... on RuleViolation {{ ruleId field }} }} }}"""


def students(ask: Asker, tok: str | None, **given: Any) -> Any:
    kinds = {"prodi": "String", "standing": "StudentStanding", "prefix": "String", "first": "Int!", "after": "String"}
    values = {"prodi": None, "standing": None, "prefix": None, "first": 50, "after": None, **given}
    return ask.viewer(tok, STUDENTS, **{k: (kinds[k], v) for k, v in values.items()})["students"]


@pytest.mark.parametrize("store", ["sqlite"])
def test_an_operator_lists_their_students_by_prodi_standing_and_nim_prefix_a_page_at_a_time(ask: Asker) -> None:
    operator = token("university_operator")
    everyone = students(ask, operator)
    assert everyone["totalCount"] == 2 and [e["node"]["nim"] for e in everyone["edges"]] == ["2020001", "2020002"]
    assert everyone["pageInfo"]["hasNextPage"] is False
    first = students(ask, operator, first=1)
    assert [e["node"]["nim"] for e in first["edges"]] == ["2020001"] and first["totalCount"] == 2
    assert first["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": cursor_of(0),
        "endCursor": cursor_of(0),
    }
    second = students(ask, operator, first=1, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["nim"] for e in second["edges"]] == ["2020002"]
    assert second["pageInfo"]["hasNextPage"] is False and second["pageInfo"]["hasPreviousPage"] is True
    assert [e["node"]["nim"] for e in students(ask, operator, standing="GRADUATED")["edges"]] == ["2020001"]
    assert [e["node"]["nim"] for e in students(ask, operator, standing="ACTIVE")["edges"]] == ["2020002"]
    assert students(ask, operator, standing="ON_LEAVE")["totalCount"] == 0
    assert students(ask, operator, prefix="2020")["totalCount"] == 2
    assert [e["node"]["nim"] for e in students(ask, operator, prefix="2020002")["edges"]] == ["2020002"]
    assert students(ask, operator, prefix="2021")["totalCount"] == 0
    assert students(ask, operator, prodi=PRODI)["totalCount"] == 2
    assert students(ask, operator, prodi="99999")["totalCount"] == 0
    assert students(ask, token("university_leader"))["totalCount"] == 2


@pytest.mark.parametrize("store", ["sqlite"])
def test_bad_pages_and_filters_are_rule_violations_naming_the_field(ask: Asker) -> None:
    operator = token("university_operator")
    assert students(ask, operator, first=0) == {"__typename": "RuleViolation", "ruleId": "API.page", "field": "first"}
    assert students(ask, operator, after="not-a-cursor")["field"] == "after"
    assert students(ask, operator, after=cursor_of(0) + "x")["field"] == "after"
    assert students(ask, operator, prefix="20 20") == {
        "__typename": "RuleViolation",
        "ruleId": "PIN-0",
        "field": "nimPrefix",
    }
    assert students(ask, operator, prodi="55-01")["field"] == "prodiCode"


@pytest.mark.parametrize("store", ["sqlite"])
def test_an_operator_reads_a_students_semesters_and_the_reservations(ask: Asker, seeded: Seeded) -> None:
    selection = """... on UniversityViewer { student(nim: "2020001") { ... on Student { nim standing } }
      semesters(nim: "2020001") { ... on SemesterConnection { totalCount edges { node { period sksPassed } } } }
      reservations { ... on DiplomaConnection { totalCount edges { node { nina status aggregateId } } } } }"""
    mine = ask.viewer(token("university_operator"), selection)
    assert mine["student"] == {"nim": "2020001", "standing": "GRADUATED"}
    assert mine["semesters"]["totalCount"] == 8
    assert [e["node"]["nina"] for e in mine["reservations"]["edges"]] == [seeded.values["nina"]]
    theirs = ask.viewer(token("university_operator", elsewhere=True), selection)
    assert theirs["student"] is None and theirs["semesters"]["totalCount"] == 0
    assert theirs["reservations"]["totalCount"] == 0 and theirs["reservations"]["edges"] == []


@pytest.mark.parametrize("store", ["sqlite"])
def test_ssc_staff_read_their_review_queue_and_another_universitys_read_none_of_it(ask: Asker) -> None:
    selection = """... on SscViewer { overdueCount reviewQueue { ... on SubmissionConnection { totalCount } }
      catalogProposals(status: PROPOSED) { ... on CatalogProposalConnection { totalCount } } }"""
    mine = ask.viewer(token("ssc_staff"), selection)
    assert mine["reviewQueue"]["totalCount"] == 1 and mine["catalogProposals"]["totalCount"] == 1
    theirs = ask.viewer(token("ssc_staff", elsewhere=True), selection)
    assert theirs["reviewQueue"]["totalCount"] == 0 and theirs["catalogProposals"]["totalCount"] == 0


BNSP_VIEW = """... on BnspViewer {
  licences { ... on LicenceConnection { totalCount edges { node { lspCode kind skemaCodes aggregateId grantedAt } } } }
  skema { ... on SkemaConnection { totalCount edges { node { code skemaVersion unitCodes } } } }
  asesors { ... on AsesorConnection { totalCount edges { node { asesorNumber skema { skemaCode } } } } }
  blangko { ... on BlangkoConnection { totalCount edges { node { number lspCode assessmentId } } } } }"""


@pytest.mark.parametrize("store", ["sqlite"])
def test_a_bnsp_officer_reads_back_every_register_they_write(ask: Asker) -> None:
    bnsp = ask.viewer(token("bnsp_officer"), BNSP_VIEW)
    licence = bnsp["licences"]["edges"][0]["node"]
    assert bnsp["licences"]["totalCount"] == 1 and licence["lspCode"] == LSP and licence["skemaCodes"] == [SKEMA]
    assert licence["kind"] == "FIRST_PARTY" and licence["grantedAt"].endswith("+07:00")
    assert [e["node"]["code"] for e in bnsp["skema"]["edges"]] == [SKEMA]
    assert bnsp["asesors"]["totalCount"] == 2
    assert bnsp["asesors"]["edges"][0]["node"]["skema"] == [{"skemaCode": SKEMA}]
    assert [e["node"]["number"] for e in bnsp["blangko"]["edges"]] == ["0012345"]
    assert bnsp["blangko"]["edges"][0]["node"]["assessmentId"]


LSP_VIEW = """... on LspViewer { lspCode licence { lspCode } tuk { totalCount edges { node { tukCode kind } } }
  committee { totalCount edges { node { memberId asesorNumber } } }
  blangko { ... on BlangkoConnection { totalCount } }
  pipeline { ... on AssessmentSummaryConnection { totalCount } } }"""


@pytest.mark.parametrize("store", ["sqlite"])
def test_an_lsps_people_read_their_lsps_registers_and_another_lsps_read_none(ask: Asker) -> None:
    for role in ("kabag_sertifikasi", "kabag_administrasi", "komite_teknis", "ketua_lsp"):
        mine = ask.viewer(token(role), LSP_VIEW)
        assert mine["licence"] == {"lspCode": LSP}, role
        assert [e["node"]["tukCode"] for e in mine["tuk"]["edges"]] == ["TUK-01"]
        assert mine["committee"]["totalCount"] == 3 and mine["blangko"]["totalCount"] == 1
        theirs = ask.viewer(token(role, elsewhere=True), LSP_VIEW)
        assert theirs["lspCode"] == OTHER_LSP and theirs["licence"] is None
        assert [theirs[k]["totalCount"] for k in ("tuk", "committee", "blangko", "pipeline")] == [0, 0, 0, 0]


@pytest.mark.parametrize("store", ["sqlite"])
def test_an_asesor_and_a_candidate_read_their_own(ask: Asker) -> None:
    asesor_view = """... on AsesorViewer { registration { asesorNumber }
      assignments(activeOnly: false) { ... on AssessmentSummaryConnection { totalCount } } }"""
    mine = ask.viewer(token("asesor"), asesor_view)
    assert mine["registration"] == {"asesorNumber": ASESOR} and mine["assignments"]["totalCount"] >= 1
    other = ask.viewer(mint(SECRET, subject="MET.000.999999 2021", role=Role.ASESOR, institution=None), asesor_view)
    assert other["registration"] is None and other["assignments"]["totalCount"] == 0
    asesi_view = """... on AsesiViewer { assessments { totalCount edges { node { candidateNumber } } }
      certificates { totalCount } }"""
    candidate = ask.viewer(token("asesi"), asesi_view)
    assert candidate["assessments"]["totalCount"] >= 1 and candidate["certificates"]["totalCount"] == 1
    assert {e["node"]["candidateNumber"] for e in candidate["assessments"]["edges"]} == {CANDIDATE}
    elsewhere = ask.viewer(token("asesi", other_institution=True), asesi_view)
    assert elsewhere["assessments"]["totalCount"] == 0 and elsewhere["certificates"]["totalCount"] == 0


@pytest.mark.parametrize("store", ["sqlite"])
def test_national_staff_read_their_queues(ask: Asker, seeded: Seeded) -> None:
    team = ask.viewer(
        token("equivalency_team"),
        "... on DirectorateViewer { queue(status: EQUIVALENT) { ... on EquivalencyQueueItemConnection { totalCount "
        "edges { node { registrationNumber } } } } }",
    )
    assert [e["node"]["registrationNumber"] for e in team["queue"]["edges"]] == [seeded.values["registrationNumber"]]
    legal = ask.viewer(
        token("legal_staff"), "... on LegalViewer { openReviews { ... on OpenReviewConnection { totalCount } } }"
    )
    assert legal["openReviews"]["totalCount"] == 0
    auditor = ask.viewer(token("auditor"), "... on AuditorViewer { logs { edges { node { name lastPosition } } } }")
    assert {log["node"]["name"] for log in auditor["logs"]["edges"]} >= {
        "diplomas",
        "submissions",
        "assessments",
        "equivalencies",
    }
    dirjen = ask.viewer(
        token("director_general"),
        "... on NationalViewer { annulmentProposals { ... on DiplomaConnection { totalCount } } }",
    )
    assert dirjen["annulmentProposals"]["totalCount"] == 0
    applicant = ask.viewer(token("applicant"), "... on ApplicantViewer { applications { totalCount } }")
    assert applicant["applications"]["totalCount"] == 1
    assert (
        ask.viewer(token("applicant", elsewhere=True), "... on ApplicantViewer { applications { totalCount } }")[
            "applications"
        ]["totalCount"]
        == 0
    )


@pytest.mark.parametrize("store", ["sqlite"])
def test_every_role_has_its_viewer_and_no_token_has_none(ask: Asker) -> None:
    expected = {
        "student": "StudentViewer",
        "asesi": "AsesiViewer",
        "applicant": "ApplicantViewer",
        "university_operator": "UniversityViewer",
        "university_leader": "UniversityViewer",
        "ssc_staff": "SscViewer",
        "pddikti_sync": "FeedViewer",
        "ministry_admin": "NationalViewer",
        "director_general": "NationalViewer",
        "bnsp_officer": "BnspViewer",
        "kabag_sertifikasi": "LspViewer",
        "kabag_administrasi": "LspViewer",
        "komite_teknis": "LspViewer",
        "ketua_lsp": "LspViewer",
        "asesor": "AsesorViewer",
        "equivalency_team": "DirectorateViewer",
        "legal_staff": "LegalViewer",
        "auditor": "AuditorViewer",
    }
    for role, typename in expected.items():
        assert ask.viewer(token(role), "role")["__typename"] == typename, role
    assert ask.viewer(None, "role") is None
