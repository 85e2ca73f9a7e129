"""People sign in to kredensial's own pages through the real providers (issue 29, item 2): kredensial is the
provider's client (authorization code + PKCE S256, state and nonce), against a real ``serve`` on SQLite and on
PostgreSQL. A student reaches /me and downloads their own DPI and personal data report, and no other student's; an
applicant signs in through a public client; a tampered state, nonce or PKCE verifier, a code injected into another
sign-in, a code used twice and an address elsewhere are refused; signing out signs out; the session cookie reads
pages and never changes anything; no code or token reaches the server's log."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.sign_in.conftest import OTHER_UNIVERSITY, Served
from tests.sign_in.pages import (
    FLOW,
    SESSION,
    Links,
    callback_of,
    flow_cookie,
    query,
    session_cookie,
    signed_at_provider,
    signed_in,
    start,
)
from tests.sign_in.provider import OpenIDProvider
from tests.world import UNIVERSITY

CALLBACK = "/signin/callback?"
MY_SUBMISSIONS = "{ mySubmissions { __typename ... on NotAuthorized { message } } }"
CODES: list[str] = []  # every code the providers gave, looked for in the log at the end
TOKENS: list[str] = []  # every access token a session held, read from its cookie with the installation's secret


def kept(served: Served, answer: httpx.Response) -> None:
    """Keeps the session's access token (and the cookie) to look for in the log."""
    value = answer.cookies.get(SESSION)
    if value:
        TOKENS.append(value)
        opened = session_cookie(served).open(value)
        assert opened is not None
        TOKENS.append(opened["t"])


def signed_in_as(served: Served, provider: OpenIDProvider, account: str, issuer: str = "kampus") -> httpx.Client:
    browser, answer = signed_in(served, provider, account, issuer=issuer)
    kept(served, answer)
    return browser


def test_a_student_signs_in_reaches_their_page_and_downloads_their_own_dpi_and_personal_data_report(
    served: Served, campus: OpenIDProvider
) -> None:
    browser, callback = signed_at_provider(served, campus, "budi")
    CODES.append(query(callback)["code"])
    answer = browser.get(callback)
    kept(served, answer)
    assert answer.status_code == 303 and answer.headers["location"] == "/me"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(SESSION + "="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes and "secure" not in attributes, cookie
    assert "samesite=lax" in cookie.lower() and "path=/;" in cookie.lower() + ";"
    spent = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(FLOW + "="))
    assert "max-age=0" in spent.lower() or "expires=thu, 01 jan 1970" in spent.lower(), spent

    me = browser.get(served.url + "/me")
    assert me.status_code == 200 and "2020001" in me.text and UNIVERSITY in me.text and campus.issuer in me.text
    assert "Mahasiswa / Student" in me.text and "Dokumen saya / My documents" in me.text
    links = dict((href.split("?")[0], href) for _, href in Links.of(me.text))
    assert set(links) == {f"/dpi/{UNIVERSITY}/2020001.pdf", "/personal-data.pdf"}, links
    for href in links.values():
        pdf = browser.get(served.url + href)
        assert pdf.status_code == 200, (href, pdf.text[:500])
        assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert pdf.headers["cache-control"] == "private, no-store"

    # No other student's: another NIM of the same university, the same NIM at another university.
    for nim, university in [("2020002", UNIVERSITY), ("2020001", OTHER_UNIVERSITY)]:
        dpi = browser.get(f"{served.url}/dpi/{university}/{nim}.pdf")
        report = browser.get(served.url + "/personal-data.pdf?" + urlencode({"universityCode": university, "nim": nim}))
        assert dpi.status_code == 403 and report.status_code == 403, (dpi.text, report.text)
        assert b"%PDF" not in dpi.content + report.content


def test_the_session_cookie_reads_pages_and_never_changes_anything(served: Served, campus: OpenIDProvider) -> None:
    """CSRF: the cookie signs in GET and HEAD only; GraphQL and every POST need the bearer token."""
    browser = signed_in_as(served, campus, "budi")
    assert browser.get(f"{served.url}/dpi/{UNIVERSITY}/2020001.pdf").status_code == 200
    query_answer = browser.post(served.url + "/graphql", json={"query": MY_SUBMISSIONS}).json()
    assert query_answer["data"]["mySubmissions"]["__typename"] == "NotAuthorized", query_answer
    upload = browser.post(served.url + "/files", content=b"%PDF-1.7\n%%EOF\n")
    assert upload.status_code == 401, upload.text
    json_please = {"accept": "application/json"}
    over_get = browser.get(served.url + "/graphql", params={"query": MY_SUBMISSIONS}, headers=json_please)
    assert '"NotAuthorized"' in over_get.text and '"Submissions"' not in over_get.text, over_get.text


