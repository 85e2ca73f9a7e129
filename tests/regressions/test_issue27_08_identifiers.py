"""Issue 27, defect 8: identifiers in the new contexts accepted look-alikes and impossible values.

Asesor numbers, candidate numbers and catalog entry names that differ only by case, or by Cyrillic or full-width
look-alike letters, made separate records; a licence "valid until 9999-12-31", a thesis deadline or a
certification's issue day in year 1 were stored; country XX was accepted; an evidence link could hold markup.
Now codes are parsed in their ASCII alphabet after NFKC and stored upper-cased (ASM-7.number, ASM-7.holder),
catalog names compare by TR39 skeletons without case (SUB-1.duplicate), days have decided bounds (ASM-2.validity,
ASM-3.registration, SUB-7, SUB-3, SUB-4), countries are ISO 3166-1 as assigned (EQV-1), links are parsed URLs
(SUB-6, EQV-2.6). Every refusal names its field and rule and appends nothing. One test goes through a real
``kredensial serve`` process; the others through the application, on both stores.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from api.auth import SignIn, mint
from application.assessment.inputs import CandidateInput
from domain.assessment.asesor import Asesor
from domain.assessment.kinds import LicenceKind
from domain.assessment.people import Asesi
from domain.audit import Role
from domain.errors import RuleViolation
from domain.submission.claim import UrlEvidence, parse_url
from domain.submission.entry import EntryDetails, IssuerKind, IssuerOrigin
from infra.bootstrap import Container
from tests.api.test_graphql import REFUSALS
from tests.api.test_processes import KREDENSIAL
from tests.assessment.lsp import ASESOR, BNSP, CANDIDATE, KABAG_ADMINISTRASI, LSP, NIK, SKEMA, Office
from tests.equivalency.directorate import Directorate, applicant
from tests.servers import free_port, process_env, served_process
from tests.submission.desk import AWS, NIM, Desk, ssc
from tests.world import UNIVERSITY, World

CYRILLIC_ASESOR = "МЕТ.000.001234 2019"  # М, Е and Т are Cyrillic
FULL_WIDTH_ASESOR = "ＭＥＴ.０００.００１２３４ ２０１９"


def heads(container: Container) -> tuple[int, ...]:
    """The head of each new context's log: a refused command leaves them where they were."""
    services = container.services
    apps = (services.assessment.commands, services.submission.commands, services.equivalency.commands)
    return tuple(app.recorder.max_notification_id() or 0 for app in apps)


def refusal(container: Container, command: Callable[[], Any]) -> tuple[str, str]:
    before = heads(container)
    with pytest.raises(RuleViolation) as refused:
        command()
    assert heads(container) == before, "a refused command appended an event"
    [failure] = refused.value.failures
    return failure.rule_id, failure.field


@pytest.fixture
def office(world: World) -> Office:
    return Office(world).setup()


@pytest.fixture
def desk(world: World) -> Desk:
    world.university()
    world.programme()
    world.student(NIM)
    return Desk(world).catalog()


# Codes: one record however typed; another script's letters refused ---------------------------------------------


def test_ASM_7_an_asesor_number_in_another_case_or_width_is_one_asesor_and_a_Cyrillic_one_is_refused(
    office: Office,
) -> None:
    app = office.app

    def register(typed: str) -> None:
        app.register_asesor(
            asesor_number=typed,
            employer="Politeknik Negeri",
            skema_code=SKEMA,
            valid_from=date(2024, 1, 1),
            valid_until=date(2026, 12, 31),
            cause=BNSP,
        )

    for typed in ("met.000.001234 2019", FULL_WIDTH_ASESOR, "MET.000.001234   2019"):
        register(typed)
        assert app.find(Asesor, Asesor.create_id(typed)) is None  # no second asesor under this spelling
    assert app.load(Asesor, Asesor.create_id(ASESOR), "asesor", ASESOR).asesor_number == ASESOR
    assert refusal(office.world.container, lambda: register(CYRILLIC_ASESOR)) == ("ASM-7.number", "asesorNumber")


def test_ASM_7_a_candidate_number_in_another_case_or_width_is_the_same_candidate(office: Office) -> None:
    container = office.world.container
    for typed in ("asesi-0001", "ＡＳＥＳＩ－０００１"):
        office.candidate(typed)  # the same identity: the same candidate, nothing new
        assert office.app.find(Asesi, Asesi.create_id(LSP, typed)) is None
    # Another person under a case variant of the number is refused as the duplicate it is.
    other = CandidateInput("asesi-0001", "Dewi Lestari", "3171012345670099", None, None)
    assert refusal(
        container, lambda: office.app.register_candidate(lsp_code=LSP, candidate=other, cause=KABAG_ADMINISTRASI)
    ) == ("ASM-7.holder", "candidateNumber")
    cyrillic = CandidateInput("АSESI-0001", "Dewi Lestari", NIK, None, None)  # a Cyrillic А
    assert refusal(
        container, lambda: office.app.register_candidate(lsp_code=LSP, candidate=cyrillic, cause=KABAG_ADMINISTRASI)
    ) == ("ASM-7.holder", "candidateNumber")
    # An assessment opened for the lower-case number is the registered candidate's.
    assessment_id = office.open(candidate=CANDIDATE.lower())
    assert office.app.find(Asesi, Asesi.create_id(LSP, CANDIDATE)) is not None
    assert assessment_id is not None


