"""Twilio signs each webhook for the exact URL it called (ENGAGE_PUBLIC_URL + path + query) and the
exact form it posted. A signature made for anything else is refused with 403 before anything is stored."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from engage.db import Base
from engage.enums import Direction, MessageStatus
from engage.outbox.models import Message, MessageStatusEvent
from tests.factories import rows
from tests.phone import CLINIC_NUMBER, Phone, new_message_sid
from tests.twilio_loopback import AUTH_TOKEN
from tests.twilio_signing import post_signed_url, signed_headers

def everything_stored(runtime) -> dict[str, list]:
    with runtime.engine.connect() as conn:
        return {table.name: conn.execute(select(table)).all() for table in Base.metadata.sorted_tables}


def elsewhere(url: str, **parts) -> str:
    return urlsplit(url)._replace(**parts).geturl()


def other_path(url: str) -> str:
    path = urlsplit(url).path
    return elsewhere(url, path="/webhooks/twilio/status" if path.endswith("/sms") else "/webhooks/twilio/sms")


# Each forgery: what the signature was made for, from what Twilio really sent to the endpoint, and what
# is posted with it instead. Every one carries a signature Twilio did make, for something else.
FORGERIES = {
    "signed for another host": lambda e: ((elsewhere(e.url, netloc="attacker.test"), e.form), (e.url, e.form)),
    "signed for plain http": lambda e: ((elsewhere(e.url, scheme="http"), e.form), (e.url, e.form)),
    "signed for another path": lambda e: ((other_path(e.url), e.form), (e.url, e.form)),
    "signed with another query": lambda e: ((elsewhere(e.url, query="m=999"), e.form), (e.url, e.form)),
    "posted with another query": lambda e: ((e.url, e.form), (elsewhere(e.url, query="m=999"), e.form)),
    "a field changed after signing": lambda e: ((e.url, e.form), (e.url, {**e.form, **e.changed})),
    "a field added after signing": lambda e: ((e.url, e.form), (e.url, {**e.form, **e.added})),
    "a field removed after signing": lambda e: (
        (e.url, e.form), (e.url, {k: v for k, v in e.form.items() if k != e.removed})),
    "a second value added to a signed field": lambda e: (
        (e.url, e.form), (e.url, {**e.form, **{k: [e.form[k], v] for k, v in e.changed.items()}})),
}
# Twilio signs every value of a repeated field; the check keeps only each field's first value.
class Sms:
    """A patient's text to the clinic."""

    changed = {"Body": "STOP"}
    added = {"OptOutType": "STOP"}
    removed = "Body"
    answer = 200

    def __init__(self, client, auth, factory, twilio, runtime):
        self.patient = factory.patient()
        self.runtime = runtime
        self.url = runtime.settings.public_url + "/webhooks/twilio/sms"
        self.form = {"MessageSid": new_message_sid(), "AccountSid": twilio.account_sid, "From": self.patient.phone,
                     "To": CLINIC_NUMBER, "Body": "Running late today, sorry", "NumMedia": "0"}

    def assert_taken(self) -> None:
        inbound = rows(self.runtime, Message, Message.direction == Direction.INBOUND)
        assert [(m.provider_sid, m.patient_id, m.body) for m in inbound] == [
            (self.form["MessageSid"], self.patient.id, self.form["Body"])]


class Status:
    """A delivery report for a text the clinic sent, to the callback URL it gave Twilio."""

    changed = {"MessageStatus": "undelivered", "SmsStatus": "undelivered"}
    added = {"ErrorCode": "30006"}  # a landline: would mark the patient unreachable
    removed = "SmsSid"
    answer = 204

    def __init__(self, client, auth, factory, twilio, runtime):
        patient = factory.patient()
        client.post(f"/api/v1/patients/{patient.id}/checkins", json={"instrument": "phq2"}, headers=auth())
        Phone(client, twilio, runtime, patient.phone).deliveries()
        self.sent, self.runtime = twilio.sms_to(patient.phone)[0], runtime
        self.url, self.form = twilio.status_callback(self.sent.sid, "delivered")
        assert urlsplit(self.url).query.startswith("m=")  # the callback carries the message's own id

    def assert_taken(self) -> None:
        message, = rows(self.runtime, Message, Message.provider_sid == self.sent.sid)
        events = rows(self.runtime, MessageStatusEvent, MessageStatusEvent.message_id == message.id)
        assert (message.status, [e.status for e in events]) == (MessageStatus.DELIVERED, ["delivered"])


ENDPOINTS = {"sms": Sms, "status": Status}


@pytest.fixture(params=ENDPOINTS)
def endpoint(request, client, auth, factory, twilio, runtime):
    return ENDPOINTS[request.param](client, auth, factory, twilio, runtime)


def test_a_request_signed_for_exactly_what_was_posted_is_taken(client, endpoint):
    response = post_signed_url(client, AUTH_TOKEN, endpoint.url, endpoint.form)
    assert response.status_code == endpoint.answer
    endpoint.assert_taken()


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_signature_made_for_anything_else_is_refused_and_nothing_is_stored(client, runtime, endpoint, forgery):
    (signed_url, signed_form), (posted_url, posted_form) = FORGERIES[forgery](endpoint)
    assert (signed_url, signed_form) != (posted_url, posted_form)
    before = everything_stored(runtime)
    response = post_signed_url(client, AUTH_TOKEN, posted_url, posted_form,
                               headers=signed_headers(AUTH_TOKEN, signed_url, signed_form))
    assert response.status_code == 403
    assert everything_stored(runtime) == before
