"""Issue 13: every paired NINA is a W3C Verifiable Credential that Digital Bazaar's verifier accepts, whose
revocation and suspension bits follow PIN-5, whose keys rotate without breaking it, and whose status list can
be read as it stood at a past instant."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.http import create_app
from application.credentials.issuing import CredentialIssuing
from application.credentials.status_key import status_list_key
from domain.credentials import proof
from domain.credentials.diploma import diploma_credential
from domain.credentials.documents import Issuer
from domain.credentials.packing import pack, unpack
from domain.credentials.status_list import LIST_SIZE, CredentialKind, Purpose, StatusSlot, decode, is_set, position
from infra.bootstrap import Container
from infra.documents.credentials.keys import DidDocumentKeys, IssuerKeys
from infra.documents.credentials.verify_cli import verify_credential_cli
from infra.documents.key_ring import KeyRing
from infra.sivil.qr import QR_TOKEN_LIMIT
from projections.sivil.rows import SivilEntry
from tests.credentials import digital_bazaar
from tests.credentials.digital_bazaar import documents_for
from tests.world import PRODI, UNIVERSITY, Clock, World


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


def get(client: TestClient) -> digital_bazaar.Get:
    def fetch(path: str) -> Any:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    return fetch


def paired(world: World, nim: str = "2020001") -> str:
    nina = world.paired(nim)
    world.project()
    return nina


def credential_of(container: Container, nina: str) -> dict[str, Any]:
    entry = container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None
    signed = container.services.credentials.diploma(entry)
    assert signed is not None
    return signed


@pytest.fixture
def s1(world: World, clock: Clock) -> World:
    # Events carry the wall clock's instant; the issuer's clock follows it here, as it does in production.
    clock.now = datetime.now(UTC)
    world.university()
    world.programme()
    return world


def test_a_paired_diploma_is_a_credential_digital_bazaar_verifies_and_a_changed_one_it_rejects(
    s1: World, container: Container, client: TestClient
) -> None:
    credential = credential_of(container, paired(s1))
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["name"] = "Someone Else"
    documents = documents_for([credential], get(client))

    valid, tampered = digital_bazaar.verify([credential, changed], documents)

    assert valid["verified"], valid["errors"]
    assert [(s["purpose"], s["set"]) for s in valid["status"]] == [("revocation", False), ("suspension", False)]
    assert not tampered["verified"]
    assert any("signature" in error.lower() for error in tampered["errors"]), tampered["errors"]


def test_PIN_6_the_credential_shows_the_minimal_verification_result_and_is_signed_by_the_did_web_issuer(
    s1: World, container: Container, client: TestClient
) -> None:
    nina = paired(s1)
    credential = credential_of(container, nina)
    did_document = client.get("/.well-known/did.json").json()

    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["type"] == ["VerifiableCredential", "DiplomaCredential"]
    assert credential["issuer"] == did_document["id"] and did_document["id"].startswith("did:web:")
    assert set(credential["credentialSubject"]) == {
        "id", "type", "name", "nim", "nina", "level", "graduationDate",
        "universityCode", "universityName", "prodiCode", "programmeName",
    }  # fmt: skip
    assert credential["name"] and credential["description"]
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", credential["credentialSubject"]["id"])
    assert credential["credentialSubject"]["nina"] == nina
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert credential["proof"]["proofValue"].startswith("z")
    assert credential["proof"]["verificationMethod"] in did_document["assertionMethod"]
    assert proof.verify(credential, DidDocumentKeys(did_document)) == credential["proof"]["verificationMethod"]


def test_PIN_5_an_annulled_diploma_reads_revoked_from_the_published_list_and_the_statement_says_how(
    s1: World, container: Container, client: TestClient
) -> None:
    nina = paired(s1)
    credential = credential_of(container, nina)  # issued while valid, in the holder's hands
    s1.annul()
    s1.project()

    [result] = digital_bazaar.verify([credential], documents_for([credential], get(client)))

    assert not result["verified"]
    assert ("revocation", True) in [(s["purpose"], s["set"]) for s in result["status"]]
    revocation = credential["credentialStatus"][0]
    statement = client.get(revocation["statusReference"].split("8000", 1)[1]).json()
    assert statement["credentialSubject"]["annulmentKind"] == "VOID"
    assert statement["credentialSubject"]["voidFromStart"] is True
    keys = DidDocumentKeys(client.get("/.well-known/did.json").json())
    assert proof.verify(statement, keys)


def test_PIN_5_an_annulment_proposal_suspends_and_its_rejection_lifts_the_suspension(
    s1: World, container: Container, client: TestClient
) -> None:
    credential = credential_of(container, paired(s1))
    s1.propose_annulment()
    s1.project()
    [suspended] = digital_bazaar.verify([credential], documents_for([credential], get(client)))
    s1.decide_annulment(accept=False, remark="the reservation was right")
    s1.project()
    [lifted] = digital_bazaar.verify([credential], documents_for([credential], get(client)))

    assert not suspended["verified"]
    assert [(s["purpose"], s["set"]) for s in suspended["status"]] == [("revocation", False), ("suspension", True)]
    assert lifted["verified"], lifted["errors"]


def test_a_credential_signed_before_a_key_rotation_still_verifies_and_one_by_an_unknown_key_does_not(
    s1: World, container: Container, client: TestClient
) -> None:
    credential = credential_of(container, paired(s1))
    issuing = container.services.credentials
    old_keys = issuing.keys
    assert isinstance(old_keys, IssuerKeys)
    rotated = IssuerKeys(old_keys.ring.rotated(), issuing.issuer)
    container.services.credentials = CredentialIssuing(issuing.issuer, rotated, issuing.status, issuing.clock)
    after_rotation = credential_of(container, s1_nina := credential["credentialSubject"]["nina"])
    stranger = IssuerKeys(old_keys.ring.rotated().rotated(), issuing.issuer)  # a key the DID document never lists
    forged = proof.secure({k: v for k, v in credential.items() if k != "proof"}, stranger, created=datetime.now(UTC))

    documents = documents_for([credential], get(client))
    documents[credential["issuer"]] = rotated.did_document()
    old, new, unknown = digital_bazaar.verify([credential, after_rotation, forged], documents)

    assert s1_nina
    assert old["verified"], old["errors"]
    assert new["verified"], new["errors"]
    assert credential["proof"]["verificationMethod"] != after_rotation["proof"]["verificationMethod"]
    assert not unknown["verified"]


def test_the_list_as_it_stood_before_the_annulment_has_the_bit_clear_and_cannot_pass_for_the_current_one(
    s1: World, container: Container, client: TestClient, clock: Clock, tmp_path: Path
) -> None:
    credential = credential_of(container, paired(s1))
    before = datetime.now(UTC)
    s1.annul()
    s1.project()
    clock.now = datetime.now(UTC)
    entry = credential["credentialStatus"][0]
    url, index = entry["statusListCredential"], int(entry["statusListIndex"])
    path = urlsplit(url).path

    then = client.get(path, params={"timestamp": before.isoformat()}).json()
    now = client.get(path).json()
    by_day = client.get(path, params={"timestamp": before.date().isoformat()})

    assert not is_set(decode(then["credentialSubject"]["encodedList"]), index)
    assert is_set(decode(now["credentialSubject"]["encodedList"]), index)
    assert then["id"] == now["id"] == url
    assert then["validUntil"] == now["validFrom"]  # the past list held until the annulment changed it
    assert "validUntil" not in now
    assert by_day.status_code == 200
    # The holder of an annulled diploma who keeps the list of before cannot pass it off as current. (Digital
    # Bazaar's verifier too refuses a list past its validUntil, beyond its clock skew of five minutes.)
    saved = tmp_path / "list.json"
    saved.write_text(json.dumps(then))
    did = tmp_path / "did.json"
    did.write_text(json.dumps(client.get("/.well-known/did.json").json()))
    file = tmp_path / "vc.json"
    file.write_text(json.dumps(credential))
    code, lines = verify_credential_cli(file, did, [saved], None, True)
    assert code == 3 and "not current" in "\n".join(lines), lines


def test_status_indices_are_drawn_from_the_recorded_key_not_from_issue_order(
    s1: World, container: Container, client: TestClient
) -> None:
    credentials = [credential_of(container, paired(s1, nim)) for nim in ("2020001", "2020002", "2020003")]
    key = status_list_key(container.services.applications["credentials"])
    indices = [int(c["credentialStatus"][0]["statusListIndex"]) for c in credentials]

    assert indices == [position(key, CredentialKind.DIPLOMA, ordinal)[1] for ordinal in range(3)]
    assert indices != sorted(indices) or indices[2] - indices[0] > 2  # not 0, 1, 2
    assert all(0 <= index < LIST_SIZE for index in indices)
    listed = get(client)(f"/credentials/status/diploma/{Purpose.REVOCATION.value}/0")
    assert len(decode(listed["credentialSubject"]["encodedList"])) * 8 == LIST_SIZE


def test_bad_requests_for_status_lists_name_the_field_and_the_rule(client: TestClient) -> None:
    for path, field in [
        ("/credentials/status/passport/revocation/0", "kind"),
        ("/credentials/status/diploma/expiry/0", "purpose"),
        ("/credentials/status/diploma/revocation/-1", "number"),
        ("/credentials/status/diploma/revocation/0?timestamp=yesterday", "timestamp"),
        ("/credentials/status/diploma/revocation/0?timestamp=2026-02-30", "timestamp"),
        ("/credentials/status/diploma/annulment/0/131072", "index"),
    ]:
        response = client.get(path)
        assert response.status_code == 400, path
        assert response.json()["field"] == field and response.json()["rule"] == "API.credentials"
    assert client.get("/credentials/status/diploma/revocation/7").status_code == 404
    published = client.get("/credentials/status/diploma/revocation/0")
    assert published.headers["access-control-allow-origin"] == "*"  # for verifiers running in a browser


def verdict_of(client: TestClient, credential: dict[str, Any]) -> tuple[int, str, str]:
    response = client.post("/sivil/credential/verify", data={"vc": pack(credential)})  # as the page's script does
    found = re.search(r'data-verdict="([A-Z_]+)"', response.text)
    return response.status_code, found.group(1) if found else "", response.text


def test_the_qr_link_verifies_the_credential_it_carries_and_shows_the_result_bilingually(
    s1: World, container: Container, client: TestClient
) -> None:
    nina = paired(s1)
    credential = credential_of(container, nina)
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["graduationDate"] = "2020-01-01"

    status, verdict, page = verdict_of(client, credential)
    assert (status, verdict) == (200, "VERIFIED")
    assert "Kredensial sah" in page and "Credential valid" in page and nina in page
    assert verdict_of(client, changed)[1] == "NOT_VERIFIED"
    assert "2020-01-01" not in verdict_of(client, changed)[2]  # nothing unsigned is shown as if it were
    s1.propose_annulment()
    s1.project()
    assert verdict_of(client, credential)[1] == "SUSPENDED"
    s1.decide_annulment(accept=True)
    s1.project()
    status, verdict, page = verdict_of(client, credential)
    assert verdict == "REVOKED"
    assert "Dibatalkan karena kekeliruan / Cancelled: made in error" in page
    assert client.post("/sivil/credential/verify", data={"vc": "not-a-credential"}).status_code == 400
    status_list = client.get(urlsplit(credential["credentialStatus"][0]["statusListCredential"]).path).json()
    assert client.post("/sivil/credential/verify", data={"vc": pack(status_list)}).status_code == 400  # not a diploma


def test_the_qr_link_of_a_credential_fits_a_qr_code_a_phone_reads() -> None:
    issuer = Issuer("https://sivil.kemdiktisaintek.go.id")
    keys = IssuerKeys(KeyRing.generate(), issuer)
    long_names = SivilEntry(
        "001002", "Universitas Islam Negeri Sunan Kalijaga Yogyakarta", "55201", "Pendidikan Guru Madrasah Ibtidaiyah",
        "S1", "0010025520230001234", "2019010203", "Ni Luh Putu Ayu Kartika Sari Dewi Anggraeni", "2023-08-17",
        "VALID", "2023-09-01",
    )  # fmt: skip
    signed = proof.secure(
        diploma_credential(long_names, StatusSlot(0, 131_071, datetime.now(UTC)), issuer),
        keys,
        created=datetime.now(UTC),
    )
    link = f"{issuer.base_url}/sivil/credential/verify#vc={pack(signed)}"
    assert len(link) <= QR_TOKEN_LIMIT
    assert unpack(pack(signed)) == signed


def test_verify_credential_works_offline_with_saved_documents_and_online_against_the_issuer(
    s1: World, container: Container, client: TestClient, tmp_path: Path
) -> None:
    credential = credential_of(container, paired(s1))
    documents = documents_for([credential], get(client))
    saved = []
    for number, (url, document) in enumerate(documents.items()):
        (tmp_path / f"{number}.json").write_text(json.dumps(document))
        saved.append((url, tmp_path / f"{number}.json"))
    did = next(path for url, path in saved if url.startswith("did:"))
    lists = [path for url, path in saved if "/status/" in url]
    file = tmp_path / "ijazah.vc.json"
    file.write_text(json.dumps(credential))
    changed = tmp_path / "changed.vc.json"
    changed.write_text(json.dumps({**credential, "validFrom": "2001-01-01T00:00:00Z"}))

    def http_get(url: str) -> tuple[int, bytes]:
        response = client.get(urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else ""))
        return response.status_code, response.content

    assert verify_credential_cli(file, did, lists, None, True)[0] == 0
    assert verify_credential_cli(file, did, [], None, True)[0] == 3
    assert verify_credential_cli(file, None, [], None, True)[0] == 2
    assert verify_credential_cli(changed, did, lists, None, True)[0] == 1
    assert verify_credential_cli(file, None, [], "http://testserver", False, http_get)[0] == 0
    s1.annul()
    s1.project()
    code, lines = verify_credential_cli(file, None, [], "http://testserver", False, http_get)
    assert code == 4, lines
    assert "annulment: VOID" in "\n".join(lines)
    assert verify_credential_cli(file, did, lists, None, True)[0] == 0  # the saved lists predate the annulment


class CountingKeys:
    """The issuer's keys, counting what they sign."""

    def __init__(self, keys: IssuerKeys) -> None:
        self.keys, self.signed = keys, 0
        self.verification_method = keys.verification_method

    def sign_payload(self, payload: bytes) -> bytes:
        self.signed += 1
        return self.keys.sign_payload(payload)

    def check(self, verification_method: str, purpose: str, payload: bytes, signature: bytes) -> None:
        self.keys.check(verification_method, purpose, payload, signature)

    def did_document(self) -> dict[str, Any]:
        return self.keys.did_document()