def test_an_applicant_signs_in_through_the_ministrys_public_client_and_finds_their_sk(
    served: Served, ministry: OpenIDProvider
) -> None:
    browser = signed_in_as(served, ministry, "akun-rina", issuer="kementerian")
    me = browser.get(served.url + "/me")
    assert "Pemohon penyetaraan ijazah / Equivalency applicant" in me.text and "akun-rina" in me.text
    number = served.seeded.values["registrationNumber"]
    hrefs = [href for _, href in Links.of(me.text)]
    assert f"/equivalency/{number}/sk.pdf" in hrefs and "/personal-data.pdf?applicantAccount=akun-rina" in hrefs
    report = browser.get(served.url + "/personal-data.pdf?applicantAccount=akun-rina")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    someone_else = browser.get(served.url + "/personal-data.pdf?applicantAccount=akun-lain")
    assert someone_else.status_code == 403


def refused(answer: httpx.Response, browser: httpx.Client, served: Served) -> None:
    assert answer.status_code == 400 and "Masuk gagal / Sign-in failed" in answer.text, answer.text[:500]
    assert not answer.cookies.get(SESSION)
    assert "Anda belum masuk. / You are not signed in." in browser.get(served.url + "/me").text


def test_a_tampered_state_is_refused_and_a_code_is_taken_once(served: Served, campus: OpenIDProvider) -> None:
    browser, callback = signed_at_provider(served, campus, "budi")
    CODES.append(query(callback)["code"])
    refused(browser.get(callback.replace("state=", "state=x")), browser, served)
    # The sign-in's cookie is spent by any answer: the right state now finds no sign-in.
    refused(browser.get(callback), browser, served)

    browser, callback = signed_at_provider(served, campus, "budi")
    CODES.append(query(callback)["code"])
    kept(served, browser.get(callback))
    # The same code again, delivered with a good state of a sign-in another browser started: the provider refuses it.
    other, _ = start(served)
    pending = flow_cookie(served).open(other.cookies.get(FLOW, path="/signin/callback"))
    assert pending is not None
    replay = other.get(callback_of(served) + "?" + urlencode({"code": query(callback)["code"], "state": pending["s"]}))
    refused(replay, other, served)


def test_a_code_injected_into_another_browsers_sign_in_fails_pkce(served: Served, campus: OpenIDProvider) -> None:
    """An attacker's code (their own sign-in) delivered into the victim's browser with the victim's state: the victim's
    PKCE verifier does not fit the attacker's code challenge, and the provider refuses the exchange."""
    _, attackers = signed_at_provider(served, campus, "tamu")
    CODES.append(query(attackers)["code"])
    victim, _ = start(served)
    state = flow_cookie(served).open(victim.cookies.get(FLOW, path="/signin/callback"))
    assert state is not None
    injected = callback_of(served) + "?" + urlencode({"code": query(attackers)["code"], "state": state["s"]})
    refused(victim.get(injected), victim, served)


@pytest.mark.parametrize("change", ["nonce", "verifier", "a flipped byte"])
def test_a_sign_in_cookie_altered_is_refused(served: Served, campus: OpenIDProvider, change: str) -> None:
    """The sign-in's cookie is sealed: a browser cannot read or change it. The test, holding the installation's secret,
    reseals it with another nonce (the ID token's then differs) or another PKCE verifier (the provider then refuses
    the code); a byte changed without the secret opens no sign-in at all."""
    browser, callback = signed_at_provider(served, campus, "budi")
    CODES.append(query(callback)["code"])
    sealed = browser.cookies.get(FLOW, path="/signin/callback")
    assert sealed is not None
    if change == "a flipped byte":
        altered = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
    else:
        opened = flow_cookie(served).open(sealed)
        assert opened is not None
        key = {"nonce": "n", "verifier": "v"}[change]
        opened[key] = opened[key][:-4] + "abcd"
        altered = flow_cookie(served).seal({k: v for k, v in opened.items() if k != "exp"}, expires=opened["exp"])
    browser.cookies.set(FLOW, altered, domain="127.0.0.1", path="/signin/callback")
    refused(browser.get(callback), browser, served)


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/me",
        "//evil.example/me",
        "/\\evil.example/me",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "me",
        "/me\r\nSet-Cookie: x=1",
        "/me evil",
        "/" + "a" * 600,
    ],
)
def test_an_address_elsewhere_is_refused_as_next(served: Served, elsewhere: str) -> None:
    answer = httpx.get(served.url + "/signin", params={"issuer": "kampus", "next": elsewhere}, timeout=30)
    assert answer.status_code == 400 and "location" not in answer.headers, answer.text
    problem = answer.json()
    assert problem["rule"] == "API.signin" and problem["field"] == "next", problem
    assert not answer.cookies


