"""GET /api/reports and /api/reports/<report>: the dashboard's figures as JSON (managers by
session or bearer token, authenticated by the blueprint like every API route)."""
from flask import g, jsonify, request, url_for

from ..chats.presenters import iso_utc
from ..db import utcnow
from ..services.reports import REPORTS, Facts, Report
from ..telephony.dashboard_forms import read_period
from . import bp


def report_body(report: Report) -> dict:
    """A report's rows as the page and the CSV show them: key, name (people) and figures;
    a time column whose share took longer than the last bucket's bound is null and named
    in the row's "longer"."""
    return {"report": report.key, "columns": list(report.columns), "summary": report.summary,
            "rows": [{"key": row.key, "name": row.name, **row.values,
                      **({"longer": list(row.longer)} if row.longer else {})}
                     for row in report.rows]}


@bp.get("/reports")
def reports():
    """The reports there are, with their addresses."""
    return jsonify(reports=[{"report": key, "url": url_for("api.report", report=key,
                                                           _external=True)}
                            for key in REPORTS])


@bp.get("/reports/<report>")
def report(report):
    """One report for `period` (today, 7d, 30d; or range with start and end, YYYY-MM-DD),
    in the caller's time zone; the period's bounds are given in UTC."""
    if report not in REPORTS:
        return jsonify(error=f"no report {report!r}; GET /api/reports lists them"), 404
    form, period = read_period(request.args, g.api_user, utcnow())
    if period is None:
        problems = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return jsonify(error="the period cannot be reported", problems=problems), 400
    start, end = period.bounds()
    body = report_body(REPORTS[report](Facts.of(period)))
    body["period"] = {"first_day": period.first.isoformat(), "last_day": period.last.isoformat(),
                      "time_zone": period.zone, "start": iso_utc(start), "end": iso_utc(end)}
    return jsonify(body)
