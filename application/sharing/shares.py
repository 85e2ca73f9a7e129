"""Holder-controlled sharing (issue 34, SHR): the holder's commands, and what opening a link or a code finds.

The context has its own log (``shares``). It reads the holder's credential from its own context's application when
a share is made (a diploma from the diplomas log), and answers an opening from the aggregates, not a read model: a
share revoked a moment ago must not open, whatever a read model's lag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from application.receipt import Receipt
from application.service import Service
from domain.assessment.certificate import Certificate
from domain.assessment.numbers import parse_number
from domain.audit import Cause
from domain.credentials.diploma import diploma_subject_key
from domain.credentials.sk import sk_subject_key
from domain.diploma.diploma import Diploma
from domain.diploma.status import DiplomaStatus
from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.kinds import parse_registration_number
from domain.errors import RuleViolation, violation
from domain.sharing.book import Share, ShareBook
from domain.sharing.claims import ShareCode, ShareLink
from domain.sharing.secrets import code_digest, link_digest, new_code, new_link, parse_code, parse_link, shown_code
from domain.sharing.terms import HOLDS, CredentialKind, CredentialRef, Holder, HolderKind, Terms, parse_facts

CODE_DRAWS = 5  # a drawn code already claimed is drawn again (two in 2^44 codes: in practice never)


@dataclass(frozen=True)
class ShareReceipt(Receipt):
    """The link and the code are shown this once: only their digests are kept (SHR-9)."""

    share_id: str
    link: str
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class CountReceipt(Receipt):
    count: int


@dataclass(frozen=True)
class ErasedReceipt(Receipt):
    share_ids: tuple[str, ...]  # every share of the erased scope: their uses are to be forgotten


@dataclass(frozen=True)
class Opening:
    """What a link or a code opens: the share's terms and its credential, and whether it ended (SHR-7)."""

    share_id: str
    holder: Holder
    share: Share
    ended: str | None  # None while live; "revoked" or "expired"


