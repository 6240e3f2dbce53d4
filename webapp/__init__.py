"""Relay: WhatsApp Business chat distribution for pre-sales teams."""
import os
from pathlib import Path

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config, security_headers
from .db import setup_sqlite
from .extensions import csrf, db, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto from exactly TRUSTED_PROXIES proxies, and no more.

    With none (the default) the client address is the socket's; a forwarded header anyone
    can send would otherwise let a client pick the address the sign-in throttle counts.
    """
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies < 0:
        raise ValueError("TRUSTED_PROXIES must be 0 or more")
    if proxies:
        # Flask documents wrapping wsgi_app in middleware; its annotations call it a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI.

    Everything the app has is registered here; importing a module never changes an app.
    """
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    config.configure(app, test_config)
    trust_proxies(app)

    db.init_app(app)
    with app.app_context():
        setup_sqlite(db.engine)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    security_headers.init_app(app)

    from . import (
        decision_text,
        delivery_wakeup,
        formatting,
        i18n,
        labels,
        message_text,
        models,  # noqa: F401  (registers every table with the metadata)
    )
    from .auth import access
    from .blueprints import register_blueprints
    from .chats import presenters
    from .cli import register_cli
    from .errors import register_error_handlers
    from .health import routes as health
    from .input_guards import register_input_guards
    from .jobs import init_jobs
    from .navigation import register_template_helpers
    from .webhooks import fast_path

    access.init_app(app)
    register_input_guards(app)  # before the blueprints: their URL rules use its converter
    i18n.init_app(app)
    register_blueprints(app)
    presenters.init_app(app)
    formatting.init_app(app)
    labels.init_app(app)
    decision_text.init_app(app)
    message_text.init_app(app)
    register_template_helpers(app)
    register_error_handlers(app)
    health.init_app(app)
    delivery_wakeup.init_app(app)
    register_cli(app)
    init_jobs(app)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    fast_path.init_app(app)  # last: in front of everything (ProxyFix too), see its module
    return app


def favicon():
    """Browsers ask every site for /favicon.ico, whatever the pages link."""
    return current_app.send_static_file("favicon.ico")