def test_a_local_next_is_where_the_sign_in_returns(served: Served, campus: OpenIDProvider) -> None:
    target = f"/dpi/{UNIVERSITY}/2020001.pdf"
    browser, callback = signed_at_provider(served, campus, "budi", next_path=target)
    CODES.append(query(callback)["code"])
    answer = browser.get(callback)
    kept(served, answer)
    assert answer.status_code == 303 and answer.headers["location"] == target
    assert browser.get(served.url + target).content.startswith(b"%PDF")


def test_an_unknown_issuer_is_refused_and_without_one_the_page_offers_each(served: Served) -> None:
    unknown = httpx.get(served.url + "/signin", params={"issuer": "lain"}, timeout=30)
    assert unknown.status_code == 400 and unknown.json()["field"] == "issuer"
    choose = httpx.get(served.url + "/signin", params={"next": "/me"}, timeout=30)
    assert choose.status_code == 200
    assert [href for _, href in Links.of(choose.text, "issuers")] == [
        "/signin?issuer=kampus&next=%2Fme",
        "/signin?issuer=kementerian&next=%2Fme",
    ]


def test_signing_out_signs_out(served: Served, campus: OpenIDProvider) -> None:
    browser = signed_in_as(served, campus, "budi")
    assert "2020001" in browser.get(served.url + "/me").text
    out = browser.get(served.url + "/signout")
    assert out.status_code == 200 and "You are signed out" in out.text
    assert not browser.cookies.get(SESSION)
    assert "Anda belum masuk. / You are not signed in." in browser.get(served.url + "/me").text
    assert browser.get(f"{served.url}/dpi/{UNIVERSITY}/2020001.pdf").status_code == 401


def keep_code(request: Any) -> None:
    """The code the provider hands to kredensial through the browser, to look for in the log."""
    if CALLBACK in request.url:
        CODES.append(query(request.url)["code"])


@pytest.mark.browser
def test_a_student_signs_in_in_chromium_and_downloads_their_personal_data_report(
    served: Served, campus: OpenIDProvider
) -> None:
    """Debian's Chromium, driven by Playwright: the provider's own login and consent pages, then /me, a click on the
    report (a download), another student's DPI refused, and signing out."""
    from playwright.sync_api import sync_playwright

    from tests.api.test_sivil_browser import CHROMIUM, FLAGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = chromium.new_page(accept_downloads=True)
            page.on("request", keep_code)
            page.goto(f"{served.url}/signin?issuer=kampus")
            assert page.url.startswith(campus.issuer), page.url
            page.fill("input[name=login]", "budi")
            page.fill("input[name=password]", "any")
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.click("button[type=submit]")  # the consent
            page.wait_for_url(f"{served.url}/me")
            assert "2020001" in page.inner_text("#signed-in")
            with page.expect_download() as downloading:
                page.click("a[href^='/personal-data.pdf']")
            report = Path(downloading.value.path())
            assert report.read_bytes().startswith(b"%PDF")
            cookie = next(c for c in page.context.cookies() if c["name"] == SESSION)
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]
            TOKENS.append(cookie["value"])
            other = page.goto(f"{served.url}/dpi/{UNIVERSITY}/2020002.pdf")
            assert other is not None and other.status == 403
            page.goto(f"{served.url}/me")
            page.click("#signout")
            page.wait_for_url(f"{served.url}/signout")
            page.goto(f"{served.url}/me")
            assert "You are not signed in" in page.inner_text("main")
        finally:
            chromium.close()


def test_no_code_or_token_reaches_the_servers_log(served: Served) -> None:
    """Run last in this module: every code and session token of the tests above is looked for."""
    log = served.log.read_text(errors="replace")
    assert "GET /signin/callback" in log, "the server's log was not captured"
    assert CODES and TOKENS
    leaked = [secret for secret in CODES + TOKENS if secret in log]
    assert not leaked, leaked
