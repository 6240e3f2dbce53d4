"""The list of blueprints, one per area."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Register every area's blueprint."""
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .chats import bp as chats_bp
    from .health import bp as health_bp
    from .inbox import bp as inbox_bp
    from .presence import bp as presence_bp
    from .settings import bp as settings_bp
    from .telephony import bp as telephony_bp
    from .webhooks import bp as webhooks_bp

    for blueprint in (auth_bp, presence_bp, settings_bp, webhooks_bp, inbox_bp, chats_bp,
                      telephony_bp, api_bp, health_bp):
        app.register_blueprint(blueprint)
