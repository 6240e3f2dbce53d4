"""Languages and time zones: which one each request speaks and shows its times in.

A signed-in user's own choice (set on /account) wins; an account that never chose follows
DEFAULT_LOCALE and DEFAULT_TIMEZONE. Before sign-in the browser's Accept-Language picks the
language. The catalogs live in webapp/translations (`make translations` rebuilds them).
"""
from datetime import datetime, timedelta
from pathlib import Path

import pytz
from flask import Flask, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from .extensions import babel

# The languages Relay speaks, each named in its own language (so anyone finds theirs).
LANGUAGES = {"pt_BR": "Português (Brasil)", "en": "English"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
# Brazil's zones first: they are where a Brazilian team looks.
_FIRST_ZONES = tuple(zone for zone in pytz.common_timezones
                     if zone in pytz.country_timezones["BR"])


def is_language(code: str | None) -> bool:
    """True for a language Relay has a catalog for (or English, its source language)."""
    return code in LANGUAGES


def is_time_zone(name: str | None) -> bool:
    """True for an IANA time zone name the formatter knows (e.g. America/Sao_Paulo)."""
    return bool(name) and name in pytz.all_timezones_set


def time_zone_names() -> list[str]:
    """The zones a person may pick: Brazil's first, then every common zone by name."""
    rest = [zone for zone in pytz.common_timezones if zone not in _FIRST_ZONES]
    return [*_FIRST_ZONES, *rest]


# Outside a request (the CLI, jobs, logs) Relay speaks English, the operators' language.
OPERATORS_LANGUAGE = "en"


def select_locale() -> str | None:
    """The user's language, else the browser's before sign-in; None means the default."""
    if not has_request_context():
        return OPERATORS_LANGUAGE
    if current_user.is_authenticated:
        return current_user.locale if is_language(current_user.locale) else None
    return request.accept_languages.best_match(LANGUAGES)


def select_timezone() -> str | None:
    """The signed-in user's time zone; None means DEFAULT_TIMEZONE."""
    if has_request_context() and current_user.is_authenticated \
            and is_time_zone(current_user.timezone):
        return current_user.timezone
    return None


def html_lang() -> str:
    """The page's language as HTML wants it (BCP 47: pt-BR, en)."""
    return str(get_locale() or "en").replace("_", "-")


def utc_offset(zone: str, now: datetime) -> str:
    """'UTC−03:00': where a zone stands against UTC at `now`, for the zone picker."""
    offset = now.astimezone(pytz.timezone(zone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def init_app(app: Flask) -> None:
    """Flask-Babel for `app`, with the deployment's defaults checked at start-up."""
    locale, zone = app.config["DEFAULT_LOCALE"], app.config["DEFAULT_TIMEZONE"]
    if not is_language(locale):
        raise ValueError(f"DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}, not {locale!r}")
    if not is_time_zone(zone):
        raise ValueError(f"DEFAULT_TIMEZONE must be an IANA time zone, not {zone!r}")
    app.config.update(BABEL_DEFAULT_LOCALE=locale, BABEL_DEFAULT_TIMEZONE=zone,
                      BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(html_lang=html_lang)
