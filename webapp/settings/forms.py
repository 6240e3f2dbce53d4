"""The Settings → WhatsApp Business form: types and presence here, the rules in the domain."""
from wtforms import (BooleanField, Field, IntegerField, RadioField, SelectChoice, SelectField,
                     SelectMultipleField)
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.settings_rules import (DEFAULT_TUNABLES, LIMITS, MODE_LABELS, OUT_OF_BOUNDS,
                                     DistributionSettings)
from ..forms import RelayForm, database_id


class CheckboxListField(SelectMultipleField):
    """A multi-select shown as a list of labelled checkboxes (easier by keyboard and touch)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _group_id(value) -> int | None:
    """'' (no group chosen) becomes None; the stored settings give their group, a form an id."""
    if value in ("", None, "None"):
        return None
    return database_id(getattr(value, "id", value))


def _tunable(name: str, label: str, hint: str) -> IntegerField:
    """The field of one tunable, validated by the bounds the domain declares for it."""
    lowest, highest = LIMITS[name]
    return IntegerField(label, description=f"{hint} (default {getattr(DEFAULT_TUNABLES, name)}).",
                        validators=[InputRequired("Enter a whole number."),
                                    NumberRange(lowest, highest, OUT_OF_BOUNDS)])


class WhatsAppSettingsForm(RelayForm):
    """Distribution mode, groups, alternates, offline transfer and the tunables.

    Filled from the stored settings with `obj=`; the fields the model names otherwise are
    given by the view.
    """

    mode = RadioField("Intelligent distribution of new chats",
                      choices=[SelectChoice(value, label) for value, label in MODE_LABELS],
                      validators=[InputRequired("Choose how new chats are distributed.")])
    # Choices are filled by the view; the domain rules say what a wrong choice means.
    groups = CheckboxListField("Selected groups", coerce=database_id, validate_choice=False)
    alternates = CheckboxListField("Alternate new chat recipients", coerce=database_id,
                                   validate_choice=False)
    offline_transfer_enabled = BooleanField("Transfer chats away from owners who went offline")
    offline_transfer_group = SelectField("Transfer group", coerce=_group_id,
                                         validate_choice=False)
    activity_window_minutes = _tunable(
        "activity_window_minutes", "Activity window (minutes)",
        "Chats whose lead wrote within this window count as in activity")
    presence_timeout_seconds = _tunable(
        "presence_timeout_seconds", "Presence timeout (seconds)",
        "Seen within this long counts as online")
    offline_grace_seconds = _tunable(
        "offline_grace_seconds", "Offline grace (seconds)",
        "How long an owner may be offline before their waiting chats move")

    def tunables(self) -> list[Field]:
        """The tunables' fields, in the domain table's order."""
        return [self[name] for name in LIMITS]

    def wanted(self) -> DistributionSettings:
        """The submitted settings, for the domain rules and the save."""
        return DistributionSettings(
            mode=self.mode.data, group_ids=frozenset(self.groups.data or ()),
            alternate_ids=frozenset(self.alternates.data or ()),
            offline_transfer_enabled=self.offline_transfer_enabled.data,
            offline_transfer_group_id=self.offline_transfer_group.data,
            **{field.name: field.data for field in self.tunables()})
