"""PIN-6 and the processing trail, through the public SIVIL routes, on both stores.

Each test builds its own FastAPI app from ``create_sivil_router`` as the composition root would;
two apps built over one read store stand for two API processes.
"""

from __future__ import annotations

import base64
import html
import io
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.public_lookup.challenge import Challenges
from api.public_lookup.rate_limit import RateLimited, RateLimiter
from api.sivil.lookup import NOT_FOUND, STATUS_LABELS
from api.sivil.router import create_sivil_router
from domain.credentials import proof
from domain.diploma.nina import NINA
from domain.diploma.statement import MAX_TOKEN_LENGTH, Statement
from infra.bootstrap import Container
from infra.documents.key_ring import KeyRing
from infra.public_lookup.redis_challenges import RedisSpentChallenges
from infra.public_lookup.spent_challenges import SpentChallenges
from infra.sivil.pdf import INFO_KEY, render_verification_pdf
from infra.sivil.trail import VerificationTrail
from infra.sivil.verify import verify_pdf
from projections.sivil.rows import SivilEntry
from projections.sivil.view import SivilView
from tests.signed_pdfs import ROOTS, SIGNER
from tests.world import PRODI, UNIVERSITY, Clock, World

SECRET = "sivil-test-secret-" + "y" * 32
KEYS = KeyRing.from_seeds([bytes(range(32))])
REDIS_URL = "redis://127.0.0.1:6379/0"
ASKER = ("203.0.113.7", 50000)
OTHER_UNIVERSITY = "001003"

VERIFY = """
mutation($input: VerifyDiplomaInput!) {
  verifyDiploma(input: $input) {
    __typename
    ... on VerifiedDiploma {
      universityCode universityName prodiCode programmeName level nina nim fullName graduationDate
      status statusLabel statusDate verifiedAt pdfUrl
    }
    ... on DiplomaNotFoundResult { message }
    ... on RuleViolation { ruleId field message failures { ruleId field message } }
    ... on ChallengeRefused { ruleId field reason message }
    ... on RateLimitedResult { ruleId message retryAfterSeconds }
  }
}
"""


def fake_pdf(entry: SivilEntry, verified_at: datetime) -> bytes:
    return f"%PDF-fake {entry.nina} {verified_at.isoformat()}".encode()


def sivil_app(container: Container, clock: Clock, *, limiter: RateLimiter | None = None, **kw: Any) -> FastAPI:
    app = FastAPI()
    store = container.worker.store  # as the composition root does: spent challenges and the trail in it
    router = create_sivil_router(
        view=kw.pop("view", container.services.diploma.sivil),
        secret=SECRET,
        limiter=limiter or RateLimiter("1000/minute"),
        clock=clock,
        **{"keys": KEYS, "spent_challenges": SpentChallenges(store), "trail": VerificationTrail(store), **kw},
    )
    app.include_router(router)
    return app


BROWSER_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"
NOT_FOUND_PROBLEM = {"type": "/problems/not-found", "title": "Not found", "status": 404, "detail": NOT_FOUND}


