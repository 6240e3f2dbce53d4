"""The Settings → WhatsApp Business form: types and presence here, the rules in the domain."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
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


def _described(hint: str, **default) -> LazyString:
    """A tunable's hint with its default, said in the reader's language when shown."""
    if "on" in default:
        return LazyString(lambda: _("%(hint)s (on by default).", hint=hint) if default["on"]
                          else _("%(hint)s (off by default).", hint=hint))
    if "empty" in default:
        return LazyString(lambda: _("%(hint)s (empty: %(empty)s).", hint=hint,
                                    empty=default["empty"]))
    return LazyString(lambda: _("%(hint)s (default %(default)s).", hint=hint,
                                default=default["value"]))


def _tunable(name: str, label: str, hint: str, empty: str = "") -> Field:
    """The field of one tunable, of the kind and within the bounds the domain declares for it.

    A switch is a checkbox; an optional number may be left empty (`empty` says what that
    means); any other number is required.
    """
    if name in SWITCHES:
        return BooleanField(label, description=_described(hint,
                                                           on=getattr(DEFAULT_TUNABLES, name)))
    if name in OPTIONAL_LIMITS:
        lowest, highest = OPTIONAL_LIMITS[name]
        return IntegerField(label, description=_described(hint, empty=empty),
                            validators=[Optional(),
                                        NumberRange(lowest, highest, _l(OUT_OF_BOUNDS))])
    lowest, highest = LIMITS[name]
    return IntegerField(label, description=_described(hint,
                                                      value=getattr(DEFAULT_TUNABLES, name)),
                        validators=[InputRequired(_l("Enter a whole number.")),
                                    NumberRange(lowest, highest, _l(OUT_OF_BOUNDS))])


class WhatsAppSettingsForm(RelayForm):
    """Distribution mode, groups, alternates, offline transfer and the tunables.

    Filled from the stored settings with `obj=`; the fields the model names otherwise are
    given by the view.
    """

    mode = RadioField(_l("Intelligent distribution of new chats"),
                      choices=[SelectChoice(value, _l(label)) for value, label in MODE_LABELS],
                      validators=[InputRequired(_l("Choose how new chats are distributed."))])
    # Choices are filled by the view; the domain rules say what a wrong choice means.
    groups = CheckboxListField(_l("Selected groups"), coerce=database_id, validate_choice=False)
    alternates = CheckboxListField(_l("Alternate new chat recipients"), coerce=database_id,
                                   validate_choice=False)
    offline_transfer_enabled = BooleanField(_l("Transfer chats away from owners who went offline"))
    offline_transfer_group = SelectField(_l("Transfer group"), coerce=_group_id,
                                         validate_choice=False)
    activity_window_minutes = _tunable(
        "activity_window_minutes", _l("Activity window (minutes)"),
        _l("Chats whose lead wrote within this window count as in activity"))
    presence_timeout_seconds = _tunable(
        "presence_timeout_seconds", _l("Presence timeout (seconds)"),
        _l("Seen within this long counts as online"))
    offline_grace_seconds = _tunable(
        "offline_grace_seconds", _l("Offline grace (seconds)"),
        _l("How long an owner may be offline before their waiting chats move"))
    max_open_chats = _tunable(
        "max_open_chats", _l("Maximum open chats per pre-seller"),
        _l("At this many open chats a pre-seller gets no new lead (a returning lead still goes "
           "to its owner); Settings → Users may give someone their own maximum"),
        empty=_l("no limit"))
    give_waiting_chats = _tunable(
        "give_waiting_chats", _l("Give waiting chats to pre-sellers as they become available"),
        _l("Unassigned chats go out, longest waiting first, the moment someone eligible signs "
           "in, switches to Available or has room again"))
    reassign_unanswered_minutes = _tunable(
        "reassign_unanswered_minutes", _l("Reassign a chat nobody answered within (minutes)"),
        _l("A chat whose pre-seller has not answered its lead this long moves to another "
           "online pre-seller; with nobody else, managers see it flagged overdue"),
        empty=_l("off"))

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
