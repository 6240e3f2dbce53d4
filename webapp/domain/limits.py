"""How long each text may be, stated once: the models' column sizes, the forms' checks, the
services' cuts and the pages' maxlength all read these (templates as `limits`)."""

# WhatsApp's limit for the body of one text message.
REPLY_LENGTH = 4096
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
