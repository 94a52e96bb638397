"""Configuration, read once from the environment and validated."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEV_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'engage.db'}"


class ConfigError(ValueError):
    """The environment describes a service that must not start."""


def _parse_hhmm(value: str, name: str) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ConfigError(f"{name} must be HH:MM, got {value!r}") from exc


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    env: str = "development"
    secret_key: str = DEV_SECRET_KEY
    gateway: str = "console"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_api_url: str | None = None
    public_url: str | None = None
    clinic_name: str = "Riverside Family Medicine"
    clinic_phone: str = "+13125550100"
    timezone: str = "America/Chicago"
    default_region: str = "US"
    urgent_ack_minutes: int = 15
    target_week: int = 10
    # Treat-to-target thresholds (SPEC "Caseload status"), on the episode's instrument.
    response_percent: int = 50
    partial_response_percent: int = 25
    remission_below: int = 5
    not_improving_score: int = 10
    recent_score_weeks: int = 4
    quiet_start: time = time(20, 0)
    quiet_end: time = time(8, 0)
    checkin_reminder_hours: float = 4.0
    checkin_expiry_hours: float = 24.0
    reminder_offsets_hours: tuple[float, ...] = (72.0, 24.0, 2.0)
    sms_per_second: float = 1.0
    calls_per_second: float = 1.0
    # The workspace signs a person out after this long without a request (a shared clinic computer).
    session_idle_minutes: int = 30
    # How many proxies in front set X-Forwarded-For: sign-in slowing counts failures per client address.
    trusted_proxies: int = 0
    # A check-in call not answered (no answer, busy) is placed again, up to this many calls in all,
    # the first retry after call_retry_minutes and each later one twice as long after the one before.
    call_attempts: int = 3
    call_retry_minutes: float = 30.0

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def sender(self) -> str:
        """What outbound rows record as their sender."""
        return self.twilio_from or self.twilio_messaging_service_sid or self.clinic_phone

    @property
    def webhook_auth_token(self) -> str:
        """Twilio signs webhooks with the auth token; without Twilio (development) the secret key stands in."""
        return self.twilio_auth_token or self.secret_key

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _validate_treat_to_target(self) -> None:
        problem = _treat_to_target_problem(self)
        if problem:
            raise ConfigError(problem)

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **overrides)

    def validate(self) -> "Settings":
        if self.env not in ("development", "production"):
            raise ConfigError(f"ENGAGE_ENV must be development or production, got {self.env!r}")
        if self.gateway not in ("console", "twilio"):
            raise ConfigError(f"ENGAGE_GATEWAY must be console or twilio, got {self.gateway!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"ENGAGE_TIMEZONE is not a known time zone: {self.timezone!r}") from exc
        self._validate_treat_to_target()
        if self.gateway == "twilio" and not (self.twilio_account_sid and self.twilio_auth_token):
            raise ConfigError("ENGAGE_GATEWAY=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
        if self.gateway == "twilio" and not (self.twilio_from or self.twilio_messaging_service_sid):
            raise ConfigError("ENGAGE_GATEWAY=twilio needs ENGAGE_TWILIO_FROM or ENGAGE_TWILIO_MESSAGING_SERVICE_SID")
        if self.session_idle_minutes < 1:
            raise ConfigError("ENGAGE_SESSION_IDLE_MINUTES must be at least 1")
        if self.trusted_proxies < 0:
            raise ConfigError("ENGAGE_TRUSTED_PROXIES cannot be negative")
        if self.call_attempts < 1:
            raise ConfigError(f"ENGAGE_CALL_ATTEMPTS must be at least 1, got {self.call_attempts}")
        if self.is_production:
            if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
                raise ConfigError("production needs ENGAGE_SECRET_KEY set to a random value of at least 32 characters")
            if self.gateway == "console":
                raise ConfigError("production cannot use the console gateway: set ENGAGE_GATEWAY=twilio")
            if not self.public_url:
                raise ConfigError("production needs ENGAGE_PUBLIC_URL, the address Twilio calls back")
        return self


def _treat_to_target_problem(settings: Settings) -> str | None:
    if settings.target_week < 1 or settings.recent_score_weeks < 1:
        return "ENGAGE_TARGET_WEEK and ENGAGE_RECENT_SCORE_WEEKS must be at least 1"
    if not 0 < settings.partial_response_percent < settings.response_percent <= 100:
        return ("ENGAGE_PARTIAL_RESPONSE_PERCENT must be above 0 and below ENGAGE_RESPONSE_PERCENT, "
                "which is at most 100")
    if not 0 < settings.remission_below <= settings.not_improving_score:
        return "ENGAGE_REMISSION_BELOW must be above 0 and at most ENGAGE_NOT_IMPROVING_SCORE"
    return None


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    defaults = Settings()
    offsets = env.get("ENGAGE_REMINDER_OFFSETS_HOURS")
    settings = Settings(
        database_url=env.get("ENGAGE_DATABASE_URL") or defaults.database_url,
        env=env.get("ENGAGE_ENV") or defaults.env,
        secret_key=env.get("ENGAGE_SECRET_KEY") or defaults.secret_key,
        gateway=env.get("ENGAGE_GATEWAY") or defaults.gateway,
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID") or None,
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
        twilio_from=env.get("ENGAGE_TWILIO_FROM") or None,
        twilio_messaging_service_sid=env.get("ENGAGE_TWILIO_MESSAGING_SERVICE_SID") or None,
        twilio_api_url=(env.get("ENGAGE_TWILIO_API_URL") or "").rstrip("/") or None,
        public_url=(env.get("ENGAGE_PUBLIC_URL") or "").rstrip("/") or None,
        clinic_name=env.get("ENGAGE_CLINIC_NAME") or defaults.clinic_name,
        clinic_phone=env.get("ENGAGE_CLINIC_PHONE") or defaults.clinic_phone,
        timezone=env.get("ENGAGE_TIMEZONE") or defaults.timezone,
        default_region=env.get("ENGAGE_DEFAULT_REGION") or defaults.default_region,
        urgent_ack_minutes=_int(env, "ENGAGE_URGENT_ACK_MINUTES", defaults.urgent_ack_minutes),
        target_week=_int(env, "ENGAGE_TARGET_WEEK", defaults.target_week),
        response_percent=_int(env, "ENGAGE_RESPONSE_PERCENT", defaults.response_percent),
        partial_response_percent=_int(env, "ENGAGE_PARTIAL_RESPONSE_PERCENT", defaults.partial_response_percent),
        remission_below=_int(env, "ENGAGE_REMISSION_BELOW", defaults.remission_below),
        not_improving_score=_int(env, "ENGAGE_NOT_IMPROVING_SCORE", defaults.not_improving_score),
        recent_score_weeks=_int(env, "ENGAGE_RECENT_SCORE_WEEKS", defaults.recent_score_weeks),
        quiet_start=_parse_hhmm(env.get("ENGAGE_QUIET_START", "20:00"), "ENGAGE_QUIET_START"),
        quiet_end=_parse_hhmm(env.get("ENGAGE_QUIET_END", "08:00"), "ENGAGE_QUIET_END"),
        checkin_reminder_hours=_float(env, "ENGAGE_CHECKIN_REMINDER_HOURS", defaults.checkin_reminder_hours),
        checkin_expiry_hours=_float(env, "ENGAGE_CHECKIN_EXPIRY_HOURS", defaults.checkin_expiry_hours),
        reminder_offsets_hours=(
            tuple(float(x) for x in offsets.split(",")) if offsets else defaults.reminder_offsets_hours
        ),
        sms_per_second=_float(env, "ENGAGE_SMS_PER_SECOND", defaults.sms_per_second),
        calls_per_second=_float(env, "ENGAGE_CALLS_PER_SECOND", defaults.calls_per_second),
        session_idle_minutes=_int(env, "ENGAGE_SESSION_IDLE_MINUTES", defaults.session_idle_minutes),
        trusted_proxies=_int(env, "ENGAGE_TRUSTED_PROXIES", defaults.trusted_proxies),
        call_attempts=_int(env, "ENGAGE_CALL_ATTEMPTS", defaults.call_attempts),
        call_retry_minutes=_float(env, "ENGAGE_CALL_RETRY_MINUTES", defaults.call_retry_minutes),
    )
    return settings.validate()
