"""The Twilio-facing HTTP edge: signature check, then one engine call, then TwiML."""
from flask import Blueprint

from webhooks.signature import require_twilio_signature

twilio_blueprint = Blueprint("twilio", __name__, url_prefix="/webhooks/twilio")
twilio_blueprint.before_request(require_twilio_signature)

from webhooks import sms  # noqa: E402,F401  (registers the routes on the blueprint)
