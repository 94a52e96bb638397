"""The Twilio-facing HTTP edge: signature check, then one engine call, then TwiML."""
from flask import Blueprint

from engage.flags import crisis
from webhooks.signature import require_twilio_signature

twilio_blueprint = Blueprint("twilio", __name__, url_prefix="/webhooks/twilio")
twilio_blueprint.before_request(require_twilio_signature)
# Every inbound text is read for crisis wording: the word lists are compiled when the app starts.
twilio_blueprint.record_once(lambda _state: crisis.prepare())

from webhooks import sms, visits, voice  # noqa: E402,F401  (registers the routes on the blueprint)
