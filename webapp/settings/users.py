"""Settings → Users: accounts, roles, deactivation, who is online."""
from . import bp  # noqa: F401
