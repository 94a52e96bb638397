"""Crisis wording in patients' texts: the labelled corpus per language, and the behaviours the clinic relies on."""
from __future__ import annotations

import re

import pytest

from engage.flags import lexicon
from engage.flags.crisis import EXCERPT_CHARS, NO_CRISIS, CrisisLevel, classify, mentions_crisis
from engage.flags.lexicon import LANGUAGES, load, tokens
from tests.crisis_corpus import corpus, figures

URGENT, REVIEW, NONE = CrisisLevel.URGENT, CrisisLevel.REVIEW, CrisisLevel.NONE
# A harmless text may reach a person (review), never the crisis path.
ACCEPTED = {"urgent": {URGENT}, "review": {REVIEW}, "none": {NONE, REVIEW}}
ROWS = [(language, row) for language in LANGUAGES for row in corpus(language)]


def level_of(language):
    return lambda text: classify(text, language).level.value


@pytest.mark.parametrize("language", LANGUAGES)
def test_corpus_meets_the_clinical_targets(language):
    result = figures(corpus(language), level_of(language))
    assert result.urgent >= 300 and result.sensitivity >= 0.95, [row.text for row in result.misses]
    assert result.false_urgent <= 0.10, [row.text for row in result.false_alarms]


@pytest.mark.parametrize("language, row", ROWS, ids=[f"{lang}-{row.label}-{row.text[:50]}" for lang, row in ROWS])
def test_each_corpus_text_gets_its_level(language, row):
    assert classify(row.text, language).level in ACCEPTED[row.label]


def test_the_senders_language_does_not_matter_for_urgent_texts():
    """Both lists read every text: an English text from a Spanish speaker, or from an unknown number."""
    urgent = [row.text for _, row in ROWS if row.label == "urgent"]
    for other in (None, "en", "es", "es-MX", "fr"):
        assert [text for text in urgent if classify(text, other).level is not URGENT] == []


@pytest.mark.parametrize("text, words", [
    ("I'm not ok, I want to die", "want to die"),
    ("everyone would be better off without me honestly", "better off without me"),
    ("ya no aguanto, Me Quiero MATAR", "Me Quiero MATAR"),
    ("i cant... i'm gonna k1ll myself tonight", "k1ll myself"),
    ("quierooo morirme 😭", "quierooo morirme"),
])
def test_the_decision_quotes_the_patients_own_words(text, words):
    decision = classify(text, None)
    assert decision.level is URGENT and decision.matched == words


def test_a_long_quote_is_cut_to_fit_the_flag_reason():
    text = "how many extraordinarilylongbrandnamepills ofthesuperstrengthkindtheygaveme wouldittaketo kill me"
    decision = classify(text, "en")
    assert decision.level is URGENT
    assert len(decision.matched) == EXCERPT_CHARS and decision.matched.endswith("…")
    assert text.startswith(decision.matched[:-1])


def test_every_quote_is_the_patients_words_and_short():
    for language, row in ROWS:
        decision = classify(row.text, language)
        if decision.level is not NONE:
            assert decision.matched and len(decision.matched) <= EXCERPT_CHARS
            assert decision.matched.rstrip("…").casefold() in " ".join(row.text.split()).casefold()


@pytest.mark.parametrize("text", [
    "I would never hurt myself", "I'm not suicidal", "I don't want to die", "i wont kill myself i promise",
    "thoughts of suicide? no", "no quiero matarme", "nunca me haría daño", "no me voy a suicidar",
    "¿pensamientos suicidas? no",
])
def test_a_negation_asks_for_review_not_nothing(text):
    decision = classify(text, None)
    assert (decision.level, decision.category) == (REVIEW, "negated")


@pytest.mark.parametrize("text", [
    "I'm not ok, I want to die", "i dont want to die but i cant stop thinking about killing myself",
    "no estoy bien, quiero morir", "no quiero matarme pero ya no quiero vivir", "I don't want to live",
])
def test_a_negation_lowers_only_the_words_it_negates(text):
    assert classify(text, None).level is URGENT


@pytest.mark.parametrize("text", [
    "I want to dieeee", "i wanna DIE", "i w@nt to die", "quierooo morirme", "suicídio", "SUICIDIO",
    "kiero morir", "me kiero matar", "ya no quiero bibir", "i feel sucidal", "i want to kil my self",
    "Im gonna kill myself", "i dont want to live", "I DON'T WANT TO LIVE", "i don’t want to live",
])
def test_spelling_accents_and_repeated_letters_do_not_hide_crisis_wording(text):
    assert classify(text, None).level is URGENT


@pytest.mark.parametrize("text", [
    "1", "2 1 0 3 1 2 1 0 2", "210312102", "several days", "varios días", "nearly every day", "C", "R", "yes",
    "STOP", "running late", "I stopped my medication", "thanks!", "can you call me", "", "   ", "🙂",
])
def test_answers_and_everyday_replies_are_no_crisis(text):
    assert classify(text, "en") == classify(text, "es") == classify(text, None)
    assert classify(text, None).level is NONE


@pytest.mark.parametrize("text, rule", [
    ("googled how much insulin would be lethal", "method_research"),
    ("cut again last night. deeper than before", "self_harm_again"),
    ("stood on the roof of my building for an hour thinking about jumping", "method_place"),
    ("wrote letters to my kids last night just in case", "farewell"),
    ("ready to go be with my mom in heaven", "reunion"),
    ("sería mejor no despertar mañana", "wished_death"),
    ("tengo una cuerda en el closet, ya sé para qué", "means_at_hand"),
    ("me pego en la cabeza cuando me desespero", "self_harm_again"),
    # a review phrase right after or right before the concepts does not take them in
    ("lately i keep picturing my funeral i am a burden to everyone", "dying"),
    ("i am a burden picturing my funeral every night", "dying"),
])
def test_concepts_read_together_are_urgent_where_no_phrase_is(text, rule):
    decision = classify(text, None)
    assert (decision.level, decision.category) == (URGENT, rule)


