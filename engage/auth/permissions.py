"""Which role may do what. One table, read by every edge."""
from enum import StrEnum

from engage.enums import Role


class Permission(StrEnum):
    READ_PATIENTS = "read_patients"
    WRITE_PATIENTS = "write_patients"
    START_CHECKINS = "start_checkins"
    RECORD_OUTCOMES = "record_outcomes"
    WORK_FLAGS = "work_flags"
    MANAGE_APPOINTMENTS = "manage_appointments"
    SWITCH_TO_AUDIO = "switch_to_audio"
    RUN_CAMPAIGNS = "run_campaigns"
    RELAY_OPT_IN_REQUESTS = "relay_opt_in_requests"
    MANAGE_STAFF = "manage_staff"
    USE_WORKSPACE = "use_workspace"
    ACT_IN_WORKSPACE = "act_in_workspace"
    READ_METRICS = "read_metrics"


_ALL = frozenset(Role)
GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.READ_PATIENTS: _ALL,
    Permission.WRITE_PATIENTS: frozenset({Role.ADMIN, Role.CARE_MANAGER, Role.INTEGRATION}),
    Permission.START_CHECKINS: frozenset({Role.ADMIN, Role.CARE_MANAGER, Role.CLINICIAN, Role.INTEGRATION}),
    Permission.RECORD_OUTCOMES: frozenset({Role.ADMIN, Role.CARE_MANAGER, Role.CLINICIAN, Role.INTEGRATION}),
    Permission.WORK_FLAGS: frozenset({Role.ADMIN, Role.CARE_MANAGER}),
    Permission.MANAGE_APPOINTMENTS: frozenset({Role.ADMIN, Role.CARE_MANAGER, Role.CLINICIAN, Role.INTEGRATION}),
    # Calling a patient now is a decision about care, made by people who see the visit, not by a feed.
    Permission.SWITCH_TO_AUDIO: frozenset({Role.ADMIN, Role.CARE_MANAGER, Role.CLINICIAN}),
    Permission.RUN_CAMPAIGNS: frozenset({Role.ADMIN, Role.CARE_MANAGER}),
    # Staff who meet patients hear them ask to be texted again; an integration hears no one.
    Permission.RELAY_OPT_IN_REQUESTS: frozenset({Role.ADMIN, Role.CARE_MANAGER, Role.CLINICIAN}),
    Permission.MANAGE_STAFF: frozenset({Role.ADMIN}),
    # The workspace is for people: an integration's account has a token, never a sign-in.
    Permission.USE_WORKSPACE: _ALL - {Role.INTEGRATION},
    # In the workspace consultants and clinicians read; those who work the queue act.
    Permission.ACT_IN_WORKSPACE: frozenset({Role.ADMIN, Role.CARE_MANAGER}),
    # Program measures are for the care team and its leads; an integration reads patients' records only.
    Permission.READ_METRICS: frozenset({Role.ADMIN, Role.CARE_MANAGER, Role.CONSULTANT, Role.CLINICIAN}),
}


def allows(role: Role, permission: Permission) -> bool:
    return role in GRANTS[permission]