def test_issue_33_a_status_list_is_signed_once_per_change_carries_a_ttl_and_answers_its_etag_with_304(
    s1: World, container: Container, clock: Clock
) -> None:
    credential = credential_of(container, paired(s1))
    issuing = container.services.credentials
    assert isinstance(issuing.keys, IssuerKeys)
    counting = CountingKeys(issuing.keys)
    container.services.credentials = CredentialIssuing(issuing.issuer, counting, issuing.status, issuing.clock)
    with TestClient(create_app(container.services)) as client:
        _signed_once_per_change(s1, credential, issuing, counting, client, clock)


def _signed_once_per_change(
    s1: World,
    credential: dict[str, Any],
    issuing: CredentialIssuing,
    counting: CountingKeys,
    client: TestClient,
    clock: Clock,
) -> None:
    entry = credential["credentialStatus"][0]
    path, index = urlsplit(entry["statusListCredential"]).path, int(entry["statusListIndex"])

    first, second = client.get(path), client.get(path)
    clock.now = datetime.now(UTC)  # a fetch later, by the clock: the list did not change, nor do its bytes
    third = client.get(path)
    other_process = CredentialIssuing(issuing.issuer, issuing.keys, issuing.status, issuing.clock)
    elsewhere = other_process.status_list(CredentialKind.DIPLOMA, Purpose.REVOCATION, 0)

    assert first.content == second.content == third.content
    assert elsewhere is not None and elsewhere.body == first.content  # another API process serves the same bytes
    assert counting.signed == 1
    assert first.json()["credentialSubject"]["ttl"] == 300_000  # milliseconds (Bitstring Status List v1.0)
    assert first.headers["cache-control"] == "public, max-age=300"
    tag = first.headers["etag"]
    assert tag == third.headers["etag"] and tag.startswith('"')
    unchanged = client.get(path, headers={"If-None-Match": tag})
    assert (unchanged.status_code, unchanged.content, unchanged.headers["etag"]) == (304, b"", tag)
    assert client.get(path, headers={"If-None-Match": f'"other", W/{tag}'}).status_code == 304

    s1.annul()
    s1.project()
    clock.now = datetime.now(UTC)
    changed = client.get(path, headers={"If-None-Match": tag})

    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert is_set(decode(changed.json()["credentialSubject"]["encodedList"]), index)
    assert changed.content == client.get(path).content and counting.signed == 2
    result = digital_bazaar.verify([credential], documents_for([credential], get(client)))[0]
    assert ("revocation", True) in [(s["purpose"], s["set"]) for s in result["status"]]
    past = client.get(path, params={"timestamp": "2020-06-01"})
    assert past.headers["cache-control"] == "public, max-age=86400"  # settled: its next change is known
