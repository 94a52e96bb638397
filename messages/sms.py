"""SMS texts and the outgoing item messages.

Placeholders: {clinic} clinic name, {clinic_phone} as messages.format_phone_for_patient writes it,
{when} from messages.format_datetime_for_patient, {link} a visit link. No text names an instrument,
a score or a diagnosis, and English texts stay within GSM-7 (no curly quotes or long dashes).

Written for health literacy: plain words ("visit", "new time"), short sentences, at most grade 6 in
English and at least 70 on the Fernandez-Huerta scale in Spanish (tests/test_readability.py). Every
recurring text carries the same opt-out line, and no text asks for a reply that is a carrier opt-out
keyword other than that line's STOP. Each text fits in MAX_SEGMENTS with the clinic's name, phone, a
date and a link filled in; an accent outside GSM-7 (á, í, ó, ú) makes a Spanish text UCS-2, where
three segments hold 201 characters (messages.segments counts them).

How a check-in's items are laid out in texts is the SMS renderer's (engage.sms.render).
"""
from __future__ import annotations

from messages.catalog import N_

# Carriers deliver a long SMS in parts; past three parts, phones show them out of order or late.
MAX_SEGMENTS = 3

SMS_CHECKIN_INTRO = N_(
    "{clinic}: We have {count} short questions for you. Answer each one with a number from 0 to 3. "
    "Send one at a time, or all at once with spaces between. Reply STOP to opt out."
)
"""Opens every check-in by text, before the first question (which carries the published instructions)."""
# Translators: opens each question, "Q" for question: "Q3/9:".
SMS_QUESTION_NUMBER = N_("Q{number}/{count}:")
# Translators: {choices} is the list of answers, "0=Not at all, 1=Several days, ...".
SMS_ANSWER_KEY = N_("Reply {choices}")
"""The answers to a question: in the question's text, or as the next text when both do not fit together."""
SMS_NOT_UNDERSTOOD = N_(
    "Sorry, we did not understand that answer. Please reply with one number from 0 to 3. "
    "Or send one number for each question left."
)
"""Sent with the question again after the first reply a check-in could not read."""
SMS_NOT_UNDERSTOOD_AGAIN = N_(
    "We still could not read that answer. Reply with one number from 0 to 3. For help, call us at {clinic_phone}."
)
"""Sent with the question again after a further reply the check-in could not read."""
SMS_CHECKIN_THANKS = N_("Thank you for your answers. Your care team at {clinic} will look at them.")
"""Sent when the last question of a check-in is answered."""
# 988 is the US Suicide & Crisis Lifeline (call or text); 911 for immediate danger. In Spanish, 988
# answers calls after "marque 2" and texts that say AYUDA.
SMS_CRISIS_RESOURCES = N_(
    "If you are thinking about hurting yourself, help is here now. Call or text 988 any time, day or night. "
    "If you are in danger, call 911. You can also call {clinic} at {clinic_phone}."
)
"""Sent at once to a patient whose answer or message shows a risk of self-harm, before anything else."""
SMS_CHECKIN_REMINDER = N_(
    "{clinic}: You still have questions to answer. Here is the first one again. Reply STOP to opt out."
)
"""Sent once, with the first question again, when a patient has not answered a check-in for some hours."""
SMS_CHECKIN_CONTINUE = N_(
    "{clinic}: Thank you for your answers on the phone. You can answer the rest by text. "
    "Here is the next question. Reply STOP to opt out."
)
"""Sent when a call ended before the last question, with the question the call stopped at."""
SMS_CHECKIN_EXPIRED = N_(
    "{clinic}: These questions have closed, so we could not save your answer. We will send new ones when it "
    "is time. To reach your care team, call {clinic_phone}. In an emergency, call 911 or 988."
)
"""Sent when a patient answers a check-in that has already closed."""
# It must reveal nothing, not even the clinic's name.
SMS_UNKNOWN_NUMBER = N_("Sorry, we do not know this number. Please call your clinic. In an emergency, call 911.")
"""Sent to a number that matches no patient, in every language one after the other."""
# Like SMS_UNKNOWN_NUMBER it reveals nothing about the clinic.
# Translators: sent in the same SMS right after the English text; both together must stay within 201
# characters (three segments). Give 988's own Spanish options: "llame al 988 y marque 2", "envíe AYUDA al 988".
SMS_UNKNOWN_NUMBER_CRISIS = N_(
    "If you are thinking of hurting yourself, call or text 988 now. If you are in danger, call 911."
)
"""Sent, in every language one after the other, to a number that matches no patient when its text has
crisis wording."""
# CTIA: opt-out confirmation names the program, promises silence and tells how to come back.
SMS_OPT_OUT_CONFIRMATION = N_("{clinic}: You will get no more texts from us. Reply START to get them again.")
"""Sent once when a patient opts out (STOP or any of its equivalents); nothing else follows."""
# TCPA/CTIA: the one text staff may have sent after an opt-out, when the patient asks in person to be
# texted again; only their START brings consent back.
# Translators: keep START in English: it is the keyword.
SMS_OPT_IN_INVITATION = N_(
    "{clinic}: You asked to get our texts again. Reply START to say yes. Until you do, we will not text you."
)
"""Sent once when staff record that a patient who opted out asked in person to get texts again."""
# CTIA: opt-in confirmation names the program, frequency, rates, HELP and STOP.
SMS_OPT_IN_CONFIRMATION = N_(
    "{clinic}: You will get texts from us again, about your care and visits. Message frequency varies. "
    "Msg & data rates may apply. Reply HELP for help. Reply STOP to opt out."
)
"""Sent when a patient who had opted out texts START (or an equivalent) to come back."""
# CTIA: HELP names the program, how often it texts, rates, how to get help and how to stop.
SMS_HELP = N_(
    "{clinic}: We text you about your care and visits. Message frequency varies. Msg & data rates may apply. "
    "For help, call {clinic_phone}. Reply STOP to opt out. In an emergency, call 911. "
    "In a crisis, call or text 988."
)
"""Sent when a patient texts HELP (or an equivalent)."""
SMS_MESSAGE_RECEIVED = N_(
    "{clinic}: We got your message. Your care team will see it. This number is not watched all the time. "
    "In an emergency, call 911, or call or text 988."
)
"""Sent when a patient's text is not an answer or a keyword and goes to the care team as a flag."""
# Visit texts name the clinic and the time only. The reply words (C, R, CALL) are the ones
# engage.outreach.replies reads.
SMS_APPOINTMENT_REMINDER = N_(
    "{clinic}: Reminder: you have a visit on {when}. Reply C to confirm. Reply R for a new time. "
    "Reply STOP to opt out."
)
"""Sent at each reminder time before an in-person or phone visit."""
SMS_APPOINTMENT_REMINDER_VIDEO = N_(
    "{clinic}: Reminder: you have a video visit on {when}. Reply C to confirm. Reply R for a new time. "
    "Reply CALL to get a phone call instead. Reply STOP to opt out."
)
"""Sent at each reminder time before a video visit, followed by SMS_VIDEO_VISIT_LINK."""
# Its own text: with a visit link, a Spanish reminder (UCS-2) would not fit in three segments.
SMS_VIDEO_VISIT_LINK = N_("To join your video visit, tap this link: {link}")
"""Sent right after SMS_APPOINTMENT_REMINDER_VIDEO."""
SMS_APPOINTMENT_CONFIRMED = N_("Thank you. Your visit on {when} is confirmed. We will see you then. {clinic}")
"""Sent when a patient confirms a reminded visit (C)."""
SMS_RESCHEDULE_REQUESTED = N_(
    "Thank you. {clinic} will contact you to find a new time. You can also call us at {clinic_phone}."
)
"""Sent when a patient asks for a new time (R) for a reminded or missed visit."""
SMS_NO_SHOW = N_(
    "{clinic}: We missed you at your visit. Reply R for a new time, or call {clinic_phone}. Reply STOP to opt out."
)
"""Sent by no-show outreach after a missed visit (the default campaign's first step names it)."""
SMS_CALL_REQUESTED = N_("{clinic}: Thank you. We will call you at this number for your visit.")
"""Sent when a patient asks for a phone call instead of a video visit (CALL)."""