class Public:
    """One asker at one address, speaking to one app (one API process)."""

    def __init__(self, app: FastAPI, client: tuple[str, int] = ASKER, headers: dict[str, str] | None = None) -> None:
        # A browser's Accept: the pages answer their errors as pages to it, and as problem details to a program.
        self.http = TestClient(app, client=client, headers={"Accept": BROWSER_ACCEPT, **(headers or {})})

    def gql(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post("/sivil/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def challenge(self) -> tuple[str, str]:
        """A fresh token and the answer a person would give, read off the question."""
        c = self.gql("{ challenge { question token } }")["challenge"]
        return c["token"], answer_to(c["question"])

    def verify(
        self,
        nina: str,
        *,
        university: str = UNIVERSITY,
        prodi: str = PRODI,
        token: str | None = None,
        answer: str | None = None,
    ) -> dict[str, Any]:
        if token is None:
            token, right = self.challenge()
            answer = right if answer is None else answer
        data = {"universityCode": university, "prodiCode": prodi, "nina": nina, "challengeToken": token}
        return self.gql(VERIFY, input={**data, "answer": answer})["verifyDiploma"]


def answer_to(question: str) -> str:
    a, b = re.search(r"(\d+) \+ (\d+)", question).groups()  # type: ignore[union-attr]
    return str(int(a) + int(b))


@pytest.fixture
def nina(world: World) -> str:
    return paired_diploma(world)


def paired_diploma(world: World, university_name: str = "Universitas Contoh") -> str:
    """Siti Aminah's paired diploma at 001002/55201; 001003 also runs a prodi 55201."""
    world.university(name=university_name)
    world.university(OTHER_UNIVERSITY, name="Universitas Lain")
    world.programme()
    world.programme(university=OTHER_UNIVERSITY)
    world.eligible_s1()
    reserved = world.reserve()
    world.graduate()
    world.pair(nina=reserved.nina)
    world.project()
    assert reserved.nina is not None
    return reserved.nina


@pytest.fixture
def public(container: Container, clock: Clock) -> Public:
    return Public(sivil_app(container, clock, pdf_renderer=fake_pdf))


def trail(container: Container, nina: str) -> list[tuple[str, str]]:
    return [
        (v.client_address, v.via)
        for v in VerificationTrail(container.worker.store).for_diploma(UNIVERSITY, PRODI, nina)
    ]


def never_issued(nina: str) -> str:
    """A NINA of the right form and check digit that no one holds."""
    return NINA.issue(PRODI, NINA(nina).year, NINA(nina).sequence + 500).value


def statement_of(container: Container, held: str, /, keys: KeyRing = KEYS, **changes: str) -> str:
    """The token of a statement SIVIL signed about Siti Aminah's diploma ``held`` (as in its PDF), with
    ``changes`` made to the entry before signing: a validly signed statement about a diploma not listed."""
    entry = container.services.diploma.sivil.entry(UNIVERSITY, PRODI, held)
    assert entry is not None
    verified_at = datetime(2024, 8, 1, 3, 0, tzinfo=UTC)
    return keys.sign(Statement.of(replace(entry, **changes), verified_at=verified_at, kid=keys.active_kid))


# --- the look-up --------------------------------------------------------------------------------------


def paired_on(container: Container, nina: str) -> str:
    entry = container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None
    return entry.status_date


def test_PIN_6_a_found_diploma_shows_what_a_verifier_needs_and_nothing_more(
    container: Container, public: Public, nina: str
) -> None:
    found = public.verify(nina)
    assert found.pop("pdfUrl").startswith("/sivil/pdf?token=")
    assert found == {
        "__typename": "VerifiedDiploma",
        "universityCode": UNIVERSITY,
        "universityName": "Universitas Contoh",
        "prodiCode": PRODI,
        "programmeName": f"Program {PRODI}",
        "level": "S1",
        "nina": nina,
        "nim": "2020001",
        "fullName": "Siti Aminah",
        "graduationDate": "2024-07-20",
        "status": "VALID",
        "statusLabel": "Sah / Valid",
        "statusDate": paired_on(container, nina),
        "verifiedAt": "2024-08-01T10:00:00+07:00",  # the instant in Asia/Jakarta (issue 32)
    }


def test_PIN_6_verified_diploma_type_has_no_reason_field(public: Public) -> None:
    fields = public.gql('{ __type(name: "VerifiedDiploma") { fields { name } } }')["__type"]["fields"]
    assert not [f["name"] for f in fields if "reason" in f["name"].lower() or "basis" in f["name"].lower()]


# --- the challenge --------------------------------------------------------------------------------------


def test_PIN_6_a_challenge_answers_until_its_ttl_and_is_refused_as_expired_from_then_on(
    container: Container, clock: Clock, nina: str
) -> None:
    public = Public(sivil_app(container, clock, challenge_ttl=timedelta(minutes=5)))
    just_in_time = public.challenge()
    too_late = public.challenge()
    clock.now += timedelta(minutes=5) - timedelta(seconds=1)
    assert public.verify(nina, token=just_in_time[0], answer=just_in_time[1])["__typename"] == "VerifiedDiploma"
    clock.now += timedelta(seconds=1)
    expired = public.verify(nina, token=too_late[0], answer=too_late[1])
    assert (expired["__typename"], expired["ruleId"], expired["reason"]) == ("ChallengeRefused", "PIN-6", "EXPIRED")
    assert "expired" in expired["message"]


def test_PIN_6_a_challenge_is_used_once_even_across_two_api_processes(
    container: Container, clock: Clock, nina: str
) -> None:
    first_process = Public(sivil_app(container, clock))
    second_process = Public(sivil_app(container, clock))
    token, answer = first_process.challenge()
    assert first_process.verify(nina, token=token, answer=answer)["__typename"] == "VerifiedDiploma"
    again_here = first_process.verify(nina, token=token, answer=answer)
    again_there = second_process.verify(nina, token=token, answer=answer)
    assert again_here["reason"] == again_there["reason"] == "REUSED"
    assert "already been used" in again_there["message"]


def test_PIN_6_a_challenge_is_used_once_across_processes_that_share_redis(
    container: Container, clock: Clock, nina: str
) -> None:
    prefix = f"kredensial-test:{uuid.uuid4().hex}:"
    first = RedisSpentChallenges.from_url(REDIS_URL, key_prefix=prefix)
    second = RedisSpentChallenges.from_url(REDIS_URL, key_prefix=prefix)
    try:
        first_process = Public(sivil_app(container, clock, spent_challenges=first))
        second_process = Public(sivil_app(container, clock, spent_challenges=second))
        token, answer = second_process.challenge()
        assert first_process.verify(nina, token=token, answer=answer)["__typename"] == "VerifiedDiploma"
        assert second_process.verify(nina, token=token, answer=answer)["reason"] == "REUSED"
        keys = first.client.keys(prefix + "*")
        assert len(keys) == 1
        assert 0 < first.client.pttl(keys[0]) <= (5 + 5) * 60 * 1000  # forgotten by Redis itself
    finally:
        for key in first.client.scan_iter(prefix + "*"):
            first.client.delete(key)
        first.client.close()
        second.client.close()


def test_PIN_6_a_wrong_answer_is_refused_and_spends_the_challenge(public: Public, nina: str) -> None:
    token, answer = public.challenge()
    wrong = public.verify(nina, token=token, answer=str(int(answer) + 1))
    assert (wrong["__typename"], wrong["field"], wrong["reason"]) == ("ChallengeRefused", "answer", "WRONG_ANSWER")
    assert "Wrong answer" in wrong["message"]
    assert public.verify(nina, token=token, answer=answer)["reason"] == "REUSED"  # no second guess on one token
    assert public.verify(nina, answer="lima")["reason"] == "WRONG_ANSWER"


def test_PIN_6_a_forged_or_altered_token_is_refused_as_invalid(
    container: Container, clock: Clock, public: Public, nina: str
) -> None:
    token, answer = public.challenge()
    version, token_id, exp, mac, answer_mac = token.split(".")
    later = ".".join((version, token_id, str(int(exp) + 3600), mac, answer_mac))
    assert public.verify(nina, token=later, answer=answer)["reason"] == "INVALID"
    assert public.verify(nina, token="", answer=answer)["reason"] == "INVALID"
    other_secret = Challenges(secret="another", ledger=SpentChallenges(container.worker.store), clock=clock).issue()
    assert public.verify(nina, token=other_secret.token, answer="2")["reason"] == "INVALID"


NON_ASCII_TOKEN = "c1.a.1.\u00e9.b"


def test_PIN_6_a_challenge_token_with_non_ascii_characters_is_refused_as_invalid_and_nothing_is_recorded(
    container: Container, public: Public, nina: str
) -> None:
    _, answer = public.challenge()
    refused = public.verify(nina, token=NON_ASCII_TOKEN, answer=answer)
    assert (refused["__typename"], refused["ruleId"], refused["field"], refused["reason"]) == (
        "ChallengeRefused",
        "PIN-6",
        "challengeToken",
        "INVALID",
    )
    # A non-ASCII character where the answer's MAC goes, behind a sound token's own MAC, is refused the same.
    version, token_id, exp, mac, _ = public.challenge()[0].split(".")
    sound_but_altered = ".".join((version, token_id, exp, mac, "\u00e9"))
    assert public.verify(nina, token=sound_but_altered, answer=answer)["reason"] == "INVALID"

    form = {"university": UNIVERSITY, "prodi": PRODI, "nina": nina, "token": NON_ASCII_TOKEN, "answer": answer}
    page = public.http.post("/sivil", data=form)
    assert page.status_code == 403
    assert "The challenge token is not valid" in page.text and "Siti Aminah" not in page.text
    assert trail(container, nina) == []


def test_PIN_6_spent_challenge_ids_are_purged_once_they_could_no_longer_be_answered(
    container: Container, clock: Clock, public: Public, nina: str
) -> None:
    spent = SpentChallenges(container.worker.store)
    public.verify(nina)
    assert spent.count() == 1
    clock.now += timedelta(hours=1)
    public.verify(nina)
    assert spent.count() == 1  # the old id went; the new one is kept


# --- the rate limit -------------------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def limiter_storage(request: pytest.FixtureRequest) -> str:
    return "memory://" if request.param == "memory" else REDIS_URL


@pytest.fixture
def limiter_for(limiter_storage: str) -> Iterator[Any]:
    made: list[RateLimiter] = []

    def make(rate: str) -> RateLimiter:
        made.append(RateLimiter(rate, limiter_storage, key_prefix=f"kredensial-test-{uuid.uuid4().hex}"))
        return made[-1]

    yield make
    for limiter in made:
        limiter.reset()


def test_PIN_6_look_ups_are_rate_limited_per_address_until_the_window_is_reset(
    container: Container, clock: Clock, nina: str, limiter_for: Any
) -> None:
    limiter = limiter_for("3/minute")
    app = sivil_app(container, clock, limiter=limiter)
    asker, neighbour = Public(app), Public(app, client=("198.51.100.20", 50000))
    for _ in range(3):
        assert asker.verify(nina)["__typename"] == "VerifiedDiploma"
    token, answer = asker.challenge()
    limited = asker.verify(nina, token=token, answer=answer)
    assert (limited["__typename"], limited["ruleId"]) == ("RateLimitedResult", "PIN-6")
    assert 0 < limited["retryAfterSeconds"] <= 60
    assert "Too many look-ups" in limited["message"]
    assert neighbour.verify(nina)["__typename"] == "VerifiedDiploma"  # per address
    limiter.reset(ASKER[0])
    # The limited attempt did not spend its challenge.
    assert asker.verify(nina, token=token, answer=answer)["__typename"] == "VerifiedDiploma"


def test_PIN_6_the_moving_window_lets_an_address_in_again_once_it_has_passed(limiter_for: Any) -> None:
    limiter = limiter_for("2/second")
    limiter.hit("192.0.2.1")
    limiter.hit("192.0.2.1")
    with pytest.raises(RateLimited):
        limiter.hit("192.0.2.1")
    time.sleep(1.1)
    limiter.hit("192.0.2.1")


def test_PIN_6_one_ipv6_site_is_counted_as_its_whole_56(limiter_for: Any) -> None:
    limiter = limiter_for("1/minute")
    limiter.hit("2001:db8:1:2::10")
    with pytest.raises(RateLimited):
        limiter.hit("2001:db8:1:2:abcd::99")
    with pytest.raises(RateLimited):  # another /64 of the same /56 (issue 27)
        limiter.hit("2001:db8:1:3::10")
    limiter.hit("2001:db8:1:100::10")


def test_PIN_6_status_checks_are_rate_limited_too(container: Container, clock: Clock, nina: str) -> None:
    limiter = RateLimiter("2/minute")
    http = Public(sivil_app(container, clock, limiter=limiter)).http
    params = {"statement": statement_of(container, nina)}
    assert [http.get("/sivil/status", params=params).status_code for _ in range(3)] == [200, 200, 429]
    limited = http.get("/sivil/status", params=params)
    assert limited.json()["type"] == "/problems/rate-limited"  # an RFC 9457 problem (issue 32)
    assert int(limited.headers["retry-after"]) > 0


def test_PIN_6_look_ups_and_status_checks_from_one_address_share_one_budget(
    container: Container, clock: Clock, nina: str, limiter_for: Any
) -> None:
    limiter = limiter_for("3/minute")
    app = sivil_app(container, clock, view=HistoryView(container.services.diploma.sivil), limiter=limiter)
    asker, neighbour = Public(app), Public(app, client=("198.51.100.20", 50000))
    statement = {"statement": statement_of(container, nina)}
    on = paired_on(container, nina)

    def doors(client: Public) -> list[str]:
        """One request through each look-up door: verifyDiploma, statusOn and /sivil/status."""
        looked_up = client.verify(nina)["__typename"]
        status_then = status_on(client, nina, on)["__typename"]
        status_now = client.http.get("/sivil/status", params=statement).status_code
        return [looked_up, status_then, "RateLimitedResult" if status_now == 429 else str(status_now)]

    assert doors(asker) == ["VerifiedDiploma", "DiplomaStatus", "200"]
    assert doors(asker) == ["RateLimitedResult"] * 3
    assert doors(neighbour) == ["VerifiedDiploma", "DiplomaStatus", "200"]  # per address

    # Status checks spent the budget: a look-up (with a well-answered challenge) is refused, and the other way round.
    limiter.reset(ASKER[0])
    assert [asker.http.get("/sivil/status", params=statement).status_code for _ in range(3)] == [200] * 3
    assert asker.verify(nina)["__typename"] == "RateLimitedResult"
    limiter.reset(ASKER[0])
    assert [asker.verify(nina)["__typename"] for _ in range(3)] == ["VerifiedDiploma"] * 3
    assert asker.http.get("/sivil/status", params=statement).status_code == 429
    assert status_on(asker, nina, on)["__typename"] == "RateLimitedResult"


# --- the form of the question (PIN-1) -------------------------------------------------------------------


class CountingView(SivilView):
    def __init__(self, view: SivilView) -> None:
        super().__init__(view.store)
        self.asked = 0

    def entry(self, university_code: str, prodi_code: str, nina: str) -> SivilEntry | None:
        self.asked += 1
        return super().entry(university_code, prodi_code, nina)


def malformed(nina: str) -> dict[str, str]:
    wrong_check = nina[:-1] + str((int(nina[-1]) + 1) % 10)
    return {
        "digits 0-9": nina[:7] + "O" + nina[8:],
        "length": nina[:-1],
        "prodi prefix": "55202" + nina[5:],
        "year": nina[:5] + "0999" + nina[9:],
        "check digit": wrong_check,
    }


@pytest.mark.parametrize("part", ["digits 0-9", "length", "prodi prefix", "year", "check digit"])
def test_PIN_1_a_malformed_nina_is_named_before_any_look_up_and_spends_nothing(
    container: Container, clock: Clock, nina: str, part: str
) -> None:
    view = CountingView(container.services.diploma.sivil)
    limiter = RateLimiter("1/minute")
    public = Public(sivil_app(container, clock, view=view, limiter=limiter))
    token, answer = public.challenge()
    for _ in range(2):  # neither the rate limit nor the challenge is touched
        refused = public.verify(malformed(nina)[part], token=token, answer=answer)
        assert (refused["__typename"], refused["ruleId"], refused["field"]) == ("RuleViolation", "PIN-1", "nina")
        assert part in refused["message"]
    assert view.asked == 0
    assert trail(container, nina) == []
    assert public.verify(nina, token=token, answer=answer)["__typename"] == "VerifiedDiploma"


def test_PIN_1_malformed_codes_are_named_by_field_all_at_once(public: Public, nina: str) -> None:
    refused = public.verify(nina, university="1002", prodi="552O1")
    assert [(f["ruleId"], f["field"]) for f in refused["failures"]] == [
        ("PIN-0", "universityCode"),
        ("PIN-1", "prodiCode"),
    ]


# --- not found ------------------------------------------------------------------------------------------


def test_PIN_6_not_found_reads_the_same_whether_the_nina_is_elsewhere_or_nowhere(
    world: World, public: Public, nina: str
) -> None:
    world.student("2020002")
    world.semesters("2020002", 8)
    reserved_only = world.reserve("2020002").nina
    world.project()
    assert reserved_only is not None
    misses = {
        "held at another university with the same prodi code": public.verify(nina, university=OTHER_UNIVERSITY),
        "never issued": public.verify(never_issued(nina)),
        "reserved, not yet paired": public.verify(reserved_only),
        "unknown university": public.verify(nina, university="009999"),
    }
    assert {k: v["__typename"] for k, v in misses.items()} == dict.fromkeys(misses, "DiplomaNotFoundResult")
    assert {v["message"] for v in misses.values()} == {NOT_FOUND}
    for hint in ("kode prodi", "NINA", "check digit", "university code"):
        assert hint in NOT_FOUND

    # Under the wrong prodi code a NINA is refused for its form, the same whether or not it exists.
    wrong_prodi = [public.verify(n, prodi="55202") for n in (nina, never_issued(nina))]
    assert wrong_prodi[0] == wrong_prodi[1]
    assert wrong_prodi[0]["field"] == "nina"


FRESH_CHALLENGE = r'name="token" value="[^"]*"|Berapa \d+ \+ \d+\? / What is \d+ \+ \d+\?'


def test_PIN_6_not_found_is_the_same_on_the_page_and_in_the_status_check(
    public: Public, nina: str, container: Container
) -> None:
    pages = []
    for university, asked in ((OTHER_UNIVERSITY, nina), (UNIVERSITY, never_issued(nina))):
        token, answer = public.challenge()
        form = {"university": university, "prodi": PRODI, "nina": asked, "token": token, "answer": answer}
        response = public.http.post("/sivil", data=form)
        assert response.status_code == 404
        pages.append(
            re.sub(r'name="token" value="[^"]*"|Berapa \d+ \+ \d+\? / What is \d+ \+ \d+\?', "", response.text)
        )
    assert pages[0].replace(OTHER_UNIVERSITY, UNIVERSITY).replace(nina, never_issued(nina)) == pages[1]
    statements = [
        statement_of(container, nina, university_code=OTHER_UNIVERSITY),
        statement_of(container, nina, nina=never_issued(nina)),
    ]
    statuses = [public.http.get("/sivil/status", params={"statement": s}) for s in statements]
    assert [s.status_code for s in statuses] == [404, 404]
    assert statuses[0].json() == statuses[1].json() == NOT_FOUND_PROBLEM
    assert trail(container, nina) == []


# --- no name anywhere -----------------------------------------------------------------------------------

INTROSPECT = """
{ __schema {
    types { name fields { name args { name } } inputFields { name } }
    directives { name args { name } }
} }
"""


def test_PIN_6_no_argument_or_input_field_of_the_public_schema_takes_a_name(
    container: Container, clock: Clock, public: Public
) -> None:
    history = Public(sivil_app(container, clock, view=HistoryView(container.services.diploma.sivil)))
    for schema in (public.gql(INTROSPECT)["__schema"], history.gql(INTROSPECT)["__schema"]):
        inputs = [f["name"] for t in schema["types"] for f in (t["inputFields"] or [])]
        args = [a["name"] for t in schema["types"] for f in (t["fields"] or []) for a in f["args"]]
        args += [a["name"] for d in schema["directives"] for a in d["args"]]
        assert "universityCode" in inputs and "nina" in inputs
        assert [n for n in inputs + args if "name" in n.lower() or "nama" in n.lower()] == []


def test_PIN_6_neither_the_web_form_nor_the_status_check_takes_a_name(public: Public) -> None:
    page = public.http.get("/sivil").text
    fields = re.findall(r'<input[^>]* name="([^"]+)"', page)
    assert fields == ["university", "prodi", "nina", "token", "answer"]
    paths = public.http.app.openapi()["paths"]  # type: ignore[attr-defined]
    parameters = [p["name"] for path in paths.values() for op in path.values() for p in op.get("parameters", [])]
    assert [p["name"] for p in paths["/sivil/status"]["get"]["parameters"]] == ["statement", "on"]
    assert [p for p in parameters if "name" in p.lower() or "nama" in p.lower()] == []


# --- the processing trail (UU PDP) ----------------------------------------------------------------------


def test_a_successful_look_up_is_recorded_with_the_askers_address_and_a_failed_one_is_not(
    container: Container, clock: Clock, public: Public, nina: str
) -> None:
    public.verify(nina, answer="0")  # wrong answer
    public.verify(nina, university=OTHER_UNIVERSITY)  # not found
    public.verify(nina[:-1])  # malformed
    assert trail(container, nina) == []

    public.verify(nina)
    assert trail(container, nina) == [(ASKER[0], "graphql")]
    verification = VerificationTrail(container.worker.store).for_diploma(UNIVERSITY, PRODI, nina)[0]
    assert verification.verified_at == clock.now


def test_the_trail_believes_x_forwarded_for_only_from_a_trusted_proxy(
    container: Container, clock: Clock, nina: str
) -> None:
    forwarded = {"X-Forwarded-For": "198.51.100.9, 10.0.0.5"}
    behind_proxy = Public(sivil_app(container, clock, trusted_proxies=["10.0.0.0/8"]), ("10.0.0.2", 1), forwarded)
    direct = Public(sivil_app(container, clock, trusted_proxies=["10.0.0.0/8"]), ASKER, forwarded)
    behind_proxy.verify(nina)
    direct.verify(nina)
    assert trail(container, nina) == [("198.51.100.9", "graphql"), (ASKER[0], "graphql")]


def test_the_trail_is_not_reachable_publicly(public: Public, nina: str) -> None:
    public.verify(nina)
    paths = set(public.http.app.openapi()["paths"])  # type: ignore[attr-defined]
    assert paths == {
        "/sivil",
        "/sivil/graphql",
        "/sivil/pdf",
        "/sivil/credential",
        "/sivil/credential/verify",
        "/sivil/status",
    }
    for probe in ("/sivil/trail", "/sivil/verifications", "/sivil/graphql/trail", "/sivil/status/trail"):
        assert public.http.get(probe).status_code in (404, 405)
    schema = public.gql(INTROSPECT)["__schema"]
    words = [t["name"] for t in schema["types"]] + [f["name"] for t in schema["types"] for f in t["fields"] or []]
    assert [w for w in words if re.search("trail|address|client|asker", w, re.I)] == []


def test_the_holder_can_be_shown_every_verification_of_their_diploma_in_order(
    container: Container, clock: Clock, public: Public, nina: str
) -> None:
    public.verify(nina)
    clock.now += timedelta(minutes=1)
    link = public.verify(nina)["pdfUrl"]
    assert public.http.get(link).status_code == 200
    assert public.http.get("/sivil/status", params={"statement": statement_of(container, nina)}).status_code == 200
    assert trail(container, nina) == [
        (ASKER[0], "graphql"),
        (ASKER[0], "graphql"),
        (ASKER[0], "pdf"),
        (ASKER[0], "status"),
    ]


# --- the web page ---------------------------------------------------------------------------------------


def test_PIN_6_the_page_verifies_a_diploma_with_its_challenge_and_offers_the_pdf(
    container: Container, clock: Clock, public: Public, nina: str
) -> None:
    page = public.http.get("/sivil")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    question = re.search(r'<p id="question">([^<]+)</p>', page.text).group(1)  # type: ignore[union-attr]
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"university": UNIVERSITY, "prodi": PRODI, "nina": nina, "token": token, "answer": answer_to(question)}
    result = public.http.post("/sivil", data=form)
    assert result.status_code == 200
    assert "Siti Aminah" in result.text and "Sah / Valid" in result.text
    link = re.search(r'href="(/sivil/pdf\?token=[^"]+)">Unduh PDF / Download PDF', result.text).group(1)  # type: ignore[union-attr]
    pdf = public.http.get(link)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == fake_pdf(container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina), clock.now)  # type: ignore[arg-type]
    assert public.http.post("/sivil", data=form).status_code == 403  # the challenge was spent


