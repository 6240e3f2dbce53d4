"""The Cloud API messages endpoint over HTTP with bounded timeouts, and the sandbox stand-in.

Without WHATSAPP_ACCESS_TOKEN the app runs in sandbox mode: replies are recorded, nothing
leaves the machine.
"""
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError

from .errors import failure_text, meta_words, relay_failure
from .payload import error_from_json

log = logging.getLogger(__name__)


class WhatsAppError(Exception):
    """The Cloud API refused or could not take a message; str() is a readable reason.

    `code` is WhatsApp's error code and `data` WhatsApp's own words, or the kind of failure
    Relay met (`relay:<kind>`): what a reply keeps, for pages to word (errors.failure_text).
    `outcome_unknown` is True when the request may have reached WhatsApp (it stopped
    answering, or the connection broke after sending): such a message must not be sent again.
    """

    def __init__(self, data: str, code: int | None = None, *, outcome_unknown: bool = False):
        super().__init__(failure_text(code, data))
        self.data = data
        self.code = code
        self.outcome_unknown = outcome_unknown


@dataclass(frozen=True)
class TemplateCall:
    """A template to send: its name, its language code and its body parameters in order."""

    name: str
    language: str
    parameters: tuple[str, ...] = ()


class CloudApiClient:
    """Sends messages through `{base}/{phone number id}/messages` with a bearer token."""

    sandbox = False

    def __init__(self, *, base_url: str, phone_number_id: str, access_token: str,
                 timeout: float | tuple[float, float]):
        self.url = f"{base_url.rstrip('/')}/{phone_number_id}/messages"
        self.access_token = access_token
        self.timeout = timeout

    def send_text(self, *, wa_id: str | None, user_id: str | None, text: str) -> str:
        """Send a text message to a lead; returns its wamid or raises WhatsAppError.

        A lead with a hidden number is addressed by its business-scoped user id.
        """
        return self._send(wa_id, user_id, {"type": "text",
                                            "text": {"preview_url": False, "body": text}})

    def send_template(self, *, wa_id: str | None, user_id: str | None,
                      template: TemplateCall) -> str:
        """Send an approved template with its body parameters; returns its wamid or raises
        WhatsAppError (132001: no such template, 132015: paused...)."""
        call: dict[str, Any] = {"name": template.name, "language": {"code": template.language}}
        if template.parameters:
            call["components"] = [{"type": "body", "parameters": [
                {"type": "text", "text": value} for value in template.parameters]}]
        return self._send(wa_id, user_id, {"type": "template", "template": call})

    def _send(self, wa_id: str | None, user_id: str | None, message: dict) -> str:
        """POST one message to the lead (by number, or by user id for a hidden number)."""
        payload: dict[str, Any] = {"messaging_product": "whatsapp",
                                   "recipient_type": "individual", **message}
        payload.update({"to": wa_id} if wa_id else {"recipient": user_id})
        try:
            response = requests.post(self.url, json=payload, timeout=self.timeout,
                                     headers={"Authorization": f"Bearer {self.access_token}"})
        except requests.RequestException as error:
            raise transport_error(error) from error
        return _wamid(response)


class SandboxClient:
    """Records replies without calling WhatsApp (no access token configured)."""

    sandbox = True

    def send_text(self, *, wa_id: str | None, user_id: str | None, text: str) -> str:
        """A generated id in place of a real wamid."""
        return f"sandbox.{uuid.uuid4().hex}"

    def send_template(self, *, wa_id: str | None, user_id: str | None,
                      template: TemplateCall) -> str:
        """A generated id in place of a real wamid."""
        return f"sandbox.{uuid.uuid4().hex}"


# Failures that happen before any byte of the request can have reached WhatsApp.
_NOT_SENT = (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError,
             requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
             requests.exceptions.InvalidSchema, requests.exceptions.InvalidHeader)


def _surely_not_sent(error: requests.RequestException) -> bool:
    """True when the request never left: no connection, or a request that could not be made."""
    if isinstance(error, _NOT_SENT):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(error, requests.exceptions.ConnectionError) and \
        isinstance(reason, NewConnectionError)


def transport_error(error: requests.RequestException) -> WhatsAppError:
    """What a failed HTTP exchange means for the reply: surely not sent, or maybe sent."""
    if _surely_not_sent(error):
        log.warning("WhatsApp API unreachable: %s", type(error).__name__)
        return WhatsAppError(relay_failure("unreachable"))
    log.warning("WhatsApp API gave no answer: %s", type(error).__name__)
    kind = "timeout" if isinstance(error, requests.exceptions.ReadTimeout) else "broken"
    return WhatsAppError(relay_failure(kind), outcome_unknown=True)


def answer_document(response: requests.Response) -> dict:
    """A Graph API answer as a JSON object, or its error as a WhatsAppError."""
    try:
        document = response.json()
    except ValueError:
        document = None
    if response.status_code >= 400 or not isinstance(document, dict):
        error = document.get("error") if isinstance(document, dict) else None
        if not isinstance(error, dict):
            raise WhatsAppError(relay_failure("http", response.status_code))
        parsed = error_from_json(error)
        log.warning("WhatsApp API error %s: %s", parsed.code, error)
        raise WhatsAppError(meta_words(parsed), parsed.code)
    return document


def _wamid(response: requests.Response) -> str:
    """The new message's id from a Cloud API answer, or its error as a WhatsAppError."""
    document = answer_document(response)
    messages = document.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict) \
            and isinstance(messages[0].get("id"), str):
        return messages[0]["id"]
    raise WhatsAppError(relay_failure("no_id"))


def client_for(config: Mapping) -> CloudApiClient | SandboxClient:
    """The client the configuration asks for: sandbox without an access token."""
    if config.get("SANDBOX") or not config.get("WHATSAPP_ACCESS_TOKEN"):
        return SandboxClient()
    if not config.get("WHATSAPP_PHONE_NUMBER_ID"):
        raise WhatsAppError(relay_failure("not_configured"))
    return CloudApiClient(base_url=config["WHATSAPP_API_BASE_URL"],
                          phone_number_id=config["WHATSAPP_PHONE_NUMBER_ID"],
                          access_token=config["WHATSAPP_ACCESS_TOKEN"],
                          timeout=config.get("WHATSAPP_API_TIMEOUT", (3.05, 10)))
