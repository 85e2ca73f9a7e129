"""The issuer's public documents: its ``did:web`` DID document, its JSON-LD context, its status list
credentials and the annulment statement that one bit cannot say.

Every URL derives from the server's public address (``KREDENSIAL_PUBLIC_URL``): the issuer is
``did:web:<host>`` (a port as ``%3A``, a path as ``:`` segments), resolved at ``/.well-known/did.json`` (or
``<path>/did.json``), which lists the active key and every retired one under ``assertionMethod``, so that
rotating keys never breaks a credential signed before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from uuid import NAMESPACE_URL, uuid5

from domain.credentials.holder import holder_id
from domain.credentials.proof import instant
from domain.credentials.status_list import TTL_MS, CredentialKind, Purpose, encode

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"  # 1EdTech Open Badges 3.0
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
CONTEXT_PATH = "/credentials/v1"
DID_PATH = "/.well-known/did.json"
STATUS_PATH = "/credentials/status"
CREDENTIAL_FILE = "credential.json"  # the name a PDF embeds its credential under
MEDIA_TYPE = "application/vc"  # VC 2.0 (a Data Integrity proof is embedded, so no +jwt / +cose suffix)


def did_web_host(did: str | None) -> str | None:
    """The host (and port) a ``did:web`` names, as a person reads it: ``did:web:sivil.go.id%3A8443:x`` is
    ``sivil.go.id:8443``; None for any other DID."""
    if not did or not did.startswith("did:web:"):
        return None
    return unquote(did.removeprefix("did:web:").split(":", 1)[0]) or None


@dataclass(frozen=True)
class PublicKey:
    kid: str
    multikey: str  # publicKeyMultibase


@dataclass(frozen=True)
class Issuer:
    """The issuer as verifiers meet it, named by the server's public address (no trailing slash)."""

    base_url: str
    name: str = "kredensial"
    holder_key: bytes = field(default=b"", repr=False)  # :mod:`.holder`: from the credentials' log at start-up

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(f"the public address {self.base_url!r} is not an http(s) URL of a host")
        if parts.username is not None or parts.password is not None:
            raise ValueError("the public address carries no user name or password")
        if self.base_url.endswith("/"):
            raise ValueError("the public address ends without a slash")

    @property
    def did(self) -> str:
        parts = urlsplit(self.base_url)
        host = quote(parts.netloc, safe="")
        path = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
        return ":".join(["did:web", host, *path])

    @property
    def did_document_url(self) -> str:
        path = urlsplit(self.base_url).path.rstrip("/")
        return f"{self.base_url}/did.json" if path else f"{self.base_url}{DID_PATH}"

    @property
    def context_url(self) -> str:
        return self.base_url + CONTEXT_PATH

    @property
    def contexts(self) -> list[str]:
        return [CREDENTIALS_V2, self.context_url]

    @property
    def badge_contexts(self) -> list[str]:
        """An Open Badges 3.0 credential: VC 2.0 first, then OB 3.0, then our own terms."""
        return [CREDENTIALS_V2, OPEN_BADGES_V3, self.context_url]

    def holder(self, context: str, *parts: str) -> str:
        """``credentialSubject.id``: a pseudonym of the holder in ``context`` (see :mod:`.holder`)."""
        return holder_id(self.holder_key, context, *parts)

    def credential_id(self, kind: CredentialKind, subject: str) -> str:
        """The same credential always has the same id, whichever key signs it and whenever."""
        return f"urn:uuid:{uuid5(NAMESPACE_URL, f'{self.base_url}/credentials/{kind.value}/{subject}')}"

    def method(self, kid: str) -> str:
        return f"{self.did}#{kid}"

    def status_list_url(self, kind: CredentialKind, purpose: Purpose, number: int) -> str:
        return f"{self.base_url}{STATUS_PATH}/{kind.value}/{purpose.value}/{number}"

    def annulment_url(self, kind: CredentialKind, number: int, index: int) -> str:
        return f"{self.base_url}{STATUS_PATH}/{kind.value}/annulment/{number}/{index}"

    def status_entries(self, kind: CredentialKind, number: int, index: int) -> list[dict[str, Any]]:
        """The ``credentialStatus`` of a credential: its bit in the revocation list and in the suspension list;
        the revocation entry links the signed statement of the annulment's kind and date."""
        entries = []
        for purpose in (Purpose.REVOCATION, Purpose.SUSPENSION):
            url = self.status_list_url(kind, purpose, number)
            entry: dict[str, Any] = {
                "id": f"{url}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose.value,
                "statusListIndex": str(index),
                "statusListCredential": url,
            }
            if purpose is Purpose.REVOCATION:
                entry["statusReference"] = self.annulment_url(kind, number, index)
            entries.append(entry)
        return entries

    def did_document(self, keys: Sequence[PublicKey]) -> dict[str, Any]:
        """Active key first; retired keys stay listed, since credentials signed with them still verify."""
        methods = [
            {"id": self.method(key.kid), "type": "Multikey", "controller": self.did, "publicKeyMultibase": key.multikey}
            for key in keys
        ]
        return {
            "@context": [DID_V1, MULTIKEY_V1],
            "id": self.did,
            "alsoKnownAs": [self.base_url],
            "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods],
        }

    def status_list_credential(
        self, kind: CredentialKind, purpose: Purpose, number: int, set_indices: Iterable[int], *, at: datetime
    ) -> dict[str, Any]:
        """The list as it stood at ``at`` (unsigned); its id is the list's URL whichever instant it shows."""
        url = self.status_list_url(kind, purpose, number)
        return {
            "@context": [CREDENTIALS_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": self.did,
            "validFrom": instant(at),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": purpose.value,
                "encodedList": encode(set_indices),
                "ttl": TTL_MS,
            },
        }

    def annulment_statement(
        self,
        kind: CredentialKind,
        number: int,
        index: int,
        *,
        annulment: str | None,
        effective_on: str | None,
        at: datetime,
    ) -> dict[str, Any]:
        """What one revocation bit cannot say (PIN-5): whether the annulment voids the credential from the start
        (VOID) or cancels one made in error (CANCELLED_IN_ERROR), and from which day; or that there is none."""
        subject: dict[str, Any] = {
            "id": f"{self.status_list_url(kind, Purpose.REVOCATION, number)}#{index}",
            "type": "CredentialAnnulment",
            "annulled": annulment is not None,
        }
        if annulment is not None:
            subject["annulmentKind"] = annulment
            subject["effectiveOn"] = effective_on
            subject["voidFromStart"] = annulment == "VOID"
        return {
            "@context": self.contexts,
            "id": self.annulment_url(kind, number, index),
            "type": ["VerifiableCredential", "AnnulmentStatement"],
            "issuer": self.did,
            "validFrom": instant(at),
            "credentialSubject": subject,
        }

    def context_document(self) -> dict[str, Any]:
        """Our terms, protected, in our own vocabulary (the context's URL and ``#``)."""
        vocab = self.context_url + "#"

        def term(name: str, datatype: str | None = None) -> dict[str, str]:
            return {"@id": vocab + name, **({"@type": datatype} if datatype else {})}

        xsd_date = "http://www.w3.org/2001/XMLSchema#date"
        xsd_boolean = "http://www.w3.org/2001/XMLSchema#boolean"
        terms: dict[str, Any] = {name: vocab + name for name in _TYPES}
        terms.update({name: term(name) for name in _TEXT_TERMS})
        terms.update({name: term(name, xsd_date) for name in _DATE_TERMS})
        terms.update({name: term(name, xsd_boolean) for name in _BOOLEAN_TERMS})
        terms.update({name: {"@id": vocab + name, "@container": "@list"} for name in _LIST_TERMS})
        return {"@context": {"@version": 1.1, "@protected": True, **terms}}


