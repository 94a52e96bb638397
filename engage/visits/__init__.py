"""Tele-visits on the phone: the two calls of an audio-only visit, and the conference that joins them."""
