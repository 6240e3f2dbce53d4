"""Sign-in form; the account's preferences (language, time zone, alerts) and password."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    ValidationError,
)

from ..domain.limits import EMAIL_LENGTH, PASSWORD_MAX_LENGTH
from ..forms import RelayForm
from ..i18n import LANGUAGES, is_language, is_time_zone, time_zone_names, utc_offset
from ..settings.people_forms import usable_password


class LoginForm(RelayForm):
    """E-mail and password; the format is not checked here, so nothing hints which was wrong."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=EMAIL_LENGTH)])
    password = PasswordField(_l("Password"), validators=[DataRequired(),
                                                         Length(max=PASSWORD_MAX_LENGTH)])


class PreferencesForm(RelayForm):
    """The language Relay speaks to this person, and the time zone their times are shown in."""

    locale = SelectField(_l("Language"), validate_choice=False,
                         choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()])
    timezone = SelectField(_l("Time zone"), validate_choice=False,
                           description=_l("Every time Relay shows you is in this zone."))
    alerts_on = BooleanField(_l("Alert me to new chats and new messages in my chats"),
                             description=_l("A sound, a desktop notification (your browser "
                                            "asks once) and a count on the tab's icon."))

    def fill_zones(self, now) -> None:
        """The zone choices, each with its offset from UTC at `now`."""
        self.timezone.choices = [SelectChoice(zone, f"{zone.replace('_', ' ')} "
                                                    f"({utc_offset(zone, now)})")
                                 for zone in time_zone_names()]

    def validate_locale(self, field) -> None:
        """Only a language Relay speaks."""
        if not is_language(field.data):
            raise ValidationError(_l("Choose one of the languages listed."))

    def validate_timezone(self, field) -> None:
        """Only a time zone the formatter knows."""
        if not is_time_zone(field.data):
            raise ValidationError(_l("Choose one of the time zones listed."))


class PasswordChangeForm(RelayForm):
    """A new password for oneself: the current one, the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[
        InputRequired(_l("Type your current password.")), Length(max=PASSWORD_MAX_LENGTH)])
    new_password = PasswordField(_l("New password"), validators=[
        InputRequired(_l("Choose a password.")), usable_password])
    confirm_password = PasswordField(_l("New password again"), validators=[
        InputRequired(_l("Type the new password again.")),
        EqualTo("new_password", _l("The two new passwords differ."))])


# What the prompt's and the switch's buttons post (never shown: the buttons carry the words).
ALERTS_CHOICES = ("on", "off")


class AlertsForm(RelayForm):
    """Alerts on or off, from the prompt above a list."""

    alerts = StringField(validators=[AnyOf(ALERTS_CHOICES)])
