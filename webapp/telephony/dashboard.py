"""Telephony → Dashboard: the team now (polled), and the reports with their CSV files.

The reports' JSON is the read API's (webapp.api.reports); all three render the rows the
report service makes.
"""
import csv
import io
from datetime import datetime

from flask import abort, render_template, request
from flask_login import current_user

from ..auth.access import manager_required
from ..chats.presenters import MINUTE, poll_is_current, poll_token
from ..db import utcnow
from ..domain.reports import TIME_BUCKETS
from ..formatting import duration
from ..services import chat_lists
from ..services.dashboard import nobody_can_take
from ..services.preview import next_chat
from ..services.reports import REPORTS, Facts, all_reports
from ..services.team import team_overview
from . import bp, report_words
from .dashboard_forms import read_period
from .report_words import TITLES, column_label, row_label, subject


def waited_since(since: datetime, now: datetime) -> str:
    """How long the oldest unanswered lead has waited, in whole minutes."""
    return duration((now - since) // MINUTE * MINUTE)


def _words() -> dict:
    """The report tables' words, for the templates."""
    return {"chart_columns": report_words.chart_columns, "report_subject": report_words.subject,
            "report_row": report_words.row_label, "report_column": report_words.column_label,
            "report_value": report_words.shown, "report_readable": report_words.readable,
            "report_day": report_words.report_day,
            "report_longer": report_words.longer_than_every_bound}


def _team_context() -> dict:
    """Team now and who gets the next chat, with the fingerprint the poll compares."""
    now = utcnow()
    team, preview = team_overview(now, active_only=True), next_chat(now)
    fingerprint = chat_lists.digest(team, preview.decision, preview.assignee_name)
    return {"team": team, "preview": preview, "now": now, "waited_since": waited_since,
            "poll_token": poll_token(fingerprint, now), "fingerprint": fingerprint}


def _cell(text: str) -> str:
    """A name as a CSV cell a spreadsheet shows and never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _figure(row, column: str):
    """A figure as a CSV cell: empty when missing, '>86400' when its share took longer than
    the last time bucket's bound."""
    if column in row.longer:
        return f">{TIME_BUCKETS[-1]}"
    return "" if row.values[column] is None else row.values[column]


@bp.get("/dashboard")
@manager_required
def dashboard():
    """The team now, and the reports for the period asked for (7 days by default)."""
    form, period = read_period(request.args, current_user, utcnow())
    reports = all_reports(period) if period is not None else []
    period_args = {name: request.args[name] for name in ("period", "start", "end")
                   if request.args.get(name)}
    html = render_template("telephony/dashboard.html", form=form, period=period,
                           reports=reports, titles=TITLES, period_args=period_args,
                           **_words(), **_team_context())
    return html, 200 if period is not None else 422


@bp.get("/dashboard/team")
@manager_required
def team():
    """Team now alone, polled: 204 while nothing changed (and its times still read right)."""
    context = _team_context()
    if poll_is_current(request.args.get("fp"), context["fingerprint"], context["now"]):
        return "", 204
    return render_template("telephony/_team_now.html", **context)


@bp.get("/banner")
@manager_required
def banner():
    """The nobody-can-take-chats banner every manager page loads: empty while someone can."""
    return render_template("telephony/_banner.html", nobody=nobody_can_take(utcnow()))


@bp.get("/dashboard/<report>.csv")
@manager_required
def report_csv(report):
    """One report's table as CSV (figures as numbers, seconds as seconds)."""
    if report not in REPORTS:
        abort(404)
    form, period = read_period(request.args, current_user, utcnow())
    if period is None:
        abort(400, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    made = REPORTS[report](Facts.of(period))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([subject(made), *(column_label(c) for c in made.columns)])
    for row in made.rows:
        writer.writerow([_cell(row_label(made, row)), *(_figure(row, c) for c in made.columns)])
    name = f"{report}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return out.getvalue(), 200, {"Content-Type": "text/csv; charset=utf-8",
                                 "Content-Disposition": f'attachment; filename="{name}"'}
