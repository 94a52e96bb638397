"""How the words around crisis wording weigh on it: a saying lowers only the words it takes in,
another person as the subject makes it a review, and the patient's language breaks a tie between
the lists. The corpus tests accept review for harmless texts; these hold the exact decisions."""
from __future__ import annotations

import pytest

from engage.flags.crisis import NO_CRISIS, CrisisLevel, classify, prepare
from engage.flags.lexicon import LANGUAGES, load

URGENT, REVIEW = CrisisLevel.URGENT, CrisisLevel.REVIEW


@pytest.mark.parametrize("text", ["i want to end it with my boyfriend",
                                  "i'm going to die of boredom in this waiting room", "im killing myself laughing"])
def test_an_everyday_saying_is_no_crisis_at_all(text):
    assert classify(text, "en") == NO_CRISIS


@pytest.mark.parametrize("text", ["killing myself laughing i want to die", "i want to die killing myself laughing",
                                  "killing myself laughing want to die"])
def test_a_saying_beside_crisis_wording_leaves_it_urgent(text):
    decision = classify(text, "en")
    assert (decision.level, decision.matched, decision.category) == (URGENT, "want to die", "explicit")


@pytest.mark.parametrize("text, words", [("my cousin committed suicide last year", "suicide"),
                                         ("my brother wants to die", "wants to die")])
def test_someone_elses_crisis_is_a_review_about_a_third_person(text, words):
    decision = classify(text, "en")
    assert (decision.level, decision.category) == (REVIEW, "third_person")
    assert words in decision.matched


@pytest.mark.parametrize("language, words", [("es", "quiero morir"), ("es-MX", "quiero morir"), ("ES", "quiero morir"),
                                             ("en", "want to die"), (None, "want to die"), ("fr", "want to die")])
def test_the_patients_language_picks_between_two_lists_reading_it_alike(language, words):
    for text in ("i want to die, quiero morir", "quiero morir, i want to die"):
        decision = classify(text, language)
        assert (decision.level, decision.matched) == (URGENT, words)


def test_a_long_quote_is_cut_to_eighty_characters_and_one_of_eighty_is_kept_whole():
    text = "how many extraordinarilylongbrandnamepills ofthesuperstrengthkindtheygaveme wouldittaketo kill me"
    assert len(classify(text, "en").matched) == 80
    eighty = "how many extraordinarilyl ofthesuperstrengthkindtheygaveme wouldittaketo kill me"
    assert len(eighty) == 80 and classify(eighty, "en").matched == eighty


def test_every_language_is_compiled_before_the_first_text():
    load.cache_clear()
    prepare()
    assert load.cache_info().currsize == len(LANGUAGES)


def test_someone_elses_words_inside_a_looking_up_leave_the_looking_up_the_patients():
    """"ahorcarse" alone reads as someone else's; the quote keeps the patient's own searching."""
    decision = classify("busqué cómo ahorcarse", "es")
    assert (decision.level, decision.matched) == (URGENT, "busqué cómo ahorcarse")


def test_a_concept_worded_twice_is_weighed_by_its_least_lowered_wording():
    """"hunting rifle" is everyday, but "gun safe" still asks for a look when the patient has the key."""
    decision = classify("i have the key to the gun safe for my husband's hunting rifle", "en")
    assert (decision.level, decision.matched, decision.category) == (REVIEW, "have the key to the gun", "safety")


def test_a_negated_mention_does_not_hide_a_later_one_too_far_away_to_share_its_negation():
    text = ("i never bought a rope before, my wife did the shopping for the two of us for twenty years. "
            "yesterday i bought a rope")
    decision = classify(text, "en")
    assert (decision.level, decision.matched, decision.category) == (URGENT, "bought a rope", "means_got")


def test_a_lowered_reading_quotes_from_the_first_words_that_make_it():
    """Both "i" start a reading of "dying" at the same level; the quote keeps "feel like" for the reader."""
    decision = classify("i feel like im dying with this flu", "en")
    assert (decision.level, decision.matched, decision.category) == (REVIEW, "i feel like im dying", "illness")