def test_issue_13_the_page_offers_the_diploma_as_a_signed_credential_on_a_link_bound_to_the_asker(
    container: Container, clock: Clock, nina: str
) -> None:
    issuing = container.services.credentials
    public = Public(sivil_app(container, clock, pdf_renderer=fake_pdf, credential_renderer=issuing.diploma))
    token, answer = public.challenge()
    form = {"university": UNIVERSITY, "prodi": PRODI, "nina": nina, "token": token, "answer": answer}
    page = public.http.post("/sivil", data=form).text
    link = re.search(r'id="credential" href="(/sivil/credential\?token=[^"]+)"', page).group(1)  # type: ignore[union-attr]

    response = public.http.get(html.unescape(link))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vc"
    assert "attachment" in response.headers["content-disposition"]
    credential = response.json()
    assert credential["credentialSubject"]["nina"] == nina
    assert credential["credentialSubject"]["name"] == "Siti Aminah"
    assert proof.verify(credential, issuing.keys) == credential["proof"]["verificationMethod"]
    someone_else = Public(public.http.app, client=("198.51.100.77", 1))  # type: ignore[arg-type]
    assert someone_else.http.get(html.unescape(link)).status_code == 403
    assert trail(container, nina)[-1] == (ASKER[0], "credential")


def test_PIN_7_the_pdf_link_is_short_lived_and_bound_to_the_asker(
    container: Container, clock: Clock, public: Public, nina: str
) -> None:
    link = public.verify(nina)["pdfUrl"]
    someone_else = Public(public.http.app, client=("198.51.100.77", 1))  # type: ignore[arg-type]
    assert someone_else.http.get(link).status_code == 403
    assert public.http.get(link.replace("token=", "token=x")).status_code == 403
    clock.now += timedelta(minutes=10)
    assert public.http.get(link).status_code == 403


