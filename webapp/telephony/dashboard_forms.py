"""The dashboard's period: today, 7 days, 30 days, or a chosen range of local days."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice
from wtforms.validators import Optional

from ..domain.reports import (
    MAX_PERIOD_DAYS,
    Period,
    PeriodChoice,
    PeriodError,
    chosen_period,
    preset_period,
)
from ..forms import RelayForm
from ..i18n import is_time_zone

PERIOD_LABELS = [SelectChoice(PeriodChoice.TODAY, _l("Today")),
                 SelectChoice(PeriodChoice.WEEK, _l("Last 7 days")),
                 SelectChoice(PeriodChoice.MONTH, _l("Last 30 days")),
                 SelectChoice(PeriodChoice.RANGE, _l("Dates"))]
NEEDS_DATES = _l("Choose the first and the last day of the period.")
PERIOD_PROBLEMS = {
    "ends_before_start": _l("The last day comes before the first."),
    "too_long": _l("Choose at most %(days)d days.", days=MAX_PERIOD_DAYS),
}


class PeriodForm(RelayForm):
    """The period the reports cover, read from the query string (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    period = RadioField(_l("Period"), choices=PERIOD_LABELS, default=PeriodChoice.WEEK)
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """The fields' checks; then a chosen range needs both days, in order, not too long
        (the days are optional for the other periods, so this cannot be a field's check)."""
        if not super().validate(extra_validators):
            return False
        if self.period.data != PeriodChoice.RANGE:
            return True
        if self.start.data is None or self.end.data is None:
            self.end.errors = [*self.end.errors, NEEDS_DATES]
            return False
        try:
            chosen_period(self.start.data, self.end.data, "UTC")
        except PeriodError as problem:
            self.end.errors = [*self.end.errors, PERIOD_PROBLEMS[str(problem)]]
            return False
        return True

    def chosen(self, today: date, zone: str) -> Period:
        """The period asked for (call after validate())."""
        choice = PeriodChoice(self.period.data)
        if choice == PeriodChoice.RANGE:
            return chosen_period(self.start.data, self.end.data, zone)
        return preset_period(choice, today, zone)


def zone_of(user) -> str:
    """The time zone a person's reports are in: their own, else the deployment's."""
    return user.timezone if is_time_zone(user.timezone) else current_app.config[
        "DEFAULT_TIMEZONE"]


def read_period(args, user, now: datetime) -> tuple[PeriodForm, Period | None]:
    """The period the query string asks for, in the user's zone; None (and the form's
    errors) when it cannot be reported."""
    form = PeriodForm(formdata=args)
    if not form.validate():
        return form, None
    zone = zone_of(user)
    return form, form.chosen(now.astimezone(ZoneInfo(zone)).date(), zone)