def test_ASM_7_a_token_names_an_asesor_or_candidate_by_the_canonical_number() -> None:
    """The records hold the canonical number, so a subject typed in another case acts as the same person."""
    candidate = mint("s" * 32, subject="asesi-0001", role=Role.ASESI, institution=LSP)
    asesor = mint("s" * 32, subject="met.000.001234  2019", role=Role.ASESOR, institution=None)
    for token, number in ((candidate, CANDIDATE), (asesor, ASESOR)):
        actor = SignIn("s" * 32).actor(f"Bearer {token}")
        assert actor is not None and actor.id == number


# Catalog names: TR39 skeletons, without case ---------------------------------------------------------------------

LOOK_ALIKES = {
    "a Cyrillic А in the name": {"name": "АWS Certified Cloud Practitioner"},
    "a Greek Ο in the name": {"name": "AWS Certified Cl\u039fud Practitioner"},
    "full-width letters and another case": {"name": "ＡＷＳ certified CLOUD practitioner"},
    "a Cyrillic ѕ in the issuer": {"issuer": "Amazon Web Ѕervices"},
    "a capital I for an l": {"name": "AWS Certified CIoud Practitioner"},
}


def entry(**given: str) -> EntryDetails:
    fields = {"issuer": AWS.issuer, "category": AWS.category, "name": AWS.name, **given}
    return EntryDetails.parse(issuer_kind=IssuerKind.TECHNOLOGY_COMPANY, origin=IssuerOrigin.FOREIGN, **fields)


@pytest.mark.parametrize("case", list(LOOK_ALIKES))
def test_SUB_1_a_look_alike_catalog_entry_is_refused_as_a_duplicate(desk: Desk, case: str) -> None:
    details = entry(**LOOK_ALIKES[case])
    add = lambda: desk.app.add_catalog_entry(university_code=UNIVERSITY, details=details, cause=ssc())  # noqa: E731
    assert refusal(desk.world.container, add) == ("SUB-1.duplicate", "name")
    # Another certification of the issuer is still a new entry.
    other = entry(name="AWS Certified Solutions Architect")
    assert desk.app.add_catalog_entry(university_code=UNIVERSITY, details=other, cause=ssc()).entry_id


# Days within decided bounds --------------------------------------------------------------------------------------

FAR = (date(1, 1, 1), date(9999, 12, 31))


def test_ASM_2_and_ASM_3_a_licence_or_registration_in_year_1_or_9999_is_refused(office: Office) -> None:
    container, app = office.world.container, office.app
    for day, field in ((FAR[0], "validFrom"), (FAR[1], "validUntil")):
        valid_from, valid_until = (day, date(2026, 12, 31)) if field == "validFrom" else (date(2024, 1, 1), day)
        assert refusal(
            container,
            lambda f=valid_from, u=valid_until: app.license_lsp(
                lsp_code="LSP-BARU",
                kind=LicenceKind.FIRST_PARTY,
                skema_codes=[SKEMA],
                valid_from=f,
                valid_until=u,
                remote_assessment=False,
                cause=BNSP,
            ),
        ) == ("ASM-2.validity", field)
        assert refusal(
            container,
            lambda f=valid_from, u=valid_until: app.register_asesor(
                asesor_number="MET.000.009999 2024",
                employer=None,
                skema_code=SKEMA,
                valid_from=f,
                valid_until=u,
                cause=BNSP,
            ),
        ) == ("ASM-3.registration", field)


def test_SUB_7_a_thesis_deadline_in_year_1_or_9999_is_refused(desk: Desk) -> None:
    for day in FAR:
        assert refusal(desk.world.container, lambda d=day: desk.deadline(d)) == ("SUB-7", "deadline")
    desk.deadline(date(2025, 1, 31))  # a plausible one still is set


def test_SUB_3_and_SUB_4_a_certification_issued_in_year_1_or_valid_until_9999_is_refused(desk: Desk) -> None:
    container = desk.world.container
    assert refusal(container, lambda: desk.submit(issued_on=FAR[0])) == ("SUB-3", "issuedOn")
    assert refusal(container, lambda: desk.submit(valid_thru=FAR[1])) == ("SUB-4", "validThru")


