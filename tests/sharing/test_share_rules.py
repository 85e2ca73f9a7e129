"""Issue 34: the rules of a share (SHR) on both sides of each boundary; a refused command appends nothing; another
person can neither revoke nor list my shares; a link or code that opens nothing tells nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.sharing.uses import Use, agent_family, network_prefix
from application.sharing.shares import Shares
from domain.audit import Actor, Cause, Role
from domain.errors import NotAuthorized, NotFound, RuleViolation
from domain.sharing.secrets import new_code, parse_code, shown_code
from domain.sharing.terms import DEFAULT_DAYS
from infra.bootstrap import Container
from tests.world import UNIVERSITY, Clock, World


def holder(nim: str = "2020001", role: Role = Role.STUDENT, institution: str = UNIVERSITY) -> Cause:
    return Cause(Actor(nim, role, institution), request_id="req-share")


GRADUATE = holder()


@pytest.fixture
def shares(container: Container, world: World) -> Shares:
    world.university()
    world.programme()
    world.paired("2020001")
    return container.services.sharing.commands


def head(shares: Shares) -> int:
    return shares.recorder.max_notification_id() or 0


def create(shares: Shares, cause: Cause = GRADUATE, **terms: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {"credential": "diploma", "disclose": [], "label": "PT Contoh, 2027-01"}
    args.update({"expires_in_days": None, "max_views": None, **terms})
    return shares.create_share(cause=cause, **args)  # type: ignore[arg-type]


def refused(shares: Shares, rule: str, cause: Cause = GRADUATE, **terms: object) -> None:
    before = head(shares)
    with pytest.raises(RuleViolation) as e:
        create(shares, cause, **terms)
    assert rule in e.value.rule_ids
    assert head(shares) == before  # nothing appended


def test_SHR_4_a_share_lasts_30_days_unless_told_and_1_to_365(shares: Shares, clock: Clock) -> None:
    made = create(shares)
    assert made.expires_at == clock.now + timedelta(days=DEFAULT_DAYS)
    assert create(shares, expires_in_days=1).expires_at == clock.now + timedelta(days=1)
    assert create(shares, expires_in_days=365).expires_at == clock.now + timedelta(days=365)
    refused(shares, "SHR-4", expires_in_days=0)
    refused(shares, "SHR-4", expires_in_days=366)


def test_SHR_5_a_view_limit_is_1_to_1000_or_none(shares: Shares) -> None:
    create(shares, max_views=1)
    create(shares, max_views=1000)
    refused(shares, "SHR-5", max_views=0)
    refused(shares, "SHR-5", max_views=1001)


def test_SHR_3_a_label_is_required_bounded_and_plain_text(shares: Shares) -> None:
    create(shares, label="x" * 100)
    refused(shares, "SHR-3", label="x" * 101)
    refused(shares, "SHR-3", label="   ")
    refused(shares, "SHR-3", label="PT\x00Contoh")


def test_SHR_2_only_offered_facts_and_the_credential_only_with_what_it_carries(shares: Shares) -> None:
    create(shares, disclose=["programme", "graduation_date", "certifications", "credential"])
    refused(shares, "SHR-2", disclose=["nik"])
    refused(shares, "SHR-2.credential", disclose=["credential", "programme"])


def test_SHR_6_at_most_the_configured_live_shares_and_a_revoked_one_frees_its_place(
    shares: Shares, clock: Clock
) -> None:
    limit = shares.live_limit
    made = [create(shares) for _ in range(limit)]
    refused(shares, "SHR-6")
    shares.revoke_share(share_id=made[0].share_id, cause=GRADUATE)
    create(shares)  # the place of the revoked one
    refused(shares, "SHR-6")
    clock.now += timedelta(days=DEFAULT_DAYS)  # every share expired: none is live
    create(shares)


def test_SHR_1_only_a_holder_shares_and_only_what_they_hold(shares: Shares) -> None:
    before = head(shares)
    with pytest.raises(NotAuthorized):
        create(shares, holder("op", Role.UNIVERSITY_OPERATOR))
    refused(shares, "SHR-1", holder("2020002"))  # a student without a diploma
    refused(shares, "SHR-1", holder("2020001", institution="009999"))  # the same NIM at another university
    assert head(shares) == before


def test_SHR_7_another_person_can_neither_revoke_nor_list_my_shares(shares: Shares, container: Container) -> None:
    mine = create(shares)
    before = head(shares)
    for other in (holder("2020002"), holder("2020001", institution="009999")):
        with pytest.raises(NotFound):
            shares.revoke_share(share_id=mine.share_id, cause=other)
        assert shares.revoke_all_shares(cause=other).count == 0
    assert head(shares) == before
    container.worker.catch_up()
    view = container.services.sharing.view
    assert [r.share_id for r in view.of_holder("graduate/001002/2020001", limit=10, offset=0)] == [mine.share_id]
    assert view.of_holder("graduate/001002/2020002", limit=10, offset=0) == []
    assert shares.opened(mine.link) is not None and shares.opened(mine.link).ended is None  # type: ignore[union-attr]


def test_SHR_7_revoked_and_expired_shares_say_they_ended(shares: Shares, clock: Clock) -> None:
    one, two, three = create(shares), create(shares), create(shares, expires_in_days=1)
    assert shares.revoke_share(share_id=one.share_id, cause=GRADUATE).changed
    assert not shares.revoke_share(share_id=one.share_id, cause=GRADUATE).changed  # nothing more to append
    assert shares.opened(one.link).ended == "revoked"  # type: ignore[union-attr]
    assert shares.opened_by_code(one.code).ended == "revoked"  # type: ignore[union-attr]
    clock.now += timedelta(days=1)
    assert shares.opened(three.link).ended == "expired"  # type: ignore[union-attr]
    assert shares.revoke_all_shares(cause=GRADUATE).count == 1  # two; three has expired
    assert shares.opened(two.link).ended == "revoked"  # type: ignore[union-attr]


def test_SHR_9_links_and_codes_that_open_nothing_tell_nothing(shares: Shares) -> None:
    made = create(shares)
    assert len(made.link) == 43 and made.link.isascii()  # 256 bits, URL-safe
    assert "2020001" not in made.link and UNIVERSITY not in made.link
    assert shares.opened(made.link[:-1] + ("A" if made.link[-1] != "A" else "B")) is None
    assert shares.opened("../../etc/passwd") is None and shares.opened("") is None
    assert shares.opened_by_code(made.code.lower().replace("-", " ")) is not None  # typed as a person would
    other = new_code()
    assert other != made.code.replace("-", "")
    assert shares.opened_by_code(shown_code(other)) is None
    with pytest.raises(RuleViolation) as typo:
        shares.opened_by_code(made.code[:-1] + ("0" if made.code[-1] != "0" else "1"))
    assert typo.value.rule_ids == ("SHR-9.code",)


def test_SHR_9_a_code_is_ten_crockford_characters_with_its_check() -> None:
    for _ in range(50):
        code = new_code()
        assert len(code) == 10 and parse_code(code) == code
        assert parse_code(code.lower().replace("0", "o").replace("1", "l")) == code
    with pytest.raises(RuleViolation):
        parse_code("ABCDEFGHJ")


def test_SHR_5_and_SHR_8_the_last_view_is_taken_once_and_a_use_records_no_more_than_network_and_family(
    shares: Shares, container: Container, clock: Clock
) -> None:
    uses = container.services.sharing.uses
    made = create(shares, max_views=2)
    use = Use(made.share_id, clock.now, "view", network_prefix("203.0.113.77"), agent_family("Mozilla/5.0 Chrome/126"))
    assert [uses.record(use, 2) for _ in range(3)] == [True, True, False]
    assert uses.counts([made.share_id]) == {made.share_id: {"view": 2}}
    recorded = uses.of_shares([made.share_id], 10)[made.share_id]
    assert {(u.network, u.agent) for u in recorded} == {("203.0.113.0/24", "Chrome")}
    assert network_prefix("2001:db8:1234:5678::1") == "2001:db8:1234:5600::/56"
    assert network_prefix("::ffff:198.51.100.9") == "198.51.100.0/24"
    assert agent_family("WhatsApp/2.23") == "bot"