def test_PIN_7_a_pdf_link_with_non_ascii_characters_is_refused_and_nothing_is_recorded(
    container: Container, public: Public, nina: str
) -> None:
    link = public.verify(nina)["pdfUrl"]
    assert trail(container, nina) == [(ASKER[0], "graphql")]
    body = link.removeprefix("/sivil/pdf?token=").partition(".")[0]
    for token in ("abc.\u00e9", f"{body}.\u00e9", f"\u00e9{body[1:]}.{link.rpartition('.')[2]}"):
        refused = public.http.get("/sivil/pdf", params={"token": token})
        assert refused.status_code == 403
        assert "The download link has expired or is not valid" in refused.text
    assert trail(container, nina) == [(ASKER[0], "graphql")]


def test_PIN_7_without_a_pdf_renderer_the_link_is_hidden(container: Container, clock: Clock, nina: str) -> None:
    public = Public(sivil_app(container, clock))
    assert public.verify(nina)["pdfUrl"] is None
    token, answer = public.challenge()
    form = {"university": UNIVERSITY, "prodi": PRODI, "nina": nina, "token": token, "answer": answer}
    page = public.http.post("/sivil", data=form).text
    assert "Siti Aminah" in page and "Unduh PDF" not in page
    assert public.http.get("/sivil/pdf?token=x").status_code == 404


