"""The reply box and the transfer dialogs (one chat, or the chats ticked in the list)."""
import re

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from wtforms import Field, IntegerField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..domain.inputs import MAX_ID, parse_id, parse_whole_number
from ..domain.limits import REPLY_LENGTH, TRANSFER_NOTE_LENGTH
from ..forms import RelayForm


class ReplyForm(RelayForm):
    """A free-text reply to the lead."""

    text = TextAreaField(_l("Reply"), validators=[DataRequired(_l("Write a message first."))])

    def validate_text(self, field: Field) -> None:
        """WhatsApp's limit, said with how far over the text is (never cut silently)."""
        if len(field.data) > REPLY_LENGTH:
            raise ValidationError(_l(
                "This reply has %(count)s characters; WhatsApp takes at most %(max)s. "
                "Shorten it or send it in parts.", count=format_number(len(field.data)),
                max=format_number(REPLY_LENGTH)))


# A recipient as the dialogs' radios post it: "user:<id>" or "group:<id>".
RECIPIENT = re.compile(r"^(user|group):([1-9][0-9]{0,9})$")
PICK_RECIPIENT = _l("Pick the pre-seller or the group who should get the chat.")


class RecipientForm(RelayForm):
    """Who gets the chats (a pre-seller or a group) and an optional note."""

    to = StringField(_l("Transfer to"), validators=[InputRequired(PICK_RECIPIENT)])
    note = TextAreaField(_l("Note"), validators=[
        Optional(), Length(max=TRANSFER_NOTE_LENGTH,
                           message=_l("Keep the note under %(max)d characters."))])

    def validate_to(self, field: Field) -> None:
        """Only a person or a group, as the radios name them."""
        match = RECIPIENT.match(field.data or "")
        if not match or parse_id(match.group(2)) is None:
            raise ValidationError(PICK_RECIPIENT)

    def recipient(self) -> dict[str, int]:
        """The transfer's keyword naming its recipient: to_user_id or to_group_id."""
        match = RECIPIENT.match(self.to.data)
        if match is None:  # called before validate() refused it
            raise ValidationError(PICK_RECIPIENT)
        kind, number = match.groups()
        return {f"to_{kind}_id": int(number)}


class TransferForm(RecipientForm):
    """One chat's dialog: the recipient, a note, and the version the dialog was opened at."""

    version = IntegerField(validators=[InputRequired(_l("Reload the dialog and try again."))])


class ChatPicks(Field):
    """The chats ticked in the list, each as "<id>:<version the manager saw>"."""

    def _value(self) -> str:
        return ""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read every ticked chat; anything else is an error, never a guess."""
        self.data = []
        for value in valuelist:
            chat_id, _, version = value.partition(":")
            chat, seen = parse_id(chat_id), parse_whole_number(version, 0, MAX_ID)
            if chat is None or seen is None:
                raise ValueError(_l("Reload the list and tick the chats again."))
            self.data.append((chat, seen))


class BulkTransferForm(RecipientForm):
    """The ticked chats' dialog: the recipient, a note, the chats with their versions."""

    chat = ChatPicks()

    def validate_chat(self, field: Field) -> None:
        """At least one chat ticked (a damaged value already says to reload)."""
        if not field.data and not field.process_errors:
            raise ValidationError(_l("Tick the chats to transfer first."))
