"""Reading the workspace's form fields: a field that is wrong is an Invalid naming it, never a 500."""
from __future__ import annotations

from enum import Enum
from typing import TypeVar

from flask import request, url_for
from werkzeug.datastructures import MultiDict

from engage.bounds import MAX_ID
from engage.errors import Invalid

E = TypeVar("E", bound=Enum)


def text(form: MultiDict, name: str, limit: int) -> str:
    value = form.get(name, "").strip()
    if len(value) > limit or "\x00" in value:
        raise Invalid(f"{name} is not valid", {name: [f"Keep it under {limit} characters."]})
    return value


def number(form: MultiDict, name: str) -> int | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise Invalid(f"{name} is not valid", {name: ["Choose one from the list."]})
    return int(raw)


def choice(form: MultiDict, name: str, kind: type[E]) -> E:
    try:
        return kind(form.get(name, ""))
    except ValueError:
        raise Invalid(f"{name} is not valid", {name: ["Choose one from the list."]}) from None


def back_to(default_endpoint: str, **values) -> str:
    """Where a form asked to return to, if it is a page of ours; otherwise the default."""
    back = request.form.get("back", "")
    # Browsers drop tabs and newlines from a URL, so "/\t/host" would lead off-site: no control characters.
    if back.startswith("/") and not back.startswith("//") and "\\" not in back and back.isprintable():
        return back
    return url_for(default_endpoint, **values)