def test_PIN_6_the_page_names_the_wrong_part_and_keeps_the_input_without_spending_the_challenge(
    public: Public, nina: str
) -> None:
    token, answer = public.challenge()
    typo = nina[:-1] + str((int(nina[-1]) + 1) % 10)
    form = {"university": UNIVERSITY, "prodi": PRODI, "nina": typo, "token": token, "answer": answer}
    refused = public.http.post("/sivil", data=form)
    assert refused.status_code == 422
    assert "NINA: Digit terakhir NINA (digit periksa) tidak cocok" in refused.text
    assert "The last digit of the NINA (its check digit) does not match" in refused.text
    assert "PIN-1" not in refused.text and f'value="{typo}"' in refused.text
    form["nina"] = nina
    assert "Siti Aminah" in public.http.post("/sivil", data=form).text
    assert public.http.post("/sivil", data={**form, "answer": "1" * 5000}).status_code == 413


def test_the_page_escapes_what_it_is_given_and_what_it_reads(world: World, public: Public) -> None:
    nina = paired_diploma(world, university_name="Universitas <b>Contoh</b>")
    token, answer = public.challenge()
    hostile = {"university": UNIVERSITY, "prodi": PRODI, "nina": '"><script>alert(1)</script>', "token": token}
    refused = public.http.post("/sivil", data={**hostile, "answer": answer}).text
    assert "<script>" not in refused and "&lt;script&gt;" in refused
    found = public.http.post("/sivil", data={**hostile, "nina": nina, "answer": answer}).text
    assert "Universitas &lt;b&gt;Contoh&lt;/b&gt;" in found and "<b>Contoh" not in found


