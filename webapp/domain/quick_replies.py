"""Quick replies: the team's ready-made texts, with {lead} and {me} filled in (pure)."""
import re

FIELDS = re.compile(r"\{(lead|me)\}")


def expand(text: str, *, lead: str, me: str) -> str:
    """The text as inserted in a reply: {lead} is the lead's name, {me} the person writing."""
    values = {"lead": lead, "me": me}
    return FIELDS.sub(lambda found: values[found.group(1)], text or "")

