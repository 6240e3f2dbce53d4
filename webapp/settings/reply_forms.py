"""Forms of the sandbox templates and the quick replies (the rules live in the domain)."""
from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from ..domain.codes import TemplateCategory
from ..domain.limits import (
    QUICK_REPLY_TEXT_LENGTH,
    QUICK_REPLY_TITLE_LENGTH,
    TEMPLATE_BODY_LENGTH,
    TEMPLATE_LANGUAGE_LENGTH,
    TEMPLATE_NAME_LENGTH,
)
from ..domain.quick_replies import FIELDS
from ..domain.templates import template_problems
from ..forms import RelayForm
from ..labels import TEMPLATE_CATEGORIES
from ..wording import template_problem_text

CATEGORIES = [SelectChoice(code, label) for code, label in TEMPLATE_CATEGORIES.items()]


class SandboxTemplateForm(RelayForm):
    """A template kept for sandbox mode: as Meta would hold it."""

    name = StringField(_l("Name"), validators=[InputRequired(_l("Name the template.")),
                                               Length(max=TEMPLATE_NAME_LENGTH)])
    language = StringField(_l("Language"), default="pt_BR", validators=[
        InputRequired(_l("Give the template's language code.")),
        Length(max=TEMPLATE_LANGUAGE_LENGTH)])
    category = SelectField(_l("Category"), choices=CATEGORIES,
                           default=TemplateCategory.UTILITY)
    body = TextAreaField(_l("Text"), validators=[InputRequired(_l("Write the template's text.")),
                                                 Length(max=TEMPLATE_BODY_LENGTH)])

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then the domain's rules for a template, per field."""
        if not super().validate(extra_validators):
            return False
        problems = template_problems(self.name.data.strip(), self.language.data.strip(),
                                     self.category.data, self.body.data.strip())
        for name, problem in problems.items():
            self[name].errors = [*self[name].errors, template_problem_text(problem)]
        return not problems


def only_known_fields(form, field: Field) -> None:
    """Curly fields other than {lead} and {me} would be sent as typed: refuse them."""
    text = FIELDS.sub("", field.data or "")
    if "{" in text and "}" in text[text.index("{"):]:
        raise ValidationError(_l("Only {lead} and {me} are filled in; remove other {…} fields."))


class QuickReplyForm(RelayForm):
    """One of the team's quick replies."""

    title = StringField(_l("Title"), validators=[InputRequired(_l("Give it a short title.")),
                                                 Length(max=QUICK_REPLY_TITLE_LENGTH)])
    text = TextAreaField(_l("Text"), validators=[
        InputRequired(_l("Write the text it inserts.")), Length(max=QUICK_REPLY_TEXT_LENGTH),
        only_known_fields])
