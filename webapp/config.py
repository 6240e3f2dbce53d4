"""Configuration in flaskr's order: defaults, instance/config.py, environment, test config."""
import json
import os
import secrets
from pathlib import Path

from flask import Flask

from .db import engine_options
from .private_files import write_private_file

# Environment variables read by name (SPEC, "Running it"), plus a few operational knobs.
ENV_KEYS = (
    "DATABASE_URL", "SECRET_KEY", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN",
    "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_API_BASE_URL",
    "SCHEDULER_ENABLED", "SESSION_COOKIE_SECURE", "RELAY_URL", "JOBS_INTERVAL_SECONDS",
    "DATABASE_CONNECT_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT", "DATABASE_POOL_TIMEOUT",
    "TRUSTED_PROXIES", "SESSION_LIFETIME_HOURS", "SIGN_IN_ACCOUNT_LIMIT",
    "SIGN_IN_ADDRESS_LIMIT", "SIGN_IN_WINDOW_MINUTES",
    "DEFAULT_LOCALE", "DEFAULT_TIMEZONE", "DELIVERY_POLL_SECONDS", "DELIVERY_BATCH_SIZE",
    "WHATSAPP_BUSINESS_ACCOUNT_ID", "MEDIA_ROOT", "MEDIA_FETCH_INTERVAL_SECONDS",
)
BOOL_KEYS = {"SCHEDULER_ENABLED", "SESSION_COOKIE_SECURE"}
INT_KEYS = {"JOBS_INTERVAL_SECONDS", "DATABASE_CONNECT_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT",
            "DATABASE_POOL_TIMEOUT", "TRUSTED_PROXIES", "SESSION_LIFETIME_HOURS",
            "SIGN_IN_ACCOUNT_LIMIT", "SIGN_IN_ADDRESS_LIMIT", "SIGN_IN_WINDOW_MINUTES",
            "MEDIA_FETCH_INTERVAL_SECONDS", "DELIVERY_BATCH_SIZE"}
FLOAT_KEYS = {"DELIVERY_POLL_SECONDS"}
# Secrets that must never have a fixed default: generated once into instance/.
GENERATED_SECRETS = ("SECRET_KEY", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")
SECRETS_FILE = "secrets.json"
DEFAULT_SESSION_LIFETIME_HOURS = 12


def defaults(instance_path: str) -> dict:
    """The built-in defaults, every one overridable."""
    return {
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "relay.sqlite3"),
        "WHATSAPP_ACCESS_TOKEN": "",
        "WHATSAPP_PHONE_NUMBER_ID": "",
        "WHATSAPP_API_BASE_URL": "https://graph.facebook.com/v21.0",
        "WHATSAPP_API_TIMEOUT": (3.05, 10),
        # The WhatsApp Business Account whose approved templates Relay lists.
        "WHATSAPP_BUSINESS_ACCOUNT_ID": "",
        # Where inbound photos, voice notes, videos and documents are kept, and how often
        # the jobs process looks for new ones to download.
        "MEDIA_ROOT": os.path.join(instance_path, "media"),
        "MEDIA_FETCH_INTERVAL_SECONDS": 5,
        "SCHEDULER_ENABLED": False,
        "JOBS_INTERVAL_SECONDS": 60,
        # The delivery consumer: seconds between looks when nothing woke it (retries that
        # fell due; on SQLite, deliveries stored by another process), deliveries per batch.
        "DELIVERY_POLL_SECONDS": 0.5,
        "DELIVERY_BATCH_SIZE": 500,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": None,  # None: decided by secure_cookies()
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": None,
        # A session ends this long after sign-in, whatever happens (server side).
        "SESSION_LIFETIME_HOURS": DEFAULT_SESSION_LIFETIME_HOURS,
        # Failed sign-ins allowed per account and per client address within the window.
        "SIGN_IN_ACCOUNT_LIMIT": 5,
        "SIGN_IN_ADDRESS_LIMIT": 20,
        "SIGN_IN_WINDOW_MINUTES": 15,
        # Reverse proxies in front of Relay whose X-Forwarded-For/-Proto are believed.
        "TRUSTED_PROXIES": 0,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Seconds. A database that stops answering costs a request this long, not forever.
        "DATABASE_CONNECT_TIMEOUT": 5,
        "DATABASE_STATEMENT_TIMEOUT": 15,  # 0: no limit
        "DATABASE_POOL_TIMEOUT": 10,
        # A new user's language and time zone, until they choose theirs on /account.
        "DEFAULT_LOCALE": "pt_BR",
        "DEFAULT_TIMEZONE": "America/Sao_Paulo",
    }


def _parse(key: str, value: str):
    """Turn an environment string into the type the app expects."""
    if key in BOOL_KEYS:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if key in INT_KEYS:
        return int(value)
    if key in FLOAT_KEYS:
        return float(value)
    return value


def load_generated_secrets(instance_path: str) -> dict:
    """Read (creating on first use) the secrets generated into instance/secrets.json."""
    path = Path(instance_path) / SECRETS_FILE
    stored = json.loads(path.read_text()) if path.exists() else {}
    missing = [k for k in GENERATED_SECRETS if k not in stored]
    if missing:
        stored.update({k: secrets.token_urlsafe(32) for k in missing})
        write_private_file(path, json.dumps(stored, indent=2))
    return stored


def database_uri(url: str) -> str:
    """Normalise DATABASE_URL to a SQLAlchemy URL using psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secure_cookies(app: Flask) -> None:
    """Cookies go over HTTPS only, unless debugging or testing, or said otherwise
    (SESSION_COOKIE_SECURE=0 to try production settings on plain http)."""
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.config.get("DEBUG")
                                                   or app.config.get("TESTING"))
    if app.config["REMEMBER_COOKIE_SECURE"] is None:
        app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]


def csrf_lifetime(app: Flask) -> None:
    """A form's token lasts as long as a session may (SESSION_LIFETIME_HOURS, default 12 h)."""
    if app.config.get("WTF_CSRF_TIME_LIMIT") is None:
        hours = app.config.get("SESSION_LIFETIME_HOURS", DEFAULT_SESSION_LIFETIME_HOURS)
        app.config["WTF_CSRF_TIME_LIMIT"] = int(hours * 3600)


def configure(app: Flask, test_config: dict | None) -> None:
    """Apply defaults, instance config, environment and test config, in that order."""
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = _parse(key, os.environ[key])
    if test_config:
        app.config.from_mapping(test_config)
    missing = [k for k in GENERATED_SECRETS if not app.config.get(k)]
    if missing:
        generated = load_generated_secrets(app.instance_path)
        for key in missing:
            app.config[key] = generated[key]
    secure_cookies(app)
    csrf_lifetime(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri = database_uri(app.config["DATABASE_URL"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(uri, connect_timeout=app.config["DATABASE_CONNECT_TIMEOUT"],
                         statement_timeout=app.config["DATABASE_STATEMENT_TIMEOUT"],
                         pool_timeout=app.config["DATABASE_POOL_TIMEOUT"]),
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    app.config["SANDBOX"] = not app.config.get("WHATSAPP_ACCESS_TOKEN")
