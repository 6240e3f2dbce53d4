"""Settings → Defaults → Groups: named sets of pre-sellers."""
from . import bp  # noqa: F401
