"""How long each text may be, stated once: the models' column sizes, the forms' checks, the
services' cuts and the pages' maxlength all read these (templates as `limits`)."""

# WhatsApp's limit for the body of one text message.
REPLY_LENGTH = 4096
# From this many characters the reply box shows its counter (near the limit, not always).
REPLY_COUNTER_FROM = 3500
# A chat's latest message as the lists show it.
PREVIEW_LENGTH = 200
# What identifies a lead and its messages, as WhatsApp sends them.
WAMID_LENGTH = 255
WA_ID_LENGTH = 32
LEAD_USER_ID_LENGTH = 128
LEAD_NAME_LENGTH = 200
# A lead's searchable name and number (domain.search): the name, a space, the digits.
LEAD_SEARCH_LENGTH = LEAD_NAME_LENGTH + 1 + WA_ID_LENGTH
MESSAGE_TYPE_LENGTH = 30
# People and groups.
USER_NAME_LENGTH = 120
EMAIL_LENGTH = 254  # the longest address SMTP carries
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 200
GROUP_NAME_LENGTH = 80
# An API token's name, and the first characters of it shown to tell tokens apart.
API_TOKEN_NAME_LENGTH = 80
API_TOKEN_PREFIX_LENGTH = 8
# What managers type beside a transfer, and into the chat list's search.
TRANSFER_NOTE_LENGTH = 500
SEARCH_LENGTH = 100
# A person's language and time zone codes (pt_BR; the longest IANA zone name has 32).
LOCALE_LENGTH = 10
TIMEZONE_LENGTH = 64
# Message templates, as Meta bounds them: a name of lowercase letters, digits and
# underscores; a language code such as pt_BR; a body of up to 1,024 characters.
TEMPLATE_NAME_LENGTH = 512
TEMPLATE_LANGUAGE_LENGTH = 15
TEMPLATE_CATEGORY_LENGTH = 20
TEMPLATE_BODY_LENGTH = 1024
# What one {{n}} parameter may hold, and how many a body may have.
TEMPLATE_PARAMETER_LENGTH = 1024
TEMPLATE_MAX_PARAMETERS = 20
# The team's quick replies: a title to find one, and the text it inserts.
QUICK_REPLY_TITLE_LENGTH = 80
QUICK_REPLY_TEXT_LENGTH = REPLY_LENGTH
# Inbound media: WhatsApp's ids, MIME types and a document's file name.
MEDIA_ID_LENGTH = 128
MIME_TYPE_LENGTH = 100
FILE_NAME_LENGTH = 255
MEDIA_KIND_LENGTH = 10
MEDIA_ERROR_LENGTH = 300
MB = 1024 * 1024
# The largest file Relay keeps of each kind (WhatsApp's own limits for each), in bytes.
MEDIA_MAX_BYTES = {"image": 5 * MB, "sticker": 1 * MB, "audio": 16 * MB, "video": 16 * MB,
                   "document": 100 * MB}
# The MIME types Relay keeps of each kind (what WhatsApp delivers); anything else is refused
# and shown as unavailable. Documents are always served as downloads, never shown inline.
MEDIA_TYPES = {
    "image": frozenset({"image/jpeg", "image/png"}),
    "sticker": frozenset({"image/webp"}),
    "audio": frozenset({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}),
    "video": frozenset({"video/mp4", "video/3gpp"}),
    "document": frozenset({
        "application/pdf", "text/plain", "text/csv", "application/msword",
        "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/zip", "image/jpeg", "image/png"}),
}