# --- status (for the PDF verifier) ----------------------------------------------------------------------


def test_PIN_6_the_status_check_gives_the_status_and_its_date_only(
    container: Container, public: Public, nina: str
) -> None:
    response = public.http.get("/sivil/status", params={"statement": statement_of(container, nina)})
    assert response.status_code == 200
    assert response.json() == {"status": "VALID", "status_date": paired_on(container, nina)}
    # A statement SIVIL signed can still name a NINA of a form no longer accepted; it is named, not looked up.
    malformed_nina = public.http.get("/sivil/status", params={"statement": statement_of(container, nina, nina="1")})
    assert malformed_nina.status_code == 422
    assert (malformed_nina.json()["rule"], malformed_nina.json()["field"]) == ("PIN-1", "nina")


def forgeries(container: Container, nina: str) -> dict[str, tuple[str, str]]:
    """Tokens /sivil/status must refuse, each with the words its refusal names."""
    genuine = statement_of(container, nina)
    payload, signature = genuine.split(".")
    other = statement_of(container, nina, nina=never_issued(nina)).split(".")[0]
    stranger = KeyRing.from_seeds([b"\x07" * 32])
    statement = KEYS.verify(genuine)
    signed_by_stranger = stranger.signing_key.sign(statement.canonical_json())  # names SIVIL's key, not signed by it
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    return {
        "missing": ("", "missing statement"),
        "malformed": ("not-a-statement", "malformed statement"),
        "too long": ("A" * MAX_TOKEN_LENGTH + "." + signature, "too long"),
        "another statement's payload under this signature": (f"{other}.{signature}", "bad signature"),
        "signature changed": (f"{payload}.{flipped}", "bad signature"),
        "signature too short": (f"{payload}.AAAA", "bad signature"),
        "forged with another key naming SIVIL's": (
            f"{payload}.{base64.urlsafe_b64encode(signed_by_stranger).rstrip(b'=').decode()}",
            "bad signature",
        ),
        "signed by an unknown key": (statement_of(container, nina, keys=stranger), "unknown key id"),
    }


