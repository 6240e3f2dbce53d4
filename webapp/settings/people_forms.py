"""Forms of the Groups and Users pages."""
from flask_wtf import FlaskForm
from wtforms import (EmailField, IntegerField, PasswordField, SelectChoice, SelectField,
                     StringField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from ..domain.limits import EMAIL_LENGTH, GROUP_NAME_LENGTH, PASSWORD_MIN_LENGTH, USER_NAME_LENGTH
from ..domain.settings_rules import OPTIONAL_LIMITS, OUT_OF_BOUNDS
from ..models import PRE_SELLER, ROLES

# The shape of an address, nothing more: company domains such as .test or .local are fine,
# and the real check is that the person can sign in with it.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ROLE_LABELS = [SelectChoice(role, role.replace("-", " ").capitalize()) for role in ROLES]


class GroupNameForm(FlaskForm):
    """A group's name, for creating or renaming it."""

    name = StringField("Group name", validators=[InputRequired("Give the group a name."),
                                                 Length(max=GROUP_NAME_LENGTH)])


class MemberForm(FlaskForm):
    """Who to add to a group."""

    user = SelectField("Add a pre-seller", coerce=int, validate_choice=False,
                       validators=[InputRequired("Choose a pre-seller to add.")])


class NewUserForm(FlaskForm):
    """A new manager or pre-seller."""

    name = StringField("Full name", validators=[InputRequired("Enter their name."),
                                                Length(max=USER_NAME_LENGTH)])
    email = EmailField("E-mail", validators=[InputRequired("Enter their e-mail."),
                                             Length(max=EMAIL_LENGTH), Regexp(EMAIL_SHAPE, message=(
                                                 "Enter a valid e-mail address."))])
    role = SelectField("Role", choices=ROLE_LABELS, default=PRE_SELLER)
    password = PasswordField("Password", validators=[
        InputRequired("Choose a password."),
        Length(min=PASSWORD_MIN_LENGTH,
               message=f"Use at least {PASSWORD_MIN_LENGTH} characters.")])


class LimitForm(FlaskForm):
    """A pre-seller's own maximum of open chats; empty follows the team's."""

    max_open_chats = IntegerField("Maximum open chats", validators=[
        Optional(), NumberRange(*OPTIONAL_LIMITS["max_open_chats"], message=OUT_OF_BOUNDS)])


class RoleForm(FlaskForm):
    """A user's new role."""

    role = SelectField("Role", choices=ROLE_LABELS)
