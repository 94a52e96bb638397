"""/caseload: the treat-to-target table and its CSV."""
from __future__ import annotations

import csv
import io

from flask import Response, render_template, request

from engage.checkins.caseload import SORTS, CaseloadRow, caseload
from engage.db import utcnow
from engage.enums import CaseloadStatus
from engage.workspace.access import audit, current_staff
from engage.workspace.blueprint import bp
from engage.web import db, runtime

# One page holds a clinic's caseload; a bigger one is narrowed with the filters.
PAGE = 500
CSV_COLUMNS = ("patient_id", "first_name", "last_name", "instrument", "status", "baseline", "latest",
               "change_percent", "weeks_in_treatment", "last_contact", "open_flags", "care_manager_id")


def _filters() -> dict:
    status = request.args.get("status", "")
    sort = request.args.get("sort", "status")
    return {
        "status": CaseloadStatus(status) if status in CaseloadStatus._value2member_map_ else None,
        "mine": request.args.get("mine") == "1",
        "sort": sort if sort.lstrip("-") in SORTS else "status",
    }


def _rows(filters: dict) -> tuple[list[CaseloadRow], bool]:
    rows, more = caseload(db(), runtime().settings, utcnow(), status=filters["status"], sort=filters["sort"],
                          care_manager_id=current_staff().id if filters["mine"] else None, limit=PAGE)
    return rows, more is not None


@bp.get("/caseload")
def caseload_page():
    filters = _filters()
    rows, more = _rows(filters)
    audit("view", "caseload", [row.patient_id for row in rows])
    return render_template("workspace/caseload.html", rows=rows, more=more, filters=filters, sorts=SORTS,
                           statuses=list(CaseloadStatus))


@bp.get("/caseload.csv")
def caseload_csv():
    rows, _ = _rows(_filters())
    audit("export", "caseload", [row.patient_id for row in rows])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_csv_value(getattr(row, column)) for column in CSV_COLUMNS])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=caseload.csv"})


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    value = getattr(value, "value", value)
    # A spreadsheet runs a cell that starts like a formula, even after a tab or a return; a name is never one.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value

