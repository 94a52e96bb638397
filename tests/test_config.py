"""Configuration is read once from the environment; production refuses unsafe settings."""
import pytest

from engage.config import DEV_SECRET_KEY, ConfigError, load_settings

PRODUCTION = {
    "ENGAGE_ENV": "production",
    "ENGAGE_SECRET_KEY": "s" * 40,
    "ENGAGE_GATEWAY": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "ENGAGE_TWILIO_FROM": "+13125550100",
    "ENGAGE_PUBLIC_URL": "https://engage.example.org/",
}


def test_defaults_are_a_development_service_on_sqlite_with_the_console_gateway():
    settings = load_settings({})
    assert settings.env == "development"
    assert settings.gateway == "console"
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("instance/engage.db")
    assert settings.urgent_ack_minutes == 15 and settings.target_week == 10


def test_a_complete_production_configuration_starts():
    settings = load_settings(PRODUCTION)
    assert settings.public_url == "https://engage.example.org"


@pytest.mark.parametrize("override, reason", [
    ({"ENGAGE_SECRET_KEY": DEV_SECRET_KEY}, "ENGAGE_SECRET_KEY"),
    ({"ENGAGE_SECRET_KEY": ""}, "ENGAGE_SECRET_KEY"),
    ({"ENGAGE_GATEWAY": "console"}, "console gateway"),
    ({"ENGAGE_PUBLIC_URL": ""}, "ENGAGE_PUBLIC_URL"),
])
def test_production_refuses_unsafe_settings_with_one_line_reason(override, reason):
    with pytest.raises(ConfigError) as error:
        load_settings(PRODUCTION | override)
    assert reason in str(error.value) and "\n" not in str(error.value)


def test_bad_numbers_and_zones_are_named():
    with pytest.raises(ConfigError, match="ENGAGE_URGENT_ACK_MINUTES"):
        load_settings({"ENGAGE_URGENT_ACK_MINUTES": "soon"})
    with pytest.raises(ConfigError, match="ENGAGE_TIMEZONE"):
        load_settings({"ENGAGE_TIMEZONE": "Chicago"})


def test_the_treat_to_target_week_and_thresholds_are_read_from_the_environment():
    settings = load_settings({"ENGAGE_TARGET_WEEK": "12", "ENGAGE_RESPONSE_PERCENT": "40",
                              "ENGAGE_PARTIAL_RESPONSE_PERCENT": "20", "ENGAGE_REMISSION_BELOW": "4",
                              "ENGAGE_NOT_IMPROVING_SCORE": "15", "ENGAGE_RECENT_SCORE_WEEKS": "6"})
    assert (settings.target_week, settings.response_percent, settings.partial_response_percent,
            settings.remission_below, settings.not_improving_score, settings.recent_score_weeks) == (
        12, 40, 20, 4, 15, 6)


@pytest.mark.parametrize("override, named", [
    ({"ENGAGE_TARGET_WEEK": "0"}, "ENGAGE_TARGET_WEEK"),
    ({"ENGAGE_TARGET_WEEK": "ten"}, "ENGAGE_TARGET_WEEK"),
    ({"ENGAGE_PARTIAL_RESPONSE_PERCENT": "60"}, "ENGAGE_PARTIAL_RESPONSE_PERCENT"),
    ({"ENGAGE_RESPONSE_PERCENT": "150"}, "ENGAGE_RESPONSE_PERCENT"),
    ({"ENGAGE_REMISSION_BELOW": "12"}, "ENGAGE_REMISSION_BELOW"),
])
def test_treat_to_target_settings_that_make_no_sense_are_refused(override, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(override)
