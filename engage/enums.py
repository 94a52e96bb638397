"""The clinic's vocabulary, shared by models, services and schemas."""
from enum import StrEnum


class Channel(StrEnum):
    SMS = "sms"
    VOICE = "voice"


class Role(StrEnum):
    ADMIN = "admin"
    CARE_MANAGER = "care_manager"
    CONSULTANT = "consultant"
    CLINICIAN = "clinician"
    INTEGRATION = "integration"


class ConsentAction(StrEnum):
    GRANTED = "granted"
    REVOKED = "revoked"
    # The patient asked staff in person to be texted again: consent stays theirs to give, by START.
    OPT_IN_REQUESTED = "opt_in_requested"
    # Texts could not be delivered and the patient agreed to calls: check-ins go by call from then on.
    SWITCHED_TO_CALLS = "switched_to_calls"


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class CheckInStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    # The patient opted out part-way: the answers given are kept, nothing more is asked.
    STOPPED = "stopped"


class FlagKind(StrEnum):
    SUICIDE_RISK = "suicide_risk"
    CRISIS_LANGUAGE = "crisis_language"
    PATIENT_MESSAGE = "patient_message"
    UNREACHABLE = "unreachable"
    RESCHEDULE_REQUEST = "reschedule_request"
    CALL_REQUEST = "call_request"
    NO_SHOW_FOLLOWUP = "no_show_followup"
    POSITIVE_SCREEN = "positive_screen"
    DELIVERY_FAILURE = "delivery_failure"


class FlagPriority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"


class FlagStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class AppointmentModality(StrEnum):
    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in_person"


class FallbackReason(StrEnum):
    """Why a video visit became an audio-only call: the visit note and billing keep it."""

    NO_VIDEO = "no_video"
    PATIENT_REQUESTED_CALL = "patient_requested_call"
    VIDEO_FAILED = "video_failed"
    PATIENT_CANNOT_CONNECT = "patient_cannot_connect"
    CLINICIAN_CANNOT_CONNECT = "clinician_cannot_connect"
    OTHER = "other"


class FallbackSource(StrEnum):
    """Who switched the visit to a call."""

    PREFERENCE = "preference"
    PAGE = "page"
    TEXT = "text"
    CLINICIAN = "clinician"


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    RESCHEDULE_REQUESTED = "reschedule_requested"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


class CampaignRunStatus(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"
    COMPLETED = "completed"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageStatus(StrEnum):
    """Twilio's message and call states, plus our own queued/received."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    RECEIVED = "received"
    READ = "read"
    CANCELED = "canceled"

    @classmethod
    def known(cls, value: str) -> "MessageStatus | None":
        """Providers add states over time; an unknown one is recorded, never fatal."""
        return cls._value2member_map_.get(value)


class DispatchStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DischargeReason(StrEnum):
    REMISSION_HELD = "remission_held"
    MOVED_ON = "moved_on"
    LOST_TO_FOLLOW_UP = "lost_to_follow_up"


class CaseloadStatus(StrEnum):
    """Treat-to-target, in the order the rules are tried (SPEC: first match wins)."""

    REMISSION = "remission"
    RESPONSE = "response"
    NOT_IMPROVING = "not_improving"
    PARTIAL_RESPONSE = "partial_response"
    NO_RECENT_SCORE = "no_recent_score"
    IN_TREATMENT = "in_treatment"


class FlagOutcome(StrEnum):
    """What the care manager's work on a flag came to, chosen when resolving it."""

    REACHED_PATIENT = "reached_patient"
    SAFETY_PLAN = "safety_plan"
    REFERRED_TO_EMERGENCY_CARE = "referred_to_emergency_care"
    NO_ACTION_NEEDED = "no_action_needed"


class ContactMethod(StrEnum):
    PHONE = "phone"
    IN_PERSON = "in_person"
    VIDEO = "video"
    TEXT = "text"


class CallPurpose(StrEnum):
    CHECKIN = "checkin"
    STAFF_NOTICE = "staff_notice"
    OUTREACH = "outreach"
    INBOUND = "inbound"


class CallStatus(StrEnum):
    """Our own queued/placing, then Twilio's call states; `machine` when a voicemail answered."""

    QUEUED = "queued"
    PLACING = "placing"
    PLACED = "placed"
    RINGING = "ringing"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    FAILED = "failed"
    CANCELED = "canceled"
    MACHINE = "machine"

    @classmethod
    def known(cls, value: str) -> "CallStatus | None":
        return cls._value2member_map_.get(value)
