"""A number with an extension cannot be texted: it is refused, never stored without the extension."""
from __future__ import annotations

import pytest

from engage.patients.models import Patient
from engage.phones import InvalidPhone, to_e164
from tests.factories import rows

WITH_EXTENSION = ["(312) 555-0142 ext. 12", "+1 312 555 0142 x12", "312-555-0142 #12"]


@pytest.mark.parametrize("raw", WITH_EXTENSION)
def test_a_number_with_an_extension_is_refused(raw):
    with pytest.raises(InvalidPhone, match="extension"):
        to_e164(raw, "US")


def test_the_same_number_without_an_extension_is_accepted():
    assert to_e164("(312) 555-0142", "US") == "+13125550142"


@pytest.mark.parametrize("raw", WITH_EXTENSION[:2])
def test_creating_a_patient_with_an_extension_is_422_naming_phone(client, auth, runtime, raw):
    response = client.post("/api/v1/patients", headers=auth(), json={
        "first_name": "Lucía", "last_name": "Hernández", "phone": raw, "consent": {"sms": True}})
    assert response.status_code == 422, response.json
    assert response.json["error"] == "validation_failed"
    assert any("extension" in problem for problem in response.json["fields"]["phone"])
    assert rows(runtime, Patient) == []
