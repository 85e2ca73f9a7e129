"""Names people would read as one (SUB-1.duplicate): Unicode TR39 confusable skeletons, compared without case.

A name that must be unique is compared by its skeleton (UTS #39, section 4): each character becomes the prototype
it is confusable with, so a Cyrillic "А", a Greek "Α" and a full-width "Ａ" all read "A", and "rn" reads as "m".
The skeleton is ICU's (``SpoofChecker.getSkeleton``, with the confusables data of its Unicode version), the
reference implementation of TR39: PyICU through the ``pyicu-wheels`` build, which bundles ICU so that nothing is
compiled on install. No skeleton is stored: it is computed when a name is compared, so newer Unicode data only
ever changes later decisions.

A skeleton keeps case, and people do not: "Oracle" and "ORACLE" are one certification. So each name has two keys,
the skeleton of its case-folded NFKC form (TR39's case-insensitive use) and the case-folded skeleton (which also
catches a capital I read as a small l, or a zero read as an O); two names are look-alikes when either key matches.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import icu

_CHECKER = icu.SpoofChecker()  # only read after construction: ICU allows concurrent use of one checker


def skeleton(text: str) -> str:
    """TR39's skeleton(X)."""
    return str(_CHECKER.getSkeleton(0, text))


@lru_cache(maxsize=4096)
def name_keys(text: str) -> tuple[str, str]:
    """The two keys of a name; see the module's comment."""
    normal = unicodedata.normalize("NFKC", text)
    return skeleton(normal.casefold()), skeleton(normal).casefold()


def look_alike(one: str, other: str) -> bool:
    """Would people read the two names as one?"""
    return any(a == b for a, b in zip(name_keys(one), name_keys(other), strict=True))
