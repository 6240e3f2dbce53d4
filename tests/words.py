"""Reading stored facts as a person would: the sentences pages show, in English and in UTC."""
from contextlib import contextmanager

from flask import Flask

from webapp import i18n
from webapp.decision_text import explain_facts

_READER = Flask("reader")
_READER.config.update(DEFAULT_LOCALE="en", DEFAULT_TIMEZONE="UTC")
i18n.init_app(_READER)


@contextmanager
def in_english():
    """Words as an English reader in UTC reads them (outside any request of the app)."""
    with _READER.app_context():
        yield


def english(words, *args) -> str:
    """`words(*args)` as an English reader in UTC reads it."""
    with in_english():
        return words(*args)


def failure_of(message) -> str | None:
    """Why a reply failed, as an English reader reads it (None when nothing failed)."""
    from webapp.whatsapp.errors import failure_text
    return english(failure_text, message.error_code, message.error) if message.error else None


def explained(decision) -> str:
    """A routing decision's facts (domain Decision or stored row) in English, times in UTC."""
    with _READER.app_context():
        return explain_facts(decision.facts)
