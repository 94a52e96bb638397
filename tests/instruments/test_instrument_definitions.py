"""The instruments as data: codes, LOINC, bands and rules exactly as published."""
import pytest

from engage.instruments import (
    INSTRUMENTS,
    Band,
    Choice,
    Instrument,
    Item,
    UnknownInstrument,
    get_instrument,
    score,
)
from engage.instruments.definitions import DIFFICULTY, FREQUENCY
from messages import N_

PHQ9_ITEM_LOINC = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
GAD7_ITEM_LOINC = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]


def test_the_four_instruments_are_defined():
    assert set(INSTRUMENTS) == {"phq9", "gad7", "phq2", "gad2"}
    assert get_instrument("phq9") is INSTRUMENTS["phq9"]


def test_unknown_instrument_is_a_key_error():
    with pytest.raises(UnknownInstrument):
        get_instrument("audit")
    with pytest.raises(KeyError):
        get_instrument("")


def test_phq9_loinc_codes():
    phq9 = get_instrument("phq9")
    assert (phq9.loinc_panel, phq9.loinc_total) == ("44249-1", "44261-6")
    assert [item.loinc for item in phq9.items] == PHQ9_ITEM_LOINC
    assert [item.code for item in phq9.items] == [f"phq9_{n}" for n in range(1, 10)]
    assert phq9.closing_item.loinc == "69722-7"


def test_gad7_loinc_codes():
    gad7 = get_instrument("gad7")
    assert (gad7.loinc_panel, gad7.loinc_total) == ("69737-5", "70274-6")
    assert [item.loinc for item in gad7.items] == GAD7_ITEM_LOINC
    assert gad7.closing_item is None


def test_phq2_and_gad2_are_the_first_two_items_of_the_full_instruments():
    assert get_instrument("phq2").items == get_instrument("phq9").items[:2]
    assert get_instrument("gad2").items == get_instrument("gad7").items[:2]
    assert (get_instrument("phq2").loinc_panel, get_instrument("phq2").loinc_total) == ("55757-9", "55758-7")


def test_answer_scale_is_zero_to_three_with_loinc_answer_codes():
    assert [(c.value, c.loinc_answer) for c in FREQUENCY] == [
        (0, "LA6568-5"), (1, "LA6569-3"), (2, "LA6570-1"), (3, "LA6571-9"),
    ]
    assert [(c.value, c.loinc_answer) for c in DIFFICULTY] == [
        (0, "LA6572-7"), (1, "LA6573-5"), (2, "LA6575-0"), (3, "LA6574-3"),
    ]
    for instrument in INSTRUMENTS.values():
        assert instrument.choices == FREQUENCY
        assert all(item.choices == FREQUENCY for item in instrument.items)


def test_maximum_totals():
    assert {code: i.max_total for code, i in INSTRUMENTS.items()} == {"phq9": 27, "gad7": 21, "phq2": 6, "gad2": 6}


def test_severity_bands_are_the_spec_tables():
    assert get_instrument("phq9").severity_bands == (
        (0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 19, "moderately_severe"), (20, 27, "severe"),
    )
    assert get_instrument("gad7").severity_bands == (
        (0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe"),
    )
    for code in ("phq2", "gad2"):
        assert get_instrument(code).severity_bands == ((0, 2, "negative"), (3, 6, "positive"))


def test_clinical_rules():
    assert get_instrument("phq9").safety_item_index == 8
    assert all(INSTRUMENTS[code].safety_item_index is None for code in ("gad7", "phq2", "gad2"))
    assert (get_instrument("phq2").positive_screen_threshold, get_instrument("phq2").steps_up_to) == (3, "phq9")
    assert (get_instrument("gad2").positive_screen_threshold, get_instrument("gad2").steps_up_to) == (3, "gad7")


def test_questions_put_the_closing_item_last():
    phq9 = get_instrument("phq9")
    assert phq9.questions == phq9.items + (phq9.closing_item,)
    assert get_instrument("gad7").questions == get_instrument("gad7").items


def _substance_screen(bands):
    item = Item("subs_1", "00000-0", N_("Trouble relaxing"), N_("Trouble relaxing"), FREQUENCY)
    return Instrument(
        code="subs2", title="Two-item screen", loinc_panel=None, loinc_total=None,
        stem=N_("Over the last 2 weeks, how often have you been bothered by the following problems?"),
        voice_stem=N_("These questions are about the last two weeks."),
        items=(item, item), choices=FREQUENCY, severity_bands=bands,
    )


def test_another_zero_to_three_instrument_is_only_data():
    screen = _substance_screen((Band(0, 1, "negative"), Band(2, 6, "positive")))
    result = score(screen, [1, 2])
    assert (result.total, result.severity, result.complete) == (3, "positive", True)


@pytest.mark.parametrize(
    "bands",
    [
        (Band(0, 2, "low"), Band(4, 6, "high")),  # gap at 3
        (Band(0, 3, "low"), Band(3, 6, "high")),  # overlap at 3
        (Band(0, 2, "low"), Band(3, 5, "high")),  # stops short of the maximum
        (Band(1, 6, "all"),),  # does not start at 0
    ],
)
def test_bands_with_gaps_or_overlaps_are_rejected_at_definition(bands):
    with pytest.raises(ValueError):
        _substance_screen(bands)


def test_choices_must_be_valued_in_order():
    with pytest.raises(ValueError):
        Instrument(
            code="bad", title="bad", loinc_panel=None, loinc_total=None, stem="s", voice_stem="v",
            items=(), choices=(Choice(1, "x", "LA0", "y"),), severity_bands=(Band(0, 0, "none"),),
        )
