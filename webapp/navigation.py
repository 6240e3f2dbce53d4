"""The navigation menu by role, and template helpers."""
from dataclasses import dataclass, field

from flask import Flask, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .domain import limits
from .domain.codes import (
    ChatAction,
    ChatStatus,
    Direction,
    MediaState,
    MessageKind,
    MessageStatus,
    Presence,
)
from .domain.presence import LEAVING_GRACE
from .models import MANAGER, PRE_SELLER
from .services.accounts import user_is_online, user_presence
from .wording import open_chats_text, presence_word

# (label, endpoint or children, roles). Children are (label, endpoint).
MENU = (
    (_l("Inbox"), "inbox.index", {PRE_SELLER}),
    (_l("Telephony"), ((_l("Chats (WhatsApp)"), "telephony.chats"),
                       (_l("Dashboard"), "telephony.dashboard")), {MANAGER}),
    (_l("Settings"), (("WhatsApp Business", "settings.whatsapp"),
                      (_l("Groups"), "settings.groups"),
                      (_l("Users"), "settings.users"),
                      (_l("Quick replies"), "settings.quick_replies"),
                      (_l("API tokens"), "settings.api_tokens_page"),
                      (_l("Failed deliveries"), "settings.deliveries_page")), {MANAGER}),
)


@dataclass
class NavItem:
    """One menu entry, or a heading with children."""

    label: str
    url: str = ""
    active: bool = False
    children: list["NavItem"] = field(default_factory=list)


def _link(label: str, endpoint: str) -> NavItem:
    """A link to an endpoint, marked active on its own page."""
    return NavItem(label, url_for(endpoint), request.endpoint == endpoint)


def nav_items() -> list[NavItem]:
    """The signed-in user's menu."""
    return [_link(label, target) if isinstance(target, str)
            else NavItem(label, children=[_link(*child) for child in target])
            for label, target, roles in MENU if current_user.role in roles]


def register_template_helpers(app: Flask) -> None:
    """Give every template the menu, the presence rule (and presence.js's leaving grace), the
    stored codes and the limits.

    Pages compare with the codes and size their inputs by the limits, never by literals.
    """
    app.jinja_env.globals.update(nav_items=nav_items, is_online=user_is_online,
                                 presence_of=user_presence, presence_word=presence_word,
                                 open_chats_text=open_chats_text,
                                 limits=limits, ChatAction=ChatAction, ChatStatus=ChatStatus,
                                 Direction=Direction, MessageStatus=MessageStatus,
                                 MediaState=MediaState, MessageKind=MessageKind,
                                 Presence=Presence,
                                 leaving_grace_seconds=int(LEAVING_GRACE.total_seconds()))
