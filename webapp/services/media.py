"""Inbound media files: noted when their message is stored, downloaded in the background,
kept content-addressed under MEDIA_ROOT, served only to people who may see the chat.

`fetch_pending_media(now)` is a plain function (the jobs process runs it every few seconds,
and the delivery consumer may call it too): it reads the due files, downloads them with no
row written meanwhile, then records every outcome at once and flushes; the caller commits.
"""
import hashlib
import logging
import mimetypes
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..domain import media as rules
from ..domain.codes import MediaState
from ..domain.limits import FILE_NAME_LENGTH, MEDIA_ERROR_LENGTH
from ..extensions import db
from ..models import Message, MessageMedia, User
from ..whatsapp.client import WhatsAppError
from ..whatsapp.media import MediaSource, MediaTooLarge, media_source
from ..whatsapp.records import MediaRef
from .conversations import visible_chat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    """A file now kept: where, what, how big."""

    path: str
    mime_type: str
    size: int


@dataclass(frozen=True)
class NotFetched:
    """Why a try failed, and whether trying again could help."""

    error: str
    final: bool = False


@dataclass(frozen=True)
class FetchReport:
    """What one run did: files kept, tries left for later, files given up on."""

    stored: int = 0
    retrying: int = 0
    unavailable: int = 0


def note_media(message: Message, ref: MediaRef | None, now: datetime) -> None:
    """Remember the file of a newly stored inbound message, to be downloaded at once."""
    if ref is None:
        return
    db.session.add(MessageMedia(message_id=message.id, chat_id=message.chat_id,
                                media_id=ref.media_id, kind=ref.kind, mime_type=ref.mime_type,
                                file_name=ref.file_name, state=MediaState.PENDING,
                                next_attempt_at=now))
    db.session.flush()


def fetch_pending_media(now: datetime, *, config: Mapping | None = None,
                        source: MediaSource | None = None) -> FetchReport:
    """Download the files that are due (a few per run), then record each outcome: kept, to
    be tried again later (with a growing wait), or unavailable. Flushes, never commits."""
    config = config if config is not None else current_app.config
    source = source or media_source(config)
    due = list(db.session.scalars(
        select(MessageMedia)
        .where(MessageMedia.state == MediaState.PENDING, MessageMedia.next_attempt_at <= now)
        .order_by(MessageMedia.next_attempt_at, MessageMedia.id).limit(rules.BATCH)
        .with_for_update(skip_locked=True)))  # PostgreSQL: two fetchers take different files
    outcomes = [(row, _fetch(row, source, Path(config["MEDIA_ROOT"]))) for row in due]
    stored = retrying = unavailable = 0
    for row, outcome in outcomes:
        if isinstance(outcome, Fetched):
            _kept(row, outcome, now)
            stored += 1
        elif _failed(row, outcome, now):
            retrying += 1
        else:
            unavailable += 1
    db.session.flush()
    return FetchReport(stored, retrying, unavailable)


def _fetch(row: MessageMedia, source: MediaSource, root: Path) -> Fetched | NotFetched:
    """One download: what the id stands for, its type and size checked, then its bytes."""
    try:
        info = source.info(row.media_id)
        mime = rules.plain_mime(info.mime_type) or rules.plain_mime(row.mime_type)
        refused = rules.refusal(row.kind, mime, info.size)
        if refused:
            return NotFetched(refused, final=True)
        path, size = _store(root, lambda sink: source.download(
            info, rules.max_bytes(row.kind), sink))
    except MediaTooLarge:
        return NotFetched(rules.TOO_LARGE, final=True)
    except WhatsAppError as error:
        log.warning("media %s not fetched: %s", row.id, error.code or error.data)
        return NotFetched(f"whatsapp:{error.code}" if error.code else error.data)
    except OSError as error:  # the disk is full or MEDIA_ROOT is not writable
        log.error("media %s could not be written: %s", row.id, type(error).__name__)
        return NotFetched(f"relay:disk:{type(error).__name__}")
    return Fetched(path, mime, size)


class _HashingFile:
    """A file being written, and the SHA-256 of what was written to it."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def write(self, chunk: bytes) -> int:
        self.digest.update(chunk)
        return self.handle.write(chunk)


def _store(root: Path, download) -> tuple[str, int]:
    """Download into a private temporary file, then keep it under its content's hash
    (`ab/cd/<sha256>`, 0600): the same file twice is kept once."""
    incoming = root / ".incoming"
    incoming.mkdir(mode=0o700, parents=True, exist_ok=True)
    draft = incoming / secrets.token_hex(8)
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            sink = _HashingFile(handle)
            size = download(sink)
        digest = sink.digest.hexdigest()
        relative = f"{digest[:2]}/{digest[2:4]}/{digest}"
        (root / relative).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(draft, root / relative)
    finally:
        draft.unlink(missing_ok=True)
    return relative, size


def _kept(row: MessageMedia, fetched: Fetched, now: datetime) -> None:
    """The file is here: what it is, and a name to download it by."""
    row.state, row.path, row.mime_type, row.size = (MediaState.STORED, fetched.path,
                                                    fetched.mime_type, fetched.size)
    row.attempts += 1
    row.fetched_at, row.next_attempt_at, row.error = now, None, None
    if not row.file_name:
        extension = mimetypes.guess_extension(fetched.mime_type) or ""
        row.file_name = f"{row.kind}-{row.message_id}{extension}"[:FILE_NAME_LENGTH]


def _failed(row: MessageMedia, outcome: NotFetched, now: datetime) -> bool:
    """Note a failed try; True when it will be tried again, False when it is given up."""
    row.attempts += 1
    row.error = outcome.error[:MEDIA_ERROR_LENGTH]
    retry_at = None if outcome.final else rules.next_attempt(row.attempts, now)
    row.next_attempt_at = retry_at
    if retry_at is None:
        row.state = MediaState.UNAVAILABLE
    return retry_at is not None


def media_for_viewer(chat_id: int, message_id: int, user: User) -> MessageMedia | None:
    """A kept file of a chat this person may see; None otherwise (the page answers 404)."""
    if visible_chat(chat_id, user) is None:
        return None
    return db.session.scalar(select(MessageMedia).where(
        MessageMedia.chat_id == chat_id, MessageMedia.message_id == message_id,
        MessageMedia.state == MediaState.STORED))


def file_path(media: MessageMedia, config: Mapping | None = None) -> Path:
    """Where a kept file is on disk."""
    config = config if config is not None else current_app.config
    return Path(config["MEDIA_ROOT"]) / str(media.path)
