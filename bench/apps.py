"""WSGI factories for gunicorn in the benchmarks: engage itself, and a bare Flask baseline."""
from __future__ import annotations

from flask import Flask, Response


def engage_app():
    from engage import create_app

    return create_app()


def bare_app():
    """The floor: Flask answering the same POSTs (a text, a call step) with a fixed TwiML body, nothing else."""
    app = Flask("bare")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/webhooks/twilio/sms")
    def sms():
        return Response("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>ok</Message></Response>",
                        mimetype="application/xml")

    @app.post("/webhooks/twilio/voice/<step>")
    def voice(step):
        return Response("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>ok</Say></Response>",
                        mimetype="application/xml")

    return app
