"""The list of blueprints, one per area."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Register every area's blueprint."""
    from .auth import bp as auth_bp
    from .presence import bp as presence_bp
    from .settings import bp as settings_bp
    from .webhooks import bp as webhooks_bp

    for blueprint in (auth_bp, presence_bp, settings_bp, webhooks_bp):
        app.register_blueprint(blueprint)
