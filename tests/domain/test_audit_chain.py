"""The chain's verification as a pure function (issue 12, item 3): each kind of tampering named once, at the
position it was done, with the events after it still matched; signed heads judged at their own positions."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.audit.chain import GENESIS, Head, Link, Stored, Tamper, event_hash, link, verify


def chained(count: int) -> tuple[list[Stored], list[Link]]:
    events, links, head = [], [], GENESIS
    for position in range(1, count + 1):
        hash_ = event_hash(UUID(int=position), 1, "t", f"event {position}".encode())
        head = link(head, position, hash_)
        events.append(Stored(position, hash_))
        links.append(Link(position, hash_, head))
    return events, links


def findings(events: list[Stored], links: list[Link], heads: list[Head] | None = None) -> list[tuple[int, Tamper]]:
    chained_at = {row.event_hash: row.position for row in links}
    return [(f.position, f.kind) for f in verify("log", events, links, heads or [], chained_at.get)]


def renumbered(events: list[Stored]) -> list[Stored]:
    return [Stored(i, e.hash) for i, e in enumerate(events, start=1)]


def forged(position: int) -> Stored:
    return Stored(position, event_hash(UUID(int=999), position, "t", b"forged"))


def test_an_intact_log_has_no_finding() -> None:
    events, links = chained(8)
    assert findings(events, links, [Head(8, links[7].chain_hash)]) == []


def test_an_altered_event_is_named_once() -> None:
    events, links = chained(8)
    events[3] = forged(4)
    assert findings(events, links) == [(4, Tamper.ALTERED)]


@pytest.mark.parametrize("removed", [1, 3, 7, 8])
def test_a_removed_event_is_named_once_whether_or_not_the_later_ones_moved_down(removed: int) -> None:
    events, links = chained(8)
    gone = events[: removed - 1] + events[removed:]
    assert findings(gone, links) == [(removed, Tamper.REMOVED)]
    assert findings(renumbered(gone), links) == [(removed, Tamper.REMOVED)]


@pytest.mark.parametrize("at", [1, 3, 8])
def test_an_inserted_event_is_named_once_with_the_later_ones_moved_up(at: int) -> None:
    events, links = chained(8)
    moved = renumbered([*events[: at - 1], forged(at), *events[at - 1 :]])
    assert findings(moved, links) == [(at, Tamper.INSERTED)]


@pytest.mark.parametrize(("p", "q"), [(2, 6), (4, 5), (7, 8)])
def test_two_swapped_events_are_named_at_both_positions(p: int, q: int) -> None:
    events, links = chained(8)
    events[p - 1], events[q - 1] = Stored(p, events[q - 1].hash), Stored(q, events[p - 1].hash)
    assert findings(events, links) == [(p, Tamper.REORDERED), (q, Tamper.REORDERED)]


def test_a_rewrite_after_an_earlier_finding_still_disagrees_with_its_signed_checkpoint() -> None:
    events, links = chained(8)
    signed = Head(8, links[7].chain_hash)
    events[1] = forged(2)  # one finding first
    # then events 6-8 rewritten with the chain recomputed from 6 on, so every link follows from the one before
    head = links[4].chain_hash
    for i in range(5, 8):
        events[i] = forged(i + 1)
        head = link(head, i + 1, events[i].hash)
        links[i] = Link(i + 1, events[i].hash, head)
    assert findings(events, links, [signed]) == [(2, Tamper.ALTERED), (8, Tamper.CHAIN_REWRITTEN)]


def test_a_chain_cut_short_below_a_signed_checkpoint_is_reported() -> None:
    events, links = chained(8)
    assert findings(events, links[:5], [Head(8, links[7].chain_hash)]) == [(8, Tamper.CHAIN_REWRITTEN)]


def test_events_after_the_chain_s_last_link_are_not_judged_yet() -> None:
    events, links = chained(8)
    assert findings(events, links[:6]) == []
