"""How many SMS a text costs: GSM-7 or UCS-2 encoding and concatenated segments (3GPP TS 23.038 / 23.040)."""
from __future__ import annotations

from dataclasses import dataclass

# The GSM 03.38 default alphabet; \x1b (escape) is left out because it only introduces the extension table.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Reached through the escape character, so each costs two septets.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

# A concatenated message gives up room in each segment to its user data header.
GSM7_SINGLE, GSM7_PER_SEGMENT = 160, 153
UCS2_SINGLE, UCS2_PER_SEGMENT = 70, 67


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    segments: int
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2


def _pack(units: list[int], single: int, per_segment: int) -> int:
    """Segments needed, never splitting an escape sequence or a surrogate pair across two segments."""
    if sum(units) <= single:
        return 1 if units else 0
    segments, used = 1, 0
    for size in units:
        if used + size > per_segment:
            segments, used = segments + 1, 0
        used += size
    return segments


def sms_segments(text: str) -> SegmentCount:
    """The encoding a phone network uses for this text and how many segments it is billed and sent as.

    One character outside GSM-7 (such as á, í, ó, ú or an emoji) switches the whole message to UCS-2.
    """
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        units = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        return SegmentCount("GSM-7", _pack(units, GSM7_SINGLE, GSM7_PER_SEGMENT), sum(units))
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return SegmentCount("UCS-2", _pack(units, UCS2_SINGLE, UCS2_PER_SEGMENT), sum(units))
