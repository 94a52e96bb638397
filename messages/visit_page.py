"""The visit page a patient opens from a video visit reminder: plain words, grade 6, no diagnosis.

A link that does not work says nothing about any visit, clinic or person: it is shown in every
language, one after the other, since nobody is known.
"""
from __future__ import annotations

from messages.catalog import N_

PAGE_TITLE = N_("Your visit")
PAGE_WHEN = N_(
    "This page is from {clinic}. You have a visit with us on video. It is on {when}."
)
PAGE_JOIN = N_("Go to the video room")
PAGE_JOIN_HELP = N_("Tap the button a few minutes before your visit.")
PAGE_CALL_OFFER = N_("No video? We can call you on the phone instead.")
PAGE_CALL_ME = N_("Call me instead")
PAGE_CALL_COMING = N_("We will call you on the phone for your visit. Please keep your phone near you.")
PAGE_LINK_TITLE = N_("Visit link")
PAGE_LINK_NOT_WORKING = N_("This link does not work. It may be old. Please call your clinic.")