class Shares(Service):
    name = "shares"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        diplomas: Service,
        assessments: Service,
        equivalencies: Service,
        code_key: bytes,
        live_limit: int,
        **kw: Any,
    ) -> None:
        super().__init__(env, **kw)
        self.diplomas, self.assessments, self.equivalencies = diplomas, assessments, equivalencies
        self.code_key = code_key  # SHR-9: the HMAC key of codes, never stored beside them
        self.live_limit = live_limit  # SHR-6: KREDENSIAL_SHARES_PER_HOLDER

    def create_share(
        self,
        *,
        credential: str,
        disclose: Iterable[str],
        label: object,
        expires_in_days: int | None,
        max_views: int | None,
        cause: Cause,
        number: object = None,
    ) -> ShareReceipt:
        """``number``: which certificate (its registration number) or SK (its application's registration number)."""
        holder = Holder.of(cause.actor)  # SHR-1: the role before anything else; the person from the token alone
        now = self.clock()
        kind = _credential_kind(holder, credential)
        named = _number(kind, number)
        facts = parse_facts(kind, disclose)
        terms = Terms.parse(label=label, days=expires_in_days, max_views=max_views, now=now)
        link = new_link()
        digest = link_digest(link)

        def command() -> ShareReceipt:
            ref = self._own_credential(holder, kind, named)
            book = self.find(ShareBook, ShareBook.create_id(holder)) or ShareBook(holder=holder, cause=cause)
            code, code_claim = self._fresh_code(book.id, digest, cause)
            share_link = ShareLink(link_digest=digest, book_id=book.id, cause=cause)
            book.create(
                share_id=share_link.id,
                link_digest=digest,
                code_digest=code_claim.code_digest,
                credential=ref,
                disclosed=facts,
                terms=terms,
                live_limit=self.live_limit,
                now=now,
                cause=cause,
            )
            position = self.commit(book, share_link, code_claim)
            return ShareReceipt(self.name, position, str(share_link.id), link, shown_code(code), terms.expires_at)

        return self.retrying(command)

    def change_share(
        self, *, share_id: str, label: object, expires_in_days: int | None, max_views: int | None, cause: Cause
    ) -> Receipt:
        """New terms for a live share: its expiry counted from now (SHR-4), its label and view limit as given."""
        holder = Holder.of(cause.actor)
        now = self.clock()
        terms = Terms.parse(label=label, days=expires_in_days, max_views=max_views, now=now)
        wanted = _share_id(share_id)

        def command() -> Receipt:
            book = self._book(holder, share_id)
            changed = book.change(wanted, terms, now, cause)
            return self.receipt(self.commit(book) if changed else None)

        return self.retrying(command)

    def revoke_share(self, *, share_id: str, cause: Cause) -> Receipt:
        holder = Holder.of(cause.actor)
        wanted = _share_id(share_id)

        def command() -> Receipt:
            book = self._book(holder, share_id)
            changed = book.revoke(wanted, self.clock(), cause)
            return self.receipt(self.commit(book) if changed else None)

        return self.retrying(command)

    def revoke_all_shares(self, *, cause: Cause) -> CountReceipt:
        holder = Holder.of(cause.actor)

        def command() -> CountReceipt:
            book = self.find(ShareBook, ShareBook.create_id(holder))
            count = book.revoke_all(self.clock(), cause) if book is not None else 0
            return CountReceipt(self.name, self.commit(book) if count and book else None, count)

        return self.retrying(command)

    def erase_holder(self, *, holder: Holder, scope: str, cause: Cause) -> ErasedReceipt:
        """SHR-10: the holder's personal data was erased (``cause`` is the erasure's): their shares of the scope
        end; answers every share of it, whose uses the caller purges (again on a rerun: it is idempotent)."""

        def command() -> ErasedReceipt:
            book = self.find(ShareBook, ShareBook.create_id(holder))
            if book is None:
                return ErasedReceipt(self.name, None, ())
            ids = book.erase(scope, cause)
            return ErasedReceipt(self.name, self.commit(book), tuple(str(i) for i in ids))

        return self.retrying(command)

    # Opening (public, no sign-in): nothing here appends an event; the uses are kept in their own trail ----------

    def opened(self, link: str) -> Opening | None:
        """The share a link opens, or None for a link that opens none (never saying which of the two, SHR-9)."""
        secret = parse_link(link)
        if secret is None:
            return None
        claim = self.find(ShareLink, ShareLink.create_id(link_digest(secret)))
        return self._opening(claim.book_id, claim.id) if claim is not None else None

    def opened_by_code(self, code: str) -> Opening | None:
        """As :meth:`opened`; a malformed code is a RuleViolation (SHR-9.code), a typing error to point out."""
        digest = code_digest(self.code_key, parse_code(code))
        claim = self.find(ShareCode, ShareCode.create_id(digest))
        return self._opening(claim.book_id, claim.share_id) if claim is not None else None

    def _opening(self, book_id: UUID, share_id: UUID) -> Opening | None:
        book = self.find(ShareBook, book_id)
        share = book.shares.get(share_id) if book is not None else None
        if book is None or share is None:
            return None
        ended = "revoked" if share.revoked_at is not None else None if share.live(self.clock()) else "expired"
        return Opening(str(share_id), book.holder, share, ended)

    # --------------------------------------------------------------------------------------------------------------

    def _book(self, holder: Holder, share_id: str) -> ShareBook:
        return self.load(ShareBook, ShareBook.create_id(holder), "share", share_id)

    def _fresh_code(self, book_id: UUID, link: str, cause: Cause) -> tuple[str, ShareCode]:
        for _ in range(CODE_DRAWS):
            code = new_code()
            digest = code_digest(self.code_key, code)
            if self.find(ShareCode, ShareCode.create_id(digest)) is None:
                claim = ShareCode(code_digest=digest, book_id=book_id, share_id=ShareLink.create_id(link), cause=cause)
                return code, claim
        raise AssertionError("no free share code in five draws")

    def _own_credential(self, holder: Holder, kind: CredentialKind, number: str | None) -> CredentialRef:
        """SHR-1: the holder's own credential of the kind, as their records stand now; one they lack, and another's,
        are refused alike (a number is never a key to another's credential)."""
        if holder.kind is HolderKind.GRADUATE and kind is CredentialKind.DIPLOMA:
            diploma = self.diplomas.find(Diploma, Diploma.create_id(holder.institution, holder.person))
            if diploma is not None and diploma.status is not DiplomaStatus.RESERVED:
                key = diploma_subject_key(diploma.university_code, diploma.prodi_code, diploma.nina.value)
                return CredentialRef(kind, key)
        if holder.kind is HolderKind.CERTIFICATE_HOLDER and kind is CredentialKind.CERTIFICATE and number:
            certificate = self.assessments.find(Certificate, Certificate.create_id(number))
            if (
                certificate is not None
                and (certificate.lsp_code, certificate.candidate_number) == (holder.institution, holder.person)
                and certificate.issued_on is not None  # SHR-11: a signed certificate (ASM-7), revoked or not
            ):
                return CredentialRef(kind, certificate.registration_number)
        if holder.kind is HolderKind.APPLICANT and kind is CredentialKind.SK and number:
            application = self.equivalencies.find(EquivalencyApplication, EquivalencyApplication.create_id(number))
            if application is not None and application.account_id == holder.person and application.sk_number:
                return CredentialRef(kind, sk_subject_key(application.registration_number, application.sk_number))
        raise violation("SHR-1", "number" if number else "credential", f"you hold no such {kind} to share")


def _credential_kind(holder: Holder, text: str) -> CredentialKind:
    """SHR-1: a kind the holder's role holds (a graduate a diploma, an asesi a certificate, an applicant an SK)."""
    held = sorted(HOLDS[holder.kind])
    try:
        kind = CredentialKind(text)
    except ValueError:
        raise violation("SHR-1", "credential", f"credential is {' or '.join(held)}") from None
    if kind not in HOLDS[holder.kind]:
        raise violation("SHR-1", "credential", f"a {holder.kind.value} shares a {' or '.join(held)}, not a {kind}")
    return kind


def _number(kind: CredentialKind, number: object) -> str | None:
    """SHR-1: a certificate is named by its registration number, an SK by its application's (PI-YYYY-NNNNNN); a
    diploma needs none (a graduate has one)."""
    if kind is CredentialKind.DIPLOMA:
        if number is not None:
            raise violation("SHR-1", "number", "a diploma is shared without a number: a graduate holds one")
        return None
    if number is None:
        raise violation("SHR-1", "number", f"name the {kind} to share by its registration number")
    try:
        return (
            parse_number(number, "number") if kind is CredentialKind.CERTIFICATE else parse_registration_number(number)
        )
    except RuleViolation as e:  # the number's own form, said under the rule that asks for it
        raise violation("SHR-1", "number", e.failures[0].message) from None


def _share_id(text: str) -> UUID:
    try:
        return UUID(text)
    except (ValueError, TypeError, AttributeError):
        raise violation("SHR-7", "shareId", "shareId is the id myShares gives") from None
