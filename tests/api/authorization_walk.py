"""The walk behind ``docs/AUTHORIZATION.md`` (issue 12, item 5): every query and mutation of the staff schema, run
as every role against a world seeded in every context, each answer classed as let in or kept out.

A field's arguments are built from the schema itself: each argument or input field takes the seeded world's value
of that name (a university code, a NIM, an assessment id, ...), else a plain value of its type. "Kept out" is
``NotAuthorized``, a ``NOT_AUTHORIZED`` error, ``NotFound`` about a seeded record, or nothing at all (null, an
empty list): a read that never tells whether there was something to see. Everything else (data, a rule
violation, a conflict) went past the door. ``python -m tests.api.authorization_walk`` prints the observed table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import jwt
from fastapi.testclient import TestClient
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
)

from api.auth import mint
from api.graphql.schema import schema
from api.http import create_app
from api.sivil.trail import Verification
from application.authorization import INSTITUTION_BOUND
from domain.audit import Role
from domain.equivalency.application import EquivalencyApplication
from domain.registry.student import Student
from infra.bootstrap import Container
from tests.api.test_graphql import SECRET
from tests.assessment.lsp import ASESOR, CANDIDATE, LSP, OTHER_ASESOR, SKEMA, Office
from tests.equivalency.directorate import Directorate
from tests.submission.desk import TOEFL, Desk, student
from tests.world import PRODI, UNIVERSITY, World

OTHER_UNIVERSITY = "009999"
OTHER_LSP = "LSP-P3-LAIN"

# The columns of the table: who, with the token each is walked with. "own institution" and "own records" cells are
# walked twice: as this token, and as the same role elsewhere (another university or LSP) or someone else.
ROLES: dict[str, tuple[Role | None, str, str | None]] = {
    "public": (None, "", None),
    "student": (Role.STUDENT, "2020001", UNIVERSITY),
    "asesi": (Role.ASESI, CANDIDATE, LSP),
    "applicant": (Role.APPLICANT, "akun-rina", None),
    "university_operator": (Role.UNIVERSITY_OPERATOR, "operator@contoh", UNIVERSITY),
    "university_leader": (Role.UNIVERSITY_LEADER, "rektor@contoh", UNIVERSITY),
    "ssc_staff": (Role.SSC_STAFF, "ssc@contoh", UNIVERSITY),
    "pddikti_sync": (Role.PDDIKTI_SYNC, "feed@contoh", UNIVERSITY),
    "ministry_admin": (Role.MINISTRY_ADMIN, "admin@kemdikbud", None),
    "director_general": (Role.DIRECTOR_GENERAL, "dirjen", None),
    "bnsp_officer": (Role.BNSP_OFFICER, "bnsp-1", None),
    "kabag_sertifikasi": (Role.KABAG_SERTIFIKASI, "kabag-s", LSP),
    "kabag_administrasi": (Role.KABAG_ADMINISTRASI, "kabag-a", LSP),
    "komite_teknis": (Role.KOMITE_TEKNIS, "komite-a", LSP),
    "ketua_lsp": (Role.KETUA_LSP, "ketua", LSP),
    "asesor": (Role.ASESOR, ASESOR, LSP),
    "equivalency_team": (Role.EQUIVALENCY_TEAM, "tim-a", None),
    "legal_staff": (Role.LEGAL_STAFF, "hukum-b", None),
    "auditor": (Role.AUDITOR, "bpk-1", None),
}
# Who the same role is elsewhere: another university or LSP, or another person of the same kind.
ELSEWHERE: dict[str, tuple[str, str | None]] = {
    "student": ("2020002", UNIVERSITY),
    "asesi": ("ASESI-0002", LSP),
    "applicant": ("akun-lain", None),
    "university_operator": ("operator@lain", OTHER_UNIVERSITY),
    "university_leader": ("rektor@lain", OTHER_UNIVERSITY),
    "ssc_staff": ("ssc@lain", OTHER_UNIVERSITY),
    "pddikti_sync": ("feed@lain", OTHER_UNIVERSITY),
    "kabag_sertifikasi": ("kabag-s", OTHER_LSP),
    "kabag_administrasi": ("kabag-a", OTHER_LSP),
    "komite_teknis": ("komite-a", OTHER_LSP),
    "ketua_lsp": ("ketua", OTHER_LSP),
    "asesor": (OTHER_ASESOR, LSP),
}

PEOPLE = frozenset({"student", "asesi", "applicant", "asesor"})  # elsewhere is another person, not an institution
# A person's role at another institution: a student of another university, a candidate of another LSP.
OTHER_INSTITUTION: dict[str, tuple[str, str | None]] = {
    "student": ("2020001", OTHER_UNIVERSITY),
    "asesi": (CANDIDATE, OTHER_LSP),
}

ALLOWED, OWN_INSTITUTION, OWN_RECORDS, DENIED = "yes", "own institution", "own records", "no"
# Fields whose person is the token's subject: no argument can name anyone else, so "own records" cannot be walked
# as someone else's; the walk checks that the role is let in, and the table says "own records".
SELF_ONLY = {
    ("query mySubmissions", "student"),
    ("query catalogProposals", "student"),
    ("query myAssignments", "asesor"),
    ("query myAssessments", "asesi"),
    ("query myEquivalencyApplications", "applicant"),
    ("mutation proposeCatalogEntry", "student"),
    ("mutation submitCertification", "student"),
    ("mutation declareRelation", "asesor"),
    ("mutation registerEquivalencyApplication", "applicant"),
    *(
        (field, role)  # issue 34: the holder is the token's (SHR-1)
        for field in (
            "query myShares",
            "mutation createShare",
            "mutation changeShare",
            "mutation revokeShare",
            "mutation revokeAllShares",
        )
        for role in ("student", "asesi", "applicant")
    ),
}
# Fields that take no argument and answer the token's own scope (issue 32): no argument can name anyone else, so the
# walk checks that the role is let in and the cell says how far the token reaches: a person's own records, their
# institution's, or national. That nothing of another's is answered is tested in tests/api/test_viewer.py.
TOKEN_SCOPED = frozenset({"query viewer"})


def token_scope(role_name: str) -> str:
    role = ROLES[role_name][0]
    if role_name in PEOPLE:
        return OWN_RECORDS
    return OWN_INSTITUTION if role in INSTITUTION_BOUND else ALLOWED


# Fields that take one of several ways to name their subject: walked with one (the others are tested beside them).
ONLY_ARGUMENTS = {"personalDataReport": ("universityCode", "nim")}
# Kept out: refused, or told "not found" about what exists (someone else's application reads as no application).
REFUSED = frozenset({"NotAuthorized", "NotFound"})
ENTITLEMENT_RULES = frozenset({"ASM-3.assignment"})  # a rule that is a refusal: only the assigned asesor acts


def without_institution(role_name: str) -> str | None:
    """The role's token with its institution left out, signed by hand (``mint`` refuses to): for a role bound to
    an institution it must be refused at sign-in, so the caller is kept out of every field (issue 27, defect 7)."""
    role, subject, _ = ROLES[role_name]
    if role not in INSTITUTION_BOUND:  # national, or (the asesor) acting by assignment wherever that is
        return None
    claims = {"iss": "kredensial", "sub": subject, "role": role.value, "inst": None, "exp": 2**31}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def token(role_name: str, elsewhere: bool = False, other_institution: bool = False) -> str | None:
    role, subject, institution = ROLES[role_name]
    if role is None:
        return None
    if elsewhere:
        subject, institution = ELSEWHERE[role_name]
    if other_institution:
        subject, institution = OTHER_INSTITUTION[role_name]
    return mint(SECRET, subject=subject, role=role, institution=institution)


@dataclass
class Seeded:
    """The ids the walk fills arguments with, by argument name."""

    values: dict[str, Any] = field(default_factory=dict)


def seed(container: Container, world: World) -> Seeded:
    """Something to read in every context: a paired NINA, a submission, an assessment, an application."""
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.eligible_s1("2020002")
    nina = world.reserve("2020001").nina
    world.graduate("2020001")
    world.pair("2020001", nina)
    desk = Desk(world).catalog()
    submitted = desk.submit()
    proposal = desk.app.propose_catalog_entry(
        university_code=UNIVERSITY, nim="2020001", details=replace(TOEFL, name="IELTS Academic"), cause=student()
    )
    proposal_id = proposal.proposal_id
    office = Office(world).setup()
    office.certified()  # a signed certificate, to revoke
    assessment_id = office.assessed(on=date(2024, 8, 2))
    office.apply_remote()  # a pending application for remote assessment, for BNSP to decide (ASM-5)
    directorate = Directorate(world)
    registered = directorate.complete(directorate.register())
    number = registered.registration_number
    directorate.equalise(number)
    container.services.diploma.sivil_public.trail.record(  # someone verified the diploma in SIVIL
        Verification(world.clock(), UNIVERSITY, PRODI, nina, "203.0.113.7", "web")
    )
    world.project()
    student_id = Student.create_id(UNIVERSITY, "2020001")
    return Seeded(
        {
            "universityCode": UNIVERSITY,
            "nim": "2020001",
            "prodiCode": PRODI,
            "nina": nina,
            "entryId": str(desk.aws),
            "catalogEntryId": str(desk.aws),
            "submissionId": str(submitted.submission_id),
            "lspCode": LSP,
            "skemaCode": SKEMA,
            "skemaCodes": [SKEMA],
            "asesorNumber": ASESOR,
            "candidateNumber": CANDIDATE,
            "assessmentId": str(assessment_id),
            "assessmentIds": [str(assessment_id)],
            "tukCode": "TUK-01",
            "registrationNumber": number,
            "aggregateId": str(student_id),
            "decisionId": f"{EquivalencyApplication.create_id(number)}/1",
            "rulesetId": "PISN-2021",
            "period": "20201",
            "entryPeriod": "20201",
            "ipk": "3.50",
            "ips": "3.50",
            "fileSha256": directorate.sha,
            "evidenceFile": directorate.sha,
            "memberId": "komite-a",
            "skNumber": "0777/E.E3/KM/2026",
            "country": "AU",
            "fullName": "Dewi Lestari",
            "code": "X1",
            "result": "A",
            "documents": [directorate.sha],
            "proposalId": str(proposal_id),
            "reasons": "The diploma is a Bachelor with Honours",
            "members": ["komite-a", "komite-b"],
            "number": 1,
            "technology": "Zoom",
            "RevokeCertificateInput.registrationNumber": "62090 2512 3 0000001 2024",
            "CreateShareInput.number": None,  # a diploma's share names no record (SHR-1); number is an Int elsewhere
        }
    )


def _value(name: str, kind: GraphQLInputType, seeded: Seeded, depth: int = 0, owner: str = "") -> Any:
    if f"{owner}.{name}" in seeded.values:  # a name two inputs use for different things
        return seeded.values[f"{owner}.{name}"]
    if name in seeded.values and not isinstance(get_named_type(kind), GraphQLEnumType):
        return seeded.values[name]
    if isinstance(kind, GraphQLNonNull):
        return _value(name, kind.of_type, seeded, depth)
    if isinstance(kind, GraphQLList):
        return [_value(name, kind.of_type, seeded, depth)]
    if isinstance(kind, GraphQLInputObjectType):  # what it requires, and what the world has a value for
        return {
            n: _value(n, f.type, seeded, depth + 1, kind.name)
            for n, f in kind.fields.items()
            if depth < 3 and (isinstance(f.type, GraphQLNonNull) or n in seeded.values)
        }
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    return {
        "String": "x",
        "Int": 1,
        "Boolean": False,
        "Date": date(2024, 8, 1).isoformat(),
        "DateTime": datetime(2024, 8, 1, tzinfo=UTC).isoformat(),
    }.get(get_named_type(kind).name, "x")


def document(operation: str, name: str, definition: GraphQLField) -> str:
    declared = ", ".join(f"${a}: {t.type}" for a, t in definition.args.items())
    passed = ", ".join(f"{a}: ${a}" for a in definition.args)
    returned = get_named_type(definition.type)
    selection = (
        " { __typename }" if isinstance(returned, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType) else ""
    )
    if isinstance(returned, GraphQLUnionType) and any(t.name == "RuleViolation" for t in returned.types):
        selection = " { __typename ... on RuleViolation { ruleId } }"
    head = f"{operation}({declared})" if declared else operation
    return f"{head} {{ {name}{f'({passed})' if passed else ''}{selection} }}"


def fields() -> Iterator[tuple[str, str, GraphQLField]]:
    graphql = schema._schema
    for operation, kind in (("query", graphql.query_type), ("mutation", graphql.mutation_type)):
        assert kind is not None
        for name, definition in kind.fields.items():
            yield operation, name, definition


def kept_out(body: dict[str, Any], name: str) -> bool:
    if any((e.get("extensions") or {}).get("code") == "NOT_AUTHORIZED" for e in body.get("errors") or []):
        return True
    answer = (body.get("data") or {}).get(name)
    if answer is None or answer == []:
        return True
    if isinstance(answer, dict):
        return answer.get("__typename") in REFUSED or answer.get("ruleId") in ENTITLEMENT_RULES
    return False


# A record that does not exist, by the argument that names it: a refusal must read the same for it as for one that
# exists, or the refusal itself tells that a record exists.
MISSING = {
    "nim": "9999999",
    "submissionId": "00000000-0000-4000-8000-000000000001",
    "assessmentId": "00000000-0000-4000-8000-000000000002",
    "aggregateId": "00000000-0000-4000-8000-000000000003",
    "registrationNumber": "PI-2099-999999",
    "decisionId": "00000000-0000-4000-8000-000000000004/1",
}


def shape(body: dict[str, Any], name: str) -> str:
    """What a refusal looks like, whatever it is about."""
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    if codes:
        return str(codes[0])
    answer = (body.get("data") or {}).get(name)
    if isinstance(answer, dict):
        return str(answer.get("__typename"))
    return "null" if answer is None else ("[]" if answer == [] else type(answer).__name__)


class Walk:
    def __init__(self, container: Container, seeded: Seeded) -> None:
        self.container = container
        self.seeded = seeded
        self.leaks: list[str] = []  # refusals that read differently for a record that exists

    def run(self, http: TestClient, operation: str, name: str, definition: GraphQLField, tok: str | None) -> bool:
        """Whether the caller was let in. A query that keeps the caller out is asked again about a record that does
        not exist: both refusals must read alike."""
        body = self._ask(http, operation, name, definition, tok, missing=False)
        inside = not kept_out(body, name)
        if not inside and operation == "query" and any(a in MISSING for a in definition.args):
            absent = self._ask(http, operation, name, definition, tok, missing=True)
            if shape(absent, name) != shape(body, name):
                self.leaks.append(f"{name}: {shape(body, name)} for a record that exists, {shape(absent, name)} else")
        return inside

    def _ask(
        self, http: TestClient, operation: str, name: str, definition: GraphQLField, tok: str | None, *, missing: bool
    ) -> dict[str, Any]:
        only = ONLY_ARGUMENTS.get(name)
        variables = {
            a: _value(a, t.type, self.seeded)
            for a, t in definition.args.items()
            if (isinstance(t.type, GraphQLNonNull) or a in self.seeded.values) and (only is None or a in only)
        }
        if missing:
            variables.update({a: MISSING[a] for a in variables if a in MISSING})
        headers = {"Authorization": f"Bearer {tok}"} if tok else {}
        before = self.heads()
        response = http.post(
            "/graphql", json={"query": document(operation, name, definition), "variables": variables}, headers=headers
        )
        assert response.status_code == 200, (name, response.text)
        body = response.json()
        errors = [e for e in body.get("errors") or [] if (e.get("extensions") or {}).get("code") != "NOT_AUTHORIZED"]
        assert not errors, (name, errors)  # a crash is no refusal: null with an error must not pass as "kept out"
        assert not kept_out(body, name) or self.heads() == before, f"{name} refused a caller yet appended an event"
        result: dict[str, Any] = body
        return result

    def heads(self) -> list[int]:
        return [app.recorder.max_notification_id() or 0 for app in self.container.services.applications.values()]


def _scope(walk: Walk, http: TestClient, operation: str, name: str, definition: GraphQLField, role: str) -> str:
    """How far a role that was let in reaches: tried as someone else of the same role, and (for a person) as the
    same person at another institution; a person is "own records" only if both are kept out."""
    other_out = role in ELSEWHERE and not walk.run(http, operation, name, definition, token(role, elsewhere=True))
    if role not in PEOPLE:
        return OWN_INSTITUTION if other_out else ALLOWED
    elsewhere_out = role in OTHER_INSTITUTION and not walk.run(
        http, operation, name, definition, token(role, other_institution=True)
    )
    if other_out and (elsewhere_out or role not in OTHER_INSTITUTION):
        return OWN_RECORDS
    if other_out:
        return "own records, but let in at another institution"  # never a documented cell: the test fails
    return OWN_INSTITUTION if elsewhere_out else ALLOWED


def observe(container: Container, world: World) -> dict[str, dict[str, str]]:
    """The table as the running schema answers it today."""
    walk = Walk(container, seed(container, world))
    UNBOUND.clear()
    table: dict[str, dict[str, str]] = {}
    with TestClient(create_app(container.services)) as http:
        for operation, name, definition in fields():
            row = {}
            for role_name in ROLES:
                unbound = without_institution(role_name)
                if unbound is not None and walk.run(http, operation, name, definition, unbound):
                    UNBOUND[:] = [*UNBOUND, f"{operation} {name} as {role_name} without an institution"]
                inside = walk.run(http, operation, name, definition, token(role_name))
                if not inside:
                    row[role_name] = DENIED
                elif f"{operation} {name}" in TOKEN_SCOPED:
                    row[role_name] = token_scope(role_name)
                elif (f"{operation} {name}", role_name) in SELF_ONLY:
                    row[role_name] = OWN_RECORDS
                else:
                    row[role_name] = _scope(walk, http, operation, name, definition, role_name)
            table[f"{operation} {name}"] = row
    LEAKS[:] = sorted(set(walk.leaks))
    return table


LEAKS: list[str] = []  # found by the last ``observe``: refusals that tell a record exists
UNBOUND: list[str] = []  # found by the last ``observe``: fields a bound role's token without an institution entered


if __name__ == "__main__":
    import tempfile
    from pathlib import Path

    from infra.bootstrap import bootstrap
    from infra.settings import Settings
    from tests.world import Clock

    clock = Clock(datetime(2024, 8, 1, 3, 0, tzinfo=UTC))
    settings = Settings.from_env(
        {
            "KREDENSIAL_DATA_DIR": str(Path(tempfile.mkdtemp()) / "var"),
            "KREDENSIAL_SECRET": SECRET,
            "KREDENSIAL_MASTER_KEY": "11" * 32,
            "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
        }
    )
    box = bootstrap(settings, clock=clock)
    try:
        observed = observe(box, World(box, clock))
    finally:
        box.close()
    print("| field | " + " | ".join(ROLES) + " |")
    for key, row in observed.items():
        print(f"| `{key}` | " + " | ".join(row[r] for r in ROLES) + " |")
