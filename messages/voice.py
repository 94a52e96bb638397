"""Voice scripts, written to be heard: short sentences, numbers said as digits, nothing only a reader gets.

Placeholders: {clinic}, {first_name}, {clinic_phone} as messages.speakable_phone says it.
Before anyone is confirmed to be the patient, a call says only the clinic's name and number.
"""
from __future__ import annotations

from messages.catalog import N_

VOICE_IDENTITY_CHECK = N_(
    "Hello. This is {clinic}. We are calling for {first_name}. If you are {first_name}, please press 1."
)
VOICE_NOT_PATIENT = N_("Thank you. This call was from {clinic}. Our number is {clinic_phone}. Goodbye.")
VOICE_VOICEMAIL = N_("Hello, this is {clinic}. Please call us back at {clinic_phone}. Thank you. Goodbye.")
VOICE_CHECKIN_START = N_(
    "Thank you. I have {count} short questions for you. {stem} "
    "For each one, press a number on your keypad, or say your answer."
)
VOICE_QUESTION_NUMBER = N_("Question {number} of {count}.")
# Translators: one spoken answer option, "Press 1, or say: several days."
VOICE_ANSWER_CHOICE = N_("Press {value}, or say: {label}.")
VOICE_DID_NOT_CATCH = N_("Sorry, I didn't catch that. Here is the question again.")
VOICE_STILL_NOT_CAUGHT = N_(
    "Sorry, I still didn't catch that. We will try again another time. "
    "If you need us, call {clinic} at {clinic_phone}. Goodbye."
)
# 988 is said digit by digit so that speech engines do not read "nine hundred eighty-eight".
VOICE_CRISIS_RESOURCES = N_(
    "If you are thinking about hurting yourself, help is available right now. "
    "You can call or text 9 8 8, the Suicide and Crisis Lifeline, at any time. "
    "If you are in danger, hang up and call 9 1 1."
)
VOICE_CRISIS_CLINIC = N_("You can also call {clinic}. The number is {clinic_phone}.")
VOICE_CRISIS_OFFER_CONNECT = N_(
    "To talk with someone from your care team now, press 1 or say yes. To go on, press 2."
)
VOICE_CONNECTING = N_("Please stay on the line while I connect you.")
VOICE_CONNECT_FAILED = N_("I could not reach your care team. I will connect you to the 9 8 8 Lifeline now.")
VOICE_MOVING_ON = N_("That is OK. We will go on.")
VOICE_CHECKIN_RESUME = N_("Thank you. We will go on where we stopped.")
VOICE_NO_SHOW = N_("We missed you at your visit. Please call us at {clinic_phone} to choose a new time. Goodbye.")
VOICE_CHECKIN_THANKS = N_("Thank you for your answers. Your care team will look at them. Goodbye.")
VOICE_INBOUND_GREETING = N_("Thank you for calling {clinic}. Please stay on the line while we connect you.")
VOICE_INBOUND_IDENTITY_CHECK = N_("Thank you for calling {clinic}. If you are {first_name}, please press 1.")
VOICE_INBOUND_CHECKIN_OFFER = N_(
    "You have some questions waiting. To answer them now, press 1. To speak with the clinic, press 2."
)
VOICE_AUDIO_VISIT_PATIENT = N_(
    "Hello, this is {clinic}. Your visit will continue by phone. Please stay on the line while we connect you."
)
VOICE_AUDIO_VISIT_CLINICIAN = N_(
    "This is {clinic}. Your patient's visit will continue by phone. Please stay on the line while we connect you."
)
VOICE_GOODBYE = N_("Thank you. Goodbye.")
