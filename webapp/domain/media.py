"""Inbound media: which messages carry a file, which files Relay keeps, and how often a
failed download is tried again (pure)."""
from datetime import datetime, timedelta

from .limits import MEDIA_MAX_BYTES, MEDIA_TYPES

# WhatsApp's message types that carry a file, by the kind Relay keeps it as (a GIF is a
# silent MP4 video).
MEDIA_KINDS = {"image": "image", "sticker": "sticker", "audio": "audio", "video": "video",
               "gif": "video", "document": "document"}
# Waits before each new try of a failed download; after the last one it is unavailable.
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10),
                timedelta(minutes=30))
# How many files one run fetches, so a run (and its lease) stays short.
BATCH = 5

TOO_LARGE, NOT_ALLOWED = "too_large", "type_not_allowed"


def media_kind(message_type: str) -> str | None:
    """The kind a message's file is kept as, or None for messages without a file."""
    return MEDIA_KINDS.get(message_type)


def plain_mime(mime_type: str | None) -> str:
    """'audio/ogg; codecs=opus' → 'audio/ogg': the type without its parameters."""
    return (mime_type or "").split(";")[0].strip().lower()


def refusal(kind: str, mime_type: str | None, size: int | None) -> str | None:
    """Why a file of this kind is not kept (too_large, type_not_allowed), or None."""
    if plain_mime(mime_type) not in MEDIA_TYPES.get(kind, ()):
        return NOT_ALLOWED
    if size is not None and size > max_bytes(kind):
        return TOO_LARGE
    return None


def max_bytes(kind: str) -> int:
    """The largest file of this kind Relay keeps."""
    return MEDIA_MAX_BYTES[kind]


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try a download again after `attempts` failures; None: give up."""
    if attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]


def shown_inline(kind: str) -> bool:
    """Photos, stickers, audio and video play in the page; documents are only downloaded."""
    return kind != "document"
