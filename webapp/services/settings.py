"""Reading the WhatsApp Business settings (one row, created by the first migration)."""
from flask import g

from ..extensions import db
from ..models import WhatsAppSettings

SETTINGS_ID = 1


def current_settings() -> WhatsAppSettings:
    """The settings row, loaded once per request or job run."""
    settings = g.get("_relay_settings")
    if settings is None or settings not in db.session:
        settings = db.session.get(WhatsAppSettings, SETTINGS_ID)
        if settings is None:  # a database made before the seed row: heal it
            settings = WhatsAppSettings(id=SETTINGS_ID)
            db.session.add(settings)
            db.session.flush()
        g._relay_settings = settings
    return settings