def test_concepts_too_far_apart_are_not_read_together():
    near = "i keep thinking about jumping off the bridge by my work"
    far = ("i keep thinking about jumping, my kids have a trampoline now and they love it and the weather was "
           "nice all week so we walked by the bridge")
    assert classify(near, "en").level is URGENT
    assert classify(far, "en").level is NONE


def test_concepts_are_read_together_up_to_fourteen_words_from_the_first_to_the_last():
    """From "jumping" to "bridge": 14 words (the comma's clause end is one), then 15 with "little"."""
    fourteen = "thinking about jumping, after work we walked the dog with my two kids to the bridge"
    fifteen = "thinking about jumping, after work we walked the dog with my two little kids to the bridge"
    decision = classify(fourteen, "en")
    assert (decision.level, decision.category) == (URGENT, "method_place")
    assert decision.matched == "jumping, after work we walked the dog with my two kids to the bridge"
    assert classify(fifteen, "en") == NO_CRISIS


@pytest.mark.parametrize("text, level, category", [
    ("i never bought a rope, i would not do that", REVIEW, "negated"),
    ("my husband bought a rope yesterday", REVIEW, "third_person"),
    ("bought a rope for the boat", NONE, None),
    ("my phone died so i missed your call", NONE, None),
    ("my brother keeps saying he wants to die", REVIEW, "third_person"),
    ("i feel dead inside", REVIEW, "distress"),
    ("se me murió el celular", NONE, None),
    ("mejor no despertar al bebé", NONE, None),
])
def test_negations_other_people_and_everyday_words_lower_concepts_as_they_lower_phrases(text, level, category):
    decision = classify(text, None)
    assert (decision.level, decision.category) == (level, category)


@pytest.mark.parametrize("text, level, category", [
    ("called my mom just to hear her voice one last time", URGENT, "goodbye"),
    ("my dad said goodbye to his friends one last time", REVIEW, "third_person"),
    ("at school my daughter cut herself again", REVIEW, "third_person"),
    ("jenna from work cut herself again", REVIEW, "third_person"),
])
def test_another_person_is_the_subject_where_a_clause_begins_or_herself_says_so(text, level, category):
    """Texts drop the "i": "my mom" after a verb is whom the patient called, not who says goodbye."""
    decision = classify(text, "en")
    assert (decision.level, decision.category) == (level, category)


def test_words_a_phrase_reads_at_review_stay_there_unless_more_is_said_elsewhere():
    assert (classify("i got a gun yesterday", "en").level, classify("i got a gun yesterday", "en").category) == (
        REVIEW, "distress")
    assert classify("i got a gun yesterday. its loaded", "en").level is URGENT


def test_a_together_rule_naming_no_listed_concept_is_reported():
    data = {"matches": {"urgent": {"explicit": ["kill myself"]}}, "concepts": {"death": ["die"]},
            "together": {"urgent": {"dying": ["first_person", "dyng"]}},
            "negation": {"before": ["not"], "between": ["to"], "after": ["no"]},
            "third_person": {"subjects": ["he"], "first_person": ["i"]}}
    with pytest.raises(lexicon.LexiconError, match="dying"):
        lexicon.compile_lexicon("xx", data)


def test_the_senders_language_breaks_ties():
    both = "suicide / suicidio"
    assert classify(both, "en").matched == classify(both, None).matched == "suicide"
    assert classify(both, "es-MX").matched == "suicidio"


def test_mentions_crisis_is_true_for_anything_a_person_must_read():
    assert mentions_crisis("i want to die") and mentions_crisis("my son is suicidal")
    assert not mentions_crisis("running late")


@pytest.mark.parametrize("language", LANGUAGES)
def test_word_lists_parse_and_every_form_and_concept_is_used(language):
    assert not load(language).unused_forms
    assert not load(language).unused_concepts


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_phrase_has_a_corpus_text_it_reads(language):
    """A phrase or concept wording no corpus text exercises is untested; add the text that made it necessary."""
    lex = load(language)
    lines = [lex.read(tokens(row.text)[1]).text for _, row in ROWS]
    unread = [rule.phrase for rules in (lex.matches, lex.lowered, lex.concepts) for rule in rules.rules
              if not any(rule.pattern.search(line) for line in lines)]
    assert not unread


@pytest.mark.parametrize("language", LANGUAGES)
def test_typos_of_one_list_are_not_words_of_another(language):
    """A Spanish word one letter from "suicidal" is Spanish, not an English typo (near_misses: except)."""
    others = set().union(*(load(other).vocabulary for other in LANGUAGES if other != language))
    assert not set(load(language).near_misses) & others


@pytest.mark.parametrize("language", LANGUAGES)
def test_fillers_and_shorthand_are_single_words(language):
    lex = load(language)
    assert all(re.fullmatch(r"[a-z0-9]+", word) for word in lex.fillers | set(lex.shorthand))


def test_a_broken_phrase_is_reported_with_the_phrase():
    with pytest.raises(lexicon.LexiconError, match=re.escape("(in '{wish} i')")):
        lexicon.compile_lexicon("xx", {"matches": {"urgent": {"passive": ["{wish} i"]}},
                                       "negation": {"before": ["not"], "between": ["to"], "after": ["no"]},
                                       "third_person": {"subjects": ["he"], "first_person": ["i"]}})
