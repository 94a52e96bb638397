"""Reading replies: digits, answer words in English and Spanish, all answers at once, and nothing else."""
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engage.instruments import normalise, parse_reply
from engage.instruments.definitions import DIFFICULTY, FREQUENCY
from engage.instruments.parsing import vocabulary
from messages import supported_languages, translate

answer = st.integers(min_value=0, max_value=3)


@pytest.mark.parametrize(
    "reply, value",
    [
        ("0", 0), ("1", 1), ("2", 2), ("3", 3), (" 2 ", 2), ("2.", 2), ("2!", 2),
        ("not at all", 0), ("Not at all.", 0), ("several days", 1), ("Several Days!", 1),
        ("more than half the days", 2), ("MORE THAN HALF", 2), ("nearly every day", 3), ("Almost every day", 3),
        ("2 - More than half the days", 2), ("1=Several days", 1), ("two", 2),
    ],
)
def test_english_single_answers(reply, value):
    assert parse_reply(reply, "en", remaining=1) == [value]


@pytest.mark.parametrize(
    "reply, value",
    [
        ("ningún día", 0), ("Ningun dia", 0), ("nunca", 0), ("varios dias", 1), ("Varios días", 1),
        ("VARIOS DÍAS!!", 1), ("más de la mitad", 2), ("Más de la mitad de los días", 2),
        ("casi todos los días", 3), ("Casi todos los dias.", 3), ("todos los días", 3), ("dos", 2),
        ("¡Varios días!", 1), ("3 casi todos los días", 3),
    ],
)
def test_spanish_single_answers(reply, value):
    assert parse_reply(reply, "es", remaining=1) == [value]


@pytest.mark.parametrize("reply, value", [("several days", 1), ("Nearly every day", 3), ("not at all", 0)])
def test_english_words_are_understood_from_spanish_speaking_patients(reply, value):
    assert parse_reply(reply, "es", remaining=1) == [value]


@pytest.mark.parametrize("reply", ["1 2 0 3 1 2 1 0 2", "1,2,0,3,1,2,1,0,2", "120312102", "1, 2, 0, 3, 1, 2, 1, 0, 2."])
@pytest.mark.parametrize("language", ["en", "es"])
def test_all_at_once(reply, language):
    assert parse_reply(reply, language, remaining=9) == [1, 2, 0, 3, 1, 2, 1, 0, 2]


@pytest.mark.parametrize(
    "reply",
    [
        "", "   ", "4", "9", "10", "12", "-1", "2.5", "1/2", "#2", "yes", "no", "maybe", "sometimes", "half",
        "la mitad", "several days and nearly every day", "2 several days", "1 2 0 3 1 2 1 0 2 thanks",
        "STOP", "help", "1 2 4 3 1 2 1 0 2", "1 2 0", "12031210", "1203121022", "2X",
    ],
)
def test_anything_else_is_not_understood(reply):
    assert parse_reply(reply, "en", remaining=9) is None
    assert parse_reply(reply, "es", remaining=9) is None


def test_a_single_answer_is_accepted_while_several_items_remain():
    assert parse_reply("3", "en", remaining=5) == [3]
    assert parse_reply("varios días", "es", remaining=5) == [1]


def test_two_digits_run_together_read_as_a_number_not_two_answers():
    assert parse_reply("12", "en", remaining=2) is None
    assert parse_reply("1 2", "en", remaining=2) == [1, 2]
    assert parse_reply("1,2", "en", remaining=2) == [1, 2]


def test_the_difficulty_question_has_its_own_words():
    assert parse_reply("somewhat difficult", "en", remaining=1, choices=DIFFICULTY) == [1]
    assert parse_reply("Un poco difícil", "es", remaining=1, choices=DIFFICULTY) == [1]
    assert parse_reply("extremadamente difícil", "es", remaining=1, choices=DIFFICULTY) == [3]
    assert parse_reply("several days", "en", remaining=1, choices=DIFFICULTY) is None


def test_there_must_be_something_left_to_answer():
    with pytest.raises(ValueError, match="^there must be at least one item left to answer$"):
        parse_reply("1", "en", remaining=0)


@pytest.mark.parametrize(
    "text, expected",
    [("¡Varios Días!", "varios dias"), ("  MÁS de la   mitad ", "mas de la mitad"), ("Several-days.", "several days"),
     ("STOP", "stop"), ("Ayúdame", "ayudame")],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@given(answers=st.lists(answer, min_size=2, max_size=9), separator=st.sampled_from([" ", ",", ", ", " , ", ";"]))
def test_separated_digits_parse_back_exactly(answers, separator):
    reply = separator.join(str(value) for value in answers)
    assert parse_reply(reply, "en", remaining=len(answers)) == answers


@given(answers=st.lists(answer, min_size=3, max_size=9))
def test_digits_run_together_parse_back_exactly(answers):
    assert parse_reply("".join(map(str, answers)), "es", remaining=len(answers)) == answers


@given(answers=st.lists(answer, min_size=2, max_size=9), extra=st.integers(1, 3))
def test_the_wrong_number_of_answers_is_not_understood(answers, extra):
    reply = " ".join(str(value) for value in answers)
    assert parse_reply(reply, "en", remaining=len(answers) + extra) is None


def _is_a_run_of_answers(text: str, remaining: int) -> bool:
    # "2210" with four items left is four answers run together, not the number 2210.
    return remaining >= 3 and len(text) == remaining and set(text) <= set("0123")


@given(number=st.one_of(st.integers(max_value=-1), st.integers(min_value=4)), remaining=st.integers(1, 9))
def test_numbers_outside_zero_to_three_are_not_understood(number, remaining):
    assume(not _is_a_run_of_answers(str(number), remaining))
    assert parse_reply(str(number), "en", remaining=remaining) is None


def _variations(label):
    """The same words as patients type them: any case, accents dropped or kept, punctuation around."""
    return st.tuples(
        st.sampled_from([str.lower, str.upper, str.title, str.capitalize, lambda s: s]),
        st.sampled_from([lambda s: s, normalise]),
        st.sampled_from(["", ".", "!", "!!", "?", " :)", "¡"]),
    ).map(lambda f: f[0](f[1](label)) + f[2])


@pytest.mark.parametrize("language", sorted(supported_languages()))
@pytest.mark.parametrize("choice", FREQUENCY, ids=lambda c: c.label)
@given(data=st.data())
def test_every_choice_label_is_understood_however_it_is_typed(language, choice, data):
    reply = data.draw(_variations(translate(choice.label, language)))
    assert parse_reply(reply, language, remaining=1) == [choice.value]


@given(text=st.text(alphabet=st.characters(categories=["Ll", "Lu", "Zs", "Po"]), max_size=30))
def test_text_outside_the_vocabulary_is_never_guessed(text):
    assume(normalise(text) not in vocabulary("es") and normalise(text) not in vocabulary("en"))
    assert parse_reply(text, "es", remaining=9) is None


@pytest.mark.parametrize("language", sorted(supported_languages()))
@pytest.mark.parametrize("choices", [FREQUENCY, DIFFICULTY], ids=["frequency", "difficulty"])
def test_no_catalog_makes_an_answer_label_ambiguous(language, choices):
    known = vocabulary(language, choices)
    for choice in choices:
        assert known.get(normalise(translate(choice.label, language))) == choice.value
