"""Every model, imported in one place so the metadata (and Alembic) sees the whole schema."""
from engage.audit.models import AuditEvent
from engage.auth.models import ApiToken, StaffUser
from engage.checkins.models import Answer, CheckIn, Enrollment, Outcome
from engage.db import Base
from engage.flags.models import Flag, FlagEvent
from engage.messaging.models import Message, MessageStatusEvent
from engage.outreach.models import Appointment, Campaign, CampaignRun, CampaignStep
from engage.patients.models import ConsentEvent, Patient
from engage.registry.models import Episode
from engage.scheduling.models import Dispatch

__all__ = [
    "Answer", "ApiToken", "Appointment", "AuditEvent", "Base", "Campaign", "CampaignRun",
    "CampaignStep", "CheckIn", "ConsentEvent", "Dispatch", "Enrollment", "Episode", "Flag", "FlagEvent",
    "Message", "MessageStatusEvent", "Outcome", "Patient", "StaffUser",
]
