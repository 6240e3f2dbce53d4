"""Settings → WhatsApp Business: the distribution rules a manager sets."""
from . import bp  # noqa: F401
