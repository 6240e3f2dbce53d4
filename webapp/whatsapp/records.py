"""What a webhook delivery holds, as typed records: the messages of leads (and their files),
the delivery states of our own messages, and why WhatsApp could not deliver one.

payload.py reads a delivery's JSON into these; the services take them from there.
"""
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MediaRef:
    """The file a media message carries: WhatsApp's media id, what WhatsApp says it is, and
    a document's file name."""

    media_id: str
    kind: str
    mime_type: str
    file_name: str = ""


@dataclass(frozen=True)
class InboundMessage:
    """A message from a lead: its text (what the lead or WhatsApp wrote) and, for anything but
    plain text, its placeholder's facts (placeholders.describe)."""

    wamid: str
    wa_id: str | None
    user_id: str | None
    name: str
    sent_at: datetime
    type: str
    text: str
    details: dict | None = None
    where: str = ""  # its place in the delivery, to name it when it is refused
    media: MediaRef | None = None  # the file of an image, audio, video, document, sticker


@dataclass(frozen=True)
class DeliveryError:
    """Why WhatsApp could not deliver one of our messages."""

    code: int | None
    title: str
    details: str


@dataclass(frozen=True)
class StatusUpdate:
    """The delivery state of one of our outbound messages."""

    wamid: str
    status: str
    at: datetime
    errors: tuple[DeliveryError, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """Everything one webhook POST carried: messages in their own time order, statuses, and
    the items refused alone ("<where>: <why>")."""

    messages: tuple[InboundMessage, ...]
    statuses: tuple[StatusUpdate, ...]
    ignored: tuple[str, ...]
    refused: tuple[str, ...] = ()
