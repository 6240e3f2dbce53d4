"""The Settings → WhatsApp Business form: types and presence here, the rules in the domain."""
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.settings_rules import (
    DEFAULT_TUNABLES,
    LIMITS,
    MODE_LABELS,
    OPTIONAL_LIMITS,
    OUT_OF_BOUNDS,
    SECTIONS,
    SWITCHES,
    TIMING,
    WORKLOAD,
    DistributionSettings,
)
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


def _tunable(name: str, label: str, hint: str, empty: str = "") -> Field:
    """The field of one tunable, of the kind and within the bounds the domain declares for it.

    A switch is a checkbox; an optional number may be left empty (`empty` says what that
    means); any other number is required.
    """
    if name in SWITCHES:
        default = "on" if getattr(DEFAULT_TUNABLES, name) else "off"
        return BooleanField(label, description=f"{hint} ({default} by default).")
    if name in OPTIONAL_LIMITS:
        lowest, highest = OPTIONAL_LIMITS[name]
        return IntegerField(label, description=f"{hint} (empty: {empty}).",
                            validators=[Optional(), NumberRange(lowest, highest, OUT_OF_BOUNDS)])
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
    max_open_chats = _tunable(
        "max_open_chats", "Maximum open chats per pre-seller",
        "At this many open chats a pre-seller gets no new lead (a returning lead still goes to "
        "its owner); Settings → Users may give someone their own maximum", empty="no limit")
    give_waiting_chats = _tunable(
        "give_waiting_chats", "Give waiting chats to pre-sellers as they become available",
        "Unassigned chats go out, longest waiting first, the moment someone eligible signs in, "
        "switches to Available or has room again")
    reassign_unanswered_minutes = _tunable(
        "reassign_unanswered_minutes", "Reassign a chat nobody answered within (minutes)",
        "A chat whose pre-seller has not answered its lead this long moves to another online "
        "pre-seller; with nobody else, managers see it flagged overdue", empty="off")

    TIMING, WORKLOAD = TIMING, WORKLOAD

    def tunables(self, section: str | None = None) -> list[Field]:
        """The tunables' fields (of one section of the page), in the domain table's order."""
        return [self[name] for name, where in SECTIONS.items() if section in (None, where)]

    def wanted(self) -> DistributionSettings:
        """The submitted settings, for the domain rules and the save."""
        return DistributionSettings(
            mode=self.mode.data, group_ids=frozenset(self.groups.data or ()),
            alternate_ids=frozenset(self.alternates.data or ()),
            offline_transfer_enabled=self.offline_transfer_enabled.data,
            offline_transfer_group_id=self.offline_transfer_group.data,
            **{field.name: field.data for field in self.tunables()})
