"""The navigation menu by role, listing only pages that exist, and template helpers."""
from dataclasses import dataclass, field

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from .models import MANAGER, PRE_SELLER
from .services.accounts import user_is_online

# (label, endpoint or children, roles). Children are (label, endpoint).
MENU = (
    ("Inbox", "inbox.index", {PRE_SELLER}),
    ("Telephony", (("Chats (WhatsApp)", "telephony.chats"),), {MANAGER}),
    ("Settings", (("WhatsApp Business", "settings.whatsapp"),
                  ("Groups", "settings.groups"),
                  ("Users", "settings.users")), {MANAGER}),
)


@dataclass
class NavItem:
    """One menu entry, or a heading with children."""

    label: str
    url: str = ""
    active: bool = False
    children: list["NavItem"] = field(default_factory=list)


def _link(label: str, endpoint: str) -> NavItem | None:
    """A link to an endpoint, or None when that page does not exist (yet)."""
    if endpoint not in current_app.view_functions:
        return None
    return NavItem(label, url_for(endpoint), request.endpoint == endpoint)


def nav_items() -> list[NavItem]:
    """The signed-in user's menu."""
    items = []
    for label, target, roles in MENU:
        if current_user.role not in roles:
            continue
        if isinstance(target, str):
            item = _link(label, target)
        else:
            children = [c for c in (_link(*child) for child in target) if c]
            item = NavItem(label, children=children) if children else None
        if item:
            items.append(item)
    return items


def register_template_helpers(app: Flask) -> None:
    """Make the menu and the presence rule available to every template."""
    app.jinja_env.globals.update(nav_items=nav_items, is_online=user_is_online)
