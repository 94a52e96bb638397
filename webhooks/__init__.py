"""The Twilio-facing HTTP edge."""
from flask import Blueprint

twilio_blueprint = Blueprint("twilio", __name__, url_prefix="/webhooks/twilio")
