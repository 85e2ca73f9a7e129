"""The share rules (SHR) on the domain objects alone, no database: each refusal's rule id and field, both sides of
each boundary, and the rule ids each decision records. Quick, so ./run mutation judges domain/sharing by them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.audit import Actor, Cause, Role
from domain.errors import NotAuthorized, NotFound, RuleViolation
from domain.sharing.book import ShareBook
from domain.sharing.secrets import (
    ALPHABET,
    CODE_CHARS,
    _check,
    code_claim_id,
    code_digest,
    link_digest,
    new_code,
    new_link,
    parse_code,
    parse_link,
    share_id,
    shown_code,
)
from domain.sharing.terms import (
    DEFAULT_DAYS,
    MAX_DAYS,
    MAX_VIEWS,
    CredentialKind,
    CredentialRef,
    Fact,
    Holder,
    HolderKind,
    Terms,
    parse_facts,
)

NOW = datetime(2027, 1, 4, 9, tzinfo=UTC)
CAUSE = Cause(Actor("2020001", Role.STUDENT, "001002"), request_id="req-share")
DIPLOMA = CredentialRef(CredentialKind.DIPLOMA, "001002/55201/0010020000001")


def failure(e: pytest.ExceptionInfo[RuleViolation]) -> tuple[str, str]:
    (only,) = e.value.failures
    return only.rule_id, only.field


def terms(days: int | None = None, max_views: int | None = None, label: object = "PT Contoh") -> Terms:
    return Terms.parse(label=label, days=days, max_views=max_views, now=NOW)


def book() -> ShareBook:
    return ShareBook(holder=Holder.of(CAUSE.actor), cause=CAUSE)


def created(b: ShareBook, limit: int = 5, credential: CredentialRef = DIPLOMA, days: int | None = None) -> UUID:
    made = uuid4()
    b.create(
        share_id=made,
        link_digest="l",
        code_digest="c",
        credential=credential,
        disclosed=(Fact.PROGRAMME,),
        terms=terms(days),
        live_limit=limit,
        now=NOW,
        cause=CAUSE,
    )
    return made


def last_event(b: ShareBook) -> ShareBook.Event:
    return b.collect_events()[-1]  # type: ignore[return-value]


def test_SHR_1_each_holding_role_is_its_own_kind_of_holder_and_another_role_holds_nothing() -> None:
    assert Holder.of(Actor("2020001", Role.STUDENT, "001002")) == Holder(HolderKind.GRADUATE, "001002", "2020001")
    assert Holder.of(Actor("C-1", Role.ASESI, "LSP01")).kind is HolderKind.CERTIFICATE_HOLDER
    assert Holder.of(Actor("akun", Role.APPLICANT)) == Holder(HolderKind.APPLICANT, "", "akun")
    assert Holder.of(Actor("akun", Role.APPLICANT)).key == "applicant//akun"
    with pytest.raises(NotAuthorized):
        Holder.of(Actor("op", Role.UNIVERSITY_OPERATOR, "001002"))


def test_SHR_2_only_offered_facts_once_each_in_a_stable_order() -> None:
    assert parse_facts(CredentialKind.DIPLOMA, ["graduation_date", "programme", "programme"]) == (
        Fact.PROGRAMME,
        Fact.GRADUATION_DATE,
    )
    assert parse_facts(CredentialKind.SK, []) == ()
    for kind, fact in (
        (CredentialKind.DIPLOMA, "nik"),
        (CredentialKind.DIPLOMA, "units"),
        (CredentialKind.SK, "programme"),
    ):
        with pytest.raises(RuleViolation) as e:
            parse_facts(kind, [fact])
        assert failure(e) == ("SHR-2", "disclose")


def test_SHR_2_credential_the_signed_credential_only_with_every_fact_it_carries() -> None:
    whole = ["credential", "programme", "graduation_date"]
    assert parse_facts(CredentialKind.DIPLOMA, whole) == (Fact.PROGRAMME, Fact.GRADUATION_DATE, Fact.CREDENTIAL)
    with pytest.raises(RuleViolation) as e:
        parse_facts(CredentialKind.DIPLOMA, ["credential", "programme"])
    assert failure(e) == ("SHR-2.credential", "disclose")
    assert parse_facts(CredentialKind.DIPLOMA, ["programme"]) == (Fact.PROGRAMME,)  # without it, any subset


def test_SHR_4_a_share_lasts_30_days_unless_told_and_1_to_365() -> None:
    assert terms().expires_at == NOW + timedelta(days=DEFAULT_DAYS) == NOW + timedelta(days=30)
    assert terms(1).expires_at == NOW + timedelta(days=1)
    assert terms(365).expires_at == NOW + timedelta(days=MAX_DAYS) == NOW + timedelta(days=365)
    for days in (0, 366):
        with pytest.raises(RuleViolation) as e:
            terms(days)
        assert failure(e) == ("SHR-4", "expiresInDays")


def test_SHR_5_a_view_limit_is_1_to_1000_or_none() -> None:
    assert terms(max_views=None).max_views is None
    assert terms(max_views=1).max_views == 1
    assert terms(max_views=MAX_VIEWS).max_views == 1000
    for views in (0, 1001):
        with pytest.raises(RuleViolation) as e:
            terms(max_views=views)
        assert failure(e) == ("SHR-5", "maxViews")


def test_SHR_3_a_label_is_required_and_every_problem_is_named_at_once() -> None:
    assert terms(label="  PT Contoh ").label == "PT Contoh"
    with pytest.raises(RuleViolation) as e:
        terms(label="x" * 101, days=0, max_views=0)
    assert [(f.rule_id, f.field) for f in e.value.failures] == [
        ("SHR-3", "label"),
        ("SHR-4", "expiresInDays"),
        ("SHR-5", "maxViews"),
    ]
    assert terms(label="x" * 100).label == "x" * 100


def test_SHR_6_at_most_the_live_limit_and_a_revoked_or_expired_one_frees_its_place() -> None:
    b = book()
    first = created(b, limit=2)
    created(b, limit=2, days=1)
    with pytest.raises(RuleViolation) as e:
        created(b, limit=2)
    assert failure(e) == ("SHR-6", "credential")
    assert b.revoke(first, NOW, CAUSE) is True
    created(b, limit=2)  # the revoked one's place
    later = NOW + timedelta(days=1)
    assert len(b.live(later)) == 1  # the one-day share has expired at its end
    assert len(b.live(later - timedelta(microseconds=1))) == 2


def test_SHR_1_to_SHR_6_a_share_records_its_terms_and_rule_ids() -> None:
    b = book()
    made = created(b, limit=3)
    event = last_event(b)
    assert isinstance(event, ShareBook.ShareCreated)
    assert event.rule_ids == ("SHR-1", "SHR-2", "SHR-3", "SHR-4", "SHR-5", "SHR-6", "SHR-9")
    assert (event.share_id, event.link_digest, event.code_digest, event.live_limit) == (made, "l", "c", 3)
    assert (event.credential, event.disclosed, event.label, event.max_views) == (
        DIPLOMA,
        (Fact.PROGRAMME,),
        "PT Contoh",
        None,
    )
    assert event.expires_at == NOW + timedelta(days=30)
    share = b.share(made)
    assert (share.label, share.expires_at, share.max_views, share.revoked_at) == (
        "PT Contoh",
        NOW + timedelta(days=30),
        None,
        None,
    )


def test_SHR_1_another_share_id_is_not_found() -> None:
    b = book()
    created(b)
    with pytest.raises(NotFound):
        b.share(uuid4())


def test_SHR_3_to_SHR_5_a_live_share_s_terms_change_once_and_an_ended_one_s_not() -> None:
    b = book()
    made = created(b)
    b.collect_events()
    new = Terms.parse(label="PT Lain", days=10, max_views=3, now=NOW)
    assert b.change(made, new, NOW, CAUSE) is True
    event = last_event(b)
    assert isinstance(event, ShareBook.ShareChanged)
    assert (event.share_id, event.label, event.expires_at, event.max_views) == (made, "PT Lain", new.expires_at, 3)
    assert event.rule_ids == ("SHR-3", "SHR-4", "SHR-5")
    assert b.change(made, new, NOW, CAUSE) is False  # the same terms: nothing recorded
    assert b.collect_events() == []
    for changed in (
        Terms(label="PT Lain", expires_at=new.expires_at, max_views=4),
        Terms(label="PT Lain", expires_at=new.expires_at + timedelta(days=1), max_views=3),
        Terms(label="PT Baru", expires_at=new.expires_at, max_views=3),
    ):
        assert b.change(made, changed, NOW, CAUSE) is True
    b.revoke(made, NOW, CAUSE)
    with pytest.raises(RuleViolation) as e:
        b.change(made, new, NOW, CAUSE)
    assert failure(e) == ("SHR-7", "shareId")


def test_SHR_7_a_revocation_is_recorded_once_and_revoke_all_ends_only_the_live_ones() -> None:
    b = book()
    one, two, three = created(b), created(b), created(b)
    b.collect_events()
    assert b.revoke(one, NOW, CAUSE) is True
    event = last_event(b)
    assert isinstance(event, ShareBook.ShareRevoked)
    assert (event.share_id, event.rule_ids) == (one, ("SHR-7",))
    assert b.revoke(one, NOW, CAUSE) is False
    assert b.collect_events() == []
    assert b.revoke_all(NOW, CAUSE) == 2
    event = last_event(b)
    assert isinstance(event, ShareBook.AllSharesRevoked)
    assert (set(event.share_ids), event.rule_ids) == ({two, three}, ("SHR-7",))
    assert b.revoke_all(NOW, CAUSE) == 0
    assert b.collect_events() == []
    assert b.live(NOW) == []


def test_SHR_10_an_erasure_ends_the_scope_s_shares_once_and_nothing_in_it_is_shared_again() -> None:
    b = book()
    sk = CredentialRef(CredentialKind.SK, "EQV-1/SK-1")
    other = CredentialRef(CredentialKind.SK, "EQV-2/SK-2")
    kept, gone, ended = created(b, credential=other), created(b, credential=sk), created(b, credential=sk)
    b.revoke(ended, NOW, CAUSE)
    revoked_at = b.share(ended).revoked_at
    b.collect_events()
    assert set(b.erase("EQV-1/", CAUSE)) == {gone, ended}
    event = last_event(b)
    assert isinstance(event, ShareBook.SharesErased)
    assert (set(event.share_ids), event.scope, event.rule_ids) == ({gone, ended}, "EQV-1/", ("SHR-10",))
    assert [s.id for s in b.live(NOW)] == [kept]
    assert b.share(ended).revoked_at == revoked_at  # an ended share keeps when it ended
    b.erase("EQV-1/", CAUSE)
    assert b.collect_events() == []  # once per scope
    with pytest.raises(RuleViolation) as e:
        created(b, credential=sk)
    assert failure(e) == ("SHR-10", "credential")
    created(b, credential=other)


def test_SHR_9_a_link_is_43_url_safe_characters_and_finds_its_share_by_digest() -> None:
    link = new_link()
    assert parse_link(link) == link and len(link) == 43
    assert parse_link(link[:-1]) is None and parse_link(link + "A") is None and parse_link("!" * 43) is None
    assert link_digest(link) != link_digest(new_link())
    assert share_id(link_digest(link)) == share_id(link_digest(link)) != share_id(link_digest(new_link()))
    assert code_claim_id("d") != share_id("d")


def test_SHR_9_code_a_code_is_ten_crockford_characters_whose_last_checks_the_rest() -> None:
    code = new_code()
    assert len(code) == CODE_CHARS == 10 and all(c in ALPHABET for c in code)
    assert _check(code[:9]) == code[9]
    assert shown_code(code) == f"{code[:5]}-{code[5:]}"
    assert parse_code(shown_code(code).lower()) == code
    # mod 37, not 32: 32 and 36 are the check symbols * and U, never in a code made
    assert (_check("000000001"), _check("000000010"), _check("000000014"), _check("00000001A")) == ("1", "*", "U", "5")
    assert all(new_code()[9] in ALPHABET for _ in range(60))
    assert parse_code("o0000-000i1") == "0000000011"  # O read as 0, I as 1, hyphens dropped
    assert parse_code("L00000000" + _check("100000000")) == "100000000" + _check("100000000")
    for wrong in (code[:9], code + "0", code[:9] + "U", 7, "0" * 41):
        with pytest.raises(RuleViolation) as e:
            parse_code(wrong, field="shareCode")
        assert failure(e) == ("SHR-9.code", "shareCode")
    mistyped = code[:9] + next(c for c in ALPHABET if c != code[9])
    with pytest.raises(RuleViolation) as e:
        parse_code(mistyped)
    assert failure(e) == ("SHR-9.code", "code")
    assert parse_code(code + " " * 30) == code  # 40 characters are read
    assert code_digest(b"k", code) != code_digest(b"l", code) != code_digest(b"k", mistyped)
