"""The fonts of every page of ours (issue 33): DejaVu Sans, embedded as TrueType subsets, so that names outside
Windows-1252 (Vietnamese, Ṣ, ...) show as themselves; where the font files are absent (Debian package
``fonts-dejavu-core``) Bitstream Vera, shipped with reportlab and embedded alike, which shows such characters as "?".
Every font is embedded, as PDF/A requires (:mod:`infra.documents.pdfa`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

DEJAVU_DIRECTORY = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class PageFonts:
    """The fonts of the page text. ``glyphs``: the code points the regular (value) font draws; None for the
    standard PDF fonts, which draw Windows-1252 only."""

    regular: str
    bold: str
    italic: str
    glyphs: frozenset[int] | None = None

    def shows(self, char: str) -> bool:
        if self.glyphs is None:
            return in_cp1252(char)
        # reportlab writes a character beyond U+FFFF into the ToUnicode map as odd-length hex, which readers drop
        return ord(char) <= 0xFFFF and ord(char) in self.glyphs and char.isprintable()


# The standard PDF fonts: never embedded, so no longer used (PDF/A embeds every font); pages made before drew with
# them, and the verifier still reads those (:func:`shown_pattern`).
STANDARD_FONTS = PageFonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")
# Bitstream Vera, which reportlab ships and DejaVu derives from (the same Latin glyphs and widths); it draws all of
# Windows-1252, so a page set in it shows what the standard fonts showed.
VERA_DIRECTORY = Path(reportlab.__file__).parent / "fonts"
_VERA = {"": "Vera.ttf", "-Bold": "VeraBd.ttf", "-Oblique": "VeraIt.ttf"}


@functools.cache
def page_fonts(directory: Path = DEJAVU_DIRECTORY) -> PageFonts:
    """DejaVu Sans (Bold; Oblique where installed, else Vera's) registered with reportlab, or Vera: every one
    embedded as a TrueType subset."""
    regular, bold, oblique = (directory / f"DejaVuSans{style}.ttf" for style in ("", "-Bold", "-Oblique"))
    if not (regular.is_file() and bold.is_file()):
        return _vera()
    try:
        value_font = _registered("DejaVuSans", regular)
        _registered("DejaVuSans-Bold", bold)
        italic = _vera().italic  # the italic lines are fixed ASCII text; fonts-dejavu-core has no oblique
        if oblique.is_file():
            _registered("DejaVuSans-Oblique", oblique)
            italic = "DejaVuSans-Oblique"
    except (OSError, TTFError):
        return _vera()
    return PageFonts("DejaVuSans", "DejaVuSans-Bold", italic, frozenset(value_font.face.charToGlyph))


@functools.cache
def _vera() -> PageFonts:
    regular = _registered("Vera", VERA_DIRECTORY / _VERA[""])
    for style in ("-Bold", "-Oblique"):
        _registered(f"Vera{style}", VERA_DIRECTORY / _VERA[style])
    return PageFonts("Vera", "Vera-Bold", "Vera-Oblique", frozenset(regular.face.charToGlyph))


def _registered(name: str, path: Path) -> TTFont:
    font = TTFont(name, str(path))
    pdfmetrics.registerFont(font)
    return font


def printable(text: str, fonts: PageFonts | None = None) -> str:
    """The text as ``fonts`` (default :func:`page_fonts`) show it: a character they have no glyph for becomes
    '?'. With the standard PDF fonts that is every character outside Windows-1252."""
    fonts = fonts or page_fonts()
    if fonts.glyphs is None:
        return text.encode("cp1252", "replace").decode("cp1252")
    return "".join(char if fonts.shows(char) else "?" for char in text)


def in_cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True
