"""Signing in through real OpenID providers against a real ``kredensial serve``, on SQLite and on PostgreSQL (issue 29,
item 4): a student, an operator, an LSP's staff member and an applicant sign in with code + PKCE through the
provider's own pages; the PDDIKTI feed with its client credentials, for its own university only; the provider's keys
rotate mid-run; forged, expired, wrong-audience, wrong-issuer, ``alg: none`` and HS256-with-the-public-key tokens are
refused, all answered alike; and no token ever reaches the server's log."""

from __future__ import annotations

from typing import Any

import httpx
import jwt

from api.auth import mint
from domain.audit import Role
from tests.api.authorization_walk import kept_out
from tests.assessment.lsp import CANDIDATE, LSP
from tests.sign_in import forged
from tests.sign_in.conftest import FEED, OTHER_UNIVERSITY, Served
from tests.sign_in.provider import ES256, RS256, OpenIDProvider
from tests.world import PRODI, UNIVERSITY

MY_SUBMISSIONS = (
    "{ mySubmissions { __typename ... on SubmissionConnection { edges { node { nim universityCode } } } "
    "... on NotAuthorized { message } } }"
)
DIPLOMAS = (
    "query($u: String!) { diplomas(universityCode: $u) { __typename "
    "... on DiplomaConnection { edges { node { nim } } } ... on NotAuthorized { message } } }"
)
PIPELINE = (
    "query($l: String!) { lspPipeline(lspCode: $l) { __typename ... on Pipeline { edges { node { candidateNumber } } } "
    "... on NotAuthorized { message } } }"
)
MY_APPLICATIONS = (
    "{ myEquivalencyApplications { __typename ... on EquivalencyApplicationViewConnection "
    "{ edges { node { registrationNumber applicantName } } } } }"
)
CATALOG = "query($u: String!) { catalog(universityCode: $u) { __typename ... on NotAuthorized { message } } }"
REGISTER_STUDENT = (
    "mutation($i: RegisterStudentInput!) { registerStudent(input: $i) { __typename "
    "... on NotAuthorized { message } ... on RuleViolation { ruleId message } } }"
)


def new_student(university: str, nim: str) -> dict[str, Any]:
    return {
        "universityCode": university,
        "nim": nim,
        "prodiCode": PRODI,
        "entryPeriod": "20201",
        "fullName": "Sari Dewi",
        "nik": "3171234567890088",
    }


def test_a_student_signs_in_with_code_and_pkce_and_reads_their_own_submissions(
    served: Served, campus: OpenIDProvider
) -> None:
    token = campus.authorization_code_pkce("budi")
    answer = served.data(token, MY_SUBMISSIONS)["mySubmissions"]
    assert answer["__typename"] == "SubmissionConnection", answer
    nodes = [e["node"] for e in answer["edges"]]
    assert nodes and {(n["universityCode"], n["nim"]) for n in nodes} == {(UNIVERSITY, "2020001")}


def test_an_operator_signs_in_and_reads_their_own_universitys_diplomas_and_no_others(
    served: Served, campus: OpenIDProvider
) -> None:
    token = campus.authorization_code_pkce("siti", resource=ES256)  # the provider signs this one ES256
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    own = served.data(token, DIPLOMAS, {"u": UNIVERSITY})["diplomas"]
    assert own["__typename"] == "DiplomaConnection" and [e["node"]["nim"] for e in own["edges"]] == ["2020001"], own
    other = served.graphql(token, DIPLOMAS, {"u": OTHER_UNIVERSITY})
    assert other.status_code == 200 and kept_out(other.json(), "diplomas"), other.text


def test_an_lsp_staff_member_signs_in_through_the_ministrys_provider_and_reads_their_lsps_pipeline(
    served: Served, ministry: OpenIDProvider
) -> None:
    token = ministry.authorization_code_pkce("kabag-s")
    pipeline = served.data(token, PIPELINE, {"l": LSP})["lspPipeline"]
    assert pipeline["__typename"] == "Pipeline" and CANDIDATE in {
        e["node"]["candidateNumber"] for e in pipeline["edges"]
    }
    other = served.data(token, PIPELINE, {"l": "LSP-P3-LAIN"})["lspPipeline"]
    assert other["__typename"] == "NotAuthorized", other


def test_an_applicant_signs_in_and_reads_their_own_equivalency_application(
    served: Served, ministry: OpenIDProvider
) -> None:
    token = ministry.authorization_code_pkce("akun-rina", resource=ES256)
    applications = served.data(token, MY_APPLICATIONS)["myEquivalencyApplications"]
    numbers = [e["node"]["registrationNumber"] for e in applications["edges"]]
    assert numbers == [served.seeded.values["registrationNumber"]]


def test_the_pddikti_feed_signs_in_with_client_credentials_and_reports_only_for_its_own_university(
    served: Served, campus: OpenIDProvider
) -> None:
    token = campus.client_credentials(FEED)
    nim = "2020777"
    elsewhere = served.data(token, REGISTER_STUDENT, {"i": new_student(OTHER_UNIVERSITY, nim)})["registerStudent"]
    assert elsewhere["__typename"] == "NotAuthorized", elsewhere
    own = served.data(token, REGISTER_STUDENT, {"i": new_student(UNIVERSITY, nim)})["registerStudent"]
    assert own["__typename"] == "Accepted", own


