"""Issue 29, item 2: an issuer's ``client`` block (the server as its OpenID client, for the pages), the sealed cookies
the sign-in keeps its state and its session in, and ``next``, which must stay on this server (API.signin)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from api.oidc.issuers import IssuersRefused, load_issuers, parse_issuers
from api.oidc.verifier import OIDCVerifier
from api.pages.local_path import HOME, SIGN_IN_RULE, local_path
from api.pages.sealed import SealedCookie
from api.pages.signin import PageSignIn
from domain.errors import RuleViolation
from tests.oidc.issuers import issuers_file, university_sso
from tests.regressions.test_defect_14_readme import README

SSO = "https://sso.univ.example"
CLIENT = {"name": "kampus", "client_id": "kredensial-pages", "scopes": ["openid"]}


def with_client(**client: Any) -> dict[str, Any]:
    return issuers_file({**university_sso(SSO), "client": {**CLIENT, **client}})


def refused(data: Any, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(IssuersRefused) as e:
        parse_issuers(data, environ)
    return e.value.problems


def test_the_readmes_page_example_loads_with_its_client() -> None:
    section = README.read_text(encoding="utf-8").split("### Signing in to the pages", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block, "README has no page sign-in example"
    issuer = parse_issuers({"issuers": [json.loads(block.group(1))]}, secrets=False).issuers[0]
    assert issuer.client is not None and issuer.client.name == "kampus" and issuer.client.scopes == ("openid",)


def test_a_public_client_has_no_secret_and_a_confidential_ones_is_read_from_its_file_or_variable(
    tmp_path: Path,
) -> None:
    public = parse_issuers(with_client()).issuers[0].client
    assert public is not None and public.secret is None
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-a-file\n")
    from_file = parse_issuers(with_client(client_secret_file=str(secret))).issuers[0].client
    assert from_file is not None and from_file.secret == "s3cret-from-a-file"
    whole = parse_issuers(with_client(client_secret_file=str(secret)))
    assert "s3cret" not in repr(from_file) and "s3cret" not in repr(whole)
    from_env = parse_issuers(with_client(client_secret_env="KAMPUS_SECRET"), {"KAMPUS_SECRET": "s3cret-env"})
    assert from_env.issuers[0].client is not None and from_env.issuers[0].client.secret == "s3cret-env"


@pytest.mark.parametrize(
    ("client", "environ", "named"),
    [
        ({"client_secret_env": "KAMPUS_SECRET"}, {}, "issuers.0.client: client_secret_env: KAMPUS_SECRET is not set"),
        ({"client_secret_file": "/nonexistent/secret"}, {}, "issuers.0.client: cannot read client_secret_file"),
        ({"client_secret_env": "X", "client_secret_file": "/x"}, {}, "give the secret once"),
        ({"scopes": ["profile"]}, {}, "scopes include openid"),
        ({"name": "Kampus Utama"}, {}, "issuers.0.client.name"),
        ({"client_id": "with space"}, {}, "issuers.0.client.client_id"),
        ({"redirect_uri": "https://elsewhere"}, {}, "issuers.0.client.redirect_uri"),  # the callback is fixed
    ],
)
def test_a_client_block_with_a_mistake_is_refused_naming_where(
    client: dict[str, Any], environ: dict[str, str], named: str
) -> None:
    problems = refused(with_client(**client), environ)
    assert any(named in problem for problem in problems), problems


def test_two_clients_of_one_name_are_refused() -> None:
    other = {**university_sso("https://sso.other.example"), "client": CLIENT}
    both = issuers_file({**university_sso(SSO), "client": CLIENT}, other)
    assert "two issuers' clients have the same name" in refused(both)[0]


def test_the_example_init_writes_loads(tmp_path: Path) -> None:
    example = load_issuers(Path(__file__).resolve().parents[2] / "infra" / "issuers.example.json")
    assert [i.client.name for i in example.for_pages() if i.client] == ["kampus"]


@pytest.mark.parametrize(
    "elsewhere",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "\\evil", "http:/x", "me", "/a b", "/\x00", "/é"],
)
def test_API_signin_next_is_a_path_of_this_server(elsewhere: str) -> None:
    with pytest.raises(RuleViolation) as e:
        local_path(elsewhere)
    assert e.value.rule_ids == (SIGN_IN_RULE,) and e.value.failures[0].field == "next"


def test_API_signin_next_defaults_to_my_page_and_keeps_a_local_path_with_its_query() -> None:
    assert local_path(None) == local_path("") == HOME
    assert local_path("/personal-data.pdf?universityCode=001002&nim=2020001") == (
        "/personal-data.pdf?universityCode=001002&nim=2020001"
    )


def test_a_sealed_cookie_opens_only_for_its_purpose_its_key_and_before_it_expires() -> None:
    now = [1_000_000.0]
    flow = SealedCookie("secret-a", "signin-flow", lambda: now[0])
    value = flow.seal({"s": "state"}, expires=1_000_600)
    assert flow.open(value) == {"s": "state", "exp": 1_000_600}
    assert SealedCookie("secret-a", "page-session", lambda: now[0]).open(value) is None  # another purpose
    assert SealedCookie("secret-b", "signin-flow", lambda: now[0]).open(value) is None  # another installation
    assert flow.open(value[:-2] + ("AA" if value[-2:] != "AA" else "BB")) is None
    assert flow.open("not base64 at all!") is None and flow.open(None) is None
    now[0] = 1_000_600
    assert flow.open(value) is None  # expired, whatever the browser kept


def test_cookies_are_secure_and_host_bound_when_the_public_url_is_https() -> None:
    verifier = OIDCVerifier(parse_issuers(with_client()))
    https = PageSignIn(verifier, "https://sivil.example.go.id", "s")
    http = PageSignIn(verifier, "http://127.0.0.1:8000", "s")
    assert https.secure and https.session_cookie == "__Host-kredensial-session"
    assert https.flow_cookie.startswith("__Secure-")
    assert https.redirect_uri == "https://sivil.example.go.id/signin/callback"
    assert not http.secure and http.session_cookie == "kredensial-session"
