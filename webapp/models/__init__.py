"""Typed models, one module per area; import them from here."""
from .chats import Chat, Lead, Message, RoutingDecision
from .events import ApiToken, JobRun, WebhookEvent
from .replies import MessageMedia, MessageTemplate, QuickReply
from .report_counts import report_counts
from .security import SignInFailure, UserSession
from .settings import Group, WhatsAppSettings, group_members
from .users import MANAGER, PRE_SELLER, ROLES, User

__all__ = [
    "ApiToken", "Chat", "Group", "JobRun", "Lead", "MANAGER", "Message", "MessageMedia",
    "MessageTemplate", "PRE_SELLER", "QuickReply", "ROLES", "RoutingDecision", "SignInFailure",
    "User", "UserSession", "WebhookEvent", "report_counts",
    "WhatsAppSettings", "group_members",
]
