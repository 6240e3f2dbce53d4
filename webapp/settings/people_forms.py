"""Forms of the Groups and Users pages."""
from wtforms import EmailField, IntegerField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..domain.inputs import password_problem
from ..domain.limits import EMAIL_LENGTH, GROUP_NAME_LENGTH, USER_NAME_LENGTH
from ..domain.settings_rules import OPTIONAL_LIMITS, OUT_OF_BOUNDS
from ..forms import RelayForm, database_id
from ..models import PRE_SELLER, ROLES

# The shape of an address, nothing more: company domains such as .test or .local are fine,
# and the real check is that the person can sign in with it.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ROLE_LABELS = [SelectChoice(role, role.replace("-", " ").capitalize()) for role in ROLES]


def usable_password(form, field) -> None:
    """The domain's password rule as a field error (the same rule the CLI meets)."""
    problem = password_problem(field.data)
    if problem:
        raise ValidationError(problem)


class GroupNameForm(RelayForm):
    """A group's name, for creating or renaming it."""

    name = StringField("Group name", validators=[InputRequired("Give the group a name."),
                                                 Length(max=GROUP_NAME_LENGTH)])


class MemberForm(RelayForm):
    """Who to add to a group."""

    user = SelectField("Add a pre-seller", coerce=database_id, validate_choice=False,
                       validators=[InputRequired("Choose a pre-seller to add.")])


class NewUserForm(RelayForm):
    """A new manager or pre-seller."""

    name = StringField("Full name", validators=[InputRequired("Enter their name."),
                                                Length(max=USER_NAME_LENGTH)])
    email = EmailField("E-mail", validators=[InputRequired("Enter their e-mail."),
                                             Length(max=EMAIL_LENGTH), Regexp(EMAIL_SHAPE, message=(
                                                 "Enter a valid e-mail address."))])
    role = SelectField("Role", choices=ROLE_LABELS, default=PRE_SELLER)
    password = PasswordField("Password", validators=[InputRequired("Choose a password."),
                                                     usable_password])


class LimitForm(RelayForm):
    """A pre-seller's own maximum of open chats; empty follows the team's."""

    max_open_chats = IntegerField("Maximum open chats", validators=[
        Optional(), NumberRange(*OPTIONAL_LIMITS["max_open_chats"], message=OUT_OF_BOUNDS)])


class RoleForm(RelayForm):
    """A user's new role."""

    role = SelectField("Role", choices=ROLE_LABELS)
