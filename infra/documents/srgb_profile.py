"""An sRGB ICC profile (IEC 61966-2.1, ICC version 2.1, display class), built here byte for byte.

PDF/A needs an output intent with an embedded ICC profile. None is available offline as a file we may ship, and
Pillow's built-in sRGB profile is ICC version 4.4 with the time of its making in its header (PDF/A-2 and -3 cite
ICC.1:2004-10, version 4.2; a version 2 profile is accepted by every PDF/A part). A matrix/TRC profile is small:
the D50-adapted sRGB primaries (Bradford) and the sRGB transfer curve as a 1024-entry table.
"""

from __future__ import annotations

import functools
import struct

DESCRIPTION = "sRGB IEC61966-2.1"
_D50 = (0.9642, 1.0, 0.8249)
_COLORANTS = {  # the sRGB primaries adapted to D50 (Bradford), as in the ICC's own sRGB profiles
    b"rXYZ": (0.4360747, 0.2225045, 0.0139322),
    b"gXYZ": (0.3850649, 0.7168786, 0.0971045),
    b"bXYZ": (0.1430804, 0.0606169, 0.7141733),
}
_CURVE_POINTS = 1024


def _s15fixed16(*values: float) -> bytes:
    return b"".join(struct.pack(">i", round(value * 65536)) for value in values)


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ \0\0\0\0" + _s15fixed16(*values)


def _description(text: str) -> bytes:
    """textDescriptionType: the ASCII text, then empty Unicode and ScriptCode parts."""
    ascii_text = text.encode("ascii") + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_text)) + ascii_text + bytes(4 + 4 + 2 + 1 + 67)


def _srgb_curve() -> bytes:
    def linear(encoded: float) -> float:
        return encoded / 12.92 if encoded <= 0.04045 else ((encoded + 0.055) / 1.055) ** 2.4

    points = [round(linear(i / (_CURVE_POINTS - 1)) * 65535) for i in range(_CURVE_POINTS)]
    return b"curv\0\0\0\0" + struct.pack(f">I{_CURVE_POINTS}H", _CURVE_POINTS, *points)


@functools.cache
def srgb_profile() -> bytes:
    """The profile's bytes; the same every time (a fixed creation date)."""
    curve = _srgb_curve()
    tags = [
        (b"desc", _description(DESCRIPTION)),
        (b"cprt", b"text\0\0\0\0No copyright, use freely\0"),
        (b"wtpt", _xyz(_D50)),
        *((signature, _xyz(values)) for signature, values in _COLORANTS.items()),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data, placed = [], b"", {}
    for signature, body in tags:
        if body not in placed:  # the three curves share one table, as ICC profiles usually do
            placed[body] = offset + len(data)
            data += body + bytes(-len(body) % 4)
        table.append(struct.pack(">4sII", signature, placed[body], len(body)))
    size = offset + len(data)
    header = (
        struct.pack(">I4sI", size, b"\0\0\0\0", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2025, 1, 1, 0, 0, 0)
        + b"acsp"
        + bytes(4 + 4 + 4 + 4 + 8)  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual rendering intent
        + _s15fixed16(*_D50)
        + bytes(4 + 44)  # creator, reserved (no profile ID before version 4)
    )
    return header + struct.pack(">I", len(tags)) + b"".join(table) + data
