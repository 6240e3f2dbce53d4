"""Forms of the Groups and Users pages."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..domain.inputs import password_problem
from ..domain.limits import (
    EMAIL_LENGTH,
    GROUP_NAME_LENGTH,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    USER_NAME_LENGTH,
)
from ..domain.settings_rules import OPTIONAL_LIMITS, OUT_OF_BOUNDS
from ..forms import RelayForm, database_id
from ..labels import ROLES as LABELS_OF_ROLES
from ..models import PRE_SELLER

# The shape of an address, nothing more: company domains such as .test or .local are fine,
# and the real check is that the person can sign in with it.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ROLE_LABELS = [SelectChoice(role, label) for role, label in LABELS_OF_ROLES.items()]


def usable_password(form, field) -> None:
    """The domain's password rule as a field error (the same rule the CLI meets)."""
    problem = password_problem(field.data)
    if problem:
        raise ValidationError(_(problem, min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH))


class GroupNameForm(RelayForm):
    """A group's name, for creating or renaming it."""

    name = StringField(_l("Group name"), validators=[InputRequired(_l("Give the group a name.")),
                                                 Length(max=GROUP_NAME_LENGTH)])


class MemberForm(RelayForm):
    """Who to add to a group."""

    user = SelectField(_l("Add a pre-seller"), coerce=database_id, validate_choice=False,
                       validators=[InputRequired(_l("Choose a pre-seller to add."))])


class NewUserForm(RelayForm):
    """A new manager or pre-seller."""

    name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter their name.")),
                                                Length(max=USER_NAME_LENGTH)])
    email = EmailField(_l("E-mail"), validators=[InputRequired(_l("Enter their e-mail.")),
                                             Length(max=EMAIL_LENGTH), Regexp(EMAIL_SHAPE, message=(
                                                 _l("Enter a valid e-mail address.")))])
    role = SelectField(_l("Role"), choices=ROLE_LABELS, default=PRE_SELLER)
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Choose a password.")),
                                                     usable_password])


class LimitForm(RelayForm):
    """A pre-seller's own maximum of open chats; empty follows the team's."""

    max_open_chats = IntegerField(_l("Maximum open chats"), validators=[
        Optional(), NumberRange(*OPTIONAL_LIMITS["max_open_chats"], message=_l(OUT_OF_BOUNDS))])


class RoleForm(RelayForm):
    """A user's new role."""

    role = SelectField(_l("Role"), choices=ROLE_LABELS)
