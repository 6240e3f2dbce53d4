"""Sign-in form, and the account's language and time zone."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Length, ValidationError

from ..domain.limits import EMAIL_LENGTH, PASSWORD_MAX_LENGTH
from ..forms import RelayForm
from ..i18n import LANGUAGES, is_language, is_time_zone, time_zone_names, utc_offset


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
