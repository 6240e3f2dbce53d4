"""Inbound media files: the Cloud API's two steps (media id → a short-lived URL and what the
file is; then the bytes, with the access token), and the sandbox's local store.

Downloads stream into the file the caller gives, and stop as soon as they pass the limit.
"""
import json
import logging
import mimetypes
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

import requests

from .client import WhatsAppError, answer_document, transport_error
from .errors import relay_failure

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
# Where the Cloud API's media URLs point (lookaside.fbsbx.com today); the token is sent to
# these hosts, or to the API's own host, and to no other.
TRUSTED_MEDIA_HOSTS = ("fbsbx.com", "facebook.com", "whatsapp.net", "fbcdn.net")
SANDBOX_PREFIX = "sandbox-"
SANDBOX_FOLDER = "sandbox"


class MediaTooLarge(Exception):
    """The file passed the size limit of its kind while it was being downloaded."""


@dataclass(frozen=True)
class MediaInfo:
    """What the media id stands for: where to download it, its type and its size if said."""

    url: str
    mime_type: str
    size: int | None


class MediaSource(Protocol):
    """Where inbound files come from: the Cloud API, or the sandbox's store."""

    def info(self, media_id: str) -> MediaInfo: ...

    def download(self, info: MediaInfo, max_bytes: int, sink: BinaryIO) -> int: ...


class CloudMedia:
    """Files of the Cloud API, asked for with the access token."""

    def __init__(self, *, base_url: str, access_token: str, timeout):
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token
        self.timeout = timeout

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.access_token}"}

    def info(self, media_id: str) -> MediaInfo:
        """GET /{media id}: the file's URL (valid for minutes), MIME type and size."""
        try:
            response = requests.get(f"{self.base_url}/{media_id}", headers=self._headers(),
                                    timeout=self.timeout)
        except requests.RequestException as error:
            raise transport_error(error) from error
        document = answer_document(response)
        url, mime = document.get("url"), document.get("mime_type")
        if not isinstance(url, str) or not isinstance(mime, str):
            raise WhatsAppError(relay_failure("no_media_url"))
        return MediaInfo(url=url, mime_type=mime, size=_size(document.get("file_size")))

    def download(self, info: MediaInfo, max_bytes: int, sink: BinaryIO) -> int:
        """Stream the file into `sink`; returns its size. Raises MediaTooLarge past the limit."""
        if not self._trusted(info.url):
            raise WhatsAppError(relay_failure("untrusted_media_url"))
        try:
            with requests.get(info.url, headers=self._headers(), timeout=self.timeout,
                              stream=True) as response:
                if response.status_code >= 400:
                    raise WhatsAppError(relay_failure("http", response.status_code))
                declared = _size(response.headers.get("Content-Length"))
                if declared is not None and declared > max_bytes:
                    raise MediaTooLarge()
                return _copy(response.iter_content(CHUNK), max_bytes, sink)
        except requests.RequestException as error:
            raise transport_error(error) from error

    def _trusted(self, url: str) -> bool:
        """Meta's media hosts (over HTTPS), or the API's own host."""
        parts, api = urlsplit(url), urlsplit(self.base_url)
        host = (parts.hostname or "").lower()
        if parts.scheme == api.scheme and parts.netloc == api.netloc:
            return True
        return parts.scheme == "https" and any(
            host == trusted or host.endswith("." + trusted) for trusted in TRUSTED_MEDIA_HOSTS)


def _size(value) -> int | None:
    """A size WhatsApp gives as a number or a string of digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def _copy(chunks, max_bytes: int, sink: BinaryIO) -> int:
    """Write chunks into sink, stopping once past max_bytes; returns the bytes written."""
    written = 0
    for chunk in chunks:
        written += len(chunk)
        if written > max_bytes:
            raise MediaTooLarge()
        sink.write(chunk)
    return written


class SandboxMedia:
    """Files `simulate-inbound --image` put in the sandbox store (MEDIA_ROOT/sandbox), each
    under its sandbox media id with its MIME type beside it."""

    def __init__(self, media_root: str):
        self.folder = Path(media_root) / SANDBOX_FOLDER

    def info(self, media_id: str) -> MediaInfo:
        """The stored file's type and size; an unknown id is WhatsApp's 'not found'."""
        path = self._path(media_id)
        if path is None or not path.is_file():
            raise WhatsAppError(relay_failure("no_media_url"))
        meta = json.loads(path.with_suffix(".json").read_text())
        return MediaInfo(url=str(path), mime_type=meta["mime_type"], size=path.stat().st_size)

    def download(self, info: MediaInfo, max_bytes: int, sink: BinaryIO) -> int:
        """Copy the stored file into sink."""
        with open(info.url, "rb") as source:
            return _copy(iter(lambda: source.read(CHUNK), b""), max_bytes, sink)

    def _path(self, media_id: str) -> Path | None:
        """Where a sandbox id's file is; None for anything but a sandbox id."""
        token = media_id.removeprefix(SANDBOX_PREFIX)
        if not media_id.startswith(SANDBOX_PREFIX) or not token.isalnum():
            return None
        return self.folder / token

    def put(self, source: Path) -> tuple[str, str]:
        """Copy a local file into the store; returns its sandbox media id and MIME type."""
        mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        token = secrets.token_hex(12)
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, self.folder / token)
        (self.folder / f"{token}.json").write_text(json.dumps({"mime_type": mime}))
        return SANDBOX_PREFIX + token, mime


def media_source(config) -> CloudMedia | SandboxMedia:
    """The sandbox's store without an access token, else the Cloud API."""
    if config.get("SANDBOX") or not config.get("WHATSAPP_ACCESS_TOKEN"):
        return SandboxMedia(config["MEDIA_ROOT"])
    return CloudMedia(base_url=config["WHATSAPP_API_BASE_URL"],
                      access_token=config["WHATSAPP_ACCESS_TOKEN"],
                      timeout=config.get("WHATSAPP_API_TIMEOUT", (3.05, 10)))
