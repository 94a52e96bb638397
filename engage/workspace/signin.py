"""/login and /logout."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from engage.audit.service import record_access
from engage.auth.passwords import sign_in
from engage.db import utcnow
from engage.workspace.access import audit, current_staff, end_session, start_session
from engage.workspace.blueprint import bp
from engage.web import db

@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("workspace/login.html", email="", refused=None)
    email = request.form.get("email", "")
    attempt = sign_in(db(), email, request.form.get("password", ""), request.remote_addr or "unknown", utcnow())
    if attempt.user is None:
        db().commit()  # the failure counts even though the answer is a refusal
        status = 429 if attempt.wait_seconds else 401
        headers = {"Retry-After": str(attempt.wait_seconds)} if attempt.wait_seconds else {}
        return render_template("workspace/login.html", email=email, refused=attempt.refused), status, headers
    start_session(attempt.user)
    record_access(db(), attempt.user, "sign_in", "session", [None])
    return redirect(url_for("workspace.queue"), 303)


@bp.post("/logout")
def logout():
    audit("sign_out", "session", [None])
    end_session(current_staff())
    return redirect(url_for("workspace.login"), 303)
