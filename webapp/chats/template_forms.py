"""The form of the template dialog: which template, and a value for each {{n}}."""
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, StringField

from ..domain.limits import TEMPLATE_MAX_PARAMETERS
from ..domain.templates import parameter_problem
from ..forms import IdField, RelayForm
from ..wording import template_problem_text


class TemplateMessageForm(RelayForm):
    """A template to send and its values, in order."""

    template = IdField(_l("Template"))
    parameters = FieldList(StringField(_l("Value")), max_entries=TEMPLATE_MAX_PARAMETERS)

    def fit(self, count: int, defaults: list[str]) -> None:
        """As many value fields as the template has parameters, prefilled where empty."""
        while len(self.parameters) > count:
            self.parameters.pop_entry()
        while len(self.parameters) < count:
            self.parameters.append_entry()
        for entry, default in zip(self.parameters, defaults, strict=False):
            if not entry.data:
                entry.data = default

    def values(self) -> list[str]:
        """The values as typed."""
        return [entry.data or "" for entry in self.parameters]

    def check_values(self) -> bool:
        """Each value as WhatsApp would accept it, else an error beside it."""
        fine = True
        for entry in self.parameters:
            problem = parameter_problem(entry.data or "")
            if problem:
                entry.errors = [template_problem_text(problem)]
                fine = False
        return fine
