"""Who may be on call: urgent notices must reach someone who can act on them, by phone."""
from __future__ import annotations

import pytest

from engage.auth.service import create_staff_user
from engage.errors import Invalid


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
