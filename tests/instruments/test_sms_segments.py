"""Counting SMS segments the way networks bill them: GSM-7 or UCS-2, concatenation headers, no split characters."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messages.segments import GSM7_BASIC, GSM7_EXTENSION, sms_segments

plain_gsm = st.text(alphabet=sorted(GSM7_BASIC), max_size=700)
bmp_ucs2 = st.text(alphabet=st.characters(min_codepoint=0x100, max_codepoint=0xD7FF), min_size=1, max_size=400)


@pytest.mark.parametrize(
    "length, segments", [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)]
)
def test_gsm7_boundaries(length, segments):
    count = sms_segments("a" * length)
    assert (count.encoding, count.segments, count.units) == ("GSM-7", segments, length)


@pytest.mark.parametrize("length, segments", [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
def test_ucs2_boundaries(length, segments):
    count = sms_segments("á" * length)
    assert (count.encoding, count.segments, count.units) == ("UCS-2", segments, length)


def test_one_accented_letter_switches_the_whole_message_to_ucs2():
    assert sms_segments("a" * 159).encoding == "GSM-7"
    count = sms_segments("a" * 159 + "í")
    assert (count.encoding, count.segments, count.units) == ("UCS-2", 3, 160)


def test_spanish_letters_inside_gsm7_stay_gsm7():
    assert sms_segments("¿Qué año? ¡Señor Müller, Ñandú!").encoding == "UCS-2"  # ú is not GSM-7
    assert sms_segments("¿Qué año? ¡Señor Müller!").encoding == "GSM-7"  # é, ñ, ü, ¿, ¡ are


def test_extension_characters_count_double():
    count = sms_segments("€" * 80)
    assert (count.encoding, count.segments, count.units) == ("GSM-7", 1, 160)
    assert sms_segments("€" * 80 + "a").segments == 2
    assert sms_segments("[x]{y}|~^\\").units == 18  # 2 plain letters + 8 escaped characters


def test_an_escape_sequence_is_never_split_between_segments():
    # 306 septets would fit two segments, but the euro's escape pair cannot straddle the boundary.
    count = sms_segments("a" * 152 + "€" + "a" * 152)
    assert (count.units, count.segments) == (306, 3)


def test_a_surrogate_pair_is_never_split_between_segments():
    count = sms_segments("á" * 66 + "😀" + "á" * 66)
    assert (count.encoding, count.units, count.segments) == ("UCS-2", 134, 3)
    assert sms_segments("😀" * 35).segments == 1


def test_empty_text_costs_nothing():
    assert sms_segments("").segments == 0


@given(plain_gsm)
def test_plain_gsm7_segments(text):
    count = sms_segments(text)
    expected = 0 if not text else 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    assert (count.encoding, count.units, count.segments) == ("GSM-7", len(text), expected)


@given(bmp_ucs2)
def test_ucs2_segments(text):
    count = sms_segments(text)
    expected = 1 if len(text) <= 70 else math.ceil(len(text) / 67)
    assert (count.encoding, count.units, count.segments) == ("UCS-2", len(text), expected)


@given(st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=600))
def test_gsm7_units_count_extension_characters_twice(text):
    count = sms_segments(text)
    assert count.units == len(text) + sum(ch in GSM7_EXTENSION for ch in text)
    assert count.segments >= math.ceil(count.units / 153)


def test_the_gsm7_alphabet_has_127_characters_besides_the_escape():
    assert len(GSM7_BASIC) == 127 and len(GSM7_EXTENSION) == 10
