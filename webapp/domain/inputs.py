"""What people type, checked and normalized once: ids, control characters, names, passwords.

Pure: the standard library only.
"""
import unicodedata

from .limits import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from .marks import N_

# The largest id any table can hold (SQLite's INTEGER and PostgreSQL's bigint; int4 ids are
# smaller still). A larger number can name nothing, and drivers refuse to bind it.
MAX_ID = 2**63 - 1
# Control characters a multi-line text may keep: tab and line breaks.
LINE_CONTROLS = frozenset("\t\n\r")


def parse_id(raw: str | None) -> int | None:
    """An id typed as ASCII digits within the database's range; None for anything else."""
    if not raw or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def parse_whole_number(raw: str | None, lowest: int, highest: int) -> int | None:
    """A whole number typed as ASCII digits within [lowest, highest]; None otherwise."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(highest)):
        return None
    value = int(raw)
    return value if lowest <= value <= highest else None


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """True when the text holds an invisible control character (NUL, ESC, a line break in a
    one-line field...). Databases refuse NUL; the others only hide or forge content."""
    allowed = LINE_CONTROLS if multiline else frozenset()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def normalize_name(name: str | None) -> str:
    """A name as stored: NFKC (fullwidth letters become plain), invisible format characters
    such as zero-width spaces dropped, and runs of whitespace made one space."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def name_key(name: str | None) -> str:
    """What two names are compared by: normalized and case-folded."""
    return normalize_name(name).casefold()


def password_problem(password: str | None) -> str | None:
    """Why a new password is refused, or None when it can be used to sign in."""
    password = password or ""
    if not password.strip():
        return N_("Choose a password that is not only spaces.")
    if len(password) < PASSWORD_MIN_LENGTH:
        return N_("Use at least %(min)d characters.")  # the page fills in the bounds
    if len(password) > PASSWORD_MAX_LENGTH:
        return N_("Use at most %(max)d characters.")
    return None
