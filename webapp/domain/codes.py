"""The codes Relay stores and decides with, one StrEnum each.

Each value is exactly the string the database holds, so a member compares equal to a value
read back from a column and no data changes with them. Pages turn codes into words.
"""
from enum import StrEnum


class ChatStatus(StrEnum):
    """A chat is open until its response window passes (expired) or someone closes it."""

    OPEN = "open"
    EXPIRED = "expired"
    CLOSED = "closed"


class Direction(StrEnum):
    """Who wrote a message: the lead (in) or the team (out)."""

    INBOUND = "in"
    OUTBOUND = "out"


class MessageStatus(StrEnum):
    """An inbound message is received; a reply moves pending → sent → delivered → read."""

    RECEIVED = "received"
    PENDING = "pending"
    SANDBOX = "sandbox"  # recorded as sent with no access token configured
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


class RoutingReason(StrEnum):
    """Why a chat went where it did, stored on each routing decision."""

    OWNER = "owner"
    DISTRIBUTION = "distribution"
    GROUP = "group"
    ALTERNATE = "alternate"
    UNASSIGNED = "unassigned"
    OFFLINE_TRANSFER = "offline_parent_transfer"
    MANUAL_TRANSFER = "manual_transfer"
    WAITING_LINE = "waiting_line"  # an unassigned chat given out when someone had room
    REASSIGNED = "reassigned_unanswered"  # its pre-seller did not answer in time
    OVERDUE = "overdue"  # unanswered in time, and nobody else could take it: it stays


class Presence(StrEnum):
    """What a user is now: Available and Away are signed in; only Available counts as online."""

    AVAILABLE = "available"
    AWAY = "away"
    OFFLINE = "offline"


class ChatAction(StrEnum):
    """What a person may try to do to a chat (domain.permissions decides)."""

    REPLY = "reply"
    CLOSE = "close"
    TRANSFER = "transfer"
    TEMPLATE = "template"  # a Meta-approved template: allowed past the response window


class Refusal(StrEnum):
    """Why a chat action is refused now; the words live in `webapp.wording`."""

    NOT_MANAGER = "not_manager"  # only managers transfer
    NOT_ASSIGNEE = "not_assignee"  # a pre-seller acts on their own chats only
    CLOSED = "closed"
    EXPIRED = "expired"
    WINDOW_CLOSED = "window_closed"  # still open, but its response window has passed


class MessageKind(StrEnum):
    """The kinds of outbound message Relay sends (Message.type); inbound ones keep WhatsApp's."""

    TEXT = "text"
    TEMPLATE = "template"


class TemplateSource(StrEnum):
    """Where a message template comes from: kept by managers (sandbox) or Meta's account."""

    SANDBOX = "sandbox"
    CLOUD = "cloud"


class TemplateCategory(StrEnum):
    """Meta's template categories."""

    MARKETING = "MARKETING"
    UTILITY = "UTILITY"
    AUTHENTICATION = "AUTHENTICATION"


class MediaState(StrEnum):
    """An inbound photo, voice note, video, document or sticker: waiting to be downloaded,
    stored under MEDIA_ROOT, or given up on."""

    PENDING = "pending"
    STORED = "stored"
    UNAVAILABLE = "unavailable"


class DeliveryFailure(StrEnum):
    """Why a stored webhook delivery is waiting to be retried or dead; pages word it."""

    BAD_PAYLOAD = "bad_payload"  # not a Cloud API delivery: retrying cannot help
    ITEMS_FAILED = "items_failed"  # some of its messages or statuses failed alone
    PROCESSING_FAILED = "processing_failed"  # the whole delivery failed
