"""EQV-2: the documents an equivalency application needs, computed from what the application says.

Every item of the seed's list (002, "Persyaratan" 5.1 .. 5.13) is here with its condition; an item names the rule
it comes from (``EQV-2.4``), so a missing document is reported by the rule that asks for it. An online doctorate
(S3 daring) is refused before any checklist (EQV-2.12).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import violation


class ForeignLevel(StrEnum):
    S1 = "S1"  # bachelor's
    S2 = "S2"  # master's
    S3 = "S3"  # doctorate


@dataclass(frozen=True)
class Study:
    """What the checklist depends on, as the applicant stated it on the form."""

    level: ForeignLevel
    country: str  # ISO 3166-1 alpha-2
    documents_in_english: bool
    research_based: bool
    civil_servant: bool  # PNS
    online: bool  # program daring
    university_registered: bool  # the university and programme are in the portal's list
    passport_lost: bool
    double_or_joint_degree: bool  # shown to the team, which may ask for the MoU (EQV-2.13); asks nothing by itself


@dataclass(frozen=True)
class Item:
    code: str  # stable: a document is uploaded against it
    rule_id: str
    indonesian: str
    english: str
    link_allowed: bool = False  # EQV-2.6: the catalogue may be a link


@dataclass(frozen=True)
class _Rule:
    item: Item
    applies: Callable[[Study], bool]


def _always(_: Study) -> bool:
    return True


def _translated(s: Study) -> bool:
    return not s.documents_in_english


RULES: tuple[_Rule, ...] = (
    _Rule(
        Item(
            "DIPLOMA_TRANSCRIPT_SCAN",
            "EQV-2.1",
            "Scan berwarna ijazah dan transkrip asli",
            "Colour scan of the original diploma and transcript",
        ),
        _always,
    ),
    _Rule(
        Item(
            "DIPLOMA_TRANSCRIPT_TRANSLATION",
            "EQV-2.1",
            "Terjemahan ijazah dan transkrip oleh penerjemah tersumpah",
            "Sworn translation of the diploma and transcript (English or Indonesian)",
        ),
        _translated,
    ),
    _Rule(
        Item("CDGDC_VERIFICATION", "EQV-2.2", "Verifikasi CDGDC", "CDGDC verification (China)"),
        lambda s: s.country == "CN",
    ),
    _Rule(
        Item(
            "CDGDC_TRANSLATION",
            "EQV-2.2",
            "Terjemahan verifikasi CDGDC oleh penerjemah tersumpah",
            "Sworn translation of the CDGDC verification",
        ),
        lambda s: s.country == "CN" and _translated(s),
    ),
    _Rule(
        Item(
            "ACADEMIC_RECORD",
            "EQV-2.3",
            "Transkrip / academic record / diploma supplement selama studi",
            "Transcript of records, academic record or diploma supplement for the whole study",
        ),
        _always,
    ),
    _Rule(
        Item(
            "ACADEMIC_RECORD_TRANSLATION",
            "EQV-2.3",
            "Terjemahan transkrip oleh penerjemah tersumpah",
            "Sworn translation of the transcript",
        ),
        _translated,
    ),
    _Rule(
        Item(
            "THESIS_EXCERPT",
            "EQV-2.4",
            "Sampul, judul, abstrak, daftar isi, kesimpulan dan referensi karya akhir",
            "Cover, title, abstract, table of contents, conclusion and references of the final work",
        ),
        _always,
    ),
    _Rule(
        Item(
            "THESIS_EXCERPT_TRANSLATION",
            "EQV-2.4",
            "Terjemahan bahasa Inggris karya akhir",
            "English translation of the final work's excerpt",
        ),
        _translated,
    ),
    _Rule(
        Item(
            "JOURNAL_ARTICLE",
            "EQV-2.5",
            "Artikel di jurnal internasional bereputasi, atau surat perguruan tinggi bahwa publikasi tidak disyaratkan",
            "An article in a reputable international journal, or the university's letter that it requires none",
        ),
        lambda s: s.level is ForeignLevel.S3,
    ),
    _Rule(
        Item(
            "ACADEMIC_CATALOGUE",
            "EQV-2.6",
            "Katalog atau pedoman akademik program (tautan diperbolehkan)",
            "The programme's academic catalogue (a link is allowed)",
            link_allowed=True,
        ),
        _always,
    ),
    _Rule(
        Item(
            "SUPERVISION_REPORT", "EQV-2.7", "Progress report bimbingan riset", "Research supervision progress report"
        ),
        lambda s: s.research_based,
    ),
    _Rule(
        Item("PASSPORT_PAGES", "EQV-2.8", "Seluruh halaman paspor", "Every page of the passport"),
        lambda s: not s.passport_lost,
    ),
    _Rule(
        Item("STUDY_VISAS", "EQV-2.8", "Visa studi selama masa studi", "Study visas for the whole study"),
        lambda s: not s.passport_lost and not _by_research(s),
    ),
    _Rule(
        Item(
            "POLICE_REPORT",
            "EQV-2.8",
            "Surat keterangan hilang dari kepolisian",
            "Police report of the lost passport and visas",
        ),
        lambda s: s.passport_lost,
    ),
    _Rule(
        Item(
            "STUDY_CONFIRMATION",
            "EQV-2.8",
            "Surat perguruan tinggi tentang periode studi dan kelulusan",
            "University letter confirming the study period and graduation",
        ),
        lambda s: s.passport_lost,
    ),
    _Rule(Item("PREVIOUS_DIPLOMA", "EQV-2.9", "Ijazah jenjang sebelumnya", "The previous diploma"), _always),
    _Rule(
        Item(
            "STUDY_PERMIT",
            "EQV-2.10",
            "Surat izin tugas belajar dari Sekretariat Negara",
            "Study-assignment permit from the State Secretariat (PNS)",
        ),
        lambda s: s.civil_servant,
    ),
    _Rule(
        Item(
            "RECOGNITION_LETTER",
            "EQV-2.11",
            "Surat pengakuan perguruan tinggi dan program studi",
            "Recognition of the university and programme by the local government, an accreditation body or "
            "the Indonesian mission",
        ),
        lambda s: not s.university_registered,
    ),
    _Rule(
        Item(
            "ONLINE_RECOGNITION",
            "EQV-2.12",
            "Surat keterangan pengakuan program daring",
            "Recognition of the online programme",
        ),
        lambda s: s.online,
    ),
)

# EQV-2.13: supporting documents, the double or joint degree's MoU among them, are asked for by the team through a
# request for more documents (EQV-3) when it needs them; never required at registration, so a declared double
# degree does not hold the team's clock back. Applications registered before this reading keep the checklist their
# Registered event recorded (the MoU in it), so old logs replay as they were.
SUPPORTING = {
    "STUDY_CHRONOLOGY": Item("STUDY_CHRONOLOGY", "EQV-2.13", "Kronologis proses pembelajaran", "Study chronology"),
    "FULL_TIME_LETTER": Item(
        "FULL_TIME_LETTER", "EQV-2.13", "Surat keterangan full time student", "Full-time student letter"
    ),
    "DEGREE_MOU": Item(
        "DEGREE_MOU", "EQV-2.13", "MoU program double degree / joint degree", "The double or joint degree MoU"
    ),
}


def _by_research(s: Study) -> bool:
    """EQV-2.8: no study visa for a master's or doctorate by research."""
    return s.research_based and s.level in (ForeignLevel.S2, ForeignLevel.S3)


def check_admissible(study: Study) -> None:
    """EQV-2.12: an online doctorate (S3 daring) cannot be equalised at all."""
    if study.online and study.level is ForeignLevel.S3:
        raise violation("EQV-2.12", "online", "an online doctorate (S3 daring) cannot be equalised")


def checklist(study: Study) -> tuple[Item, ...]:
    """Every document the application needs, in the seed's order."""
    check_admissible(study)
    return tuple(rule.item for rule in RULES if rule.applies(study))
