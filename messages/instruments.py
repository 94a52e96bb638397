"""Instrument wording: the published English PHQ-9 and GAD-7 (PHQ-2 and GAD-2 are their first two items).

Written forms keep the published wording; the Spanish catalog uses the published US Spanish
versions (PHQ Screeners, Pfizer), never a new translation. Dashes are plain hyphens so the
English SMS stays in the GSM-7 alphabet. Spoken forms are whole questions written for the ear:
no parentheses, no dashes, nothing that only works on paper.
"""
from __future__ import annotations

from messages.catalog import N_

# Translators: the published instructions of the PHQ-9 (US Spanish version).
PHQ_STEM = N_("Over the last 2 weeks, how often have you been bothered by any of the following problems?")
# Translators: the published instructions of the GAD-7 (US Spanish version).
GAD_STEM = N_("Over the last 2 weeks, how often have you been bothered by the following problems?")
SPOKEN_STEM_TWO_WEEKS = N_("These questions are about the last two weeks.")

# Translators: PHQ-9 items, written form: the published US Spanish wording, unchanged.
PHQ_ITEM_1 = N_("Little interest or pleasure in doing things")
PHQ_ITEM_2 = N_("Feeling down, depressed, or hopeless")
PHQ_ITEM_3 = N_("Trouble falling or staying asleep, or sleeping too much")
PHQ_ITEM_4 = N_("Feeling tired or having little energy")
PHQ_ITEM_5 = N_("Poor appetite or overeating")
PHQ_ITEM_6 = N_("Feeling bad about yourself - or that you are a failure or have let yourself or your family down")
PHQ_ITEM_7 = N_("Trouble concentrating on things, such as reading the newspaper or watching television")
PHQ_ITEM_8 = N_(
    "Moving or speaking so slowly that other people could have noticed? Or the opposite - being so fidgety "
    "or restless that you have been moving around a lot more than usual"
)
PHQ_ITEM_9 = N_("Thoughts that you would be better off dead or of hurting yourself in some way")
# Translators: the PHQ-9 closing question, asked only when a problem was reported; published wording
# without its opening "If you checked off any problems,".
PHQ_DIFFICULTY = N_(
    "How difficult have these problems made it for you to do your work, take care of things at home, "
    "or get along with other people?"
)

# Translators: spoken PHQ-9 items, read aloud on a call: the published wording as one question,
# both genders spoken out ("cansado o cansada") instead of "(a)".
PHQ_ITEM_1_SPOKEN = N_("How often have you been bothered by little interest or pleasure in doing things?")
PHQ_ITEM_2_SPOKEN = N_("How often have you been bothered by feeling down, depressed, or hopeless?")
PHQ_ITEM_3_SPOKEN = N_("How often have you been bothered by trouble falling or staying asleep, or sleeping too much?")
PHQ_ITEM_4_SPOKEN = N_("How often have you been bothered by feeling tired or having little energy?")
PHQ_ITEM_5_SPOKEN = N_("How often have you been bothered by poor appetite or overeating?")
PHQ_ITEM_6_SPOKEN = N_(
    "How often have you been bothered by feeling bad about yourself, or that you are a failure, "
    "or have let yourself or your family down?"
)
PHQ_ITEM_7_SPOKEN = N_(
    "How often have you been bothered by trouble concentrating on things, such as reading the newspaper "
    "or watching television?"
)
PHQ_ITEM_8_SPOKEN = N_(
    "How often have you been bothered by moving or speaking so slowly that other people could have noticed? "
    "Or the opposite: being so fidgety or restless that you have been moving around a lot more than usual?"
)
PHQ_ITEM_9_SPOKEN = N_(
    "How often have you been bothered by thoughts that you would be better off dead, or of hurting yourself "
    "in some way?"
)

# Translators: GAD-7 items, written form: the published US Spanish wording, unchanged.
GAD_ITEM_1 = N_("Feeling nervous, anxious, or on edge")
GAD_ITEM_2 = N_("Not being able to stop or control worrying")
GAD_ITEM_3 = N_("Worrying too much about different things")
GAD_ITEM_4 = N_("Trouble relaxing")
GAD_ITEM_5 = N_("Being so restless that it is hard to sit still")
GAD_ITEM_6 = N_("Becoming easily annoyed or irritable")
GAD_ITEM_7 = N_("Feeling afraid, as if something awful might happen")

# Translators: spoken GAD-7 items, read aloud on a call.
GAD_ITEM_1_SPOKEN = N_("How often have you been bothered by feeling nervous, anxious, or on edge?")
GAD_ITEM_2_SPOKEN = N_("How often have you been bothered by not being able to stop or control worrying?")
GAD_ITEM_3_SPOKEN = N_("How often have you been bothered by worrying too much about different things?")
GAD_ITEM_4_SPOKEN = N_("How often have you been bothered by trouble relaxing?")
GAD_ITEM_5_SPOKEN = N_("How often have you been bothered by being so restless that it is hard to sit still?")
GAD_ITEM_6_SPOKEN = N_("How often have you been bothered by becoming easily annoyed or irritable?")
GAD_ITEM_7_SPOKEN = N_("How often have you been bothered by feeling afraid, as if something awful might happen?")

# Translators: the published answer choices (US Spanish: Ningún día, Varios días, ...).
NOT_AT_ALL = N_("Not at all")
SEVERAL_DAYS = N_("Several days")
MORE_THAN_HALF_THE_DAYS = N_("More than half the days")
NEARLY_EVERY_DAY = N_("Nearly every day")
NOT_DIFFICULT_AT_ALL = N_("Not difficult at all")
SOMEWHAT_DIFFICULT = N_("Somewhat difficult")
VERY_DIFFICULT = N_("Very difficult")
EXTREMELY_DIFFICULT = N_("Extremely difficult")

# Translators: other ways patients write an answer, separated by "|". Replies are matched whole,
# ignoring case, accents and punctuation; never add a phrase that could mean another answer.
NOT_AT_ALL_ALSO = N_("none|never|no days|0 days|zero days")
SEVERAL_DAYS_ALSO = N_("several|some days|a few days|few days")
MORE_THAN_HALF_ALSO = N_("more than half|more than half of the days|over half the days|most days")
NEARLY_EVERY_DAY_ALSO = N_("nearly everyday|almost every day|almost everyday|every day|everyday|daily|all the time")
NOT_DIFFICULT_ALSO = N_("not difficult|not at all difficult|not hard at all")
SOMEWHAT_DIFFICULT_ALSO = N_("somewhat|a little difficult|a bit difficult|somewhat hard")
VERY_DIFFICULT_ALSO = N_("very|very hard")
EXTREMELY_DIFFICULT_ALSO = N_("extremely|extremely hard")
# Translators: the numbers 0, 1, 2 and 3 as words, in that order, separated by "|" (spoken answers).
NUMBER_WORDS = N_("zero|one|two|three")
# Translators: ways to say yes on the phone, separated by "|" (a caller asking to be connected).
YES_WORDS = N_("yes|yeah|yes please|connect me|please|help|okay|ok|sure")
# Translators: ways to say no on the phone, separated by "|" (a caller who would rather go on).
NO_WORDS = N_("no|nope|no thanks|not now|go on|continue")
