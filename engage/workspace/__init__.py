"""The care-manager workspace: server-rendered pages for staff, signed in with a password.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure in production) that lapse after
the configured idle time; every form carries a CSRF token (Flask-WTF), checked for this blueprint only
(the registry API answers bearer tokens and the webhooks Twilio's signature, neither a cookie)."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from engage.auth.permissions import Permission
from engage.errors import DomainError, NotFound
from engage.config import Settings
from engage.workspace import caseload, metrics, patient, queue, signin  # noqa: F401  (their routes join the blueprint)
from engage.workspace.access import can_act, current_staff, may, require_sign_in
from engage.workspace.blueprint import bp
from engage.workspace.display import duration, label, local_time
from engage.web import db, ids_in_range, runtime

csrf = CSRFProtect()


def _check_csrf():
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


def _refused_form(error: CSRFError):
    db().rollback()
    return render_template("workspace/error.html", title="The form has expired",
                           detail="Reload the page and try again."), 400


def _forbidden(error):
    return render_template("workspace/error.html", title="Not allowed", detail=error.description), 403


def _domain_error(error: DomainError):
    """A refused action returns to its page with the reason; a missing page is a 404."""
    db().rollback()
    if isinstance(error, NotFound) or request.method == "GET":
        title = "Not found" if isinstance(error, NotFound) else "That cannot be done"
        return render_template("workspace/error.html", title=title, detail=error.message), error.status
    reasons = [f"{label(name)}: {' '.join(problems)}" for name, problems in error.fields.items()]
    flash(" ".join(reasons) or error.message[:1].upper() + error.message[1:] + ".", "error")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("workspace.queue"), 303)


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


def _template_helpers() -> dict:
    settings = runtime().settings
    return {"local_time": lambda when: local_time(when, settings.zone), "duration": duration, "label": label,
            "can_act": can_act, "current_staff": current_staff,
            "may_read_metrics": lambda: may(Permission.READ_METRICS), "clinic_name": settings.clinic_name}


bp.url_value_preprocessor(ids_in_range)
bp.before_request(_check_csrf)
bp.before_request(require_sign_in)
bp.register_error_handler(CSRFError, _refused_form)
bp.register_error_handler(403, _forbidden)
bp.register_error_handler(DomainError, _domain_error)
bp.context_processor(_template_helpers)


def init_app(app: Flask, settings: Settings) -> None:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=settings.is_production,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        # The token lives as long as the session; the session's idle timeout bounds it.
        WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None,
    )
    if settings.trusted_proxies:
        # Only the client's address is taken from the proxies: the public URL comes from configuration.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=0, x_host=0, x_port=0,
                                x_prefix=0)
    csrf.init_app(app)
    app.register_blueprint(bp)
