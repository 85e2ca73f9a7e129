"""Issue 29, item 5: the actor of every event names the person as their identity provider does (issuer and subject);
events stored before carry neither and still load, and the trail reads them as it always did."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import orjson

from domain.audit import Actor, Cause, Role
from domain.audit.record import EventRecord
from infra.transcoder import OrjsonTranscoder

SIGNED_IN = Actor("op-17", Role.UNIVERSITY_OPERATOR, "001002", issuer="https://sso.univ.example", subject="u-42")


def test_a_cause_stored_before_issue_29_loads_without_issuer_and_subject() -> None:
    stored = {  # as the transcoder wrote a cause before Actor had issuer and subject
        "_type_": "value",
        "_data_": [
            "domain.audit:Cause",
            {
                "actor": {
                    "_type_": "value",
                    "_data_": [
                        "domain.audit:Actor",
                        {
                            "id": "op",
                            "role": {"_type_": "enum", "_data_": ["domain.audit:Role", "university_operator"]},
                            "institution": "001002",
                        },
                    ],
                },
                "request_id": "http:1",
                "reason": None,
            },
        ],
    }
    cause = OrjsonTranscoder().decode(orjson.dumps(stored))
    assert cause == Cause(Actor("op", Role.UNIVERSITY_OPERATOR, "001002"), "http:1")
    assert cause.actor.issuer is None and cause.actor.subject is None


def test_issuer_and_subject_are_stored_and_read_back() -> None:
    transcoder = OrjsonTranscoder()
    cause = Cause(SIGNED_IN, "http:2")
    assert transcoder.decode(transcoder.encode(cause)) == cause


def _record(actor: Actor) -> EventRecord:
    return EventRecord(
        "diplomas",
        1,
        uuid4(),
        1,
        "Student.Registered",
        datetime.now(UTC),
        actor.id,
        actor.role.value,
        actor.institution,
        "http:3",
        None,
        (),
        None,
        None,
        {},
        actor_issuer=actor.issuer,
        actor_subject=actor.subject,
    )


def test_the_trail_names_the_person_as_their_issuer_does_and_a_development_token_by_role_only() -> None:
    assert _record(SIGNED_IN).by == "university_operator:op-17@001002 (u-42 at https://sso.univ.example)"
    assert _record(Actor("op", Role.UNIVERSITY_OPERATOR, "001002")).by == "university_operator:op@001002"
