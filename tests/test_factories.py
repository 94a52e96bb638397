"""Made-up people never share a number with the clinic, the sender, staff, or anyone a test names."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engage.phones import to_e164
from tests.factories import BLOCK, PATIENT_NUMBERS, STAFF_NUMBERS, numbered

TESTS = Path(__file__).resolve().parent


def written_in_tests() -> set[str]:
    """Every Chicago 555 number another test spells out, as +1312555NNNN or (312) 555-NNNN."""
    found = set()
    for source in set(TESTS.rglob("*.py")) - {Path(__file__).resolve()}:
        text = source.read_text(encoding="utf-8")
        found |= {f"+1312555{n}" for n in re.findall(r"\+1312555(\d{4})", text)}
        found |= {f"+1312555{n}" for n in re.findall(r"\(312\) 555-(\d{4})", text)}
    return found


def test_factory_numbers_are_valid_and_nobody_elses(settings):
    patients = {numbered(PATIENT_NUMBERS, n) for n in range(BLOCK)}
    staff = {numbered(STAFF_NUMBERS, n) for n in range(BLOCK)}
    assert len(patients) == len(staff) == BLOCK and not patients & staff
    assert all(to_e164(number, "US") == number for number in patients | staff)
    named = written_in_tests() | {settings.sender, settings.clinic_phone}
    assert {"+13125550100", "+13125550199", "+13125550142"} <= named  # the scan sees what tests write
    assert not (patients | staff) & named


def test_a_test_that_needs_more_people_than_a_block_holds_is_told_so():
    with pytest.raises(ValueError, match="1000 numbers"):
        numbered(PATIENT_NUMBERS, BLOCK)


def test_every_test_numbers_its_people_from_the_start_of_each_block(factory, settings):
    patients = [factory.patient() for _ in range(3)]
    on_call = factory.staff(on_call=True)
    assert [p.phone for p in patients] == ["+13125552000", "+13125552001", "+13125552002"]
    assert on_call.phone == "+13125553000"