_TYPES = (
    "DiplomaCredential",
    "DiplomaHolder",
    "DpiCredential",
    "DpiHolder",
    "ApprovedCertification",
    "CompetencyCertificateCredential",
    "CertificateHolder",
    "EquivalencyCredential",
    "EquivalencyHolder",
    "AnnulmentStatement",
    "CredentialAnnulment",
    "NotYetCompetentCredential",
    "NotYetCompetentHolder",
)
_TEXT_TERMS = (
    "nina",
    "nim",
    "level",
    "universityCode",
    "universityName",
    "prodiCode",
    "programmeName",
    "annulmentKind",
    "registrationNumber",
    "skemaCode",
    "skemaTitle",
    "lspCode",
    "skNumber",
    "foreignUniversity",
    "foreignProgramme",
    "country",
    "foreignLevel",
    "equivalentLevel",
    "ruleVersion",
    "dpiStatus",
    "graduationDecree",
    "certificationIssuer",
    "issuerKind",
    "category",
    "grade",
    "letterNumber",
)
_LIST_TERMS = ("certifications", "competencyUnits", "notYetCompetentUnits")
_DATE_TERMS = ("graduationDate", "effectiveOn", "decidedOn", "printedOn", "issuedOn", "validThru", "approvedOn")
_BOOLEAN_TERMS = ("annulled", "voidFromStart")
# Never define a term an Open Badges 3.0 type defines in its own protected scope (``result``, ``source``,
# ``identifier``, ``version``, ``image`` ...): JSON-LD refuses a protected term redefined there.
