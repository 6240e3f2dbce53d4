"""Words for the codes Relay stores (roles, reasons, delivery states), in the viewer's
language.

The database keeps codes; pages show these labels, so a code reads the same everywhere.
"""
from flask import Flask
from flask_babel import lazy_gettext as _l

from .domain.codes import MessageStatus, RoutingReason, TemplateCategory
from .models import MANAGER, PRE_SELLER

ROLES = {MANAGER: _l("Manager"), PRE_SELLER: _l("Pre-seller")}
# Why a chat went where it did (the history's Reason column).
REASONS: dict[str, str] = {
    RoutingReason.OWNER: _l("Owner"), RoutingReason.DISTRIBUTION: _l("Distribution"),
    RoutingReason.GROUP: _l("Group"), RoutingReason.ALTERNATE: _l("Alternate recipient"),
    RoutingReason.UNASSIGNED: _l("Unassigned"),
    RoutingReason.OFFLINE_TRANSFER: _l("Offline parent chat transfer"),
    RoutingReason.MANUAL_TRANSFER: _l("Manual transfer"),
}
# Delivery states of outbound messages, as a person would say them.
DELIVERY_STATES: dict[str, str] = {
    MessageStatus.PENDING: _l("Sending…"),
    MessageStatus.SANDBOX: _l("Sandbox — recorded, not sent"), MessageStatus.SENT: _l("Sent"),
    MessageStatus.DELIVERED: _l("Delivered"), MessageStatus.READ: _l("Read"),
    MessageStatus.FAILED: _l("Not delivered"),
}

# Meta's template categories.
TEMPLATE_CATEGORIES: dict[str, str] = {
    TemplateCategory.UTILITY: _l("Utility"), TemplateCategory.MARKETING: _l("Marketing"),
    TemplateCategory.AUTHENTICATION: _l("Authentication"),
}


def role_label(role: str) -> str:
    """'Manager', 'Pré-vendedor'…: a role as the viewer says it."""
    return str(ROLES.get(role, role))


def reason_label(reason: str) -> str:
    """A routing reason as words ('manual_transfer' → 'Manual transfer')."""
    return str(REASONS.get(reason, reason))


def delivery_label(status: str) -> str:
    """A readable delivery state ('' for a received message)."""
    return str(DELIVERY_STATES.get(status, ""))


def template_category_label(category: str) -> str:
    """A template category as words ('UTILITY' → 'Utility')."""
    return str(TEMPLATE_CATEGORIES.get(category, category))


def init_app(app: Flask) -> None:
    """The labels as template filters of `app`."""
    for name, function in (("role", role_label), ("reason", reason_label),
                           ("delivery", delivery_label),
                           ("template_category", template_category_label)):
        app.add_template_filter(function, name)
