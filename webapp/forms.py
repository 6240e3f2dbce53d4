"""The base of every form: no field takes control characters, and ids stay in range."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import StopValidation

from .domain.inputs import has_control_characters, parse_id

CONTROL_CHARACTER = _l("Remove the invisible control character (a line break, NUL or similar) "
                       "from this field.")
NOT_AN_ID = _l("Choose one of the listed options.")


def refuse_control_characters(form, field) -> None:
    """A field error for text carrying control characters; line breaks only in text areas."""
    multiline = isinstance(field, TextAreaField)
    if any(isinstance(raw, str) and has_control_characters(raw, multiline=multiline)
           for raw in field.raw_data or ()):
        raise StopValidation(CONTROL_CHARACTER)


class RelayForm(FlaskForm):
    """Every form of the app: one place refuses control characters in every field."""

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then the control-character check on every field."""
        extra = {name: [*(extra_validators or {}).get(name, ()), refuse_control_characters]
                 for name in self._fields}
        return super().validate(extra_validators=extra)


def database_id(value) -> int:
    """Coerce a submitted choice to an id the database can hold, or raise ValueError."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    parsed = parse_id(value if isinstance(value, str) else None)
    if parsed is None:
        raise ValueError(NOT_AN_ID)
    return parsed


class IdField(IntegerField):
    """An id in a form: ASCII digits within the database's range, else a field error."""

    def process_formdata(self, valuelist) -> None:
        """Read the id, refusing anything no row could have."""
        if not valuelist:
            return
        self.data = parse_id(valuelist[0])
        if self.data is None:
            raise ValueError(NOT_AN_ID)