# Countries and links ---------------------------------------------------------------------------------------------


def test_EQV_1_a_country_ISO_3166_never_assigned_is_refused(world: World) -> None:
    directorate = Directorate(world)
    for country in ("XX", "xx", "ZZ", "UK", "EU", "ＸＸ", "ΑU"):  # the last with a Greek Α
        assert refusal(world.container, lambda c=country: directorate.register(country=c)) == ("EQV-1", "country")
    assert directorate.register(country="au").registration_number  # an assigned code, in any case


MARKUP = [
    'https://www.credly.com/badges/1"><script>alert(1)</script>',
    "https://www.credly.com/badges/<b>1</b>",
    "https://www.credly.com/badges/1%0d%0aSet-Cookie:x",
    "https://user:pass@www.credly.com/badges/1",
    "https:///badges/1",
]


@pytest.mark.parametrize("url", MARKUP)
def test_SUB_6_and_EQV_2_6_a_link_with_markup_or_no_host_is_refused(desk: Desk, url: str) -> None:
    container = desk.world.container
    assert refusal(container, lambda: desk.submit(evidence_url=url)) == ("SUB-6", "evidenceUrl")
    directorate = Directorate(desk.world)
    number = directorate.register().registration_number
    upload = lambda: directorate.app.add_document(  # noqa: E731
        registration_number=number, item_code="ACADEMIC_CATALOGUE", file=None, url=url, cause=applicant()
    )
    assert refusal(container, upload) == ("EQV-2.6", "url")


def test_SUB_6_a_link_is_stored_in_its_normal_form() -> None:
    assert parse_url(" HTTPS://WWW.Credly.COM:443/badges/0f1e ") == UrlEvidence("https://www.credly.com/badges/0f1e")


# Through a real server process -----------------------------------------------------------------------------------


def test_look_alike_identifiers_are_refused_through_a_served_process(office: Office) -> None:
    """A served ``kredensial`` on the same store: Cyrillic asesor number, look-alike catalog name, country XX."""
    container = office.world.container
    Desk(office.world).catalog()
    secret = container.settings.secret
    bnsp = mint(secret, subject="bnsp@test", role=Role.BNSP_OFFICER, institution=None)
    staff = mint(secret, subject="ssc@test", role=Role.SSC_STAFF, institution=UNIVERSITY)
    account = mint(secret, subject="akun-rina", role=Role.APPLICANT, institution=None)
    asesor = {"skemaCode": SKEMA, "employer": None, "validFrom": "2024-01-01", "validUntil": "2026-12-31"}
    entry = {"issuer": AWS.issuer, "issuerKind": "TECHNOLOGY_COMPANY", "origin": "FOREIGN", "category": "Cloud"}
    form = {"fullName": "Rina Kusuma", "passportNumber": "C1234567", "university": "U", "programme": "P"}
    port = free_port()
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], process_env(container), port) as url:

        def call(mutation: str, input_type: str, token: str, success: str, **given: Any) -> dict[str, Any]:
            doc = f"mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ __typename {success} {REFUSALS} }} }}"
            response = httpx.post(
                f"{url}/graphql",
                json={"query": doc, "variables": {"i": given}},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            body = response.json()
            assert "errors" not in body, body
            return dict(body["data"][mutation])

        before = heads(container)
        accepted = "... on Accepted { position }"
        refused = call("registerAsesor", "RegisterAsesorInput", bnsp, accepted, asesorNumber=CYRILLIC_ASESOR, **asesor)
        assert (refused["__typename"], refused["ruleId"], refused["field"]) == (
            "RuleViolation",
            "ASM-7.number",
            "asesorNumber",
        )
        refused = call(
            "addCatalogEntry",
            "AddCatalogEntryInput",
            staff,
            "... on CatalogAccepted { entryId }",
            universityCode=UNIVERSITY,
            entry={**entry, "name": "АWS Certified Cloud Practitioner"},  # a Cyrillic А
        )
        assert (refused["__typename"], refused["ruleId"], refused["field"]) == (
            "RuleViolation",
            "SUB-1.duplicate",
            "name",
        )
        refused = call(
            "registerEquivalencyApplication",
            "EquivalencyApplicationInput",
            account,
            "... on ApplicationAccepted { registrationNumber }",
            country="XX",
            level="S1",
            **form,
        )
        assert (refused["__typename"], refused["ruleId"], refused["field"]) == ("RuleViolation", "EQV-1", "country")
        assert heads(container) == before  # nothing appended by the served process either
        # The same asesor number in lower case is the registered asesor, not a second one.
        same = call("registerAsesor", "RegisterAsesorInput", bnsp, accepted, asesorNumber=ASESOR.lower(), **asesor)
        assert same["__typename"] == "Accepted", same
    assert office.app.find(Asesor, Asesor.create_id(ASESOR.lower())) is None