@pytest.mark.parametrize(
    "forgery",
    [
        "missing",
        "malformed",
        "too long",
        "another statement's payload under this signature",
        "signature changed",
        "signature too short",
        "forged with another key naming SIVIL's",
        "signed by an unknown key",
    ],
)
def test_PIN_6_the_status_check_refuses_a_forged_or_tampered_statement_and_looks_nothing_up(
    container: Container, clock: Clock, nina: str, forgery: str
) -> None:
    view = CountingView(container.services.diploma.sivil)
    history = HistoryView(container.services.diploma.sivil)
    asked_on: list[date] = []
    history_on = history.status_on
    history.status_on = lambda *args: asked_on.append(args[-1]) or history_on(*args)  # type: ignore[method-assign]
    limiter = RateLimiter("1/minute")
    http = Public(sivil_app(container, clock, view=view, limiter=limiter)).http
    with_history = Public(sivil_app(container, clock, view=history, limiter=limiter)).http
    token, why = forgeries(container, nina)[forgery]
    for client, params in ((http, {"statement": token}), (with_history, {"statement": token, "on": "2024-01-01"})):
        refused = client.get("/sivil/status", params=params)
        assert refused.status_code == 403
        assert refused.json()["type"] == "/problems/statement-rejected"
        assert why in refused.json()["detail"]
    assert (view.asked, asked_on) == (0, [])
    assert trail(container, nina) == []
    # Nor did the refusals count against the address: its one status check a minute is still there.
    assert http.get("/sivil/status", params={"statement": statement_of(container, nina)}).status_code == 200
    assert trail(container, nina) == [(ASKER[0], "status")]


def test_PIN_7_a_statement_signed_with_a_key_since_retired_still_gets_the_status(
    container: Container, clock: Clock, nina: str
) -> None:
    old_pdf_statement = statement_of(container, nina)
    rotated = KEYS.rotated(bytes(range(32, 64)))
    http = Public(sivil_app(container, clock, keys=rotated)).http
    assert rotated.public_key(KEYS.active_kid).status == "retired"
    for token in (old_pdf_statement, statement_of(container, nina, keys=rotated)):
        answer = http.get("/sivil/status", params={"statement": token})
        assert answer.status_code == 200
        assert answer.json() == {"status": "VALID", "status_date": paired_on(container, nina)}
    only_the_new_key = KeyRing.from_seeds([bytes(range(32, 64))])
    refused = Public(sivil_app(container, clock, keys=only_the_new_key)).http.get(
        "/sivil/status", params={"statement": old_pdf_statement}
    )
    assert refused.status_code == 403 and "unknown key id" in refused.json()["detail"]


class DelistingView(SivilView):
    """The register after a diploma left it: it no longer lists the NINAs in ``gone``."""

    def __init__(self, view: SivilView, gone: set[str]) -> None:
        super().__init__(view.store)
        self.gone = gone

    def entry(self, university_code: str, prodi_code: str, nina: str) -> SivilEntry | None:
        return None if nina in self.gone else super().entry(university_code, prodi_code, nina)