def test_keys_rotated_mid_run_new_tokens_are_taken_and_a_removed_keys_tokens_refused(
    served: Served, rotating: OpenIDProvider
) -> None:
    """The provider rotates as its documentation recommends: a new key signs, the old one stays published, later it is
    removed. The server takes the new key's tokens as soon as it sees one (an unknown key id refreshes its copy of
    the JWKS) and the old key's while it is still published; it forgets a removed key at its next refresh, which
    the provider's next rotation brings about here."""

    def catalog(token: str) -> str:
        return str(served.data(token, CATALOG, {"u": UNIVERSITY})["catalog"]["__typename"])

    def kid(token: str) -> str:
        return str(jwt.get_unverified_header(token)["kid"])

    old = rotating.client_credentials(FEED)
    kids = rotating.rotate()
    new = rotating.client_credentials(FEED)
    assert kid(new) == kids[0] and kid(old) in kids[2:]
    assert catalog(new) == "CatalogEntryConnection"
    assert catalog(old) == "CatalogEntryConnection", "a key still published was refused"
    rotating.retire()
    newest_kids = rotating.rotate()
    newest = rotating.client_credentials(FEED)
    assert kid(newest) == newest_kids[0] and kid(old) not in newest_kids
    assert catalog(newest) == "CatalogEntryConnection", "a key the server had never seen was refused"
    assert catalog(new) == "CatalogEntryConnection"
    assert catalog(old) == "NotAuthorized", "a removed key's token was still taken"


def refused_tokens(served: Served, campus: OpenIDProvider, ministry: OpenIDProvider) -> dict[str, str]:
    """Every way a token can be wrong, each otherwise as good as a real one. On PostgreSQL (a production install,
    development tokens not allowed) a ``kredensial token`` token is one more."""
    real = campus.client_credentials(FEED)
    now = int(forged.claims(campus)["iat"])
    development = {}
    if served.store == "postgres":
        feed = mint(served.secret, subject="feed", role=Role.PDDIKTI_SYNC, institution=UNIVERSITY)
        development["a development token on a production install"] = feed
    return {
        **development,
        "forged signature, the provider's key id": forged.signed_by_another_key(campus),
        "forged signature, an unknown key id": forged.signed_by_another_key(campus, same_kid=False),
        "a real token, claims changed": forged.tampered(real, client_id="pddikti-feed-2", sub="x"),
        "a real token, expiry pushed back": forged.tampered(real, exp=now + 86400),
        "expired an hour ago": forged.signed_by_provider(campus, exp=now - 3600, iat=now - 4200),
        "expired an hour ago (ES256)": forged.signed_by_provider(campus, "ES256", exp=now - 3600, iat=now - 4200),
        "no expiry": forged.signed_by_provider(campus, exp=None),
        "not valid for an hour": forged.signed_by_provider(campus, nbf=now + 3600),
        "another audience": forged.signed_by_provider(campus, aud="another-api"),
        "no audience": forged.signed_by_provider(campus, aud=None),
        "an unconfigured issuer": forged.signed_by_provider(campus, iss="http://127.0.0.1:9/idp"),
        "another configured issuer's name": forged.signed_by_provider(campus, iss=ministry.issuer),
        "alg none": forged.unsigned(campus),
        "HS256 with the provider's public key": forged.hmac_with_public_key(campus),
        "a real person no mapping holds for": campus.authorization_code_pkce("tamu"),
        "a real operator of a university not the provider's": campus.authorization_code_pkce("joko"),
        "not a JWT": "not.a.jwt",
    }


def test_every_refused_token_is_answered_exactly_alike(
    served: Served, campus: OpenIDProvider, ministry: OpenIDProvider
) -> None:
    sha = served.seeded.values["fileSha256"]
    register = {"i": new_student(UNIVERSITY, "2020888")}
    answers: dict[str, tuple[Any, ...]] = {}
    for reason, token in refused_tokens(served, campus, ministry).items():
        query = served.graphql(token, MY_SUBMISSIONS + " ")
        mutation = served.graphql(token, REGISTER_STUDENT, register)
        file = httpx.get(f"{served.url}/files/{sha}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        answers[reason] = tuple(
            (r.status_code, r.text, r.headers.get("www-authenticate")) for r in (query, mutation, file)
        )
    first = next(iter(answers.values()))
    differing = {reason: answer for reason, answer in answers.items() if answer != first}
    assert not differing, (first, differing)
    (query_status, query_body, _), (_, mutation_body, _), (file_status, _, _) = first
    assert query_status == 200 and '"NotAuthorized"' in query_body and '"NotAuthorized"' in mutation_body, first
    assert file_status in (401, 403, 404), first
    # And the same feed, with a real token, is let in: the refusals above are about the tokens alone.
    let_in = served.data(campus.client_credentials(FEED), CATALOG, {"u": UNIVERSITY})["catalog"]
    assert let_in["__typename"] == "CatalogEntryConnection", let_in


def test_no_token_reaches_the_servers_log(served: Served, campus: OpenIDProvider, ministry: OpenIDProvider) -> None:
    """Run last in this module: every token sent to this server by the tests above is looked for too."""
    for token in refused_tokens(served, campus, ministry).values():
        served.graphql(token, MY_SUBMISSIONS)
    served.graphql(campus.authorization_code_pkce("budi", resource=RS256), MY_SUBMISSIONS)
    log = served.log.read_text(errors="replace")
    assert "POST /graphql" in log, "the server's log was not captured"
    signatures = {token.rsplit(".", 1)[-1] for token in served.sent if token.count(".") == 2}
    leaked = [t for t in served.sent if t in log] + [s for s in signatures if len(s) > 16 and s in log]
    assert not leaked, leaked
