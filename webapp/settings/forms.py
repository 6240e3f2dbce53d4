"""The Settings → WhatsApp Business form: types and presence here, the rules in the domain."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, IntegerField, RadioField, SelectChoice, SelectField,
                     SelectMultipleField)
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.settings_rules import MODE_LABELS, DistributionSettings


class CheckboxListField(SelectMultipleField):
    """A multi-select shown as a list of labelled checkboxes (easier by keyboard and touch)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_id(value) -> int | None:
    """'' (no group chosen) becomes None; anything else an id."""
    return int(value) if value not in ("", None, "None") else None


class WhatsAppSettingsForm(FlaskForm):
    """Distribution mode, groups, alternates, offline transfer and the tunables."""

    mode = RadioField("Intelligent distribution of new chats",
                      choices=[SelectChoice(value, label) for value, label in MODE_LABELS],
                      validators=[InputRequired("Choose how new chats are distributed.")])
    # Choices are filled by the view; the domain rules say what a wrong choice means.
    groups = CheckboxListField("Selected groups", coerce=int, validate_choice=False)
    alternates = CheckboxListField("Alternate new chat recipients", coerce=int,
                                   validate_choice=False)
    offline_transfer_enabled = BooleanField("Transfer chats away from owners who went offline")
    offline_transfer_group = SelectField("Transfer group", coerce=_optional_id,
                                         validate_choice=False)
    activity_window_minutes = IntegerField(
        "Activity window (minutes)", validators=[InputRequired("Enter a whole number.")])
    presence_timeout_seconds = IntegerField(
        "Presence timeout (seconds)", validators=[InputRequired("Enter a whole number.")])
    offline_grace_seconds = IntegerField(
        "Offline grace (seconds)", validators=[InputRequired("Enter a whole number.")])

    def wanted(self) -> DistributionSettings:
        """The submitted settings, for the domain rules and the save."""
        return DistributionSettings(
            mode=self.mode.data, group_ids=frozenset(self.groups.data or ()),
            alternate_ids=frozenset(self.alternates.data or ()),
            offline_transfer_enabled=self.offline_transfer_enabled.data,
            offline_transfer_group_id=self.offline_transfer_group.data,
            activity_window_minutes=self.activity_window_minutes.data,
            presence_timeout_seconds=self.presence_timeout_seconds.data,
            offline_grace_seconds=self.offline_grace_seconds.data)
