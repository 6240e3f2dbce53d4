"""Every time, duration and phone number as the viewer reads them: their language, their zone.

The one formatter of the pages (Babel, through Flask-Babel's locale and time zone of the
request): the database and the API keep UTC; templates use these as filters, and code that
puts a time inside a sentence calls them too.
"""
from datetime import datetime, timedelta

import phonenumbers
from babel.dates import format_skeleton, format_timedelta
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import (
    format_datetime,
    format_number,
    format_time,
    get_locale,
    get_timezone,
    to_user_timezone,
)
from flask_babel import gettext as _

from .db import utcnow


def _now(now: datetime | None) -> datetime:
    """`now` as given, else the clock (pages render at the moment they are asked for)."""
    return now or utcnow()


def _date(at: datetime, skeleton: str) -> str:
    """The date part of `at` in the viewer's zone, by a CLDR skeleton ('MMMd': 24 de nov.)."""
    return format_skeleton(skeleton, at, tzinfo=get_timezone(), locale=get_locale())


def _date_and_time(date: str, time: str) -> str:
    """A date and a time joined the way the language joins them ('24 de nov. 14:05')."""
    pattern = get_locale().datetime_formats["medium"]
    return str(pattern).replace("{1}", date).replace("{0}", time)


def moment(at: datetime | None, now: datetime | None = None) -> str:
    """A time in a list or beside a message: '14:05' today, '23 de nov. 14:05' before.

    'Today' is the viewer's today, in their time zone.
    """
    if at is None:
        return ""
    time = format_time(at, "short")
    local, today = to_user_timezone(at).date(), to_user_timezone(_now(now)).date()
    if local == today:
        return time
    return _date_and_time(_date(at, "MMMd" if local.year == today.year else "yMMMd"), time)


def long_moment(at: datetime | None) -> str:
    """A time with its full date, for records: '24 de nov. de 2026 14:05'."""
    if at is None:
        return ""
    return _date_and_time(_date(at, "yMMMd"), format_time(at, "short"))


def full_moment(at: datetime | None) -> str:
    """Everything about a time, time zone included (a tooltip's words)."""
    return format_datetime(at, "full") if at else ""


def ago(at: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in a list: 'há 12 min.', '12 min. ago'."""
    if at is None:
        return ""
    return format_timedelta(at - _now(now), add_direction=True, format="short",
                            locale=get_locale())


def duration(left: timedelta) -> str:
    """A calm, short duration: '23 h 5 min', '42 min', '50 s'."""
    seconds = max(int(left.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours:
        return _("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)
    if minutes or not seconds:
        return _("%(minutes)s min", minutes=minutes)
    return _("%(seconds)s s", seconds=seconds)


def phone(number: str | None) -> str:
    """A WhatsApp number in international format ('+55 11 98765-4321'), as typed if odd."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse("+" + number.lstrip("+"))
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def file_size(size: int | None) -> str:
    """A file's size as the viewer writes numbers: '820 KB', '1,5 MB' ('' when unknown)."""
    if size is None:
        return ""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{format_decimal(round(size / scale, 1), locale=get_locale())} {unit}"
    return _("%(num)d bytes", num=size)


def number(value: int) -> str:
    """A count as the reader writes it ('1.234' in Portuguese)."""
    return format_number(value)


def init_app(app: Flask) -> None:
    """The formatter's functions as template filters of `app`."""
    for function in (moment, long_moment, full_moment, ago, duration, phone, file_size,
                     number):
        app.add_template_filter(function, function.__name__)
