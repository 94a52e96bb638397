"""PHQ-9, GAD-7, PHQ-2 and GAD-2 as data. Another 0-3 instrument is another entry here plus its wording
in messages.instruments and a translation.

LOINC codes are those of the LOINC panels 44249-1 (PHQ-9), 69737-5 (GAD-7) and 55757-9 (PHQ-2),
answer list LL358-3 (frequency) and the 69722-7 difficulty answers.
"""
from __future__ import annotations

from engage.instruments.model import Band, Choice, Instrument, Item, UnknownInstrument
from messages import instruments as text

FREQUENCY = (
    Choice(0, text.NOT_AT_ALL, "LA6568-5", text.NOT_AT_ALL_ALSO),
    Choice(1, text.SEVERAL_DAYS, "LA6569-3", text.SEVERAL_DAYS_ALSO),
    Choice(2, text.MORE_THAN_HALF_THE_DAYS, "LA6570-1", text.MORE_THAN_HALF_ALSO),
    Choice(3, text.NEARLY_EVERY_DAY, "LA6571-9", text.NEARLY_EVERY_DAY_ALSO),
)
DIFFICULTY = (
    Choice(0, text.NOT_DIFFICULT_AT_ALL, "LA6572-7", text.NOT_DIFFICULT_ALSO),
    Choice(1, text.SOMEWHAT_DIFFICULT, "LA6573-5", text.SOMEWHAT_DIFFICULT_ALSO),
    Choice(2, text.VERY_DIFFICULT, "LA6575-0", text.VERY_DIFFICULT_ALSO),
    Choice(3, text.EXTREMELY_DIFFICULT, "LA6574-3", text.EXTREMELY_DIFFICULT_ALSO),
)

PHQ_ITEMS = (
    Item("phq9_1", "44250-9", text.PHQ_ITEM_1, text.PHQ_ITEM_1_SPOKEN, FREQUENCY),
    Item("phq9_2", "44255-8", text.PHQ_ITEM_2, text.PHQ_ITEM_2_SPOKEN, FREQUENCY),
    Item("phq9_3", "44259-0", text.PHQ_ITEM_3, text.PHQ_ITEM_3_SPOKEN, FREQUENCY),
    Item("phq9_4", "44254-1", text.PHQ_ITEM_4, text.PHQ_ITEM_4_SPOKEN, FREQUENCY),
    Item("phq9_5", "44251-7", text.PHQ_ITEM_5, text.PHQ_ITEM_5_SPOKEN, FREQUENCY),
    Item("phq9_6", "44258-2", text.PHQ_ITEM_6, text.PHQ_ITEM_6_SPOKEN, FREQUENCY),
    Item("phq9_7", "44252-5", text.PHQ_ITEM_7, text.PHQ_ITEM_7_SPOKEN, FREQUENCY),
    Item("phq9_8", "44253-3", text.PHQ_ITEM_8, text.PHQ_ITEM_8_SPOKEN, FREQUENCY),
    Item("phq9_9", "44260-8", text.PHQ_ITEM_9, text.PHQ_ITEM_9_SPOKEN, FREQUENCY),
)
GAD_ITEMS = (
    Item("gad7_1", "69725-0", text.GAD_ITEM_1, text.GAD_ITEM_1_SPOKEN, FREQUENCY),
    Item("gad7_2", "68509-9", text.GAD_ITEM_2, text.GAD_ITEM_2_SPOKEN, FREQUENCY),
    Item("gad7_3", "69733-4", text.GAD_ITEM_3, text.GAD_ITEM_3_SPOKEN, FREQUENCY),
    Item("gad7_4", "69734-2", text.GAD_ITEM_4, text.GAD_ITEM_4_SPOKEN, FREQUENCY),
    Item("gad7_5", "69735-9", text.GAD_ITEM_5, text.GAD_ITEM_5_SPOKEN, FREQUENCY),
    Item("gad7_6", "69689-8", text.GAD_ITEM_6, text.GAD_ITEM_6_SPOKEN, FREQUENCY),
    Item("gad7_7", "69736-7", text.GAD_ITEM_7, text.GAD_ITEM_7_SPOKEN, FREQUENCY),
)
PHQ_DIFFICULTY = Item("phq9_difficulty", "69722-7", text.PHQ_DIFFICULTY, text.PHQ_DIFFICULTY, DIFFICULTY)

# Screens: a total of 3 or more on the two-item screens is positive and calls for the full instrument.
SCREEN_BANDS = (Band(0, 2, "negative"), Band(3, 6, "positive"))

PHQ9 = Instrument(
    code="phq9",
    title="Patient Health Questionnaire-9 (PHQ-9)",
    loinc_panel="44249-1",
    loinc_total="44261-6",
    stem=text.PHQ_STEM,
    voice_stem=text.SPOKEN_STEM_TWO_WEEKS,
    items=PHQ_ITEMS,
    choices=FREQUENCY,
    severity_bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 19, "moderately_severe"),
        Band(20, 27, "severe"),
    ),
    closing_item=PHQ_DIFFICULTY,
    # Item 9 (thoughts of being better off dead or of self-harm) above 0 is a suicide-risk event.
    safety_item_index=8,
    # Kroenke 2001: 10 or more is the cut point for major depression (sensitivity and specificity 88%).
    positive_screen_threshold=10,
)
GAD7 = Instrument(
    code="gad7",
    title="Generalized Anxiety Disorder-7 (GAD-7)",
    loinc_panel="69737-5",
    loinc_total="70274-6",
    stem=text.GAD_STEM,
    voice_stem=text.SPOKEN_STEM_TWO_WEEKS,
    items=GAD_ITEMS,
    choices=FREQUENCY,
    severity_bands=(Band(0, 4, "minimal"), Band(5, 9, "mild"), Band(10, 14, "moderate"), Band(15, 21, "severe")),
    # Spitzer 2006: 10 or more is the cut point for identifying generalized anxiety disorder.
    positive_screen_threshold=10,
)
PHQ2 = Instrument(
    code="phq2",
    title="Patient Health Questionnaire-2 (PHQ-2)",
    loinc_panel="55757-9",
    loinc_total="55758-7",
    stem=text.PHQ_STEM,
    voice_stem=text.SPOKEN_STEM_TWO_WEEKS,
    items=PHQ_ITEMS[:2],
    choices=FREQUENCY,
    severity_bands=SCREEN_BANDS,
    positive_screen_threshold=3,
    steps_up_to="phq9",
)
GAD2 = Instrument(
    code="gad2",
    title="Generalized Anxiety Disorder-2 (GAD-2)",
    # No LOINC GAD-2 panel or total-score term has been confirmed; the items keep their GAD-7 codes.
    loinc_panel=None,
    loinc_total=None,
    stem=text.GAD_STEM,
    voice_stem=text.SPOKEN_STEM_TWO_WEEKS,
    items=GAD_ITEMS[:2],
    choices=FREQUENCY,
    severity_bands=SCREEN_BANDS,
    positive_screen_threshold=3,
    steps_up_to="gad7",
)

INSTRUMENTS: dict[str, Instrument] = {instrument.code: instrument for instrument in (PHQ9, GAD7, PHQ2, GAD2)}


def get_instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise UnknownInstrument(code) from None
