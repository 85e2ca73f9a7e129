"""The receipt of step 10 of the SOP (ASM-6): "Tanda Terima Sertifikat Kompetensi", the record that the holder, or
someone on their behalf, received the certificate (K) or the Surat Keterangan Belum Kompeten (BK).

When it was received is the moment the step is recorded (the office's clock, as every step), never a time given.
A representative's name is personal data: it travels sealed with the candidate's own key, so erasing the candidate
(UU PDP) erases it too. Their relation to the holder ("orang tua", "suami", "kuasa") is kept as text: it names how
they are related, not who they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import violation
from domain.personal import Sealed
from domain.text import NAME_CHARS, optional_text

RULE = "ASM-6.receipt"
RELATION_CHARS = 60


class Receiver(StrEnum):
    HOLDER = "HOLDER"  # diterima langsung: the holder in person
    REPRESENTATIVE = "REPRESENTATIVE"  # diwakilkan: someone on the holder's behalf, named with their relation


@dataclass(frozen=True)
class Representative:
    """Parsed at the edge; sealed before it enters an event."""

    name: str
    relation: str


def parse_receiver(receiver: Receiver, name: object, relation: object) -> Representative | None:
    """ASM-6.receipt: a representative is named, with their relation to the holder; the holder in person names no
    one else (a name given for them would be a record of someone who did not receive it)."""
    parsed_name = optional_text(name, field="representativeName", max_chars=NAME_CHARS, rule_id=RULE)
    parsed_relation = optional_text(relation, field="representativeRelation", max_chars=RELATION_CHARS, rule_id=RULE)
    if receiver is Receiver.HOLDER:
        for field, given in (("representativeName", parsed_name), ("representativeRelation", parsed_relation)):
            if given is not None:
                raise violation(RULE, field, "received by the holder in person: no representative is named")
        return None
    if parsed_name is None:
        raise violation(RULE, "representativeName", "a representative is named on the receipt")
    if parsed_relation is None:
        raise violation(RULE, "representativeRelation", "a representative's relation to the holder is on the receipt")
    return Representative(parsed_name, parsed_relation)


@dataclass(frozen=True)
class HandOverReceipt:
    """Tanda terima: who received the document; the step's own event says when and by whose hand."""

    receiver: Receiver
    representative: Sealed | None = None  # the representative's name, sealed with the candidate's key
    relation: str | None = None
