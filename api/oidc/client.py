"""This server as an issuer's OpenID client, for people signing in to its pages (issue 29): the authorization request
with state, nonce and PKCE (S256), and the code exchanged at the token endpoint (OpenID Connect Core, 3.1; RFC 7636).

The state, the nonce and the code verifier are random, one set per sign-in, and kept by the caller (a sealed cookie,
api/pages/) until the callback; nothing here is logged, and a refusal says why only to the log, never a code or token.
"""

from __future__ import annotations

import base64
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from api.oidc.issuers import Client, Issuer
from api.oidc.keys import FETCH_TIMEOUT, MAX_DOCUMENT_BYTES, Endpoints
from api.oidc.verifier import Refused

# (url, form, basic credentials or None) -> (HTTP status, the parsed JSON body or None)
Post = Callable[[str, dict[str, str], tuple[str, str] | None], tuple[int, Any]]


@dataclass(frozen=True)
class Pending:
    """One sign-in between the redirect to the issuer and its callback."""

    issuer: str  # the issuer's ``iss``
    state: str
    nonce: str
    verifier: str  # the PKCE code verifier: only its S256 digest went to the issuer
    next: str  # the local path to return to


@dataclass(frozen=True)
class Exchanged:
    access_token: str
    id_token: str


def begin(issuer: Issuer, endpoints: Endpoints, redirect_uri: str, next_path: str) -> tuple[str, Pending]:
    """The address to send the person to, and what the callback will need."""
    client = _client(issuer)
    pending = Pending(
        issuer=issuer.issuer,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(64),  # 86 characters of the unreserved set (RFC 7636, 4.1: 43 to 128)
        next=next_path,
    )
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(client.scopes),
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": challenge(pending.verifier),
        "code_challenge_method": "S256",
    }
    if client.resource is not None:
        query["resource"] = client.resource
    separator = "&" if urllib.parse.urlsplit(endpoints.authorization).query else "?"
    return endpoints.authorization + separator + urllib.parse.urlencode(query), pending


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def exchange(
    issuer: Issuer, endpoints: Endpoints, redirect_uri: str, code: str, pending: Pending, post: Post
) -> Exchanged:
    """The code for the tokens; the client authenticates with its secret (HTTP Basic) or, public, by PKCE alone."""
    client = _client(issuer)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": pending.verifier,
    }
    if client.resource is not None:
        form["resource"] = client.resource
    basic = None
    if client.secret is None:
        form["client_id"] = client.client_id
    else:  # RFC 6749, 2.3.1: each part form-encoded before Basic
        basic = (urllib.parse.quote(client.client_id, safe=""), urllib.parse.quote(client.secret, safe=""))
    try:
        status, body = post(endpoints.token, form, basic)
    except (OSError, ValueError) as e:
        raise Refused(f"the token endpoint: {type(e).__name__}") from None
    if status != 200 or not isinstance(body, dict):
        error = body.get("error") if isinstance(body, dict) else None
        raise Refused(f"the token endpoint answered {status} {str(error)[:64]!r}")
    access, id_token = body.get("access_token"), body.get("id_token")
    if not isinstance(access, str) or not isinstance(id_token, str):
        raise Refused("the token endpoint gave no access token and ID token")
    if str(body.get("token_type", "")).lower() not in ("bearer", "dpop"):
        raise Refused("the token endpoint's token_type is not Bearer")
    return Exchanged(access_token=access, id_token=id_token)


def post_form(url: str, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, Any]:
    """POST a form with a short timeout and a bounded answer; an error status is an answer, not an exception."""
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "kredensial",
    }
    if basic is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    request = urllib.request.Request(url, urllib.parse.urlencode(form).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as answer:
            status, body = answer.status, answer.read(MAX_DOCUMENT_BYTES + 1)
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read(MAX_DOCUMENT_BYTES + 1)
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ValueError("the token endpoint's answer is too long")
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


def _client(issuer: Issuer) -> Client:
    if issuer.client is None:
        raise Refused(f"{issuer.issuer} has no client block: no one signs in to the pages through it")
    return issuer.client
