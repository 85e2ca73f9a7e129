"""A person signing in to kredensial's pages through a real provider, as a browser does (issue 29): httpx keeps the
cookies of both sites (the provider's session, kredensial's sign-in and session cookies), follows the redirects and
fills the provider's login and consent forms."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from api.pages.sealed import SealedCookie
from tests.sign_in.conftest import Served
from tests.sign_in.provider import OpenIDProvider

SESSION = "kredensial-session"  # over http; __Host-kredensial-session over https
FLOW = "kredensial-signin"
BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # as a browser navigating asks


def callback_of(served: Served) -> str:
    return served.url + "/signin/callback"


def start(served: Served, *, issuer: str = "kampus", next_path: str = "/me") -> tuple[httpx.Client, httpx.Response]:
    browser = httpx.Client(timeout=30, headers=BROWSER)
    answer = browser.get(served.url + "/signin", params={"issuer": issuer, "next": next_path})
    assert answer.status_code == 303, answer.text
    return browser, answer


def signed_at_provider(
    served: Served, provider: OpenIDProvider, account: str, *, issuer: str = "kampus", next_path: str = "/me"
) -> tuple[httpx.Client, str]:
    """A browser that started a sign-in and signed in at the provider; the provider's redirect back, unfollowed."""
    browser, answer = start(served, issuer=issuer, next_path=next_path)
    return browser, provider.sign_in(browser, answer, account, callback_of(served))


def signed_in(
    served: Served, provider: OpenIDProvider, account: str, *, issuer: str = "kampus"
) -> tuple[httpx.Client, httpx.Response]:
    """A browser signed in to the pages, and the callback's answer (its redirect to /me, with the session cookie)."""
    browser, callback = signed_at_provider(served, provider, account, issuer=issuer)
    answer = browser.get(callback)
    assert answer.status_code == 303 and answer.headers["location"] == "/me", answer.text
    return browser, answer


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def flow_cookie(served: Served) -> SealedCookie:
    """The test knows the installation's secret: it can open and reseal a sign-in's cookie as no browser could."""
    return SealedCookie(served.secret, "signin-flow")


def session_cookie(served: Served) -> SealedCookie:
    return SealedCookie(served.secret, "page-session")


class Links(HTMLParser):
    """The links of a list on a page, by the list's id: (text, href)."""

    def __init__(self, list_id: str) -> None:
        super().__init__()
        self.list_id, self.inside, self.links, self._href = list_id, False, list[tuple[str, str]](), ""

    @classmethod
    def of(cls, html: str, list_id: str = "documents") -> list[tuple[str, str]]:
        parser = cls(list_id)
        parser.feed(html)
        return parser.links

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a: dict[str, Any] = dict(attrs)
        if tag == "ul" and a.get("id") == self.list_id:
            self.inside = True
        elif tag == "a" and self.inside:
            self._href = a.get("href") or ""

    def handle_data(self, data: str) -> None:
        if self._href:
            self.links.append((data, self._href))
            self._href = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.inside = False
