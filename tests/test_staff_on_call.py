"""Who may be on call: urgent notices must reach someone who can act on them, by phone."""
from __future__ import annotations

import pytest

from engage.auth.service import create_staff_user
from engage.db import utcnow
from engage.errors import Invalid
from engage.flags.service import URGENT_NOTICE
from engage.scheduling.tick import tick
from tests.phone import Phone


@pytest.mark.parametrize("role", ["care_manager", "admin"])
def test_care_managers_and_admins_with_a_phone_can_be_on_call(session, role):
    user = create_staff_user(session, email=f"{role}@clinic.test", role=role, phone="+13125550199", on_call=True)
    assert user.on_call and user.phone == "+13125550199"


@pytest.mark.parametrize("role", ["consultant", "clinician", "integration"])
def test_other_roles_cannot_be_on_call(session, role):
    with pytest.raises(Invalid) as refused:
        create_staff_user(session, email=f"{role}@clinic.test", role=role, phone="+13125550199", on_call=True)
    assert refused.value.fields == {"on_call": ["Only care managers and admins can be on call."]}


def test_on_call_without_a_phone_is_refused(session):
    with pytest.raises(Invalid) as refused:
        create_staff_user(session, email="cm@clinic.test", role="care_manager", on_call=True)
    assert refused.value.fields == {"on_call": ["Someone on call needs a phone for urgent notices."]}


def test_anyone_may_have_a_phone_without_being_on_call(session):
    user = create_staff_user(session, email="dr@clinic.test", role="consultant", phone="+13125550198")
    assert not user.on_call


def _put_on_call(client, auth, staff_id: int, on_call: bool = True, role: str = "admin"):
    return client.patch(f"/api/v1/staff/{staff_id}", json={"on_call": on_call}, headers=auth(role))


def test_an_admin_puts_a_care_manager_on_call_and_they_get_the_next_urgent_notice(client, auth, factory, twilio,
                                                                                   runtime):
    manager = factory.staff("care_manager", phone="+13125550199")
    answer = _put_on_call(client, auth, manager.id)
    assert answer.status_code == 200
    assert (answer.json["id"], answer.json["on_call"]) == (manager.id, True)
    Phone(client, twilio, runtime, factory.patient().phone).text("i want to die")
    tick(runtime, utcnow())
    assert [r.body for r in twilio.sms_to(manager.phone)] == [URGENT_NOTICE]


def test_an_admin_takes_someone_off_call(client, auth, factory):
    manager = factory.staff("care_manager", on_call=True)
    assert _put_on_call(client, auth, manager.id, on_call=False).json["on_call"] is False
    listed = client.get("/api/v1/staff", headers=auth("admin")).json["data"]
    assert [person["on_call"] for person in listed if person["id"] == manager.id] == [False]


def test_the_on_call_rule_applies_when_an_admin_changes_it(client, auth, factory):
    consultant = factory.staff("consultant")
    without_phone = factory.staff("care_manager", phone=None)
    for person, reason in ((consultant, "Only care managers and admins can be on call."),
                           (without_phone, "Someone on call needs a phone for urgent notices.")):
        refused = _put_on_call(client, auth, person.id)
        assert (refused.status_code, refused.json["fields"]) == (422, {"on_call": [reason]})


@pytest.mark.parametrize("role", ["care_manager", "consultant", "clinician", "integration"])
def test_only_admins_change_who_is_on_call(client, auth, factory, role):
    manager = factory.staff("care_manager")
    assert _put_on_call(client, auth, manager.id, role=role).status_code == 403
    assert client.get("/api/v1/staff", headers=auth(role)).status_code == 403


def test_an_unknown_staff_user_is_not_found(client, auth):
    assert _put_on_call(client, auth, 999).status_code == 404
