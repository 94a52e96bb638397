"""/visit/<token>: the page a patient's video visit link opens, in the patient's language.

It leads to the video room and offers a phone call instead. Patients have no session, so the signed
token is the form's only credential: it travels in the form as well as the path, and nobody without
the link can ask for a call. A link that is bad, tampered with or past the visit gets one plain page
that names nothing.
"""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template_string, request, url_for

from engage.db import utcnow
from engage.enums import AppointmentModality, FallbackSource
from engage.errors import Conflict
from engage.outreach import visits
from engage.outreach.models import Appointment
from engage.outreach.texts import patient_text, when
from engage.outreach.visit_links import open_visit
from engage.patients.models import Patient
from engage.web import db, runtime
from messages import resolve_language, supported_languages, translate, visit_page

bp = Blueprint("visit_page", __name__)

_PAGE = """<!doctype html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{{ title }}</title>
<style>body{font:1.15rem/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
a.button,button{display:block;width:100%;box-sizing:border-box;padding:1rem;margin:1rem 0;font-size:1.2rem;
text-align:center;border-radius:.5rem;border:2px solid #1d4e89}a.button{background:#1d4e89;color:#fff;
text-decoration:none}button{background:#fff;color:#1d4e89}</style></head>
<body>
{% for section in sections %}<section lang="{{ section.lang }}"><h1>{{ section.title }}</h1>
{% for line in section.lines %}<p>{{ line }}</p>{% endfor %}
{% if section.join %}<a class="button" href="{{ section.join.url }}" rel="noreferrer">
{{- section.join.label }}</a>{% endif %}
{% if section.call %}<p>{{ section.call.offer }}</p><form method="post" action="{{ section.call.action }}">
<input type="hidden" name="token" value="{{ section.call.token }}">
<button type="submit">{{ section.call.label }}</button></form>{% endif %}</section>
{% endfor %}</body></html>"""


@bp.get("/visit/<token>")
def show(token: str) -> Response:
    appointment = open_visit(db(), runtime().settings, token, utcnow())
    if appointment is None:
        return _not_working()
    return _render(resolve_language(_patient(appointment).language), [_visit_section(appointment, token)])


@bp.post("/visit/<token>/call")
def call_me(token: str) -> Response:
    appointment = open_visit(db(), runtime().settings, token, utcnow())
    if appointment is None or request.form.get("token") != token:
        return _not_working()
    try:
        visits.request_call(db(), runtime().settings, appointment, FallbackSource.PAGE, utcnow())
    except Conflict:
        return _not_working()
    return redirect(url_for(".show", token=token), 303)


def _patient(appointment: Appointment) -> Patient:
    return db().get(Patient, appointment.patient_id)


def _visit_section(appointment: Appointment, token: str) -> dict:
    settings, patient = runtime().settings, _patient(appointment)
    language = resolve_language(patient.language)
    section = {"lang": language, "title": translate(visit_page.PAGE_TITLE, language),
               "lines": [patient_text(settings, patient, visit_page.PAGE_WHEN,
                                      when=when(settings, patient, appointment))]}
    if appointment.modality_used is AppointmentModality.PHONE:
        section["lines"].append(translate(visit_page.PAGE_CALL_COMING, language))
        return section
    section["lines"].append(translate(visit_page.PAGE_JOIN_HELP, language))
    section["join"] = {"url": appointment.video_url, "label": translate(visit_page.PAGE_JOIN, language)}
    section["call"] = {"action": url_for(".call_me", token=token), "token": token,
                       "offer": translate(visit_page.PAGE_CALL_OFFER, language),
                       "label": translate(visit_page.PAGE_CALL_ME, language)}
    return section


def _not_working() -> Response:
    """Nobody is known: every language in turn, and nothing about any visit."""
    sections = [{"lang": language, "title": translate(visit_page.PAGE_LINK_TITLE, language),
                 "lines": [translate(visit_page.PAGE_LINK_NOT_WORKING, language)]}
                for language in sorted(supported_languages())]
    return _render("en", sections, status=404)


def _render(language: str, sections: list[dict], status: int = 200) -> Response:
    body = render_template_string(_PAGE, lang=language, title=sections[0]["title"], sections=sections)
    response = Response(body, status=status, mimetype="text/html")
    # The token is the credential: no cache keeps it, no other site frames the button or reads it as a referrer.
    response.headers.update({"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                             "X-Frame-Options": "DENY", "Content-Security-Policy": "default-src 'none'; "
                             "style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"})
    return response
