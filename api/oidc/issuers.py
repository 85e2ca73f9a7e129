"""The OpenID Connect issuers this installation trusts (issue 29), read once at start from the JSON file named by
``KREDENSIAL_OIDC_ISSUERS``, and how each one's claims map to a role, an institution and an id.

The file is ``{"issuers": [...]}``; each issuer names its exact ``iss``, the audience it must address, the signature
algorithms it may use, the institutions it may sign in for (absent: a national issuer), and its mappings, tried in
order: the first whose ``when`` holds decides; none holding refuses the token. README.md ("Signing in") and
docs/AUTHORIZATION.md show one example per kind of issuer.

An issuer may also have a ``client`` block: this server as that issuer's OpenID client, so that people sign in to
its pages (``/signin``, api/pages/). Its secret, if it has one, is named by a file or an environment variable, never
written in the issuers file, and read once when the file is loaded.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import abc
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, ValidationError, model_validator

from application.authorization import INSTITUTION_BOUND
from domain.audit import Role

ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
DEFAULT_ALGORITHMS = ("RS256", "ES256", "PS256", "EdDSA")
MAX_ISSUERS = 100
MAX_MAPPINGS = 100
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")  # a university's or an LSP's code, in any of their forms
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

ClaimName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:/-]+$")]
InstitutionCode = Annotated[str, StringConstraints(pattern=_CODE.pattern)]
ClaimValue = Annotated[str, StringConstraints(min_length=1, max_length=256)] | bool | int
Comment = Annotated[str, StringConstraints(max_length=2000)]  # JSON has no comments: a note for the file's readers
ClientName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")]  # in /signin?issuer=NAME
Scope = Annotated[str, StringConstraints(pattern=r"^[\x21\x23-\x5b\x5d-\x7e]{1,64}$")]  # RFC 6749, 3.3


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class When(_Frozen):
    """One test of one claim: ``equals`` a value, ``contains`` an item (a list, or a space-separated string such as
    ``scope``), or is ``present`` (true) or absent (false). Exactly one test."""

    claim: ClaimName
    equals: ClaimValue | None = None
    contains: Annotated[str, StringConstraints(min_length=1, max_length=256)] | None = None
    present: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        if sum(test is not None for test in (self.equals, self.contains, self.present)) != 1:
            raise ValueError("a `when` has exactly one of equals, contains, present")
        return self

    def holds(self, claims: dict[str, Any]) -> bool:
        value = claims.get(self.claim)
        if self.present is not None:
            return (value is not None) is self.present
        if self.equals is not None:
            return type(value) is type(self.equals) and value == self.equals
        items = value.split() if isinstance(value, str) else value if isinstance(value, list) else []
        return self.contains in items


class Source(_Frozen):
    """Where a value comes from: a claim of the token, or a fixed value of the configuration."""

    claim: ClaimName | None = None
    value: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.claim is None) == (self.value is None):
            raise ValueError("give exactly one of claim, value")
        return self

    def read(self, claims: dict[str, Any]) -> str | None:
        """The text, NFC, or None when the claim is missing or is no short printable string."""
        text = self.value if self.claim is None else claims.get(self.claim)
        if not isinstance(text, str) or not 0 < len(text) <= 128 or _CONTROL.search(text):
            return None
        return unicodedata.normalize("NFC", text)


SUBJECT = Source(claim="sub")


class Mapping(_Frozen):
    when: When
    role: Role
    institution: Source | None = None
    id: Source = SUBJECT

    @model_validator(mode="after")
    def _bound_roles_name_their_institution(self) -> Self:
        if self.role in INSTITUTION_BOUND and self.institution is None:
            raise ValueError(f"role {self.role.value} acts for one institution: give `institution`")
        fixed = self.institution.value if self.institution is not None else None
        if fixed is not None and not _CODE.match(fixed):
            raise ValueError("institution.value is a university or LSP code (letters, digits, . _ -)")
        return self


class Client(_Frozen):
    """This server as the issuer's OpenID client, for people signing in to its pages: authorization code with PKCE
    (S256); the redirect is ``<public URL>/signin/callback``. Without a secret it is a public client."""

    name: ClientName  # the issuer's short name: /signin?issuer=NAME
    label: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = None  # on the sign-in page
    client_id: Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[\x21-\x7e]+$")]
    client_secret_file: Path | None = None
    client_secret_env: Annotated[str, StringConstraints(pattern=r"^[A-Z_][A-Z0-9_]{0,127}$")] | None = None
    scopes: tuple[Scope, ...] = Field(("openid",), min_length=1, max_length=20)
    # RFC 8707: the resource indicator an issuer needs to give an access token for this API (some do; most not)
    resource: Annotated[str, StringConstraints(min_length=1, max_length=512, pattern=r"^[\x21-\x7e]+$")] | None = None
    comment: Comment | None = None
    _secret: str | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _openid_and_one_secret(self) -> Self:
        if "openid" not in self.scopes:
            raise ValueError("scopes include openid: the ID token proves the sign-in (its nonce)")
        if self.client_secret_file is not None and self.client_secret_env is not None:
            raise ValueError("give the secret once: client_secret_file or client_secret_env")
        return self

    @property
    def secret(self) -> str | None:
        """The client secret, read when the file was loaded; None for a public client."""
        return self._secret

    def __repr__(self) -> str:  # the secret never reaches a log through a repr
        return f"Client(name={self.name!r}, client_id={self.client_id!r})"


class Issuer(_Frozen):
    issuer: Annotated[str, StringConstraints(min_length=8, max_length=512, pattern=r"^https?://[^\s?#]+$")]
    audience: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    algorithms: tuple[Literal[ASYMMETRIC], ...] = Field(DEFAULT_ALGORITHMS, min_length=1)  # type: ignore[valid-type]
    institutions: tuple[InstitutionCode, ...] | None = Field(None, min_length=1)
    mappings: tuple[Mapping, ...] = Field(min_length=1, max_length=MAX_MAPPINGS)
    # The header ``typ`` an access token must carry (RFC 9068: at+jwt); null for an issuer whose access tokens do not
    # say what they are (then nothing tells its ID tokens from its access tokens but the audience).
    token_types: tuple[Annotated[str, StringConstraints(min_length=1, max_length=64, to_lower=True)], ...] | None = (
        "at+jwt",
        "application/at+jwt",
    )
    client: Client | None = None  # people sign in to this server's pages through this issuer (api/pages/)
    comment: Comment | None = None

    @model_validator(mode="after")
    def _limited_issuers_sign_in_only_their_own(self) -> Self:
        if self.institutions is None:
            return self
        for n, mapping in enumerate(self.mappings):
            if mapping.role not in INSTITUTION_BOUND:
                raise ValueError(f"mappings[{n}]: an issuer limited to `institutions` signs in no national role")
            source = mapping.institution
            if source is not None and source.value is not None and source.value not in self.institutions:
                raise ValueError(f"mappings[{n}]: institution {source.value} is not among `institutions`")
        return self

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def allows(self, institution: str | None) -> bool:
        return self.institutions is None or institution in self.institutions


class Issuers(_Frozen):
    issuers: tuple[Issuer, ...] = Field(max_length=MAX_ISSUERS)
    comment: Comment | None = None

    @model_validator(mode="after")
    def _each_once(self) -> Self:
        names = [i.issuer for i in self.issuers]
        if len(set(names)) != len(names):
            raise ValueError("an issuer is listed twice")
        clients = [i.client.name for i in self.issuers if i.client is not None]
        if len(set(clients)) != len(clients):
            raise ValueError("two issuers' clients have the same name")
        return self

    def named(self, iss: object) -> Issuer | None:
        return next((i for i in self.issuers if i.issuer == iss), None)

    def for_pages(self) -> tuple[Issuer, ...]:
        """The issuers people sign in to the pages with: those with a ``client`` block."""
        return tuple(i for i in self.issuers if i.client is not None)

    def client_named(self, name: str) -> Issuer | None:
        return next((i for i in self.for_pages() if i.client is not None and i.client.name == name), None)


class IssuersRefused(ValueError):
    """Every problem of the issuers file, one line each, naming where in the file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load_issuers(path: Path, environ: abc.Mapping[str, str] | None = None, *, secrets: bool = True) -> Issuers:
    """The file's issuers; the clients' secrets are read from the files or the variables of ``environ`` they name
    (unless ``secrets`` is false: ``kredensial init`` checks a file on a machine that may not hold them yet)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise IssuersRefused([f"cannot read {path}: {e.strerror}"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise IssuersRefused([f"{path} is not JSON: {e}"]) from None
    return parse_issuers(data, environ or {}, secrets=secrets)


def parse_issuers(data: object, environ: abc.Mapping[str, str] | None = None, *, secrets: bool = True) -> Issuers:
    try:
        issuers = Issuers.model_validate(data)
    except ValidationError as e:
        raise IssuersRefused([_problem(error) for error in e.errors()]) from None
    if not secrets:
        return issuers
    problems = []
    for n, issuer in enumerate(issuers.issuers):
        if issuer.client is not None:
            try:
                issuer.client._secret = _client_secret(issuer.client, environ or {})
            except ValueError as e:
                problems.append(f"issuers.{n}.client: {e}")
    if problems:
        raise IssuersRefused(problems)
    return issuers


def _client_secret(client: Client, environ: abc.Mapping[str, str]) -> str | None:
    """The secret as its file or variable holds it (one line; the file's trailing newline dropped)."""
    if client.client_secret_file is not None:
        try:
            text = client.client_secret_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            raise ValueError(f"cannot read client_secret_file {client.client_secret_file}: {e}") from None
    elif client.client_secret_env is not None:
        text = environ.get(client.client_secret_env, "").strip()
        if not text:
            raise ValueError(f"client_secret_env: {client.client_secret_env} is not set")
    else:
        return None
    if not 0 < len(text) <= 512 or _CONTROL.search(text):
        raise ValueError("the client secret is one line of printable text, at most 512 characters")
    return text


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-after"))
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where or 'the file'}: {message}"
