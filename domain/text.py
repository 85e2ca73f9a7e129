"""Free text as it enters the domain: parsed once, at every door, before it can reach an event (PIN-0).

An event is forever and every read model replays it, so text that a store cannot hold (a NUL byte in
PostgreSQL), that no one can see (zero-width and other format characters), or that outgrows an index row
must never be accepted. Text is normalised to NFC so that the same name typed on two keyboards is equal.
"""

from __future__ import annotations

import re
import unicodedata

from domain.errors import violation

# Control, format (zero-width, bidi overrides), surrogate, private-use and unassigned code points.
REFUSED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
MULTILINE_ALLOWED = frozenset({"\n", "\t"})
# Letters and marks that draw nothing, so a "required" name or reason could look blank: Hangul fillers, the
# braille blank, the combining grapheme joiner and variation selectors (their categories are not refused above).
INVISIBLE = frozenset(
    {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u034f"}
    | {chr(c) for c in range(0xFE00, 0xFE10)}
    | {chr(c) for c in range(0xE0100, 0xE01F0)}
)

# Keys and names stay far below PostgreSQL's btree row limit (~2,700 bytes) even in 4-byte UTF-8.
NAME_CHARS = 200
PLACE_CHARS = 100
DOCUMENT_NUMBER_CHARS = 100
REMARK_CHARS = 2000


def shown(text: str, limit: int = 40) -> str:
    """An input echoed in a message, cut short so a refusal never repeats a huge value."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def refused_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character no stored text may hold, as ``U+XXXX`` with its name, or None."""
    if text.isascii() and text.isprintable():  # the common case, at once: printable ASCII holds none of them
        return None
    for position, char in enumerate(text, start=1):
        if multiline and char in MULTILINE_ALLOWED:
            continue
        category = unicodedata.category(char)
        if category in REFUSED or char in INVISIBLE or (multiline and category in ("Zl", "Zp")):
            name = unicodedata.name(char, "unnamed")
            return f"U+{ord(char):04X} ({name}) at character {position}"
    return None


def parse_text(value: object, *, field: str, max_chars: int, rule_id: str = "PIN-0", multiline: bool = False) -> str:
    """Required text: NFC, no control or invisible characters, whitespace trimmed (and collapsed to
    single spaces unless ``multiline``), at most ``max_chars`` characters."""
    text = optional_text(value, field=field, max_chars=max_chars, rule_id=rule_id, multiline=multiline)
    if text is None:
        raise violation(rule_id, field, f"{field} is required")
    return text


def optional_text(
    value: object, *, field: str, max_chars: int, rule_id: str = "PIN-0", multiline: bool = False
) -> str | None:
    """As ``parse_text``, but None or blank gives None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise violation(rule_id, field, f"{field} must be text")
    text = unicodedata.normalize("NFC", value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if (bad := refused_character(text, multiline=multiline)) is not None:
        raise violation(rule_id, field, f"{field} contains a control or invisible character: {bad}")
    # A name's runs of spaces (no-break and other Unicode spaces too) fold to one; a remark keeps its lines.
    text = "\n".join(line.rstrip() for line in text.strip().split("\n")) if multiline else " ".join(text.split())
    if not text:
        return None
    if len(text) > max_chars:
        raise violation(rule_id, field, f"{field} has at most {max_chars} characters; got {len(text)}")
    return text


def canonical_code(value: object, *, field: str, rule_id: str, form: str, pattern: re.Pattern[str]) -> str:
    """A code people would read as one whatever its case or width, in its canonical form: NFKC first (so a
    full-width ``ＭＥＴ`` or ``１２`` is the ASCII one), then only ASCII (a Cyrillic or Greek look-alike letter is
    refused, never mapped), runs of spaces folded to one, upper-cased; then its ``pattern``. Stored this way, two
    spellings of one code are one key, so uniqueness by the code's id is case-insensitive."""
    if not isinstance(value, str):
        raise violation(rule_id, field, f"{form}; got {value!r:.40}")
    text = unicodedata.normalize("NFKC", value)
    if (bad := refused_character(text)) is not None:
        raise violation(rule_id, field, f"{form}; it contains {bad}")
    text = " ".join(text.split())
    if not text.isascii():
        char = next(c for c in text if not c.isascii())
        name = unicodedata.name(char, "unnamed")
        raise violation(rule_id, field, f"{form}; U+{ord(char):04X} ({name}) is not an ASCII letter or digit")
    text = text.upper()
    if not pattern.fullmatch(text):
        raise violation(rule_id, field, f"{form}; got {shown(value)}")
    return text
