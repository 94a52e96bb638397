"""The clinic as patients see it: its name and its phone, written for the patient to read."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from engage.config import Settings
from messages import format_phone_for_patient


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str


@lru_cache(maxsize=8)
def clinic(settings: Settings) -> Clinic:
    return Clinic(settings.clinic_name, format_phone_for_patient(settings.clinic_phone, settings.default_region))
