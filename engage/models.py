"""Every model, imported in one place so the metadata (and Alembic) sees the whole schema.

The processes' entry points import it (the app factory, the command line, the dispatch pass), so
every mapper is configured before the first session; nothing below them needs to.
"""
from engage.audit.models import AuditEvent
from engage.auth.models import ApiToken, SignInThrottle, StaffUser
from engage.checkins.models import Answer, CheckIn, Enrollment, Outcome
from engage.db import Base
from engage.flags.models import Flag, FlagEvent
from engage.outbox.models import Call, Dispatch, Message, MessageStatusEvent, SendRate
from engage.outreach.models import Appointment, Campaign, CampaignRun, CampaignStep
from engage.patients.models import ConsentEvent, Patient
from engage.registry.models import Contact, Episode
from engage.voice.models import VoiceStep

__all__ = [
    "Answer", "ApiToken", "Appointment", "AuditEvent", "Base", "Call", "Campaign", "CampaignRun",
    "CampaignStep", "CheckIn", "Contact", "ConsentEvent", "Dispatch", "Enrollment", "Episode", "Flag", "FlagEvent",
    "Message", "MessageStatusEvent", "Outcome", "Patient", "SendRate", "SignInThrottle", "StaffUser", "VoiceStep",
]
