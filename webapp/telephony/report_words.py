"""The reports' words: titles, column headings and each row's label, in the viewer's
language; the numbers stay as the report service made them."""
from datetime import date, timedelta

from flask import g
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..domain.reports import TIME_BUCKETS
from ..formatting import duration
from ..labels import reason_label
from ..services.reports import Report, Row

TITLES = {
    "new-chats": _l("New chats per pre-seller"),
    "new-chats-by-reason": _l("New chats by reason"),
    "first-response": _l("First response time"),
    "expired-unanswered": _l("Chats expired unanswered"),
    "waiting-line": _l("Time in the waiting line"),
    "volume-by-hour": _l("New chats by hour of day"),
    "volume-by-weekday": _l("New chats by weekday"),
    "transfers": _l("Transfers"),
}
# What each report's first column names.
SUBJECTS = {
    "new-chats-by-reason": _l("Reason"), "waiting-line": _l("Chats"),
    "volume-by-hour": _l("Hour"), "volume-by-weekday": _l("Weekday"),
}
COLUMNS = {
    "new_chats": _l("New chats"), "answered": _l("Chats answered"),
    # Times are counted in buckets: a percentile is the bound its share took at most.
    "median_within_seconds": _l("Half within (seconds)"),
    "p90_within_seconds": _l("90% within (seconds)"),
    "expired": _l("Expired unanswered"), "waited": _l("Opened with nobody to take them"),
    "given_out": _l("Given out"), "in": _l("Transferred in"), "out": _l("Transferred out"),
}
# The columns each report's chart draws (the table shows them all); none: a table alone.
CHARTED = {"new-chats": ("new_chats",), "new-chats-by-reason": ("new_chats",),
           "first-response": ("median_within_seconds", "p90_within_seconds"),
           "expired-unanswered": ("expired",), "volume-by-hour": ("new_chats",),
           "volume-by-weekday": ("new_chats",), "transfers": ("in", "out")}
# Row keys that are not people, hours or reasons.
KEYS: dict[str | None, object] = {"team": _l("Whole team"), "unassigned": _l("Unassigned"),
        "waiting_line": _l("Waiting line"), None: _l("Not recorded")}


def subject(report: Report) -> str:
    """The heading of the report's first column."""
    return str(SUBJECTS.get(report.key, _l("Pre-seller")))


def row_label(report: Report, row: Row) -> str:
    """What a row is about: a person's name, a reason, an hour, a weekday."""
    if row.name is not None:
        return row.name
    if report.key == "new-chats-by-reason" and row.key is not None:
        return reason_label(str(row.key))
    if report.key == "volume-by-hour":
        return _("%(hour)02d:00", hour=row.key)
    if report.key == "volume-by-weekday" and isinstance(row.key, int):
        return get_locale().days["format"]["wide"][row.key]
    return str(KEYS.get(row.key, row.key)) if not isinstance(row.key, int) else str(row.key)


def column_label(column: str) -> str:
    """A column's heading."""
    return str(COLUMNS[column])


def shown(value) -> str:
    """A figure as the table shows it, grouped and with the decimal mark of the viewer's
    language (1.234,5 in pt-BR; 1,234.5 in English); missing: a dash.

    Written with the locale's symbols rather than Babel's formatter, which costs a tenth of
    a millisecond per number and a report page has thousands."""
    if value is None:
        return "—"
    symbols = get_locale().number_symbols["latn"]
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}".removesuffix(".0")
    return text.translate({ord(","): symbols["group"], ord("."): symbols["decimal"]})


def readable(column: str, value) -> str:
    """A bound in seconds also as a duration a person reads at a glance, '≤ 15 min' ('' for
    other figures)."""
    if value is None or not column.endswith("_seconds"):
        return ""
    # Made once per language and bound in the app context: a bound is one of a few dozen
    # values, yet a 30-day page with 200 pre-sellers words hundreds (a gettext costs tens of µs).
    cache = g.setdefault("readable_bounds", {})
    key = (str(get_locale()), value)
    if key not in cache:
        cache[key] = _("≤ %(duration)s", duration=duration(timedelta(seconds=value)))
    return cache[key]


def longer_than_every_bound() -> str:
    """A percentile whose share took longer than the last time bucket's bound."""
    return _("more than %(duration)s", duration=duration(timedelta(seconds=TIME_BUCKETS[-1])))


def chart_columns(report: Report) -> tuple[str, ...]:
    """The columns the report's chart draws."""
    return CHARTED.get(report.key, ())


def report_day(day: date) -> str:
    """A period's day as the viewer writes dates ('24 de nov. de 2026')."""
    return format_date(day, "medium")
