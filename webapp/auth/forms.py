"""Sign-in form."""
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..domain.limits import EMAIL_LENGTH, PASSWORD_MAX_LENGTH
from ..forms import RelayForm


class LoginForm(RelayForm):
    """E-mail and password; the format is not checked here, so nothing hints which was wrong."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=EMAIL_LENGTH)])
    password = PasswordField("Password", validators=[DataRequired(),
                                                     Length(max=PASSWORD_MAX_LENGTH)])
