"""The reply box and the transfer dialog."""
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..domain.limits import REPLY_LENGTH, TRANSFER_NOTE_LENGTH
from ..forms import IdField, RelayForm


class ReplyForm(RelayForm):
    """A free-text reply to the lead."""

    text = TextAreaField("Reply", validators=[
        DataRequired("Write a message first."),
        Length(max=REPLY_LENGTH, message=f"Keep it under {REPLY_LENGTH} characters.")])


class TransferForm(RelayForm):
    """Who gets the chat, an optional note, and the version the dialog was opened at."""

    to_user_id = IdField("Transfer to", validators=[
        InputRequired("Pick the pre-seller who should get the chat.")])
    version = IntegerField(validators=[InputRequired("Reload the dialog and try again.")])
    note = TextAreaField("Note", validators=[
        Optional(), Length(max=TRANSFER_NOTE_LENGTH,
                           message=f"Keep the note under {TRANSFER_NOTE_LENGTH} characters.")])