def test_PIN_6_a_signed_statement_of_a_diploma_no_longer_listed_gets_the_one_not_found_wording(
    container: Container, clock: Clock, nina: str
) -> None:
    genuine = statement_of(container, nina)
    delisted = Public(sivil_app(container, clock, view=DelistingView(container.services.diploma.sivil, {nina}))).http
    answers = [
        delisted.get("/sivil/status", params={"statement": genuine}),
        delisted.get("/sivil/status", params={"statement": statement_of(container, nina, nina=never_issued(nina))}),
        delisted.get(
            "/sivil/status", params={"statement": statement_of(container, nina, university_code=OTHER_UNIVERSITY)}
        ),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert [a.json() for a in answers] == [NOT_FOUND_PROBLEM] * 3
    assert trail(container, nina) == []


def test_PIN_6_without_signing_keys_the_status_check_is_not_available(
    container: Container, clock: Clock, nina: str
) -> None:
    view = CountingView(container.services.diploma.sivil)
    http = Public(sivil_app(container, clock, view=view, keys=None)).http
    answer = http.get("/sivil/status", params={"statement": statement_of(container, nina)})
    assert answer.status_code == 404
    assert answer.json()["type"] == "/problems/not-offered" and "not available" in answer.json()["detail"]
    assert view.asked == 0 and trail(container, nina) == []


def test_PIN_7_verify_pdf_checks_the_current_status_online_with_the_statement_in_the_pdf(
    world: World, container: Container, clock: Clock, nina: str
) -> None:
    entry = container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None
    pdf = render_verification_pdf(entry, clock.now, KEYS, signer=SIGNER)
    http = Public(sivil_app(container, clock)).http
    asked: list[str] = []

    def get(url: str) -> tuple[int, bytes]:
        asked.append(url)
        response = http.get(url)
        return response.status_code, response.content

    online = verify_pdf(pdf, KEYS, roots=ROOTS, base_url="http://testserver", http_get=get)
    assert online.ok and online.check("current status").outcome == "ok", online.checks
    assert asked == [f"http://testserver/sivil/status?statement={PdfReader(io.BytesIO(pdf)).metadata[INFO_KEY]}"]
    clock.now += timedelta(days=40)
    world.annul()
    world.project()
    annulled = verify_pdf(pdf, KEYS, roots=ROOTS, base_url="http://testserver", http_get=get)
    assert annulled.check("current status").outcome == "failed"
    assert annulled.check("current status").detail.startswith("changed since the PDF was made: now DIBATALKAN")
    assert trail(container, nina) == [(ASKER[0], "status"), (ASKER[0], "status")]


@dataclass(frozen=True)
class StatusRow:
    status: str
    status_date: str


class HistoryView(SivilView):
    """Stands in for a view that keeps the status history (``status_on``)."""

    def __init__(self, view: SivilView) -> None:
        super().__init__(view.store)

    def status_on(self, university_code: str, prodi_code: str, nina: str, day: date) -> StatusRow | None:
        entry = self.entry(university_code, prodi_code, nina)
        if entry is None:
            return None
        if day.isoformat() < entry.status_date:
            return StatusRow("NOT_YET_RECORDED", "")
        return StatusRow("VALID", entry.status_date)


class EntryOnlyView:
    """A view without a status history."""

    def __init__(self, view: SivilView) -> None:
        self.entry = view.entry


STATUS_ON = """
query($n: String!, $on: Date!, $t: String!, $a: String!) {
  statusOn(universityCode: "001002", prodiCode: "55201", nina: $n, on: $on, challengeToken: $t, answer: $a) {
    __typename ... on DiplomaStatus { on status statusLabel statusDate } ... on DiplomaNotFoundResult { message }
    ... on ChallengeRefused { reason }
  }
}
"""


def status_on(client: Public, nina: str, on: str, *, answered: bool = True) -> dict[str, Any]:
    token, answer = client.challenge()
    return client.gql(STATUS_ON, n=nina, on=on, t=token, a=answer if answered else str(int(answer) + 1))["statusOn"]


def test_PIN_6_status_on_a_date_is_offered_only_when_the_view_keeps_history(
    container: Container, clock: Clock, nina: str
) -> None:
    since = paired_on(container, nina)
    later = (date.fromisoformat(since) + timedelta(days=30)).isoformat()
    before = (date.fromisoformat(since) - timedelta(days=1)).isoformat()
    without = Public(sivil_app(container, clock, view=EntryOnlyView(container.services.diploma.sivil)))
    fields = without.gql('{ __type(name: "Query") { fields { name } } }')["__type"]["fields"]
    assert [f["name"] for f in fields] == ["challenge"]
    asked = {"statement": statement_of(container, nina), "on": later}
    assert without.http.get("/sivil/status", params=asked).status_code == 422

    history = Public(sivil_app(container, clock, view=HistoryView(container.services.diploma.sivil)))
    assert status_on(history, nina, later) == {
        "__typename": "DiplomaStatus",
        "on": later,
        "status": "VALID",
        "statusLabel": "Sah / Valid",
        "statusDate": since,
    }
    assert status_on(history, nina, before)["status"] == "NOT_YET_RECORDED"
    assert status_on(history, never_issued(nina), later)["message"] == NOT_FOUND
    assert status_on(history, nina, later, answered=False) == {
        "__typename": "ChallengeRefused",
        "reason": "WRONG_ANSWER",
    }
    as_of = history.http.get("/sivil/status", params=asked).json()
    assert (as_of["status"], as_of["status_date"], as_of["on"]) == ("VALID", since, later)


def test_PIN_5_an_annulled_diploma_shows_its_category_and_date_and_never_the_reason(
    world: World, clock: Clock, public: Public, nina: str
) -> None:
    paired = date.fromisoformat(paired_on(world.container, nina))
    in_an_earlier_pdf = statement_of(world.container, nina)
    clock.now += timedelta(days=40)
    world.annul()
    world.project()
    found = public.verify(nina)
    annulled = found["statusDate"]
    assert (found["status"], found["statusLabel"]) == ("VOID", STATUS_LABELS["VOID"])
    assert annulled > paired.isoformat()
    assert "comply" not in repr(found) and "318/B" not in repr(found)
    token, answer = public.challenge()
    form = {"university": UNIVERSITY, "prodi": PRODI, "nina": nina, "token": token, "answer": answer}
    page = public.http.post("/sivil", data=form).text
    assert STATUS_LABELS["VOID"] in page and "comply" not in page

    between = (paired + timedelta(days=10)).isoformat()
    then = status_on(public, nina, between)
    assert (then["status"], then["statusDate"]) == ("VOID", annulled)  # void from the start reaches back
    status = public.http.get("/sivil/status", params={"statement": in_an_earlier_pdf})
    assert status.json() == {"status": "VOID", "status_date": annulled}
