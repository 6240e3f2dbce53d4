"""Cloud API webhook payloads built by hand, for `simulate-inbound` and for trying routing."""
import base64
import secrets
from datetime import datetime
from typing import Any

from .payload import BUSINESS_ACCOUNT, MESSAGES_FIELD

SIMULATED_PHONE_NUMBER_ID = "100000000000001"
SIMULATED_DISPLAY_NUMBER = "15550000001"


def fresh_wamid() -> str:
    """A new id shaped like WhatsApp's (`wamid.` and base64)."""
    return "wamid." + base64.b64encode(b"\x15\x02\x00\x12" + secrets.token_bytes(20)).decode()


def text_delivery(*, wa_id: str | None, name: str, text: str, at: datetime,
                  user_id: str | None = None, wamid: str | None = None) -> dict:
    """A complete `messages` webhook delivery carrying one text message from a lead.

    A lead with a hidden number is given with `user_id` alone (no `from`, no `wa_id`).
    """
    return _delivery({"type": "text", "text": {"body": text}}, wa_id=wa_id, name=name, at=at,
                     user_id=user_id, wamid=wamid)


def image_delivery(*, wa_id: str | None, name: str, media_id: str, mime_type: str,
                   caption: str, at: datetime, user_id: str | None = None) -> dict:
    """A delivery carrying one photo from a lead: its media id, as WhatsApp sends it."""
    image = {"id": media_id, "mime_type": mime_type, **({"caption": caption} if caption else {})}
    return _delivery({"type": "image", "image": image}, wa_id=wa_id, name=name, at=at,
                     user_id=user_id)


def _delivery(content: dict, *, wa_id: str | None, name: str, at: datetime,
              user_id: str | None = None, wamid: str | None = None) -> dict:
    """A complete `messages` delivery of one message with this content from a lead."""
    contact: dict[str, Any] = {"profile": {"name": name}}
    message: dict[str, Any] = {"id": wamid or fresh_wamid(),
                               "timestamp": str(int(at.timestamp())), **content}
    if wa_id:
        contact["wa_id"] = message["from"] = wa_id
    if user_id:
        contact["user_id"] = message["from_user_id"] = user_id
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": SIMULATED_DISPLAY_NUMBER,
                          "phone_number_id": SIMULATED_PHONE_NUMBER_ID},
             "contacts": [contact], "messages": [message]}
    return {"object": BUSINESS_ACCOUNT,
            "entry": [{"id": SIMULATED_PHONE_NUMBER_ID,
                       "changes": [{"field": MESSAGES_FIELD, "value": value}]}]}
